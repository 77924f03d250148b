package complaintdb

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"cleancity/complaints"
	"cleancity/portal/store"
)

// batcher groups concurrent calls into batches of at most max, written by
// write: on the embedded store every write command is a SQLite transaction
// with its own commit, so N calls in one batch cost one commit instead of
// N. There is no background goroutine: the first caller to find no batch
// running becomes the leader and writes what has queued up, the others
// wait for their result.
type batcher[P any] struct {
	max     int
	write   func(ctx context.Context, batch []*batchReq[P])
	mu      sync.Mutex
	pending []*batchReq[P]
	running bool
}

// batchReq is one queued call; write answers it on done.
type batchReq[P any] struct {
	p    P
	done chan error
}

// submit queues p and returns its result once a batch holding it is written.
func (b *batcher[P]) submit(ctx context.Context, p P) error {
	r := &batchReq[P]{p: p, done: make(chan error, 1)}
	b.mu.Lock()
	b.pending = append(b.pending, r)
	if b.running {
		b.mu.Unlock()
		select {
		case err := <-r.done:
			return err
		case <-ctx.Done():
			// The batch may still store it; the caller gets an error
			// either way, as with a write cut off mid-flight.
			return ctx.Err()
		}
	}
	b.running = true
	for len(b.pending) > 0 {
		n := min(len(b.pending), b.max)
		batch := b.pending[:n:n]
		b.pending = b.pending[n:]
		b.mu.Unlock()
		b.write(context.WithoutCancel(ctx), batch)
		b.mu.Lock()
	}
	b.running = false
	b.mu.Unlock()
	return <-r.done
}

// newCase is a filing: the case and its first event.
type newCase struct {
	doc *caseDoc
	ev  *eventDoc
}

// cellBatch stays under FerretDB v1's limit (store.UpdateBatch).
const cellBatch = store.UpdateBatch

// GroupFilings batches concurrent Create calls (one insertMany of cases and
// one of their first events), up to max per batch, and concurrent
// duplicate-index updates, up to cellBatch per bulk write.
func (s *Store) GroupFilings(max int) {
	if max > 1 {
		s.group = &batcher[newCase]{max: max, write: s.writeBatch}
		s.cellGroup = &batcher[mongo.WriteModel]{max: cellBatch, write: s.writeCells}
	}
}

func (s *Store) createGrouped(ctx context.Context, c *complaints.Complaint) error {
	nc := newCase{doc: toDoc(c)}
	if len(c.Events) > 0 {
		ev := toEventDoc(c.Events[0])
		nc.ev = &ev
	}
	return s.group.submit(ctx, nc)
}

func (s *Store) addCellGrouped(ctx context.Context, model mongo.WriteModel) error {
	return s.cellGroup.submit(ctx, model)
}

// writeBatch inserts the batch's cases, then the events of those stored,
// and answers every request.
func (s *Store) writeBatch(ctx context.Context, batch []*batchReq[newCase]) {
	defer s.enter()()
	errs := make([]error, len(batch))
	docs := make([]any, len(batch))
	for i, r := range batch {
		docs[i] = r.p.doc
	}
	_, err := s.cases.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	if err != nil {
		var bwe mongo.BulkWriteException
		if !errors.As(err, &bwe) || len(bwe.WriteErrors) == 0 {
			for i := range errs {
				errs[i] = fmt.Errorf("insert complaints: %w", err)
			}
		} else {
			for _, we := range bwe.WriteErrors {
				if we.Index < 0 || we.Index >= len(errs) {
					continue
				}
				if we.Code == 11000 {
					errs[we.Index] = complaints.ErrCodeTaken
				} else {
					errs[we.Index] = fmt.Errorf("insert complaint: %s", we.Message)
				}
			}
		}
	}
	var evs []any
	var owners []int
	for i, r := range batch {
		if errs[i] == nil && r.p.ev != nil {
			evs = append(evs, r.p.ev)
			owners = append(owners, i)
		}
	}
	if len(evs) > 0 {
		if _, err := s.events.InsertMany(ctx, evs, options.InsertMany().SetOrdered(false)); err != nil && !mongo.IsDuplicateKeyError(err) {
			for _, i := range owners {
				errs[i] = fmt.Errorf("insert event: %w", err)
			}
		}
	}
	for i, r := range batch {
		r.done <- errs[i]
	}
}

func (s *Store) writeCells(ctx context.Context, batch []*batchReq[mongo.WriteModel]) {
	defer s.enter()()
	models := make([]mongo.WriteModel, len(batch))
	for i, r := range batch {
		models[i] = r.p
	}
	// Ordered: two entries for one cell must both land.
	_, err := s.cells.BulkWrite(ctx, models, options.BulkWrite().SetOrdered(true))
	if err != nil {
		err = fmt.Errorf("update cells: %w", err)
	}
	for _, r := range batch {
		r.done <- err
	}
}
