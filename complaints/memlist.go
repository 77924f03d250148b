package complaints

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"
)

// memList is a write-through copy of every complaint, answering Get,
// Track, List, Export, PublicList and sweeps in memory.
//
// It exists for the embedded store: FerretDB v1 answers every list filter
// by scanning and decoding the whole collection (about 2-6 s for the demo
// city's 3,700 cases), and with the embedded store this process is the only
// writer, so a copy kept up to date by apply and File stays exact.
type memList struct {
	mu   sync.RWMutex
	rows map[string]*Complaint
	// cells lists the ids under each duplicate-index cell, as the store's
	// cells do (without their cap of 30), so a duplicate check looks at the
	// few cases of four cells, not at every case.
	cells map[string][]string
}

// put stores a row; the caller holds m.mu for writing.
func (m *memList) put(c *Complaint) {
	if _, ok := m.rows[c.ID]; !ok {
		key, _ := cellEntryOf(c)
		m.cells[key] = append(m.cells[key], c.ID)
	}
	m.rows[c.ID] = c
}

// EnableMemoryLists loads the list copy; from then on lists and duplicate
// checks are answered from memory. Use it only when this process is the
// store's only writer. Filings no longer update the duplicate-index cells,
// so it marks them stale: a later process without the copy (the same data
// served by "portal db serve" to several portals) rebuilds them with
// RepairDuplicateIndex before it reads them.
func (s *Service) EnableMemoryLists(ctx context.Context) error {
	all, err := s.store.List(ctx, Filter{Limit: 0, Sort: "filed_at"})
	if err != nil {
		return err
	}
	if err := s.store.SetCellsStale(ctx, true); err != nil {
		return err
	}
	m := &memList{rows: make(map[string]*Complaint, len(all)), cells: map[string][]string{}}
	for _, c := range all {
		m.put(c)
	}
	s.mu.Lock()
	s.mem = m
	s.mu.Unlock()
	return nil
}

func (s *Service) memory() *memList {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.mem
}

// remember records a stored state in the list copy, if there is one.
func (s *Service) remember(c *Complaint) {
	m := s.memory()
	if m == nil {
		return
	}
	row := c.clone()
	m.mu.Lock()
	if old, ok := m.rows[c.ID]; !ok || old.Version <= row.Version {
		m.put(row)
	}
	m.mu.Unlock()
}

// list answers a filter like the store's List.
func (m *memList) list(f Filter) []*Complaint {
	text := strings.ToLower(f.Text)
	field := strings.TrimPrefix(f.Sort, "-")
	desc := strings.HasPrefix(f.Sort, "-")
	switch field {
	case "filed_at", "due_at", "updated_at":
	default:
		field, desc = "filed_at", true
	}
	f.Sort = field
	if desc {
		f.Sort = "-" + field
	}
	m.mu.RLock()
	out := make([]*Complaint, 0, 64)
	for _, c := range m.rows {
		if matches(c, f, text) {
			out = append(out, c)
		}
	}
	m.mu.RUnlock()
	slices.SortFunc(out, func(a, b *Complaint) int {
		r := SortValue(a, f.Sort).Compare(SortValue(b, f.Sort))
		if r == 0 {
			r = strings.Compare(a.ID, b.ID)
		}
		if desc {
			return -r
		}
		return r
	})
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[:f.Limit]
	}
	res := make([]*Complaint, len(out))
	for i, c := range out {
		if f.Summary {
			// List views carry no history; skip copying it.
			n := *c
			n.Events, n.SupporterIDs, n.SupporterDevices = nil, nil, nil
			res[i] = n.clone()
		} else {
			res[i] = c.clone()
		}
	}
	return res
}

// get returns a copy of one complaint, or false.
func (m *memList) get(id string) (*Complaint, bool) {
	m.mu.RLock()
	c, ok := m.rows[id]
	m.mu.RUnlock()
	if !ok {
		return nil, false
	}
	return c.clone(), true
}

// load reads one complaint from memory, falling back to the store (and
// remembering what it read).
func (s *Service) load(ctx context.Context, id string) (*Complaint, error) {
	m := s.memory()
	if m != nil {
		if c, ok := m.get(id); ok {
			return c, nil
		}
	}
	c, err := s.store.Get(ctx, id)
	if err == nil && m != nil {
		s.remember(c)
	}
	return c, err
}

// matches mirrors the store's query for a filter.
func matches(c *Complaint, f Filter, text string) bool {
	if len(f.Statuses) > 0 && !slices.Contains(f.Statuses, c.Status) {
		return false
	}
	if len(f.Categories) > 0 && !slices.Contains(f.Categories, c.Category) {
		return false
	}
	switch {
	case f.Category != "" && c.Category != f.Category,
		f.DistrictID != "" && c.Place.DistrictID != f.DistrictID,
		f.StreetID != "" && c.Place.StreetID != f.StreetID,
		f.Department != "" && c.Department != f.Department,
		f.ReporterID != "" && c.ReporterID != f.ReporterID,
		f.NoticeLevel != nil && c.NoticeLevel != *f.NoticeLevel,
		f.Published != nil && c.Published != *f.Published,
		!f.From.IsZero() && c.FiledAt.Before(f.From),
		!f.To.IsZero() && !c.FiledAt.Before(f.To):
		return false
	}
	if text != "" && !strings.Contains(strings.ToLower(c.ID+" "+c.Description+" "+c.Address), text) {
		return false
	}
	if f.Overdue != nil {
		over := c.Status.Open() && c.DueAt.Before(f.Now)
		if over != *f.Overdue {
			return false
		}
	}
	if f.After != nil {
		v := SortValue(c, f.Sort)
		cmp := v.Compare(f.After.Value)
		if cmp == 0 {
			cmp = strings.Compare(c.ID, f.After.ID)
		}
		if strings.HasPrefix(f.Sort, "-") {
			cmp = -cmp
		}
		if cmp <= 0 {
			return false
		}
	}
	return true
}

// candidates is Service.candidates over the memory copy: the same rule and
// the same cells, without reading the store.
func (m *memList) candidates(cat Category, p *Point, community string, since time.Time) []Candidate {
	keys := []string{communityCell(cat.Code, community)}
	if p != nil {
		keys = cellKeys(cat.Code, *p)
	}
	var out []Candidate
	m.mu.RLock()
	for _, key := range keys {
		for _, id := range m.cells[key] {
			if c := m.rows[id]; c != nil {
				out = appendCandidate(out, c, cat, p, community, since)
			}
		}
	}
	m.mu.RUnlock()
	sortCandidates(out)
	if len(out) > 5 {
		out = out[:5]
	}
	return out
}

// appendCandidate appends c to out if it is a duplicate candidate.
func appendCandidate(out []Candidate, c *Complaint, cat Category, p *Point, community string, since time.Time) []Candidate {
	if c.Category != cat.Code || !c.Status.Open() || c.FiledAt.Before(since) {
		return out
	}
	dist := -1.0
	if p != nil {
		if c.Point == nil {
			return out
		}
		var near bool
		if dist, near = publicDistance(*p, *c.Point, cat.Radius()); !near {
			return out
		}
	} else if c.Point != nil || c.Place.CommunityID != community {
		return out
	}
	return append(out, Candidate{ID: c.ID, Status: c.Status, Distance: dist, FiledAt: c.FiledAt, Supporters: c.Supporters})
}
