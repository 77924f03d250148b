// Package storetest gives tests a real store: one embedded FerretDB per
// test binary (started on first use) and a fresh database per test, dropped
// in t.Cleanup. Set CLEANCITY_TEST_MONGODB_URI to run the same tests on a
// real MongoDB instead.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"cleancity/portal/store"
)

var (
	once      sync.Once
	shared    *mongo.Client
	sharedURI string
	startErr  error
)

// URI returns the MongoDB URI of the shared test store, starting the
// embedded one on first use. Its files live in a temporary directory that
// is removed when the process exits normally.
func URI(tb testing.TB) string {
	tb.Helper()
	once.Do(start)
	if startErr != nil {
		tb.Fatalf("start test store: %v", startErr)
	}
	return sharedURI
}

func start() {
	if uri := os.Getenv("CLEANCITY_TEST_MONGODB_URI"); uri != "" {
		sharedURI = uri
	} else {
		dir, err := os.MkdirTemp("", "cleancity-test-store-")
		if err != nil {
			startErr = err
			return
		}
		emb, err := store.StartEmbedded(context.Background(), store.EmbeddedConfig{
			Addr:    "127.0.0.1:0",
			DataDir: dir,
			Logger:  slog.New(slog.NewTextHandler(io.Discard, nil)),
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

// DropOnCleanup drops the named database when the test ends.
func DropOnCleanup(tb testing.TB, name string) {
	tb.Helper()
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = shared.Database(name).Drop(ctx)
	})
}
