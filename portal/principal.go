package portal

import (
	"slices"

	"github.com/gofiber/fiber/v2"

	"cleancity/portal/apperr"
)

// Role is what a signed-in user may do.
type Role string

// The roles.
const (
	RoleResident   Role = "resident"
	RoleVolunteer  Role = "volunteer"
	RoleDepartment Role = "department"
	RoleOfficial   Role = "official"
	RoleAdmin      Role = "admin"
)

// Principal is the authenticated caller of a request.
type Principal struct {
	UserID      string
	Username    string
	DisplayName string
	Role        Role
	// Scope is a district id for a district-scoped official, a department
	// id for department staff, and empty otherwise (city-wide).
	Scope string
}

// Is reports whether the principal has one of the roles.
func (p *Principal) Is(roles ...Role) bool {
	return p != nil && slices.Contains(roles, p.Role)
}

const localsPrincipal = "principal"

// principalOf returns the request's authenticated caller, or nil when the
// request is anonymous. The authenticate middleware sets it.
func principalOf(c *fiber.Ctx) *Principal {
	p, _ := c.Locals(localsPrincipal).(*Principal)
	return p
}

// requireRoles answers 401 to anonymous callers and 403 to callers whose
// role is not listed.
func requireRoles(roles ...Role) fiber.Handler {
	return func(c *fiber.Ctx) error {
		p := principalOf(c)
		if p == nil {
			return apperr.New(apperr.Unauthorized, msg(languageOf(c), "请先登录", "Sign in first"))
		}
		if !p.Is(roles...) {
			return apperr.New(apperr.Forbidden, msg(languageOf(c), "当前角色无权执行此操作", "your role may not do this"))
		}
		return c.Next()
	}
}
