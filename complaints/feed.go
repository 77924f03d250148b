package complaints

import (
	"context"
	"time"
)

// EventsBetween returns the events recorded with At in [from, to], oldest
// first, at most limit (the Open311 updates feed), paging the store's
// event feed.
func (s *Service) EventsBetween(ctx context.Context, from, to time.Time, limit int) ([]Event, error) {
	if limit <= 0 || limit > 10000 {
		limit = 1000
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
