package portal

import (
	"context"
)

// LoseQueuedFacts drops every dashboard fact waiting for the applier, in
// the store's queue and in memory, as if the process had died between its
// writes and the applier (tests of the catch-up sweep).
func (s *Server) LoseQueuedFacts(ctx context.Context) error {
	q := s.dashboard.store.Store
	facts, err := q.Queued(ctx, 1<<20)
	if err != nil {
		return err
	}
	ids := make([]string, len(facts))
	for i, f := range facts {
		ids[i] = f.EventID
	}
	return q.Unqueue(ctx, ids)
}
