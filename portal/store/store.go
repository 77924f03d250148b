// Package store opens the portal's MongoDB database in one of four modes
// (see Mode): FerretDB v1 on SQLite embedded in this process, FerretDB v1's
// PostgreSQL handler in this process over a PostgreSQL server that several
// portals share, a FerretDB server given by URI (`portal db serve`), or a
// real MongoDB. The mode is computed here once; domain stores pick their
// FerretDB adaptations from it.
//
// Domain stores receive the *mongo.Database and must use only what both
// MongoDB and FerretDB v1 support (see DESIGN.md, "Store").
package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/readpref"
	"go.mongodb.org/mongo-driver/v2/mongo/writeconcern"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/connstring"
)

// DefaultDatabase is the database name used when the URI names none.
const DefaultDatabase = "cleancity"

// Mode is the kind of store a portal runs on. It is computed once by Open,
// and every adaptation to FerretDB v1 is chosen from it.
type Mode int

// The store modes.
const (
	// ModeEmbedded is FerretDB v1 on SQLite inside this process, which is
	// its only writer.
	ModeEmbedded Mode = iota + 1
	// ModePostgreSQL is FerretDB v1's PostgreSQL handler inside this
	// process, over a PostgreSQL server that any number of portal
	// processes share.
	ModePostgreSQL
	// ModeSharedFerretDB is a FerretDB server given by URI (`portal db
	// serve`), shared by several portal processes.
	ModeSharedFerretDB
	// ModeMongoDB is a real MongoDB: updates are atomic and secondary
	// indexes answer queries.
	ModeMongoDB
)

// String names the mode as the logs and /readyz show it.
func (m Mode) String() string {
	switch m {
	case ModeEmbedded:
		return "embedded"
	case ModePostgreSQL:
		return "postgresql"
	case ModeSharedFerretDB:
		return "ferretdb"
	case ModeMongoDB:
		return "mongodb"
	}
	return "unknown"
}

// ErrStoreChoice is returned when the configuration names more than one
// store.
var ErrStoreChoice = errors.New("give at most one of --postgresql-url and --mongodb-uri (neither runs the embedded store in --data-dir)")

// Config says where the data live.
type Config struct {
	// MongoURI selects an external MongoDB (or a FerretDB server).
	MongoURI string
	// PostgreSQLURL selects PostgreSQL mode: FerretDB's PostgreSQL
	// handler in this process over that PostgreSQL database.
	PostgreSQLURL string
	// DataDir holds the embedded store's files (under DataDir/db) when
	// neither URL is given.
	DataDir string
	// Database overrides the database name (tests use one per test).
	Database string
	// Logger is the portal's logger; FerretDB gets its own derived logger.
	Logger *slog.Logger
	// Debug lets FerretDB's own INFO/DEBUG records through.
	Debug bool
	// Collections are created at Open in PostgreSQL mode, under the start
	// lock (see postgresql.go): every collection the portal uses.
	Collections []string
}

// Store is an open connection to the portal database.
type Store struct {
	Client *mongo.Client
	DB     *mongo.Database
	// Mode is the kind of store; domain stores pick their FerretDB
	// adaptations from it.
	Mode Mode

	embedded *Embedded
	// start is PostgreSQL mode's start lock, held from Open until Started.
	start *startLock
}

// Open connects to the configured store, starting FerretDB in this process
// for the embedded and PostgreSQL modes, and pings it.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.MongoURI != "" && cfg.PostgreSQLURL != "" {
		return nil, ErrStoreChoice
	}
	s := &Store{Mode: ModeMongoDB}
	uri := cfg.MongoURI
	if uri == "" {
		emb, err := StartEmbedded(ctx, EmbeddedConfig{
			Addr:          "127.0.0.1:0",
			DataDir:       cfg.DataDir,
			PostgreSQLURL: cfg.PostgreSQLURL,
			Logger:        cfg.Logger,
			Debug:         cfg.Debug,
		})
		if err != nil {
			return nil, err
		}
		s.embedded = emb
		s.Mode = ModeEmbedded
		if cfg.PostgreSQLURL != "" {
			s.Mode = ModePostgreSQL
		}
		uri = emb.URI()
	}
	opts := options.Client().ApplyURI(uri).
		SetAppName("cleancity-portal").
		SetServerSelectionTimeout(10 * time.Second)
	if cfg.MongoURI != "" && opts.WriteConcern == nil {
		// A 2xx must survive the loss of a primary: majority, journaled.
		opts.SetWriteConcern(writeconcern.Majority())
	}
	client, err := mongo.Connect(opts)
	if err != nil {
		s.stopEmbedded()
		return nil, fmt.Errorf("connect to store: %w", err)
	}
	s.Client = client
	name := cfg.Database
	if name == "" {
		name = databaseFromURI(cfg.MongoURI)
	}
	s.DB = client.Database(name)
	if s.Mode == ModePostgreSQL {
		// Before FerretDB's first command (ping included) reads the
		// catalogue.
		if s.start, err = lockStart(ctx, cfg.PostgreSQLURL, name, cfg.Logger); err != nil {
			_ = s.Close(context.Background())
			return nil, err
		}
	}
	pingCtx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := client.Ping(pingCtx, readpref.Primary()); err != nil {
		_ = s.Close(context.Background())
		return nil, fmt.Errorf("ping store: %w", err)
	}
	if s.Mode == ModePostgreSQL {
		// FerretDB answers ping without PostgreSQL; listing collections
		// reaches it, so a wrong URL or password fails here, clearly.
		if _, err := s.DB.ListCollectionNames(pingCtx, bson.D{}); err != nil {
			_ = s.Close(context.Background())
			return nil, fmt.Errorf("postgresql %s: %w", MaskURL(cfg.PostgreSQLURL), err)
		}
		if err := ensureCollections(ctx, s.DB, append(slices.Clip(cfg.Collections), SecretsCollection)); err != nil {
			_ = s.Close(context.Background())
			return nil, err
		}
	}
	if s.Mode == ModeMongoDB {
		var info bson.M
		if err := client.Database("admin").RunCommand(pingCtx, bson.D{{Key: "buildInfo", Value: 1}}).Decode(&info); err == nil {
			if _, ferret := info["ferretdbVersion"]; ferret {
				s.Mode = ModeSharedFerretDB
			}
		}
	}
	return s, nil
}

// Started says this process has created its indexes and seeded what it
// seeds: in PostgreSQL mode it releases the start lock, so the next
// process to start reads a complete catalogue. Close releases it too.
func (s *Store) Started() {
	if s.start != nil {
		s.start.release()
		s.start = nil
	}
}

// Ping checks the store answers within ctx.
func (s *Store) Ping(ctx context.Context) error {
	return s.Client.Ping(ctx, readpref.Primary())
}

// Close disconnects the driver and stops the embedded store, in that order.
func (s *Store) Close(ctx context.Context) error {
	var errs []error
	if s.Client != nil {
		if err := s.Client.Disconnect(ctx); err != nil {
			errs = append(errs, fmt.Errorf("disconnect: %w", err))
		}
	}
	s.Started()
	s.stopEmbedded()
	return errors.Join(errs...)
}

func (s *Store) stopEmbedded() {
	if s.embedded != nil {
		s.embedded.Stop()
		s.embedded = nil
	}
}

func databaseFromURI(uri string) string {
	if uri == "" {
		return DefaultDatabase
	}
	cs, err := connstring.Parse(uri)
	if err != nil || cs.Database == "" {
		return DefaultDatabase
	}
	return cs.Database
}

// EmbeddedConfig configures the in-process FerretDB.
type EmbeddedConfig struct {
	// Addr is the loopback TCP address to listen on ("127.0.0.1:0" picks a port).
	Addr string
	// DataDir holds the SQLite files (under DataDir/db); unused when
	// PostgreSQLURL is set.
	DataDir string
	// PostgreSQLURL selects FerretDB's PostgreSQL handler over that
	// database instead of SQLite.
	PostgreSQLURL string
	Logger        *slog.Logger
	Debug         bool
}

// Embedded is a running in-process FerretDB, on SQLite or on PostgreSQL.
type Embedded struct {
	fdb    *ferretdb.FerretDB
	cancel context.CancelFunc
	done   chan struct{}
	addr   string
}

// StartEmbedded starts FerretDB on cfg.Addr, with its files under
// cfg.DataDir/db or over cfg.PostgreSQLURL, and returns once it accepts
// connections.
func StartEmbedded(ctx context.Context, cfg EmbeddedConfig) (*Embedded, error) {
	fcfg := &ferretdb.Config{Logger: ferretLogger(cfg.Logger, cfg.Debug)}
	dbDir := ""
	if cfg.PostgreSQLURL != "" {
		if err := checkPostgreSQLURL(cfg.PostgreSQLURL); err != nil {
			return nil, err
		}
		fcfg.Handler, fcfg.PostgreSQLURL = "postgresql", cfg.PostgreSQLURL
	} else {
		if cfg.DataDir == "" {
			return nil, errors.New("embedded store: data dir is required")
		}
		var err error
		if dbDir, err = filepath.Abs(filepath.Join(cfg.DataDir, "db")); err != nil {
			return nil, fmt.Errorf("embedded store: %w", err)
		}
		if err := os.MkdirAll(dbDir, 0o700); err != nil {
			return nil, fmt.Errorf("embedded store: create data dir: %w", err)
		}
		fcfg.Handler, fcfg.SQLiteURL = "sqlite", "file:"+dbDir+"/"
	}
	addr := cfg.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	// Reserve the port ourselves so we know it before FerretDB's Run (its
	// MongoDBURI blocks until the listener is up) and so a busy port fails
	// here with a clear error.
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("embedded store: address %q: %w", addr, err)
	}
	if port == "0" {
		ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
		if err != nil {
			return nil, fmt.Errorf("embedded store: pick a port: %w", err)
		}
		addr = ln.Addr().String()
		_ = ln.Close()
	}
	fcfg.Listener = ferretdb.ListenerConfig{TCP: addr}
	fdb, err := ferretdb.New(fcfg)
	if err != nil {
		return nil, fmt.Errorf("%s store: %w", fcfg.Handler, err)
	}
	runCtx, cancel := context.WithCancel(context.Background())
	e := &Embedded{fdb: fdb, cancel: cancel, done: make(chan struct{}), addr: addr}
	go func() {
		defer close(e.done)
		_ = fdb.Run(runCtx)
	}()
	if dbDir != "" {
		// Lookups and updates by _id need an index FerretDB's SQLite
		// handler does not make.
		go indexIDs(runCtx, dbDir, cfg.Logger, 2*time.Second)
	}
	// Wait until the listener accepts connections.
	deadline := time.Now().Add(15 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			_ = conn.Close()
			break
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			e.Stop()
			return nil, fmt.Errorf("embedded store did not start on %s: %w", addr, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	return e, nil
}

// URI returns the MongoDB connection string of the embedded store.
func (e *Embedded) URI() string { return "mongodb://" + e.addr + "/" }

// Addr returns the TCP address the embedded store listens on.
func (e *Embedded) Addr() string { return e.addr }

// Done is closed when the embedded store has stopped.
func (e *Embedded) Done() <-chan struct{} { return e.done }

// Stop closes the listener and the SQLite backend and waits for both.
func (e *Embedded) Stop() {
	e.cancel()
	<-e.done
}

// ferretLogger gives FerretDB its own logger: errors only unless debug,
// because its INFO records and its WARN-level dumps of every failed command
// (wire messages, many lines each) would flood the portal's log.
func ferretLogger(base *slog.Logger, debug bool) *slog.Logger {
	if base == nil {
		base = slog.Default()
	}
	level := slog.LevelError
	if debug {
		level = slog.LevelDebug
	}
	return slog.New(&levelHandler{min: level, next: base.Handler()}).With("component", "ferretdb")
}

// levelHandler passes on records at or above min. FerretDB derives a
// logger with attributes for every connection and command (logger.With),
// and a text or JSON handler formats them at once, which cost about 7% of
// the CPU of a filing benchmark, for records that are almost never
// written. So attributes and groups are kept as a list and applied to the
// next handler only when a record is handled.
type levelHandler struct {
	min  slog.Level
	next slog.Handler
	with []func(slog.Handler) slog.Handler
}

func (h *levelHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.min }
func (h *levelHandler) Handle(ctx context.Context, r slog.Record) error {
	if r.Level < h.min || duplicateKey(r) {
		return nil
	}
	next := h.next
	for _, w := range h.with {
		next = w(next)
	}
	return next.Handle(ctx, r)
}

// duplicateKey reports whether a record is the PostgreSQL handler's
// ERROR for an insert that hit a unique index (SQLSTATE 23505). Claims are
// made by inserting (see DESIGN.md, "Store"), so a lost claim is normal
// and reaches the caller as error 11000; the record would only flood the
// log with the document it carried.
func duplicateKey(r slog.Record) bool {
	dup := false
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "err" && strings.Contains(a.Value.String(), "(SQLSTATE 23505)") {
			dup = true
			return false
		}
		return true
	})
	return dup
}

func (h *levelHandler) derive(w func(slog.Handler) slog.Handler) slog.Handler {
	with := make([]func(slog.Handler) slog.Handler, len(h.with), len(h.with)+1)
	copy(with, h.with)
	return &levelHandler{min: h.min, next: h.next, with: append(with, w)}
}
func (h *levelHandler) WithAttrs(a []slog.Attr) slog.Handler {
	if len(a) == 0 {
		return h
	}
	return h.derive(func(n slog.Handler) slog.Handler { return n.WithAttrs(a) })
}
func (h *levelHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	return h.derive(func(n slog.Handler) slog.Handler { return n.WithGroup(name) })
}

// checkPostgreSQLURL refuses what is not a PostgreSQL URL before FerretDB
// sees it (its own errors name internals), so a typo gets a clear message.
func checkPostgreSQLURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || u.Host == "" {
		return fmt.Errorf("postgresql url %q: want postgres://USER:PASSWORD@HOST:5432/DATABASE", MaskURL(raw))
	}
	if strings.Trim(u.Path, "/") == "" {
		return fmt.Errorf("postgresql url %q: name the database in the path (postgres://HOST:5432/cleancity)", MaskURL(raw))
	}
	return nil
}

// MaskURL hides the password of a store URL (PostgreSQL or MongoDB, one
// host or several) for logs and messages. It works on the text, so a URL
// that does not parse is masked too.
func MaskURL(raw string) string {
	at := strings.LastIndex(raw, "@")
	scheme := strings.Index(raw, "://")
	if at < 0 || scheme < 0 || at < scheme {
		return raw
	}
	creds := raw[scheme+3 : at]
	if i := strings.Index(creds, ":"); i >= 0 {
		creds = creds[:i] + ":****"
	}
	return raw[:scheme+3] + creds + raw[at:]
}
