package complaints

import (
	"context"
	"slices"
	"strings"
	"time"
)

// EventsBetween returns the events recorded with At in [from, to], oldest
// first, at most limit (the Open311 updates feed). With the memory copy it
// reads only cases changed since from (every event of a case is at or
// before its UpdatedAt); otherwise it pages the store's event feed.
func (s *Service) EventsBetween(ctx context.Context, from, to time.Time, limit int) ([]Event, error) {
	if limit <= 0 || limit > 10000 {
		limit = 1000
	}
	if m := s.memory(); m != nil {
		return m.eventsBetween(from, to, limit), nil
	}
	var out []Event
	cursor := EventCursor{At: from.Add(-time.Nanosecond), ID: "\uffff"}
	for {
		evs, err := s.store.Events(ctx, cursor, limit)
		if err != nil {
			return nil, err
		}
		for _, ev := range evs {
			if ev.At.After(to) || len(out) == limit {
				return out, nil
			}
			out = append(out, ev)
		}
		if len(evs) < limit {
			return out, nil
		}
		last := evs[len(evs)-1]
		cursor = EventCursor{At: last.At, ID: last.ID}
	}
}

func (m *memList) eventsBetween(from, to time.Time, limit int) []Event {
	var out []Event
	m.mu.RLock()
	for _, c := range m.rows {
		if c.UpdatedAt.Before(from) {
			continue
		}
		for _, ev := range c.Events {
			if !ev.At.Before(from) && !ev.At.After(to) {
				out = append(out, ev)
			}
		}
	}
	m.mu.RUnlock()
	slices.SortFunc(out, func(a, b Event) int {
		if r := a.At.Compare(b.At); r != 0 {
			return r
		}
		return strings.Compare(a.ID, b.ID)
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}
