package auth

import (
	"context"
	"net/netip"
	"strconv"
	"sync"
	"time"
)

// Rate limits live in the store, so every portal process sharing it
// counts together: fixed-window counters (upsert with $inc) for requests
// and registrations per client address, and sign-in throttles (a count of
// unsettled attempts and the time the next may start) per (username,
// address) and per address. Sweep deletes expired documents, as FerretDB
// v1 has no TTL indexes.

// window returns the current window of length d: its start, its end and
// the seconds until it ends.
func (s *Service) window(d time.Duration) (time.Time, time.Time, int) {
	now := s.now()
	start := now.Truncate(d)
	end := start.Add(d)
	return start, end, retrySeconds(end.Sub(now))
}

// retrySeconds rounds a wait up to whole seconds, at least one.
func retrySeconds(d time.Duration) int {
	return max(int((d+time.Second-1)/time.Second), 1)
}

// addrKey is the key of a client address in the limits: an IPv4 address
// itself, an IPv6 address its /64 (one subscriber's network, whose
// addresses a client may rotate through at will).
func addrKey(addr string) string {
	a, err := netip.ParseAddr(addr)
	if err != nil || !a.Is6() || a.Is4In6() {
		return addr
	}
	p, _ := a.Prefix(64)
	return p.String()
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
	start, end, retry := s.window(s.limits.Window)
	n, err := s.hit(ctx, limitID("ip", addrKey(addr), start), end)
	if err != nil {
		return err
	}
	if n > s.limits.RequestsPerClient {
		return tooMany(retry)
	}
	return nil
}

// CheckRegistration refuses a registration from an address that already
// registered RegistrationsPerClient accounts in this window
// (ErrTooManyRegistrations with RetryAfter); CountRegistration counts one.
// Only attempts that reach the store are counted, so a resident fixing a
// rejected form does not use up the address's allowance.
func (s *Service) CheckRegistration(ctx context.Context, addr string) error {
	start, _, retry := s.window(s.limits.RegistrationWindow)
	n, err := s.st.count(ctx, limitID("reg", addrKey(addr), start))
	if err != nil {
		return err
	}
	if n >= s.limits.RegistrationsPerClient {
		e := *ErrTooManyRegistrations
		e.RetryAfter = retry
		return &e
	}
	return nil
}

// CountRegistration counts one registration attempt from addr.
func (s *Service) CountRegistration(ctx context.Context, addr string) error {
	start, end, _ := s.window(s.limits.RegistrationWindow)
	_, err := s.hit(ctx, limitID("reg", addrKey(addr), start), end)
	return err
}

// pairThrottle, clientThrottle and accountThrottle name the sign-in
// throttles.
func pairThrottle(username, addr string) string { return "signin:" + username + "|" + addrKey(addr) }
func clientThrottle(addr string) string         { return "signin-ip:" + addrKey(addr) }
func accountThrottle(username string) string    { return "signin-user:" + username }

// rememberAddr puts addr first in an account's known addresses.
func rememberAddr(known []string, addr string) []string {
	out := []string{addr}
	for _, a := range known {
		if a != addr && len(out) < MaxKnownAddrs {
			out = append(out, a)
		}
	}
	return out
}

// admit lets one sign-in attempt start under throttle id, or refuses it
// with RetryAfter while the throttle's wait runs. An admitted attempt
// counts at once (before its password is checked), so a burst of parallel
// guesses cannot all slip through the free ones; settle takes it back
// when the password was right. After the free-th unsettled attempt each
// further one first waits BackoffBase, doubled per attempt up to
// BackoffMax.
func (s *Service) admit(ctx context.Context, id string, free int64) error {
	mu := s.lockFor(id)
	mu.Lock()
	defer mu.Unlock()
	now := s.now().UTC()
	t, err := s.st.throttle(ctx, id)
	if err != nil {
		return err
	}
	if now.Before(t.Next) {
		return tooMany(retrySeconds(t.Next.Sub(now)))
	}
	t.ID = id
	t.Count++
	if t.Count >= free {
		t.Next = now.Add(s.backoff(t.Count - free))
	}
	t.ExpiresAt = later(t.Next, now).Add(s.limits.FailureMemory)
	return s.st.saveThrottle(ctx, t)
}

// backoff is the wait after the k-th attempt beyond the free ones
// (k = 0 is the first): BackoffBase * 2^k, at most BackoffMax.
func (s *Service) backoff(k int64) time.Duration {
	d := s.limits.BackoffBase
	for ; k > 0 && d < s.limits.BackoffMax; k-- {
		d *= 2
	}
	return min(d, s.limits.BackoffMax)
}

// settle takes back a successful attempt: the (username, address) pair
// (if given) starts afresh, and the shared throttle's count (an address's
// or an account's) drops by the one attempt; its running wait, if any,
// stays.
func (s *Service) settle(ctx context.Context, pair, shared string) error {
	if pair != "" {
		if err := s.st.deleteThrottle(ctx, pair); err != nil {
			return err
		}
	}
	if shared == "" {
		return nil
	}
	mu := s.lockFor(shared)
	mu.Lock()
	defer mu.Unlock()
	t, err := s.st.throttle(ctx, shared)
	if err != nil || t.ID == "" || t.Count == 0 {
		return err
	}
	t.Count--
	return s.st.saveThrottle(ctx, t)
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// hit increments a counter with the process's hits on the same key in
// line: FerretDB v1 applies concurrent $inc as read-modify-write and loses
// some, so without this a burst of parallel requests from one client would
// count low. Across processes on FerretDB a simultaneous hit can still be
// lost, so the limit may be exceeded by at most one per extra process and
// collision; on MongoDB the count is exact.
func (s *Service) hit(ctx context.Context, id string, expires time.Time) (int64, error) {
	mu := s.lockFor(id)
	mu.Lock()
	defer mu.Unlock()
	return s.st.hit(ctx, id, expires)
}

// lockFor is the in-process lock of a limit document.
func (s *Service) lockFor(id string) *sync.Mutex {
	return &s.hitLocks[fnv32(id)%uint32(len(s.hitLocks))]
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
