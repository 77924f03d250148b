package portal_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cleancity/portal"
	"cleancity/portal/areas"
	"cleancity/portal/portaltest"
	"cleancity/stats/estimatecmd"
	"cleancity/survey/surveysim"
)

var surveyT0 = time.Date(2025, 10, 20, 1, 0, 0, 0, time.UTC)

// surveyCity is a portal with the demo city's areas (but none of the demo
// survey data) and a clock.
func surveyCity(t *testing.T) (*portaltest.Server, *portaltest.Clock) {
	t.Helper()
	clock := portaltest.NewClock(surveyT0)
	srv := portaltest.NewServer(t, portaltest.WithClock(clock))
	if _, err := srv.Areas.Import(context.Background(), areas.DemoAreas(), areas.DemoDepartments()); err != nil {
		t.Fatal(err)
	}
	return srv, clock
}

func mustStatus(t testing.TB, resp portaltest.Response, want int) map[string]any {
	t.Helper()
	if resp.Status != want {
		t.Fatalf("status %d, want %d: %s", resp.Status, want, resp.Body)
	}
	if len(resp.Body) == 0 || resp.Body[0] != '{' {
		return nil
	}
	return resp.JSON(t)
}

type unitRef struct {
	Unit     string `json:"unit"`
	Target   int    `json:"target"`
	District string `json:"district"`
	Polygon  struct {
		Coordinates [][][][2]float64 `json:"coordinates"`
	} `json:"polygon"`
}

func centre(u unitRef) (lat, lon float64) {
	ring := u.Polygon.Coordinates[0][0]
	for _, p := range ring[:len(ring)-1] {
		lon += p[0]
		lat += p[1]
	}
	n := float64(len(ring) - 1)
	return lat / n, lon / n
}

type subJSON struct {
	ClientID  string         `json:"client_id"`
	Unit      string         `json:"unit"`
	StartedAt string         `json:"started_at"`
	EndedAt   string         `json:"ended_at"`
	GPS       map[string]any `json:"gps,omitempty"`
	Answers   map[string]any `json:"answers"`
}

// interviews makes n interviews per unit, with district rates that differ.
func interviews(g *surveysim.Generator, units []unitRef, n int, day time.Time) []subJSON {
	rates := map[string]float64{"D01": 0.95, "D02": 0.8, "D03": 0.9, "D04": 0.93}
	sched := g.NewSchedule(day)
	var out []subJSON
	for _, u := range units {
		lat, lon := centre(u)
		for k := 0; k < n; k++ {
			start, end := sched.Next()
			s := g.Submission(u.Unit, start, end, lat, lon, surveysim.Profile{Satisfied: rates[u.District], Knowledge: 0.85, District: u.District})
			out = append(out, subJSON{ClientID: s.ClientID, Unit: s.Unit, StartedAt: s.StartedAt.Format(time.RFC3339),
				EndedAt: s.EndedAt.Format(time.RFC3339), GPS: map[string]any{"lat": s.GPS.Lat, "lon": s.GPS.Lon, "accuracy": s.GPS.Accuracy},
				Answers: s.Answers})
		}
	}
	return out
}

func TestSurveyEndToEnd(t *testing.T) {
	srv, _ := surveyCity(t)
	official := srv.Token(t, portal.RoleOfficial, "")
	districtOfficial := srv.Token(t, portal.RoleOfficial, "D01")
	volA := srv.CreateUser(t, "field-a", portal.RoleVolunteer, "")
	volB := srv.CreateUser(t, "field-b", portal.RoleVolunteer, "")
	tokA, tokB := srv.TokenFor(t, volA), srv.TokenFor(t, volB)

	mustStatus(t, srv.PostJSON("/api/v1/questionnaires", official, map[string]any{"template": "default", "id": "sanitation", "version": 1}), 201)
	// Versions are immutable.
	mustStatus(t, srv.PostJSON("/api/v1/questionnaires", official, map[string]any{"template": "default", "id": "sanitation", "version": 1}), 409)

	round := mustStatus(t, srv.PostJSON("/api/v1/rounds", official, map[string]any{
		"id": "r1", "name": "第一轮", "questionnaire_id": "sanitation", "questionnaire_version": 1,
		"starts_on": "2025-10-01", "ends_on": "2025-10-31",
		"plan": map[string]any{"stratum_level": "district", "units_per_stratum": 3, "target_per_unit": 12, "seed": 42},
	}), 201)
	if got := portaltest.Lookup(round, "units"); got != float64(12) {
		t.Fatalf("units = %v, want 12", got)
	}
	var plan struct {
		Plan struct {
			Units []struct{ ID, District string } `json:"units"`
		} `json:"plan"`
	}
	b, _ := json.Marshal(round)
	_ = json.Unmarshal(b, &plan)
	var assign []map[string]string
	for i, u := range plan.Plan.Units {
		vol := volA.Username
		if i%2 == 1 {
			vol = volB.Username
		}
		assign = append(assign, map[string]string{"unit": u.ID, "volunteer": vol})
	}
	mustStatus(t, srv.PostJSON("/api/v1/rounds/r1/assignments", official, map[string]any{"assignments": assign}), 201)

	var mine struct {
		Units []unitRef `json:"units"`
	}
	resp := srv.Get("/api/v1/rounds/r1/assignments/me", tokA)
	mustStatus(t, resp, 200)
	resp.Decode(t, &mine)
	if len(mine.Units) != 6 || mine.Units[0].Target != 12 || len(mine.Units[0].Polygon.Coordinates) == 0 {
		t.Fatalf("assignments/me = %s", resp.Body)
	}
	var minesB struct {
		Units []unitRef `json:"units"`
	}
	srv.Get("/api/v1/rounds/r1/assignments/me", tokB).Decode(t, &minesB)

	// The questionnaire: volunteers never see answer keys.
	qv := srv.Get("/api/v1/rounds/r1/questionnaire", tokA)
	mustStatus(t, qv, 200)
	if bytes.Contains(qv.Body, []byte(`"answer"`)) || !bytes.Contains(qv.Body, []byte(`"relevant":"${visits_market} = 'true'"`)) {
		t.Fatalf("volunteer questionnaire leaks keys or lacks skip logic: %.300s", qv.Body)
	}
	if qo := srv.Get("/api/v1/rounds/r1/questionnaire", official); !bytes.Contains(qo.Body, []byte(`"answer":"20s"`)) {
		t.Fatalf("staff questionnaire lacks answer keys")
	}

	g := surveysim.New(99)
	batchA := interviews(g, mine.Units, 12, surveyT0.AddDate(0, 0, -15))
	batchB := interviews(g, minesB.Units, 12, surveyT0.AddDate(0, 0, -15))

	// Planned round: no responses yet.
	mustStatus(t, srv.PostJSON("/api/v1/rounds/r1/responses", tokA, batchA[0]), 409)
	mustStatus(t, srv.PostJSON("/api/v1/rounds/r1/open", official, nil), 200)

	type outcome struct {
		ClientID string `json:"client_id"`
		Status   int    `json:"status"`
		Outcome  string `json:"outcome"`
		Response struct {
			ID    string   `json:"id"`
			Flags []string `json:"flags"`
		} `json:"response"`
		Error struct {
			Fields map[string]string `json:"fields"`
		} `json:"error"`
	}
	type batchAnswer struct {
		Results []outcome      `json:"results"`
		Counts  map[string]int `json:"counts"`
	}
	submit := func(tok string, subs []subJSON) batchAnswer {
		t.Helper()
		var ans batchAnswer
		r := srv.PostJSON("/api/v1/rounds/r1/responses", tok, map[string]any{"responses": subs})
		mustStatus(t, r, 200)
		r.Decode(t, &ans)
		return ans
	}
	first := submit(tokA, batchA)
	if first.Counts["created"] != len(batchA) {
		t.Fatalf("first batch counts = %v", first.Counts)
	}
	// The phone retries the whole batch: the stored results, no duplicates.
	retry := submit(tokA, batchA)
	if retry.Counts["duplicate"] != len(batchA) {
		t.Fatalf("retry counts = %v", retry.Counts)
	}
	for i := range retry.Results {
		if retry.Results[i].Response.ID != first.Results[i].Response.ID || retry.Results[i].Status != 200 {
			t.Fatalf("retry %d = %+v, want stored %s", i, retry.Results[i], first.Results[i].Response.ID)
		}
	}
	submit(tokB, batchB)

	// A conflicting resubmission: same client id, other answers.
	changed := batchA[0]
	changed.Answers = map[string]any{}
	for k, v := range batchA[0].Answers {
		changed.Answers[k] = v
	}
	changed.Answers["sat_overall"] = "1"
	conflict := mustStatus(t, srv.PostJSON("/api/v1/rounds/r1/responses", tokA, changed), 409)
	if portaltest.Lookup(conflict, "error.code") != "conflict" {
		t.Fatalf("conflict body = %v", conflict)
	}
	// A single retry answers 200 with the stored response.
	single := mustStatus(t, srv.PostJSON("/api/v1/rounds/r1/responses", tokA, batchA[1]), 200)
	if portaltest.Lookup(single, "outcome") != "duplicate" || portaltest.Lookup(single, "response.id") != first.Results[1].Response.ID {
		t.Fatalf("single retry = %v", single)
	}

	// Per-response problems in one batch.
	bad := batchA[2]
	bad.ClientID = g.UUID()
	bad.Answers = map[string]any{"sat_overall": "9"}
	notMine := batchB[0]
	notMine.ClientID = g.UUID()
	malformed := batchA[3]
	malformed.ClientID = "not-a-uuid"
	mixed := submit(tokA, []subJSON{bad, notMine, malformed})
	if mixed.Results[0].Status != 400 || mixed.Results[0].Error.Fields["answers.sat_overall"] == "" || mixed.Results[0].Error.Fields["answers.age_group"] == "" {
		t.Fatalf("invalid answers outcome = %+v", mixed.Results[0])
	}
	if mixed.Results[1].Status != 403 || mixed.Results[2].Status != 400 {
		t.Fatalf("mixed outcomes = %+v", mixed.Results)
	}

	// Review: a district official cannot touch another district's responses.
	var other string
	for i, o := range first.Results {
		if !strings.HasPrefix(batchA[i].Unit, "D01") {
			other = o.Response.ID
			break
		}
	}
	mustStatus(t, srv.PostJSON("/api/v1/rounds/r1/responses/"+other+"/review", districtOfficial, map[string]any{"decision": "accept"}), 403)
	mustStatus(t, srv.PostJSON("/api/v1/rounds/r1/responses/"+other+"/review", official, map[string]any{"decision": "reject"}), 400)
	rej := mustStatus(t, srv.PostJSON("/api/v1/rounds/r1/responses/"+other+"/review", official, map[string]any{"decision": "reject", "reason": "受访者非本社区居民"}), 200)
	if rej["status"] != "rejected" {
		t.Fatalf("review = %v", rej)
	}
	mustStatus(t, srv.PostJSON("/api/v1/rounds/r1/reviews", official, map[string]any{"all_unflagged": true, "decision": "accept"}), 200)
	// Flagged ones: a supervisor looks and accepts them.
	flagged := mustStatus(t, srv.Get("/api/v1/rounds/r1/responses?status=submitted&limit=500", official), 200)
	var ids []string
	for _, x := range flagged["responses"].([]any) {
		ids = append(ids, x.(map[string]any)["id"].(string))
	}
	if len(ids) > 0 {
		mustStatus(t, srv.PostJSON("/api/v1/rounds/r1/reviews", official, map[string]any{"ids": ids, "decision": "accept"}), 200)
	}

	// The volunteer's own units count what they hold per status: the
	// rejected one, the accepted rest, nothing lost between the two; the
	// phone shows sent (their sum), accepted and target per unit.
	sentTo := map[string]int{}
	for i, sub := range batchA {
		sentTo[sub.Unit]++
		if first.Results[i].Response.ID == other {
			sentTo["rejected:"+sub.Unit]++
		}
	}
	var tallied struct {
		Units []struct {
			Unit                          string
			Target                        int
			Accepted, Submitted, Rejected int
		} `json:"units"`
	}
	srv.Get("/api/v1/rounds/r1/assignments/me", tokA).Decode(t, &tallied)
	rejectedSeen := 0
	for _, u := range tallied.Units {
		if got := u.Accepted + u.Submitted + u.Rejected; got != sentTo[u.Unit] || u.Rejected != sentTo["rejected:"+u.Unit] || u.Submitted != 0 || u.Target != 12 {
			t.Errorf("unit %s tallies accepted %d submitted %d rejected %d target %d, want %d sent of which %d rejected",
				u.Unit, u.Accepted, u.Submitted, u.Rejected, u.Target, sentTo[u.Unit], sentTo["rejected:"+u.Unit])
		}
		rejectedSeen += u.Rejected
	}
	if len(tallied.Units) != 6 || rejectedSeen != 1 {
		t.Fatalf("assignments/me after review: %d units, %d rejected in all, want 6 and 1", len(tallied.Units), rejectedSeen)
	}

	// Results and the CSV, checked against `portal stats estimate`.
	plain := checkReproduce(t, srv, official, "district", len(batchA)+len(batchB)-1)
	if portaltest.Lookup(plain, "overall.awareness_items.ci_low") == nil || portaltest.Lookup(plain, "overall.awareness_items.verdict") == nil {
		t.Fatalf("per-question awareness without interval or verdict: %v", portaltest.Lookup(plain, "overall.awareness_items"))
	}

	// Census and raking: the reproduce arguments carry the margin files.
	cells := []map[string]any{}
	for _, age := range []string{"18-34", "35-59", "60+"} {
		for _, sex := range []string{"M", "F"} {
			cells = append(cells, map[string]any{"age_group": age, "sex": sex, "count": map[string]float64{"18-34": 60000, "35-59": 90000, "60+": 50000}[age]})
		}
	}
	mustStatus(t, srv.Do(portaltest.Request{Method: http.MethodPut, Path: "/api/v1/rounds/r1/census", Token: official,
		Body: map[string]any{"calibration": "rake", "cells": cells}}), 200)
	raked := checkReproduce(t, srv, official, "district", len(batchA)+len(batchB)-1)
	if raked["calibration"] != "rake" || portaltest.Lookup(raked, "reproduce.files").(map[string]any)["age_group.csv"] == nil {
		t.Fatalf("raked results: calibration %v, files %v", raked["calibration"], portaltest.Lookup(raked, "reproduce.files"))
	}

	// Post-stratification to the age x sex cells, end to end: the census
	// through the API, results, the CSV and the joint-cell file, and
	// `portal stats estimate --poststratify` giving the same numbers.
	mustStatus(t, srv.Do(portaltest.Request{Method: http.MethodPut, Path: "/api/v1/rounds/r1/census", Token: official,
		Body: map[string]any{"calibration": "poststratify", "cells": cells}}), 200)
	ps := checkReproduce(t, srv, official, "district", len(batchA)+len(batchB)-1)
	if ps["calibration"] != "poststratify" || portaltest.Lookup(ps, "reproduce.files").(map[string]any)["agesex.csv"] == nil ||
		!strings.Contains(fmt.Sprint(portaltest.Lookup(ps, "reproduce.args")), "--poststratify agesex=agesex.csv") {
		t.Fatalf("post-stratified results: calibration %v, reproduce %v", ps["calibration"], portaltest.Lookup(ps, "reproduce"))
	}
	psSat := portaltest.Lookup(ps, "overall.satisfaction.estimate").(float64)
	if rakedSat := portaltest.Lookup(raked, "overall.satisfaction.estimate").(float64); psSat == rakedSat {
		t.Fatalf("post-stratified and raked satisfaction are both %v: calibration not applied", psSat)
	}
	// By street: a street with one sampled community has no interval (R
	// gives NaN on 0 degrees of freedom): estimate without CI or verdict.
	streets := mustStatus(t, srv.Get("/api/v1/rounds/r1/results?by=street", official), 200)
	nulls := 0
	for _, d := range streets["domains"].([]any) {
		rate := portaltest.Lookup(d, "rates.satisfaction").(map[string]any)
		if rate["ci_low"] == nil {
			nulls++
			if rate["verdict"] != nil || rate["estimate"] == nil {
				t.Fatalf("single-PSU street domain: %v", rate)
			}
		}
	}
	if nulls == 0 {
		t.Fatalf("want some street domains without an interval (one community each): %s", streets["domains"])
	}

	// Only city-wide staff export microdata; volunteers never see results.
	mustStatus(t, srv.Get("/api/v1/rounds/r1/responses.csv", districtOfficial), 403)
	mustStatus(t, srv.Get("/api/v1/rounds/r1/results", tokA), 403)
	mustStatus(t, srv.Get("/api/v1/rounds/r1/results", ""), 401)

	// Closing stops new responses but retries still get their answer.
	mustStatus(t, srv.PostJSON("/api/v1/rounds/r1/close", official, nil), 200)
	mustStatus(t, srv.PostJSON("/api/v1/rounds/r1/responses", tokA, batchA[1]), 200)
	late := batchA[1]
	late.ClientID = g.UUID()
	mustStatus(t, srv.PostJSON("/api/v1/rounds/r1/responses", tokA, late), 409)
}

// checkReproduce reads the results, exports the CSV and the calibration
// files, runs `portal stats estimate` with the results' reproduce args and
// compares every estimate.
func checkReproduce(t *testing.T, srv *portaltest.Server, tok, by string, wantN int) map[string]any {
	t.Helper()
	res := mustStatus(t, srv.Get("/api/v1/rounds/r1/results?by="+by, tok), 200)
	if n := portaltest.Lookup(res, "design.n"); n != float64(wantN) {
		t.Fatalf("design.n = %v, want %d", n, wantN)
	}
	dir := t.TempDir()
	files := portaltest.Lookup(res, "reproduce.files").(map[string]any)
	for name, url := range files {
		r := srv.Get(url.(string), tok)
		if r.Status != 200 {
			t.Fatalf("GET %s: %d %s", url, r.Status, r.Body)
		}
		if err := os.WriteFile(filepath.Join(dir, name), r.Body, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	argsList := portaltest.Lookup(res, "reproduce.args").([]any)
	if want := 2; len(argsList) != want {
		t.Fatalf("reproduce has %d commands, want %d (overall and by %s)", len(argsList), want, by)
	}
	got := map[string]estimatecmd.Row{}
	for _, a := range argsList {
		var args []string
		for _, w := range a.([]any) {
			args = append(args, w.(string))
		}
		var out, errOut bytes.Buffer
		if err := estimatecmd.Run(context.Background(), args, &out, &errOut); err != nil {
			t.Fatalf("portal stats estimate %v: %v\n%s", args, err, errOut.String())
		}
		var doc estimatecmd.Output
		if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
			t.Fatal(err)
		}
		if doc.Design.N != wantN {
			t.Fatalf("estimate design n = %d, want %d", doc.Design.N, wantN)
		}
		for _, e := range doc.Estimates {
			got[e.Indicator+"@"+e.Domain] = e
		}
	}
	names := map[string]string{"satisfaction": "satisfied", "awareness": "aware", "awareness_items": "correct/answered"}
	compare := func(where string, rates map[string]any, domain string) {
		for ind, col := range names {
			e, ok := got[col+"@"+domain]
			if !ok {
				t.Fatalf("%s: estimate has no %s in domain %q", where, col, domain)
			}
			r := rates[ind].(map[string]any)
			close := func(field string, a, b float64) {
				if math.Abs(a-b) > 1e-9*math.Max(1, math.Abs(b)) {
					t.Errorf("%s %s %s: portal %v, estimate %v", where, ind, field, a, b)
				}
			}
			close("estimate", r["estimate"].(float64), e.Estimate)
			close("se", r["se"].(float64), e.SE)
			if (e.CILow == nil) != (r["ci_low"] == nil) || (e.Deff == nil) != (r["deff"] == nil) {
				t.Fatalf("%s %s: portal ci_low %v deff %v, estimate ci_low %v deff %v", where, ind, r["ci_low"], r["deff"], e.CILow, e.Deff)
			}
			if e.CILow != nil {
				close("ci_low", r["ci_low"].(float64), *e.CILow)
				close("ci_high", r["ci_high"].(float64), *e.CIHigh)
				if r["verdict"] != *e.Verdict {
					t.Errorf("%s %s verdict: portal %v, estimate %v", where, ind, r["verdict"], *e.Verdict)
				}
			}
			if e.Deff != nil {
				close("deff", r["deff"].(float64), *e.Deff)
			}
			// An open round's interim verdict and forecast: the command's
			// --forecast prints the same.
			fc, monitored := r["forecast"].(map[string]any)
			if monitored != (e.Forecast != nil) || monitored != (portaltest.Lookup(res, "status") == "open") {
				t.Fatalf("%s %s: portal forecast %v, estimate forecast %v, round %v", where, ind, r["forecast"], e.Forecast, portaltest.Lookup(res, "status"))
			}
			if monitored {
				want := any(nil)
				if e.Forecast.Needed != nil {
					want = float64(*e.Forecast.Needed)
				}
				if fc["needed"] != want || fc["reachable"] != e.Forecast.Reachable || fc["too_early"] != e.Forecast.TooEarly {
					t.Errorf("%s %s forecast: portal %v, estimate %+v", where, ind, fc, *e.Forecast)
				}
				close("interim.ci_low", portaltest.Lookup(r, "interim.ci_low").(float64), e.Interim.CILow)
			}
		}
	}
	if _, ok := res["allocation"].([]any); !ok {
		t.Fatalf("results have no allocation list: %v", res["allocation"])
	}
	compare("overall", portaltest.Lookup(res, "overall").(map[string]any), "")
	domains := portaltest.Lookup(res, "domains").([]any)
	if len(domains) == 0 {
		t.Fatal("no domains")
	}
	for _, d := range domains {
		dm := d.(map[string]any)
		compare(fmt.Sprint(dm["id"]), dm["rates"].(map[string]any), dm["id"].(string))
	}
	return res
}

// TestSurveyDemo checks the demo rounds: two closed rounds of about 1,500
// accepted interviews, one district below 90%, one inconclusive, and an
// open round where volunteer1 has units.
func TestSurveyDemo(t *testing.T) {
	start := time.Now()
	srv := portaltest.NewServer(t, portaltest.WithDemoData())
	t.Logf("demo seeded in %v", time.Since(start))
	official := srv.Login(t, "official", portal.DemoPassword).AccessToken
	rounds := mustStatus(t, srv.Get("/api/v1/rounds", official), 200)["rounds"].([]any)
	if len(rounds) != 3 {
		t.Fatalf("rounds = %v", rounds)
	}
	status := map[string]string{}
	for _, r := range rounds {
		m := r.(map[string]any)
		status[m["id"].(string)] = m["status"].(string)
	}
	if status["demo-2024-autumn"] != "closed" || status["demo-2025-spring"] != "closed" || status["demo-2025-autumn"] != "open" {
		t.Fatalf("statuses = %v", status)
	}
	for _, id := range []string{"demo-2024-autumn", "demo-2025-spring"} {
		res := mustStatus(t, srv.Get("/api/v1/rounds/"+id+"/results?by=district", official), 200)
		n := portaltest.Lookup(res, "design.n").(float64)
		if n < 1400 || n > 1560 {
			t.Errorf("%s: %v accepted, want about 1,500", id, n)
		}
		verdicts := map[string]string{}
		for _, d := range res["domains"].([]any) {
			v, _ := portaltest.Lookup(d, "rates.satisfaction.verdict").(string)
			verdicts[portaltest.Lookup(d, "id").(string)] = v
		}
		t.Logf("%s: n=%v satisfaction %.3f, verdicts %v", id, n, portaltest.Lookup(res, "overall.satisfaction.estimate"), verdicts)
		if id == "demo-2025-spring" {
			sg := mustStatus(t, srv.Get("/api/v1/rounds/"+id+"/plan/suggestion?half_width=0.02", official), 200)
			if sg["based_on"] != "demo-2024-autumn" || sg["total"].(float64) < 500 || len(sg["strata"].([]any)) != 4 {
				t.Errorf("suggestion = %v", sg)
			}
			t.Logf("suggestion: %v", sg)
			if verdicts["D02"] != "below" || verdicts["D03"] != "inconclusive" {
				t.Errorf("latest closed round verdicts = %v, want D02 below and D03 inconclusive", verdicts)
			}
			if portaltest.Lookup(res, "previous.round_id") != "demo-2024-autumn" || portaltest.Lookup(res, "calibration") != "rake" {
				t.Errorf("comparison/calibration missing: %v %v", res["previous"], res["calibration"])
			}
		}
	}
	vol := srv.Login(t, "volunteer1", portal.DemoPassword).AccessToken
	mine := mustStatus(t, srv.Get("/api/v1/rounds/demo-2025-autumn/assignments/me", vol), 200)
	if units := mine["units"].([]any); len(units) == 0 {
		t.Fatal("volunteer1 has no units in the open round")
	}
}
