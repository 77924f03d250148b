package portal_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"cleancity/complaints"
	"cleancity/portal"
	"cleancity/portal/areas"
	"cleancity/portal/portaltest"
	"cleancity/survey/surveysim"
)

// cst is the city's zone (the dashboard's days).
var cst = time.FixedZone("CST", 8*3600)

// dashCity starts a portal on the demo geography only (no demo cases or
// survey data, so the history is exactly what the test makes).
func dashCity(t *testing.T, clock *portaltest.Clock) *portaltest.Server {
	t.Helper()
	srv := portaltest.NewServer(t, portaltest.WithClock(clock))
	if _, err := srv.Areas.Import(context.Background(), areas.DemoAreas(), areas.DemoDepartments()); err != nil {
		t.Fatalf("import demo city: %v", err)
	}
	return srv
}

// cellPoint is the centre of a cell of the demo lattice (12 x 10).
func cellPoint(col, row int) *complaints.Point {
	return &complaints.Point{Lat: areas.DemoMinLat + (float64(row)+0.5)*(areas.DemoMaxLat-areas.DemoMinLat)/10,
		Lon: areas.DemoMinLon + (float64(col)+0.5)*(areas.DemoMaxLon-areas.DemoMinLon)/12}
}

type dashHistory struct {
	srv    *portaltest.Server
	clock  *portaltest.Clock
	t      *testing.T
	staff  complaints.Actor
	secret map[string]string
}

// newDashHistory acts as an admin on the server's cases.
func newDashHistory(t *testing.T, srv *portaltest.Server, clock *portaltest.Clock) *dashHistory {
	return &dashHistory{srv: srv, clock: clock, t: t, secret: map[string]string{},
		staff: complaints.Actor{ID: "admin-1", Name: "Admin", Role: complaints.RoleAdmin}}
}

func (h *dashHistory) at(day, hour int) {
	h.clock.Set(time.Date(2026, 3, day, hour, 0, 0, 0, cst))
}

func (h *dashHistory) file(cat string, p *complaints.Point) string {
	h.t.Helper()
	f, err := h.srv.Complaints.File(context.Background(), complaints.Actor{Role: complaints.RoleAnonymous},
		complaints.FileInput{Category: cat, Description: "dashboard test case " + cat, Point: p})
	if err != nil {
		h.t.Fatalf("file %s: %v", cat, err)
	}
	h.secret[f.Complaint.ID] = f.Secret
	return f.Complaint.ID
}

func (h *dashHistory) act(id string, a complaints.Action, extra ...string) {
	h.t.Helper()
	ctx := context.Background()
	c, err := h.srv.Complaints.Get(ctx, h.staff, id)
	if err != nil {
		h.t.Fatal(err)
	}
	in := complaints.ActInput{Action: a, Version: c.Version, Note: "note for " + string(a)}
	if len(extra) > 0 {
		in.Department = extra[0]
	}
	if _, err := h.srv.Complaints.Act(ctx, h.staff, id, in); err != nil {
		h.t.Fatalf("%s %s: %v", a, id, err)
	}
}

func (h *dashHistory) feedback(id string, confirm bool, rating int) {
	h.t.Helper()
	if _, err := h.srv.Complaints.Feedback(context.Background(), complaints.Actor{Role: complaints.RoleAnonymous}, id,
		complaints.FeedbackInput{Secret: h.secret[id], Confirm: confirm, Rating: rating}); err != nil {
		h.t.Fatalf("feedback %s: %v", id, err)
	}
}

// TestDashboardFiguresByHand runs a small known history (fixed clock) and
// compares every figure with the value worked out by hand.
func TestDashboardFiguresByHand(t *testing.T) {
	clock := portaltest.NewClock(time.Date(2026, 3, 2, 8, 0, 0, 0, cst))
	srv := dashCity(t, clock)
	ctx := context.Background()
	h := newDashHistory(t, srv, clock)
	p1, p2 := cellPoint(0, 0), cellPoint(11, 9)
	loc1, err := srv.Areas.Locate(p1.Lat, p1.Lon)
	if err != nil {
		t.Fatal(err)
	}
	loc2, err := srv.Areas.Locate(p2.Lat, p2.Lon)
	if err != nil {
		t.Fatal(err)
	}
	if loc1.District.ID == loc2.District.ID {
		t.Fatalf("test points share district %s", loc1.District.ID)
	}
	lead1 := loc1.Department.ID

	// The week of Monday 2 March 2026 (CST).
	h.at(2, 9)
	a := h.file("garbage", p1) // due Tue 09:00
	h.at(2, 10)
	b := h.file("garbage", p1) // due Tue 10:00
	h.at(2, 10)
	h.act(a, complaints.ActionAccept)
	h.at(2, 11)
	h.act(a, complaints.ActionStart)
	h.at(2, 12)
	if _, err := srv.Complaints.Join(ctx, complaints.Actor{Role: complaints.RoleAnonymous}, b); err != nil {
		t.Fatal(err)
	}
	h.at(2, 13)
	h.act(b, complaints.ActionAccept)
	h.act(b, complaints.ActionStart)
	h.at(2, 14)
	h.act(a, complaints.ActionResolve) // on time
	h.at(2, 15)
	h.feedback(a, true, 5) // closed after 6 h
	h.at(3, 9)
	c := h.file("flyers", p2) // due Thu 09:00
	h.at(3, 10)
	d := h.file("smoking", p2)        // health, due Fri 10:00
	h.act(c, complaints.ActionReject) // first answer, on time
	h.at(3, 16)
	h.act(b, complaints.ActionResolve) // late (due Tue 10:00)
	h.at(3, 17)
	h.feedback(b, false, 2) // reopened
	h.at(3, 18)
	h.act(b, complaints.ActionStart)
	h.at(3, 19)
	h.act(b, complaints.ActionResolve)
	h.at(3, 20)
	h.feedback(b, true, 4) // closed after 34 h
	h.at(4, 9)
	e := h.file("other", p1) // grid lead, due Sat 09:00
	h.at(6, 11)
	if res, err := srv.Complaints.Sweep(ctx); err != nil || res.Notices != 1 {
		t.Fatalf("sweep: %+v %v", res, err) // d: notice level 1, due Sat 23:00
	}
	h.at(8, 18)
	f := h.file("garbage", p2) // due Mon 9 March, outside the week
	h.at(8, 19)
	h.act(f, complaints.ActionReassign, "citymgmt")
	h.at(8, 20)
	_ = e
	_ = d
	if err := srv.DashboardSync(ctx); err != nil {
		t.Fatal(err)
	}

	admin := srv.Token(t, portal.RoleAdmin, "")
	week := "/api/v1/dashboard/complaints?from=2026-03-02&to=2026-03-08"
	resp := srv.Get(week, admin)
	if resp.Status != http.StatusOK {
		t.Fatalf("status %d: %s", resp.Status, resp.Body)
	}
	m := resp.JSON(t)
	want := map[string]any{
		"totals.filed":                 6.0,
		"totals.by_status.closed":      2.0,
		"totals.by_status.rejected":    1.0,
		"totals.by_status.submitted":   3.0,
		"totals.by_status.reopened":    0.0,
		"totals.by_status.in_progress": 0.0,
		"filed_per_day.0.date":         "2026-03-02",
		"filed_per_day.0.count":        2.0,
		"filed_per_day.1.count":        2.0,
		"filed_per_day.2.count":        1.0,
		"filed_per_day.3.count":        0.0,
		"filed_per_day.6.date":         "2026-03-08",
		"filed_per_day.6.count":        1.0,
		"filed_per_week.0.date":        "2026-03-02",
		"filed_per_week.0.count":       6.0,
		// by category, sorted by code: flyers, garbage, other, smoking.
		"by_category.0.id":       "flyers",
		"by_category.0.filed":    1.0,
		"by_category.1.id":       "garbage",
		"by_category.1.filed":    3.0,
		"by_category.1.resolved": 3.0,
		"by_category.1.closed":   2.0,
		"by_category.2.id":       "other",
		"by_category.3.id":       "smoking",
		// on time: due in the week a, b, c, d, e; on time a and c.
		"on_time.num":  2.0,
		"on_time.den":  5.0,
		"on_time.rate": 0.4,
		// closed a (6 h, bucket 4.27-6.41 h) and b (34 h, bucket
		// 32.44-48.65 h): median = upper edge of the first, p90 = 80% into
		// the second.
		"time_to_close.closed":       2.0,
		"time_to_close.mean_hours":   20.0,
		"time_to_close.median_hours": 6.41,
		"time_to_close.p90_hours":    45.41,
		// overdue now (Sun 20:00): d (notice 1, due Sat 23:00), e (due Sat 09:00).
		"overdue.total.total":     2.0,
		"overdue.total.level0":    1.0,
		"overdue.total.level1":    1.0,
		"overdue.total.level2":    0.0,
		"overdue.total.published": 0.0,
		"reopen.num":              1.0,
		"reopen.den":              3.0,
		"rating.count":            3.0,
		"rating.mean":             11.0 / 3,
		"rating.share_4_5":        2.0 / 3,
		"me_too":                  1.0,
		"notices.level1":          1.0,
		"notices.level2":          0.0,
		"notices.published":       0.0,
		"top_grids.0.filed":       3.0,
		"top_grids.1.filed":       3.0,
		"period.from":             "2026-03-02",
		"period.to":               "2026-03-08",
	}
	checkJSON(t, m, want)
	if got := portaltest.Lookup(m, "reopen.rate").(float64); math.Abs(got-1.0/3) > 1e-12 {
		t.Errorf("reopen.rate = %v", got)
	}
	byDept := map[string]map[string]any{}
	for _, r := range portaltest.Lookup(m, "by_department").([]any) {
		row := r.(map[string]any)
		byDept[row["id"].(string)] = row
	}
	wantDept := map[string]float64{"sanitation": 3, "citymgmt": 1, "health": 1, lead1: 1}
	if len(byDept) != len(wantDept) {
		t.Errorf("by_department has %d rows, want %d: %v", len(byDept), len(wantDept), byDept)
	}
	for id, n := range wantDept {
		if byDept[id] == nil || byDept[id]["filed"] != n {
			t.Errorf("by_department %s = %v, want filed %v", id, byDept[id], n)
		}
	}
	checkRows(t, m, "by_district", map[string]float64{loc1.District.ID: 3, loc2.District.ID: 3})
	checkRows(t, m, "by_street", map[string]float64{loc1.Street.ID: 3, loc2.Street.ID: 3})
	checkRows(t, m, "top_grids", map[string]float64{loc1.Grid.ID: 3, loc2.Grid.ID: 3})
	overdue := map[string]string{}
	for _, r := range portaltest.Lookup(m, "overdue.by_department").([]any) {
		row := r.(map[string]any)
		overdue[row["id"].(string)] = fmt.Sprintf("%v/%v/%v/%v", row["level0"], row["level1"], row["level2"], row["published"])
	}
	if want := map[string]string{"health": "0/1/0/0", lead1: "1/0/0/0"}; !reflect.DeepEqual(overdue, want) {
		t.Errorf("overdue by department = %v, want %v", overdue, want)
	}

	// Filters: district 2 only has c, d, f; category garbage has a, b, f.
	m = srv.Get(week+"&district="+loc2.District.ID, admin).JSON(t)
	checkJSON(t, m, map[string]any{"totals.filed": 3.0, "on_time.num": 1.0, "on_time.den": 2.0,
		"overdue.total.total": 1.0, "time_to_close.closed": 0.0, "me_too": 0.0})
	m = srv.Get(week+"&category=garbage", admin).JSON(t)
	checkJSON(t, m, map[string]any{"totals.filed": 3.0, "on_time.num": 1.0, "on_time.den": 2.0,
		"overdue.total.total": 0.0, "time_to_close.closed": 2.0, "rating.count": 3.0})
	m = srv.Get(week+"&department=citymgmt", admin).JSON(t)
	// citymgmt: c filed and rejected on time; f filed to sanitation, then
	// reassigned in (its due time is next week).
	checkJSON(t, m, map[string]any{"totals.filed": 1.0, "totals.by_status.rejected": 1.0,
		"totals.by_status.submitted": 1.0, "on_time.num": 1.0, "on_time.den": 1.0})

	// League table: nobody reaches 20 cases; with min_cases=1 all rank.
	m = srv.Get("/api/v1/dashboard/departments?from=2026-03-02&to=2026-03-08", admin).JSON(t)
	for i, r := range portaltest.Lookup(m, "departments").([]any) {
		if r.(map[string]any)["rank"] != nil {
			t.Errorf("row %d ranked with min_cases 20: %v", i, r)
		}
	}
	m = srv.Get("/api/v1/dashboard/departments?from=2026-03-02&to=2026-03-08&min_cases=1", admin).JSON(t)
	checkJSON(t, m, map[string]any{
		"min_cases":                                1.0,
		"departments.0.id":                         "citymgmt",
		"departments.0.rank":                       1.0,
		"departments.0.volume":                     2.0,
		"departments.0.on_time.rate":               1.0,
		"departments.1.id":                         "sanitation",
		"departments.1.rank":                       2.0,
		"departments.1.volume":                     3.0,
		"departments.1.resolved":                   3.0,
		"departments.1.on_time.num":                1.0,
		"departments.1.on_time.den":                2.0,
		"departments.1.time_to_close.median_hours": 6.41,
		"departments.1.rating.count":               3.0,
		"departments.2.id":                         "health",
		"departments.2.rank":                       3.0,
		"departments.2.on_time.rate":               0.0,
		"departments.2.notices.level1":             1.0,
		"departments.2.notices.penalty":            1.0,
		"departments.3.id":                         lead1,
		"departments.3.rank":                       4.0,
	})
	m = srv.Get("/api/v1/dashboard/departments?from=2026-03-02&to=2026-03-08&min_cases=2", admin).JSON(t)
	checkJSON(t, m, map[string]any{"departments.0.rank": 1.0, "departments.1.rank": 2.0,
		"departments.2.rank": nil, "departments.3.rank": nil})

	// CSV exports honour the filters.
	csv := srv.Get("/api/v1/dashboard/complaints.csv?from=2026-03-02&to=2026-03-08&table=by_category&category=garbage", admin)
	if csv.Status != http.StatusOK || !strings.Contains(string(csv.Body), "garbage,") ||
		strings.Contains(string(csv.Body), "flyers") || !strings.HasPrefix(csv.Header.Get("Content-Type"), "text/csv") {
		t.Errorf("by_category CSV: %d %q", csv.Status, csv.Body)
	}
	if !strings.Contains(string(csv.Body), ",3,3,2\n") {
		t.Errorf("garbage row in CSV: %q", csv.Body)
	}
	csv = srv.Get("/api/v1/dashboard/complaints.csv?from=2026-03-02&to=2026-03-08&table=per_day", admin)
	if !strings.Contains(string(csv.Body), "2026-03-02,2\n") || !strings.Contains(string(csv.Body), "2026-03-08,1\n") {
		t.Errorf("per_day CSV: %q", csv.Body)
	}
	csv = srv.Get("/api/v1/dashboard/departments.csv?from=2026-03-02&to=2026-03-08&min_cases=1", admin)
	if !strings.Contains(string(csv.Body), "\n1,citymgmt,") {
		t.Errorf("league CSV: %q", csv.Body)
	}

	// Rebuilding from the histories gives the same summaries.
	before := stripNow(srv.Get(week, admin).JSON(t))
	liveDays, liveSets, err := srv.Dashboard.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Dashboard.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	days, sets, err := srv.Dashboard.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(days, liveDays) || !reflect.DeepEqual(sets, liveSets) {
		t.Errorf("rebuild differs from the live summaries")
	}
	if after := stripNow(srv.Get(week, admin).JSON(t)); !reflect.DeepEqual(before, after) {
		t.Errorf("figures changed after rebuild:\nbefore %v\nafter  %v", before, after)
	}
}

func stripNow(m map[string]any) map[string]any {
	delete(m["period"].(map[string]any), "now")
	return m
}

func checkJSON(t *testing.T, m map[string]any, want map[string]any) {
	t.Helper()
	for path, w := range want {
		got := portaltest.Lookup(m, path)
		if gf, ok := got.(float64); ok {
			if wf, ok := w.(float64); ok && math.Abs(gf-wf) < 1e-9 {
				continue
			}
		}
		if !reflect.DeepEqual(got, w) {
			t.Errorf("%s = %v (%T), want %v", path, got, got, w)
		}
	}
}

func checkRows(t *testing.T, m map[string]any, path string, want map[string]float64) {
	t.Helper()
	got := map[string]float64{}
	for _, r := range portaltest.Lookup(m, path).([]any) {
		row := r.(map[string]any)
		got[row["id"].(string)] += row["filed"].(float64)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s = %v, want %v", path, got, want)
	}
}

// TestDashboardAccess checks roles, district scope and filter validation.
func TestDashboardAccess(t *testing.T) {
	clock := portaltest.NewClock(time.Date(2026, 3, 2, 8, 0, 0, 0, cst))
	srv := dashCity(t, clock)
	h := &dashHistory{srv: srv, clock: clock, t: t, secret: map[string]string{}}
	h.at(2, 9)
	h.file("garbage", cellPoint(0, 0))
	h.file("garbage", cellPoint(11, 9)) // another district
	admin := srv.Token(t, portal.RoleAdmin, "")
	d1 := srv.Token(t, portal.RoleOfficial, "D01")
	dept := srv.Token(t, portal.RoleDepartment, "sanitation")
	res := srv.Token(t, portal.RoleResident, "")
	if err := srv.DashboardSync(context.Background()); err != nil {
		t.Fatal(err)
	}
	loc, _ := srv.Areas.Locate(cellPoint(0, 0).Lat, cellPoint(0, 0).Lon)
	other := "D02"
	if loc.District.ID == "D02" {
		other = "D03"
	}
	cases := []struct {
		name, path, token string
		status            int
		field             string
	}{
		{"anonymous", "/api/v1/dashboard/complaints", "", 401, ""},
		{"resident", "/api/v1/dashboard/complaints", res, 403, ""},
		{"department staff", "/api/v1/dashboard/departments", dept, 403, ""},
		{"admin", "/api/v1/dashboard/complaints", admin, 200, ""},
		{"district official own", "/api/v1/dashboard/complaints?district=D01", d1, 200, ""},
		{"district official other", "/api/v1/dashboard/complaints?district=" + other, d1, 403, ""},
		{"district official other csv", "/api/v1/dashboard/departments.csv?district=" + other, d1, 403, ""},
		{"district official satisfaction other", "/api/v1/dashboard/satisfaction?district=" + other, d1, 403, ""},
		{"bad date", "/api/v1/dashboard/complaints?from=2026-3-1", admin, 400, "from"},
		{"reversed period", "/api/v1/dashboard/complaints?from=2026-03-09&to=2026-03-01", admin, 400, "from"},
		{"too long", "/api/v1/dashboard/complaints?from=2020-01-01&to=2026-03-01", admin, 400, "from"},
		{"unknown district", "/api/v1/dashboard/complaints?district=D99", admin, 400, "district"},
		{"unknown category", "/api/v1/dashboard/complaints?category=nope", admin, 400, "category"},
		{"unknown department", "/api/v1/dashboard/complaints?department=nope", admin, 400, "department"},
		{"bad table", "/api/v1/dashboard/complaints.csv?table=x", admin, 400, "table"},
		{"bad min_cases", "/api/v1/dashboard/departments?min_cases=-1", admin, 400, "min_cases"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := srv.Get(tc.path, tc.token)
			if r.Status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.Status, tc.status, r.Body)
			}
			if tc.field != "" && portaltest.Lookup(r.JSON(t), "error.fields."+tc.field) == nil {
				t.Errorf("no field error for %s: %s", tc.field, r.Body)
			}
		})
	}
	// The district official's figures are the district's alone.
	m := srv.Get("/api/v1/dashboard/complaints", d1).JSON(t)
	wantD1 := 0.0
	if loc.District.ID == "D01" {
		wantD1 = 1
	}
	checkJSON(t, m, map[string]any{"filters.district": "D01", "totals.filed": wantD1})
	m = srv.Get("/api/v1/dashboard/complaints", admin).JSON(t)
	checkJSON(t, m, map[string]any{"totals.filed": 2.0})
}

// TestDashboardRebuildMatchesLive applies a random mix of actions (fixed
// seed), then checks that rebuilding from the histories reproduces the
// summaries the hooks maintained, exactly.
func TestDashboardRebuildMatchesLive(t *testing.T) {
	clock := portaltest.NewClock(time.Date(2026, 3, 2, 8, 0, 0, 0, cst))
	srv := dashCity(t, clock)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(8, 8))
	h := newDashHistory(t, srv, clock)
	cats := []string{"garbage", "flyers", "smoking", "other", "sewage", "small_shops"}
	depts := []string{"sanitation", "citymgmt", "market", "water"}
	var ids []string
	for step := 0; step < 160; step++ {
		clock.Advance(time.Duration(rng.IntN(300)) * time.Minute)
		if len(ids) == 0 || rng.IntN(4) == 0 {
			ids = append(ids, h.file(cats[rng.IntN(len(cats))], cellPoint(rng.IntN(12), rng.IntN(10))))
			continue
		}
		if rng.IntN(15) == 0 {
			if _, err := srv.Complaints.Sweep(ctx); err != nil {
				t.Fatal(err)
			}
			continue
		}
		id := ids[rng.IntN(len(ids))]
		c, err := srv.Complaints.Get(ctx, h.staff, id)
		if err != nil {
			t.Fatal(err)
		}
		switch c.Status {
		case complaints.StatusResolved:
			if clock.Now().Sub(c.ResolvedAt) < complaints.ReopenWindow {
				h.feedback(id, rng.IntN(3) > 0, 1+rng.IntN(5))
			}
		case complaints.StatusClosed, complaints.StatusRejected:
		default:
			allowed := complaints.Allowed(c, h.staff)
			if rng.IntN(5) == 0 {
				if _, err := srv.Complaints.Join(ctx, complaints.Actor{Role: complaints.RoleAnonymous}, id); err != nil {
					t.Fatal(err)
				}
				continue
			}
			var pick []complaints.Action
			for _, a := range allowed {
				if a != complaints.ActionMerge {
					pick = append(pick, a)
				}
			}
			if len(pick) == 0 {
				continue
			}
			a := pick[rng.IntN(len(pick))]
			dept := ""
			if a == complaints.ActionReassign {
				for dept == "" || dept == c.Department {
					dept = depts[rng.IntN(len(depts))]
				}
			}
			h.act(id, a, dept)
		}
		if step%40 == 39 {
			if err := srv.DashboardSync(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := srv.DashboardSync(ctx); err != nil {
		t.Fatal(err)
	}
	liveDays, liveSets, err := srv.Dashboard.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(liveDays) == 0 || len(liveSets) == 0 {
		t.Fatalf("nothing summarised: %d days, %d open sets", len(liveDays), len(liveSets))
	}
	q := "/api/v1/dashboard/complaints?from=2026-03-01&to=2026-04-30"
	admin := srv.Token(t, portal.RoleAdmin, "")
	before := stripNow(srv.Get(q, admin).JSON(t))
	leagueBefore := stripNow(srv.Get("/api/v1/dashboard/departments?from=2026-03-01&to=2026-04-30&min_cases=1", admin).JSON(t))
	res, err := srv.Dashboard.Rebuild(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.Cases != len(ids) {
		t.Errorf("rebuild read %d cases, want %d", res.Cases, len(ids))
	}
	days, sets, err := srv.Dashboard.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for date, d := range liveDays {
		if !reflect.DeepEqual(d, days[date]) {
			t.Errorf("day %s differs after rebuild:\nlive    %+v\nrebuilt %+v", date, d, days[date])
		}
	}
	if len(days) != len(liveDays) {
		t.Errorf("rebuild has %d days, live %d", len(days), len(liveDays))
	}
	if !reflect.DeepEqual(sets, liveSets) {
		t.Errorf("open sets differ after rebuild:\nlive    %+v\nrebuilt %+v", liveSets, sets)
	}
	if after := stripNow(srv.Get(q, admin).JSON(t)); !reflect.DeepEqual(before, after) {
		t.Errorf("figures differ after rebuild:\nbefore %v\nafter  %v", before, after)
	}
	if after := stripNow(srv.Get("/api/v1/dashboard/departments?from=2026-03-01&to=2026-04-30&min_cases=1", admin).JSON(t)); !reflect.DeepEqual(leagueBefore, after) {
		t.Errorf("league differs after rebuild")
	}
}

// TestDashboardDemoAndSatisfaction checks that the demo cases are
// summarised at start and that the satisfaction series matches the survey
// results and the filed counts per 10,000 residents.
func TestDashboardDemoAndSatisfaction(t *testing.T) {
	srv := portaltest.NewServer(t, portaltest.WithDemoData())
	ctx := context.Background()
	admin := srv.Token(t, portal.RoleAdmin, "")
	now := srv.Dashboard.Now()
	from, to := now.AddDate(-2, 0, 0).In(cst).Format("2006-01-02"), now.In(cst).Format("2006-01-02")
	n, err := srv.Store().DB.Collection("complaints").CountDocuments(ctx, map[string]any{})
	if err != nil {
		t.Fatal(err)
	}
	m := srv.Get("/api/v1/dashboard/complaints?from="+from+"&to="+to, admin).JSON(t)
	if n == 0 || portaltest.Lookup(m, "totals.filed") != float64(n) {
		t.Fatalf("demo cases summarised: %v, stored %d", portaltest.Lookup(m, "totals.filed"), n)
	}

	srv.WarmSurveyResults(ctx)
	m = srv.Get("/api/v1/dashboard/satisfaction?from="+from+"&to="+to, admin).JSON(t)
	rounds, _ := portaltest.Lookup(m, "rounds").([]any)
	if len(rounds) < 2 {
		t.Fatalf("rounds: %v", m)
	}
	residents := map[string]float64{}
	for _, d := range srv.Areas.List(areas.District, "") {
		residents[d.ID] = float64(d.Residents)
	}
	checked := 0
	for _, x := range rounds {
		rd := x.(map[string]any)
		r, err := srv.Survey.Round(ctx, rd["id"].(string))
		if err != nil {
			t.Fatal(err)
		}
		res, err := srv.Survey.Results(ctx, &r, "district")
		if err != nil {
			continue // no accepted responses yet (the open demo round)
		}
		checked++
		for _, e := range res.Overall {
			if e.Indicator != "satisfaction" {
				continue
			}
			if got := portaltest.Lookup(rd, "overall.satisfaction.estimate"); got != e.Value {
				t.Errorf("round %s overall satisfaction %v, want %v", r.ID, got, e.Value)
			}
			if got := portaltest.Lookup(rd, "overall.satisfaction.verdict"); got != string(e.Verdict) {
				t.Errorf("round %s verdict %v, want %v", r.ID, got, e.Verdict)
			}
		}
		want := map[string]float64{}
		for _, d := range res.Domains {
			for _, e := range d.Estimates {
				if e.Indicator == "satisfaction" {
					want[d.Domain] = e.Value
				}
			}
		}
		for _, y := range rd["districts"].([]any) {
			dd := y.(map[string]any)
			id := dd["id"].(string)
			if got := portaltest.Lookup(dd, "rates.satisfaction.estimate"); got != want[id] {
				t.Errorf("round %s district %s satisfaction %v, want %v", r.ID, id, got, want[id])
			}
			q := fmt.Sprintf("/api/v1/dashboard/complaints?from=%s&to=%s&district=%s", rd["starts_on"], rd["ends_on"], id)
			filed := portaltest.Lookup(srv.Get(q, admin).JSON(t), "totals.filed").(float64)
			per10k := math.Round(filed/residents[id]*10000*100) / 100
			if portaltest.Lookup(dd, "complaints.complaints") != filed || portaltest.Lookup(dd, "complaints.per_10k") != per10k {
				t.Errorf("round %s district %s complaints %v, want %v (%v per 10k)", r.ID, id, dd["complaints"], filed, per10k)
			}
		}
	}
	if checked < 2 {
		t.Errorf("only %d rounds with results", checked)
	}
	total := 0.0
	for _, x := range portaltest.Lookup(m, "complaints_by_district").([]any) {
		d := x.(map[string]any)
		total += d["complaints"].(float64)
		if want := math.Round(d["complaints"].(float64)/residents[d["id"].(string)]*10000*100) / 100; d["per_10k"] != want {
			t.Errorf("district %v per 10k %v, want %v", d["id"], d["per_10k"], want)
		}
	}
	if total != float64(n) {
		t.Errorf("complaints by district sum to %v, want %d", total, n)
	}
	// A district official sees only the district's rows.
	d1 := srv.Token(t, portal.RoleOfficial, "D01")
	m = srv.Get("/api/v1/dashboard/satisfaction?from="+from+"&to="+to, d1).JSON(t)
	for _, x := range portaltest.Lookup(m, "complaints_by_district").([]any) {
		if id := x.(map[string]any)["id"]; id != "D01" {
			t.Errorf("district official sees %v", id)
		}
	}
	csv := srv.Get("/api/v1/dashboard/satisfaction.csv", admin)
	if csv.Status != http.StatusOK || !strings.Contains(string(csv.Body), "demo-2025-spring,") {
		t.Errorf("satisfaction CSV: %d %.300q", csv.Status, csv.Body)
	}
}

// TestDashboardSweepCatchesLostHooks loses the hooks' queued facts (as if
// the process died between the write and the hook) and checks that the
// catch-up sweep queues them once, and only once.
func TestDashboardSweepCatchesLostHooks(t *testing.T) {
	clock := portaltest.NewClock(time.Date(2026, 3, 2, 8, 0, 0, 0, cst))
	srv := dashCity(t, clock)
	ctx := context.Background()
	h := newDashHistory(t, srv, clock)
	h.at(2, 9)
	kept := h.file("garbage", cellPoint(0, 0))
	if err := srv.DashboardSync(ctx); err != nil {
		t.Fatal(err)
	}
	lost := h.file("garbage", cellPoint(0, 0))
	h.act(kept, complaints.ActionAccept)
	// The process "dies": its queued facts are gone (held in memory on
	// the embedded store).
	if err := srv.LoseQueuedFacts(ctx); err != nil {
		t.Fatal(err)
	}
	clock.Advance(10 * time.Second)
	n, err := srv.Dashboard.Sweep(ctx)
	if err != nil || n != 2 {
		t.Fatalf("sweep queued %d, %v; want 2 (the filing of %s and the acceptance of %s)", n, err, lost, kept)
	}
	if err := srv.DashboardSync(ctx); err != nil {
		t.Fatal(err)
	}
	clock.Advance(10 * time.Second)
	if n, err := srv.Dashboard.Sweep(ctx); err != nil || n != 0 {
		t.Fatalf("second sweep queued %d, %v", n, err)
	}
	if err := srv.DashboardSync(ctx); err != nil {
		t.Fatal(err)
	}
	admin := srv.Token(t, portal.RoleAdmin, "")
	m := srv.Get("/api/v1/dashboard/complaints?from=2026-03-02&to=2026-03-02", admin).JSON(t)
	checkJSON(t, m, map[string]any{"totals.filed": 2.0, "totals.by_status.submitted": 1.0, "totals.by_status.accepted": 1.0})
}

// TestDashboardSweepWatermarkWaitsForQueuedFacts: a sweep that runs while
// a fact is queued but not folded in (on the embedded store: held in
// memory) must not move the watermark past it, or a crash then loses the
// change for good: the next sweep starts a little before the watermark.
func TestDashboardSweepWatermarkWaitsForQueuedFacts(t *testing.T) {
	clock := portaltest.NewClock(time.Date(2026, 3, 2, 8, 0, 0, 0, cst))
	srv := dashCity(t, clock)
	ctx := context.Background()
	h := newDashHistory(t, srv, clock)
	h.at(2, 9)
	held := h.file("garbage", cellPoint(0, 0))
	// The applier stalls for ten minutes (far beyond the sweep's margin)
	// while sweeps run: the filing's fact stays queued.
	for i := 0; i < 10; i++ {
		clock.Advance(time.Minute)
		if n, err := srv.Dashboard.Sweep(ctx); err != nil || n != 0 {
			t.Fatalf("sweep with the fact queued: %d, %v", n, err)
		}
	}
	if err := srv.LoseQueuedFacts(ctx); err != nil {
		t.Fatal(err)
	}
	clock.Advance(10 * time.Second)
	n, err := srv.Dashboard.Sweep(ctx)
	if err != nil || n != 1 {
		t.Fatalf("sweep after losing the queue: %d, %v; want 1 (the filing of %s)", n, err, held)
	}
	if err := srv.DashboardSync(ctx); err != nil {
		t.Fatal(err)
	}
	admin := srv.Token(t, portal.RoleAdmin, "")
	m := srv.Get("/api/v1/dashboard/complaints?from=2026-03-02&to=2026-03-02", admin).JSON(t)
	checkJSON(t, m, map[string]any{"totals.filed": 1.0})
}

// TestDashboardSatisfactionFollowsResponses: the satisfaction dashboard's
// cached estimates are recomputed when a round's responses change (their
// revision moves), not only when the cache grows old: accepting a second
// batch shows in the next background poll.
func TestDashboardSatisfactionFollowsResponses(t *testing.T) {
	srv, _ := surveyCity(t)
	ctx := context.Background()
	official := srv.Token(t, portal.RoleOfficial, "")
	vol := srv.CreateUser(t, "field-fresh", portal.RoleVolunteer, "")
	tok := srv.TokenFor(t, vol)
	mustStatus(t, srv.PostJSON("/api/v1/questionnaires", official, map[string]any{"template": "default", "id": "q", "version": 1}), 201)
	round := mustStatus(t, srv.PostJSON("/api/v1/rounds", official, map[string]any{
		"id": "fresh", "name": "新鲜度", "questionnaire_id": "q", "questionnaire_version": 1,
		"starts_on": "2025-10-01", "ends_on": "2025-10-31",
		"plan": map[string]any{"stratum_level": "district", "units_per_stratum": 2, "target_per_unit": 10, "seed": 7},
	}), 201)
	var plan struct {
		Plan struct {
			Units []struct{ ID string } `json:"units"`
		} `json:"plan"`
	}
	b, _ := json.Marshal(round)
	_ = json.Unmarshal(b, &plan)
	var assign []map[string]string
	for _, u := range plan.Plan.Units {
		assign = append(assign, map[string]string{"unit": u.ID, "volunteer": vol.Username})
	}
	mustStatus(t, srv.PostJSON("/api/v1/rounds/fresh/assignments", official, map[string]any{"assignments": assign}), 201)
	mustStatus(t, srv.PostJSON("/api/v1/rounds/fresh/open", official, nil), 200)
	var mine struct {
		Units []unitRef `json:"units"`
	}
	srv.Get("/api/v1/rounds/fresh/assignments/me", tok).Decode(t, &mine)
	g := surveysim.New(5)
	subs := interviews(g, mine.Units, 10, surveyT0.AddDate(0, 0, -10))
	half := len(subs) / 2
	submitAndAccept := func(batch []subJSON) {
		t.Helper()
		mustStatus(t, srv.PostJSON("/api/v1/rounds/fresh/responses", tok, map[string]any{"responses": batch}), 200)
		var ids []string
		for _, s := range batch {
			ids = append(ids, "fresh:"+s.ClientID)
		}
		mustStatus(t, srv.PostJSON("/api/v1/rounds/fresh/reviews", official, map[string]any{"ids": ids, "decision": "accept"}), 200)
	}
	overallN := func() any {
		t.Helper()
		m := srv.Get("/api/v1/dashboard/satisfaction?from=2025-10-01&to=2025-10-31", official).JSON(t)
		for _, x := range m["rounds"].([]any) {
			if r := x.(map[string]any); r["id"] == "fresh" {
				return portaltest.Lookup(r, "overall.satisfaction.n")
			}
		}
		t.Fatalf("round missing from the dashboard: %v", m)
		return nil
	}
	submitAndAccept(subs[:half])
	srv.WarmSurveyResults(ctx)
	if n := overallN(); n != float64(half) {
		t.Fatalf("after the first batch: n %v, want %d", n, half)
	}
	submitAndAccept(subs[half:])
	// One poll later (well inside the cache's age limit) the estimates
	// include the second batch.
	srv.WarmSurveyResults(ctx)
	if n := overallN(); n != float64(len(subs)) {
		t.Fatalf("after the second batch: n %v, want %d", n, len(subs))
	}
}
