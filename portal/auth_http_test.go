package portal_test

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"cleancity/portal"
	"cleancity/portal/portaltest"
)

// testSecret is the JWT secret portaltest configures.
const testSecret = "test-secret-0123456789abcdef0123456789abcdef"

func TestHelpersAndDemoLogin(t *testing.T) {
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
	if resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control = %q", resp.Header.Get("Cache-Control"))
	}
	for _, c := range []struct{ user, role, scope string }{
		{"admin", "admin", ""}, {"official", "official", ""}, {"official-d1", "official", "D01"},
		{"sanitation", "department", "sanitation"}, {"citymgmt", "department", "citymgmt"},
		{"volunteer1", "volunteer", ""}, {"volunteer5", "volunteer", ""}, {"resident1", "resident", ""},
	} {
		sess := srv.Login(t, c.user, portal.DemoPassword)
		if sess.User.Role != c.role || sess.User.Scope != c.scope || sess.TokenType != "Bearer" || sess.ExpiresIn != 900 {
			t.Errorf("login %s = %+v", c.user, sess)
		}
		if sess.AccessToken == "" || sess.RefreshToken == "" {
			t.Errorf("login %s: missing tokens", c.user)
		}
	}
}

func TestBootstrapAdminOnlyWithoutDemo(t *testing.T) {
	srv := portaltest.NewServer(t)
	if _, err := srv.Auth.UserByUsername(t.Context(), "admin"); err != nil {
		t.Fatalf("no bootstrap admin: %v", err)
	}
	// The demo password must not open it.
	if r := srv.PostJSON("/api/v1/auth/login", "", map[string]string{"username": "admin", "password": portal.DemoPassword}); r.Status != 401 {
		t.Fatalf("bootstrap admin accepts the demo password: %d", r.Status)
	}
	demo := portaltest.NewServer(t, portaltest.WithDemo())
	if _, err := demo.Auth.UserByUsername(t.Context(), "volunteer3"); err != nil {
		t.Fatalf("demo accounts missing: %v", err)
	}
}

func TestRegisterAndLogin(t *testing.T) {
	srv := portaltest.NewServer(t, portaltest.WithDemo())
	type want struct {
		status int
		fields map[string]string // path -> substring ("" = present)
	}
	cases := []struct {
		name string
		body any
		lang string
		want want
	}{
		{"ok", map[string]any{"username": "Zhang.Wei", "password": "green-streets-42", "display_name": "张伟", "phone": "138 0013 8000", "email": "ZW@Example.com"},
			"", want{201, map[string]string{"user.username": "zhang.wei", "user.role": "resident", "user.phone": "+8613800138000", "user.email": "zw@example.com", "token_type": "Bearer"}}},
		{"duplicate username (case-insensitive)", map[string]any{"username": "ZHANG.WEI", "password": "green-streets-43"},
			"en", want{409, map[string]string{"error.code": "conflict", "error.fields.username": "taken"}}},
		{"short password", map[string]any{"username": "li.na", "password": "short"},
			"en", want{400, map[string]string{"error.fields.password": "at least 12"}}},
		{"common password", map[string]any{"username": "li.na", "password": "Password1234"},
			"en", want{400, map[string]string{"error.fields.password": "too common"}}},
		{"common password zh", map[string]any{"username": "li.na", "password": "woaini1314520"},
			"", want{400, map[string]string{"error.fields.password": "过于常见"}}},
		{"password equals username", map[string]any{"username": "li.na.2026ab", "password": "LI.NA.2026AB"},
			"en", want{400, map[string]string{"error.fields.password": "username"}}},
		{"bad username", map[string]any{"username": "李娜", "password": "green-streets-42"},
			"en", want{400, map[string]string{"error.fields.username": "a-z"}}},
		{"bad phone", map[string]any{"username": "li.na", "password": "green-streets-42", "phone": "12345"},
			"en", want{400, map[string]string{"error.fields.phone": "malformed"}}},
		{"bad email", map[string]any{"username": "li.na", "password": "green-streets-42", "email": "not-an-email"},
			"en", want{400, map[string]string{"error.fields.email": "malformed"}}},
		{"html display name", map[string]any{"username": "li.na", "password": "green-streets-42", "display_name": "<b>x</b>"},
			"en", want{400, map[string]string{"error.fields.display_name": "plain text"}}},
		{"role cannot be chosen", map[string]any{"username": "li.na", "password": "green-streets-42", "role": "admin"},
			"en", want{400, map[string]string{"error.fields.role": "unknown"}}},
		{"operator object", map[string]any{"username": map[string]string{"$gt": ""}, "password": "green-streets-42"},
			"en", want{400, map[string]string{"error.fields.username": "wrong type"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := map[string]string{}
			if c.lang != "" {
				h["Accept-Language"] = c.lang
			}
			resp := srv.Do(portaltest.Request{Method: "POST", Path: "/api/v1/auth/register", Body: c.body, Header: h})
			if resp.Status != c.want.status {
				t.Fatalf("status %d, want %d: %s", resp.Status, c.want.status, resp.Body)
			}
			m := resp.JSON(t)
			for path, sub := range c.want.fields {
				v, _ := portaltest.Lookup(m, path).(string)
				if v == "" || !strings.Contains(v, sub) {
					t.Errorf("%s = %q, want it to contain %q (%s)", path, v, sub, resp.Body)
				}
			}
		})
	}
	// The registered resident signs in, case-insensitively.
	sess := srv.Login(t, "zhang.WEI", "green-streets-42")
	if sess.User.Role != "resident" {
		t.Fatalf("login: %+v", sess)
	}
}

func TestLoginFailuresLookAlike(t *testing.T) {
	srv := portaltest.NewServer(t, portaltest.WithDemo())
	wrong := srv.PostJSON("/api/v1/auth/login", "", map[string]string{"username": "resident1", "password": "not-the-password"})
	unknown := srv.PostJSON("/api/v1/auth/login", "", map[string]string{"username": "nobody-here", "password": "not-the-password"})
	if wrong.Status != 401 || unknown.Status != 401 {
		t.Fatalf("statuses %d and %d, want 401", wrong.Status, unknown.Status)
	}
	strip := func(r portaltest.Response) string {
		m := r.JSON(t)
		delete(m["error"].(map[string]any), "request_id")
		b, _ := json.Marshal(m)
		return string(b)
	}
	if a, b := strip(wrong), strip(unknown); a != b {
		t.Fatalf("bodies differ:\nwrong password: %s\nunknown user:   %s", a, b)
	}
	// Equal work (one argon2id verification on both paths) is checked in
	// package auth (TestLoginVerifiesForUnknownUsers); the latencies are
	// measured by BenchmarkLogin.
}

func TestDisabledAccount(t *testing.T) {
	srv := portaltest.NewServer(t, portaltest.WithDemo())
	admin := srv.Token(t, portal.RoleAdmin, "")
	u, tok := srv.UserToken(t, portal.RoleVolunteer, "")
	if r := srv.Get("/api/v1/me", tok); r.Status != 200 {
		t.Fatalf("before: %d", r.Status)
	}
	login := srv.Login(t, u.Username, portaltest.TestPassword)
	r := srv.Do(portaltest.Request{Method: "PATCH", Path: "/api/v1/users/" + u.ID, Token: admin, Body: map[string]any{"disabled": true}})
	if r.Status != 200 || r.JSON(t)["disabled"] != true {
		t.Fatalf("disable: %d %s", r.Status, r.Body)
	}
	for name, tk := range map[string]string{"helper token": tok, "login token": login.AccessToken} {
		if r := srv.Get("/api/v1/me", tk); r.Status != 401 {
			t.Errorf("%s after disable: %d, want 401", name, r.Status)
		}
	}
	if r := srv.PostJSON("/api/v1/auth/refresh", "", map[string]string{"refresh_token": login.RefreshToken}); r.Status != 401 {
		t.Errorf("refresh after disable: %d, want 401", r.Status)
	}
	r = srv.PostJSON("/api/v1/auth/login", "", map[string]string{"username": u.Username, "password": portaltest.TestPassword})
	if r.Status != 401 || portaltest.Lookup(r.JSON(t), "error.code") != "unauthorized" {
		t.Errorf("login when disabled: %d %s", r.Status, r.Body)
	}
	// Re-enabled, the user signs in again.
	srv.Do(portaltest.Request{Method: "PATCH", Path: "/api/v1/users/" + u.ID, Token: admin, Body: map[string]any{"disabled": false}})
	srv.Login(t, u.Username, portaltest.TestPassword)
}

// forge re-signs a real access token's claims after edit, with method and key.
func forge(t *testing.T, real string, method jwt.SigningMethod, key any, edit func(jwt.MapClaims)) string {
	t.Helper()
	claims := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(real, claims); err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(claims)
	}
	s, err := jwt.NewWithClaims(method, claims).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestTokenAttacks(t *testing.T) {
	clock := portaltest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	srv := portaltest.NewServer(t, portaltest.WithDemo(), portaltest.WithClock(clock))
	u, real := srv.UserToken(t, portal.RoleResident, "")
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	now := clock.Now()
	parts := strings.Split(real, ".")
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	elevated := strings.Replace(string(payload), `"role":"resident"`, `"role":"admin"`, 1)

	cases := []struct {
		name, token string
	}{
		{"tampered payload", parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(elevated)) + "." + parts[2]},
		{"tampered signature", parts[0] + "." + parts[1] + "." + flip(parts[2])},
		{"wrong secret", forge(t, real, jwt.SigningMethodHS256, []byte("another-secret-0123456789abcdef0123456789"), nil)},
		{"alg none", forge(t, real, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, nil)},
		{"alg none, no signature", func() string {
			h := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`))
			return h + "." + parts[1] + "."
		}()},
		{"RS256 signed", forge(t, real, jwt.SigningMethodRS256, rsaKey, nil)},
		{"HS512 with the right secret", forge(t, real, jwt.SigningMethodHS512, []byte(testSecret), nil)},
		{"wrong audience", forge(t, real, jwt.SigningMethodHS256, []byte(testSecret), func(c jwt.MapClaims) { c["aud"] = []string{"other-api"} })},
		{"no audience", forge(t, real, jwt.SigningMethodHS256, []byte(testSecret), func(c jwt.MapClaims) { delete(c, "aud") })},
		{"wrong issuer", forge(t, real, jwt.SigningMethodHS256, []byte(testSecret), func(c jwt.MapClaims) { c["iss"] = "evil" })},
		{"expired", forge(t, real, jwt.SigningMethodHS256, []byte(testSecret), func(c jwt.MapClaims) { c["exp"] = now.Add(-time.Minute).Unix() })},
		{"no exp", forge(t, real, jwt.SigningMethodHS256, []byte(testSecret), func(c jwt.MapClaims) { delete(c, "exp") })},
		{"not yet valid", forge(t, real, jwt.SigningMethodHS256, []byte(testSecret), func(c jwt.MapClaims) { c["nbf"] = now.Add(time.Hour).Unix() })},
		{"no nbf", forge(t, real, jwt.SigningMethodHS256, []byte(testSecret), func(c jwt.MapClaims) { delete(c, "nbf") })},
		{"issued in the future", forge(t, real, jwt.SigningMethodHS256, []byte(testSecret), func(c jwt.MapClaims) { c["iat"] = now.Add(time.Hour).Unix() })},
		{"other session id", forge(t, real, jwt.SigningMethodHS256, []byte(testSecret), func(c jwt.MapClaims) { c["sid"] = strings.Repeat("0", 32) })},
		{"old token version", forge(t, real, jwt.SigningMethodHS256, []byte(testSecret), func(c jwt.MapClaims) { c["tv"] = -1 })},
		{"unknown subject", forge(t, real, jwt.SigningMethodHS256, []byte(testSecret), func(c jwt.MapClaims) { c["sub"] = "000000000000000000000000" })},
		{"garbage", "not-a-jwt"},
		{"empty bearer", ""},
	}
	// A forged token with the right secret and unchanged claims is valid:
	// the cases above fail for their one change, not for re-signing.
	same := forge(t, real, jwt.SigningMethodHS256, []byte(testSecret), nil)
	if r := srv.Get("/api/v1/me", same); r.Status != 200 {
		t.Fatalf("control: re-signed token rejected: %d %s", r.Status, r.Body)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := srv.Do(portaltest.Request{Path: "/api/v1/me", Header: map[string]string{"Authorization": "Bearer " + c.token}})
			if r.Status != 401 {
				t.Fatalf("status %d, want 401: %s", r.Status, r.Body)
			}
			if portaltest.Lookup(r.JSON(t), "error.code") != "unauthorized" {
				t.Errorf("body %s", r.Body)
			}
			if !strings.HasPrefix(r.Header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("WWW-Authenticate = %q", r.Header.Get("WWW-Authenticate"))
			}
			// A bad token is a 401 even on a public route: never a silent
			// fall-back to anonymous.
			if r := srv.Do(portaltest.Request{Path: "/api/v1/departments", Header: map[string]string{"Authorization": "Bearer " + c.token}}); r.Status != 401 {
				t.Errorf("public route with a bad token: %d", r.Status)
			}
		})
	}
	for _, h := range []string{"Basic dXNlcjpwYXNz", "Bearer", "Token " + real} {
		if r := srv.Do(portaltest.Request{Path: "/api/v1/me", Header: map[string]string{"Authorization": h}}); r.Status != 401 {
			t.Errorf("Authorization %q: %d, want 401", h, r.Status)
		}
	}
	// No Authorization at all is anonymous: public routes work.
	if r := srv.Get("/api/v1/departments", ""); r.Status != 200 {
		t.Errorf("anonymous public route: %d", r.Status)
	}

	// Expiry through the real clock: 15 minutes (plus the 30 s leeway).
	if r := srv.Get("/api/v1/me", real); r.Status != 200 {
		t.Fatalf("fresh token: %d", r.Status)
	}
	clock.Advance(15*time.Minute + 29*time.Second)
	if r := srv.Get("/api/v1/me", real); r.Status != 200 {
		t.Fatalf("token within leeway: %d", r.Status)
	}
	clock.Advance(2 * time.Second)
	if r := srv.Get("/api/v1/me", real); r.Status != 401 {
		t.Fatalf("expired token: %d, want 401", r.Status)
	}
	_ = u
}

func flip(sig string) string {
	b := []byte(sig)
	if b[0] == 'A' {
		b[0] = 'B'
	} else {
		b[0] = 'A'
	}
	return string(b)
}

func TestRefreshRotationAndReuse(t *testing.T) {
	clock := portaltest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	srv := portaltest.NewServer(t, portaltest.WithDemo(), portaltest.WithClock(clock))
	first := srv.Login(t, "resident1", portal.DemoPassword)
	other := srv.Login(t, "resident1", portal.DemoPassword) // a second device

	refresh := func(tok string) portaltest.Response {
		return srv.PostJSON("/api/v1/auth/refresh", "", map[string]string{"refresh_token": tok})
	}
	r := refresh(first.RefreshToken)
	if r.Status != 200 {
		t.Fatalf("refresh: %d %s", r.Status, r.Body)
	}
	var second portaltest.Session
	r.Decode(t, &second)
	if second.RefreshToken == first.RefreshToken || second.AccessToken == "" || second.User.Username != "resident1" {
		t.Fatalf("refresh did not rotate: %+v", second)
	}
	if r := srv.Get("/api/v1/me", second.AccessToken); r.Status != 200 {
		t.Fatalf("new access token: %d", r.Status)
	}
	// Reuse of the rotated token: 401 and the whole family is revoked.
	r = refresh(first.RefreshToken)
	if r.Status != 401 || !strings.Contains(string(r.Body), "unauthorized") {
		t.Fatalf("reuse: %d %s", r.Status, r.Body)
	}
	if r := refresh(second.RefreshToken); r.Status != 401 {
		t.Errorf("family's current refresh token after reuse: %d, want 401", r.Status)
	}
	for name, tok := range map[string]string{"first": first.AccessToken, "second": second.AccessToken} {
		if r := srv.Get("/api/v1/me", tok); r.Status != 401 {
			t.Errorf("%s access token after reuse: %d, want 401", name, r.Status)
		}
	}
	// The other device's session is untouched.
	if r := srv.Get("/api/v1/me", other.AccessToken); r.Status != 200 {
		t.Errorf("other session after reuse: %d", r.Status)
	}
	// Malformed and made-up refresh tokens.
	for _, tok := range []string{"x", strings.Repeat("a", 32) + "." + strings.Repeat("b", 43), other.RefreshToken + "x"} {
		if r := refresh(tok); r.Status != 401 {
			t.Errorf("refresh %q: %d, want 401", tok, r.Status)
		}
	}
	// Refresh tokens live 30 days from their last rotation.
	clock.Advance(29 * 24 * time.Hour)
	r = refresh(other.RefreshToken)
	if r.Status != 200 {
		t.Fatalf("refresh after 29 days: %d", r.Status)
	}
	var third portaltest.Session
	r.Decode(t, &third)
	clock.Advance(30*24*time.Hour + time.Second)
	if r := refresh(third.RefreshToken); r.Status != 401 {
		t.Errorf("refresh after 30 days: %d, want 401", r.Status)
	}
}

func TestLogout(t *testing.T) {
	srv := portaltest.NewServer(t, portaltest.WithDemo())
	a := srv.Login(t, "volunteer1", portal.DemoPassword)
	b := srv.Login(t, "volunteer1", portal.DemoPassword)
	// Logout with the access token only.
	if r := srv.Do(portaltest.Request{Method: "POST", Path: "/api/v1/auth/logout", Token: a.AccessToken}); r.Status != 204 {
		t.Fatalf("logout: %d %s", r.Status, r.Body)
	}
	if r := srv.Get("/api/v1/me", a.AccessToken); r.Status != 401 {
		t.Errorf("access token after logout: %d", r.Status)
	}
	if r := srv.PostJSON("/api/v1/auth/refresh", "", map[string]string{"refresh_token": a.RefreshToken}); r.Status != 401 {
		t.Errorf("refresh after logout: %d", r.Status)
	}
	// Logout with the refresh token only; twice is fine.
	for range 2 {
		if r := srv.PostJSON("/api/v1/auth/logout", "", map[string]string{"refresh_token": b.RefreshToken}); r.Status != 204 {
			t.Fatalf("logout by refresh token: %d %s", r.Status, r.Body)
		}
	}
	if r := srv.Get("/api/v1/me", b.AccessToken); r.Status != 401 {
		t.Errorf("access token after refresh-token logout: %d", r.Status)
	}
}

func TestRateLimits(t *testing.T) {
	clock := portaltest.NewClock(time.Date(2026, 3, 2, 9, 0, 10, 0, time.UTC))
	srv := portaltest.NewServer(t, portaltest.WithDemo(), portaltest.WithClock(clock))
	login := func(user, pw, ip string) portaltest.Response {
		return srv.Do(portaltest.Request{Method: "POST", Path: "/api/v1/auth/login",
			Body: map[string]string{"username": user, "password": pw}, Header: map[string]string{"Accept-Language": "en"}})
	}
	for i := range 5 {
		if r := login("official", "wrong-password-1", ""); r.Status != 401 {
			t.Fatalf("failure %d: %d", i+1, r.Status)
		}
	}
	// After the free failures the next attempt waits, even with the right
	// password (the backoff itself is TestTrust_Row08_...).
	r := login("official", portal.DemoPassword, "")
	if r.Status != 429 {
		t.Fatalf("6th attempt: %d %s", r.Status, r.Body)
	}
	if got := r.Header.Get("Retry-After"); got != "1" {
		t.Errorf("Retry-After = %q, want 1", got)
	}
	if portaltest.Lookup(r.JSON(t), "error.code") != "rate_limited" {
		t.Errorf("body %s", r.Body)
	}
	// Other users are not affected.
	if r := login("official-d1", portal.DemoPassword, ""); r.Status != 200 {
		t.Errorf("other user: %d", r.Status)
	}
	// Once the wait is over the user gets in.
	clock.Advance(time.Second)
	if r := login("official", portal.DemoPassword, ""); r.Status != 200 {
		t.Errorf("after the wait: %d %s", r.Status, r.Body)
	}
	// The sweeper deletes expired windows and throttles.
	clock.Advance(2 * time.Hour)
	if err := srv.Auth.Sweep(t.Context()); err != nil {
		t.Fatal(err)
	}
	n, err := srv.Store().DB.Collection("auth_limits").CountDocuments(t.Context(), map[string]any{})
	if err != nil || n != 0 {
		t.Errorf("counters after sweep: %d, %v", n, err)
	}

	// Per client address: 120 auth requests a minute, any endpoint.
	clock.Advance(time.Minute)
	for i := range 120 {
		r := srv.PostJSON("/api/v1/auth/refresh", "", map[string]string{"refresh_token": "x"})
		if r.Status != 401 {
			t.Fatalf("request %d: %d", i+1, r.Status)
		}
	}
	r = srv.PostJSON("/api/v1/auth/refresh", "", map[string]string{"refresh_token": "x"})
	if r.Status != 429 || r.Header.Get("Retry-After") == "" {
		t.Fatalf("121st request: %d Retry-After %q", r.Status, r.Header.Get("Retry-After"))
	}
	// Routes outside /auth are not limited by it.
	if r := srv.Get("/api/v1/departments", ""); r.Status != 200 {
		t.Errorf("departments: %d", r.Status)
	}
}

func TestUpdateMe(t *testing.T) {
	srv := portaltest.NewServer(t, portaltest.WithDemo())
	u, tok := srv.UserToken(t, portal.RoleResident, "")
	other := srv.Login(t, u.Username, portaltest.TestPassword)
	patch := func(tok string, body any) portaltest.Response {
		return srv.Do(portaltest.Request{Method: "PATCH", Path: "/api/v1/me", Token: tok, Body: body, Header: map[string]string{"Accept-Language": "en"}})
	}
	r := patch(tok, map[string]any{"display_name": "王阿姨", "phone": "+86 (21) 6512-3456", "email": "Wang@Example.org"})
	if r.Status != 200 {
		t.Fatalf("patch: %d %s", r.Status, r.Body)
	}
	m := r.JSON(t)
	if portaltest.Lookup(m, "user.display_name") != "王阿姨" || portaltest.Lookup(m, "user.phone") != "+862165123456" ||
		portaltest.Lookup(m, "user.email") != "wang@example.org" || m["access_token"] != nil {
		t.Fatalf("patched: %s", r.Body)
	}
	// Clearing the phone.
	if r := patch(tok, map[string]any{"phone": ""}); portaltest.Lookup(r.JSON(t), "user.phone") != nil {
		t.Errorf("phone not cleared: %s", r.Body)
	}
	for _, c := range []struct {
		name  string
		body  any
		field string
	}{
		{"no old password", map[string]any{"new_password": "fresh-green-2027"}, "old_password"},
		{"wrong old password", map[string]any{"old_password": "nope-nope-nope", "new_password": "fresh-green-2027"}, "old_password"},
		{"weak new password", map[string]any{"old_password": portaltest.TestPassword, "new_password": "12345678"}, "new_password"},
		{"unknown field", map[string]any{"role": "admin"}, "role"},
	} {
		r := patch(tok, c.body)
		if r.Status != 400 || portaltest.Lookup(r.JSON(t), "error.fields."+c.field) == nil {
			t.Errorf("%s: %d %s", c.name, r.Status, r.Body)
		}
	}
	// A password change signs out every session and answers new tokens.
	r = patch(tok, map[string]any{"old_password": portaltest.TestPassword, "new_password": "fresh-green-2027"})
	if r.Status != 200 {
		t.Fatalf("password change: %d %s", r.Status, r.Body)
	}
	var fresh portaltest.Session
	r.Decode(t, &fresh)
	if fresh.AccessToken == "" || fresh.RefreshToken == "" {
		t.Fatalf("no new tokens: %s", r.Body)
	}
	for name, tk := range map[string]string{"caller's old": tok, "other device": other.AccessToken} {
		if r := srv.Get("/api/v1/me", tk); r.Status != 401 {
			t.Errorf("%s token after password change: %d", name, r.Status)
		}
	}
	if r := srv.Get("/api/v1/me", fresh.AccessToken); r.Status != 200 {
		t.Errorf("new token: %d", r.Status)
	}
	if r := srv.PostJSON("/api/v1/auth/refresh", "", map[string]string{"refresh_token": other.RefreshToken}); r.Status != 401 {
		t.Errorf("other device's refresh: %d", r.Status)
	}
	srv.Login(t, u.Username, "fresh-green-2027")
}

func TestAdminUsers(t *testing.T) {
	srv := portaltest.NewServer(t, portaltest.WithDemo())
	adminUser, admin := srv.UserToken(t, portal.RoleAdmin, "")
	create := func(body any) portaltest.Response {
		return srv.Do(portaltest.Request{Method: "POST", Path: "/api/v1/users", Token: admin, Body: body, Header: map[string]string{"Accept-Language": "en"}})
	}
	cases := []struct {
		name   string
		body   map[string]any
		status int
		field  string
	}{
		{"district official", map[string]any{"username": "off-d2", "password": "district-two-2026", "role": "official", "scope": "D02"}, 201, ""},
		{"city official", map[string]any{"username": "off-city", "password": "whole-city-2026", "role": "official"}, 201, ""},
		{"department staff", map[string]any{"username": "market-1", "password": "market-hall-2026", "role": "department", "scope": "market"}, 201, ""},
		{"official with a street scope", map[string]any{"username": "off-x", "password": "whole-city-2026", "role": "official", "scope": "D01-S01"}, 400, "scope"},
		{"staff without department", map[string]any{"username": "dept-x", "password": "whole-city-2026", "role": "department"}, 400, "scope"},
		{"staff of an unknown department", map[string]any{"username": "dept-x", "password": "whole-city-2026", "role": "department", "scope": "nope"}, 400, "scope"},
		{"volunteer with scope", map[string]any{"username": "vol-x", "password": "whole-city-2026", "role": "volunteer", "scope": "D01"}, 400, "scope"},
		{"unknown role", map[string]any{"username": "x-role", "password": "whole-city-2026", "role": "mayor"}, 400, "role"},
		{"taken", map[string]any{"username": "admin", "password": "whole-city-2026", "role": "admin"}, 409, "username"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := create(c.body)
			if r.Status != c.status {
				t.Fatalf("status %d, want %d: %s", r.Status, c.status, r.Body)
			}
			m := r.JSON(t)
			if c.field != "" && portaltest.Lookup(m, "error.fields."+c.field) == nil {
				t.Errorf("no error for %s: %s", c.field, r.Body)
			}
			if c.status == 201 && (m["role"] != c.body["role"] || m["username"] != c.body["username"]) {
				t.Errorf("created %s", r.Body)
			}
		})
	}
	// The new district official signs in with the scope.
	if s := srv.Login(t, "off-d2", "district-two-2026"); s.User.Scope != "D02" {
		t.Errorf("off-d2 scope %q", s.User.Scope)
	}
	// List and filter.
	r := srv.Get("/api/v1/users?role=official&limit=2", admin)
	m := r.JSON(t)
	if r.Status != 200 || m["total"] != float64(4) || len(m["users"].([]any)) != 2 || portaltest.Lookup(m, "users.0.username") != "off-city" {
		t.Fatalf("list officials: %s", r.Body)
	}
	if r := srv.Get("/api/v1/users?q=volunt", admin); r.JSON(t)["total"] != float64(5) {
		t.Errorf("search: %s", r.Body)
	}
	if r := srv.Get("/api/v1/users?q=.*", admin); r.JSON(t)["total"] != float64(0) {
		t.Errorf("search is a pattern, not text: %s", r.Body)
	}
	if r := srv.Get("/api/v1/users?role=king", admin); r.Status != 400 {
		t.Errorf("bad role filter: %d", r.Status)
	}
	// Update: role change takes effect at the next request without a new token.
	u, tok := srv.UserToken(t, portal.RoleResident, "")
	patch := func(id string, body any) portaltest.Response {
		return srv.Do(portaltest.Request{Method: "PATCH", Path: "/api/v1/users/" + id, Token: admin, Body: body, Header: map[string]string{"Accept-Language": "en"}})
	}
	if r := patch(u.ID, map[string]any{"role": "department", "scope": "health"}); r.Status != 200 {
		t.Fatalf("promote: %d %s", r.Status, r.Body)
	}
	if m := srv.Get("/api/v1/me", tok).JSON(t); m["role"] != "department" || m["scope"] != "health" {
		t.Errorf("after promotion /me = %v", m)
	}
	if r := patch(u.ID, map[string]any{"role": "volunteer"}); r.Status != 200 || r.JSON(t)["scope"] != nil {
		t.Errorf("role change clears scope: %s", r.Body)
	}
	// Password reset ends the user's sessions.
	if r := patch(u.ID, map[string]any{"password": "reset-by-admin-2026"}); r.Status != 200 {
		t.Fatalf("reset: %d %s", r.Status, r.Body)
	}
	if r := srv.Get("/api/v1/me", tok); r.Status != 401 {
		t.Errorf("token after password reset: %d", r.Status)
	}
	srv.Login(t, u.Username, "reset-by-admin-2026")
	// Self-demotion and self-disable are refused; other self-edits are fine.
	if r := patch(adminUser.ID, map[string]any{"role": "resident"}); r.Status != 403 {
		t.Errorf("self demotion: %d", r.Status)
	}
	if r := patch(adminUser.ID, map[string]any{"disabled": true}); r.Status != 403 {
		t.Errorf("self disable: %d", r.Status)
	}
	if r := patch(adminUser.ID, map[string]any{"display_name": "总管理员"}); r.Status != 200 {
		t.Errorf("self rename: %d", r.Status)
	}
	for _, id := range []string{"000000000000000000000000", "not-an-id"} {
		if r := patch(id, map[string]any{"display_name": "x"}); r.Status != 404 {
			t.Errorf("patch %s: %d", id, r.Status)
		}
		if r := srv.Get("/api/v1/users/"+id, admin); r.Status != 404 {
			t.Errorf("get %s: %d", id, r.Status)
		}
	}
	if r := srv.Get("/api/v1/users/"+u.ID, admin); r.Status != 200 || r.JSON(t)["password_hash"] != nil {
		t.Errorf("get user: %d %s", r.Status, r.Body)
	}
}

// BenchmarkLoginHTTP measures POST /api/v1/auth/login through the real app
// and store at DefaultParams. Keep -benchtime under 120x: one client
// address may make 120 auth requests a minute.
func BenchmarkLoginHTTP(b *testing.B) {
	srv := portaltest.NewServer(b, portaltest.WithDemo())
	u := srv.CreateUser(b, "bench-user", portal.RoleResident, "")
	body := map[string]string{"username": u.Username, "password": portaltest.TestPassword}
	for b.Loop() {
		if r := srv.PostJSON("/api/v1/auth/login", "", body); r.Status != 200 {
			b.Fatalf("%d %s", r.Status, r.Body)
		}
	}
}
