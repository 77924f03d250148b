package summarydb

import (
	"context"
	"sync"

	"cleancity/complaints/summary"
)

// MemQueue is a summary.Store whose queue of facts lives in this process's
// memory; everything else goes to the wrapped store.
//
// It is for the embedded store only, where this process is the only writer
// and so the only applier: there, each fact's queue insert cost a filing
// about as much as storing the case itself (one SQLite commit per filing,
// outside the filings' group commit), and the applier then read and
// deleted it again. Facts in memory when the process dies are lost to the
// queue but not to the summaries: the catch-up sweep queues every recorded
// event it finds neither queued nor folded in (the dashboard lags until
// it runs). Flush moves them into the stored queue on a graceful stop.
type MemQueue struct {
	summary.Store

	mu    sync.Mutex
	facts []summary.Fact
	held  map[string]bool // event ids in facts
}

// NewMemQueue wraps st with an in-memory queue.
func NewMemQueue(st summary.Store) *MemQueue {
	return &MemQueue{Store: st, held: map[string]bool{}}
}

var _ summary.Store = (*MemQueue)(nil)

// Queue holds facts in memory, skipping those held already.
func (q *MemQueue) Queue(_ context.Context, facts []summary.Fact) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, f := range facts {
		if !q.held[f.EventID] {
			q.held[f.EventID] = true
			q.facts = append(q.facts, f)
		}
	}
	return nil
}

// Queued returns up to limit facts: those in the stored queue (left by an
// earlier process or a failed flush) first, then those held in memory.
func (q *MemQueue) Queued(ctx context.Context, limit int) ([]summary.Fact, error) {
	out, err := q.Store.Queued(ctx, limit)
	if err != nil {
		return nil, err
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	n := min(limit-len(out), len(q.facts))
	if n > 0 {
		out = append(out, q.facts[:n]...)
	}
	return out, nil
}

// Unqueue drops facts from memory and deletes the others from the stored
// queue.
func (q *MemQueue) Unqueue(ctx context.Context, ids []string) error {
	drop := make(map[string]bool, len(ids))
	var stored []string
	q.mu.Lock()
	for _, id := range ids {
		if q.held[id] {
			drop[id] = true
			delete(q.held, id)
		} else {
			stored = append(stored, id)
		}
	}
	q.dropLocked(drop)
	q.mu.Unlock()
	if len(stored) == 0 {
		return nil
	}
	return q.Store.Unqueue(ctx, stored)
}

// Held returns how many facts are held in memory.
func (q *MemQueue) Held() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.facts)
}

// Flush moves the facts held in memory into the stored queue.
func (q *MemQueue) Flush(ctx context.Context) error {
	q.mu.Lock()
	facts := append([]summary.Fact(nil), q.facts...)
	q.mu.Unlock()
	if len(facts) == 0 {
		return nil
	}
	if err := q.Store.Queue(ctx, facts); err != nil {
		return err
	}
	drop := make(map[string]bool, len(facts))
	for _, f := range facts {
		drop[f.EventID] = true
	}
	q.mu.Lock()
	for id := range drop {
		delete(q.held, id)
	}
	q.dropLocked(drop)
	q.mu.Unlock()
	return nil
}

// dropLocked removes the facts of these events from memory.
func (q *MemQueue) dropLocked(drop map[string]bool) {
	if len(drop) == 0 {
		return
	}
	kept := q.facts[:0]
	for _, f := range q.facts {
		if !drop[f.EventID] {
			kept = append(kept, f)
		}
	}
	clear(q.facts[len(kept):])
	q.facts = kept
}
