package surveydb

import (
	"go.mongodb.org/mongo-driver/v2/mongo"

	"cleancity/portal/store"
)

// writers is how the processes writing a round's responses are kept apart.
type writers int

const (
	// concurrentWriters (MongoDB): any process writes at any time; $inc
	// and conditional updates are atomic, so nothing is serialised and a
	// rebuild is trusted only if no write ran while it scanned.
	concurrentWriters writers = iota
	// oneWriter (the embedded store): this process is the store's only
	// writer, so a mutex serialises a round's writes, reviews are read
	// and updated by _id alone under it, and a marker of another (earlier)
	// process is stale at once.
	oneWriter
	// lockedWriters (PostgreSQL mode, `portal db serve`): several
	// processes on one FerretDB v1, which loses concurrent $inc and has no
	// atomic conditional update; a per-round lock document claimed by
	// insert serialises them, and under it they work as oneWriter does.
	lockedWriters
)

// ForMode returns the store over db with the adaptations the store mode
// needs: how writers are kept apart (see writers) and, on every FerretDB
// mode, no secondary indexes (FerretDB v1 does not answer filters from
// them, so they only slow inserts). Portal start and the store commands
// call it; nothing else picks these.
func ForMode(db *mongo.Database, mode store.Mode) *Store {
	s := New(db)
	switch mode {
	case store.ModeEmbedded:
		s.writers, s.secondary = oneWriter, false
	case store.ModePostgreSQL, store.ModeSharedFerretDB:
		s.writers, s.secondary = lockedWriters, false
	default:
		s.writers, s.secondary = concurrentWriters, true
	}
	return s
}

// serialised reports whether a round's response writes run one at a time
// (in this process, or under the round lock).
func (s *Store) serialised() bool { return s.writers != concurrentWriters }
