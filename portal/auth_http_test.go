package portal_test

import (
	"net/http"
	"testing"

	"cleancity/portal"
	"cleancity/portal/portaltest"
)

func TestHelpersAndLogin(t *testing.T) {
	srv := portaltest.NewServer(t, portaltest.WithDemo())
	tok := srv.Token(t, portal.RoleDepartment, "sanitation")
	resp := srv.Get("/api/v1/me", tok)
	if resp.Status != http.StatusOK {
		t.Fatalf("GET /me: %d %s", resp.Status, resp.Body)
	}
	m := resp.JSON(t)
	if m["role"] != "department" || m["scope"] != "sanitation" {
		t.Fatalf("me = %v", m)
	}
	sess := srv.Login(t, "official-d1", portal.DemoPassword)
	if sess.User.Scope != "D01" || sess.TokenType != "Bearer" || sess.ExpiresIn != 900 {
		t.Fatalf("login = %+v", sess)
	}
}
