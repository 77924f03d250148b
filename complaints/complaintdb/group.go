package complaintdb

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"cleancity/complaints"
)

// groupCommit batches concurrent filings into one insertMany of cases and
// one of their first events: on the embedded store every write command is
// a SQLite transaction with its own commit, so N filings in one batch cost
// about two commits instead of 2N. There is no background goroutine: the
// first caller to find no batch running becomes the leader and writes what
// has queued up, the others wait for their result.
type groupCommit struct {
	max     int
	mu      sync.Mutex
	pending []*createReq
	running bool
}

type createReq struct {
	doc  *caseDoc
	ev   *eventDoc
	done chan error
}

// GroupFilings batches concurrent Create calls, up to max per batch, and
// concurrent duplicate-index updates, up to 50 per bulk write.
func (s *Store) GroupFilings(max int) {
	if max > 1 {
		s.group = &groupCommit{max: max}
		s.cellGroup = &cellGroup{}
	}
}

func (s *Store) createGrouped(ctx context.Context, c *complaints.Complaint) error {
	r := &createReq{doc: toDoc(c), done: make(chan error, 1)}
	if len(c.Events) > 0 {
		ev := toEventDoc(c.Events[0])
		r.ev = &ev
	}
	g := s.group
	g.mu.Lock()
	g.pending = append(g.pending, r)
	if g.running {
		g.mu.Unlock()
		select {
		case err := <-r.done:
			return err
		case <-ctx.Done():
			// The batch may still store it; the caller gets an error
			// either way, as with a write cut off mid-flight.
			return ctx.Err()
		}
	}
	g.running = true
	for len(g.pending) > 0 {
		n := min(len(g.pending), g.max)
		batch := g.pending[:n:n]
		g.pending = g.pending[n:]
		g.mu.Unlock()
		s.writeBatch(context.WithoutCancel(ctx), batch)
		g.mu.Lock()
	}
	g.running = false
	g.mu.Unlock()
	return <-r.done
}

// writeBatch inserts the batch's cases, then the events of those stored,
// and answers every request.
func (s *Store) writeBatch(ctx context.Context, batch []*createReq) {
	defer s.enter()()
	errs := make([]error, len(batch))
	docs := make([]any, len(batch))
	for i, r := range batch {
		docs[i] = r.doc
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
		if errs[i] == nil && r.ev != nil {
			evs = append(evs, r.ev)
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

// cellGroup batches concurrent duplicate-index updates into one bulk
// write, like groupCommit does for filings.
type cellGroup struct {
	mu      sync.Mutex
	pending []*cellReq
	running bool
}

type cellReq struct {
	model mongo.WriteModel
	done  chan error
}

// cellBatch stays under FerretDB v1's limit: an update command with more
// than 100 statements that match existing documents hangs.
const cellBatch = 50

func (s *Store) addCellGrouped(ctx context.Context, model mongo.WriteModel) error {
	r := &cellReq{model: model, done: make(chan error, 1)}
	g := s.cellGroup
	g.mu.Lock()
	g.pending = append(g.pending, r)
	if g.running {
		g.mu.Unlock()
		select {
		case err := <-r.done:
			return err
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	g.running = true
	for len(g.pending) > 0 {
		n := min(len(g.pending), cellBatch)
		batch := g.pending[:n:n]
		g.pending = g.pending[n:]
		g.mu.Unlock()
		s.writeCells(context.WithoutCancel(ctx), batch)
		g.mu.Lock()
	}
	g.running = false
	g.mu.Unlock()
	return <-r.done
}

func (s *Store) writeCells(ctx context.Context, batch []*cellReq) {
	defer s.enter()()
	models := make([]mongo.WriteModel, len(batch))
	for i, r := range batch {
		models[i] = r.model
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
