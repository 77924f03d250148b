package auth

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Display names are shown beside what a person writes (history notes, "me
// too", survey reviews), so a resident or volunteer must not be able to
// pass for the campaign office or staff, nor hide text direction tricks
// or invisible characters in a name.

// reservedZH are Chinese terms no resident or volunteer display name may
// contain (simplified and traditional forms, after width folding).
var reservedZH = []string{
	"创卫", "創衛", "爱卫", "愛衛", "卫生城市", "衛生城市",
	"管理员", "管理員", "官方", "客服", "系统", "系統", "政府", "人民政府",
	"城管", "环卫", "環衛", "卫健委", "衛健委", "街道办", "街道辦", "居委会", "居委會",
	"值班员", "值班員", "工作人员", "工作人員", "督办", "督辦", "热线", "熱線", "12345",
	"市长", "市長", "书记", "書記", "公安", "警察",
}

// reservedEN are Latin-letter names (English and pinyin) refused when a
// name, reduced to its letters, is one of them, or for the longer ones
// starts or ends with one ("Admin2026", "CityOfficial").
var reservedEN = []string{
	"admin", "administrator", "sysadmin", "root", "official", "officer", "staff", "support",
	"helpdesk", "service", "customerservice", "moderator", "system", "government", "gov",
	"cleancity", "campaignoffice", "operator", "hotline",
	"guanliyuan", "guanfang", "kefu", "chuangweiban", "xitong", "zhengfu",
}

// lookalikes folds Cyrillic and Greek letters that look like Latin ones.
var lookalikes = strings.NewReplacer(
	"а", "a", "е", "e", "о", "o", "р", "p", "с", "c", "у", "y", "х", "x", "і", "i", "ј", "j", "ѕ", "s",
	"ԁ", "d", "һ", "h", "ӏ", "l", "т", "t", "м", "m", "н", "h", "к", "k", "в", "b",
	"α", "a", "ο", "o", "ρ", "p", "ι", "i", "κ", "k", "ν", "v", "τ", "t", "υ", "u", "μ", "m",
)

// invisible reports characters a display name must not hold: controls,
// format characters (bidirectional overrides and isolates, zero-width
// spaces and joiners, the byte order mark), private-use and surrogate code
// points, line and paragraph separators, spaces other than the ordinary
// and the ideographic one, and letters that render as blank.
func invisible(r rune) bool {
	switch r {
	case ' ', '\u3000', '\ufe0e', '\ufe0f': // text and emoji presentation selectors
		return false
	case '\u115f', '\u1160', '\u3164', '\uffa0', '\u2800', '\u180e', '\u034f':
		return true
	}
	return unicode.In(r, unicode.Cc, unicode.Cf, unicode.Co, unicode.Cs, unicode.Zl, unicode.Zp, unicode.Zs) ||
		unicode.Is(unicode.Variation_Selector, r) || r == utf8.RuneError
}

// foldName reduces a name to what a reader sees: width and compatibility
// forms folded (NFKC: "ＡＤＭＩＮ" is "admin"), lower case, lookalike
// letters folded, and only letters and digits kept (spaces, dots and
// dashes between the letters do not make a different name).
func foldName(s string) string {
	s = lookalikes.Replace(strings.ToLower(norm.NFKC.String(s)))
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// IsReservedName reports whether a display name looks like the campaign
// office, an authority or staff.
func IsReservedName(s string) bool {
	f := foldName(s)
	for _, w := range reservedZH {
		if strings.Contains(f, w) {
			return true
		}
	}
	letters := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' {
			return r
		}
		return -1
	}, f)
	for _, w := range reservedEN {
		if letters == w || len(w) >= 5 && (strings.HasPrefix(letters, w) || strings.HasSuffix(letters, w)) {
			return true
		}
	}
	return false
}

// mayLookOfficial reports whether accounts of the role may carry an
// official-looking name: staff are the campaign office and departments.
func mayLookOfficial(r Role) bool {
	return r == RoleDepartment || r == RoleOfficial || r == RoleAdmin
}

// CheckDisplayName validates a display name: 1 to 64 characters of plain
// text without invisible or direction-changing characters.
func CheckDisplayName(s string) error {
	n := utf8.RuneCountInString(s)
	if n < 1 || n > 64 || !plainText(s) || strings.TrimSpace(s) != s {
		return fieldErr("display_name", "显示名称须为1至64个字符的纯文本", "the display name must be 1 to 64 characters of plain text")
	}
	for _, r := range s {
		if invisible(r) {
			return errInvisibleName
		}
	}
	return nil
}

var (
	errInvisibleName = fieldErr("display_name", "显示名称不能包含不可见字符或改变文字方向的控制字符",
		"the display name must not contain invisible characters or text-direction controls")
	errReservedZH = "不能使用“管理员”“官方”“客服”、创卫办或政府部门等容易被误认为工作人员的名称"
	errReservedEN = "must not look like staff or an official body (admin, official, support, the campaign office, a government department...)"
)

// checkNameForRole adds the reserved-name rule for residents and
// volunteers to CheckDisplayName. field is where the name came from: the
// display name, or the username when the display name defaults to it.
func checkNameForRole(field, name string, role Role) error {
	if err := CheckDisplayName(name); err != nil {
		return err
	}
	if !mayLookOfficial(role) && IsReservedName(name) {
		what := map[string][2]string{"display_name": {"显示名称", "the display name"}, "username": {"用户名", "the username"}}[field]
		return fieldErr(field, what[0]+errReservedZH, what[1]+" "+errReservedEN)
	}
	return nil
}
