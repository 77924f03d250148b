package portal

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/netip"
	"runtime/debug"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"cleancity/portal/apperr"
)

const (
	headerRequestID = "X-Request-ID"
	localsRequestID = "request_id"
)

// requestID takes a sane client-supplied X-Request-ID or makes one, and
// echoes it in the response so support can find the log lines.
func requestID(c *fiber.Ctx) error {
	id := c.Get(headerRequestID)
	if !validRequestID(id) {
		var b [12]byte
		_, _ = rand.Read(b[:])
		id = hex.EncodeToString(b[:])
	}
	c.Locals(localsRequestID, id)
	c.Set(headerRequestID, id)
	return c.Next()
}

func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

func requestIDOf(c *fiber.Ctx) string {
	id, _ := c.Locals(localsRequestID).(string)
	return id
}

// accessLog writes one slog record per request, after the error handler
// has set the final status.
func (s *Server) accessLog(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	if err != nil {
		// Let the error handler write the response now so the status is final.
		if herr := s.app.ErrorHandler(c, err); herr != nil {
			_ = c.SendStatus(fiber.StatusInternalServerError)
		}
	}
	status := c.Response().StatusCode()
	level := s.log.Info
	if status >= 500 {
		level = s.log.Warn
	}
	if c.Path() == "/healthz" || c.Path() == "/readyz" {
		level = s.log.Debug
	}
	level("http",
		"request_id", requestIDOf(c),
		"method", c.Method(),
		"path", c.Path(),
		"status", status,
		"bytes", len(c.Response().Body()),
		"duration_ms", float64(time.Since(start).Microseconds())/1000,
		"ip", clientIP(c),
	)
	return nil
}

// recoverPanic turns a panic into a 500 without leaking internals; the
// stack goes to the log with the request id.
func (s *Server) recoverPanic(c *fiber.Ctx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("panic", "request_id", requestIDOf(c), "path", c.Path(),
				"panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			err = apperr.New(apperr.Internal, "panic")
		}
	}()
	return c.Next()
}

// securityHeaders sets the headers every response carries.
func (s *Server) securityHeaders(c *fiber.Ctx) error {
	c.Set("Content-Security-Policy", s.csp)
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("X-Frame-Options", "DENY")
	c.Set("Referrer-Policy", "same-origin")
	c.Set("Cross-Origin-Opener-Policy", "same-origin")
	c.Set("Permissions-Policy", "geolocation=(self), camera=(self), microphone=()")
	return c.Next()
}

// contentSecurityPolicy allows only our own origin, plus the tile server's
// origin for map images when one is configured.
func contentSecurityPolicy(tileURL string) string {
	img := "'self' data: blob:"
	if origin := originOf(tileURL); origin != "" {
		img += " " + origin
	}
	return strings.Join([]string{
		"default-src 'self'",
		"script-src 'self'",
		"style-src 'self'",
		"img-src " + img,
		"connect-src 'self'",
		"font-src 'self'",
		"worker-src 'self'",
		"manifest-src 'self'",
		"object-src 'none'",
		"base-uri 'self'",
		"form-action 'self'",
		"frame-ancestors 'none'",
	}, "; ")
}

func originOf(url string) string {
	for _, scheme := range []string{"https://", "http://"} {
		if strings.HasPrefix(url, scheme) {
			rest := url[len(scheme):]
			if i := strings.IndexAny(rest, "/?#"); i >= 0 {
				rest = rest[:i]
			}
			// Template placeholders such as {s} in the host become a wildcard.
			if i := strings.Index(rest, "{s}."); i == 0 {
				rest = "*." + rest[4:]
			}
			return scheme + rest
		}
	}
	return ""
}

// largeBody is a route allowed a body above Config.BodyLimit.
type largeBody struct {
	method string
	// segments of the route; ":" segments match any one segment.
	segments []string
	limit    int
}

// allowLargeBody lets method on route ("/api/v1/complaints/:id/actions")
// take bodies up to limit bytes: the routes that take photos.
func (s *Server) allowLargeBody(method, route string, limit int) {
	s.largeBodies = append(s.largeBodies, largeBody{method: method, segments: strings.Split(strings.Trim(route, "/"), "/"), limit: limit})
}

// bodyLimitFor is the body cap of a request: Config.BodyLimit, or a photo
// route's larger one. fasthttp applies it as soon as the headers are in
// (Server.HeaderReceived): a declared Content-Length over it is answered
// 413 without reading the body, and a chunked body stops being read at
// the cap.
func (s *Server) bodyLimitFor(method, path string) int {
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	segs := strings.Split(strings.Trim(path, "/"), "/")
	for _, lb := range s.largeBodies {
		if lb.method == method && matchSegments(lb.segments, segs) {
			return lb.limit
		}
	}
	return s.cfg.BodyLimit
}

func matchSegments(route, path []string) bool {
	if len(route) != len(path) {
		return false
	}
	for i, r := range route {
		if r != path[i] && !(strings.HasPrefix(r, ":") && path[i] != "") {
			return false
		}
	}
	return true
}

// languageOf picks "en" or "zh" (the default) from Accept-Language.
func languageOf(c *fiber.Ctx) string {
	if lang := c.Query("lang"); lang == "en" || lang == "zh" {
		return lang
	}
	best := ""
	bestQ := -1.0
	for _, part := range strings.Split(c.Get(fiber.HeaderAcceptLanguage), ",") {
		tag, q := parseLangQ(part)
		if tag == "" {
			continue
		}
		var lang string
		switch {
		case strings.HasPrefix(tag, "en"):
			lang = "en"
		case strings.HasPrefix(tag, "zh"):
			lang = "zh"
		default:
			continue
		}
		if q > bestQ {
			best, bestQ = lang, q
		}
	}
	if best == "" {
		return "zh"
	}
	return best
}

func parseLangQ(part string) (string, float64) {
	fields := strings.Split(strings.TrimSpace(part), ";")
	tag := strings.ToLower(strings.TrimSpace(fields[0]))
	q := 1.0
	for _, f := range fields[1:] {
		f = strings.TrimSpace(f)
		if strings.HasPrefix(f, "q=") {
			var v float64
			if _, err := fmt.Sscanf(f[2:], "%g", &v); err == nil {
				q = v
			}
		}
	}
	return tag, q
}

// localsClientIP holds the request's client address (resolveClient).
const localsClientIP = "client_ip"

// resolveClient works out the client address once per request, before any
// limiter or log line reads it (clientIP).
func (s *Server) resolveClient(c *fiber.Ctx) error {
	c.Locals(localsClientIP, clientAddr(peerAddr(c), c.Request().Header.PeekAll(fiber.HeaderXForwardedFor), s.cfg.TrustedProxies).String())
	return c.Next()
}

// clientIP is the client's address, the one key of every per-address limit
// (sign-in, registration, filing, "me too", Open311, duplicates), of the
// audit log and of the access log. It is the connection's peer, unless the
// peer is one of the configured trusted proxies (Config.TrustedProxies);
// then it is the right-most address of X-Forwarded-For that is not a
// trusted proxy. Nothing else in a request can choose it.
func clientIP(c *fiber.Ctx) string {
	if ip, ok := c.Locals(localsClientIP).(string); ok {
		return ip
	}
	return peerAddr(c).String()
}

// peerAddr is the address of the connection's other end.
func peerAddr(c *fiber.Ctx) netip.Addr {
	a, _ := netip.AddrFromSlice(c.Context().RemoteIP())
	return a.Unmap()
}

// clientAddr applies the trusted-proxy rule to a peer and its
// X-Forwarded-For headers. Each proxy appends the address it received the
// request from, so the chain is read from the right, skipping our own
// proxies; everything left of the first untrusted hop was written by the
// client and is ignored. A header that does not parse as a list of IP
// addresses is ignored as a whole (the peer is the answer), so a client
// cannot choose its key with junk.
func clientAddr(peer netip.Addr, forwarded [][]byte, trusted []netip.Prefix) netip.Addr {
	if len(forwarded) == 0 || !inPrefixes(peer, trusted) {
		return peer
	}
	var hops []netip.Addr
	for _, h := range forwarded {
		for _, part := range strings.Split(string(h), ",") {
			a, err := netip.ParseAddr(strings.TrimSpace(part))
			if err != nil || a.Zone() != "" {
				return peer
			}
			hops = append(hops, a.Unmap())
		}
	}
	for i := len(hops) - 1; i >= 0; i-- {
		if !inPrefixes(hops[i], trusted) {
			return hops[i]
		}
	}
	// Every hop is one of our proxies: the left-most is the client.
	return hops[0]
}

func inPrefixes(a netip.Addr, list []netip.Prefix) bool {
	for _, p := range list {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
