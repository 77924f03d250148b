package auth

import (
	"errors"
	"testing"
)

func TestReservedNames(t *testing.T) {
	for name, want := range map[string]bool{
		"市创卫办": true, "清源区创卫办": true, "管理员": true, "小王管理员": true, "官方": true, "官方 客服": true,
		"客服": true, "系统通知": true, "市城管局": true, "管 理 员": true, "管理員": true,
		"admin": true, "ADMIN": true, "ＡＤＭＩＮ": true, "a d m i n": true, "Admin2026": true, "a.d.m.i.n": true,
		"аdmin":         true, // Cyrillic а
		"Administrator": true, "CityOfficial": true, "Customer Service": true, "kefu": true, "GuanLiYuan": true,
		"root": true, "gov": true,
		"张阿姨": false, "李 娜": false, "王建国": false, "badminton": false, "Groot": false, "Govinda": false,
		"resident1": false, "志愿者小刘": false, "Lina": false,
	} {
		if got := IsReservedName(name); got != want {
			t.Errorf("IsReservedName(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestDisplayNameCharacters(t *testing.T) {
	for _, name := range []string{
		"Lina\u202egnp.exe", "张\u200b三", "管理\u200d员", "abc\u2066x\u2069", "\ufeffLi", "Li\u00adna",
		"x\u2028y", "a\u3164", "name\U000e0041", "a\u2003b", "a\U000f0000",
	} {
		if err := CheckDisplayName(name); !errors.Is(err, errInvisibleName) {
			t.Errorf("CheckDisplayName(%q) = %v, want the invisible-character error", name, err)
		}
	}
	for _, name := range []string{"李娜", "Li Na", "张　三", "小猫❤️", "Zoë"} {
		if err := CheckDisplayName(name); err != nil {
			t.Errorf("CheckDisplayName(%q) = %v", name, err)
		}
	}
}

func TestReservedNamesOnlyForResidentsAndVolunteers(t *testing.T) {
	for _, c := range []struct {
		role Role
		ok   bool
	}{{RoleResident, false}, {RoleVolunteer, false}, {RoleDepartment, true}, {RoleOfficial, true}, {RoleAdmin, true}} {
		if err := checkNameForRole("display_name", "市创卫办", c.role); (err == nil) != c.ok {
			t.Errorf("%s named 市创卫办: %v", c.role, err)
		}
	}
	var ae *Error
	if err := checkNameForRole("username", "kefu", RoleResident); !errors.As(err, &ae) || ae.Field != "username" {
		t.Errorf("defaulted name: %v, want a username field error", err)
	}
}
