package audit

import (
	"strings"
	"testing"
	"time"
)

func TestOutcomeOf(t *testing.T) {
	for status, want := range map[int]string{200: OK, 201: OK, 204: OK, 302: OK, 400: Rejected, 404: Rejected, 409: Rejected,
		401: Refused, 403: Refused, 429: Refused, 500: Failed, 503: Failed} {
		if got := OutcomeOf(status); got != want {
			t.Errorf("OutcomeOf(%d) = %s, want %s", status, got, want)
		}
	}
}

func TestIDsOrderByTimeAndParse(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	a, b := newID(t0), newID(t0.Add(time.Nanosecond))
	if !(a < b) || !ParseCursor(a) || !ParseCursor(b) {
		t.Fatalf("ids %s %s", a, b)
	}
	for _, bad := range []string{"", "xyz", strings.Repeat("g", 24), a + "0"} {
		if ParseCursor(bad) {
			t.Errorf("ParseCursor(%q) accepted", bad)
		}
	}
}

func TestTruncateKeepsRunes(t *testing.T) {
	if got := Truncate("垃圾很多", 4); got != "垃…" {
		t.Errorf("Truncate = %q", got)
	}
	if got := Truncate("short", 10); got != "short" {
		t.Errorf("Truncate = %q", got)
	}
}
