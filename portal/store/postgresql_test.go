package store_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"cleancity/portal/store"
	"cleancity/portal/store/storetest"
)

// syncBuffer is a log destination safe for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// openPG opens a PostgreSQL-mode store on the named FerretDB database, as
// one portal process would (its own FerretDB handler), closed when the test
// ends.
func openPG(t *testing.T, name string, log *slog.Logger, colls ...string) *store.Store {
	t.Helper()
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	st, err := store.Open(context.Background(), store.Config{PostgreSQLURL: storetest.PostgreSQLURL(),
		Database: name, Logger: log, Collections: colls})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { _ = st.Close(context.Background()) })
	return st
}

func needPostgreSQL(t *testing.T) string {
	t.Helper()
	if storetest.PostgreSQLURL() == "" {
		t.Skip("needs PostgreSQL: set " + storetest.EnvPostgreSQL)
	}
	name := storetest.DatabaseName()
	storetest.DropOnCleanup(t, name)
	return name
}

// TestPostgreSQLCatalogueIsReadOnce pins the FerretDB behaviour the start
// lock exists for: a handler that read the catalogue does not see a
// collection another handler created afterwards. If FerretDB ever reloads
// its catalogue, this fails and the start lock may go.
func TestPostgreSQLCatalogueIsReadOnce(t *testing.T) {
	name := needPostgreSQL(t)
	ctx := context.Background()
	a := openPG(t, name, nil)
	a.Started()
	b := openPG(t, name, nil)
	b.Started()
	if _, err := a.DB.Collection("late").InsertOne(ctx, bson.D{{Key: "_id", Value: "x"}}); err != nil {
		t.Fatal(err)
	}
	n, err := b.DB.Collection("late").CountDocuments(ctx, bson.D{})
	if err != nil || n != 0 {
		t.Fatalf("the second handler sees %d documents (%v) of a collection made after it started; FerretDB now reloads its catalogue", n, err)
	}
	// Its own insert tries to create the table again.
	if _, err := b.DB.Collection("late").InsertOne(ctx, bson.D{{Key: "_id", Value: "y"}}); err == nil {
		t.Fatal("insert into a collection unknown to the handler succeeded")
	}
}

// TestPostgreSQLStartLock starts a second process while the first one is
// still starting: the second waits until the first calls Started and then
// sees what the first created, and both find every configured collection.
func TestPostgreSQLStartLock(t *testing.T) {
	name := needPostgreSQL(t)
	ctx := context.Background()
	first := openPG(t, name, nil, "alpha", "beta")
	logs := &syncBuffer{}
	opened := make(chan *store.Store, 1)
	go func() {
		st, err := store.Open(ctx, store.Config{PostgreSQLURL: storetest.PostgreSQLURL(), Database: name,
			Logger: slog.New(slog.NewTextHandler(logs, nil)), Collections: []string{"alpha", "beta"}})
		if err != nil {
			t.Errorf("second open: %v", err)
		}
		opened <- st
	}()
	for !strings.Contains(logs.String(), "waiting until it is ready") {
		select {
		case st := <-opened:
			if st != nil {
				_ = st.Close(ctx)
			}
			t.Fatal("the second process opened while the first held the start lock")
		case <-time.After(10 * time.Millisecond):
		}
	}
	// Made during the first process's start, after the second one asked.
	if _, err := first.DB.Collection("gamma").InsertOne(ctx, bson.D{{Key: "_id", Value: "g"}}); err != nil {
		t.Fatal(err)
	}
	first.Started()
	second := <-opened
	if second == nil {
		t.FailNow()
	}
	defer second.Close(ctx)
	second.Started()
	if n, err := second.DB.Collection("gamma").CountDocuments(ctx, bson.D{}); err != nil || n != 1 {
		t.Fatalf("second process sees %d documents of gamma (%v), want 1", n, err)
	}
	names, err := second.DB.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"alpha", "beta", "gamma", store.SecretsCollection} {
		if !slices.Contains(names, want) {
			t.Errorf("collections %v lack %s", names, want)
		}
	}
}

// TestSharedSecretOnePerStore: processes on one store get one secret, and
// a concurrent first use still agrees on one.
func TestSharedSecretOnePerStore(t *testing.T) {
	name := needPostgreSQL(t)
	ctx := context.Background()
	a := openPG(t, name, nil)
	a.Started()
	b := openPG(t, name, nil)
	b.Started()
	var wg sync.WaitGroup
	got := make([]string, 8)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st := a
			if i%2 == 1 {
				st = b
			}
			s, err := st.SharedSecret(ctx, "jwt")
			if err != nil {
				t.Error(err)
			}
			got[i] = s
		}()
	}
	wg.Wait()
	for _, s := range got {
		if s != got[0] || len(s) != 64 {
			t.Fatalf("secrets %q differ or are not 32 random bytes", got)
		}
	}
	if other, err := a.SharedSecret(ctx, "webhook"); err != nil || other == got[0] {
		t.Errorf("a second name gets %q (%v), want a secret of its own", other, err)
	}
}

// TestPostgreSQLDuplicateKeyNotLogged: a claim lost by insert is error
// 11000 to the caller and no ERROR record in the log.
func TestPostgreSQLDuplicateKeyNotLogged(t *testing.T) {
	name := needPostgreSQL(t)
	ctx := context.Background()
	logs := &syncBuffer{}
	st := openPG(t, name, slog.New(slog.NewTextHandler(logs, nil)), "claims")
	st.Started()
	c := st.DB.Collection("claims")
	if _, err := c.InsertOne(ctx, bson.D{{Key: "_id", Value: "k"}}); err != nil {
		t.Fatal(err)
	}
	_, err := c.InsertOne(ctx, bson.D{{Key: "_id", Value: "k"}})
	if !mongo.IsDuplicateKeyError(err) {
		t.Fatalf("second insert: %v, want a duplicate key error", err)
	}
	if out := logs.String(); strings.Contains(out, "23505") || strings.Contains(out, "level=ERROR") {
		t.Errorf("lost claim logged:\n%s", out)
	}
}
