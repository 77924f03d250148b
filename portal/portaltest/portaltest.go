// Package portaltest runs the real portal (real Fiber app, the real store
// storetest chooses, a fresh database per test) for HTTP tests, and has
// helpers to send requests and read JSON answers.
package portaltest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"cleancity/portal"
	"cleancity/portal/store/storetest"
)

// Clock is a settable clock for tests that control deadlines.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock stopped at t.
func NewClock(t time.Time) *Clock { return &Clock{now: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// Option changes the test server's configuration.
type Option func(*portal.Config)

// WithDemo seeds the demo city: areas, departments, the demo accounts and
// the demo Open311 key, but not the generated complaint and survey history
// (use WithDemoData for that; it costs seconds per test).
func WithDemo() Option {
	return func(c *portal.Config) { c.Demo, c.DemoCityOnly = true, true }
}

// WithDemoData seeds everything `portal serve --demo` seeds, including 90
// days of complaints, survey rounds and the dashboard summaries.
func WithDemoData() Option {
	return func(c *portal.Config) { c.Demo, c.DemoCityOnly = true, false }
}

// WithClock makes the server use the clock.
func WithClock(clock *Clock) Option { return func(c *portal.Config) { c.Now = clock.Now } }

// WithConfig applies any change to the configuration.
func WithConfig(f func(*portal.Config)) Option { return Option(f) }

// Server is a running test portal.
type Server struct {
	*portal.Server
	tb testing.TB
	// base is the loopback URL after Listen; empty sends requests through
	// app.Test, whose connection has the peer address 0.0.0.0.
	base string
}

// With returns the server reporting to tb: a fuzz target's function must
// send its requests with its own *testing.T, not the *testing.F that
// started the server.
func (s *Server) With(tb testing.TB) *Server {
	return &Server{Server: s.Server, tb: tb}
}

// NewServer starts a portal on a fresh database of the shared test store,
// shut down when the test ends. Without options the city is empty; most
// tests want WithDemo (the city without its generated history).
func NewServer(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	return newServer(tb, "", opts...)
}

// NewPeer starts a second portal on the database of of, as a second
// process on the same store would be: in PostgreSQL mode with its own
// FerretDB handler, else on the shared test FerretDB server. It is shut
// down when the test ends, before of.
func NewPeer(tb testing.TB, of *Server, opts ...Option) *Server {
	tb.Helper()
	return newServer(tb, of.Store().DB.Name(), opts...)
}

func newServer(tb testing.TB, database string, opts ...Option) *Server {
	tb.Helper()
	cfg := portal.Defaults()
	if pg := storetest.PostgreSQLURL(); pg != "" {
		// PostgreSQL mode, as in production: the portal runs its own
		// FerretDB handler over the test database.
		cfg.PostgreSQLURL = pg
	} else {
		cfg.MongoURI = storetest.URI(tb)
	}
	cfg.Database = database
	if database == "" {
		cfg.Database = storetest.DatabaseName()
	}
	cfg.DataDir = tb.TempDir()
	cfg.JWTSecret = "test-secret-0123456789abcdef0123456789abcdef"
	// Tests file many cases from one address; the limit has its own test.
	cfg.FilingLimit = 0
	for _, o := range opts {
		o(&cfg)
	}
	if database == "" {
		storetest.DropOnCleanup(tb, cfg.Database)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(tbWriter{tb}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	srv, err := portal.New(context.Background(), cfg, log)
	if err != nil {
		tb.Fatalf("start portal: %v", err)
	}
	tb.Cleanup(func() {
		if err := srv.Shutdown(context.Background()); err != nil {
			tb.Logf("shutdown: %v", err)
		}
	})
	return &Server{Server: srv, tb: tb}
}

type tbWriter struct{ tb testing.TB }

func (w tbWriter) Write(p []byte) (int, error) {
	w.tb.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// Response is a recorded answer.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into a generic map (fails the test if it is not an object).
func (r Response) JSON(tb testing.TB) map[string]any {
	tb.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		tb.Fatalf("response is not a JSON object (%d): %v\n%s", r.Status, err, r.Body)
	}
	return m
}

// Decode decodes the body into v.
func (r Response) Decode(tb testing.TB, v any) {
	tb.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		tb.Fatalf("decode response (%d): %v\n%s", r.Status, err, r.Body)
	}
}

// Request is one HTTP request to send.
type Request struct {
	Method string
	Path   string
	// Body: a string or []byte is sent as-is; anything else as JSON.
	Body        any
	ContentType string
	Token       string
	Header      map[string]string
}

// Do sends the request through the real Fiber app and records the answer:
// in memory, or over a loopback TCP connection after Listen.
func (s *Server) Do(req Request) Response {
	s.tb.Helper()
	var body io.Reader
	ct := req.ContentType
	switch b := req.Body.(type) {
	case nil:
	case string:
		body = strings.NewReader(b)
	case []byte:
		body = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			s.tb.Fatalf("marshal body: %v", err)
		}
		body = bytes.NewReader(data)
		if ct == "" {
			ct = "application/json"
		}
	}
	if req.Method == "" {
		req.Method = http.MethodGet
	}
	r := httptest.NewRequest(req.Method, req.Path, body)
	if ct != "" {
		r.Header.Set("Content-Type", ct)
	}
	if req.Token != "" {
		r.Header.Set("Authorization", "Bearer "+req.Token)
	}
	for k, v := range req.Header {
		r.Header.Set(k, v)
	}
	var resp *http.Response
	var err error
	if s.base != "" {
		r.RequestURI = ""
		r.URL, err = url.Parse(s.base + req.Path)
		if err != nil {
			s.tb.Fatalf("%s %s: %v", req.Method, req.Path, err)
		}
		r.Host = r.URL.Host
		resp, err = http.DefaultClient.Do(r)
	} else {
		resp, err = s.App().Test(r, -1)
	}
	if err != nil {
		s.tb.Fatalf("%s %s: %v", req.Method, req.Path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		s.tb.Fatalf("read body: %v", err)
	}
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: data}
}

// Get is Do for a GET.
func (s *Server) Get(path, token string) Response {
	s.tb.Helper()
	return s.Do(Request{Method: http.MethodGet, Path: path, Token: token})
}

// PostJSON is Do for a POST with a JSON body.
func (s *Server) PostJSON(path, token string, body any) Response {
	s.tb.Helper()
	return s.Do(Request{Method: http.MethodPost, Path: path, Token: token, Body: body})
}

// Lookup walks a decoded JSON value by dotted path ("error.fields.lat",
// "items.0.id") and returns the value or nil.
func Lookup(v any, path string) any {
	for _, part := range strings.Split(path, ".") {
		switch node := v.(type) {
		case map[string]any:
			v = node[part]
		case []any:
			i := 0
			for _, ch := range part {
				if ch < '0' || ch > '9' {
					return nil
				}
				i = i*10 + int(ch-'0')
			}
			if i >= len(node) {
				return nil
			}
			v = node[i]
		default:
			return nil
		}
	}
	return v
}
