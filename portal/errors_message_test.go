package portal_test

import (
	"testing"

	"cleancity/portal"
	"cleancity/portal/portaltest"
)

// TestErrorMessagesRead: a wrong password reads as a sentence in English and
// as the one Chinese wording in Chinese, and "sign in first" has one
// wording whichever check refuses the request (issue 17).
func TestErrorMessagesRead(t *testing.T) {
	srv := portaltest.NewServer(t)
	srv.CreateUser(t, "someone", portal.RoleOfficial, "")
	for _, tc := range []struct {
		lang, want string
	}{
		{"en", "Wrong username or password"},
		{"zh-CN", "用户名或密码错误"},
	} {
		r := srv.Do(portaltest.Request{Method: "POST", Path: "/api/v1/auth/login", Header: map[string]string{"Accept-Language": tc.lang},
			Body: map[string]any{"username": "someone", "password": "not-the-password"}})
		if r.Status != 401 || portaltest.Lookup(r.JSON(t), "error.message") != tc.want {
			t.Errorf("%s: %d %s, want %q", tc.lang, r.Status, r.Body, tc.want)
		}
	}
	// A request without a token says "请先登录" / "Sign in first", the
	// wording of the token check and of the web UI.
	for _, tc := range []struct {
		lang, want string
	}{
		{"zh-CN", "请先登录"},
		{"en", "Sign in first"},
	} {
		r := srv.Do(portaltest.Request{Path: "/api/v1/complaints", Header: map[string]string{"Accept-Language": tc.lang}})
		if r.Status != 401 || portaltest.Lookup(r.JSON(t), "error.message") != tc.want {
			t.Errorf("no token, %s: %d %s, want %q", tc.lang, r.Status, r.Body, tc.want)
		}
	}
}
