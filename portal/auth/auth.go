// Package auth holds the portal's accounts and sign-in: users and their
// validation, argon2id password hashes that record their own parameters,
// the common-password list, HS256 access tokens (golang-jwt v5), rotating
// refresh-token families stored only as hashes, and rate limits kept in the
// store so that several portal processes share them.
//
// It knows neither Fiber nor the portal package: portal adapts its areas to
// the small Areas interface and turns *Error values into localized
// apperr errors.
package auth

import (
	"errors"
	"time"

	"cleancity/portal/apperr"
)

// Role is what a user may do. The values match portal.Role.
type Role string

// The roles.
const (
	RoleResident   Role = "resident"
	RoleVolunteer  Role = "volunteer"
	RoleDepartment Role = "department"
	RoleOfficial   Role = "official"
	RoleAdmin      Role = "admin"
)

// Roles lists every role, least powerful first.
var Roles = []Role{RoleResident, RoleVolunteer, RoleDepartment, RoleOfficial, RoleAdmin}

// Valid reports whether r is one of the roles.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if r == x {
			return true
		}
	}
	return false
}

// User is an account.
type User struct {
	ID          string
	Username    string // lower case, unique
	DisplayName string
	Phone       string // E.164 ("+8613800138000") or empty
	Email       string // lower case or empty
	Role        Role
	// Scope is a district id for a district official, a department id for
	// department staff, empty otherwise.
	Scope    string
	Disabled bool
	// PasswordHash is an argon2id PHC string with its own parameters.
	PasswordHash string
	// TokenVersion is carried in access tokens; raising it (password reset,
	// disable) ends every session of the user at its next request.
	TokenVersion      int64
	CreatedAt         time.Time
	UpdatedAt         time.Time
	PasswordChangedAt time.Time
	LastLoginAt       time.Time
	// KnownAddrs are the client addresses of the last successful sign-ins,
	// newest first (at most MaxKnownAddrs): they still get in while an
	// attack from elsewhere holds the account's throttle.
	KnownAddrs []string
}

// MaxKnownAddrs is how many sign-in addresses an account remembers.
const MaxKnownAddrs = 10

// Areas tells which district and department ids exist; portal adapts its
// areas service to it.
type Areas interface {
	IsDistrict(id string) bool
	IsDepartment(id string) bool
}

// Error is an auth error with its message in Simplified Chinese and
// English; portal localizes it into an *apperr.Error.
type Error struct {
	Code apperr.Code
	ZH   string
	EN   string
	// Field names the input field at fault, if any.
	Field string
	// RetryAfter is in seconds, for rate limits.
	RetryAfter int
}

func (e *Error) Error() string {
	if e.Field != "" {
		return string(e.Code) + ": " + e.Field + ": " + e.EN
	}
	return string(e.Code) + ": " + e.EN
}

// Is makes errors.Is match errors of the same code and English text, so a
// copy with a different RetryAfter still matches its sentinel.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && t.EN == e.EN && t.Field == e.Field
}

// Localize returns the error as an apperr error in lang ("zh" or "en").
func (e *Error) Localize(lang string) *apperr.Error {
	text := e.ZH
	if lang == "en" {
		text = e.EN
	}
	var out *apperr.Error
	if e.Field != "" {
		head := "部分字段无效"
		if lang == "en" {
			head = "some fields are invalid"
		}
		out = &apperr.Error{Code: e.Code, Message: head, Fields: map[string]string{e.Field: text}}
	} else {
		out = apperr.New(e.Code, text)
	}
	out.RetryAfter = e.RetryAfter
	return out
}

func newErr(code apperr.Code, zh, en string) *Error { return &Error{Code: code, ZH: zh, EN: en} }

func fieldErr(field, zh, en string) *Error {
	return &Error{Code: apperr.Invalid, ZH: zh, EN: en, Field: field}
}

// The errors the service returns. Compare with errors.Is.
var (
	// ErrBadCredentials is the one answer for an unknown user, a wrong
	// password and a disabled account alike.
	ErrBadCredentials = newErr(apperr.Unauthorized, "用户名或密码错误", "Wrong username or password")
	// ErrInvalidToken answers any access or refresh token that is not
	// (or no longer) valid.
	ErrInvalidToken = newErr(apperr.Unauthorized, "登录已失效，请重新登录", "The session is invalid or has expired; sign in again")
	// ErrRefreshReused answers a refresh token that was already used; the
	// whole session family is revoked.
	ErrRefreshReused = newErr(apperr.Unauthorized, "该登录凭证已被使用，为安全起见此会话已注销，请重新登录",
		"This refresh token was already used; the session has been revoked for safety. Sign in again")
	// ErrUsernameTaken answers a username that exists.
	ErrUsernameTaken = &Error{Code: apperr.Conflict, Field: "username", ZH: "用户名已被使用", EN: "this username is taken"}
	// ErrUserNotFound answers an unknown user id.
	ErrUserNotFound = newErr(apperr.NotFound, "没有这个用户", "no such user")
	// ErrWrongOldPassword answers a password change with a wrong old password.
	ErrWrongOldPassword = fieldErr("old_password", "原密码不正确", "the current password is wrong")
	// ErrTooManyAttempts is a rate limit; copies carry RetryAfter.
	ErrTooManyAttempts = newErr(apperr.RateLimited, "尝试次数过多，请稍后再试", "Too many attempts; try again later")
	// ErrTooManyRegistrations refuses a registration from an address that
	// registered too many accounts lately; copies carry RetryAfter.
	ErrTooManyRegistrations = newErr(apperr.RateLimited, "该网络地址近期注册的账号过多，请稍后再试",
		"Too many accounts were registered from this network address lately; try again later")
	// ErrSelfChange refuses an administrator's change of their own role or
	// disabled flag, which could lock every administrator out.
	ErrSelfChange = newErr(apperr.Forbidden, "不能修改自己的角色或停用自己的账号", "you cannot change your own role or disable your own account")
)

// IsAuthError reports whether err is an *Error.
func IsAuthError(err error) bool {
	var e *Error
	return errors.As(err, &e)
}
