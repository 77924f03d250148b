// Package ratelimit is a token bucket per key, kept in this process's
// memory: the Open311 per-key limit and the limit on anonymous complaint
// filings per client address. Several portal processes each keep their
// own buckets, so behind a load balancer the effective limit is the
// per-process one times the number of processes.
package ratelimit

import (
	"math"
	"sync"
	"time"
)

// pruneEvery is how many new keys may be added between sweeps of idle
// buckets, so a stream of distinct client addresses cannot grow the map
// without bound.
const pruneEvery = 4096

// Limiter hands out tokens per key: rate a second, up to burst.
type Limiter struct {
	rate, burst float64
	now         func() time.Time
	mu          sync.Mutex
	buckets     map[string]*bucket
	added       int
}

type bucket struct {
	tokens float64
	at     time.Time
}

// PerMinute returns a limiter of perMinute tokens a minute, up to burst.
func PerMinute(perMinute, burst int, now func() time.Time) *Limiter {
	return newLimiter(float64(perMinute)/60, float64(burst), now)
}

// PerHour returns a limiter of perHour tokens an hour, all of which may be
// used at once.
func PerHour(perHour int, now func() time.Time) *Limiter {
	return newLimiter(float64(perHour)/3600, float64(perHour), now)
}

func newLimiter(rate, burst float64, now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	return &Limiter{rate: rate, burst: burst, now: now, buckets: map[string]*bucket{}}
}

// Allow takes a token for key, or returns how many seconds to wait for
// the next one.
func (l *Limiter) Allow(key string) (bool, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b := l.buckets[key]
	if b == nil {
		l.added++
		if l.added >= pruneEvery {
			l.pruneLocked(now)
		}
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[key] = b
	}
	b.tokens = min(l.burst, b.tokens+now.Sub(b.at).Seconds()*l.rate)
	b.at = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	// Whole seconds, rounded up (the epsilon keeps float noise from
	// adding one).
	return false, max(1, int(math.Ceil((1-b.tokens)/l.rate-1e-9)))
}

// Keys returns how many keys hold a bucket.
func (l *Limiter) Keys() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}

// pruneLocked drops the buckets that have refilled completely: a new
// bucket for their key would start full, so forgetting them changes
// nothing.
func (l *Limiter) pruneLocked(now time.Time) {
	l.added = 0
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.at).Seconds()*l.rate >= l.burst {
			delete(l.buckets, k)
		}
	}
}
