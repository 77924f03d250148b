package portaltest

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"cleancity/portal"
	"cleancity/portal/auth"
)

// TestPassword is the password of every user made by CreateUser and Token.
const TestPassword = "test-pass-2026!"

var (
	testHashOnce sync.Once
	testHash     string
	testHashErr  error
	userSeq      atomic.Int64
)

// testPasswordHash hashes TestPassword once per test binary, so creating
// users costs a store insert, not an argon2id run.
func testPasswordHash(tb testing.TB) string {
	tb.Helper()
	testHashOnce.Do(func() { testHash, testHashErr = auth.HashPassword(TestPassword, auth.DefaultParams) })
	if testHashErr != nil {
		tb.Fatalf("hash test password: %v", testHashErr)
	}
	return testHash
}

// CreateUser creates a user with TestPassword. scope is a district id for
// an official ("" = city-wide), a department id for department staff, and
// "" for other roles; it must exist (use WithDemo for the demo city's ids).
func (s *Server) CreateUser(tb testing.TB, username string, role portal.Role, scope string) auth.User {
	tb.Helper()
	u, err := s.Auth.CreateUser(context.Background(), auth.NewUser{
		Username: username, Role: auth.Role(role), Scope: scope, PasswordHash: testPasswordHash(tb),
	})
	if err != nil {
		tb.Fatalf("create user %q (%s %q): %v", username, role, scope, err)
	}
	return u
}

// TokenFor returns a valid access token of a new session of u.
func (s *Server) TokenFor(tb testing.TB, u auth.User) string {
	tb.Helper()
	sess, err := s.Auth.StartSession(context.Background(), u, auth.ClientInfo{IP: "192.0.2.1", UserAgent: "portaltest"})
	if err != nil {
		tb.Fatalf("start session for %s: %v", u.Username, err)
	}
	return sess.AccessToken
}

// Token creates a fresh user of the role and scope and returns a valid
// access token for it: the quickest way to call a protected route.
func (s *Server) Token(tb testing.TB, role portal.Role, scope string) string {
	tb.Helper()
	_, tok := s.UserToken(tb, role, scope)
	return tok
}

// UserToken is Token that also returns the new user (its ID, Username...).
func (s *Server) UserToken(tb testing.TB, role portal.Role, scope string) (auth.User, string) {
	tb.Helper()
	u := s.CreateUser(tb, fmt.Sprintf("%s-%d", role, userSeq.Add(1)), role, scope)
	return u, s.TokenFor(tb, u)
}

// Session is a sign-in's answer.
type Session struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
	User         struct {
		ID       string `json:"id"`
		Username string `json:"username"`
		Role     string `json:"role"`
		Scope    string `json:"scope"`
	} `json:"user"`
}

// Login signs in through POST /api/v1/auth/login and fails the test unless
// it answers 200.
func (s *Server) Login(tb testing.TB, username, password string) Session {
	tb.Helper()
	resp := s.PostJSON("/api/v1/auth/login", "", map[string]string{"username": username, "password": password})
	if resp.Status != 200 {
		tb.Fatalf("login %s: status %d: %s", username, resp.Status, resp.Body)
	}
	var sess Session
	resp.Decode(tb, &sess)
	return sess
}
