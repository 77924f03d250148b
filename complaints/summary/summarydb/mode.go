package summarydb

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"cleancity/complaints/summary"
	"cleancity/portal/store"
)

// Catch-up sweep intervals. On FerretDB the sweep's event query scans
// (SQLite) or filters in jsonb (PostgreSQL) every event, minutes at a
// million cases, so it runs rarely there.
const (
	sweepInterval         = time.Minute
	sweepIntervalFerretDB = 15 * time.Minute
)

// Runtime is the dashboard's store as a store mode runs it: what
// summary.Service works on, how often it sweeps, and what a process does
// at start and stop. ForMode builds it; nothing else picks these.
type Runtime struct {
	// Store is what summary.Service works on: the stored summaries, or on
	// the embedded store a MemQueue around them.
	Store summary.Store
	// SweepInterval is how often the lease holder runs the catch-up sweep.
	SweepInterval time.Duration

	base *Store
	mem  *MemQueue
}

// ForMode returns the dashboard store for the mode. On the embedded store
// this process is the only writer and applier, so facts are queued in
// memory (see MemQueue); every other mode queues them in the store, where
// any process may queue and the lease holder applies.
func ForMode(db *mongo.Database, mode store.Mode) *Runtime {
	base := New(db)
	rt := &Runtime{Store: base, SweepInterval: sweepInterval, base: base}
	switch mode {
	case store.ModeEmbedded:
		rt.mem = NewMemQueue(base)
		rt.Store = rt.mem
		rt.SweepInterval = sweepIntervalFerretDB
	case store.ModePostgreSQL, store.ModeSharedFerretDB:
		rt.SweepInterval = sweepIntervalFerretDB
	}
	return rt
}

// PruneLeases deletes lease claims older than before.
func (rt *Runtime) PruneLeases(ctx context.Context, before time.Time) error {
	return rt.base.PruneLeases(ctx, before)
}

// Started records that this process serves, and reports whether facts of
// the previous process may be lost: it held them in memory and did not
// stop cleanly. Then the caller sweeps at once rather than after
// SweepInterval. Without a memory queue nothing can be lost this way.
func (rt *Runtime) Started(ctx context.Context, now time.Time) (lost bool, err error) {
	if rt.mem == nil {
		return false, nil
	}
	clean, known, err := rt.base.MarkRunning(ctx, now)
	return known && !clean, err
}

// Stopped moves the facts held in memory into the stored queue, for the
// next start, and records the clean stop (after the requests and the
// applier stopped). A failure leaves the facts to the catch-up sweep.
func (rt *Runtime) Stopped(ctx context.Context, now time.Time) error {
	if rt.mem == nil {
		return nil
	}
	if err := rt.mem.Flush(ctx); err != nil {
		return fmt.Errorf("queue %d facts held in memory: %w", rt.mem.Held(), err)
	}
	return rt.base.MarkStopped(ctx, now)
}
