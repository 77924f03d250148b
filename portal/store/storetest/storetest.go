// Package storetest gives tests a real store and a fresh database per test,
// dropped in t.Cleanup. The store is chosen by the environment:
//
//   - neither variable set: one embedded FerretDB (SQLite) per test binary,
//     started on first use;
//   - CLEANCITY_TEST_POSTGRESQL_URL=postgres://USER:PASSWORD@HOST/DB: one
//     FerretDB PostgreSQL handler per test binary over that database, a
//     FerretDB database (a PostgreSQL schema) per test, and portals under
//     test (portaltest) in PostgreSQL mode, each with its own handler as in
//     production;
//   - CLEANCITY_TEST_MONGODB_URI=mongodb://...: a real MongoDB.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"cleancity/portal/store"
)

// The environment variables that choose the test store.
const (
	EnvPostgreSQL = "CLEANCITY_TEST_POSTGRESQL_URL"
	EnvMongoDB    = "CLEANCITY_TEST_MONGODB_URI"
)

var (
	once      sync.Once
	shared    *mongo.Client
	sharedURI string
	startErr  error
)

// Mode is the store mode the tests' store stands for, which domain stores
// under test should be configured for: ModePostgreSQL or ModeMongoDB when
// the environment names one, else ModeEmbedded (the test binary's own
// FerretDB on SQLite, whose only writer is the test).
func Mode() store.Mode {
	switch {
	case PostgreSQLURL() != "":
		return store.ModePostgreSQL
	case os.Getenv(EnvMongoDB) != "":
		return store.ModeMongoDB
	}
	return store.ModeEmbedded
}

// PostgreSQLURL is the PostgreSQL database the tests run on, or "".
func PostgreSQLURL() string { return os.Getenv(EnvPostgreSQL) }

// SkipOnPostgreSQL skips a test that only makes sense on the embedded
// store, giving the reason.
func SkipOnPostgreSQL(tb testing.TB, why string) {
	tb.Helper()
	if PostgreSQLURL() != "" {
		tb.Skip("embedded store only: " + why)
	}
}

// URI returns the MongoDB URI of the shared test store (on PostgreSQL, its
// FerretDB handler's), starting it on first use. The embedded store's files
// live in a temporary directory.
func URI(tb testing.TB) string {
	tb.Helper()
	once.Do(start)
	if startErr != nil {
		tb.Fatalf("start test store: %v", startErr)
	}
	return sharedURI
}

func start() {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	switch {
	case os.Getenv(EnvMongoDB) != "" && PostgreSQLURL() != "":
		startErr = fmt.Errorf("set only one of %s and %s", EnvMongoDB, EnvPostgreSQL)
		return
	case os.Getenv(EnvMongoDB) != "":
		sharedURI = os.Getenv(EnvMongoDB)
	case PostgreSQLURL() != "":
		emb, err := store.StartEmbedded(context.Background(), store.EmbeddedConfig{
			Addr: "127.0.0.1:0", PostgreSQLURL: PostgreSQLURL(), Logger: quiet,
		})
		if err != nil {
			startErr = err
			return
		}
		sharedURI = emb.URI()
	default:
		dir, err := os.MkdirTemp("", "cleancity-test-store-")
		if err != nil {
			startErr = err
			return
		}
		emb, err := store.StartEmbedded(context.Background(), store.EmbeddedConfig{
			Addr: "127.0.0.1:0", DataDir: dir, Logger: quiet,
		})
		if err != nil {
			startErr = err
			return
		}
		sharedURI = emb.URI()
		// The embedded store lives as long as the test binary.
	}
	shared, startErr = mongo.Connect(options.Client().ApplyURI(sharedURI))
}

// DatabaseName returns a fresh, unique database name for one test.
func DatabaseName() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return "test_" + hex.EncodeToString(b[:])
}

// DB returns a fresh database on the shared test store, dropped when the
// test ends.
func DB(tb testing.TB) *mongo.Database {
	tb.Helper()
	URI(tb)
	db := shared.Database(DatabaseName())
	DropOnCleanup(tb, db.Name())
	return db
}

// DropOnCleanup drops the named database when the test ends. On
// PostgreSQL the schema is dropped with SQL: a portal under test made it
// through its own FerretDB handler, which the shared one does not know of
// (FerretDB reads its catalogue once).
func DropOnCleanup(tb testing.TB, name string) {
	tb.Helper()
	if name == "" {
		return // a portal on a store of its own (a data dir), not the shared test store
	}
	URI(tb)
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = shared.Database(name).Drop(ctx)
		if PostgreSQLURL() != "" {
			if err := execSQL(ctx, PostgreSQLURL(), `DROP SCHEMA IF EXISTS `+pgx.Identifier{name}.Sanitize()+` CASCADE`); err != nil {
				tb.Errorf("drop schema %s: %v", name, err)
			}
		}
	})
}

// CommandStore is a fresh store for a test of a `portal` command: the
// command's store flags and a way to reach the same data from the test.
type CommandStore struct {
	// Flags select the store on a command line (--mongodb-uri URI or
	// --postgresql-url URL).
	Flags []string
	db    *mongo.Database
	pgURL string
}

// NewCommandStore returns a fresh store for a command test. On PostgreSQL
// it is a new PostgreSQL database (PostgreSQL mode always uses the
// FerretDB database "cleancity"), dropped when the test ends.
func NewCommandStore(tb testing.TB) *CommandStore {
	tb.Helper()
	if PostgreSQLURL() == "" {
		db := DB(tb)
		return &CommandStore{Flags: []string{"--mongodb-uri", URI(tb) + db.Name()}, db: db}
	}
	ctx := context.Background()
	name := DatabaseName()
	if err := execSQL(ctx, PostgreSQLURL(), `CREATE DATABASE `+pgx.Identifier{name}.Sanitize()); err != nil {
		tb.Fatalf("create database: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := execSQL(ctx, PostgreSQLURL(), `DROP DATABASE IF EXISTS `+pgx.Identifier{name}.Sanitize()+` WITH (FORCE)`); err != nil {
			tb.Errorf("drop database %s: %v", name, err)
		}
	})
	u, err := url.Parse(PostgreSQLURL())
	if err != nil {
		tb.Fatal(err)
	}
	u.Path = "/" + name
	return &CommandStore{Flags: []string{"--postgresql-url", u.String()}, pgURL: u.String()}
}

// DB returns the command store's database. On PostgreSQL every call opens
// a new FerretDB handler (closed when the test ends), which reads the
// catalogue afresh: call it again after a command created collections.
func (c *CommandStore) DB(tb testing.TB) *mongo.Database {
	tb.Helper()
	if c.pgURL == "" {
		return c.db
	}
	st, err := store.Open(context.Background(), store.Config{PostgreSQLURL: c.pgURL,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		tb.Fatalf("open %s: %v", store.MaskURL(c.pgURL), err)
	}
	st.Started()
	tb.Cleanup(func() { _ = st.Close(context.Background()) })
	return st.DB
}

// execSQL runs one statement on the PostgreSQL database at pgURL.
func execSQL(ctx context.Context, pgURL, sql string) error {
	conn, err := pgx.Connect(ctx, strings.Split(pgURL, "?")[0])
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	_, err = conn.Exec(ctx, sql)
	return err
}
