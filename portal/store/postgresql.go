package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// Why PostgreSQL mode needs a start lock and every collection up front:
// FerretDB v1's PostgreSQL handler reads its catalogue (the databases,
// collections and indexes in `_ferretdb_database_metadata`) once, on its
// first command, and never again. A collection or index another process
// creates later is invisible to it: finds answer nothing, and its own
// insert or createIndexes tries to create the table or index again and
// fails ("relation already exists"). So in PostgreSQL mode Open takes a
// lock that only one process on the database holds at a time, loads the
// catalogue, creates every collection the portal uses, and keeps the lock
// until the portal has created its indexes and seeded (Started); a second
// portal starting meanwhile waits, and then loads a complete catalogue.

// startLock is a PostgreSQL session advisory lock held on its own
// connection, one per FerretDB database (schema) of a PostgreSQL database.
type startLock struct {
	conn *pgx.Conn
}

// lockStart takes the start lock of the FerretDB database name on the
// PostgreSQL database at pgURL, waiting (logged) while another process
// holds it, until ctx ends.
func lockStart(ctx context.Context, pgURL, name string, log *slog.Logger) (*startLock, error) {
	conn, err := pgx.Connect(ctx, connURL(pgURL))
	if err != nil {
		return nil, fmt.Errorf("postgresql %s: %w", MaskURL(pgURL), err)
	}
	key := "cleancity-start:" + name
	var got bool
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock(hashtext($1))`, key).Scan(&got); err != nil {
		_ = conn.Close(context.Background())
		return nil, fmt.Errorf("postgresql start lock: %w", err)
	}
	if !got {
		if log != nil {
			log.Info("store: another process is starting on this PostgreSQL database; waiting until it is ready", "database", name)
		}
		if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock(hashtext($1))`, key); err != nil {
			_ = conn.Close(context.Background())
			return nil, fmt.Errorf("postgresql start lock: %w", err)
		}
	}
	return &startLock{conn: conn}, nil
}

// release ends the lock's session, which releases the lock.
func (l *startLock) release() {
	_ = l.conn.Close(context.Background())
}

// connURL drops the pool_* parameters of a PostgreSQL URL, which only
// FerretDB's connection pool understands (a single connection would send
// them to the server as settings, and fail).
func connURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	q := u.Query()
	for k := range q {
		if strings.HasPrefix(k, "pool_") {
			q.Del(k)
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// ensureCollections creates the named collections that do not exist yet,
// one command each (see the start lock above).
func ensureCollections(ctx context.Context, db *mongo.Database, names []string) error {
	have, err := db.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		return fmt.Errorf("list collections: %w", err)
	}
	exists := make(map[string]bool, len(have))
	for _, n := range have {
		exists[n] = true
	}
	for _, n := range names {
		if exists[n] {
			continue
		}
		err := db.CreateCollection(ctx, n)
		var ce mongo.CommandError
		if errors.As(err, &ce) && ce.Code == 48 { // NamespaceExists
			err = nil
		}
		if err != nil {
			return fmt.Errorf("create collection %s: %w", n, err)
		}
		exists[n] = true
	}
	return nil
}

// UpdateBatch is the most update or replace statements one bulk write may
// carry on FerretDB v1. Its update command keeps every statement's query
// open, and so a backend connection, until the whole command ends, and each
// write needs one more: on SQLite more than 100 matching statements hang
// (its pool has 100), and in PostgreSQL mode, whose pool holds 50
// connections (pool_max_conns), a batch of 50 matching statements hung
// forever (a review of 50 survey responses at once). 16 leaves room for two
// such commands and the process's other queries.
const UpdateBatch = 16
