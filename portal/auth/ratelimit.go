package auth

import (
	"context"
	"strconv"
	"time"
)

// Rate limits are fixed-window counters in the store (upsert with $inc),
// so every portal process sharing the store counts together. A window's
// counter document is named by key and window start; Sweep deletes
// expired ones, as FerretDB v1 has no TTL indexes.

// window returns the current window's start and the seconds until it ends.
func (s *Service) window() (time.Time, time.Time, int) {
	now := s.now()
	start := now.Truncate(s.limits.Window)
	end := start.Add(s.limits.Window)
	retry := int((end.Sub(now) + time.Second - 1) / time.Second)
	return start, end, max(retry, 1)
}

func limitID(kind, key string, start time.Time) string {
	return kind + ":" + key + "@" + strconv.FormatInt(start.Unix(), 10)
}

func tooMany(retry int) *Error {
	e := *ErrTooManyAttempts
	e.RetryAfter = retry
	return &e
}

// AllowClient counts one auth request from a client address and returns a
// RateLimited *Error (with RetryAfter) once the address has made more than
// RequestsPerClient in the current window.
func (s *Service) AllowClient(ctx context.Context, addr string) error {
	start, end, retry := s.window()
	n, err := s.hit(ctx, limitID("ip", addr, start), end)
	if err != nil {
		return err
	}
	if n > s.limits.RequestsPerClient {
		return tooMany(retry)
	}
	return nil
}

// checkFailures refuses a sign-in for a username that already failed
// FailuresPerUser times in this window, before any password is checked.
func (s *Service) checkFailures(ctx context.Context, username string) error {
	start, _, retry := s.window()
	n, err := s.st.count(ctx, limitID("fail", username, start))
	if err != nil {
		return err
	}
	if n >= s.limits.FailuresPerUser {
		return tooMany(retry)
	}
	return nil
}

func (s *Service) recordFailure(ctx context.Context, username string) error {
	start, end, _ := s.window()
	_, err := s.hit(ctx, limitID("fail", username, start), end)
	return err
}

// hit increments a counter with the process's hits on the same key in
// line: FerretDB v1 applies concurrent $inc as read-modify-write and loses
// some, so without this a burst of parallel requests from one client would
// count low. Across processes on FerretDB a simultaneous hit can still be
// lost, so the limit may be exceeded by at most one per extra process and
// collision; on MongoDB the count is exact.
func (s *Service) hit(ctx context.Context, id string, expires time.Time) (int64, error) {
	mu := &s.hitLocks[fnv32(id)%uint32(len(s.hitLocks))]
	mu.Lock()
	defer mu.Unlock()
	return s.st.hit(ctx, id, expires)
}

func fnv32(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}

// Sweep deletes expired rate-limit counters and long-expired sessions.
// Safe to run in several processes at once.
func (s *Service) Sweep(ctx context.Context) error {
	limits, sessions, err := s.st.sweep(ctx, s.now().UTC())
	if err != nil {
		return err
	}
	if limits+sessions > 0 {
		s.log.Debug("auth sweep", "counters", limits, "sessions", sessions)
	}
	return nil
}

// RunSweeper calls Sweep every interval until ctx ends.
func (s *Service) RunSweeper(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.Sweep(ctx); err != nil && ctx.Err() == nil {
				s.log.Error("auth sweep failed", "err", err)
			}
		}
	}
}
