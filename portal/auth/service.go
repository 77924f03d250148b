package auth

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// Limits are the abuse limits.
//
// Failed sign-ins are throttled, never locked: each (username, client
// address) pair and each client address has a few free failures, after
// which every further attempt must wait BackoffBase, then twice that, and
// so on up to BackoffMax. The owner signing in from another address is
// not affected by an attacker's failures, and a success clears the pair.
type Limits struct {
	// FreeFailures is how many failed sign-ins (or wrong old passwords)
	// one username may have from one address before the backoff starts.
	FreeFailures int64
	// FreeClientFailures is the same for one address over all usernames
	// (password spraying), high enough for an office behind one address.
	FreeClientFailures int64
	// FreeAccountFailures is the same for one username over all addresses
	// (a distributed guesser). Its wait stops only addresses the account
	// never signed in from (User.KnownAddrs), so the owner still gets in.
	FreeAccountFailures int64
	// BackoffBase is the first wait; each further failure doubles it, up
	// to BackoffMax.
	BackoffBase, BackoffMax time.Duration
	// FailureMemory is how long a throttle is remembered after its last
	// wait ends.
	FailureMemory time.Duration
	// RequestsPerClient caps auth requests per client address per Window,
	// high enough that an office behind one NAT address never meets it.
	RequestsPerClient int64
	Window            time.Duration
	// RegistrationsPerClient caps the accounts one address may register
	// per RegistrationWindow.
	RegistrationsPerClient int64
	RegistrationWindow     time.Duration
}

// DefaultLimits: 5 free failed sign-ins per username and address, 30 per
// address, 50 per username from unknown addresses, then waits of 1 s
// doubling up to 15 minutes (under 100 failures an hour per account); 120 auth requests
// per address a minute; 5 registrations per address an hour.
var DefaultLimits = Limits{
	FreeFailures: 5, FreeClientFailures: 30, FreeAccountFailures: 50,
	BackoffBase: time.Second, BackoffMax: 15 * time.Minute, FailureMemory: time.Hour,
	RequestsPerClient: 120, Window: time.Minute,
	RegistrationsPerClient: 5, RegistrationWindow: time.Hour,
}

// withDefaults fills every zero field from DefaultLimits.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	pick := func(v *int64, def int64) {
		if *v == 0 {
			*v = def
		}
	}
	pickD := func(v *time.Duration, def time.Duration) {
		if *v == 0 {
			*v = def
		}
	}
	pick(&l.FreeFailures, d.FreeFailures)
	pick(&l.FreeClientFailures, d.FreeClientFailures)
	pick(&l.FreeAccountFailures, d.FreeAccountFailures)
	pick(&l.RequestsPerClient, d.RequestsPerClient)
	pick(&l.RegistrationsPerClient, d.RegistrationsPerClient)
	pickD(&l.BackoffBase, d.BackoffBase)
	pickD(&l.BackoffMax, d.BackoffMax)
	pickD(&l.FailureMemory, d.FailureMemory)
	pickD(&l.Window, d.Window)
	pickD(&l.RegistrationWindow, d.RegistrationWindow)
	return l
}

// Config configures the service.
type Config struct {
	DB     *mongo.Database
	Secret string
	Log    *slog.Logger
	Now    func() time.Time
	Areas  Areas
	// Params is the argon2id cost of new hashes; zero means DefaultParams.
	Params Params
	// Limits; zero fields take DefaultLimits' values.
	Limits Limits
}

// Service manages users, sessions and tokens.
type Service struct {
	st     *store
	tok    *tokens
	log    *slog.Logger
	now    func() time.Time
	areas  Areas
	params Params
	limits Limits
	// hashSem caps concurrent argon2id computations (memory and CPU).
	hashSem chan struct{}
	// dummyHash is verified for unknown usernames so that they take as
	// long as a wrong password.
	dummyHash string
	// verifications counts password checks (tests compare the paths).
	verifications atomic.Int64
	// hitLocks serialise this process's rate-limit hits per key.
	hitLocks [64]sync.Mutex
}

// NewService returns a service; call Init before use.
func NewService(cfg Config) (*Service, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Params == (Params{}) {
		cfg.Params = DefaultParams
	}
	cfg.Limits = cfg.Limits.withDefaults()
	tok, err := newTokens(cfg.Secret, cfg.Now)
	if err != nil {
		return nil, err
	}
	s := &Service{
		st: newStore(cfg.DB), tok: tok, log: cfg.Log, now: cfg.Now, areas: cfg.Areas,
		params: cfg.Params, limits: cfg.Limits,
		hashSem: make(chan struct{}, max(1, runtime.GOMAXPROCS(0))),
	}
	s.dummyHash, err = HashPassword("dummy password for unknown users", s.params)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// Init creates the indexes.
func (s *Service) Init(ctx context.Context) error { return s.st.ensureIndexes(ctx) }

// SetAreas replaces the areas used to check scopes.
func (s *Service) SetAreas(a Areas) { s.areas = a }

// Params returns the argon2id cost of new hashes.
func (s *Service) Params() Params { return s.params }

func (s *Service) hash(ctx context.Context, pw string) (string, error) {
	if err := s.acquire(ctx); err != nil {
		return "", err
	}
	defer s.release()
	return HashPassword(pw, s.params)
}

func (s *Service) check(ctx context.Context, pw, encoded string) (bool, error) {
	if err := s.acquire(ctx); err != nil {
		return false, err
	}
	defer s.release()
	s.verifications.Add(1)
	return CheckPassword(pw, encoded)
}

func (s *Service) acquire(ctx context.Context) error {
	select {
	case s.hashSem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *Service) release() { <-s.hashSem }

// NewUser is the input of CreateUser.
type NewUser struct {
	Username    string
	Password    string
	DisplayName string
	Phone       string
	Email       string
	Role        Role
	Scope       string
	// SkipPolicy skips the common-password check (the demo accounts'
	// published password); length and username checks still apply.
	SkipPolicy bool
	// PasswordHash, when set, is stored as the hash and Password is not
	// checked or hashed (seeding many accounts with one password, tests).
	PasswordHash string
}

// CreateUser validates and stores a new user. Errors: Invalid (with the
// field), Conflict (username taken).
func (s *Service) CreateUser(ctx context.Context, in NewUser) (User, error) {
	u, err := s.prepareUser(in)
	if err != nil {
		return User{}, err
	}
	if in.PasswordHash != "" {
		if _, _, _, err := ParseHash(in.PasswordHash); err != nil {
			return User{}, err
		}
		u.PasswordHash = in.PasswordHash
	} else if u.PasswordHash, err = s.hash(ctx, in.Password); err != nil {
		return User{}, err
	}
	if err := s.st.insertUser(ctx, u); err != nil {
		return User{}, err
	}
	return u, nil
}

func (s *Service) prepareUser(in NewUser) (User, error) {
	now := s.now().UTC()
	u := User{
		ID:       bson.NewObjectID().Hex(),
		Username: NormalizeUsername(in.Username),
		Role:     in.Role, Scope: strings.TrimSpace(in.Scope),
		DisplayName: strings.TrimSpace(in.DisplayName),
		CreatedAt:   now, UpdatedAt: now, PasswordChangedAt: now,
	}
	if err := CheckUsername(u.Username); err != nil {
		return User{}, err
	}
	if err := checkRole(u.Role); err != nil {
		return User{}, err
	}
	nameField := "display_name"
	if u.DisplayName == "" {
		u.DisplayName, nameField = u.Username, "username"
	}
	if err := checkNameForRole(nameField, u.DisplayName, u.Role); err != nil {
		return User{}, err
	}
	if err := CheckScope(s.areas, u.Role, u.Scope); err != nil {
		return User{}, err
	}
	var err error
	if u.Phone, err = NormalizePhone(in.Phone); err != nil {
		return User{}, err
	}
	if u.Email, err = NormalizeEmail(in.Email); err != nil {
		return User{}, err
	}
	if in.PasswordHash != "" {
		return u, nil
	}
	if in.SkipPolicy {
		if n := len([]rune(in.Password)); n < MinPasswordLen || n > MaxPasswordLen {
			return User{}, CheckPasswordPolicy("password", in.Password, "")
		}
	} else if err := CheckPasswordPolicy("password", in.Password, u.Username); err != nil {
		return User{}, err
	}
	return u, nil
}

// SeedUsers creates those of users that do not exist yet, all with the
// one password (hashed once), skipping the common-password check; it
// returns how many it created. For the demo accounts.
func (s *Service) SeedUsers(ctx context.Context, password string, users []NewUser) (int, error) {
	hash, created := "", 0
	for _, in := range users {
		if _, err := s.st.userByUsername(ctx, NormalizeUsername(in.Username)); err == nil {
			continue
		} else if !errors.Is(err, ErrUserNotFound) {
			return created, err
		}
		if hash == "" {
			var err error
			if hash, err = s.hash(ctx, password); err != nil {
				return created, err
			}
		}
		in.PasswordHash = hash
		if _, err := s.CreateUser(ctx, in); errors.Is(err, ErrUsernameTaken) {
			continue // another process won the race
		} else if err != nil {
			return created, fmt.Errorf("user %s: %w", in.Username, err)
		}
		created++
	}
	return created, nil
}

// Bootstrap creates the user "admin" with a random password when the store
// has no users at all, and returns that password (empty when nothing was
// created). Several processes starting at once create one admin: the
// unique username index lets one insert win.
func (s *Service) Bootstrap(ctx context.Context) (string, error) {
	n, err := s.st.countUsers(ctx)
	if err != nil || n > 0 {
		return "", err
	}
	pw := randomPassword()
	_, err = s.CreateUser(ctx, NewUser{Username: "admin", Password: pw, DisplayName: "管理员", Role: RoleAdmin})
	if errors.Is(err, ErrUsernameTaken) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return pw, nil
}

// randomPassword returns 26 base32 characters (128 random bits).
func randomPassword() string { return rand.Text() }

// Session is a signed-in session's tokens.
type Session struct {
	AccessToken  string
	RefreshToken string
	ExpiresIn    int // seconds until the access token expires
	SessionID    string
	User         User
}

// ClientInfo describes the client that signs in, kept with the session.
type ClientInfo struct {
	IP        string
	UserAgent string
}

// Login checks a username and password and starts a session. An unknown
// username, a wrong password and a disabled account give the same error
// (ErrBadCredentials) after the same amount of work: a dummy hash is
// verified for unknown users. Attempts beyond the free failures of the
// (username, address) pair or of the address wait out a growing backoff
// (RateLimited with RetryAfter) before any password is checked. Errors:
// Unauthorized, RateLimited.
func (s *Service) Login(ctx context.Context, username, password string, client ClientInfo) (Session, error) {
	username = NormalizeUsername(username)
	pair, addr := pairThrottle(username, client.IP), clientThrottle(client.IP)
	if err := s.admit(ctx, addr, s.limits.FreeClientFailures); err != nil {
		return Session{}, err
	}
	if err := s.admit(ctx, pair, s.limits.FreeFailures); err != nil {
		return Session{}, err
	}
	u, err := s.st.userByUsername(ctx, username)
	if err != nil && !errors.Is(err, ErrUserNotFound) {
		return Session{}, err
	}
	found := err == nil
	// Unknown usernames have an account throttle too: the answers must not
	// tell which accounts exist.
	account := accountThrottle(username)
	known := found && client.IP != "" && slices.Contains(u.KnownAddrs, client.IP)
	if !known {
		if err := s.admit(ctx, account, s.limits.FreeAccountFailures); err != nil {
			return Session{}, err
		}
	}
	hash := s.dummyHash
	if found {
		hash = u.PasswordHash
	}
	ok, err := s.check(ctx, password, hash)
	if err != nil && found {
		s.log.Error("stored password hash unreadable", "user_id", u.ID, "err", err)
	} else if err != nil {
		return Session{}, err
	}
	// A disabled account answers exactly as a wrong password does, whatever
	// the password, after the same verification: a different answer to the
	// right password would confirm it to whoever guessed it.
	if !found || !ok || u.Disabled {
		if found && ok {
			s.log.Info("sign-in to a disabled account refused", "user_id", u.ID)
		}
		return Session{}, ErrBadCredentials
	}
	if err := s.settle(ctx, pair, addr); err != nil {
		return Session{}, err
	}
	if !known {
		if err := s.settle(ctx, "", account); err != nil {
			return Session{}, err
		}
	}
	set := bson.D{{Key: "last_login_at", Value: s.now().UTC()}}
	if client.IP != "" {
		set = append(set, bson.E{Key: "known_addrs", Value: rememberAddr(u.KnownAddrs, client.IP)})
	}
	if NeedsRehash(u.PasswordHash, s.params) {
		if h, err := s.hash(ctx, password); err == nil {
			set = append(set, bson.E{Key: "password_hash", Value: h})
		}
	}
	if u, err = s.st.updateUser(ctx, u.ID, set, false); err != nil {
		return Session{}, err
	}
	return s.StartSession(ctx, u, client)
}

// StartSession starts a new session (refresh-token family) for u without a
// password check: after Login, after a password change, and in tests.
func (s *Service) StartSession(ctx context.Context, u User, client ClientInfo) (Session, error) {
	now := s.now().UTC()
	sid := randomID(16)
	refresh := newRefreshToken(sid)
	if len(client.UserAgent) > 256 {
		client.UserAgent = client.UserAgent[:256]
	}
	err := s.st.insertSession(ctx, sessionDoc{
		ID: sid, UserID: u.ID, TokenHash: hashToken(refresh),
		CreatedAt: now, LastUsedAt: now, ExpiresAt: now.Add(RefreshTokenTTL),
		ClientIP: client.IP, UserAgent: client.UserAgent,
	})
	if err != nil {
		return Session{}, err
	}
	return s.sessionFor(u, sid, refresh)
}

func (s *Service) sessionFor(u User, sid, refresh string) (Session, error) {
	access, exp, err := s.tok.issue(u, sid)
	if err != nil {
		return Session{}, fmt.Errorf("sign access token: %w", err)
	}
	return Session{AccessToken: access, RefreshToken: refresh, SessionID: sid, User: u,
		ExpiresIn: int((exp.Sub(s.now()) + time.Second - 1) / time.Second)}, nil
}

// Refresh rotates a refresh token: the presented token stops working and a
// new pair is returned. Presenting a token that was already rotated away
// is taken as theft: the whole family is revoked (ErrRefreshReused), so
// both the thief and the user must sign in again. Two requests racing with
// one token count as reuse too. Errors: Unauthorized.
func (s *Service) Refresh(ctx context.Context, token string) (Session, error) {
	sid, ok := splitRefreshToken(token)
	if !ok {
		return Session{}, ErrInvalidToken
	}
	now := s.now().UTC()
	h := hashToken(token)
	sess, found, err := s.st.sessionByID(ctx, sid)
	if err != nil {
		return Session{}, err
	}
	if !found {
		return Session{}, ErrInvalidToken
	}
	if sess.TokenHash != h {
		used, err := s.st.isUsed(ctx, h)
		if err != nil {
			return Session{}, err
		}
		if used {
			return Session{}, s.reused(ctx, sess)
		}
		return Session{}, ErrInvalidToken
	}
	if sess.Revoked || !now.Before(sess.ExpiresAt) {
		return Session{}, ErrInvalidToken
	}
	claimed, err := s.st.claimToken(ctx, h, sid, sess.ExpiresAt)
	if err != nil {
		return Session{}, err
	}
	if !claimed {
		return Session{}, s.reused(ctx, sess)
	}
	u, err := s.st.userByID(ctx, sess.UserID)
	if errors.Is(err, ErrUserNotFound) {
		_ = s.st.revokeSession(ctx, sid, "user deleted")
		return Session{}, ErrInvalidToken
	}
	if err != nil {
		return Session{}, err
	}
	if u.Disabled {
		_ = s.st.revokeSession(ctx, sid, "user disabled")
		return Session{}, ErrInvalidToken
	}
	next := newRefreshToken(sid)
	if err := s.st.advanceSession(ctx, sid, hashToken(next), now); err != nil {
		return Session{}, err
	}
	return s.sessionFor(u, sid, next)
}

// reused revokes a family whose rotated token was presented again.
func (s *Service) reused(ctx context.Context, sess sessionDoc) error {
	if !sess.Revoked {
		if err := s.st.revokeSession(ctx, sess.ID, "refresh token reuse"); err != nil {
			return err
		}
		s.log.Warn("refresh token reused: session revoked", "session", sess.ID, "user_id", sess.UserID)
	}
	return ErrRefreshReused
}

// Logout revokes the session of a refresh token and/or a session id (from
// the caller's access token). Unknown tokens are ignored, so logging out
// twice is fine.
func (s *Service) Logout(ctx context.Context, refreshToken, sessionID string) error {
	if refreshToken != "" {
		if sid, ok := splitRefreshToken(refreshToken); ok {
			sess, found, err := s.st.sessionByID(ctx, sid)
			if err != nil {
				return err
			}
			if found && sess.TokenHash == hashToken(refreshToken) {
				if err := s.st.revokeSession(ctx, sid, "logout"); err != nil {
					return err
				}
			}
		}
	}
	if sessionID != "" {
		return s.st.revokeSession(ctx, sessionID, "logout")
	}
	return nil
}

// Authenticate checks an access token and returns its user, fresh from the
// store, and the token's claims. A token stops working at once when its
// session is revoked (logout, refresh reuse), its user is disabled, or the
// user's token version was raised (password change or reset). Errors:
// Unauthorized.
func (s *Service) Authenticate(ctx context.Context, token string) (User, *Claims, error) {
	c, err := s.tok.parse(token)
	if err != nil {
		return User{}, nil, err
	}
	u, err := s.st.userByID(ctx, c.Subject)
	if errors.Is(err, ErrUserNotFound) {
		return User{}, nil, ErrInvalidToken
	}
	if err != nil {
		return User{}, nil, err
	}
	if u.Disabled || u.TokenVersion != c.TokenVersion {
		return User{}, nil, ErrInvalidToken
	}
	sess, found, err := s.st.sessionByID(ctx, c.SessionID)
	if err != nil {
		return User{}, nil, err
	}
	if !found || sess.Revoked || sess.UserID != u.ID {
		return User{}, nil, ErrInvalidToken
	}
	return u, c, nil
}

// User returns a user by id. Errors: NotFound.
func (s *Service) User(ctx context.Context, id string) (User, error) { return s.st.userByID(ctx, id) }

// UserByUsername returns a user by username. Errors: NotFound.
func (s *Service) UserByUsername(ctx context.Context, username string) (User, error) {
	return s.st.userByUsername(ctx, NormalizeUsername(username))
}

// ListUsers returns a page of users sorted by username, and the total.
func (s *Service) ListUsers(ctx context.Context, f UserFilter) ([]User, int64, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	if f.Offset < 0 {
		f.Offset = 0
	}
	return s.st.listUsers(ctx, f)
}

// ProfileUpdate is a user's change of their own account; nil fields stay.
// An empty Phone or Email clears it.
type ProfileUpdate struct {
	DisplayName *string
	Phone       *string
	Email       *string
	// NewPassword needs OldPassword.
	OldPassword *string
	NewPassword *string
}

// UpdateProfile applies a user's change of their own account. A password
// change ends every session of the user (including the caller's) and
// returns a fresh session for the caller. Errors: Invalid, RateLimited
// (too many wrong old passwords), NotFound.
func (s *Service) UpdateProfile(ctx context.Context, id string, up ProfileUpdate, client ClientInfo) (User, *Session, error) {
	u, err := s.st.userByID(ctx, id)
	if err != nil {
		return User{}, nil, err
	}
	now := s.now().UTC()
	set := bson.D{{Key: "updated_at", Value: now}}
	if up.DisplayName != nil {
		name := strings.TrimSpace(*up.DisplayName)
		if err := checkNameForRole("display_name", name, u.Role); err != nil {
			return User{}, nil, err
		}
		set = append(set, bson.E{Key: "display_name", Value: name})
	}
	if up.Phone != nil {
		p, err := NormalizePhone(*up.Phone)
		if err != nil {
			return User{}, nil, err
		}
		set = append(set, bson.E{Key: "phone", Value: p})
	}
	if up.Email != nil {
		e, err := NormalizeEmail(*up.Email)
		if err != nil {
			return User{}, nil, err
		}
		set = append(set, bson.E{Key: "email", Value: e})
	}
	changePassword := up.NewPassword != nil
	if changePassword {
		if up.OldPassword == nil || *up.OldPassword == "" {
			return User{}, nil, fieldErr("old_password", "修改密码需要提供原密码", "changing the password needs the current password")
		}
		if err := CheckPasswordPolicy("new_password", *up.NewPassword, u.Username); err != nil {
			return User{}, nil, err
		}
		pair := pairThrottle(u.Username, client.IP)
		if err := s.admit(ctx, pair, s.limits.FreeFailures); err != nil {
			return User{}, nil, err
		}
		ok, err := s.check(ctx, *up.OldPassword, u.PasswordHash)
		if err != nil {
			return User{}, nil, err
		}
		if !ok {
			return User{}, nil, ErrWrongOldPassword
		}
		if err := s.settle(ctx, pair, ""); err != nil {
			return User{}, nil, err
		}
		h, err := s.hash(ctx, *up.NewPassword)
		if err != nil {
			return User{}, nil, err
		}
		set = append(set, bson.E{Key: "password_hash", Value: h}, bson.E{Key: "password_changed_at", Value: now})
	}
	u, err = s.st.updateUser(ctx, id, set, changePassword)
	if err != nil {
		return User{}, nil, err
	}
	if !changePassword {
		return u, nil, nil
	}
	if err := s.st.revokeUserSessions(ctx, u.ID, "password changed"); err != nil {
		return User{}, nil, err
	}
	sess, err := s.StartSession(ctx, u, client)
	if err != nil {
		return User{}, nil, err
	}
	return u, &sess, nil
}

// UserUpdate is an administrator's change of an account; nil fields stay.
type UserUpdate struct {
	DisplayName *string
	Role        *Role
	Scope       *string
	Disabled    *bool
	// Password resets the password (the policy applies).
	Password *string
}

// UpdateUser applies an administrator's change. Disabling a user or
// resetting their password ends all their sessions at once; a role or
// scope change takes effect at the user's next request. Administrators
// cannot change their own role or disable themselves. Errors: Invalid,
// NotFound, Forbidden.
func (s *Service) UpdateUser(ctx context.Context, actorID, id string, up UserUpdate) (User, error) {
	u, err := s.st.userByID(ctx, id)
	if err != nil {
		return User{}, err
	}
	if id == actorID && (up.Role != nil && *up.Role != u.Role || up.Disabled != nil && *up.Disabled) {
		return User{}, ErrSelfChange
	}
	now := s.now().UTC()
	set := bson.D{{Key: "updated_at", Value: now}}
	role, scope := u.Role, u.Scope
	if up.Role != nil {
		if err := checkRole(*up.Role); err != nil {
			return User{}, err
		}
		role = *up.Role
		if up.Scope == nil && role != u.Role {
			scope = "" // a new role starts unscoped unless a scope is given
		}
	}
	if up.Scope != nil {
		scope = strings.TrimSpace(*up.Scope)
	}
	if role != u.Role || scope != u.Scope {
		if err := CheckScope(s.areas, role, scope); err != nil {
			return User{}, err
		}
		set = append(set, bson.E{Key: "role", Value: string(role)}, bson.E{Key: "scope", Value: scope})
	}
	name := u.DisplayName
	if up.DisplayName != nil {
		name = strings.TrimSpace(*up.DisplayName)
		set = append(set, bson.E{Key: "display_name", Value: name})
	}
	// A new name, or an old one on an account that stops being staff.
	if up.DisplayName != nil || role != u.Role {
		if err := checkNameForRole("display_name", name, role); err != nil {
			return User{}, err
		}
	}
	endSessions := false
	if up.Disabled != nil && *up.Disabled != u.Disabled {
		set = append(set, bson.E{Key: "disabled", Value: *up.Disabled})
		endSessions = *up.Disabled
	}
	if up.Password != nil {
		if err := CheckPasswordPolicy("password", *up.Password, u.Username); err != nil {
			return User{}, err
		}
		h, err := s.hash(ctx, *up.Password)
		if err != nil {
			return User{}, err
		}
		set = append(set, bson.E{Key: "password_hash", Value: h}, bson.E{Key: "password_changed_at", Value: now})
		endSessions = true
	}
	u, err = s.st.updateUser(ctx, id, set, endSessions)
	if err != nil {
		return User{}, err
	}
	if endSessions {
		reason := "password reset"
		if u.Disabled {
			reason = "user disabled"
		}
		if err := s.st.revokeUserSessions(ctx, id, reason); err != nil {
			return User{}, err
		}
	}
	return u, nil
}
