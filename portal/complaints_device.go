package portal

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"cleancity/portal/apperr"
)

// Device tokens let an anonymous "me too" count once per device (issue 15
// row 7: ten joins from one address took a case from 0 to 10 supporters).
// The portal issues them (an HMAC over a random id, so none can be made
// up), the browser keeps the cookie and other clients the header, and each
// client address may be issued only devicesPerHour of them, so clearing
// cookies buys a script few more joins than the filing limit already
// allows.
const (
	deviceCookie   = "cc_device"
	deviceHeader   = "X-Device-Token"
	devicesPerHour = 20
)

// deviceKey derives the device tokens' key from the token secret.
func deviceKey(secret string) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("cleancity device token"))
	return m.Sum(nil)
}

func (s *Server) signDevice(id string) string {
	m := hmac.New(sha256.New, s.complaints.deviceKey)
	m.Write([]byte(id))
	return id + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}

// deviceOf returns the caller's valid device token, or "".
func (s *Server) deviceOf(c *fiber.Ctx) string {
	for _, tok := range []string{c.Get(deviceHeader), c.Cookies(deviceCookie)} {
		id, _, ok := strings.Cut(tok, ".")
		if ok && len(tok) <= 100 && hmac.Equal([]byte(s.signDevice(id)), []byte(tok)) {
			return tok
		}
	}
	return ""
}

// ensureDevice returns the caller's device token, issuing one (cookie and
// answer header) when it has none, within the per-address issue limit.
func (s *Server) ensureDevice(c *fiber.Ctx) (string, error) {
	if tok := s.deviceOf(c); tok != "" {
		return tok, nil
	}
	if ok, wait := s.complaints.devices.Allow("ip:" + clientIP(c)); !ok {
		e := apperr.New(apperr.RateLimited, msg(languageOf(c), "操作过于频繁，请稍后再试", "too many new devices from this address; try again later"))
		e.RetryAfter = wait
		return "", e
	}
	var b [16]byte
	_, _ = rand.Read(b[:])
	tok := s.signDevice(base64.RawURLEncoding.EncodeToString(b[:]))
	c.Cookie(&fiber.Cookie{Name: deviceCookie, Value: tok, Path: "/api/v1", MaxAge: int((365 * 24 * time.Hour).Seconds()),
		HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode, Secure: c.Protocol() == "https"})
	c.Set(deviceHeader, tok)
	return tok, nil
}
