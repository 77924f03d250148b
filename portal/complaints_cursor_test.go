package portal

import (
	"testing"
	"time"

	"cleancity/complaints"
)

// FuzzDecodeCursor: list cursors come from query strings; decoding never
// panics, and whatever decodes re-encodes to the same cursor.
func FuzzDecodeCursor(f *testing.F) {
	f.Add(encodeCursor(&complaints.Cursor{Value: time.Date(2026, 6, 1, 5, 5, 0, 0, time.UTC), ID: "K7M2Q9XR4T"}))
	f.Add("")
	f.Add("%%%")
	f.Add("MTc4MDI5MDMwMDAwMHxLN00yUTlYUjRU")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := decodeCursor(s)
		if err != nil {
			return
		}
		back, err := decodeCursor(encodeCursor(c))
		if err != nil || !back.Value.Equal(c.Value) || back.ID != c.ID {
			t.Fatalf("%q: %+v does not round-trip (%+v, %v)", s, c, back, err)
		}
	})
}
