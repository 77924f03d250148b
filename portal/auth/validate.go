package auth

import (
	_ "embed"
	"net/mail"
	"regexp"
	"strings"
	"unicode/utf8"
)

//go:embed common_passwords.txt
var commonPasswordsText string

// commonPasswords is the set of common passwords, lower case.
var commonPasswords = func() map[string]struct{} {
	set := map[string]struct{}{}
	for _, line := range strings.Split(commonPasswordsText, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		set[strings.ToLower(line)] = struct{}{}
	}
	return set
}()

// Password length bounds, in characters (ASVS 4.0 2.1.1: at least 12).
// The upper bound keeps hashing cost predictable.
const (
	MinPasswordLen = 12
	MaxPasswordLen = 128
)

// IsCommonPassword reports whether pw (ignoring case) is on the list of
// the most common passwords.
func IsCommonPassword(pw string) bool {
	_, ok := commonPasswords[strings.ToLower(pw)]
	return ok
}

// CheckPasswordPolicy returns an Invalid *Error for field when pw is
// too short or long, equals the username, or is a common password.
func CheckPasswordPolicy(field, pw, username string) error {
	n := utf8.RuneCountInString(pw)
	switch {
	case !utf8.ValidString(pw):
		return fieldErr(field, "密码包含无效字符", "the password has invalid characters")
	case n < MinPasswordLen:
		return fieldErr(field, "密码至少需要12个字符", "the password must have at least 12 characters")
	case n > MaxPasswordLen:
		return fieldErr(field, "密码最多128个字符", "the password may have at most 128 characters")
	case username != "" && strings.EqualFold(pw, username):
		return fieldErr(field, "密码不能与用户名相同", "the password must not equal the username")
	case IsCommonPassword(pw):
		return fieldErr(field, "密码过于常见，请换一个更难猜的密码", "this password is too common; choose one that is harder to guess")
	}
	return nil
}

var usernamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{2,31}$`)

// NormalizeUsername lower-cases and trims a username.
func NormalizeUsername(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// CheckUsername validates a normalised username: 3 to 32 characters of
// a-z, 0-9, '_', '.', '-', starting with a letter or digit.
func CheckUsername(u string) error {
	if !usernamePattern.MatchString(u) {
		return fieldErr("username", "用户名须为3至32位小写字母、数字、下划线、点或连字符，并以字母或数字开头",
			"the username must be 3 to 32 characters of a-z, 0-9, '_', '.' or '-', starting with a letter or digit")
	}
	return nil
}

func plainText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r == '<' || r == '>' {
			return false
		}
	}
	return true
}

// NormalizeEmail lower-cases and checks an address; "" stays "".
func NormalizeEmail(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return "", nil
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || len(s) > 254 || !strings.Contains(s[strings.LastIndexByte(s, '@'):], ".") {
		return "", fieldErr("email", "邮箱地址格式不正确", "the email address is malformed")
	}
	return s, nil
}

var (
	cnMobile   = regexp.MustCompile(`^1[3-9][0-9]{9}$`)
	cnLandline = regexp.MustCompile(`^0[1-9][0-9]{8,10}$`)
	// cnNational is a landline after +86 (no trunk 0) or a mobile.
	cnNational = regexp.MustCompile(`^[1-9][0-9]{8,10}$`)
	e164       = regexp.MustCompile(`^\+[1-9][0-9]{7,14}$`)
)

// NormalizePhone returns a phone number in E.164 form. Chinese numbers may
// be written nationally ("138 0013 8000", "010-6512 3456") or with +86,
// 0086 or 86; other countries need a leading + or 00. "" stays "".
func NormalizePhone(s string) (string, error) {
	bad := fieldErr("phone", "电话号码格式不正确", "the phone number is malformed")
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	var b strings.Builder
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '(' || r == ')' || r == '.':
		default:
			return "", bad
		}
	}
	d := b.String()
	if strings.HasPrefix(d, "00") {
		d = "+" + d[2:]
	}
	switch {
	case strings.HasPrefix(d, "+86"):
		n := strings.TrimPrefix(d[3:], "0")
		if cnMobile.MatchString(n) || cnNational.MatchString(n) {
			return "+86" + n, nil
		}
		return "", bad
	case strings.HasPrefix(d, "+"):
		if e164.MatchString(d) {
			return d, nil
		}
		return "", bad
	case cnMobile.MatchString(d):
		return "+86" + d, nil
	case strings.HasPrefix(d, "86") && cnMobile.MatchString(d[2:]):
		return "+" + d, nil
	case cnLandline.MatchString(d):
		return "+86" + d[1:], nil
	}
	return "", bad
}

// CheckScope validates a role's scope: a district id (or empty, city-wide)
// for an official, a department id for department staff, and empty for
// every other role.
func CheckScope(areas Areas, role Role, scope string) error {
	switch role {
	case RoleOfficial:
		if scope != "" && (areas == nil || !areas.IsDistrict(scope)) {
			return fieldErr("scope", "官员的范围须为区的编号，或留空表示全市", "an official's scope must be a district id, or empty for the whole city")
		}
	case RoleDepartment:
		if scope == "" || areas == nil || !areas.IsDepartment(scope) {
			return fieldErr("scope", "部门人员的范围须为已有部门的编号", "department staff need the id of an existing department as scope")
		}
	default:
		if scope != "" {
			return fieldErr("scope", "该角色没有范围，请留空", "this role has no scope; leave it empty")
		}
	}
	return nil
}

// checkRole validates a role name.
func checkRole(r Role) error {
	if !r.Valid() {
		return fieldErr("role", "角色须为 resident、volunteer、department、official 或 admin 之一",
			"the role must be one of resident, volunteer, department, official, admin")
	}
	return nil
}
