package portal

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"cleancity/complaints"
	"cleancity/complaints/summary"
	"cleancity/portal/apperr"
	"cleancity/portal/areas"
	"cleancity/portal/audit"
	"cleancity/portal/auth"
	"cleancity/portal/store"
	"cleancity/survey"
)

// maxBodyLimit is the largest body any route accepts (four 8 MiB photos
// plus form fields): the photo routes' cap and fasthttp's hard one.
const maxBodyLimit = 36 << 20

// Server is the HTTP application with the domain services it serves.
type Server struct {
	cfg       Config
	log       *slog.Logger
	now       func() time.Time
	app       *fiber.App
	store     *store.Store
	validator *Validator
	csp       string
	// shutdown is set by the first Shutdown; later calls do nothing.
	shutdown atomic.Bool

	// largeBodies are the routes allowed bodies above Config.BodyLimit.
	largeBodies []largeBody
	// errorWriters render errors for path prefixes with their own error
	// format (Open311).
	errorWriters map[string]func(c *fiber.Ctx, status int, p errorPayload) error

	// background work started by Start, stopped by Shutdown.
	bgCancel context.CancelFunc
	bgDone   chan struct{}

	// Complaints files, routes and escalates complaints (issue 5).
	Complaints *complaints.Service
	complaints *complaintsRuntime
	open311    *open311Runtime

	Areas *areas.Service
	Auth  *auth.Service
	// Survey runs survey rounds (issue 7).
	Survey *survey.Service
	// Dashboard keeps and serves the oversight summaries (issue 8).
	Dashboard *summary.Service
	dashboard *dashboardRuntime
	// audit records staff writes and reads of personal data (recordStaffWrites).
	audit *audit.Log
}

// New opens the store, prepares every domain service (collections and
// indexes are created idempotently), seeds the demo city when asked, and
// builds the Fiber app. The caller owns the returned server and must call
// Shutdown.
func New(ctx context.Context, cfg Config, log *slog.Logger) (*Server, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.BodyLimit <= 0 {
		cfg.BodyLimit = DefaultBodyLimit
	}
	if cfg.ShutdownTimeout <= 0 {
		cfg.ShutdownTimeout = 10 * time.Second
	}
	val, err := NewValidator()
	if err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, store.Config{
		MongoURI:      cfg.MongoURI,
		PostgreSQLURL: cfg.PostgreSQLURL,
		DataDir:       cfg.DataDir,
		Database:      cfg.Database,
		Logger:        log,
		Debug:         cfg.LogLevel == "debug",
		Collections:   Collections(),
	})
	if err != nil {
		return nil, err
	}
	if cfg.JWTSecret == "" && st.Mode != store.ModeEmbedded {
		// Every portal on a shared store signs with the store's secret
		// (the embedded store's portal keeps its own in the data dir).
		if cfg.JWTSecret, err = st.SharedSecret(ctx, jwtSecretName); err != nil {
			_ = st.Close(context.Background())
			return nil, err
		}
	}
	s := &Server{
		cfg:          cfg,
		log:          log,
		now:          cfg.Now,
		store:        st,
		validator:    val,
		csp:          contentSecurityPolicy(cfg.TileURL),
		errorWriters: map[string]func(*fiber.Ctx, int, errorPayload) error{},
	}
	if err := s.initServices(ctx); err != nil {
		_ = st.Close(context.Background())
		return nil, err
	}
	if cfg.Demo {
		if err := s.seedDemo(ctx); err != nil {
			_ = st.Close(context.Background())
			return nil, fmt.Errorf("seed demo city: %w", err)
		}
	}
	// Indexes and seed data exist: another portal may start now.
	st.Started()
	s.app = s.newApp()
	return s, nil
}

// jwtSecretName names the access-token signing secret in the store.
const jwtSecretName = "jwt"

// initServices builds each domain service and creates its indexes.
func (s *Server) initServices(ctx context.Context) error {
	s.Areas = areas.NewService(s.store.DB, s.log, s.now)
	steps := []struct {
		name string
		init func(context.Context) error
	}{
		{"areas", s.Areas.Init},
		{"auth", s.initAuth},
		{"audit", s.initAudit},
		{"survey", s.initSurvey},
		{"complaints", s.initComplaints},
		{"dashboard", s.initDashboard},
	}
	for _, step := range steps {
		start := time.Now()
		if err := step.init(ctx); err != nil {
			return fmt.Errorf("%s: %w", step.name, err)
		}
		s.log.Debug("service ready", "service", step.name, "took", time.Since(start).String())
	}
	return nil
}

func (s *Server) newApp() *fiber.App {
	app := fiber.New(fiber.Config{
		AppName:               "cleancity",
		BodyLimit:             maxBodyLimit,
		ErrorHandler:          s.errorHandler,
		DisableStartupMessage: true,
		ReadTimeout:           60 * time.Second,
		WriteTimeout:          60 * time.Second,
		IdleTimeout:           120 * time.Second,
		ReadBufferSize:        16 << 10,
		// The client address is resolveClient's (clientIP), never Fiber's
		// c.IP(). The trusted-proxy check stays on so that Fiber takes
		// X-Forwarded-Proto and -Host only from the configured proxies.
		EnableTrustedProxyCheck: true,
		TrustedProxies:          prefixStrings(s.cfg.TrustedProxies),
		StrictRouting:           false,
		CaseSensitive:           true,
	})
	s.app = app
	// Each route's body cap applies before its body is read (bodyLimitFor).
	app.Server().HeaderReceived = func(h *fasthttp.RequestHeader) fasthttp.RequestConfig {
		return fasthttp.RequestConfig{MaxRequestBodySize: s.bodyLimitFor(string(h.Method()), string(h.RequestURI()))}
	}
	app.Use(s.resolveClient, requestID, s.accessLog, s.recoverPanic, s.securityHeaders, s.authenticate, s.recordStaffWrites)
	app.Get("/healthz", s.healthz)
	app.Get("/readyz", s.readyz)

	api := app.Group("/api/v1")
	s.registerAreaRoutes(api)
	s.registerRoutes(api)

	// Unknown API routes are JSON 404s.
	app.All("/api/*", func(c *fiber.Ctx) error {
		return apperr.New(apperr.NotFound, msg(languageOf(c), "没有这个接口", "no such API route"))
	})
	s.registerFrontend(app)
	return app
}

// App exposes the Fiber app for in-process tests (app.Test).
func (s *Server) App() *fiber.App { return s.app }

// Store exposes the open store (tests, CLI commands).
func (s *Server) Store() *store.Store { return s.store }

// Serve accepts connections on ln until Shutdown. Background work starts here.
func (s *Server) Serve(ln net.Listener) error {
	s.startBackground()
	err := s.app.Listener(ln)
	if err != nil && !errors.Is(err, net.ErrClosed) {
		return err
	}
	return nil
}

// Shutdown stops accepting, drains in-flight requests (up to the configured
// timeout), stops background work, closes the driver and stops the embedded
// store, in that order.
func (s *Server) Shutdown(ctx context.Context) error {
	if !s.shutdown.CompareAndSwap(false, true) {
		return nil // already shut down
	}
	var errs []error
	if s.app != nil {
		dctx, cancel := context.WithTimeout(ctx, s.cfg.ShutdownTimeout)
		if err := s.app.ShutdownWithContext(dctx); err != nil {
			errs = append(errs, fmt.Errorf("http shutdown: %w", err))
		}
		cancel()
	}
	if s.bgCancel != nil {
		s.bgCancel()
		<-s.bgDone
	}
	s.flushDashboardFacts(ctx)
	if err := s.store.Close(ctx); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// startBackground runs the periodic work of this process: area cache
// refresh and the domains' sweepers, all safe to run in several processes.
func (s *Server) startBackground() {
	ctx, cancel := context.WithCancel(context.Background())
	s.bgCancel = cancel
	s.bgDone = make(chan struct{})
	jobs := s.backgroundJobs()
	go func() {
		defer close(s.bgDone)
		done := make(chan struct{}, len(jobs))
		for _, job := range jobs {
			go func() {
				job(ctx)
				done <- struct{}{}
			}()
		}
		for range jobs {
			<-done
		}
	}()
}

func (s *Server) backgroundJobs() []func(context.Context) {
	jobs := []func(context.Context){
		func(ctx context.Context) { s.Areas.Watch(ctx, 5*time.Second) },
	}
	return append(jobs, s.domainJobs()...)
}

type healthResponse struct {
	Status string `json:"status"`
	Store  string `json:"store,omitempty"`
	Time   string `json:"time"`
}

func (s *Server) healthz(c *fiber.Ctx) error {
	return c.JSON(healthResponse{Status: "ok", Time: s.now().UTC().Format(time.RFC3339)})
}

// readyz answers 200 only when the store answers a ping within one second.
func (s *Server) readyz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		s.log.Warn("readiness: store ping failed", "err", err)
		return c.Status(fiber.StatusServiceUnavailable).JSON(healthResponse{Status: "unavailable", Store: "unreachable", Time: s.now().UTC().Format(time.RFC3339)})
	}
	return c.JSON(healthResponse{Status: "ready", Store: s.store.Mode.String(), Time: s.now().UTC().Format(time.RFC3339)})
}

// isAPIPath reports whether a path belongs to an API (never to the web UI).
func isAPIPath(p string) bool {
	return strings.HasPrefix(p, "/api/") || p == "/api" || strings.HasPrefix(p, "/open311/")
}
