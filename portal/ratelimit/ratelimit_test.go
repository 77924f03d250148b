package ratelimit

import (
	"fmt"
	"testing"
	"time"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestPerHourBurstAndRefill(t *testing.T) {
	c := &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	l := PerHour(60, c.now)
	for i := 0; i < 60; i++ {
		if ok, _ := l.Allow("1.2.3.4"); !ok {
			t.Fatalf("request %d refused within the burst", i+1)
		}
	}
	ok, wait := l.Allow("1.2.3.4")
	if ok || wait != 60 {
		t.Fatalf("61st request: allowed %v, wait %d s; want refused, 60 s", ok, wait)
	}
	if ok, _ := l.Allow("5.6.7.8"); !ok {
		t.Fatal("another address shares the bucket")
	}
	c.t = c.t.Add(59 * time.Second)
	if ok, wait := l.Allow("1.2.3.4"); ok || wait != 1 {
		t.Fatalf("after 59 s: allowed %v, wait %d; want refused, 1 s", ok, wait)
	}
	c.t = c.t.Add(time.Second)
	if ok, _ := l.Allow("1.2.3.4"); !ok {
		t.Fatal("a token refilled after a minute was refused")
	}
}

func TestPerMinute(t *testing.T) {
	c := &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	l := PerMinute(120, 3, c.now)
	for i := 0; i < 3; i++ {
		if ok, _ := l.Allow("k"); !ok {
			t.Fatalf("request %d refused within the burst", i+1)
		}
	}
	if ok, wait := l.Allow("k"); ok || wait != 1 {
		t.Fatalf("4th request: %v, wait %d", ok, wait)
	}
	c.t = c.t.Add(500 * time.Millisecond)
	if ok, _ := l.Allow("k"); !ok {
		t.Fatal("2 tokens a second: one due after 0.5 s")
	}
}

// TestIdleKeysPruned: distinct addresses that stopped asking are forgotten
// once their buckets refilled, so the map stays bounded; a key still
// waiting for tokens is kept (forgetting it would reset its limit).
func TestIdleKeysPruned(t *testing.T) {
	c := &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	l := PerHour(2, c.now)
	l.Allow("busy")
	l.Allow("busy")
	// busy and these are pruneEvery-1 new keys: no sweep yet.
	for i := 0; i < pruneEvery-2; i++ {
		l.Allow(fmt.Sprintf("10.0.%d.%d", i/256, i%256))
	}
	c.t = c.t.Add(time.Hour)
	// The one-off addresses have refilled; "busy" has too, so use its
	// tokens again first. The next new key sweeps.
	l.Allow("busy")
	l.Allow("busy")
	l.Allow("new-address")
	if n := l.Keys(); n != 2 {
		t.Fatalf("%d keys after pruning, want 2 (busy and new-address)", n)
	}
	if ok, _ := l.Allow("busy"); ok {
		t.Fatal("pruning reset a key that was still limited")
	}
}
