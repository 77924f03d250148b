package surveydb_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"cleancity/portal/apperr"
	"cleancity/portal/store"
	"cleancity/portal/store/storetest"
	"cleancity/survey"
	"cleancity/survey/surveydb"
)

// geo is a small city: two districts of four communities each; a
// community contains the points with lat in [i, i+1).
type geo struct{}

func (geo) Communities() []survey.Community {
	var out []survey.Community
	for d := 1; d <= 2; d++ {
		for c := 1; c <= 4; c++ {
			out = append(out, survey.Community{ID: fmt.Sprintf("D%02d-S01-C%02d", d, c), Name: "社区", StreetID: fmt.Sprintf("D%02d-S01", d),
				DistrictID: fmt.Sprintf("D%02d", d), Residents: 1000 * c})
		}
	}
	return out
}
func (geo) AreaName(id string) (string, string, bool) { return id + "区", id, true }
func (geo) Contains(id string, lat, lon float64) bool { return lat >= 10 && lat < 11 }

var t0 = time.Date(2025, 5, 10, 9, 0, 0, 0, time.UTC)

func newService(t *testing.T) (*survey.Service, *surveydb.Store, *time.Time) {
	t.Helper()
	return newServiceOn(t, storetest.DB(t), store.ModeEmbedded)
}

func newServiceOn(t *testing.T, db *mongo.Database, mode store.Mode) (*survey.Service, *surveydb.Store, *time.Time) {
	t.Helper()
	st := surveydb.ForMode(db, mode)
	ctx := context.Background()
	// On FerretDB modes, retries are caught by the primary key alone.
	if err := st.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	now := t0.Add(20 * 24 * time.Hour)
	svc := survey.NewService(st, geo{}, func() time.Time { return now })
	q := survey.DefaultQuestionnaire([]survey.Option{{Value: "D01", Label: "一区"}, {Value: "D02", Label: "二区"}})
	if _, err := svc.CreateQuestionnaire(ctx, q); err != nil {
		t.Fatal(err)
	}
	return svc, st, &now
}

func answers(sat string, wrong int) map[string]any {
	a := map[string]any{
		"age_group": "35-59", "sex": "F", "years_resident": float64(12), "district_res": "D01",
		"sat_overall": sat, "sat_streets": "4", "sat_alleys": "3", "visits_market": false,
		"uses_toilets": false, "sat_garbage": "5", "sat_pests": "3",
		"q_handwash": "20s", "q_handwash_when": true, "q_mosquito": "water", "q_pests": true, "q_smoke_ban": true,
		"q_low_tar": false, "q_food_sep": "separate", "q_leftovers": false, "q_boil": true, "q_cough": true,
	}
	for _, k := range []string{"q_handwash_when", "q_pests", "q_smoke_ban", "q_boil", "q_cough"}[:wrong] {
		a[k] = false
	}
	return a
}

func uuid(n int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", n) }

func openRound(t *testing.T, svc *survey.Service) survey.Round {
	t.Helper()
	ctx := context.Background()
	r, err := svc.CreateRound(ctx, survey.NewRound{ID: "2025-R1", Name: "第一轮", QuestionnaireID: survey.DefaultQuestionnaireID,
		QuestionnaireVersion: 1, StartsOn: t0, EndsOn: t0.Add(30 * 24 * time.Hour),
		Plan: &survey.PlanSpec{StratumLevel: survey.ByDistrict, UnitsPerStratum: 2, TargetPerUnit: 10, Seed: 7}})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Plan.Units) != 4 || len(r.Plan.Strata) != 2 || r.Plan.Strata[0].Communities != 4 {
		t.Fatalf("plan = %+v", r.Plan)
	}
	if _, err := svc.SetStatus(ctx, r.ID, survey.Open); err != nil {
		t.Fatal(err)
	}
	var list []survey.Assignment
	for _, u := range r.Plan.Units {
		list = append(list, survey.Assignment{Unit: u.ID, Volunteer: "volunteer1"})
	}
	if err := svc.Assign(ctx, r.ID, list, "official"); err != nil {
		t.Fatal(err)
	}
	r, _ = svc.Round(ctx, r.ID)
	return r
}

func TestSubmitRetriesConflictsAndFlags(t *testing.T) {
	svc, _, _ := newService(t)
	ctx := context.Background()
	r := openRound(t, svc)
	unit := r.Plan.Units[0].ID
	vol := survey.Submitter{Username: "volunteer1"}
	sub := func(n int, start time.Time, sat string) survey.Submission {
		return survey.Submission{ClientID: uuid(n), Unit: unit, StartedAt: start, EndedAt: start.Add(10 * time.Minute),
			GPS: &survey.GPS{Lat: 10.5, Lon: 113, Accuracy: 8}, Answers: answers(sat, 0)}
	}
	batch := []survey.Submission{sub(1, t0, "4"), sub(2, t0.Add(15*time.Minute), "5")}
	batch[1].Answers["sat_streets"] = "2"
	out, err := svc.Submit(ctx, r.ID, vol, batch)
	if err != nil {
		t.Fatal(err)
	}
	for i, o := range out {
		if o.Err != nil || !o.Created || len(o.Response.Flags) != 0 {
			t.Fatalf("outcome %d = %+v", i, o)
		}
	}
	// The same batch again: stored results, nothing new.
	again, err := svc.Submit(ctx, r.ID, vol, batch)
	if err != nil {
		t.Fatal(err)
	}
	for i, o := range again {
		if o.Err != nil || o.Created || o.Response.ID != out[i].Response.ID {
			t.Fatalf("retry %d = %+v, want the stored %s", i, o, out[i].Response.ID)
		}
	}
	// Same client id, other content: conflict.
	changed := sub(1, t0, "2")
	c, err := svc.Submit(ctx, r.ID, vol, []survey.Submission{changed})
	if err != nil {
		t.Fatal(err)
	}
	if !apperr.Is(c[0].Err, apperr.Conflict) {
		t.Fatalf("conflicting resubmission = %+v, want conflict", c[0])
	}
	// Flags: too short, outside the unit, straight lining, duplicate answers.
	short := sub(3, t0.Add(time.Hour), "4")
	short.EndedAt = short.StartedAt.Add(time.Minute)
	short.GPS = &survey.GPS{Lat: 12, Lon: 113, Accuracy: 5}
	straight := sub(4, t0.Add(2*time.Hour), "3")
	for _, k := range []string{"sat_streets", "sat_alleys", "sat_garbage", "sat_pests"} {
		straight.Answers[k] = "3"
	}
	dup := sub(5, t0.Add(3*time.Hour), "4") // same answers as client 1
	f, err := svc.Submit(ctx, r.ID, vol, []survey.Submission{short, straight, dup})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]survey.Flag{{survey.FlagTooShort, survey.FlagOutsideUnit, survey.FlagDuplicateAnswers}, {survey.FlagStraightLining}, {survey.FlagDuplicateAnswers}}
	for i, o := range f {
		if fmt.Sprint(o.Response.Flags) != fmt.Sprint(want[i]) {
			t.Errorf("flags %d = %v, want %v", i, o.Response.Flags, want[i])
		}
	}
	// Too many per hour: 7 interviews started within one hour (limit 6).
	var burst []survey.Submission
	for i := 0; i < 7; i++ {
		s := sub(100+i, t0.Add(5*time.Hour+time.Duration(i)*8*time.Minute), "4")
		s.Answers["years_resident"] = float64(i + 20)
		burst = append(burst, s)
	}
	b, err := svc.Submit(ctx, r.ID, vol, burst)
	if err != nil {
		t.Fatal(err)
	}
	for i, o := range b {
		has := fmt.Sprint(o.Response.Flags) == fmt.Sprint([]survey.Flag{survey.FlagTooManyPerHour})
		if has != (i == 6) {
			t.Errorf("burst %d flags = %v", i, o.Response.Flags)
		}
	}
	// Another volunteer's unit is forbidden; a unit outside the plan invalid.
	other := sub(200, t0, "4")
	o2, err := svc.Submit(ctx, r.ID, survey.Submitter{Username: "volunteer9"}, []survey.Submission{other})
	if err != nil || !apperr.Is(o2[0].Err, apperr.Forbidden) {
		t.Fatalf("unassigned = %+v %v", o2, err)
	}
	// Closed round: new responses conflict, retries still answer.
	if _, err := svc.SetStatus(ctx, r.ID, survey.Closed); err != nil {
		t.Fatal(err)
	}
	cl, err := svc.Submit(ctx, r.ID, vol, []survey.Submission{batch[0], sub(300, t0, "4")})
	if err != nil {
		t.Fatal(err)
	}
	if cl[0].Err != nil || cl[0].Response.ID != out[0].Response.ID || !apperr.Is(cl[1].Err, apperr.Conflict) {
		t.Fatalf("closed round outcomes = %+v", cl)
	}
}

func TestReviewWeightsAndResults(t *testing.T) {
	svc, st, _ := newService(t)
	ctx := context.Background()
	r := openRound(t, svc)
	vol := survey.Submitter{Username: "volunteer1"}
	n := 0
	var subs []survey.Submission
	for ui, u := range r.Plan.Units {
		for k := 0; k < 6+ui; k++ {
			n++
			sat := "4"
			if (n*7)%5 == 0 {
				sat = "2"
			}
			a := answers(sat, n%4)
			a["years_resident"] = float64(n)
			start := t0.Add(time.Duration(n) * 20 * time.Minute)
			subs = append(subs, survey.Submission{ClientID: uuid(n), Unit: u.ID, StartedAt: start, EndedAt: start.Add(9 * time.Minute), Answers: a})
		}
	}
	out, err := svc.Submit(ctx, r.ID, vol, subs)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Results(ctx, &r, ""); !errors.Is(err, survey.ErrNoData) {
		t.Fatalf("results before review = %v, want ErrNoData", err)
	}
	for i, o := range out {
		if o.Err != nil {
			t.Fatal(o.Err)
		}
		rv := survey.Review{Status: survey.Accepted, By: "sup"}
		if i == 0 {
			rv = survey.Review{Status: survey.Rejected, Reason: "test", By: "sup"}
		}
		if _, err := svc.ReviewResponse(ctx, r.ID, o.Response.ID, 0, rv); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := svc.ReviewResponse(ctx, r.ID, out[1].Response.ID, 1, survey.Review{Status: survey.Accepted}); !errors.Is(err, survey.ErrVersion) {
		t.Fatalf("stale review = %v, want ErrVersion", err)
	}
	if _, err := svc.ReviewResponse(ctx, r.ID, out[1].Response.ID, 0, survey.Review{Status: survey.Rejected}); !apperr.Is(err, apperr.Invalid) {
		t.Fatalf("reject without reason = %v", err)
	}
	prog, err := svc.Progress(ctx, &r)
	if err != nil {
		t.Fatal(err)
	}
	mustTalliesMatchScan(t, st, r.ID)
	if prog[0].Accepted != 5 || prog[0].Rejected != 1 || prog[3].Accepted != 9 {
		t.Fatalf("progress = %+v", prog)
	}
	res, err := svc.Results(ctx, &r, "district")
	if err != nil {
		t.Fatal(err)
	}
	// The tallies rebuilt from a scan give the same numbers.
	if err := st.RebuildTallies(ctx, r.ID); err != nil {
		t.Fatal(err)
	}
	res2, err := svc.Results(ctx, &r, "district")
	if err != nil {
		t.Fatal(err)
	}
	if a, b := res.Overall[0], res2.Overall[0]; a != b {
		t.Fatalf("results from the kept tallies %+v and the rebuilt ones %+v differ", a, b)
	}
	if res.Design.N != n-1 || res.Design.Strata != 2 || res.Design.PSUs != 4 || len(res.Domains) != 2 {
		t.Fatalf("design = %+v, domains %d", res.Design, len(res.Domains))
	}
	sat := res.Overall[0]
	if sat.Indicator != survey.IndSatisfaction || !(sat.Value > 0.5 && sat.Value < 1) || !(sat.CILow < sat.Value && sat.Value < sat.CIHigh) || sat.SE <= 0 {
		t.Fatalf("satisfaction = %+v", sat)
	}
	// Weight check by hand for the first unit: N_h/n_h * M_i/m_i.
	u := r.Plan.Units[0]
	acc := map[string]int{}
	for _, p := range prog {
		acc[p.ID] = p.Accepted
	}
	w, ok := survey.DesignWeight(&r.Plan, u.ID, acc)
	if want := 4.0 / 2 * float64(u.Residents) / 5; !ok || w != want {
		t.Fatalf("weight = %v, want %v", w, want)
	}
}

// mustTalliesMatchScan checks that the round's kept tallies equal a count
// over all its responses.
func mustTalliesMatchScan(t *testing.T, st *surveydb.Store, roundID string) {
	t.Helper()
	ctx := context.Background()
	kept, err := st.Tallies(ctx, roundID)
	if err != nil {
		t.Fatal(err)
	}
	scanned, err := st.ScanTallies(ctx, roundID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(kept, scanned) {
		for u := range scanned {
			if !reflect.DeepEqual(kept[u], scanned[u]) {
				t.Errorf("unit %s: tallies %+v, scan %+v", u, kept[u], scanned[u])
			}
		}
		t.Fatalf("tallies of %d units differ from the scan of %d units", len(kept), len(scanned))
	}
}
