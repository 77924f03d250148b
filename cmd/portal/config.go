package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"cleancity/portal"
	"cleancity/portal/store"
)

// envFlags binds flags to PORTAL_* environment variables: an environment
// value becomes the flag's default, and an explicit flag wins over both.
type envFlags struct {
	fs *flag.FlagSet
}

func newFlagSet(name string, stderr io.Writer) envFlags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return envFlags{fs: fs}
}

func envName(flagName string) string {
	return "PORTAL_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

func (e envFlags) string(p *string, name, def, usage string, extraEnv ...string) {
	for _, env := range append([]string{envName(name)}, extraEnv...) {
		if v, ok := os.LookupEnv(env); ok {
			def = v
			break
		}
	}
	e.fs.StringVar(p, name, def, usage+" (env "+strings.Join(append([]string{envName(name)}, extraEnv...), ", ")+")")
}

func (e envFlags) bool(p *bool, name string, def bool, usage string) error {
	if v, ok := os.LookupEnv(envName(name)); ok {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return usageError{fmt.Sprintf("%s=%q is not a boolean", envName(name), v)}
		}
		def = b
	}
	e.fs.BoolVar(p, name, def, usage+" (env "+envName(name)+")")
	return nil
}

func (e envFlags) parse(args []string) error {
	if err := e.fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	return nil
}

// storeFlags are the flags of the commands that work on the store directly
// (areas import, user add, dashboard rebuild).
type storeFlags struct {
	dataDir, uri, pgURL string
}

// storeFlags registers --data-dir, --postgresql-url and --mongodb-uri.
func (e envFlags) storeFlags() *storeFlags {
	var sf storeFlags
	e.string(&sf.dataDir, "data-dir", "./data", "directory of the embedded store")
	e.string(&sf.pgURL, "postgresql-url", "", "PostgreSQL URL (PostgreSQL mode); empty uses the embedded store in --data-dir")
	e.string(&sf.uri, "mongodb-uri", "", "MongoDB URI; empty uses the embedded store in --data-dir", "MONGODB_URI")
	return &sf
}

// open connects to the store the flags name, logging to stderr. In
// PostgreSQL mode portals starting meanwhile wait until the command calls
// Started or closes the store (see store.Started).
func (sf *storeFlags) open(ctx context.Context, stderr io.Writer) (*store.Store, *slog.Logger, error) {
	log := newLogger(stderr, "text", "info")
	if sf.uri != "" && sf.pgURL != "" {
		return nil, log, usageError{store.ErrStoreChoice.Error()}
	}
	st, err := store.Open(ctx, store.Config{MongoURI: sf.uri, PostgreSQLURL: sf.pgURL, DataDir: sf.dataDir, Logger: log,
		Collections: portal.Collections()})
	return st, log, err
}

// serveConfig reads `portal serve` flags into a portal.Config.
func serveConfig(args []string, stderr io.Writer) (portal.Config, error) {
	cfg := portal.Defaults()
	f := newFlagSet("portal serve", stderr)
	f.string(&cfg.Addr, "addr", cfg.Addr, "HTTP listen address")
	f.string(&cfg.DataDir, "data-dir", cfg.DataDir, "directory for the embedded store, secrets and photos")
	f.string(&cfg.PostgreSQLURL, "postgresql-url", "", "PostgreSQL URL: run FerretDB's PostgreSQL handler in this process over it (several portals may share it)")
	f.string(&cfg.MongoURI, "mongodb-uri", "", "MongoDB URI; empty runs the embedded store", "MONGODB_URI")
	if err := f.bool(&cfg.Demo, "demo", false, "seed the demo city, demo accounts and demo data"); err != nil {
		return cfg, err
	}
	f.string(&cfg.JWTSecret, "jwt-secret", "", "secret that signs access tokens; empty: generated once, kept in the data dir (embedded store) or in the store (shared by every portal on it)")
	f.string(&cfg.LogFormat, "log-format", cfg.LogFormat, "log format: text or json")
	f.string(&cfg.LogLevel, "log-level", cfg.LogLevel, "log level: info or debug")
	f.string(&cfg.CityID, "city-id", cfg.CityID, "this city's Open311 jurisdiction id")
	f.string(&cfg.TileURL, "tile-url", "", "map tile URL template for the web UI; empty draws areas only")
	f.string(&cfg.WebhookURL, "webhook-url", "", "URL that receives complaint notifications (signed JSON POSTs); empty logs them only")
	f.string(&cfg.WebhookSecret, "webhook-secret", "", "HMAC-SHA256 key that signs webhook notifications")
	bodyLimit := strconv.Itoa(cfg.BodyLimit)
	f.string(&bodyLimit, "body-limit", bodyLimit, "request body limit in bytes")
	filingLimit := strconv.Itoa(cfg.FilingLimit)
	f.string(&filingLimit, "filing-limit", filingLimit, "complaints one anonymous address or resident may file an hour; 0: no limit")
	retention := "180d"
	f.string(&retention, "contact-retention", retention, "how long reporters' contact details are kept after a case is closed (180d, 720h); 0: kept")
	var trusted string
	f.string(&trusted, "trusted-proxies", "", "IP addresses and CIDR prefixes of the reverse proxies in front of the portal, comma separated; only from them is X-Forwarded-For believed")
	if err := f.parse(args); err != nil {
		return cfg, err
	}
	if f.fs.NArg() > 0 {
		return cfg, usageError{fmt.Sprintf("unexpected argument %q", f.fs.Arg(0))}
	}
	proxies, err := portal.ParseTrustedProxies(trusted)
	if err != nil {
		return cfg, usageError{"--trusted-proxies: " + err.Error()}
	}
	cfg.TrustedProxies = proxies
	n, err := strconv.Atoi(bodyLimit)
	if err != nil || n < 1024 {
		return cfg, usageError{fmt.Sprintf("--body-limit %q: want a number of bytes >= 1024", bodyLimit)}
	}
	cfg.BodyLimit = n
	n, err = strconv.Atoi(filingLimit)
	if err != nil || n < 0 {
		return cfg, usageError{fmt.Sprintf("--filing-limit %q: want a number of filings an hour (0: no limit)", filingLimit)}
	}
	cfg.FilingLimit = n
	if cfg.ContactRetention, err = parseDays(retention); err != nil {
		return cfg, usageError{fmt.Sprintf("--contact-retention %q: want a duration such as 180d or 720h (0: keep)", retention)}
	}
	if cfg.LogFormat != "text" && cfg.LogFormat != "json" {
		return cfg, usageError{fmt.Sprintf("--log-format %q: want text or json", cfg.LogFormat)}
	}
	if cfg.LogLevel != "info" && cfg.LogLevel != "debug" {
		return cfg, usageError{fmt.Sprintf("--log-level %q: want info or debug", cfg.LogLevel)}
	}
	if cfg.WebhookURL != "" && !strings.HasPrefix(cfg.WebhookURL, "https://") && !strings.HasPrefix(cfg.WebhookURL, "http://") {
		return cfg, usageError{"--webhook-url must be an http:// or https:// URL"}
	}
	if cfg.WebhookURL != "" && len(cfg.WebhookSecret) < 16 {
		return cfg, usageError{"--webhook-secret of at least 16 characters is required with --webhook-url"}
	}
	if cfg.JWTSecret != "" && len(cfg.JWTSecret) < 32 {
		return cfg, usageError{"--jwt-secret must be at least 32 characters"}
	}
	if cfg.MongoURI != "" && cfg.PostgreSQLURL != "" {
		return cfg, usageError{store.ErrStoreChoice.Error()}
	}
	return cfg, nil
}

func newLogger(w io.Writer, format, level string) *slog.Logger {
	opts := &slog.HandlerOptions{Level: slog.LevelInfo}
	if level == "debug" {
		opts.Level = slog.LevelDebug
	}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// loadOrCreateSecret returns the JWT secret kept in dataDir, creating a
// random one (mode 0600) on first start.
func loadOrCreateSecret(dataDir string) (string, error) {
	path := filepath.Join(dataDir, "jwt-secret")
	b, err := os.ReadFile(path)
	if err == nil {
		s := strings.TrimSpace(string(b))
		if len(s) < 32 {
			return "", fmt.Errorf("%s holds a secret shorter than 32 characters", path)
		}
		return s, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("read jwt secret: %w", err)
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return "", fmt.Errorf("create data dir: %w", err)
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", err
	}
	secret := hex.EncodeToString(raw[:])
	// O_EXCL: if another process created it meanwhile, use theirs.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return loadOrCreateSecret(dataDir)
	}
	if err != nil {
		return "", fmt.Errorf("create jwt secret: %w", err)
	}
	if _, err := f.WriteString(secret + "\n"); err != nil {
		f.Close()
		return "", fmt.Errorf("write jwt secret: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return "", err
	}
	return secret, f.Close()
}

// logConfig logs the effective configuration with secrets masked.
func logConfig(log *slog.Logger, cfg portal.Config) {
	where := "embedded (FerretDB/SQLite in " + cfg.DataDir + ")"
	switch {
	case cfg.MongoURI != "":
		where = store.MaskURL(cfg.MongoURI)
	case cfg.PostgreSQLURL != "":
		where = "postgresql (FerretDB/PostgreSQL " + store.MaskURL(cfg.PostgreSQLURL) + ")"
	}
	log.Info("configuration",
		"addr", cfg.Addr, "data_dir", cfg.DataDir, "store", where, "demo", cfg.Demo,
		"jwt_secret", mask(cfg.JWTSecret), "log_format", cfg.LogFormat, "log_level", cfg.LogLevel,
		"body_limit", cfg.BodyLimit, "trusted_proxies", fmt.Sprint(cfg.TrustedProxies), "filing_limit", cfg.FilingLimit, "city_id", cfg.CityID, "tile_url", cfg.TileURL, "webhook_url", cfg.WebhookURL, "webhook_secret", mask(cfg.WebhookSecret),
		"shutdown_timeout", cfg.ShutdownTimeout.String(),
		"contact_retention", cfg.ContactRetention.String())
}

func mask(s string) string {
	if s == "" {
		return ""
	}
	return "****"
}

// parseDays parses a non-negative duration that may also be given in days
// ("180d").
func parseDays(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if d, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(d)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("bad number of days %q", d)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	if s == "0" {
		return 0, nil
	}
	v, err := time.ParseDuration(s)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("bad duration %q", s)
	}
	return v, nil
}
