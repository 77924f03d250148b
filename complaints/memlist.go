package complaints

import (
	"context"
	"slices"
	"strings"
	"sync"
)

// memList is a write-through copy of every complaint's list fields (no
// history), answering List, Export and PublicList in memory.
//
// It exists for the embedded store: FerretDB v1 answers every list filter
// by scanning and decoding the whole collection (about 2-6 s for the demo
// city's 3,700 cases), and with the embedded store this process is the only
// writer, so a copy kept up to date by apply and File stays exact.
type memList struct {
	mu   sync.RWMutex
	rows map[string]*Complaint
}

// EnableMemoryLists loads the list copy; from then on lists are answered
// from memory. Use it only when this process is the store's only writer.
func (s *Service) EnableMemoryLists(ctx context.Context) error {
	all, err := s.store.List(ctx, Filter{Limit: 0, Summary: true, Sort: "filed_at"})
	if err != nil {
		return err
	}
	m := &memList{rows: make(map[string]*Complaint, len(all))}
	for _, c := range all {
		m.rows[c.ID] = c
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
	row.Events = nil
	row.SupporterIDs = nil
	m.mu.Lock()
	if old, ok := m.rows[c.ID]; !ok || old.Version <= row.Version {
		m.rows[c.ID] = row
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
		res[i] = c.clone()
	}
	return res
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
