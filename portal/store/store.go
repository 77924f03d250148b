// Package store opens the portal's MongoDB database: either an external
// MongoDB (replica set or sharded cluster) given by URI, or the embedded
// FerretDB (SQLite backend) started in this process on a loopback port.
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
	"os"
	"path/filepath"
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

// Config says where the data live.
type Config struct {
	// MongoURI selects an external MongoDB; empty means the embedded store.
	MongoURI string
	// DataDir holds the embedded store's files (under DataDir/db).
	DataDir string
	// Database overrides the database name (tests use one per test).
	Database string
	// Logger is the portal's logger; FerretDB gets its own derived logger.
	Logger *slog.Logger
	// Debug lets FerretDB's own INFO/DEBUG records through.
	Debug bool
}

// Store is an open connection to the portal database.
type Store struct {
	Client   *mongo.Client
	DB       *mongo.Database
	Embedded bool
	// FerretDB is true for the embedded store and for a FerretDB server
	// given by URI (`portal db serve`), which answers only {_id} from an
	// index, so secondary indexes only cost.
	FerretDB bool

	embedded *Embedded
}

// Open connects to the configured store, starting the embedded one when no
// URI is given, and pings it.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	s := &Store{}
	uri := cfg.MongoURI
	if uri == "" {
		emb, err := StartEmbedded(ctx, EmbeddedConfig{
			Addr:    "127.0.0.1:0",
			DataDir: cfg.DataDir,
			Logger:  cfg.Logger,
			Debug:   cfg.Debug,
		})
		if err != nil {
			return nil, err
		}
		s.embedded = emb
		s.Embedded = true
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
	pingCtx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := client.Ping(pingCtx, readpref.Primary()); err != nil {
		_ = s.Close(context.Background())
		return nil, fmt.Errorf("ping store: %w", err)
	}
	s.FerretDB = s.Embedded
	var info bson.M
	if err := client.Database("admin").RunCommand(pingCtx, bson.D{{Key: "buildInfo", Value: 1}}).Decode(&info); err == nil {
		_, s.FerretDB = info["ferretdbVersion"]
		s.FerretDB = s.FerretDB || s.Embedded
	}
	return s, nil
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
	Addr    string
	DataDir string
	Logger  *slog.Logger
	Debug   bool
}

// Embedded is a running in-process FerretDB with the SQLite backend.
type Embedded struct {
	fdb    *ferretdb.FerretDB
	cancel context.CancelFunc
	done   chan struct{}
	addr   string
}

// StartEmbedded starts FerretDB on cfg.Addr with its files under
// cfg.DataDir/db and returns once it accepts connections.
func StartEmbedded(ctx context.Context, cfg EmbeddedConfig) (*Embedded, error) {
	if cfg.DataDir == "" {
		return nil, errors.New("embedded store: data dir is required")
	}
	dbDir, err := filepath.Abs(filepath.Join(cfg.DataDir, "db"))
	if err != nil {
		return nil, fmt.Errorf("embedded store: %w", err)
	}
	if err := os.MkdirAll(dbDir, 0o700); err != nil {
		return nil, fmt.Errorf("embedded store: create data dir: %w", err)
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
	fdb, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: addr},
		Handler:   "sqlite",
		SQLiteURL: "file:" + dbDir + "/",
		Logger:    ferretLogger(cfg.Logger, cfg.Debug),
	})
	if err != nil {
		return nil, fmt.Errorf("embedded store: %w", err)
	}
	runCtx, cancel := context.WithCancel(context.Background())
	e := &Embedded{fdb: fdb, cancel: cancel, done: make(chan struct{}), addr: addr}
	go func() {
		defer close(e.done)
		_ = fdb.Run(runCtx)
	}()
	// Lookups and updates by _id need an index FerretDB does not make.
	go indexIDs(runCtx, dbDir, cfg.Logger, 2*time.Second)
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
	if r.Level < h.min {
		return nil
	}
	next := h.next
	for _, w := range h.with {
		next = w(next)
	}
	return next.Handle(ctx, r)
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
