package portal

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"cleancity/portal/apperr"
	"cleancity/portal/areas"
	"cleancity/portal/auth"
)

// DemoPassword is the password of every demo account (listed in the README;
// the accounts exist only in demo mode).
const DemoPassword = "demo-pass-2026"

// localsSession holds the session id of the request's access token.
const localsSession = "session_id"

// authSweepInterval is how often expired rate-limit counters and sessions
// are deleted.
const authSweepInterval = time.Minute

// initAuth builds the accounts service and, on a first start without the
// demo, creates the bootstrap administrator.
func (s *Server) initAuth(ctx context.Context) error {
	svc, err := auth.NewService(auth.Config{
		DB: s.store.DB, Secret: s.cfg.JWTSecret, Log: s.log, Now: s.now, Areas: areaScopes{s.Areas},
	})
	if err != nil {
		return err
	}
	if err := svc.Init(ctx); err != nil {
		return err
	}
	s.Auth = svc
	if s.cfg.Demo {
		return nil
	}
	pw, err := svc.Bootstrap(ctx)
	if err != nil {
		return fmt.Errorf("bootstrap administrator: %w", err)
	}
	if pw != "" {
		// Printed once: it is not stored anywhere but as a hash.
		s.log.Warn("no accounts yet: created the administrator; sign in and change this password now",
			"username", "admin", "password", pw)
	}
	return nil
}

// areaScopes adapts the areas service to auth.Areas.
type areaScopes struct{ a *areas.Service }

func (x areaScopes) IsDistrict(id string) bool {
	a, ok := x.a.Area(id)
	return ok && a.Level == areas.District
}

func (x areaScopes) IsDepartment(id string) bool {
	_, ok := x.a.Department(id)
	return ok
}

// demoAccounts seeds the demo accounts (demo mode only), all with
// DemoPassword.
func (s *Server) demoAccounts(ctx context.Context) error {
	users := []auth.NewUser{
		{Username: "admin", DisplayName: "系统管理员", Role: auth.RoleAdmin},
		{Username: "official", DisplayName: "市创卫办", Role: auth.RoleOfficial},
		{Username: "official-d1", DisplayName: "清源区创卫办", Role: auth.RoleOfficial, Scope: "D01"},
		{Username: "sanitation", DisplayName: "市环卫处值班员", Role: auth.RoleDepartment, Scope: "sanitation"},
		{Username: "citymgmt", DisplayName: "市城管局值班员", Role: auth.RoleDepartment, Scope: "citymgmt"},
	}
	for i := 1; i <= 5; i++ {
		users = append(users, auth.NewUser{Username: fmt.Sprintf("volunteer%d", i),
			DisplayName: fmt.Sprintf("志愿者%d号", i), Role: auth.RoleVolunteer})
	}
	users = append(users, auth.NewUser{Username: "resident1", DisplayName: "居民张先生", Role: auth.RoleResident})
	// The first district of an imported city may not be D01.
	if d := s.Areas.List(areas.District, ""); len(d) > 0 && d[0].ID != "D01" {
		users[2].Scope = d[0].ID
	}
	n, err := s.Auth.SeedUsers(ctx, DemoPassword, users)
	if err != nil {
		return fmt.Errorf("demo accounts: %w", err)
	}
	if n > 0 {
		s.log.Info("demo accounts created", "count", n, "password", DemoPassword)
	}
	return nil
}

// authErr localizes the auth package's errors; others pass through.
func authErr(c *fiber.Ctx, err error) error {
	var ae *auth.Error
	if errors.As(err, &ae) {
		return ae.Localize(languageOf(c))
	}
	return err
}

// authenticate reads "Authorization: Bearer <access token>". No header is
// an anonymous request; a malformed, invalid, expired or revoked token is a
// 401, never a silent fall-back to anonymous.
func (s *Server) authenticate(c *fiber.Ctx) error {
	h := c.Get(fiber.HeaderAuthorization)
	if h == "" {
		return c.Next()
	}
	scheme, token, _ := strings.Cut(h, " ")
	token = strings.TrimSpace(token)
	if !strings.EqualFold(scheme, "Bearer") || token == "" {
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="cleancity"`)
		return authErr(c, auth.ErrInvalidToken)
	}
	u, claims, err := s.Auth.Authenticate(c.UserContext(), token)
	if err != nil {
		if apperr.Is(authErr(c, err), apperr.Unauthorized) {
			c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="cleancity", error="invalid_token"`)
		}
		return authErr(c, err)
	}
	c.Locals(localsPrincipal, principalFromUser(u))
	c.Locals(localsSession, claims.SessionID)
	return c.Next()
}

func principalFromUser(u auth.User) *Principal {
	return &Principal{UserID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Role: Role(u.Role), Scope: u.Scope}
}

// limitAuthClients counts every auth request per client address.
func (s *Server) limitAuthClients(c *fiber.Ctx) error {
	if err := s.Auth.AllowClient(c.UserContext(), clientIP(c)); err != nil {
		return authErr(c, err)
	}
	return c.Next()
}

func (s *Server) registerAuthRoutes(api fiber.Router) {
	g := api.Group("/auth", s.limitAuthClients)
	g.Post("/register", s.register)
	g.Post("/login", s.login)
	g.Post("/refresh", s.refresh)
	g.Post("/logout", s.logout)

	signedIn := requireRoles(RoleResident, RoleVolunteer, RoleDepartment, RoleOfficial, RoleAdmin)
	api.Get("/me", signedIn, s.getMe)
	api.Patch("/me", signedIn, s.updateMe)

	admin := requireRoles(RoleAdmin)
	api.Get("/users", admin, s.listUsers)
	api.Post("/users", admin, s.createUser)
	api.Get("/users/:id", admin, s.getUser)
	api.Patch("/users/:id", admin, s.updateUser)
}

type userResponse struct {
	ID          string     `json:"id"`
	Username    string     `json:"username"`
	DisplayName string     `json:"display_name"`
	Phone       string     `json:"phone,omitempty"`
	Email       string     `json:"email,omitempty"`
	Role        string     `json:"role"`
	Scope       string     `json:"scope,omitempty"`
	Disabled    bool       `json:"disabled"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	LastLoginAt *time.Time `json:"last_login_at,omitempty"`
}

func toUserResponse(u auth.User) userResponse {
	r := userResponse{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Phone: u.Phone, Email: u.Email,
		Role: string(u.Role), Scope: u.Scope, Disabled: u.Disabled, CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt}
	if !u.LastLoginAt.IsZero() && u.LastLoginAt.Unix() > 0 {
		t := u.LastLoginAt
		r.LastLoginAt = &t
	}
	return r
}

// sessionResponse answers a sign-in, a refresh, a registration and a
// password change; the token fields are empty on other profile changes.
type sessionResponse struct {
	AccessToken  string       `json:"access_token,omitempty"`
	RefreshToken string       `json:"refresh_token,omitempty"`
	TokenType    string       `json:"token_type,omitempty"`
	ExpiresIn    int          `json:"expires_in,omitempty"`
	User         userResponse `json:"user"`
}

func toSessionResponse(s auth.Session) sessionResponse {
	return sessionResponse{AccessToken: s.AccessToken, RefreshToken: s.RefreshToken, TokenType: "Bearer",
		ExpiresIn: s.ExpiresIn, User: toUserResponse(s.User)}
}

func clientInfo(c *fiber.Ctx) auth.ClientInfo {
	return auth.ClientInfo{IP: clientIP(c), UserAgent: c.Get(fiber.HeaderUserAgent)}
}

// noStore keeps tokens and account data out of caches.
func noStore(c *fiber.Ctx) { c.Set(fiber.HeaderCacheControl, "no-store") }

type registerRequest struct {
	Username    string `json:"username" validate:"required,max=64"`
	Password    string `json:"password" validate:"required,max=256"`
	DisplayName string `json:"display_name" validate:"omitempty,max=64,plaintext"`
	Phone       string `json:"phone" validate:"omitempty,max=32"`
	Email       string `json:"email" validate:"omitempty,max=254"`
}

// register creates a resident account and signs it in. One address may
// register a few accounts an hour (auth.Limits.RegistrationsPerClient).
func (s *Server) register(c *fiber.Ctx) error {
	var req registerRequest
	if err := s.BindJSON(c, &req); err != nil {
		return err
	}
	addr := clientIP(c)
	if err := s.Auth.CheckRegistration(c.UserContext(), addr); err != nil {
		return authErr(c, err)
	}
	u, err := s.Auth.CreateUser(c.UserContext(), auth.NewUser{
		Username: req.Username, Password: req.Password, DisplayName: req.DisplayName,
		Phone: req.Phone, Email: req.Email, Role: auth.RoleResident,
	})
	if err == nil || errors.Is(err, auth.ErrUsernameTaken) {
		if cerr := s.Auth.CountRegistration(c.UserContext(), addr); cerr != nil {
			return cerr
		}
	}
	if err != nil {
		return authErr(c, err)
	}
	sess, err := s.Auth.StartSession(c.UserContext(), u, clientInfo(c))
	if err != nil {
		return authErr(c, err)
	}
	noStore(c)
	return c.Status(fiber.StatusCreated).JSON(toSessionResponse(sess))
}

type loginRequest struct {
	Username string `json:"username" validate:"required,max=64"`
	Password string `json:"password" validate:"required,max=256"`
}

func (s *Server) login(c *fiber.Ctx) error {
	var req loginRequest
	if err := s.BindJSON(c, &req); err != nil {
		return err
	}
	sess, err := s.Auth.Login(c.UserContext(), req.Username, req.Password, clientInfo(c))
	// Every sign-in decision is logged with who tried and from where, never
	// the password (staff sign-ins are also in the audit log).
	outcome := "ok"
	if err != nil {
		outcome = string(apperr.CodeOf(authErr(c, err)))
	}
	s.log.Info("sign-in", "username", auth.NormalizeUsername(req.Username), "outcome", outcome,
		"ip", clientIP(c), "request_id", requestIDOf(c))
	if err != nil {
		return authErr(c, err)
	}
	c.Locals(localsAuditActor, principalFromUser(sess.User))
	noStore(c)
	return c.JSON(toSessionResponse(sess))
}

type refreshRequest struct {
	RefreshToken string `json:"refresh_token" validate:"required,max=256"`
}

func (s *Server) refresh(c *fiber.Ctx) error {
	var req refreshRequest
	if err := s.BindJSON(c, &req); err != nil {
		return err
	}
	sess, err := s.Auth.Refresh(c.UserContext(), req.RefreshToken)
	if err != nil {
		return authErr(c, err)
	}
	noStore(c)
	return c.JSON(toSessionResponse(sess))
}

type logoutRequest struct {
	RefreshToken string `json:"refresh_token" validate:"omitempty,max=256"`
}

// logout revokes the session of the body's refresh token and of the
// caller's access token, whichever are given; 204 either way.
func (s *Server) logout(c *fiber.Ctx) error {
	var req logoutRequest
	if len(c.Body()) > 0 {
		if err := s.BindJSON(c, &req); err != nil {
			return err
		}
	}
	sid, _ := c.Locals(localsSession).(string)
	if err := s.Auth.Logout(c.UserContext(), req.RefreshToken, sid); err != nil {
		return authErr(c, err)
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) getMe(c *fiber.Ctx) error {
	u, err := s.Auth.User(c.UserContext(), principalOf(c).UserID)
	if err != nil {
		return authErr(c, err)
	}
	noStore(c)
	return c.JSON(toUserResponse(u))
}

type updateMeRequest struct {
	DisplayName *string `json:"display_name" validate:"omitempty,max=64,plaintext"`
	Phone       *string `json:"phone" validate:"omitempty,max=32"`
	Email       *string `json:"email" validate:"omitempty,max=254"`
	OldPassword *string `json:"old_password" validate:"omitempty,max=256"`
	NewPassword *string `json:"new_password" validate:"omitempty,max=256"`
}

// updateMe changes the caller's display name, contact or password. A
// password change signs out every session and answers new tokens.
func (s *Server) updateMe(c *fiber.Ctx) error {
	var req updateMeRequest
	if err := s.BindJSON(c, &req); err != nil {
		return err
	}
	u, sess, err := s.Auth.UpdateProfile(c.UserContext(), principalOf(c).UserID, auth.ProfileUpdate{
		DisplayName: req.DisplayName, Phone: req.Phone, Email: req.Email,
		OldPassword: req.OldPassword, NewPassword: req.NewPassword,
	}, clientInfo(c))
	if err != nil {
		return authErr(c, err)
	}
	noStore(c)
	if sess != nil {
		return c.JSON(toSessionResponse(*sess))
	}
	return c.JSON(sessionResponse{User: toUserResponse(u)})
}

type listUsersQuery struct {
	Role   string `query:"role" validate:"omitempty,oneof=resident volunteer department official admin"`
	Q      string `query:"q" validate:"omitempty,max=64"`
	Limit  int    `query:"limit" validate:"omitempty,min=1,max=200"`
	Offset int    `query:"offset" validate:"omitempty,min=0,max=100000"`
}

type listUsersResponse struct {
	Users  []userResponse `json:"users"`
	Total  int64          `json:"total"`
	Limit  int            `json:"limit"`
	Offset int            `json:"offset"`
}

func (s *Server) listUsers(c *fiber.Ctx) error {
	var q listUsersQuery
	if err := s.BindQuery(c, &q); err != nil {
		return err
	}
	if q.Limit == 0 {
		q.Limit = 50
	}
	list, total, err := s.Auth.ListUsers(c.UserContext(), auth.UserFilter{Role: auth.Role(q.Role), Query: q.Q, Limit: q.Limit, Offset: q.Offset})
	if err != nil {
		return authErr(c, err)
	}
	out := listUsersResponse{Users: make([]userResponse, 0, len(list)), Total: total, Limit: q.Limit, Offset: q.Offset}
	for _, u := range list {
		out.Users = append(out.Users, toUserResponse(u))
	}
	noStore(c)
	return c.JSON(out)
}

type createUserRequest struct {
	Username    string `json:"username" validate:"required,max=64"`
	Password    string `json:"password" validate:"required,max=256"`
	DisplayName string `json:"display_name" validate:"omitempty,max=64,plaintext"`
	Role        string `json:"role" validate:"required,oneof=resident volunteer department official admin"`
	Scope       string `json:"scope" validate:"omitempty,max=64"`
	Phone       string `json:"phone" validate:"omitempty,max=32"`
	Email       string `json:"email" validate:"omitempty,max=254"`
}

func (s *Server) createUser(c *fiber.Ctx) error {
	var req createUserRequest
	if err := s.BindJSON(c, &req); err != nil {
		return err
	}
	u, err := s.Auth.CreateUser(c.UserContext(), auth.NewUser{
		Username: req.Username, Password: req.Password, DisplayName: req.DisplayName,
		Role: auth.Role(req.Role), Scope: req.Scope, Phone: req.Phone, Email: req.Email,
	})
	if err != nil {
		return authErr(c, err)
	}
	return c.Status(fiber.StatusCreated).JSON(toUserResponse(u))
}

var userIDPattern = regexp.MustCompile(`^[0-9a-f]{24}$`)

func (s *Server) userParam(c *fiber.Ctx) (string, error) {
	id := c.Params("id")
	if !userIDPattern.MatchString(id) {
		return "", authErr(c, auth.ErrUserNotFound)
	}
	return id, nil
}

func (s *Server) getUser(c *fiber.Ctx) error {
	id, err := s.userParam(c)
	if err != nil {
		return err
	}
	u, err := s.Auth.User(c.UserContext(), id)
	if err != nil {
		return authErr(c, err)
	}
	noStore(c)
	return c.JSON(toUserResponse(u))
}

type updateUserRequest struct {
	DisplayName *string `json:"display_name" validate:"omitempty,max=64,plaintext"`
	Role        *string `json:"role" validate:"omitempty,oneof=resident volunteer department official admin"`
	Scope       *string `json:"scope" validate:"omitempty,max=64"`
	Disabled    *bool   `json:"disabled"`
	Password    *string `json:"password" validate:"omitempty,max=256"`
}

// updateUser is an administrator's change of role, scope, display name,
// disabled flag, or a password reset.
func (s *Server) updateUser(c *fiber.Ctx) error {
	id, err := s.userParam(c)
	if err != nil {
		return err
	}
	var req updateUserRequest
	if err := s.BindJSON(c, &req); err != nil {
		return err
	}
	up := auth.UserUpdate{DisplayName: req.DisplayName, Scope: req.Scope, Disabled: req.Disabled, Password: req.Password}
	if req.Role != nil {
		r := auth.Role(*req.Role)
		up.Role = &r
	}
	u, err := s.Auth.UpdateUser(c.UserContext(), principalOf(c).UserID, id, up)
	if err != nil {
		return authErr(c, err)
	}
	return c.JSON(toUserResponse(u))
}
