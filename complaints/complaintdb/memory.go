package complaintdb

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"cleancity/complaints"
)

// Memory is a complaints.Store that keeps a write-through copy of every
// complaint and answers Get, List, SweepCandidates and Candidates from it;
// everything else, and every write, goes to the store it wraps.
//
// It exists for the embedded store: FerretDB v1 on SQLite answers every
// list filter by scanning and decoding the whole collection (about 2-6 s
// for the demo city's 3,700 cases), and there this process is the only
// writer, so a copy kept up to date by its own writes stays exact. Lists
// mean what complaints.Filter.Match says, duplicate checks what
// complaints.DuplicateQuery.Match says: the same rules the wrapped store's
// queries translate.
type Memory struct {
	complaints.Store

	mu   sync.RWMutex
	rows map[string]*complaints.Complaint
	// cells lists the ids under each duplicate-index cell, as the store's
	// cells do (without their cap of 30), so a duplicate check looks at
	// the few cases of four cells, not at every case.
	cells map[string][]string
}

var _ complaints.Store = (*Memory)(nil)

// NewMemory loads every complaint of st into memory and wraps st. Use it
// only when this process is the store's only writer.
func NewMemory(ctx context.Context, st complaints.Store) (*Memory, error) {
	all, err := st.List(ctx, complaints.Filter{Sort: "filed_at"})
	if err != nil {
		return nil, err
	}
	m := &Memory{Store: st, rows: make(map[string]*complaints.Complaint, len(all)), cells: map[string][]string{}}
	for _, c := range all {
		m.put(c)
	}
	return m, nil
}

// put stores a row; the caller holds m.mu for writing.
func (m *Memory) put(c *complaints.Complaint) {
	if _, ok := m.rows[c.ID]; !ok {
		key := complaints.DuplicateCell(c)
		m.cells[key] = append(m.cells[key], c.ID)
	}
	m.rows[c.ID] = c
}

// remember records a stored state, unless the copy holds a newer one.
func (m *Memory) remember(c *complaints.Complaint) {
	row := c.Clone()
	m.mu.Lock()
	if old, ok := m.rows[c.ID]; !ok || old.Version <= row.Version {
		m.put(row)
	}
	m.mu.Unlock()
}

// Create stores the complaint, then copies it.
func (m *Memory) Create(ctx context.Context, c *complaints.Complaint) error {
	if err := m.Store.Create(ctx, c); err != nil {
		return err
	}
	m.remember(c)
	return nil
}

// CreateMany stores the complaints, then copies them.
func (m *Memory) CreateMany(ctx context.Context, cs []*complaints.Complaint) error {
	if err := m.Store.CreateMany(ctx, cs); err != nil {
		return err
	}
	for _, c := range cs {
		m.remember(c)
	}
	return nil
}

// Apply stores the change, then copies the new state. On a conflict the
// copy was behind the store (a change this process did not make): it
// takes the store's state, so the caller's retry sees it.
func (m *Memory) Apply(ctx context.Context, prev, next *complaints.Complaint, ev complaints.Event) error {
	if err := m.Store.Apply(ctx, prev, next, ev); err != nil {
		if complaints.IsConflict(err) {
			if cur, gerr := m.Store.Get(ctx, prev.ID); gerr == nil {
				m.remember(cur)
			}
		}
		return err
	}
	m.remember(next)
	return nil
}

// Get returns a copy of one complaint, reading (and copying) it from the
// wrapped store when the copy lacks it.
func (m *Memory) Get(ctx context.Context, id string) (*complaints.Complaint, error) {
	m.mu.RLock()
	c, ok := m.rows[id]
	m.mu.RUnlock()
	if ok {
		return c.Clone(), nil
	}
	c, err := m.Store.Get(ctx, id)
	if err == nil {
		m.remember(c)
	}
	return c, err
}

// Reload reads one complaint from the wrapped store and copies it.
func (m *Memory) Reload(ctx context.Context, id string) (*complaints.Complaint, error) {
	c, err := m.Store.Reload(ctx, id)
	if err == nil {
		m.remember(c)
	}
	return c, err
}

// List answers f from memory.
func (m *Memory) List(_ context.Context, f complaints.Filter) ([]*complaints.Complaint, error) {
	m.mu.RLock()
	out := make([]*complaints.Complaint, 0, 64)
	for _, c := range m.rows {
		if f.Match(c) {
			out = append(out, c)
		}
	}
	m.mu.RUnlock()
	slices.SortFunc(out, f.Compare)
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[:f.Limit]
	}
	res := make([]*complaints.Complaint, len(out))
	for i, c := range out {
		if f.Summary {
			// List views carry no history; skip copying it.
			n := *c
			n.Events, n.SupporterIDs, n.SupporterDevices = nil, nil, nil
			res[i] = n.Clone()
		} else {
			res[i] = c.Clone()
		}
	}
	return res, nil
}

// SweepCandidates answers from memory.
func (m *Memory) SweepCandidates(_ context.Context, now, resolvedBefore time.Time) ([]string, error) {
	var ids []string
	m.mu.RLock()
	for _, c := range m.rows {
		if complaints.SweepDue(c, now, resolvedBefore) {
			ids = append(ids, c.ID)
		}
	}
	m.mu.RUnlock()
	slices.Sort(ids)
	return ids, nil
}

// Candidates answers from memory, reading the query's cells.
func (m *Memory) Candidates(_ context.Context, q complaints.DuplicateQuery) ([]complaints.Candidate, error) {
	var out []complaints.Candidate
	m.mu.RLock()
	for _, key := range q.Cells() {
		for _, id := range m.cells[key] {
			if c := m.rows[id]; c != nil {
				if cand, ok := q.Match(c); ok {
					out = append(out, cand)
				}
			}
		}
	}
	m.mu.RUnlock()
	return out, nil
}

// Events answers the event feed from the copy: every event of a case is
// at or before its UpdatedAt, so only cases changed since the cursor are
// looked at. The order and cursor are the store's: (At, ID) ascending.
func (m *Memory) Events(_ context.Context, after complaints.EventCursor, limit int) ([]complaints.Event, error) {
	var out []complaints.Event
	m.mu.RLock()
	for _, c := range m.rows {
		if c.UpdatedAt.Before(after.At) {
			continue
		}
		for _, ev := range c.Events {
			if ev.At.After(after.At) || (ev.At.Equal(after.At) && ev.ID > after.ID) {
				out = append(out, ev)
			}
		}
	}
	m.mu.RUnlock()
	slices.SortFunc(out, func(a, b complaints.Event) int {
		if r := a.At.Compare(b.At); r != 0 {
			return r
		}
		return strings.Compare(a.ID, b.ID)
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// ContactCandidates answers the retention sweep from the copy.
func (m *Memory) ContactCandidates(_ context.Context, closedBefore time.Time) ([]string, error) {
	var ids []string
	m.mu.RLock()
	for _, c := range m.rows {
		if complaints.ContactErasable(c, closedBefore) {
			ids = append(ids, c.ID)
		}
	}
	m.mu.RUnlock()
	slices.Sort(ids)
	return ids, nil
}
