package portal_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"cleancity/complaints"
	"cleancity/portal"
	"cleancity/portal/portaltest"
	"cleancity/portal/store"
	"cleancity/survey"
	"cleancity/survey/surveysim"
)

// Two portal processes on one store: two portal.Server instances, each
// with its own store connection (in PostgreSQL mode its own FerretDB
// handler over the same PostgreSQL database, exactly what two processes
// run; on the embedded pass both on the test FerretDB server, as behind
// `portal db serve`). Their background work is run by hand, at the same
// time in both, so every claim is contended.

// twoPortals is the demo city served by two portals on one database.
func twoPortals(t *testing.T, opts ...portaltest.Option) (a, b *portaltest.Server) {
	t.Helper()
	a = newCityServer(t, opts...)
	b = portaltest.NewPeer(t, a, opts...)
	return a, b
}

// together runs each function n times, all at once, and waits for them.
func together(n int, fs ...func()) {
	var wg sync.WaitGroup
	for range n {
		for _, f := range fs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				f()
			}()
		}
	}
	wg.Wait()
}

// TestTwoPortalsEscalateOncePerLevel: both processes sweep overdue cases
// at the same moment, several times; each case gets exactly one notice per
// level.
func TestTwoPortalsEscalateOncePerLevel(t *testing.T) {
	clock := portaltest.NewClock(time.Date(2026, 6, 1, 5, 5, 0, 0, time.UTC))
	a, b := twoPortals(t, portaltest.WithClock(clock))
	var ids []string
	for i := range 4 {
		srv := a
		if i%2 == 1 {
			srv = b
		}
		ids = append(ids, mustFileHTTP(t, srv, "", map[string]any{"lat": inLat + float64(i)*0.0003})["id"].(string))
	}
	sweep := func(srv *portaltest.Server) func() {
		return func() {
			if _, err := srv.Complaints.Sweep(context.Background()); err != nil {
				t.Error(err)
			}
		}
	}
	check := func(level int) {
		t.Helper()
		staff := a.Token(t, portal.RoleDepartment, "sanitation") // tokens expire as the clock moves
		for _, id := range ids {
			for _, srv := range []*portaltest.Server{a, b} {
				resp := srv.Get("/api/v1/complaints/"+id, staff)
				full := resp.JSON(t)
				if resp.Status != http.StatusOK {
					t.Fatalf("get %s: %d %s", id, resp.Status, resp.Body)
				}
				if full["notice_level"] != float64(level) || len(full["notices"].([]any)) != level {
					t.Fatalf("case %s after concurrent sweeps: notice level %v, notices %v; want %d of each", id, full["notice_level"], full["notices"], level)
				}
			}
		}
	}
	clock.Advance(25 * time.Hour)
	together(3, sweep(a), sweep(b))
	check(1)
	clock.Advance(13 * time.Hour)
	together(3, sweep(a), sweep(b))
	clock.Advance(13 * time.Hour)
	together(3, sweep(a), sweep(b))
	check(2)
}

// TestTwoPortalsDeliverEachMessageOnce: both processes run their outbox
// deliverers at the same time; the webhook gets every notification once.
func TestTwoPortalsDeliverEachMessageOnce(t *testing.T) {
	var mu sync.Mutex
	got := map[string]int{}
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got[r.Header.Get("X-CleanCity-Event")]++
		mu.Unlock()
	}))
	defer hook.Close()
	clock := portaltest.NewClock(time.Date(2026, 6, 1, 5, 5, 0, 0, time.UTC))
	a, b := twoPortals(t, portaltest.WithClock(clock), portaltest.WithConfig(func(c *portal.Config) {
		c.WebhookURL, c.WebhookSecret = hook.URL, "webhook-secret-0123456789"
	}))
	staff := a.Token(t, portal.RoleDepartment, "sanitation")
	for i := range 6 {
		srv := a
		if i%2 == 1 {
			srv = b
		}
		id := mustFileHTTP(t, srv, "", map[string]any{"lat": inLat + float64(i)*0.0003})["id"].(string)
		for v, action := range []string{"accept", "start", "resolve"} {
			r := srv.PostJSON("/api/v1/complaints/"+id+"/actions", staff, map[string]any{"action": action, "version": v + 1, "note": "已处理"})
			if r.Status != http.StatusOK {
				t.Fatalf("%s %s: %d %s", action, id, r.Status, r.Body)
			}
		}
	}
	deliver := func(srv *portaltest.Server) func() {
		return func() {
			if _, _, err := srv.ComplaintOutbox().RunOnce(context.Background()); err != nil {
				t.Error(err)
			}
		}
	}
	together(3, deliver(a), deliver(b))
	together(2, deliver(a), deliver(b))

	cur, err := a.Store().DB.Collection("complaint_outbox").Find(context.Background(), bson.D{{Key: "channel", Value: complaints.ChannelWebhook}})
	if err != nil {
		t.Fatal(err)
	}
	var msgs []struct {
		ID      string `bson:"_id"`
		EventID string `bson:"event_id"`
		Status  string `bson:"status"`
	}
	if err := cur.All(context.Background(), &msgs); err != nil {
		t.Fatal(err)
	}
	if len(msgs) < 12 {
		t.Fatalf("%d webhook messages queued, want one per accept and resolve (12)", len(msgs))
	}
	mu.Lock()
	defer mu.Unlock()
	for _, m := range msgs {
		if got[m.EventID] != 1 || m.Status != complaints.MessageSent {
			t.Errorf("message %s (%s): delivered %d times, want once", m.ID, m.Status, got[m.EventID])
		}
	}
	if len(got) != len(msgs) {
		t.Errorf("webhook saw %d events, the outbox holds %d messages", len(got), len(msgs))
	}
}

// TestTwoPortalsDuplicatesAndMeToo: a filing on one process finds the
// cases filed on the other as possible duplicates, and "me too" joins sent
// to both at once are all counted.
func TestTwoPortalsDuplicatesAndMeToo(t *testing.T) {
	a, b := twoPortals(t)
	first := mustFileHTTP(t, a, "", nil)
	second := mustFileHTTP(t, b, "", map[string]any{"lat": inLat + 0.0002})
	if portaltest.Lookup(second, "possible_duplicates.0.id") != first["id"] {
		t.Fatalf("filing on the second process: duplicates %v, want %v", second["possible_duplicates"], first["id"])
	}
	third := mustFileHTTP(t, a, "", map[string]any{"lat": inLat - 0.0002})
	found := map[any]bool{}
	for _, d := range third["possible_duplicates"].([]any) {
		found[d.(map[string]any)["id"]] = true
	}
	if !found[first["id"]] || !found[second["id"]] {
		t.Fatalf("third filing: duplicates %v, want %v and %v", third["possible_duplicates"], first["id"], second["id"])
	}
	for _, srv := range []*portaltest.Server{a, b} {
		pre := srv.Get(fmt.Sprintf("/api/v1/complaints/duplicates?category=garbage&lat=%v&lon=%v", inLat, inLon), "")
		if n := len(pre.JSON(t)["possible_duplicates"].([]any)); pre.Status != http.StatusOK || n != 3 {
			t.Errorf("duplicate check: %d, %d candidates, want 3: %s", pre.Status, n, pre.Body)
		}
	}

	id := first["id"].(string)
	var residents []string
	for i := range 6 {
		residents = append(residents, a.TokenFor(t, a.CreateUser(t, fmt.Sprintf("metoo-%d", i), portal.RoleResident, "")))
	}
	var wg sync.WaitGroup
	for i, tok := range residents {
		srv := a
		if i%2 == 1 {
			srv = b
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if r := srv.PostJSON("/api/v1/complaints/"+id+"/join", tok, nil); r.Status != http.StatusOK {
				t.Errorf("join: %d %s", r.Status, r.Body)
			}
		}()
	}
	for i := range 8 {
		srv := a
		if i%2 == 1 {
			srv = b
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := srv.Complaints.Join(context.Background(), complaints.Actor{Role: complaints.RoleAnonymous}, id); err != nil {
				t.Errorf("anonymous join: %v", err)
			}
		}()
	}
	wg.Wait()
	for _, srv := range []*portaltest.Server{a, b} {
		if n := srv.Get("/api/v1/track/"+id, "").JSON(t)["supporters"]; n != float64(14) {
			t.Errorf("supporters %v after 14 joins sent to two processes at once", n)
		}
	}
}

// TestTwoPortalsDashboardMatchesRebuild: both processes file and act at
// the same time; the dashboard both serve equals a rebuild from the case
// histories.
func TestTwoPortalsDashboardMatchesRebuild(t *testing.T) {
	clock := portaltest.NewClock(time.Date(2026, 3, 2, 8, 0, 0, 0, cst))
	a, b := twoPortals(t, portaltest.WithClock(clock))
	ctx := context.Background()
	staff := complaints.Actor{ID: "admin-1", Name: "Admin", Role: complaints.RoleAdmin}
	work := func(srv *portaltest.Server, col int) func() {
		return func() {
			for i := range 8 {
				f, err := srv.Complaints.File(ctx, complaints.Actor{Role: complaints.RoleAnonymous},
					complaints.FileInput{Category: []string{"garbage", "flyers", "sewage"}[i%3], Description: "two-process dashboard case", Point: cellPoint(col, i)})
				if err != nil {
					t.Error(err)
					return
				}
				id := f.Complaint.ID
				for v, action := range []complaints.Action{complaints.ActionAccept, complaints.ActionStart, complaints.ActionResolve}[:i%4] {
					if _, err := srv.Complaints.Act(ctx, staff, id, complaints.ActInput{Action: action, Version: v + 1, Note: "note"}); err != nil {
						t.Error(err)
						return
					}
				}
				if i%3 == 0 && i%4 < 3 { // still open
					if _, err := srv.Complaints.Join(ctx, complaints.Actor{Role: complaints.RoleAnonymous}, id); err != nil {
						t.Error(err)
					}
				}
			}
		}
	}
	together(1, work(a, 1), work(b, 5), work(a, 8), work(b, 10))
	// Whichever holds the applier lease folds everything in; both then
	// read the same summaries.
	for _, srv := range []*portaltest.Server{a, b, a, b} {
		if err := srv.DashboardSync(ctx); err != nil {
			t.Fatal(err)
		}
	}
	liveDays, liveSets, err := a.Dashboard.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	bDays, bSets, err := b.Dashboard.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(liveDays, bDays) || !reflect.DeepEqual(liveSets, bSets) {
		t.Fatalf("the two processes serve different summaries")
	}
	res, err := a.Dashboard.Rebuild(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.Cases != 32 {
		t.Errorf("rebuild read %d cases, want 32", res.Cases)
	}
	days, sets, err := a.Dashboard.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(days) != len(liveDays) {
		t.Errorf("rebuild has %d days, live %d", len(days), len(liveDays))
	}
	for date, d := range liveDays {
		if !reflect.DeepEqual(d, days[date]) {
			t.Errorf("day %s differs from the rebuild:\nlive    %+v\nrebuilt %+v", date, d, days[date])
		}
	}
	if !reflect.DeepEqual(sets, liveSets) {
		t.Errorf("open sets differ from the rebuild:\nlive    %+v\nrebuilt %+v", liveSets, sets)
	}
}

// TestTwoPortalsSurveyTalliesExact: interviews submitted to both processes
// at once, each batch retried on the other, and reviews run by both at
// once: the tallies behind progress and results equal a count of the
// stored responses.
func TestTwoPortalsSurveyTalliesExact(t *testing.T) {
	clock := portaltest.NewClock(surveyT0)
	a, b := twoPortals(t, portaltest.WithClock(clock))
	ctx := context.Background()
	official := a.Token(t, portal.RoleOfficial, "")
	vol := []string{a.TokenFor(t, a.CreateUser(t, "field-a", portal.RoleVolunteer, "")), a.TokenFor(t, a.CreateUser(t, "field-b", portal.RoleVolunteer, ""))}
	mustStatus(t, a.PostJSON("/api/v1/questionnaires", official, map[string]any{"template": "default", "id": "sanitation", "version": 1}), 201)
	mustStatus(t, b.PostJSON("/api/v1/rounds", official, map[string]any{
		"id": "r1", "name": "第一轮", "questionnaire_id": "sanitation", "questionnaire_version": 1,
		"starts_on": "2025-10-01", "ends_on": "2025-10-31",
		"plan": map[string]any{"stratum_level": "district", "units_per_stratum": 2, "target_per_unit": 10, "seed": 7},
	}), 201)
	r, err := a.Survey.Round(ctx, "r1")
	if err != nil {
		t.Fatal(err)
	}
	var assign []map[string]string
	for i, u := range r.Plan.Units {
		assign = append(assign, map[string]string{"unit": u.ID, "volunteer": []string{"field-a", "field-b"}[i%2]})
	}
	mustStatus(t, a.PostJSON("/api/v1/rounds/r1/assignments", official, map[string]any{"assignments": assign}), 201)
	mustStatus(t, b.PostJSON("/api/v1/rounds/r1/open", official, nil), 200)

	g := surveysim.New(5)
	var batches [][]subJSON
	for _, tok := range vol {
		var mine struct {
			Units []unitRef `json:"units"`
		}
		a.Get("/api/v1/rounds/r1/assignments/me", tok).Decode(t, &mine)
		all := interviews(g, mine.Units, 10, surveyT0.AddDate(0, 0, -15))
		batches = append(batches, all[:len(all)/2], all[len(all)/2:])
	}
	total := 0
	var wg sync.WaitGroup
	for i, batch := range batches {
		total += len(batch)
		tok := vol[i/2]
		// Each batch goes to one process and, at the same time, is retried
		// on the other.
		for _, srv := range []*portaltest.Server{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				resp := srv.PostJSON("/api/v1/rounds/r1/responses", tok, map[string]any{"responses": batch})
				if resp.Status != http.StatusOK {
					t.Errorf("submit: %d %s", resp.Status, resp.Body)
				}
			}()
		}
	}
	wg.Wait()
	checkTallies := func(stage string) {
		t.Helper()
		stored, err := a.Survey.Responses(ctx, survey.ResponseFilter{RoundID: "r1", Limit: 10000})
		if err != nil {
			t.Fatal(err)
		}
		if len(stored) != total {
			t.Fatalf("%s: %d responses stored, want %d", stage, len(stored), total)
		}
		want := map[string][3]int{}
		for _, x := range stored {
			c := want[x.Unit]
			switch x.Status {
			case survey.Accepted:
				c[0]++
			case survey.Submitted:
				c[1]++
			case survey.Rejected:
				c[2]++
			}
			want[x.Unit] = c
		}
		for _, srv := range []*portaltest.Server{a, b} {
			progress, err := srv.Survey.Progress(ctx, &r)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range progress {
				if got := [3]int{p.Accepted, p.Submitted, p.Rejected}; got != want[p.ID] {
					t.Errorf("%s: unit %s tallies accepted/submitted/rejected %v, the responses say %v", stage, p.ID, got, want[p.ID])
				}
			}
		}
	}
	checkTallies("after submitting")

	// Both processes accept the clean interviews at once; flagged ones are
	// reviewed one by one, alternately on each.
	together(1, func() {
		mustStatus(t, a.PostJSON("/api/v1/rounds/r1/reviews", official, map[string]any{"all_unflagged": true, "decision": "accept"}), 200)
	}, func() {
		mustStatus(t, b.PostJSON("/api/v1/rounds/r1/reviews", official, map[string]any{"all_unflagged": true, "decision": "accept"}), 200)
	})
	flagged := mustStatus(t, a.Get("/api/v1/rounds/r1/responses?status=submitted&limit=500", official), 200)
	for i, x := range flagged["responses"].([]any) {
		srv := []*portaltest.Server{a, b}[i%2]
		mustStatus(t, srv.PostJSON("/api/v1/rounds/r1/responses/"+x.(map[string]any)["id"].(string)+"/review", official,
			map[string]any{"decision": "reject", "reason": "复核不通过"}), 200)
	}
	checkTallies("after reviews")
	res := mustStatus(t, b.Get("/api/v1/rounds/r1/results", official), 200)
	if n := portaltest.Lookup(res, "overall.satisfaction.n"); n != float64(total-len(flagged["responses"].([]any))) {
		t.Errorf("results on %v accepted interviews, want %d", n, total-len(flagged["responses"].([]any)))
	}
}

// TestEveryCollectionIsListed: every collection the portal writes while it
// seeds the demo city and runs its work is in portal.Collections, which
// PostgreSQL mode creates before any process reads FerretDB's catalogue. A
// collection missing from the list is invisible to portals that started
// before another one created it.
func TestEveryCollectionIsListed(t *testing.T) {
	srv := portaltest.NewServer(t, portaltest.WithDemoData())
	ctx := context.Background()
	login := srv.PostJSON("/api/v1/auth/login", "", map[string]string{"username": "official", "password": "demo-pass-2026"})
	var tokens struct {
		Refresh string `json:"refresh_token"`
	}
	login.Decode(t, &tokens)
	mustStatus(t, srv.PostJSON("/api/v1/auth/refresh", "", map[string]string{"refresh_token": tokens.Refresh}), 200)
	id := mustFileHTTP(t, srv, "", nil)["id"].(string)
	mustStatus(t, srv.PostJSON("/api/v1/complaints/"+id+"/actions", srv.Token(t, portal.RoleDepartment, "sanitation"),
		map[string]any{"action": "accept", "version": 1}), 200)
	// An anonymous "me too" (claims), an Open311 report that names no
	// community (the triage intake); the staff action above is audited.
	if resp := srv.PostJSON("/api/v1/complaints/"+id+"/join", "", map[string]any{}); resp.Status >= 500 {
		t.Fatalf("join: %d %s", resp.Status, resp.Body)
	}
	form := url.Values{"api_key": {"demo"}, "service_code": {"garbage"}, "address_string": {"解放路88号门口"}, "description": {"门口垃圾"}}
	mustStatus(t, srv.Do(portaltest.Request{Method: http.MethodPost, Path: "/open311/v2/requests.json", Body: []byte(form.Encode()),
		ContentType: "application/x-www-form-urlencoded"}), http.StatusCreated)
	if _, _, err := srv.ComplaintOutbox().RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Complaints.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	if err := srv.DashboardSync(ctx); err != nil {
		t.Fatal(err)
	}
	names, err := srv.Store().DB.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{store.SecretsCollection: true}
	for _, n := range portal.Collections() {
		listed[n] = true
	}
	for _, n := range names {
		if !listed[n] {
			t.Errorf("collection %s is not in portal.Collections", n)
		}
	}
}
