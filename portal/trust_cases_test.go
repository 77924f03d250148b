package portal_test

import (
	"fmt"
	"math"
	"net/http"
	"testing"
	"time"

	"cleancity/portal"
	"cleancity/portal/portaltest"
)

// Regression tests of issue 15 (the attack on the demo city), one per row
// this branch fixes: each reproduces the attack through the real app.

// TestTrust_Row02_DuplicateHintsDoNotLocateReporters repeats the attack:
// three duplicate checks around a case's public (rounded) position and
// trilateration from the distances recovered the anonymous reporter's
// point within 0.4 m. Now the answer carries only a distance band computed
// from the public position, so two cases in the same public cell answer
// every query alike, and lookups are limited per address.
func TestTrust_Row02_DuplicateHintsDoNotLocateReporters(t *testing.T) {
	clock := portaltest.NewClock(time.Date(2026, 6, 1, 5, 5, 0, 0, time.UTC))
	e := &workflowEnv{srv: newCityServer(t, portaltest.WithClock(clock)), clock: clock}
	e.sanitation = e.srv.Token(t, portal.RoleDepartment, "sanitation")
	truth := [2]float64{27.88537, 113.09042}
	a := mustFileHTTP(t, e.srv, "", map[string]any{"lat": truth[0], "lon": truth[1]})
	pub := e.srv.Get("/api/v1/track/"+a["id"].(string), "").JSON(t)["location"].(map[string]any)
	pubLat, pubLon := pub["lat"].(float64), pub["lon"].(float64)

	// Metres east and north of the public point (flat earth is exact enough here).
	const mPerDeg = 111320.0
	east := func(lon float64) float64 { return (lon - pubLon) * mPerDeg * math.Cos(pubLat*math.Pi/180) }
	north := func(lat float64) float64 { return (lat - pubLat) * mPerDeg }
	lookup := func(lat, lon float64) map[string]any {
		t.Helper()
		r := e.srv.Get(fmt.Sprintf("/api/v1/complaints/duplicates?category=garbage&lat=%.6f&lon=%.6f", lat, lon), "")
		if r.Status != http.StatusOK {
			t.Fatalf("duplicates at %.6f,%.6f: %d %s", lat, lon, r.Status, r.Body)
		}
		list := r.JSON(t)["possible_duplicates"].([]any)
		if len(list) != 1 {
			t.Fatalf("duplicates at %.6f,%.6f: %v", lat, lon, list)
		}
		return list[0].(map[string]any)
	}

	// The attack: three distances, then trilateration.
	probes := [][2]float64{{pubLat + 0.0004, pubLon + 0.0002}, {pubLat + 0.0002, pubLon + 0.0005}, {pubLat + 0.0005, pubLon + 0.0005}}
	var dist [3]float64
	for i, p := range probes {
		c := lookup(p[0], p[1])
		d, exact := c["distance_m"].(float64)
		if exact {
			dist[i] = d
			continue
		}
		if w, _ := c["within_m"].(float64); w != 50 && w != 100 && w != 200 && w != 300 {
			t.Errorf("probe %d: within_m %v, want a band of 50/100/200/300 m", i, c["within_m"])
		}
		dist[i] = -1
	}
	if dist[0] >= 0 {
		// Linearised trilateration: subtract the first circle from the others.
		x := [3]float64{east(probes[0][1]), east(probes[1][1]), east(probes[2][1])}
		y := [3]float64{north(probes[0][0]), north(probes[1][0]), north(probes[2][0])}
		a1, b1 := 2*(x[1]-x[0]), 2*(y[1]-y[0])
		c1 := dist[0]*dist[0] - dist[1]*dist[1] + x[1]*x[1] - x[0]*x[0] + y[1]*y[1] - y[0]*y[0]
		a2, b2 := 2*(x[2]-x[0]), 2*(y[2]-y[0])
		c2 := dist[0]*dist[0] - dist[2]*dist[2] + x[2]*x[2] - x[0]*x[0] + y[2]*y[2] - y[0]*y[0]
		det := a1*b2 - a2*b1
		gx, gy := (c1*b2-c2*b1)/det, (a1*c2-a2*c1)/det
		miss := math.Hypot(gx-east(truth[1]), gy-north(truth[0]))
		t.Fatalf("duplicate hints give exact distances %v: trilateration found the reporter within %.2f m", dist, miss)
	}

	// Every answer depends on the case's public position only: a second
	// case elsewhere in the same public cell answers a grid of queries
	// exactly as the first did.
	answers := func() []string {
		var out []string
		for i := -3; i <= 3; i++ {
			for j := -3; j <= 3; j++ {
				if len(out)%25 == 24 {
					clock.Advance(time.Minute) // stay under the lookup limit
				}
				c := lookup(pubLat+float64(i)*0.0002, pubLon+float64(j)*0.0002)
				out = append(out, fmt.Sprint(c["within_m"], c["distance_m"]))
			}
		}
		return out
	}
	before := answers()
	if r := e.act(t, e.sanitation, a["id"].(string), map[string]any{"action": "reject", "note": "测试完毕", "version": 1}); r.Status != 200 {
		t.Fatalf("reject: %d %s", r.Status, r.Body)
	}
	clock.Advance(time.Minute)
	b := mustFileHTTP(t, e.srv, "", map[string]any{"lat": pubLat - 0.00041, "lon": pubLon + 0.00044})
	if got := e.srv.Get("/api/v1/track/"+b["id"].(string), "").JSON(t)["location"]; fmt.Sprint(got) != fmt.Sprint(pub) {
		t.Fatalf("second case is not in the same public cell: %v vs %v", got, pub)
	}
	after := answers()
	for i := range before {
		if before[i] != after[i] {
			t.Fatalf("query %d answers %q for one case and %q for another in the same public cell", i, before[i], after[i])
		}
	}

	// Lookups are limited per client address.
	clock.Advance(time.Hour)
	var last portaltest.Response
	for range 31 {
		last = e.srv.Get(fmt.Sprintf("/api/v1/complaints/duplicates?category=garbage&lat=%f&lon=%f", pubLat, pubLon), "")
	}
	if last.Status != http.StatusTooManyRequests || last.Header.Get("Retry-After") == "" {
		t.Errorf("31st lookup in a minute: %d %s", last.Status, last.Body)
	}
}
