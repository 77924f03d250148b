package complaints_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"cleancity/complaints"
	"cleancity/complaints/complaintdb"
	"cleancity/portal/apperr"
	"cleancity/portal/store"
	"cleancity/portal/store/storetest"
)

// fakeLocator is a city of one square: lat 27.80-27.90, lon 113.10-113.20,
// with two communities.
type fakeLocator struct{}

var errOutside = errors.New("outside")

func (fakeLocator) Locate(lat, lon float64) (complaints.Place, error) {
	if lat < 27.8 || lat > 27.9 || lon < 113.1 || lon > 113.2 {
		return complaints.Place{}, errOutside
	}
	return complaints.Place{GridID: "D01-S01-C01-G1", CommunityID: "D01-S01-C01", StreetID: "D01-S01",
		DistrictID: "D01", LeadDepartment: "office-D01-S01"}, nil
}

func (fakeLocator) Community(id string) (complaints.Place, bool) {
	if id != "D01-S01-C01" {
		return complaints.Place{}, false
	}
	return complaints.Place{CommunityID: id, StreetID: "D01-S01", DistrictID: "D01", LeadDepartment: "office-D01-S01"}, true
}

func (fakeLocator) DepartmentOfType(typ, street string) (string, bool) {
	m := map[string]string{"sanitation": "sanitation", "city_management": "citymgmt", "market": "market",
		"health": "health", "patriotic_health": "aiweiban", "housing": "housing", "water": "water"}
	d, ok := m[typ]
	return d, ok
}

func (fakeLocator) DepartmentDistrict(id string) (string, bool) {
	if id == "office-D01-S01" {
		return "D01", true
	}
	return "", id == "sanitation" || id == "citymgmt"
}

func (fakeLocator) Outside(err error) bool { return errors.Is(err, errOutside) }

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newService(t *testing.T) (*complaints.Service, *clock, *complaintdb.Store) {
	t.Helper()
	db := storetest.DB(t)
	st := complaintdb.New(db)
	clk := &clock{t: time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)}
	svc := complaints.NewService(st, fakeLocator{}, clk.Now, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := svc.Init(context.Background()); err != nil {
		t.Fatal(err)
	}
	return svc, clk, st
}

var (
	dept     = complaints.Actor{ID: "u-dept", Name: "环卫处", Role: complaints.RoleDepartment, Scope: "sanitation"}
	official = complaints.Actor{ID: "u-off", Name: "创卫办", Role: complaints.RoleOfficial}
)

func mustFile(t *testing.T, svc *complaints.Service, lat, lon float64) *complaints.Filed {
	t.Helper()
	f, err := svc.File(context.Background(), complaints.Actor{Role: complaints.RoleAnonymous}, complaints.FileInput{
		Category: "garbage", Description: "小区门口垃圾三天没有清运", Point: &complaints.Point{Lat: lat, Lon: lon},
	})
	if err != nil {
		t.Fatalf("file: %v", err)
	}
	return f
}

func TestFileRouteAndWorkflow(t *testing.T) {
	ctx := context.Background()
	svc, clk, _ := newService(t)
	f := mustFile(t, svc, 27.85, 113.15)
	c := f.Complaint
	if c.Department != "sanitation" || c.Status != complaints.StatusSubmitted || c.Version != 1 {
		t.Fatalf("filed %+v", c)
	}
	if want := clk.Now().Add(24 * time.Hour); !c.DueAt.Equal(want) {
		t.Errorf("due %v, want %v", c.DueAt, want)
	}
	if f.Secret == "" || len(c.ID) != complaints.CodeLength {
		t.Errorf("secret %q id %q", f.Secret, c.ID)
	}
	steps := []complaints.ActInput{
		{Action: complaints.ActionAccept, Version: 1},
		{Action: complaints.ActionStart, Version: 2},
		{Action: complaints.ActionResolve, Version: 3, Note: "已清运"},
	}
	for _, in := range steps {
		if _, err := svc.Act(ctx, dept, c.ID, in); err != nil {
			t.Fatalf("%s: %v", in.Action, err)
		}
	}
	// A stale version is a conflict.
	_, err := svc.Act(ctx, dept, c.ID, complaints.ActInput{Action: complaints.ActionStart, Version: 3})
	if !apperr.Is(err, apperr.Conflict) {
		t.Fatalf("stale: %v", err)
	}
	got, err := svc.Feedback(ctx, complaints.Actor{}, c.ID, complaints.FeedbackInput{Secret: f.Secret, Confirm: true, Rating: 5})
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != complaints.StatusClosed || got.Version != 5 || len(got.Events) != 5 {
		t.Fatalf("closed %+v", got)
	}
	evs, err := svc.Events(ctx, complaints.EventCursor{}, 100)
	if err != nil || len(evs) != 5 {
		t.Fatalf("events %d %v", len(evs), err)
	}
	for i, e := range evs {
		if e.Seq != i+1 {
			t.Errorf("event %d seq %d", i, e.Seq)
		}
	}
}

func TestConcurrentSweepersIssueOneNoticePerLevel(t *testing.T) {
	ctx := context.Background()
	svc, clk, st := newService(t)
	// A second service on the same store stands for a second process.
	other := complaints.NewService(st, fakeLocator{}, clk.Now, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := other.Init(ctx); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i := range 6 {
		ids = append(ids, mustFile(t, svc, 27.81+float64(i)*0.01, 113.15).Complaint.ID)
	}
	total := complaints.SweepResult{}
	sweepBoth := func() {
		var wg sync.WaitGroup
		res := make([]complaints.SweepResult, 2)
		for i, s := range []*complaints.Service{svc, other} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r, err := s.Sweep(ctx)
				if err != nil {
					t.Errorf("sweep: %v", err)
				}
				res[i] = r
			}()
		}
		wg.Wait()
		for _, r := range res {
			total.Notices += r.Notices
			total.Published += r.Published
		}
	}
	clk.Advance(25 * time.Hour)
	sweepBoth()
	sweepBoth() // nothing more is due yet
	if total.Notices != 6 {
		t.Fatalf("after level 1: %d notices, want 6", total.Notices)
	}
	clk.Advance(13 * time.Hour)
	sweepBoth()
	clk.Advance(13 * time.Hour)
	sweepBoth()
	if total.Notices != 12 || total.Published != 6 {
		t.Fatalf("notices %d published %d, want 12 and 6", total.Notices, total.Published)
	}
	for _, id := range ids {
		c, err := st.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if c.NoticeLevel != 2 || !c.Published || len(c.Notices) != 2 || c.Version != 4 || len(c.Events) != 4 {
			t.Errorf("%s: level %d published %v notices %d version %d events %d", id, c.NoticeLevel, c.Published, len(c.Notices), c.Version, len(c.Events))
		}
	}
}

func TestDuplicatesAndJoin(t *testing.T) {
	ctx := context.Background()
	svc, _, _ := newService(t)
	first := mustFile(t, svc, 27.85, 113.15)
	near := mustFile(t, svc, 27.8502, 113.1502) // about 30 m away
	if len(near.Duplicates) != 1 || near.Duplicates[0].ID != first.Complaint.ID {
		t.Fatalf("duplicates %+v", near.Duplicates)
	}
	far := mustFile(t, svc, 27.852, 113.15) // about 220 m away
	if len(far.Duplicates) != 0 {
		t.Fatalf("far duplicates %+v", far.Duplicates)
	}
	me := complaints.Actor{ID: "u1", Role: complaints.RoleResident}
	c, err := svc.Join(ctx, me, first.Complaint.ID)
	if err != nil || c.Supporters != 1 {
		t.Fatalf("join: %v %+v", err, c)
	}
	if _, err := svc.Join(ctx, me, first.Complaint.ID); !errors.Is(err, complaints.ErrAlreadyJoined) {
		t.Fatalf("second join: %v", err)
	}
}

func TestDemoHistory(t *testing.T) {
	ctx := context.Background()
	svc, clk, st := newService(t)
	opts := complaints.DemoOptions{Now: clk.Now(), Days: 40, PerDay: 30, MinLat: 27.8, MaxLat: 27.9, MinLon: 113.1, MaxLon: 113.2, Seed: 7}
	start := time.Now()
	n, err := svc.SeedDemo(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("seeded %d demo cases in %v", n, time.Since(start))
	if n < 900 {
		t.Fatalf("only %d demo cases", n)
	}
	again, err := svc.SeedDemo(ctx, opts)
	if err != nil || again != 0 {
		t.Fatalf("second seeding stored %d (%v)", again, err)
	}
	start = time.Now()
	all, err := st.List(ctx, complaints.Filter{Limit: 100000, Summary: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("listed %d in %v", len(all), time.Since(start))
	byStatus := map[complaints.Status]int{}
	levels := map[int]int{}
	merged, reopened, rated, published := 0, 0, 0, 0
	for _, c := range all {
		byStatus[c.Status]++
		if c.Status.Open() {
			levels[c.NoticeLevel]++
		}
		if c.MergedInto != "" {
			merged++
		}
		if c.Reopens > 0 {
			reopened++
		}
		if c.Rating() > 0 {
			rated++
		}
		if c.Published && c.Status.Open() {
			published++
		}
	}
	t.Logf("statuses %v, open by notice level %v, merged %d, reopened %d, rated %d, published %d", byStatus, levels, merged, reopened, rated, published)
	for _, s := range complaints.Statuses {
		if byStatus[s] == 0 {
			t.Errorf("no demo case is %s", s)
		}
	}
	if levels[1] == 0 || levels[2] == 0 || published == 0 || merged == 0 || reopened == 0 || rated == 0 {
		t.Errorf("missing variety: levels %v merged %d reopened %d rated %d published %d", levels, merged, reopened, rated, published)
	}
	// Histories are well formed: numbered from 1, in time order, never in the future.
	start = time.Now()
	defer func() { t.Logf("200 gets in %v", time.Since(start)) }()
	for _, c := range all[:200] {
		full, err := st.Get(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for i, e := range full.Events {
			if e.Seq != i+1 || e.At.After(clk.Now()) || i > 0 && e.At.Before(full.Events[i-1].At) {
				t.Fatalf("%s event %d: %+v", c.ID, i, e)
			}
		}
		if full.Version != len(full.Events) {
			t.Fatalf("%s version %d with %d events", c.ID, full.Version, len(full.Events))
		}
	}
	// The sweeper has nothing left to do on a consistent history... except
	// what fell due in the last minute; it must not fail.
	start = time.Now()
	if _, err := svc.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	t.Logf("swept in %v", time.Since(start))
}

// TestMemoryListsMatchTheStore checks the embedded store's memory copy
// (complaintdb.Memory, as ForMode sets it up) answers every filter, sweep
// and duplicate check exactly as the store's queries do, and follows
// changes: one table of filters run against both stores through the same
// service code.
func TestMemoryListsMatchTheStore(t *testing.T) {
	ctx := context.Background()
	db := storetest.DB(t)
	st := complaintdb.New(db)
	clk := &clock{t: time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := complaints.NewService(st, fakeLocator{}, clk.Now, log)
	if err := svc.Init(ctx); err != nil {
		t.Fatal(err)
	}
	opts := complaints.DemoOptions{Now: clk.Now(), Days: 20, PerDay: 25, MinLat: 27.8, MaxLat: 27.9, MinLon: 113.1, MaxLon: 113.2, Seed: 3}
	if _, err := svc.SeedDemo(ctx, opts); err != nil {
		t.Fatal(err)
	}
	memStore, err := complaintdb.ForMode(ctx, db, store.ModeEmbedded, clk.Now, log)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := memStore.(*complaintdb.Memory); !ok {
		t.Fatalf("embedded mode store is %T, want the memory copy", memStore)
	}
	mem := complaints.NewService(memStore, fakeLocator{}, clk.Now, log)
	if err := mem.Init(ctx); err != nil {
		t.Fatal(err)
	}
	yes, no, two := true, false, 2
	admin := complaints.Actor{ID: "a", Role: complaints.RoleAdmin}
	filters := []complaints.Filter{
		{}, {Sort: "filed_at"}, {Sort: "-due_at"}, {Sort: "updated_at"},
		{Statuses: []complaints.Status{complaints.StatusClosed, complaints.StatusRejected}},
		{Category: "garbage"}, {Categories: []string{"flyers", "sewage"}}, {Department: "sanitation", Sort: "due_at"},
		{DistrictID: "D01"}, {StreetID: "D01-S01"}, {Overdue: &yes}, {Overdue: &no, Category: "pests"},
		{NoticeLevel: &two}, {Published: &yes}, {Text: "垃圾"}, {Text: "堵塞"},
		{From: clk.Now().Add(-72 * time.Hour), To: clk.Now().Add(-24 * time.Hour)},
	}
	for i, f := range filters {
		f.Limit = 7
		for page := 0; page < 3; page++ {
			a, err1 := svc.List(ctx, admin, f)
			b, err2 := mem.List(ctx, admin, f)
			if err1 != nil || err2 != nil {
				t.Fatal(err1, err2)
			}
			if ids(a.Items) != ids(b.Items) {
				t.Fatalf("filter %d page %d: store %s, memory %s", i, page, ids(a.Items), ids(b.Items))
			}
			if a.Next == nil {
				if b.Next != nil {
					t.Fatalf("filter %d: memory has a next page", i)
				}
				break
			}
			f.After = a.Next
		}
	}
	// Sweeps look at the same cases.
	for _, after := range []time.Duration{0, 72 * time.Hour, 10 * 24 * time.Hour} {
		at := clk.Now().Add(after)
		a, err1 := st.SweepCandidates(ctx, at, at.Add(-complaints.AutoCloseAfter))
		b, err2 := memStore.SweepCandidates(ctx, at, at.Add(-complaints.AutoCloseAfter))
		if err1 != nil || err2 != nil || !slices.Equal(a, b) || after > 0 && len(a) == 0 {
			t.Fatalf("sweep candidates in %v: store %v (%v), memory %v (%v)", after, a, err1, b, err2)
		}
		t.Logf("sweep candidates in %v: %d", after, len(a))
	}
	// Changes through the service show up at once.
	f := mustFile(t, mem, 27.85, 113.15)
	// The memory copy filed without updating the cells and marked them
	// stale; a process without the copy repairs them before reading.
	if stale, err := st.CellsStale(ctx); err != nil || !stale {
		t.Fatalf("cells not marked stale: %v %v", stale, err)
	}
	if e, err := st.CellEntries(ctx, []string{"garbage|9283|22630"}); err != nil || slices.ContainsFunc(e, func(e complaintdb.CellEntry) bool { return e.ID == f.Complaint.ID }) {
		t.Fatalf("memory filing wrote its cell: %+v %v", e, err)
	}
	n, err := st.RepairCells(ctx, clk.Now().Add(-complaints.DuplicateWindow))
	if err != nil || n == 0 {
		t.Fatalf("repair: %d %v", n, err)
	}
	if stale, err := st.CellsStale(ctx); err != nil || stale {
		t.Fatalf("cells still stale after repair: %v %v", stale, err)
	}
	if n, err := st.RepairCells(ctx, clk.Now().Add(-complaints.DuplicateWindow)); err != nil || n != 0 {
		t.Fatalf("second repair: %d %v", n, err)
	}
	// Duplicate candidates from memory match those from the cells.
	near := &complaints.Point{Lat: 27.8501, Lon: 113.1501}
	d1, err1 := svc.Duplicates(ctx, "garbage", near, "")
	d2, err2 := mem.Duplicates(ctx, "garbage", near, "")
	if err1 != nil || err2 != nil || len(d1) == 0 || len(d1) != len(d2) || d1[0].ID != f.Complaint.ID || d2[0].ID != f.Complaint.ID {
		t.Fatalf("duplicates: cells %+v (%v), memory %+v (%v)", d1, err1, d2, err2)
	}
	// And around every recent demo case, a few metres off (often across a
	// cell border): the same candidates in the same order.
	recent, err := st.List(ctx, complaints.Filter{From: clk.Now().Add(-complaints.DuplicateWindow)})
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for i, c := range recent {
		p := &complaints.Point{Lat: c.Point.Lat + 0.0002*float64(i%3-1), Lon: c.Point.Lon + 0.0003*float64(i%5-2)}
		a, err1 := svc.Duplicates(ctx, c.Category, p, "")
		b, err2 := mem.Duplicates(ctx, c.Category, p, "")
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		var ia, ib []string
		for _, x := range a {
			ia = append(ia, x.ID)
		}
		for _, x := range b {
			ib = append(ib, x.ID)
		}
		if !slices.Equal(ia, ib) {
			t.Fatalf("around %s: cells %+v, memory %+v", c.ID, a, b)
		}
		found += len(a)
	}
	if len(recent) < 100 || found < 15 {
		t.Fatalf("too few checks: %d cases, %d candidates", len(recent), found)
	}
	t.Logf("duplicate checks around %d cases: %d candidates, the same from memory and cells", len(recent), found)
	got, _ := mem.List(ctx, admin, complaints.Filter{Statuses: []complaints.Status{complaints.StatusSubmitted}, Limit: 200})
	if !strings.Contains(ids(got.Items), f.Complaint.ID) {
		t.Fatal("new filing missing from the memory list")
	}
	if _, err := mem.Act(ctx, dept, f.Complaint.ID, complaints.ActInput{Action: complaints.ActionAccept, Version: 1}); err != nil {
		t.Fatal(err)
	}
	got, _ = mem.List(ctx, admin, complaints.Filter{Statuses: []complaints.Status{complaints.StatusSubmitted}, Limit: 200})
	if strings.Contains(ids(got.Items), f.Complaint.ID) {
		t.Fatal("accepted case still listed as submitted")
	}
	// Reads by id come from memory and carry the history.
	tr, err := mem.Track(ctx, strings.ToLower(f.Complaint.ID))
	if err != nil || tr.Version != 2 || len(tr.Events) != 2 || tr.Status != complaints.StatusAccepted {
		t.Fatalf("track from memory: %+v %v", tr, err)
	}
	// A change made behind the copy's back (another process) turns into a
	// conflict once, then the copy has caught up.
	if _, err := svc.Act(ctx, dept, f.Complaint.ID, complaints.ActInput{Action: complaints.ActionStart, Version: 2}); err != nil {
		t.Fatal(err)
	}
	if _, err := mem.Act(ctx, dept, f.Complaint.ID, complaints.ActInput{Action: complaints.ActionResolve, Note: "好了", Version: 2}); !complaints.IsConflict(err) {
		t.Fatalf("stale copy: %v", err)
	}
	if _, err := mem.Act(ctx, dept, f.Complaint.ID, complaints.ActInput{Action: complaints.ActionResolve, Note: "好了", Version: 3}); err != nil {
		t.Fatalf("after catching up: %v", err)
	}
	// Sweeps find the same work.
	clk.Advance(30 * time.Hour)
	r1, err := mem.Sweep(ctx)
	if err != nil || r1.Notices == 0 {
		t.Fatalf("memory sweep %+v %v", r1, err)
	}
}

func ids(list []*complaints.Complaint) string {
	var b strings.Builder
	for _, c := range list {
		b.WriteString(c.ID + ",")
	}
	return b.String()
}

// TestGroupedFilings files concurrently through the batching store used on
// the embedded store: every filing is stored once, with its event and its
// duplicate-index entry.
func TestGroupedFilings(t *testing.T) {
	ctx := context.Background()
	svc, _, st := newService(t)
	st.SerializeWrites(1)
	st.GroupFilings(8)
	var wg sync.WaitGroup
	filed := make([]*complaints.Filed, 40)
	for i := range filed {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f, err := svc.File(ctx, complaints.Actor{Role: complaints.RoleAnonymous}, complaints.FileInput{
				Category: "garbage", Description: "小区门口垃圾三天没有清运了", Point: &complaints.Point{Lat: 27.85 + float64(i%4)*0.00001, Lon: 113.15}})
			if err != nil {
				t.Error(err)
				return
			}
			filed[i] = f
		}()
	}
	wg.Wait()
	all, err := st.List(ctx, complaints.Filter{})
	if err != nil || len(all) != 40 {
		t.Fatalf("stored %d (%v)", len(all), err)
	}
	evs, err := svc.Events(ctx, complaints.EventCursor{}, 1000)
	if err != nil || len(evs) != 40 {
		t.Fatalf("events %d (%v)", len(evs), err)
	}
	// All 40 landed in one cell; it keeps the newest 30.
	d, err := svc.Duplicates(ctx, "garbage", &complaints.Point{Lat: 27.85, Lon: 113.15}, "")
	if err != nil || len(d) != 5 {
		t.Fatalf("duplicates %d (%v)", len(d), err)
	}
}
