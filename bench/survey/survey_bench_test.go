// Package survey_test benchmarks the survey rounds on the embedded store:
// batch ingestion through the real HTTP API, and the latency of a round's
// results and CSV export at 50,000 accepted responses.
//
//	go test -run XXX -bench . -benchtime 1x ./bench/survey/
//
// See README.md for one run's figures.
package survey_test

import (
	"context"
	"testing"
	"time"

	"cleancity/portal"
	"cleancity/portal/areas"
	"cleancity/portal/portaltest"
	"cleancity/survey"
	"cleancity/survey/surveydb"
	"cleancity/survey/surveysim"
)

var t0 = time.Date(2025, 10, 20, 1, 0, 0, 0, time.UTC)

func city(b *testing.B) *portaltest.Server {
	b.Helper()
	clock := portaltest.NewClock(t0)
	srv := portaltest.NewServer(b, portaltest.WithClock(clock))
	ctx := context.Background()
	if _, err := srv.Areas.Import(ctx, areas.DemoAreas(), areas.DemoDepartments()); err != nil {
		b.Fatal(err)
	}
	q := survey.DefaultQuestionnaire([]survey.Option{{Value: "D01", Label: "1"}, {Value: "D02", Label: "2"}, {Value: "D03", Label: "3"}, {Value: "D04", Label: "4"}})
	if _, err := srv.Survey.CreateQuestionnaire(ctx, q); err != nil {
		b.Fatal(err)
	}
	return srv
}

func openRound(b *testing.B, srv *portaltest.Server, id string, target int) survey.Round {
	b.Helper()
	ctx := context.Background()
	r, err := srv.Survey.CreateRound(ctx, survey.NewRound{ID: id, Name: id, QuestionnaireID: survey.DefaultQuestionnaireID, QuestionnaireVersion: 1,
		StartsOn: t0.AddDate(0, 0, -60), EndsOn: t0,
		Plan:    &survey.PlanSpec{StratumLevel: survey.ByDistrict, UnitsPerStratum: 15, TargetPerUnit: target, Seed: 1},
		Quality: &survey.QualityRules{MinDuration: 3 * time.Minute}})
	if err != nil {
		b.Fatal(err)
	}
	if r, err = srv.Survey.SetStatus(ctx, id, survey.Open); err != nil {
		b.Fatal(err)
	}
	return r
}

// subs makes n interviews spread over the round's units.
func subs(r survey.Round, n int, seed uint64) []survey.Submission {
	g := surveysim.New(seed)
	// One field team per unit, so 50,000 interviews fit in the round.
	sched := make([]*surveysim.Schedule, len(r.Plan.Units))
	for k := range sched {
		sched[k] = g.NewSchedule(t0.AddDate(0, 0, -59))
	}
	out := make([]survey.Submission, 0, n)
	for i := 0; i < n; i++ {
		u := r.Plan.Units[i%len(r.Plan.Units)]
		start, end := sched[i%len(r.Plan.Units)].Next()
		s := g.Submission(u.ID, start, end, 27.8, 113.1, surveysim.Profile{Satisfied: 0.9, Knowledge: 0.85, District: u.District})
		s.GPS = nil
		out = append(out, s)
	}
	return out
}

type subJSON struct {
	ClientID  string         `json:"client_id"`
	Unit      string         `json:"unit"`
	StartedAt string         `json:"started_at"`
	EndedAt   string         `json:"ended_at"`
	Answers   map[string]any `json:"answers"`
}

// BenchmarkIngestBatch500 posts batches of 500 new responses through
// POST /api/v1/rounds/{id}/responses as an official and reports responses
// per second.
func BenchmarkIngestBatch500(b *testing.B) {
	srv := city(b)
	tok := srv.Token(b, portal.RoleOfficial, "")
	r := openRound(b, srv, "bench-ingest", 1000)
	all := subs(r, 500*b.N, 7)
	bodies := make([]map[string]any, b.N)
	for i := range bodies {
		batch := make([]subJSON, 0, 500)
		for _, s := range all[i*500 : (i+1)*500] {
			batch = append(batch, subJSON{s.ClientID, s.Unit, s.StartedAt.Format(time.RFC3339), s.EndedAt.Format(time.RFC3339), s.Answers})
		}
		bodies[i] = map[string]any{"responses": batch}
	}
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		resp := srv.PostJSON("/api/v1/rounds/"+r.ID+"/responses", tok, bodies[i])
		if resp.Status != 200 {
			b.Fatalf("status %d: %.300s", resp.Status, resp.Body)
		}
	}
	b.ReportMetric(float64(500*b.N)/time.Since(start).Seconds(), "responses/s")
}

// BenchmarkResults50k seeds a round of 50,000 accepted responses (60
// communities) and times the results (overall and by district) and the
// CSV export.
func BenchmarkResults50k(b *testing.B) {
	srv := city(b)
	ctx := context.Background()
	r := openRound(b, srv, "bench-results", 834)
	list := subs(r, 50000, 9)
	seedStart := time.Now()
	var took []time.Duration
	for len(list) > 0 {
		n := min(len(list), survey.MaxBatch)
		start := time.Now()
		out, err := srv.Survey.Submit(ctx, r.ID, survey.Submitter{Username: "bench", Supervisor: true}, list[:n])
		if err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
		for _, o := range out {
			if o.Err != nil {
				b.Fatal(o.Err)
			}
		}
		list = list[n:]
	}
	seeded := time.Since(seedStart)
	rate := func(d []time.Duration) float64 {
		var sum time.Duration
		for _, x := range d {
			sum += x
		}
		return float64(len(d)*survey.MaxBatch) / sum.Seconds()
	}
	// Whether ingestion slows as the collection grows: the first and the
	// last ten batches.
	b.Logf("submitted 50,000 responses in %v (%.0f/s): first 5,000 at %.0f/s, last 5,000 at %.0f/s",
		seeded.Round(time.Millisecond), 50000/seeded.Seconds(), rate(took[:10]), rate(took[len(took)-10:]))
	acceptStart := time.Now()
	accepted, err := srv.Survey.AcceptUnflagged(ctx, r.ID, "", "bench")
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("accepted %d unflagged responses (review-matching) in %v", accepted, time.Since(acceptStart).Round(time.Millisecond))
	tok := srv.Token(b, portal.RoleOfficial, "")
	b.Run("results", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			resp := srv.Get("/api/v1/rounds/"+r.ID+"/results?by=district", tok)
			if resp.Status != 200 {
				b.Fatalf("status %d: %.300s", resp.Status, resp.Body)
			}
		}
	})
	b.Run("csv", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			resp := srv.Get("/api/v1/rounds/"+r.ID+"/responses.csv", tok)
			if resp.Status != 200 {
				b.Fatalf("status %d", resp.Status)
			}
			b.SetBytes(int64(len(resp.Body)))
		}
	})
	// The crash repair (or `portal survey rebuild-tallies`): one scan of
	// the round's responses.
	b.Run("rebuild-tallies", func(b *testing.B) {
		st, ok := srv.Survey.Store().(*surveydb.Store)
		if !ok {
			b.Skip("not the Mongo store")
		}
		for i := 0; i < b.N; i++ {
			if err := st.RebuildTallies(ctx, r.ID); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("results-domain", func(b *testing.B) {
		rr, _ := srv.Survey.Round(ctx, r.ID)
		for i := 0; i < b.N; i++ {
			if _, err := srv.Survey.Results(ctx, &rr, "district"); err != nil {
				b.Fatal(err)
			}
		}
	})
}
