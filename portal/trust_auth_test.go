package portal_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"cleancity/portal"
	"cleancity/portal/portaltest"
)

// Regression tests for issue 15 (trust), rows 1, 8, 10, 12, 14 and 15:
// each replays the attack through the real app.

// loginFrom signs in with X-Forwarded-For set to from (empty: no header).
func loginFrom(srv *portaltest.Server, user, pw, from string) portaltest.Response {
	h := map[string]string{"Accept-Language": "en"}
	if from != "" {
		h["X-Forwarded-For"] = from
	}
	return srv.Do(portaltest.Request{Method: "POST", Path: "/api/v1/auth/login",
		Body: map[string]string{"username": user, "password": pw}, Header: h})
}

// Row 1: over loopback, a client that writes its own X-Forwarded-For got
// a fresh rate-limit key per request (130 failed sign-ins, 0 refusals).
// Now the header is believed only from configured proxies.
func TestTrust_Row01_ForwardedForFromUntrustedPeerIsIgnored(t *testing.T) {
	clock := portaltest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	srv := portaltest.NewServer(t, portaltest.WithDemo(), portaltest.WithClock(clock))
	srv.Listen()
	refused := 0
	for i := range 130 {
		from := fmt.Sprintf("spoof-%d", i)
		if i%2 == 1 {
			from = fmt.Sprintf("198.51.100.%d", i) // well-formed, still not believed
		}
		r := loginFrom(srv, fmt.Sprintf("nobody-%d", i), "wrong-password-1", from)
		switch r.Status {
		case http.StatusTooManyRequests:
			refused++
		case http.StatusUnauthorized:
		default:
			t.Fatalf("attempt %d: %d %s", i+1, r.Status, r.Body)
		}
	}
	// All come from one address (the loopback peer): its 30 free failures,
	// then its backoff refuses the rest.
	if refused != 100 {
		t.Fatalf("130 failed sign-ins with spoofed X-Forwarded-For: %d refused, want 100", refused)
	}
	// And the per-address request limit (120 a minute) counts them all as
	// one client: the 121st and later auth requests are refused.
	r := srv.Do(portaltest.Request{Method: "POST", Path: "/api/v1/auth/refresh",
		Body: map[string]string{"refresh_token": "x"}, Header: map[string]string{"X-Forwarded-For": "198.51.100.250"}})
	if r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" {
		t.Fatalf("131st auth request: %d, Retry-After %q", r.Status, r.Header.Get("Retry-After"))
	}
}

// Row 1, behind a configured proxy: the client is the right-most hop that
// is not a trusted proxy, as recorded with the session.
func TestTrust_Row01_TrustedProxyGivesRightMostUntrustedHop(t *testing.T) {
	srv := portaltest.NewServer(t, portaltest.WithDemo(), portaltest.WithConfig(func(c *portal.Config) {
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("10.0.0.0/8")}
	}))
	srv.Listen()
	for _, c := range []struct{ header, want string }{
		{"", "127.0.0.1"},
		{"203.0.113.9", "203.0.113.9"},
		{"6.6.6.6, 203.0.113.9, 10.0.0.2", "203.0.113.9"},
		{"spoof-7", "127.0.0.1"},
		{"203.0.113.9, spoof-7", "127.0.0.1"},
	} {
		r := loginFrom(srv, "resident1", portal.DemoPassword, c.header)
		if r.Status != http.StatusOK {
			t.Fatalf("login via %q: %d %s", c.header, r.Status, r.Body)
		}
		var sess portaltest.Session
		r.Decode(t, &sess)
		var doc struct {
			ClientIP string `bson:"client_ip"`
		}
		sid, _, _ := strings.Cut(sess.RefreshToken, ".")
		if err := srv.Store().DB.Collection("auth_sessions").FindOne(t.Context(), bson.D{{Key: "_id", Value: sid}}).Decode(&doc); err != nil {
			t.Fatalf("session %s: %v", sid, err)
		}
		if doc.ClientIP != c.want {
			t.Errorf("X-Forwarded-For %q: session address %q, want %q", c.header, doc.ClientIP, c.want)
		}
	}
}

// trustLoopback makes the loopback peer a trusted proxy, so tests can sign
// in "from" different addresses with X-Forwarded-For.
func trustLoopback(c *portal.Config) {
	c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
}

// withoutRequestID is a JSON error body without its request id.
func withoutRequestID(t *testing.T, r portaltest.Response) string {
	t.Helper()
	m := r.JSON(t)
	if e, ok := m["error"].(map[string]any); ok {
		delete(e, "request_id")
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// Row 8: ten failed sign-ins on a username locked it for everyone for a
// minute, admin included, right password and all. Now an attacker's
// address waits out a doubling backoff while the owner, from another
// address, signs in.
func TestTrust_Row08_FailedSignInsDoNotLockTheOwnerOut(t *testing.T) {
	clock := portaltest.NewClock(time.Date(2026, 3, 2, 9, 0, 10, 0, time.UTC))
	srv := portaltest.NewServer(t, portaltest.WithDemo(), portaltest.WithClock(clock), portaltest.WithConfig(trustLoopback))
	srv.Listen()
	const attacker, owner = "198.51.100.66", "203.0.113.10"
	var waits []string
	for failures := 0; failures < 10; {
		r := loginFrom(srv, "admin", "wrong-password-1", attacker)
		switch r.Status {
		case http.StatusUnauthorized:
			failures++
		case http.StatusTooManyRequests:
			wait := r.Header.Get("Retry-After")
			waits = append(waits, wait)
			n, err := strconv.Atoi(wait)
			if err != nil || portaltest.Lookup(r.JSON(t), "error.code") != "rate_limited" {
				t.Fatalf("429 without a wait: %q %s", wait, r.Body)
			}
			clock.Advance(time.Duration(n) * time.Second)
		default:
			t.Fatalf("attempt: %d %s", r.Status, r.Body)
		}
	}
	if got := strings.Join(waits, ","); got != "1,2,4,8,16" {
		t.Errorf("waits after failures 5..9: %s, want 1,2,4,8,16", got)
	}
	// The owner, from another address, signs in at once.
	if r := loginFrom(srv, "official", portal.DemoPassword, owner); r.Status != http.StatusOK {
		t.Fatalf("official from the owner's address: %d %s", r.Status, r.Body)
	}
	if r := loginFrom(srv, "admin", portal.DemoPassword, owner); r.Status != http.StatusOK {
		t.Fatalf("owner from another address after 10 failures: %d %s", r.Status, r.Body)
	}
	// The attacker's address waits even with the right password: no
	// password is checked during the wait.
	r := loginFrom(srv, "admin", portal.DemoPassword, attacker)
	if r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") != "32" {
		t.Fatalf("attacker during the wait: %d Retry-After %q", r.Status, r.Header.Get("Retry-After"))
	}
	// The waits stop growing at 15 minutes.
	for range 12 {
		r := loginFrom(srv, "admin", "wrong-password-1", attacker)
		if r.Status == http.StatusTooManyRequests {
			n, _ := strconv.Atoi(r.Header.Get("Retry-After"))
			clock.Advance(time.Duration(n) * time.Second)
		}
	}
	if r := loginFrom(srv, "admin", "wrong-password-1", attacker); r.Header.Get("Retry-After") != "900" {
		t.Errorf("capped wait: %d Retry-After %q, want 900", r.Status, r.Header.Get("Retry-After"))
	}
	// A distributed guesser (one failure from each of 50 addresses) holds
	// the account's own throttle: a 51st new address waits, while the
	// owner's known address (it signed in from there above) gets in.
	for i := range 50 {
		if r := loginFrom(srv, "official", "wrong-password-1", fmt.Sprintf("198.18.0.%d", i+1)); r.Status != http.StatusUnauthorized {
			t.Fatalf("distributed failure %d: %d %s", i+1, r.Status, r.Body)
		}
	}
	if r := loginFrom(srv, "official", portal.DemoPassword, "198.18.1.1"); r.Status != http.StatusTooManyRequests {
		t.Errorf("new address after 50 distributed failures: %d", r.Status)
	}
	if r := loginFrom(srv, "official", portal.DemoPassword, owner); r.Status != http.StatusOK {
		t.Fatalf("owner of official: %d %s", r.Status, r.Body)
	}
	// Spraying many usernames from one address: 30 free failures, then
	// the address waits; another address is not affected.
	for i := range 30 {
		if r := loginFrom(srv, fmt.Sprintf("guess-%d", i), "wrong-password-1", "198.51.100.77"); r.Status != http.StatusUnauthorized {
			t.Fatalf("spray %d: %d", i+1, r.Status)
		}
	}
	if r := loginFrom(srv, "resident1", portal.DemoPassword, "198.51.100.77"); r.Status != http.StatusTooManyRequests {
		t.Errorf("31st attempt from the spraying address: %d", r.Status)
	}
	if r := loginFrom(srv, "resident1", portal.DemoPassword, owner); r.Status != http.StatusOK {
		t.Errorf("another address: %d %s", r.Status, r.Body)
	}
}

// Row 10: one address registered 120 accounts a minute. Now 5 an hour,
// then a 429 with the wait.
func TestTrust_Row10_RegistrationsPerAddressAreFew(t *testing.T) {
	clock := portaltest.NewClock(time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC))
	srv := portaltest.NewServer(t, portaltest.WithDemo(), portaltest.WithClock(clock), portaltest.WithConfig(trustLoopback))
	srv.Listen()
	register := func(name, from string) portaltest.Response {
		return srv.Do(portaltest.Request{Method: "POST", Path: "/api/v1/auth/register",
			Body:   map[string]string{"username": name, "password": "green-streets-42"},
			Header: map[string]string{"X-Forwarded-For": from, "Accept-Language": "en"}})
	}
	// A rejected form does not use up the allowance.
	if r := srv.Do(portaltest.Request{Method: "POST", Path: "/api/v1/auth/register",
		Body:   map[string]string{"username": "bot-x", "password": "password"},
		Header: map[string]string{"X-Forwarded-For": "198.51.100.5"}}); r.Status != http.StatusBadRequest {
		t.Fatalf("common password: %d", r.Status)
	}
	for i := range 5 {
		if r := register(fmt.Sprintf("bot-%d", i), "198.51.100.5"); r.Status != http.StatusCreated {
			t.Fatalf("registration %d: %d %s", i+1, r.Status, r.Body)
		}
	}
	r := register("bot-5", "198.51.100.5")
	if r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") != "1800" {
		t.Fatalf("6th registration in the hour: %d Retry-After %q %s", r.Status, r.Header.Get("Retry-After"), r.Body)
	}
	if msg, _ := portaltest.Lookup(r.JSON(t), "error.message").(string); !strings.Contains(msg, "registered from this network address") {
		t.Errorf("message %q", msg)
	}
	if r := register("person-1", "203.0.113.20"); r.Status != http.StatusCreated {
		t.Errorf("another address: %d %s", r.Status, r.Body)
	}
	clock.Advance(30 * time.Minute)
	if r := register("bot-5", "198.51.100.5"); r.Status != http.StatusCreated {
		t.Errorf("next hour: %d %s", r.Status, r.Body)
	}
}

// Row 12: a disabled account answered 403 to its right password and 401
// to a wrong one, confirming a guessed password. Now both are the wrong
// password's answer.
func TestTrust_Row12_DisabledAccountIsNoPasswordOracle(t *testing.T) {
	srv := portaltest.NewServer(t, portaltest.WithDemo())
	admin := srv.Token(t, portal.RoleAdmin, "")
	u := srv.CreateUser(t, "li.disabled", portal.RoleVolunteer, "")
	if r := srv.Do(portaltest.Request{Method: "PATCH", Path: "/api/v1/users/" + u.ID, Token: admin, Body: map[string]any{"disabled": true}}); r.Status != 200 {
		t.Fatalf("disable: %d %s", r.Status, r.Body)
	}
	right := srv.PostJSON("/api/v1/auth/login", "", map[string]string{"username": u.Username, "password": portaltest.TestPassword})
	wrong := srv.PostJSON("/api/v1/auth/login", "", map[string]string{"username": u.Username, "password": "wrong-password-1"})
	unknown := srv.PostJSON("/api/v1/auth/login", "", map[string]string{"username": "nobody-at-all", "password": "wrong-password-1"})
	if right.Status != http.StatusUnauthorized || wrong.Status != http.StatusUnauthorized {
		t.Fatalf("disabled account: right password %d, wrong password %d; want 401 both", right.Status, wrong.Status)
	}
	if a, b, c := withoutRequestID(t, right), withoutRequestID(t, wrong), withoutRequestID(t, unknown); a != b || b != c {
		t.Fatalf("answers differ:\nright:   %s\nwrong:   %s\nunknown: %s", a, b, c)
	}
}

// Row 14: a resident could call itself "市创卫办" or hide a right-to-left
// override in its name. Now official-looking names (after folding width,
// case, spaces and lookalike letters) and invisible or direction-changing
// characters are refused with a message on the field; staff accounts an
// administrator creates may carry official names.
func TestTrust_Row14_DisplayNamesCannotPassForOfficials(t *testing.T) {
	srv := portaltest.NewServer(t, portaltest.WithDemo())
	seq := 0
	register := func(display string) portaltest.Response {
		seq++
		return srv.Do(portaltest.Request{Method: "POST", Path: "/api/v1/auth/register",
			Body:   map[string]string{"username": fmt.Sprintf("resident-n%d", seq), "password": "green-streets-42", "display_name": display},
			Header: map[string]string{"Accept-Language": "en", "X-Forwarded-For": "ignored"}})
	}
	for _, c := range []struct{ name, want string }{
		{"市创卫办", "must not look like staff"},
		{"官方 客服", "must not look like staff"},
		{"ＡＤＭＩＮ", "must not look like staff"},
		{"a d m i n", "must not look like staff"},
		{"Lina\u202egnp.exe", "invisible characters or text-direction controls"},
		{"管理\u200b员", "invisible characters or text-direction controls"},
	} {
		r := register(c.name)
		msg, _ := portaltest.Lookup(r.JSON(t), "error.fields.display_name").(string)
		if r.Status != http.StatusBadRequest || !strings.Contains(msg, c.want) {
			t.Errorf("register as %q: %d %s", c.name, r.Status, r.Body)
		}
	}
	// Registration limit aside (5 an hour per address), a plain name works.
	if r := register("张阿姨"); r.Status != http.StatusCreated {
		t.Fatalf("plain name: %d %s", r.Status, r.Body)
	}
	// A username used as the display name is checked too, on its field.
	r := srv.Do(portaltest.Request{Method: "POST", Path: "/api/v1/auth/register",
		Body: map[string]string{"username": "kefu", "password": "green-streets-42"}, Header: map[string]string{"Accept-Language": "en"}})
	if r.Status != http.StatusBadRequest || portaltest.Lookup(r.JSON(t), "error.fields.username") == nil {
		t.Errorf("username kefu as display name: %d %s", r.Status, r.Body)
	}
	// Renaming oneself is checked the same way.
	tok := srv.Token(t, portal.RoleVolunteer, "")
	r = srv.Do(portaltest.Request{Method: "PATCH", Path: "/api/v1/me", Token: tok, Body: map[string]string{"display_name": "清源区创卫办"}})
	if r.Status != http.StatusBadRequest || portaltest.Lookup(r.JSON(t), "error.fields.display_name") == nil {
		t.Errorf("volunteer renamed to 清源区创卫办: %d %s", r.Status, r.Body)
	}
	// An administrator may give a staff account the office's name.
	admin := srv.Token(t, portal.RoleAdmin, "")
	r = srv.PostJSON("/api/v1/users", admin, map[string]string{"username": "office-2", "password": "green-streets-42",
		"display_name": "市创卫办", "role": "official"})
	if r.Status != http.StatusCreated {
		t.Errorf("official named 市创卫办 by an admin: %d %s", r.Status, r.Body)
	}
	// ...but not keep it when the account becomes a resident.
	id, _ := r.JSON(t)["id"].(string)
	r = srv.Do(portaltest.Request{Method: "PATCH", Path: "/api/v1/users/" + id, Token: admin, Body: map[string]string{"role": "resident"}})
	if r.Status != http.StatusBadRequest || portaltest.Lookup(r.JSON(t), "error.fields.display_name") == nil {
		t.Errorf("official named 市创卫办 made a resident: %d %s", r.Status, r.Body)
	}
}

// rawExchange writes head on a fresh loopback connection, then body (if
// any) while it reads the answer, and returns the answer; a server that
// waits for a body it will refuse gives no answer before the deadline.
func rawExchange(t *testing.T, addr, head string, body []byte) (*http.Response, []byte, error) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte(head)); err != nil {
		t.Fatal(err)
	}
	if body != nil {
		go func() { _, _ = conn.Write(body) }() // may end in a reset once refused
	}
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	hr, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return nil, nil, err
	}
	defer hr.Body.Close()
	data, _ := io.ReadAll(hr.Body)
	return hr, data, nil
}

// Row 15: every route read bodies up to 36 MiB before refusing them. Now
// a route's cap (--body-limit, photo routes 36 MiB) applies once the
// headers are in: a larger declared body is answered 413 at once, without
// its bytes, and a chunked one stops being read at the cap.
func TestTrust_Row15_OversizeBodiesRefusedBeforeReading(t *testing.T) {
	srv := portaltest.NewServer(t, portaltest.WithDemo(), portaltest.WithConfig(func(c *portal.Config) { c.BodyLimit = 64 << 10 }))
	addr := strings.TrimPrefix(srv.Listen(), "http://")
	for _, path := range []string{"/api/v1/auth/login", "/api/v1/complaints/ABC/join", "/api/v1/rounds/r1/responses", "/open311/v2/requests.json"} {
		// 30 MiB declared, none of it sent: the answer must not wait for it.
		head := fmt.Sprintf("POST %s HTTP/1.1\r\nHost: portal.test\r\nContent-Type: application/json\r\nContent-Length: %d\r\nAccept-Language: en\r\n\r\n", path, 30<<20)
		hr, data, err := rawExchange(t, addr, head, nil)
		if err != nil {
			t.Fatalf("%s: no answer to a 30 MiB declared body without reading it: %v", path, err)
		}
		// (Open311 answers in its own error format.)
		if hr.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(data), "too large") {
			t.Errorf("%s: %d %s, want 413 request body too large", path, hr.StatusCode, data)
		}
	}
	// Chunked, no declared length: refused at the cap, not at the end.
	head := "POST /api/v1/auth/login HTTP/1.1\r\nHost: portal.test\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
	chunk := fmt.Sprintf("%x\r\n%s\r\n", 32<<10, strings.Repeat(" ", 32<<10))
	hr, _, err := rawExchange(t, addr, head, []byte(strings.Repeat(chunk, 4))) // 128 KiB sent, no last chunk
	if err != nil || hr.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("chunked body over the cap: %v %v", hr, err)
	}
	// The photo routes keep their larger cap: a filing over 64 KiB is read
	// and judged on its content (here: a bad photo), not refused by size.
	photo := bytes.Repeat([]byte("x"), 100<<10)
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("data", `{"category":"garbage","description":"垃圾三天没有清运了啊","lat":27.885,"lon":113.09}`)
	fw, _ := mw.CreateFormFile("photos", "p.jpg")
	_, _ = fw.Write(photo)
	_ = mw.Close()
	r := srv.Do(portaltest.Request{Method: "POST", Path: "/api/v1/complaints", Body: buf.Bytes(), ContentType: mw.FormDataContentType()})
	if r.Status == http.StatusRequestEntityTooLarge {
		t.Errorf("100 KiB filing refused by size on the photo route: %s", r.Body)
	}
	// And an ordinary route under its cap works.
	if r := loginFrom(srv, "resident1", portal.DemoPassword, ""); r.Status != http.StatusOK {
		t.Errorf("login: %d %s", r.Status, r.Body)
	}
}
