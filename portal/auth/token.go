package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Token constants.
const (
	Issuer          = "cleancity"
	Audience        = "cleancity-api"
	AccessTokenTTL  = 15 * time.Minute
	RefreshTokenTTL = 30 * 24 * time.Hour
	// clockLeeway tolerates small clock differences between portal
	// processes when checking exp, nbf and iat.
	clockLeeway = 30 * time.Second
)

// Claims are the access token's claims. The user's current role and scope
// are read from the store on every request; the copies here are for
// clients and logs.
type Claims struct {
	jwt.RegisteredClaims
	Role         Role   `json:"role"`
	Scope        string `json:"scope,omitempty"`
	SessionID    string `json:"sid"`
	TokenVersion int64  `json:"tv"`
}

// tokens signs and checks access tokens with one HS256 secret.
type tokens struct {
	secret []byte
	now    func() time.Time
	parser *jwt.Parser
}

func newTokens(secret string, now func() time.Time) (*tokens, error) {
	if len(secret) < 32 {
		return nil, errors.New("auth: the JWT secret must have at least 32 characters")
	}
	return &tokens{
		secret: []byte(secret),
		now:    now,
		// Only HS256 is accepted: "none" and asymmetric algorithms (the
		// RS/HS confusion attack) fail before the key is even looked at.
		parser: jwt.NewParser(
			jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
			jwt.WithIssuer(Issuer),
			jwt.WithAudience(Audience),
			jwt.WithExpirationRequired(),
			jwt.WithNotBeforeRequired(),
			jwt.WithIssuedAt(),
			jwt.WithLeeway(clockLeeway),
			jwt.WithTimeFunc(now),
			jwt.WithStrictDecoding(),
		),
	}, nil
}

// issue signs an access token for the user's session.
func (t *tokens) issue(u User, sid string) (string, time.Time, error) {
	now := t.now().Truncate(time.Second)
	exp := now.Add(AccessTokenTTL)
	claims := Claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    Issuer,
			Subject:   u.ID,
			Audience:  jwt.ClaimStrings{Audience},
			ExpiresAt: jwt.NewNumericDate(exp),
			NotBefore: jwt.NewNumericDate(now),
			IssuedAt:  jwt.NewNumericDate(now),
			ID:        randomID(12),
		},
		Role:         u.Role,
		Scope:        u.Scope,
		SessionID:    sid,
		TokenVersion: u.TokenVersion,
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(t.secret)
	return s, exp, err
}

// parse verifies an access token's signature and registered claims.
func (t *tokens) parse(raw string) (*Claims, error) {
	if len(raw) > 4096 {
		return nil, ErrInvalidToken
	}
	var c Claims
	_, err := t.parser.ParseWithClaims(raw, &c, func(tok *jwt.Token) (any, error) {
		if tok.Method != jwt.SigningMethodHS256 {
			return nil, errors.New("unexpected signing method")
		}
		return t.secret, nil
	})
	if err != nil || c.Subject == "" || c.SessionID == "" {
		return nil, ErrInvalidToken
	}
	return &c, nil
}

// randomID returns n random bytes, hex encoded.
func randomID(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails (Go 1.24+)
	return hex.EncodeToString(b)
}

// newRefreshToken returns an opaque refresh token for session sid: the
// session id and 32 random bytes. Only its SHA-256 is stored.
func newRefreshToken(sid string) string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return sid + "." + base64.RawURLEncoding.EncodeToString(b)
}

// splitRefreshToken returns the session id of a well-formed refresh token.
func splitRefreshToken(tok string) (string, bool) {
	sid, secret, ok := strings.Cut(tok, ".")
	if !ok || len(sid) != 32 || len(secret) != 43 {
		return "", false
	}
	if _, err := hex.DecodeString(sid); err != nil {
		return "", false
	}
	if _, err := base64.RawURLEncoding.DecodeString(secret); err != nil {
		return "", false
	}
	return sid, true
}

// hashToken is the stored form of a refresh token. A fast hash is right
// here: the token has 256 random bits, so it cannot be guessed offline.
func hashToken(tok string) string {
	h := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(h[:])
}
