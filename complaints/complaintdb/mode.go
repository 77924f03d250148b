package complaintdb

import (
	"context"
	"log/slog"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"cleancity/complaints"
	"cleancity/portal/store"
)

// ForMode returns the complaint store for the store mode, with its
// indexes made, for a process that serves (portal start; the store
// commands that only read use New). It is the one place the complaint
// domain's adaptations to FerretDB v1 are picked:
//
//   - embedded (this process is the only writer): no secondary indexes;
//     writes queued one at a time (SerializeWrites) and concurrent filings
//     committed together (GroupFilings), because SQLite takes one writer
//     at a time; and a Memory copy answering reads, because SQLite scans
//     for every list filter. Filings then skip the duplicate-index cells
//     (the copy has its own), which are marked stale for a later process
//     without the copy.
//   - PostgreSQL mode and a shared FerretDB (several writers): no
//     secondary indexes (filters are pushed down as jsonb containment
//     their btree indexes do not serve), no memory copy (other processes
//     write), and stale cells repaired before serving.
//   - MongoDB: every index, nothing else; stale cells repaired (the data
//     may come from an embedded store).
//
// now is the service's clock (the repair indexes the cases of the last
// complaints.DuplicateWindow before it); nil is time.Now.
func ForMode(ctx context.Context, db *mongo.Database, mode store.Mode, now func() time.Time, log *slog.Logger) (complaints.Store, error) {
	s := New(db)
	if log != nil {
		s.log = log
	}
	if now == nil {
		now = time.Now
	}
	switch mode {
	case store.ModeEmbedded:
		s.secondary = false
		s.SerializeWrites(1)
		s.GroupFilings(64)
		s.skipCells = true
		if err := s.SetCellsStale(ctx, true); err != nil {
			return nil, err
		}
		return NewMemory(ctx, s)
	case store.ModePostgreSQL, store.ModeSharedFerretDB:
		s.secondary = false
	}
	if err := s.EnsureIndexes(ctx); err != nil {
		return nil, err
	}
	n, err := s.RepairCells(ctx, now().Add(-complaints.DuplicateWindow))
	if err != nil {
		return nil, err
	}
	if n > 0 {
		s.log.Info("complaints: duplicate index rebuilt", "cases", n)
	}
	return s, nil
}
