package portal_test

import (
	"bytes"
	"encoding/csv"
	"math"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"cleancity/portal"
	"cleancity/portal/portaltest"
)

func TestComplaintListFiltersCursorAndCSV(t *testing.T) {
	clock := portaltest.NewClock(time.Date(2026, 6, 1, 5, 5, 0, 0, time.UTC))
	srv := newCityServer(t, portaltest.WithClock(clock))
	// Points in D01 (north-west) and D04 (south-east) of the demo city.
	spots := []struct {
		lat, lon float64
		cat      string
	}{
		{27.885, 113.09, "garbage"}, {27.875, 113.10, "flyers"}, {27.865, 113.09, "garbage"},
		{27.79, 113.21, "garbage"}, {27.80, 113.20, "sewage"}, {27.81, 113.19, "flyers"}, {27.795, 113.205, "garbage"},
	}
	var ids []string
	for i, sp := range spots {
		m := mustFileHTTP(t, srv, "", map[string]any{"lat": sp.lat, "lon": sp.lon, "category": sp.cat,
			"description": "第" + string(rune('A'+i)) + "号投诉：路边卫生问题需要处理"})
		ids = append(ids, m["id"].(string))
		clock.Advance(time.Minute)
	}
	admin := srv.Token(t, portal.RoleAdmin, "")
	list := func(token, query string) (int, []string, string) {
		r := srv.Get("/api/v1/complaints?"+query, token)
		if r.Status != http.StatusOK {
			return r.Status, nil, ""
		}
		m := r.JSON(t)
		var out []string
		for _, it := range m["items"].([]any) {
			out = append(out, it.(map[string]any)["id"].(string))
		}
		next, _ := m["next_cursor"].(string)
		return r.Status, out, next
	}
	tests := []struct {
		name   string
		token  string
		query  string
		status int
		want   []string
	}{
		{"all, newest first", admin, "", 200, []string{ids[6], ids[5], ids[4], ids[3], ids[2], ids[1], ids[0]}},
		{"oldest first", admin, "sort=filed_at", 200, ids},
		{"category", admin, "category=garbage&sort=filed_at", 200, []string{ids[0], ids[2], ids[3], ids[6]}},
		{"district", admin, "district=D04&sort=filed_at", 200, []string{ids[3], ids[4], ids[5], ids[6]}},
		{"department", admin, "department=citymgmt&sort=filed_at", 200, []string{ids[1], ids[5]}},
		{"status", admin, "status=submitted,accepted&category=sewage", 200, []string{ids[4]}},
		{"text", admin, "q=" + url.QueryEscape("第C号"), 200, []string{ids[2]}},
		{"date range", admin, "from=2026-06-01T05:06:00Z&to=2026-06-01T05:08:00Z&sort=filed_at", 200, []string{ids[1], ids[2]}},
		{"not overdue", admin, "overdue=false&district=D01&sort=filed_at", 200, []string{ids[0], ids[1], ids[2]}},
		{"overdue", admin, "overdue=true", 200, nil},
		{"department staff see their own", srv.Token(t, portal.RoleDepartment, "water"), "", 200, []string{ids[4]}},
		{"department staff may not ask for another", srv.Token(t, portal.RoleDepartment, "water"), "department=citymgmt", 403, nil},
		{"district official sees the district", srv.Token(t, portal.RoleOfficial, "D01"), "sort=filed_at", 200, ids[:3]},
		{"district official may not ask for another", srv.Token(t, portal.RoleOfficial, "D01"), "district=D04", 403, nil},
		{"resident sees only own", srv.Token(t, portal.RoleResident, ""), "", 200, nil},
		{"bad status", admin, "status=lost", 400, nil},
		{"bad sort", admin, "sort=description", 400, nil},
		{"bad date", admin, "from=yesterday", 400, nil},
		{"bad cursor", admin, "cursor=%%%", 400, nil},
		{"operator injection in text", admin, "q=" + url.QueryEscape(`.*`), 200, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, got, _ := list(tc.token, tc.query)
			if status != tc.status {
				t.Fatalf("status %d, want %d", status, tc.status)
			}
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	// Cursor pagination walks every case exactly once.
	var walked []string
	cursor := ""
	for range 10 {
		q := "limit=3&sort=filed_at"
		if cursor != "" {
			q += "&cursor=" + cursor
		}
		status, page, next := list(admin, q)
		if status != 200 {
			t.Fatalf("page: %d", status)
		}
		walked = append(walked, page...)
		if next == "" {
			break
		}
		cursor = next
	}
	if strings.Join(walked, ",") != strings.Join(ids, ",") {
		t.Fatalf("pages %v, want %v", walked, ids)
	}
	// Overdue after the garbage service level (24 h) but not flyers (48 h).
	clock.Advance(25 * time.Hour)
	if _, got, _ := list(srv.Token(t, portal.RoleAdmin, ""), "overdue=true&sort=filed_at"); strings.Join(got, ",") != strings.Join([]string{ids[0], ids[2], ids[3], ids[6]}, ",") {
		t.Errorf("overdue %v", got)
	}
	// CSV export honours the same filters and scope.
	r := srv.Get("/api/v1/complaints/export.csv?district=D04&sort=filed_at", srv.Token(t, portal.RoleOfficial, ""))
	if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("csv: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(r.Body, []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 5 || rows[0][0] != "id" || rows[1][0] != ids[3] || rows[4][0] != ids[6] {
		t.Fatalf("csv rows %v", rows)
	}
	if r := srv.Get("/api/v1/complaints/export.csv?district=D04", srv.Token(t, portal.RoleOfficial, "D01")); r.Status != 403 {
		t.Errorf("csv out of scope: %d", r.Status)
	}
	// The public map list has coarse locations and no descriptions.
	pub := srv.Get("/api/v1/complaints/public", "")
	if pub.Status != 200 || bytes.Contains(pub.Body, []byte("description")) || bytes.Contains(pub.Body, []byte("13800138000")) {
		t.Fatalf("public list: %d %s", pub.Status, pub.Body)
	}
	if n := pub.JSON(t)["count"]; n != float64(7) {
		t.Errorf("public count %v", n)
	}
	if lat := portaltest.Lookup(pub.JSON(t), "items.0.location.lat").(float64); math.Abs(lat*1000-math.Round(lat*1000)) > 1e-6 {
		t.Errorf("location not coarse: %v", lat)
	}
}
