package portal_test

import (
	"net/http"
	"testing"
	"time"

	"cleancity/portal"
	"cleancity/portal/portaltest"
)

// TestComplaintCount: the queue's count answers as many cases as the list
// pages through, for the same filters and the caller's scope, and refuses
// what the list refuses.
func TestComplaintCount(t *testing.T) {
	clock := portaltest.NewClock(time.Date(2026, 6, 1, 5, 5, 0, 0, time.UTC))
	srv := newCityServer(t, portaltest.WithClock(clock))
	spots := []struct {
		lat, lon float64
		cat      string
	}{
		{27.885, 113.09, "garbage"}, {27.875, 113.10, "flyers"}, {27.865, 113.09, "garbage"},
		{27.79, 113.21, "garbage"}, {27.80, 113.20, "sewage"},
	}
	for i, sp := range spots {
		mustFileHTTP(t, srv, "", map[string]any{"lat": sp.lat, "lon": sp.lon, "category": sp.cat,
			"description": "第" + string(rune('A'+i)) + "号投诉：路边卫生问题需要处理"})
		clock.Advance(time.Minute)
	}
	admin := srv.Token(t, portal.RoleAdmin, "")
	dept := srv.Token(t, portal.RoleDepartment, "citymgmt")
	resident := srv.Token(t, portal.RoleResident, "")
	count := func(token, query string) (int, any) {
		r := srv.Get("/api/v1/complaints/count?"+query, token)
		if r.Status != http.StatusOK {
			return r.Status, nil
		}
		return r.Status, portaltest.Lookup(r.JSON(t), "total")
	}
	listed := func(token, query string) int {
		m := srv.Get("/api/v1/complaints?limit=200&"+query, token).JSON(t)
		return len(m["items"].([]any))
	}
	for _, tc := range []struct {
		name, token, query string
		status             int
		want               float64
	}{
		{"all", admin, "", 200, 5},
		{"category", admin, "category=garbage", 200, 3},
		{"district", admin, "district=D04", 200, 2},
		{"overdue (none yet)", admin, "overdue=true", 200, 0},
		{"department staff see their department only", dept, "", 200, float64(listed(dept, ""))},
		{"bad filter", admin, "overdue=maybe", 400, 0},
		{"residents may not count the queue", resident, "", 403, 0},
		{"anonymous", "", "", 401, 0},
	} {
		status, got := count(tc.token, tc.query)
		if status != tc.status {
			t.Errorf("%s: status %d, want %d", tc.name, status, tc.status)
			continue
		}
		if status == 200 && got != tc.want {
			t.Errorf("%s: total %v, want %v", tc.name, got, tc.want)
		}
		if status == 200 && tc.token == admin && int(tc.want) != listed(admin, tc.query) {
			t.Errorf("%s: the list has %d", tc.name, listed(admin, tc.query))
		}
	}
	if n := listed(dept, ""); n == 0 || n == 5 {
		t.Errorf("department scope: the test needs some but not all cases in citymgmt, has %d", n)
	}
}
