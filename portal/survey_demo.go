package portal

import (
	"context"
	"fmt"
	"time"

	"cleancity/portal/apperr"
	"cleancity/portal/areas"
	"cleancity/survey"
	"cleancity/survey/surveydb"
	"cleancity/survey/surveysim"
)

// initSurvey builds the survey service and creates its indexes.
func (s *Server) initSurvey(ctx context.Context) error {
	st := surveydb.ForMode(s.store.DB, s.store.Mode)
	if err := st.EnsureIndexes(ctx); err != nil {
		return err
	}
	s.Survey = survey.NewService(st, surveyGeo{s.Areas}, s.now)
	return nil
}

// Demo rounds: two closed rounds and an open one.
const (
	demoRound1 = "demo-2024-autumn"
	demoRound2 = "demo-2025-spring"
	demoRound3 = "demo-2025-autumn"
)

// demoDistrictProfiles are the districts' true rates in the two closed
// rounds. In the latest closed round D01 and D04 clearly meet 90%, D02 is
// clearly below and D03 sits on the line (inconclusive).
var demoDistrictProfiles = map[string][2]surveysim.Profile{
	"D01": {{Satisfied: 0.90, Knowledge: 0.86}, {Satisfied: 0.98, Knowledge: 0.90}},
	"D02": {{Satisfied: 0.76, Knowledge: 0.80}, {Satisfied: 0.79, Knowledge: 0.83}},
	"D03": {{Satisfied: 0.85, Knowledge: 0.84}, {Satisfied: 0.90, Knowledge: 0.87}},
	"D04": {{Satisfied: 0.92, Knowledge: 0.88}, {Satisfied: 0.975, Knowledge: 0.91}},
}

// demoSurvey seeds the default questionnaire, two closed rounds of about
// 1,500 accepted interviews each and an open round with volunteer1 ...
// volunteer5 assigned. A round that is already closed (or open, for the
// open one) is skipped, so the step is idempotent.
func (s *Server) demoSurvey(ctx context.Context) error {
	q := survey.DefaultQuestionnaire(surveyGeo{s.Areas}.districtOptions())
	if _, err := s.Survey.Questionnaire(ctx, q.ID, q.Version); survey.IsNotFound(err) {
		if _, err := s.Survey.CreateQuestionnaire(ctx, q); err != nil && !apperrIsConflict(err) {
			return fmt.Errorf("demo questionnaire: %w", err)
		}
	} else if err != nil {
		return err
	}
	now := s.now().UTC()
	rounds := []struct {
		id, name, nameEN, prev string
		startsAgo              int // days
		seed                   uint64
		closed                 bool
		calibrate              bool
	}{
		{demoRound1, "2024年秋季创卫满意度调查", "Autumn 2024 sanitation survey", "", 330, 11, true, false},
		{demoRound2, "2025年春季创卫满意度调查", "Spring 2025 sanitation survey", demoRound1, 150, 12, true, true},
		{demoRound3, "2025年秋季创卫满意度调查", "Autumn 2025 sanitation survey", demoRound2, 3, 13, false, false},
	}
	for i, d := range rounds {
		r, err := s.Survey.Round(ctx, d.id)
		switch {
		case err == nil && (r.Status == survey.Closed || !d.closed && r.Status == survey.Open):
			continue
		case survey.IsNotFound(err):
			starts := now.AddDate(0, 0, -d.startsAgo).Truncate(24 * time.Hour)
			r, err = s.Survey.CreateRound(ctx, survey.NewRound{ID: d.id, Name: d.name, NameEN: d.nameEN,
				QuestionnaireID: q.ID, QuestionnaireVersion: q.Version, StartsOn: starts, EndsOn: starts.AddDate(0, 0, 30),
				PreviousRoundID: d.prev, By: "official",
				Plan: &survey.PlanSpec{StratumLevel: survey.ByDistrict, UnitsPerStratum: 6, TargetPerUnit: 67, Seed: d.seed}})
			if err != nil {
				return fmt.Errorf("demo round %s: %w", d.id, err)
			}
		case err != nil:
			return err
		}
		// A round left half-seeded by a crash is completed: the same seed
		// makes the same interviews, and their client ids make the resend
		// harmless.
		starts := r.StartsOn
		if r.Status == survey.Planned {
			if r, err = s.Survey.SetStatus(ctx, d.id, survey.Open); err != nil {
				return fmt.Errorf("demo round %s: %w", d.id, err)
			}
		}
		if d.calibrate {
			if r, err = s.Survey.SetCensus(ctx, d.id, demoCensus(s.Areas), survey.CalibrateRake); err != nil {
				return fmt.Errorf("demo census: %w", err)
			}
		}
		var assignments []survey.Assignment
		for k, u := range r.Plan.Units {
			assignments = append(assignments, survey.Assignment{Unit: u.ID, Volunteer: fmt.Sprintf("volunteer%d", k%5+1)})
		}
		if err := s.Survey.Assign(ctx, d.id, assignments, "official"); err != nil {
			return fmt.Errorf("demo assignments: %w", err)
		}
		if d.closed {
			if err := s.demoInterviews(ctx, r, starts, d.seed, i, 0); err != nil {
				return err
			}
			if _, err := s.Survey.SetStatus(ctx, d.id, survey.Closed); err != nil {
				return err
			}
		} else {
			// A few interviews in the open round for the review queue.
			if err := s.demoInterviews(ctx, r, starts, d.seed, 1, 6); err != nil {
				return err
			}
		}
		s.log.Info("demo survey round seeded", "round", d.id)
	}
	return nil
}

func apperrIsConflict(err error) bool { return apperr.Is(err, apperr.Conflict) }

// demoInterviews submits interviews for every unit as its volunteer. With
// perUnit 0 (the unit's target) the clean ones are accepted at once, as a
// supervisor entering checked forms would; flagged ones wait for review.
func (s *Server) demoInterviews(ctx context.Context, r survey.Round, starts time.Time, seed uint64, profile, perUnit int) error {
	g := surveysim.New(seed)
	byVol := map[string][]survey.Submission{}
	sched := map[string]*surveysim.Schedule{}
	for k, u := range r.Plan.Units {
		vol := fmt.Sprintf("volunteer%d", k%5+1)
		if sched[vol] == nil {
			sched[vol] = g.NewSchedule(starts)
		}
		p := demoDistrictProfiles[u.District][profile]
		p.District = u.District
		// Communities differ around their district's rate.
		p.Satisfied = min(0.995, max(0.3, p.Satisfied+(g.Float()-0.5)*0.04))
		lat, lon, _ := s.pointIn(u.ID)
		n := perUnit
		if n == 0 {
			n = u.Target
		}
		for j := 0; j < n; j++ {
			start, end := sched[vol].Next()
			sub := g.Submission(u.ID, start, end, lat, lon, p)
			if g.Float() < 0.02 {
				// Some interviews are rushed.
				sub.EndedAt = sub.StartedAt.Add(100 * time.Second)
			}
			byVol[vol] = append(byVol[vol], sub)
		}
	}
	for vol, subs := range byVol {
		for len(subs) > 0 {
			n := min(len(subs), survey.MaxBatch)
			// Closed rounds: clean interviews are accepted as they arrive;
			// flagged ones wait in the review queue.
			who := survey.Submitter{Username: vol, Supervisor: true, AcceptClean: perUnit == 0}
			out, err := s.Survey.Submit(ctx, r.ID, who, subs[:n])
			if err != nil {
				return fmt.Errorf("demo interviews: %w", err)
			}
			for _, o := range out {
				if o.Err != nil {
					return fmt.Errorf("demo interview %s: %w", o.ClientID, o.Err)
				}
			}
			subs = subs[n:]
		}
	}
	return nil
}

// pointIn returns a point inside an area: the mean of its outer ring's
// vertices when that lies inside (true of the demo city's tiles).
func (s *Server) pointIn(id string) (lat, lon float64, ok bool) {
	a, found := s.Areas.Area(id)
	if !found || len(a.Geometry) == 0 || len(a.Geometry[0]) == 0 {
		return 0, 0, false
	}
	ring := a.Geometry[0][0]
	for _, p := range ring[:len(ring)-1] {
		lon += p[0]
		lat += p[1]
	}
	n := float64(len(ring) - 1)
	lat, lon = lat/n, lon/n
	return lat, lon, a.Geometry.Contains(lon, lat)
}

// demoCensus is the city's adult population by age group and sex: the
// communities' resident counts split 30/45/25 by age and evenly by sex.
func demoCensus(a *areas.Service) []survey.CensusCell {
	total := 0.0
	for _, c := range a.List(areas.Community, "") {
		total += float64(c.Residents)
	}
	share := map[string]float64{"18-34": 0.30, "35-59": 0.45, "60+": 0.25}
	var cells []survey.CensusCell
	for _, age := range survey.AgeGroups {
		for _, sex := range survey.Sexes {
			cells = append(cells, survey.CensusCell{AgeGroup: age, Sex: sex, Count: float64(int(total * share[age] / 2))})
		}
	}
	return cells
}
