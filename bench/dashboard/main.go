// Command dashboard-bench measures the oversight dashboard at scale.
//
//	gen      writes N complaints with realistic histories (a year of filings,
//	         acceptance, work, resolution, confirmation or reopening or
//	         auto-close, notices and publication of late cases, "me too"
//	         joins) and M survey responses over four rounds, with insertMany
//	         in big batches, straight into a store started with
//	         `portal db serve`; then rebuilds the summaries and prints the
//	         times.
//	measure  starts `portal serve --mongodb-uri` on loopback (the binary
//	         given by -portal), signs in an official, and reports p50/p95
//	         of every dashboard endpoint, plus how long a new filing takes
//	         to show on the dashboard.
//
// See README.md for a whole run. The maintenance cost per action (filing
// and transition latency with and without the summary hook) is the Go
// benchmark in hook_bench_test.go.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"cleancity/complaints"
	"cleancity/complaints/complaintdb"
	"cleancity/complaints/summary"
	"cleancity/complaints/summary/summarydb"
	"cleancity/portal"
	"cleancity/portal/areas"
	"cleancity/survey"
	"cleancity/survey/surveysim"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: dashboard-bench gen|measure [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "gen":
		err = runGen(os.Args[2:])
	case "measure":
		err = runMeasure(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "dashboard-bench:", err)
		os.Exit(1)
	}
}

// now is the generated data's "today" (and the portal's clock is real
// time, so the data ends now).
var now = time.Now().UTC().Truncate(time.Minute)

func runGen(args []string) error {
	fs := flag.NewFlagSet("gen", flag.ExitOnError)
	uri := fs.String("mongodb-uri", "mongodb://127.0.0.1:27099/cleancity", "store (portal db serve)")
	n := fs.Int("cases", 1000000, "complaints to generate")
	m := fs.Int("responses", 200000, "survey responses to generate")
	seed := fs.Uint64("seed", 8, "random seed")
	batch := fs.Int("batch", 5000, "cases per CreateMany call")
	skip := fs.Int("skip", 0, "resume: regenerate the first cases without writing them (a multiple of -batch)")
	skipSurvey := fs.Bool("skip-survey", false, "resume: the responses are written already")
	rebuild := fs.Bool("rebuild", false, "rebuild the summaries by reading the cases back (portal dashboard rebuild) instead of folding them in while generating")
	_ = fs.Parse(args)
	ctx := context.Background()
	cfg := portal.Defaults()
	cfg.MongoURI = *uri
	cfg.JWTSecret = "bench-secret-0123456789abcdef0123456789abcdef"
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	srv, err := portal.New(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer srv.Shutdown(context.Background())
	if len(srv.Areas.List(areas.Grid, "")) == 0 {
		if _, err := srv.Areas.Import(ctx, areas.DemoAreas(), areas.DemoDepartments()); err != nil {
			return err
		}
	}
	// FerretDB v1 answers only {_id} from an index, so secondary indexes
	// only slow the bulk load down (the portal no longer creates them on
	// FerretDB; a store loaded by an older build may have them). Drop them.
	for _, c := range []string{complaintdb.CasesCollection, complaintdb.EventsCollection, complaintdb.OutboxCollection} {
		if err := srv.Store().DB.Collection(c).Indexes().DropAll(ctx); err != nil {
			return fmt.Errorf("drop indexes on %s: %w", c, err)
		}
	}
	t0 := time.Now()
	if !*skipSurvey {
		if err := genSurvey(ctx, srv, *m, *seed); err != nil {
			return fmt.Errorf("survey: %w", err)
		}
		fmt.Printf("survey: %d responses in %s\n", *m, time.Since(t0).Round(time.Second))
	}
	sum := summary.NewService(summarydb.New(srv.Store().DB), srv.Complaints, nil, log)
	t0 = time.Now()
	var events int
	// The summaries are folded in from the generated histories as they are
	// written (the same Builder `portal dashboard rebuild` uses), which
	// spares reading a million cases back.
	res, err := sum.Replace(ctx, func(b *summary.Builder) error {
		if *rebuild {
			b = nil
		}
		var err error
		events, err = genCases(ctx, srv, *n, *seed, *batch, *skip, b)
		return err
	}, now)
	if err != nil {
		return fmt.Errorf("complaints: %w", err)
	}
	el := time.Since(t0)
	fmt.Printf("complaints: %d cases (%d written), %d events in %s (%.0f cases/s written); summaries: %d days, %d open cases\n",
		*n, *n-*skip, events, el.Round(time.Second), float64(*n-*skip)/el.Seconds(), res.Days, res.OpenCases)
	if *rebuild {
		t0 = time.Now()
		res, err := sum.Rebuild(ctx)
		if err != nil {
			return fmt.Errorf("rebuild: %w", err)
		}
		fmt.Printf("rebuild: %d cases, %d events, %d days, %d open cases in %s\n", res.Cases, res.Events, res.Days, res.OpenCases,
			time.Since(t0).Round(time.Second))
	}
	return nil
}

// genSurvey creates four rounds a quarter apart and m accepted responses.
func genSurvey(ctx context.Context, srv *portal.Server, m int, seed uint64) error {
	var opts []survey.Option
	for _, d := range srv.Areas.List(areas.District, "") {
		opts = append(opts, survey.Option{Value: d.ID, Label: d.Name})
	}
	q := survey.DefaultQuestionnaire(opts)
	if _, err := srv.Survey.Questionnaire(ctx, q.ID, q.Version); survey.IsNotFound(err) {
		if _, err := srv.Survey.CreateQuestionnaire(ctx, q); err != nil {
			return err
		}
	}
	form, err := srv.Survey.Questionnaire(ctx, q.ID, q.Version)
	if err != nil {
		return err
	}
	g := surveysim.New(seed)
	rounds := 4
	for k := 0; k < rounds; k++ {
		id := fmt.Sprintf("bench-r%d", k+1)
		starts := now.AddDate(0, 0, -330+90*k).Truncate(24 * time.Hour)
		r, err := srv.Survey.Round(ctx, id)
		if err == nil && r.Status == survey.Closed {
			continue
		}
		if survey.IsNotFound(err) {
			r, err = srv.Survey.CreateRound(ctx, survey.NewRound{ID: id, Name: id, QuestionnaireID: q.ID, QuestionnaireVersion: q.Version,
				StartsOn: starts, EndsOn: starts.AddDate(0, 0, 30), By: "bench",
				Plan: &survey.PlanSpec{StratumLevel: survey.ByDistrict, UnitsPerStratum: 6, TargetPerUnit: m / rounds / 24, Seed: seed + uint64(k)}})
		}
		if err != nil {
			return err
		}
		if r.Status == survey.Planned {
			if r, err = srv.Survey.SetStatus(ctx, id, survey.Open); err != nil {
				return err
			}
		}
		per := m / rounds
		sched := make([]*surveysim.Schedule, len(r.Plan.Units))
		for i := range sched {
			sched[i] = g.NewSchedule(starts)
		}
		list := make([]survey.Response, 0, 5000)
		flush := func() error {
			for _, err := range srv.Survey.Store().InsertResponses(ctx, list) {
				if err != nil && !survey.IsDuplicate(err) {
					return err
				}
			}
			list = list[:0]
			return nil
		}
		for i := 0; i < per; i++ {
			u := r.Plan.Units[i%len(r.Plan.Units)]
			start, end := sched[i%len(sched)].Next()
			sat := 0.80 + 0.04*float64(k) + 0.02*float64(u.District[len(u.District)-1]-'1')
			sub := g.Submission(u.ID, start, end, 27.8, 113.1, surveysim.Profile{Satisfied: math.Min(sat, 0.97), Knowledge: 0.85, District: u.District})
			sc, _ := form.Score(sub.Answers)
			list = append(list, survey.Response{ID: fmt.Sprintf("%s-%07d", id, i), RoundID: id, ClientID: sub.ClientID, Unit: u.ID,
				Stratum: u.Stratum, District: u.District, Volunteer: "bench", StartedAt: start.UTC(), EndedAt: end.UTC(),
				Answers: sc.Answers, Satisfied: sc.Satisfied, Correct: sc.Correct, Answered: sc.Answered, Aware: sc.Aware,
				AgeGroup: sc.Demographics[survey.RoleAgeGroup], Sex: sc.Demographics[survey.RoleSex], YearsResident: -1,
				DistrictRes: sc.Demographics[survey.RoleDistrict], Status: survey.Accepted, ReceivedAt: end.UTC(), Version: 1,
				ContentHash: sub.ClientID, AnswersHash: sub.ClientID})
			if len(list) == cap(list) {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		if err := flush(); err != nil {
			return err
		}
		if k < rounds-1 {
			if _, err := srv.Survey.SetStatus(ctx, id, survey.Closed); err != nil {
				return err
			}
		}
	}
	return nil
}

// place is a grid with what routing needs.
type place struct {
	grid, community, street, district, lead string
}

// genCases writes n cases with histories, filed uniformly over the last
// 365 days (busier on weekdays).
func genCases(ctx context.Context, srv *portal.Server, n int, seed uint64, batch, skip int, b *summary.Builder) (int, error) {
	rng := rand.New(rand.NewPCG(seed, 0xda5b))
	var places []place
	for _, g := range srv.Areas.List(areas.Grid, "") {
		places = append(places, place{g.ID, g.CommunityID, g.StreetID, g.DistrictID, g.LeadDepartment})
	}
	cats := srv.Complaints.Categories()
	weights := map[string]int{"garbage": 25, "street_cleaning": 15, "flyers": 10, "street_occupation": 10, "construction_dust": 6,
		"small_shops": 8, "farmers_market": 5, "pests": 6, "sewage": 6, "public_toilet": 4, "smoking": 3, "other": 2}
	var pool []complaints.Category
	for _, c := range cats {
		for i := 0; i < weights[c.Code]+1; i++ {
			pool = append(pool, c)
		}
	}
	st := complaintdb.New(srv.Store().DB)
	events := 0
	buf := make([]*complaints.Complaint, 0, batch)
	start := now.AddDate(-1, 0, 0)
	for i := 0; i < n; i++ {
		var filed time.Time
		for {
			filed = start.Add(time.Duration(rng.Int64N(int64(now.Sub(start)))))
			if wd := filed.Weekday(); (wd != time.Saturday && wd != time.Sunday) || rng.IntN(3) == 0 {
				break
			}
		}
		p := places[rng.IntN(len(places))]
		cat := pool[rng.IntN(len(pool))]
		dept := p.lead
		if cat.Route == complaints.RouteDepartmentType {
			if d, ok := srv.Areas.DepartmentOfType(cat.DepartmentType, p.street); ok {
				dept = d.ID
			}
		}
		c := history(rng, fmt.Sprintf("BENCH%07d", i), cat, p, dept, filed)
		events += len(c.Events)
		if b != nil {
			b.Add(c)
		}
		if i < skip {
			continue
		}
		buf = append(buf, c)
		if len(buf) == batch {
			if err := createMany(ctx, st, buf); err != nil {
				return events, err
			}
			buf = buf[:0]
			if (i+1)%100000 == 0 {
				fmt.Printf("  %d cases\n", i+1)
			}
		}
	}
	if len(buf) > 0 {
		if err := createMany(ctx, st, buf); err != nil {
			return events, err
		}
	}
	return events, nil
}

// createMany writes a batch; after a resume a batch may be partly written,
// so on a duplicate it writes the cases one by one, skipping those there.
func createMany(ctx context.Context, st *complaintdb.Store, cs []*complaints.Complaint) error {
	err := st.CreateMany(ctx, cs)
	if err == nil || !mongo.IsDuplicateKeyError(err) {
		return err
	}
	for _, c := range cs {
		if err := st.CreateMany(ctx, []*complaints.Complaint{c}); err != nil && !mongo.IsDuplicateKeyError(err) {
			return err
		}
	}
	return nil
}

// history makes one case's events up to now.
func history(rng *rand.Rand, id string, cat complaints.Category, p place, dept string, filed time.Time) *complaints.Complaint {
	sl := cat.ServiceLevel()
	c := &complaints.Complaint{ID: id, Category: cat.Code, Description: "bench case", Department: dept, Source: "bench",
		Place:  complaints.Place{GridID: p.grid, CommunityID: p.community, StreetID: p.street, DistrictID: p.district, LeadDepartment: p.lead},
		Status: complaints.StatusSubmitted, FiledAt: filed, DueAt: filed.Add(sl)}
	staff := complaints.Actor{ID: "staff", Name: "staff", Role: complaints.RoleDepartment}
	t := filed
	add := func(at time.Time, a complaints.Action, to complaints.Status, actor complaints.Actor, mod func(*complaints.Event)) bool {
		if at.After(now) {
			return false
		}
		seq := len(c.Events) + 1
		ev := complaints.Event{ID: complaints.EventID(id, seq), CaseID: id, Seq: seq, At: at, ActorID: actor.ID, ActorName: actor.Name,
			Role: actor.Role, Action: a, From: c.Status, To: to, Department: c.Department, Category: c.Category, DistrictID: p.district}
		if seq == 1 {
			ev.From = ""
		}
		if mod != nil {
			mod(&ev)
		}
		ev.Department = c.Department
		c.Events = append(c.Events, ev)
		c.Status, c.Version, c.UpdatedAt = to, seq, at
		t = at
		return true
	}
	hours := func(lo, hi float64) time.Duration {
		return time.Duration((lo + rng.Float64()*(hi-lo)) * float64(time.Hour))
	}
	add(filed, complaints.ActionFile, complaints.StatusSubmitted, complaints.Actor{Role: complaints.RoleAnonymous}, nil)
	// Escalate when the next step comes after the due time: notice 1 at
	// due (+sweep), notice 2 after half a service level, then published.
	escalate := func(next time.Time) bool {
		for c.NoticeLevel < 2 || !c.Published {
			if !next.After(c.DueAt) {
				return true
			}
			at := c.DueAt.Add(time.Minute)
			if c.NoticeLevel < 2 {
				lvl := c.NoticeLevel + 1
				if !add(at, complaints.ActionNotice, c.Status, complaints.System, func(e *complaints.Event) { e.NoticeLevel = lvl }) {
					return false
				}
				c.NoticeLevel = lvl
				c.DueAt = at.Add(sl / 2)
				c.Notices = append(c.Notices, complaints.Notice{Level: lvl, IssuedAt: at, Department: c.Department, DueAt: c.DueAt})
			} else {
				if !add(at, complaints.ActionPublish, c.Status, complaints.System, func(e *complaints.Event) { e.NoticeLevel = 2 }) {
					return false
				}
				c.Published = true
				return true
			}
		}
		return true
	}
	joins := 0
	if rng.IntN(10) == 0 {
		joins = 1 + rng.IntN(3)
	}
	join := func() bool {
		for ; joins > 0; joins-- {
			if !add(t.Add(hours(0.2, 3)), complaints.ActionJoin, c.Status, complaints.Actor{Role: complaints.RoleAnonymous}, nil) {
				return false
			}
			c.Supporters++
		}
		return true
	}
	r := rng.Float64()
	switch {
	case r < 0.03: // rejected as invalid
		at := t.Add(hours(0.5, 20))
		if escalate(at) && add(at, complaints.ActionReject, complaints.StatusRejected, staff, nil) {
			c.ClosedAt = at
		}
		return c
	case r < 0.05: // merged into an earlier case
		at := t.Add(hours(0.5, 10))
		if escalate(at) && add(at, complaints.ActionMerge, complaints.StatusRejected, staff, func(e *complaints.Event) { e.Into = "BENCH0000000" }) {
			c.ClosedAt, c.MergedInto = at, "BENCH0000000"
		}
		return c
	case r < 0.06: // reassigned first
		to := "citymgmt"
		if c.Department == to {
			to = "sanitation"
		}
		at := t.Add(hours(0.5, 6))
		if !escalate(at) || !add(at, complaints.ActionReassign, complaints.StatusSubmitted, complaints.Actor{ID: "off", Role: complaints.RoleOfficial},
			func(e *complaints.Event) { e.PrevDepartment = c.Department }) {
			return c
		}
		c.Department = to
		c.Events[len(c.Events)-1].Department = to
	}
	if !join() {
		return c
	}
	for round := 0; ; round++ {
		at := t.Add(hours(0.2, 6))
		if c.Status == complaints.StatusSubmitted {
			if !escalate(at) || !add(at, complaints.ActionAccept, complaints.StatusAccepted, staff, nil) {
				return c
			}
			c.AcceptedAt = at
			at = t.Add(hours(0.2, 4))
		}
		if !escalate(at) || !add(at, complaints.ActionStart, complaints.StatusInProgress, staff, nil) {
			return c
		}
		// Work: most within the service level, a fifth late.
		work := time.Duration(float64(sl) * (0.1 + rng.Float64()*0.8))
		if rng.IntN(5) == 0 {
			work = time.Duration(float64(sl) * (1 + rng.Float64()*2))
		}
		at = t.Add(work)
		if !escalate(at) || !add(at, complaints.ActionResolve, complaints.StatusResolved, staff, nil) {
			return c
		}
		c.ResolvedAt = at
		f := rng.Float64()
		switch {
		case f < 0.08 && round == 0: // reopened
			at = t.Add(hours(1, 48))
			rating := 1 + rng.IntN(2)
			if !add(at, complaints.ActionReopen, complaints.StatusReopened, complaints.Actor{Role: complaints.RoleReporter},
				func(e *complaints.Event) { e.Rating = rating }) {
				return c
			}
			c.Feedback = append(c.Feedback, complaints.Feedback{Rating: rating, At: at})
			c.Reopens++
			c.DueAt, c.ResolvedAt = at.Add(sl), time.Time{}
			continue
		case f < 0.88: // confirmed and rated
			at = t.Add(hours(0.5, 72))
			rating := 3 + rng.IntN(3)
			if rng.IntN(8) == 0 {
				rating = 1 + rng.IntN(2)
			}
			if add(at, complaints.ActionConfirm, complaints.StatusClosed, complaints.Actor{Role: complaints.RoleReporter},
				func(e *complaints.Event) { e.Rating = rating }) {
				c.ClosedAt = at
				c.Feedback = append(c.Feedback, complaints.Feedback{Confirmed: true, Rating: rating, At: at})
			}
		default: // nobody answered: closed after 7 days
			at = t.Add(complaints.AutoCloseAfter + time.Minute)
			if add(at, complaints.ActionAutoClose, complaints.StatusClosed, complaints.System, nil) {
				c.ClosedAt = at
			}
		}
		return c
	}
}

func runMeasure(args []string) error {
	fs := flag.NewFlagSet("measure", flag.ExitOnError)
	uri := fs.String("mongodb-uri", "mongodb://127.0.0.1:27099/cleancity", "store (portal db serve)")
	bin := fs.String("portal", "/tmp/portal", "portal binary")
	reqs := fs.Int("requests", 200, "requests per endpoint")
	clients := fs.Int("clients", 1, "concurrent dashboard readers")
	filingRate := fs.Float64("filings", 0, "background filings per second while measuring (a city's complaints flowing in)")
	_ = fs.Parse(args)
	if *clients < 1 {
		*clients = 1
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := ln.Addr().String()
	ln.Close()
	user := fmt.Sprintf("bench-official-%d", time.Now().Unix())
	add := exec.Command(*bin, "user", "add", "--mongodb-uri", *uri, "--username", user, "--role", "official", "--password-stdin")
	add.Stdin = strings.NewReader("bench-password-2026\n")
	if out, err := add.CombinedOutput(); err != nil {
		return fmt.Errorf("user add: %v: %s", err, out)
	}
	dir, _ := os.MkdirTemp("", "dash-bench-")
	defer os.RemoveAll(dir)
	serve := exec.Command(*bin, "serve", "--mongodb-uri", *uri, "--addr", addr, "--data-dir", dir, "--log-level", "info",
		// The background filings all come from this address.
		"--filing-limit", "0")
	serve.Stdout, serve.Stderr = os.Stderr, os.Stderr
	if err := serve.Start(); err != nil {
		return err
	}
	defer func() { _ = serve.Process.Signal(os.Interrupt); _ = serve.Wait() }()
	base := "http://" + addr
	t0 := time.Now()
	for {
		if r, err := http.Get(base + "/readyz"); err == nil {
			r.Body.Close()
			if r.StatusCode == 200 {
				break
			}
		}
		if time.Since(t0) > 2*time.Minute {
			return errors.New("portal did not get ready")
		}
		time.Sleep(200 * time.Millisecond)
	}
	token, err := login(base, user)
	if err != nil {
		return err
	}
	var tokenMu sync.Mutex
	get := func(path string) (int, time.Duration, []byte, error) {
		for attempt := 0; ; attempt++ {
			req, _ := http.NewRequest(http.MethodGet, base+path, nil)
			tokenMu.Lock()
			req.Header.Set("Authorization", "Bearer "+token)
			tokenMu.Unlock()
			s := time.Now()
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return 0, 0, nil, err
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusUnauthorized && attempt == 0 {
				// Access tokens are short-lived: sign in again.
				t, err := login(base, user)
				if err != nil {
					return 0, 0, nil, err
				}
				tokenMu.Lock()
				token = t
				tokenMu.Unlock()
				continue
			}
			return resp.StatusCode, time.Since(s), body, nil
		}
	}
	today := summary.DayOf(time.Now())
	yearAgo := summary.DayOf(time.Now().AddDate(-1, 0, 0))
	// First request loads the summaries into the process.
	st, d, _, err := get("/api/v1/dashboard/complaints")
	if err != nil || st != 200 {
		return fmt.Errorf("first request: %d %v", st, err)
	}
	fmt.Printf("first dashboard request (loads the summaries): %s\n", d.Round(time.Millisecond))
	// The rounds' estimates are computed in the background (every accepted
	// response is streamed); wait until every round has them.
	ws := time.Now()
	for {
		st, _, body, err := get("/api/v1/dashboard/satisfaction")
		if err != nil || st != 200 {
			return fmt.Errorf("satisfaction request: %d %v", st, err)
		}
		if !strings.Contains(string(body), "being computed") && !strings.Contains(string(body), "正在计算") {
			break
		}
		if time.Since(ws) > 20*time.Minute {
			return errors.New("survey estimates not ready after 20 minutes")
		}
		time.Sleep(5 * time.Second)
	}
	fmt.Printf("survey estimates of 4 rounds x districts ready after: %s\n", time.Since(ws).Round(time.Second))
	endpoints := []string{
		"/api/v1/dashboard/complaints",
		"/api/v1/dashboard/complaints?from=" + yearAgo + "&to=" + today,
		"/api/v1/dashboard/complaints?from=" + yearAgo + "&to=" + today + "&district=D02&category=garbage",
		"/api/v1/dashboard/complaints.csv?table=by_street&from=" + yearAgo + "&to=" + today,
		"/api/v1/dashboard/departments?from=" + yearAgo + "&to=" + today,
		"/api/v1/dashboard/departments.csv?from=" + yearAgo + "&to=" + today,
		"/api/v1/dashboard/satisfaction?from=" + yearAgo + "&to=" + today,
		"/api/v1/dashboard/satisfaction.csv?from=" + yearAgo + "&to=" + today,
	}
	var load *filingLoad
	if *filingRate > 0 {
		load = startFilingLoad(base, *filingRate)
	}
	fmt.Printf("\n%d concurrent readers; background filings: %.0f/s\n", *clients, *filingRate)
	fmt.Printf("\n| endpoint | requests | p50 ms | p95 ms | max ms |\n|---|---|---|---|---|\n")
	for _, ep := range endpoints {
		lat, err := measureEndpoint(ep, *reqs, *clients, get)
		if err != nil {
			if load != nil {
				load.stop()
			}
			return err
		}
		fmt.Printf("| `%s` | %d | %.1f | %.1f | %.1f |\n", strings.TrimPrefix(ep, "/api/v1"), len(lat), ms(lat, 0.5), ms(lat, 0.95), ms(lat, 1))
	}
	if load != nil {
		ok, failed, elapsed := load.stop()
		fmt.Printf("\nbackground filings during the measurement: %d accepted (%.1f/s), %d failed\n", ok, float64(ok)/elapsed.Seconds(), failed)
	}
	// Freshness: file a case, poll until today's count moves.
	_, _, body, _ := get("/api/v1/dashboard/complaints?from=" + today + "&to=" + today)
	before := filedOf(body)
	pt := cellCentre()
	payload := fmt.Sprintf(`{"category":"garbage","description":"bench freshness check case","lat":%f,"lon":%f}`, pt[0], pt[1])
	s := time.Now()
	resp, err := http.Post(base+"/api/v1/complaints", "application/json", strings.NewReader(payload))
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != 201 {
		return fmt.Errorf("file: %d", resp.StatusCode)
	}
	for {
		_, _, body, _ := get("/api/v1/dashboard/complaints?from=" + today + "&to=" + today)
		if filedOf(body) > before {
			fmt.Printf("\nfreshness: a filing showed on the dashboard after %s\n", time.Since(s).Round(10*time.Millisecond))
			break
		}
		if time.Since(s) > 30*time.Second {
			fmt.Printf("\nfreshness: not visible after 30 s\n")
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	return nil
}

// measureEndpoint sends n GETs of path from clients concurrent readers and
// returns the sorted latencies.
func measureEndpoint(path string, n, clients int, get func(string) (int, time.Duration, []byte, error)) ([]time.Duration, error) {
	var mu sync.Mutex
	var lat []time.Duration
	var firstErr error
	var wg sync.WaitGroup
	next := make(chan struct{}, n)
	for i := 0; i < n; i++ {
		next <- struct{}{}
	}
	close(next)
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range next {
				st, d, body, err := get(path)
				mu.Lock()
				if (err != nil || st != 200) && firstErr == nil {
					firstErr = fmt.Errorf("%s: %d %v %s", path, st, err, body)
				}
				lat = append(lat, d)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	return lat, firstErr
}

// filingLoad files anonymous complaints at a steady rate in the background,
// so the dashboard is measured while its summaries change (the applier
// folds facts in and readers reload today's documents).
type filingLoad struct {
	done      chan struct{}
	wg        sync.WaitGroup
	start     time.Time
	ok, fails atomic.Int64
}

func startFilingLoad(base string, perSecond float64) *filingLoad {
	l := &filingLoad{done: make(chan struct{}), start: time.Now()}
	cats := []string{"garbage", "street_cleaning", "flyers", "street_occupation", "sewage"}
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		t := time.NewTicker(time.Duration(float64(time.Second) / perSecond))
		defer t.Stop()
		rng := rand.New(rand.NewPCG(7, 11))
		for {
			select {
			case <-l.done:
				return
			case <-t.C:
			}
			lat := areas.DemoMinLat + 0.002 + rng.Float64()*(areas.DemoMaxLat-areas.DemoMinLat-0.004)
			lon := areas.DemoMinLon + 0.002 + rng.Float64()*(areas.DemoMaxLon-areas.DemoMinLon-0.004)
			body := fmt.Sprintf(`{"category":%q,"description":"background load filing for the dashboard benchmark","lat":%f,"lon":%f}`,
				cats[rng.IntN(len(cats))], lat, lon)
			l.wg.Add(1)
			go func() {
				defer l.wg.Done()
				resp, err := http.Post(base+"/api/v1/complaints", "application/json", strings.NewReader(body))
				if err != nil {
					l.fails.Add(1)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode == http.StatusCreated {
					l.ok.Add(1)
				} else {
					l.fails.Add(1)
				}
			}()
		}
	}()
	return l
}

func (l *filingLoad) stop() (ok, failed int64, elapsed time.Duration) {
	close(l.done)
	l.wg.Wait()
	return l.ok.Load(), l.fails.Load(), time.Since(l.start)
}

func cellCentre() [2]float64 {
	return [2]float64{areas.DemoMinLat + 0.005, areas.DemoMinLon + 0.005}
}

func filedOf(body []byte) float64 {
	var m struct {
		Totals struct {
			Filed float64 `json:"filed"`
		} `json:"totals"`
	}
	_ = json.Unmarshal(body, &m)
	return m.Totals.Filed
}

func login(base, user string) (string, error) {
	resp, err := http.Post(base+"/api/v1/auth/login", "application/json",
		strings.NewReader(fmt.Sprintf(`{"username":%q,"password":"bench-password-2026"}`, user)))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var m struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil || m.AccessToken == "" {
		return "", fmt.Errorf("login: %d %v", resp.StatusCode, err)
	}
	return m.AccessToken, nil
}

func ms(lat []time.Duration, q float64) float64 {
	if len(lat) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(lat)))) - 1
	if i < 0 {
		i = 0
	}
	return float64(lat[i]) / float64(time.Millisecond)
}
