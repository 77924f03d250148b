package auth

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"cleancity/portal/apperr"
	"cleancity/portal/store/storetest"
)

// cheap keeps unit tests fast; the HTTP tests use DefaultParams.
var cheap = Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

type fakeAreas struct{}

func (fakeAreas) IsDistrict(id string) bool   { return id == "D01" || id == "D02" }
func (fakeAreas) IsDepartment(id string) bool { return id == "sanitation" }

func newTestService(t *testing.T, now func() time.Time) *Service {
	t.Helper()
	s, err := NewService(Config{
		DB: storetest.DB(t), Secret: strings.Repeat("k", 32), Now: now, Areas: fakeAreas{}, Params: cheap,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Init(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestHashAndCheck(t *testing.T) {
	h, err := HashPassword("correct horse", cheap)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Fatalf("hash %q", h)
	}
	h2, _ := HashPassword("correct horse", cheap)
	if h == h2 {
		t.Fatal("two hashes of one password are equal: no salt")
	}
	for pw, want := range map[string]bool{"correct horse": true, "correct horsE": false, "": false} {
		if ok, err := CheckPassword(pw, h); ok != want || err != nil {
			t.Errorf("CheckPassword(%q) = %v, %v", pw, ok, err)
		}
	}
	if NeedsRehash(h, cheap) {
		t.Error("NeedsRehash with the same params")
	}
	if !NeedsRehash(h, DefaultParams) {
		t.Error("NeedsRehash with stronger params = false")
	}
	if _, err := HashPassword("x", Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 4, KeyLen: 32}); err == nil {
		t.Error("a 4-byte salt was accepted")
	}
}

func TestParseHashRejects(t *testing.T) {
	good, _ := HashPassword("pw", cheap)
	parts := strings.Split(good, "$")
	for name, h := range map[string]string{
		"empty":        "",
		"bcrypt":       "$2a$10$abcdefghijklmnopqrstuu5Z8y0pM6o0y6wq9mxk6d1uQdY1Ewq1a",
		"argon2i":      strings.Replace(good, "argon2id", "argon2i", 1),
		"version 16":   strings.Replace(good, "v=19", "v=16", 1),
		"huge memory":  strings.Replace(good, "m=1024", "m=99999999", 1),
		"zero time":    strings.Replace(good, "t=1", "t=0", 1),
		"zero threads": strings.Replace(good, "p=1", "p=0", 1),
		"extra param":  strings.Replace(good, "p=1", "p=1,x=2", 1),
		"missing key":  strings.Join(parts[:5], "$"),
		"bad base64":   strings.Join(append(parts[:5:5], "!!!"), "$"),
		"short salt":   strings.Join([]string{"", parts[1], parts[2], parts[3], "AAAA", parts[5]}, "$"),
	} {
		if _, _, _, err := ParseHash(h); err == nil {
			t.Errorf("%s: %q accepted", name, h)
		}
		if ok, _ := CheckPassword("pw", h); ok {
			t.Errorf("%s: CheckPassword true", name)
		}
	}
}

func FuzzParseHash(f *testing.F) {
	good, _ := HashPassword("pw", cheap)
	f.Add(good)
	f.Add("$argon2id$v=19$m=1,t=1,p=1$$")
	f.Add("$argon2id$v=19$m=65536,t=1,p=255$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA")
	f.Fuzz(func(t *testing.T, s string) {
		p, salt, key, err := ParseHash(s)
		if err != nil {
			return
		}
		// Whatever parses must be safe to compute with.
		if p.Memory > maxMemory || p.Time > maxTime || p.Threads > maxThreads || p.Threads < 1 ||
			len(salt) < 8 || len(key) < 16 || p.Memory < 8*uint32(p.Threads) {
			t.Fatalf("accepted unsafe %+v (salt %d, key %d) from %q", p, len(salt), len(key), s)
		}
	})
}

func TestPasswordPolicy(t *testing.T) {
	for _, c := range []struct {
		pw, user string
		ok       bool
	}{
		{"green-streets-42", "li", true},
		{"七个字的密码好", "li", false}, // 7 characters, 21 bytes
		{"八个字的密码很好", "li", false},
		{"十二个字的密码应该足够长了", "li", true},
		{"12345678901", "li", false},
		{"qwertyuiop12", "li", false},
		{"1234567", "li", false},
		{"12345678", "li", false},
		{"PASSWORD", "li", false},
		{"Woaini1314", "li", false},
		{"zhang.wei.88", "Zhang.Wei.88", false},
		{"zhang.wei.888", "Zhang.Wei.888", false},
		{strings.Repeat("a", 129), "li", false},
		{strings.Repeat("a", 128), "li", true},
		{"bad\xffutf8!", "li", false},
	} {
		err := CheckPasswordPolicy("password", c.pw, c.user)
		if (err == nil) != c.ok {
			t.Errorf("policy(%q, %q) = %v, want ok=%v", c.pw, c.user, err, c.ok)
		}
		if err != nil && apperr.CodeOf(err.(*Error).Localize("en")) != apperr.Invalid {
			t.Errorf("policy error code %v", err)
		}
	}
	if len(commonPasswords) < 100 {
		t.Errorf("common password list has %d entries", len(commonPasswords))
	}
	for pw := range commonPasswords {
		if pw != strings.ToLower(pw) || strings.TrimSpace(pw) != pw {
			t.Errorf("list entry %q is not lower case and trimmed", pw)
		}
	}
}

func TestNormalizePhone(t *testing.T) {
	for in, want := range map[string]string{
		"":                  "",
		"13800138000":       "+8613800138000",
		"138 0013 8000":     "+8613800138000",
		"138-0013-8000":     "+8613800138000",
		"+86 138 0013 8000": "+8613800138000",
		"+86-13800138000":   "+8613800138000",
		"008613800138000":   "+8613800138000",
		"8613800138000":     "+8613800138000",
		"010-6512 3456":     "+861065123456",
		"(021) 6512-3456":   "+862165123456",
		"0731-8888 6666":    "+8673188886666",
		"+86 10 6512 3456":  "+861065123456",
		"+86 010 6512 3456": "+861065123456",
		"+1 415 555 2671":   "+14155552671",
		"0044 20 7946 0958": "+442079460958",
		"+44 20 7946 0958":  "+442079460958",
	} {
		got, err := NormalizePhone(in)
		if err != nil || got != want {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"12345", "23800138000", "1380013800", "138001380001", "+86 12", "phone", "138 0013 8000 ext 5",
		"+0 123456789", "+1234567890123456", "1+3800138000", "１３８００１３８０００"} {
		if got, err := NormalizePhone(in); err == nil {
			t.Errorf("NormalizePhone(%q) = %q, want an error", in, got)
		}
	}
}

func FuzzNormalizePhone(f *testing.F) {
	for _, s := range []string{"13800138000", "+86 10 6512 3456", "0044 20 7946 0958", "+", "00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := NormalizePhone(s)
		if err != nil || got == "" {
			return
		}
		if !e164.MatchString(got) {
			t.Fatalf("NormalizePhone(%q) = %q is not E.164", s, got)
		}
		// Normalising is idempotent.
		if again, err := NormalizePhone(got); err != nil || again != got {
			t.Fatalf("NormalizePhone(%q) = %q, %v", got, again, err)
		}
	})
}

func TestCheckScope(t *testing.T) {
	for _, c := range []struct {
		role  Role
		scope string
		ok    bool
	}{
		{RoleOfficial, "", true}, {RoleOfficial, "D01", true}, {RoleOfficial, "D09", false}, {RoleOfficial, "sanitation", false},
		{RoleDepartment, "sanitation", true}, {RoleDepartment, "", false}, {RoleDepartment, "D01", false},
		{RoleResident, "", true}, {RoleResident, "D01", false}, {RoleVolunteer, "x", false}, {RoleAdmin, "", true},
	} {
		if err := CheckScope(fakeAreas{}, c.role, c.scope); (err == nil) != c.ok {
			t.Errorf("CheckScope(%s, %q) = %v", c.role, c.scope, err)
		}
	}
}

func TestLoginVerifiesForUnknownUsers(t *testing.T) {
	s := newTestService(t, nil)
	ctx := context.Background()
	if _, err := s.CreateUser(ctx, NewUser{Username: "li.na", Password: "green-streets-42", Role: RoleResident}); err != nil {
		t.Fatal(err)
	}
	for _, user := range []string{"li.na", "nobody"} {
		before := s.verifications.Load()
		_, err := s.Login(ctx, user, "wrong-password-1", ClientInfo{})
		if !errors.Is(err, ErrBadCredentials) {
			t.Fatalf("%s: %v", user, err)
		}
		if n := s.verifications.Load() - before; n != 1 {
			t.Errorf("%s: %d password verifications, want 1", user, n)
		}
	}
}

func TestLoginDisabledLooksLikeWrongPassword(t *testing.T) {
	s := newTestService(t, nil)
	ctx := context.Background()
	u, err := s.CreateUser(ctx, NewUser{Username: "li.na", Password: "green-streets-42", Role: RoleResident})
	if err != nil {
		t.Fatal(err)
	}
	disabled := true
	if _, err := s.UpdateUser(ctx, "someone-else", u.ID, UserUpdate{Disabled: &disabled}); err != nil {
		t.Fatal(err)
	}
	for _, pw := range []string{"green-streets-42", "wrong-password-1"} {
		before := s.verifications.Load()
		_, err := s.Login(ctx, "li.na", pw, ClientInfo{IP: "203.0.113.9"})
		if !errors.Is(err, ErrBadCredentials) {
			t.Errorf("disabled account, password %q: %v, want ErrBadCredentials", pw, err)
		}
		if n := s.verifications.Load() - before; n != 1 {
			t.Errorf("password %q: %d verifications, want 1", pw, n)
		}
	}
}

func TestAddrKeyGroupsIPv6By64(t *testing.T) {
	for in, want := range map[string]string{
		"203.0.113.7": "203.0.113.7", "2001:db8:1:2:aaaa::1": "2001:db8:1:2::/64", "2001:db8:1:2:ffff::9": "2001:db8:1:2::/64",
		"::ffff:203.0.113.7": "::ffff:203.0.113.7", "": "", "not-an-address": "not-an-address",
	} {
		if got := addrKey(in); got != want {
			t.Errorf("addrKey(%q) = %q, want %q", in, got, want)
		}
	}
	// Two addresses of one /64 share their sign-in throttle.
	if pairThrottle("li", "2001:db8:1:2::1") != pairThrottle("li", "2001:db8:1:2::2") {
		t.Error("one /64, two throttles")
	}
}

func TestBackoffDoublesToCap(t *testing.T) {
	s := &Service{limits: Limits{BackoffBase: time.Second, BackoffMax: 15 * time.Minute}}
	for k, want := range map[int64]time.Duration{0: time.Second, 1: 2 * time.Second, 3: 8 * time.Second,
		9: 512 * time.Second, 10: 15 * time.Minute, 60: 15 * time.Minute, 1 << 40: 15 * time.Minute} {
		if got := s.backoff(k); got != want {
			t.Errorf("backoff(%d) = %s, want %s", k, got, want)
		}
	}
}

func TestRehashOnLogin(t *testing.T) {
	s := newTestService(t, nil)
	ctx := context.Background()
	u, err := s.CreateUser(ctx, NewUser{Username: "li.na", Password: "green-streets-42", Role: RoleResident})
	if err != nil {
		t.Fatal(err)
	}
	// The operator raises the cost: the next sign-in rehashes.
	s.params = Params{Memory: 2048, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}
	if _, err := s.Login(ctx, "li.na", "green-streets-42", ClientInfo{}); err != nil {
		t.Fatal(err)
	}
	after, _ := s.User(ctx, u.ID)
	if !strings.HasPrefix(after.PasswordHash, "$argon2id$v=19$m=2048,t=2,p=1$") {
		t.Fatalf("not rehashed: %s", after.PasswordHash)
	}
	// The old-cost hash was still accepted, and the new one is too.
	if _, err := s.Login(ctx, "li.na", "green-streets-42", ClientInfo{}); err != nil {
		t.Fatal(err)
	}
}

func TestConcurrentRefreshOneWins(t *testing.T) {
	s := newTestService(t, nil)
	ctx := context.Background()
	u, err := s.CreateUser(ctx, NewUser{Username: "li.na", Password: "green-streets-42", Role: RoleResident})
	if err != nil {
		t.Fatal(err)
	}
	sess, err := s.StartSession(ctx, u, ClientInfo{})
	if err != nil {
		t.Fatal(err)
	}
	const n = 8
	errs := make(chan error, n)
	for range n {
		go func() {
			_, err := s.Refresh(ctx, sess.RefreshToken)
			errs <- err
		}()
	}
	ok := 0
	for range n {
		if err := <-errs; err == nil {
			ok++
		} else if !errors.Is(err, ErrRefreshReused) && !errors.Is(err, ErrInvalidToken) {
			t.Errorf("unexpected error %v", err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d concurrent refreshes of one token succeeded, want exactly 1", ok)
	}
}

func TestBootstrapOnce(t *testing.T) {
	s := newTestService(t, nil)
	ctx := context.Background()
	pw, err := s.Bootstrap(ctx)
	if err != nil || len(pw) < 20 {
		t.Fatalf("Bootstrap = %q, %v", pw, err)
	}
	if _, err := s.Login(ctx, "admin", pw, ClientInfo{}); err != nil {
		t.Fatalf("bootstrap password does not sign in: %v", err)
	}
	if again, err := s.Bootstrap(ctx); err != nil || again != "" {
		t.Fatalf("second Bootstrap = %q, %v", again, err)
	}
}

func TestSharedRateLimitAcrossProcesses(t *testing.T) {
	// Two services on one database stand for two portal processes.
	db := storetest.DB(t)
	now := func() time.Time { return time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) }
	mk := func() *Service {
		s, err := NewService(Config{DB: db, Secret: strings.Repeat("k", 32), Now: now, Params: cheap,
			Limits: Limits{FreeFailures: 3, RequestsPerClient: 4, Window: time.Minute},
			Log:    slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Init(context.Background()); err != nil {
			t.Fatal(err)
		}
		return s
	}
	a, b := mk(), mk()
	ctx := context.Background()
	for i, s := range []*Service{a, b, a, b} {
		if err := s.AllowClient(ctx, "203.0.113.7"); err != nil {
			t.Fatalf("request %d: %v", i+1, err)
		}
	}
	err := a.AllowClient(ctx, "203.0.113.7")
	var ae *Error
	if !errors.As(err, &ae) || ae.Code != apperr.RateLimited || ae.RetryAfter != 60 {
		t.Fatalf("5th request across two processes: %v", err)
	}
	client := ClientInfo{IP: "203.0.113.7"}
	for _, s := range []*Service{a, b, a} {
		if _, err := s.Login(ctx, "ghost", "wrong-password-1", client); !errors.Is(err, ErrBadCredentials) {
			t.Fatalf("failure: %v", err)
		}
	}
	// The 3rd failure started a 1 s wait that the other process honours.
	if _, err := b.Login(ctx, "ghost", "wrong-password-1", client); !errors.Is(err, ErrTooManyAttempts) {
		t.Fatalf("4th attempt across processes: %v", err)
	}
}

// BenchmarkLogin measures a sign-in's service time at DefaultParams, for a
// wrong password and an unknown user (which should match) and a success.
func BenchmarkLogin(b *testing.B) {
	db := storetest.DB(b)
	s, err := NewService(Config{DB: db, Secret: strings.Repeat("k", 32),
		Limits: Limits{FreeFailures: 1 << 40, FreeClientFailures: 1 << 40, RequestsPerClient: 1 << 40, Window: time.Minute},
		Log:    slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if err := s.Init(ctx); err != nil {
		b.Fatal(err)
	}
	if _, err := s.CreateUser(ctx, NewUser{Username: "li.na", Password: "green-streets-42", Role: RoleResident}); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct{ name, user, pw string }{
		{"success", "li.na", "green-streets-42"},
		{"wrong-password", "li.na", "wrong-password-1"},
		{"unknown-user", "nobody", "wrong-password-1"},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				_, _ = s.Login(ctx, c.user, c.pw, ClientInfo{})
			}
		})
	}
	b.Run("hash-only", func(b *testing.B) {
		for b.Loop() {
			_, _ = HashPassword("green-streets-42", DefaultParams)
		}
	})
}

// BenchmarkAuthenticate measures the per-request cost of an access token:
// signature and claims check plus the user and session reads.
func BenchmarkAuthenticate(b *testing.B) {
	s, err := NewService(Config{DB: storetest.DB(b), Secret: strings.Repeat("k", 32), Params: cheap,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if err := s.Init(ctx); err != nil {
		b.Fatal(err)
	}
	u, err := s.CreateUser(ctx, NewUser{Username: "li.na", Password: "green-streets-42", Role: RoleResident})
	if err != nil {
		b.Fatal(err)
	}
	sess, err := s.StartSession(ctx, u, ClientInfo{})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("token-only", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.tok.parse(sess.AccessToken); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("with-store", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := s.Authenticate(ctx, sess.AccessToken); err != nil {
				b.Fatal(err)
			}
		}
	})
}
