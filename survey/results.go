package survey

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"

	"cleancity/portal/apperr"
	"cleancity/stats"
)

// The analysis choices shared by the results and the reproduce arguments,
// so `portal stats estimate` on the exported CSV gives the same numbers.
const (
	ciMethod = stats.CILogit
	ciLevel  = 0.95
	// Strata with a single responding community (possible in small street
	// strata) use R's "adjust" rather than failing.
	lonelyPolicy = stats.LonelyAdjust
	// Raking to convergence, as `portal stats estimate` does.
	rakeMaxIter = 200
	rakeEpsilon = 1e-9
)

// CSV column names (also the stats variables).
const (
	ColStratum   = "stratum"
	ColPSU       = "psu"
	ColWeight    = "weight"
	ColSatisfied = "satisfied"
	ColAware     = "aware"
	ColCorrect   = "correct"
	ColAnswered  = "answered"
	ColDistrict  = "district"
	ColStreet    = "street"
	ColAgeGroup  = "age_group"
	ColSex       = "sex"
	ColAgeSex    = "agesex"
)

// Indicator names in results.
const (
	IndSatisfaction = "satisfaction"
	// IndAwareness is the per-respondent awareness rate (share at or above
	// the quiz cut-off).
	IndAwareness = "awareness"
	// IndAwarenessItems is the per-question awareness rate: correct answers
	// over questions answered, a ratio estimator.
	IndAwarenessItems = "awareness_items"
)

// Estimate is one indicator over one domain.
type Estimate struct {
	Indicator string
	Value     float64
	SE        float64
	// HasCI is false when R gives no interval (a rate of 0 or 1, no
	// degrees of freedom).
	HasCI     bool
	CILow     float64
	CIHigh    float64
	Deff      float64
	DeffValid bool
	N         int
	DF        int
	// PSUs is the number of communities with accepted interviews.
	PSUs       int
	PointMeets bool
	// Verdict against the threshold: meets, below, inconclusive; ""
	// without an interval. While the round is open it is Interim's verdict
	// (the group-sequential boundary), once closed the fixed interval's.
	Verdict stats.Verdict
	// Monitored reports that Interim and Forecast are set: the round is
	// open and the estimate has an interval.
	Monitored bool
	// Interim is the group-sequential verdict of an open round.
	Interim stats.Interim
	// Forecast is how many more interviews the domain needs for a
	// decisive verdict.
	Forecast stats.Forecast
}

// DomainResult holds the estimates of one domain.
type DomainResult struct {
	Domain    string
	Estimates []Estimate
}

// Results are a round's weighted estimates.
type Results struct {
	RoundID    string
	Threshold  float64
	By         string
	Design     stats.DesignInfo
	Calibrated bool
	Overall    []Estimate
	Domains    []DomainResult
	// Allocation is, per proportion indicator of an open round whose
	// city-wide verdict is not yet decisive, where the interviews it needs
	// are cheapest.
	Allocation []Allocation
}

// ByLevels are the supported domain variables of results.
var ByLevels = []string{"", ColDistrict, ColStreet}

// row is what the calibration cells and domains are made from.
type row struct {
	unit     string
	district string
	street   string
	stratum  string
	ageGroup string
	sex      string
}

// RowGroup is a set of accepted responses of one unit with identical
// analysis values, and how many there are.
type RowGroup struct {
	Unit, Stratum, District string
	Satisfied, Aware        int
	Correct, Answered       int
	AgeGroup, Sex           string
	N                       int
}

// Results estimates the round's rates from its accepted responses,
// streamed from the store: overall and, when by is district or street, per
// domain. Design weights come from the plan and the accepted counts;
// calibration from the round's census when it asks for it.
func (s *Service) Results(ctx context.Context, r *Round, by string) (*Results, error) {
	if !validBy(by) {
		return nil, apperr.Field("by", "must be district, street or empty")
	}
	// One grouped read: identical rows of a unit are interchangeable (a
	// unit's rows share one weight), so the store sends a few thousand
	// groups instead of every response, and the accepted counts behind the
	// weights come from the same read as the rows.
	var groups []RowGroup
	if err := s.store.EachAcceptedGroup(ctx, r.ID, func(g RowGroup) error {
		groups = append(groups, g)
		return nil
	}); err != nil {
		return nil, err
	}
	return ResultsOf(r, by, groups)
}

// ResultsOf estimates the round's rates from its accepted responses given
// as groups, as Results does after reading them: the fixed verdicts of a
// closed round; for an open one the interim verdicts, forecasts and the
// allocation of the interviews still needed.
func ResultsOf(r *Round, by string, groups []RowGroup) (*Results, error) {
	if !validBy(by) {
		return nil, apperr.Field("by", "must be district, street or empty")
	}
	sv, accepted, err := buildSurvey(r, by, groups)
	if err != nil {
		return nil, err
	}
	res := &Results{RoundID: r.ID, Threshold: r.Threshold, By: by, Design: sv.Info(), Calibrated: sv.Calibrated()}
	var mon *monitor
	if r.Status == Open {
		mon = &monitor{round: r, accepted: accepted}
	}
	if res.Overall, err = estimates(sv, stats.Overall, r.Threshold, mon.domain("", "", r.Threshold)); err != nil {
		return nil, err
	}
	if by != "" {
		for _, lv := range sv.Domains() {
			est, err := estimates(sv, stats.InDomain(lv), r.Threshold, mon.domain(by, lv, r.Threshold))
			if err != nil {
				return nil, fmt.Errorf("domain %s: %w", lv, err)
			}
			res.Domains = append(res.Domains, DomainResult{Domain: lv, Estimates: est})
		}
	}
	if mon != nil {
		if res.Allocation, err = mon.allocate(sv, res.Overall); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// DataRevision returns the round's response revision: it moves when a
// write to its responses starts, so a cache of results can tell when to
// recompute (once more shortly after the move, since the write may still
// be running when it is seen).
func (s *Service) DataRevision(ctx context.Context, roundID string) (int64, error) {
	return s.store.DataRevision(ctx, roundID)
}

func validBy(by string) bool {
	for _, b := range ByLevels {
		if by == b {
			return true
		}
	}
	return false
}

var errCountsMoved = errors.New("accepted counts changed while reading")

// ErrNoData means a round has no accepted response to estimate from.
var ErrNoData = apperr.New(apperr.Conflict, "the round has no accepted responses yet")

func buildSurvey(r *Round, by string, groups []RowGroup) (*stats.Survey, map[string]int, error) {
	accepted := map[string]int{}
	for _, g := range groups {
		accepted[g.Unit] += g.N
	}
	if len(accepted) == 0 {
		return nil, nil, ErrNoData
	}
	units := make(map[string]Unit, len(r.Plan.Units))
	for _, u := range r.Plan.Units {
		units[u.ID] = u
	}
	b, err := stats.NewBuilder(r.statsSpec())
	if err != nil {
		return nil, nil, fmt.Errorf("results: %w", err)
	}
	for _, g := range groups {
		w, ok := DesignWeight(&r.Plan, g.Unit, accepted)
		if !ok {
			return nil, nil, fmt.Errorf("results: accepted responses in unit %s, which is not in the plan", g.Unit)
		}
		x := row{unit: g.Unit, district: g.District, street: units[g.Unit].Street, stratum: g.Stratum, ageGroup: g.AgeGroup, sex: g.Sex}
		sr := stats.Row{Weight: w, Stratum: g.Stratum, PSU: g.Unit,
			Values: []float64{float64(g.Satisfied), float64(g.Aware), float64(g.Correct), float64(g.Answered)}}
		switch by {
		case ColDistrict:
			sr.Domain = x.district
		case ColStreet:
			sr.Domain = x.street
		}
		sr.Cells = r.cells(x)
		if g.N <= 0 {
			continue
		}
		if err := b.AddN(sr, g.N); err != nil {
			return nil, nil, fmt.Errorf("results: unit %s: %w", g.Unit, err)
		}
	}
	sv, err := b.Build()
	if err != nil {
		return nil, nil, statsError(err)
	}
	return sv, accepted, nil
}

// statsError turns design problems the data can cause into conflicts the
// official can act on.
func statsError(err error) error {
	switch {
	case errors.Is(err, stats.ErrCalibration):
		return apperr.Wrap(apperr.Conflict, err, "the census cells do not match the sample (a cell has no respondent); fix the census or the calibration mode")
	case errors.Is(err, stats.ErrNoConvergence):
		return apperr.Wrap(apperr.Conflict, err, "raking did not converge")
	case errors.Is(err, stats.ErrLonelyPSU), errors.Is(err, stats.ErrEmpty):
		return apperr.Wrap(apperr.Conflict, err, "not enough responding communities for a variance")
	}
	return fmt.Errorf("results: %w", err)
}

var statsVariables = []string{ColSatisfied, ColAware, ColCorrect, ColAnswered}

func (r *Round) statsSpec() stats.Spec {
	spec := stats.Spec{Variables: statsVariables, Stratified: true, Clustered: true, Lonely: lonelyPolicy}
	age, sex, joint := r.CensusMargins()
	switch r.Calibration {
	case CalibratePostStratify:
		spec.Calibrations = []stats.Calibration{{Kind: stats.PostStratify, Margins: []stats.Margin{{Name: ColAgeSex, Population: joint}}}}
	case CalibrateRake:
		spec.Calibrations = []stats.Calibration{{Kind: stats.Rake, MaxIter: rakeMaxIter, Epsilon: rakeEpsilon,
			Margins: []stats.Margin{{Name: ColAgeGroup, Population: age}, {Name: ColSex, Population: sex}}}}
	}
	return spec
}

func (r *Round) cells(x row) []string {
	switch r.Calibration {
	case CalibratePostStratify:
		return []string{x.ageGroup + "|" + x.sex}
	case CalibrateRake:
		return []string{x.ageGroup, x.sex}
	}
	return nil
}

func estimates(sv *stats.Survey, d stats.Domain, threshold float64, mon *domainMonitor) ([]Estimate, error) {
	var out []Estimate
	for _, ind := range []struct{ name, col string }{{IndSatisfaction, ColSatisfied}, {IndAwareness, ColAware}} {
		e, iv, err := sv.Proportion(ind.col, d, ciMethod, ciLevel)
		est := Estimate{Indicator: ind.name}
		switch {
		case errors.Is(err, stats.ErrUndefined):
			// No interval where R gives NaN: a rate of exactly 0 or 1, or a
			// domain inside a single sampled community (0 degrees of
			// freedom). Report the point without an interval or verdict.
			e, err = sv.Mean(ind.col, d)
			if err != nil {
				return nil, statsError(err)
			}
			est.Value, est.SE, est.N, est.DF, est.PSUs = e.Value, e.SE, e.N, e.DF, e.PSUs
			est.Deff, est.DeffValid = e.Deff, e.DeffValid
			est.PointMeets = e.Value >= threshold
			out = append(out, est)
			continue
		case err != nil:
			return nil, statsError(err)
		}
		j := stats.Judge(e.Value, iv, threshold)
		est.Value, est.SE, est.N, est.DF, est.PSUs = e.Value, e.SE, e.N, e.DF, e.PSUs
		est.HasCI, est.CILow, est.CIHigh = true, iv.Low, iv.High
		est.Deff, est.DeffValid = e.Deff, e.DeffValid
		est.PointMeets, est.Verdict = j.PointMeets, j.Verdict
		if err := mon.judge(&est, stats.CILogit, est.DF); err != nil {
			return nil, err
		}
		out = append(out, est)
	}
	e, err := sv.Ratio(ColCorrect, ColAnswered, d)
	if err != nil {
		return nil, statsError(err)
	}
	est := Estimate{Indicator: IndAwarenessItems, Value: e.Value, SE: e.SE, N: e.N, DF: e.DF, PSUs: e.PSUs, PointMeets: e.Value >= threshold,
		Deff: e.Deff, DeffValid: e.DeffValid}
	// The ratio's interval is confint(svyratio(...))'s Wald interval, as
	// `portal stats estimate --ratio` reports it.
	if iv, err := stats.RatioInterval(e, ciLevel); err == nil {
		j := stats.Judge(e.Value, iv, threshold)
		est.HasCI, est.CILow, est.CIHigh = true, iv.Low, iv.High
		est.PointMeets = j.PointMeets
		if stats.RatioJudgeable(e) {
			est.Verdict = j.Verdict
			// The ratio's interval uses z, whatever the degrees of freedom.
			if err := mon.judge(&est, stats.CIMean, 0); err != nil {
				return nil, err
			}
		}
	}
	out = append(out, est)
	return out, nil
}

// Reproduction is how to recompute the results from the exported CSV.
type Reproduction struct {
	// Args are the words after `portal stats estimate`, one command per
	// entry: the overall estimates, then the domain estimates when asked.
	Args [][]string
	// Files are the calibration files the args name, with their content.
	Files map[string]string
}

// Reproduce returns the `portal stats estimate` arguments that recompute
// the results from the CSV (saved as dataFile) and the calibration files.
// The CSV's indicator "satisfied" is the satisfaction rate, "aware" the
// per-respondent awareness and "correct/answered" the per-question one.
func (r *Round) Reproduce(dataFile, by string) Reproduction {
	base := []string{"--data", dataFile, "--format", "json",
		"--indicator", ColSatisfied, "--indicator", ColAware, "--ratio", ColCorrect + "/" + ColAnswered,
		"--weight", ColWeight, "--strata", ColStratum, "--cluster", ColPSU,
		"--ci", ciMethod.String(), "--level", strconv.FormatFloat(ciLevel, 'g', -1, 64),
		"--threshold", strconv.FormatFloat(r.Threshold, 'g', -1, 64), "--lonely-psu", lonelyPolicy.String()}
	rep := Reproduction{Files: map[string]string{}}
	age, sex, joint := r.CensusMargins()
	switch r.Calibration {
	case CalibratePostStratify:
		base = append(base, "--poststratify", ColAgeSex+"="+ColAgeSex+".csv")
		rep.Files[ColAgeSex+".csv"] = targetsCSV(ColAgeSex, joint)
	case CalibrateRake:
		base = append(base, "--rake", ColAgeGroup+"="+ColAgeGroup+".csv", "--rake", ColSex+"="+ColSex+".csv")
		rep.Files[ColAgeGroup+".csv"] = targetsCSV(ColAgeGroup, age)
		rep.Files[ColSex+".csv"] = targetsCSV(ColSex, sex)
	}
	if r.Status == Open {
		// The interim verdicts and forecasts of an open round.
		base = append(base, "--forecast", "--target-n", strconv.Itoa(r.Plan.TargetTotal()))
	}
	rep.Args = append(rep.Args, base)
	if by != "" {
		args := append(append([]string(nil), base...), "--by", by)
		if r.Status == Open {
			for _, lv := range r.domainTargets(by) {
				args = append(args, "--target-n", lv.level+"="+strconv.Itoa(lv.target))
			}
		}
		rep.Args = append(rep.Args, args)
	}
	return rep
}

type levelTarget struct {
	level  string
	target int
}

// domainTargets returns the plan's targets per district or street, sorted.
func (r *Round) domainTargets(by string) []levelTarget {
	sum := map[string]int{}
	for _, u := range r.Plan.Units {
		lv := u.District
		if by == ColStreet {
			lv = u.Street
		}
		sum[lv] += u.Target
	}
	out := make([]levelTarget, 0, len(sum))
	for lv, n := range sum {
		out = append(out, levelTarget{lv, n})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].level < out[j].level })
	return out
}

// targetsCSV renders calibration targets as `portal stats estimate` and
// R read them: columns COL and Freq.
func targetsCSV(col string, pop map[string]float64) string {
	keys := make([]string, 0, len(pop))
	for k := range pop {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b []byte
	b = append(b, col+",Freq\n"...)
	for _, k := range keys {
		b = append(b, strconv.Quote(k)+","+strconv.FormatFloat(pop[k], 'g', -1, 64)+"\n"...)
	}
	return string(b)
}

// TargetsCSV returns one calibration file of the round by its name
// (age_group.csv, sex.csv, agesex.csv).
func (r *Round) TargetsCSV(name string) (string, bool) {
	age, sex, joint := r.CensusMargins()
	if len(r.Census) == 0 {
		return "", false
	}
	switch name {
	case ColAgeGroup + ".csv":
		return targetsCSV(ColAgeGroup, age), true
	case ColSex + ".csv":
		return targetsCSV(ColSex, sex), true
	case ColAgeSex + ".csv":
		return targetsCSV(ColAgeSex, joint), true
	}
	return "", false
}

// CSVHeader is the export's header.
var CSVHeader = []string{ColStratum, ColPSU, ColWeight, ColSatisfied, ColAware, ColCorrect, ColAnswered,
	ColDistrict, ColStreet, ColAgeGroup, ColSex, ColAgeSex, "years_resident", "district_res",
	"communities_in_stratum", "residents_in_unit", "accepted_in_unit", "response_id"}

// ExportCSV writes one row per accepted response with the design columns
// (stratum, psu, weight), the indicators, the demographics and the
// calibration cells, streamed from the store.
func (s *Service) ExportCSV(ctx context.Context, r *Round, w io.Writer) error {
	for attempt := 0; ; attempt++ {
		err := s.exportOnce(ctx, r, w, attempt)
		if errors.Is(err, errCountsMoved) && attempt < 3 {
			continue
		}
		return err
	}
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func (s *Service) exportOnce(ctx context.Context, r *Round, w io.Writer, attempt int) error {
	accepted, err := s.store.CountByUnit(ctx, r.ID, Accepted)
	if err != nil {
		return err
	}
	// Once bytes are out, a retry would corrupt the file: only the first
	// attempt may restart, and only before anything was written.
	cw := &countingWriter{w: w}
	out := csv.NewWriter(cw)
	if err := out.Write(CSVHeader); err != nil {
		return err
	}
	units := map[string]Unit{}
	for _, u := range r.Plan.Units {
		units[u.ID] = u
	}
	strata := map[string]int{}
	for _, st := range r.Plan.Strata {
		strata[st.ID] = st.Communities
	}
	rec := make([]string, len(CSVHeader))
	seen := map[string]int{}
	err = s.store.EachAccepted(ctx, r.ID, func(resp Response) error {
		seen[resp.Unit]++
		wgt, ok := DesignWeight(&r.Plan, resp.Unit, accepted)
		if !ok {
			return errCountsMoved
		}
		u := units[resp.Unit]
		years := ""
		if resp.YearsResident >= 0 {
			years = strconv.Itoa(resp.YearsResident)
		}
		rec = append(rec[:0], resp.Stratum, resp.Unit, strconv.FormatFloat(wgt, 'g', -1, 64),
			strconv.Itoa(resp.Satisfied), strconv.Itoa(resp.Aware), strconv.Itoa(resp.Correct), strconv.Itoa(resp.Answered),
			resp.District, u.Street, resp.AgeGroup, resp.Sex, resp.AgeGroup+"|"+resp.Sex, years, resp.DistrictRes,
			strconv.Itoa(strata[resp.Stratum]), strconv.Itoa(u.Residents), strconv.Itoa(accepted[resp.Unit]), resp.ID)
		return out.Write(rec)
	})
	if err == nil {
		for u, n := range accepted {
			if seen[u] != n {
				err = errCountsMoved
			}
		}
	}
	if errors.Is(err, errCountsMoved) && (attempt > 0 || cw.n > 0) {
		return apperr.New(apperr.Conflict, "responses were reviewed during the export; download again")
	}
	if err != nil {
		return err
	}
	out.Flush()
	return out.Error()
}

// Suggestion is the sample-size planner's advice for a round's plan.
type Suggestion struct {
	// BasedOn is the previous round whose rate and design effect were
	// used ("" when there is none: the threshold and a design effect of 2).
	BasedOn      string
	ExpectedRate float64
	Deff         float64
	HalfWidth    float64
	Total        int
	Strata       []StratumSuggestion
}

// StratumSuggestion is one stratum's planned interviews spread over its
// sampled units.
type StratumSuggestion struct {
	Stratum       string
	Interviews    int
	Units         int
	TargetPerUnit int
}

// defaultDeff is assumed without a previous round: community clusters of
// sixty or so interviews typically double the variance.
const defaultDeff = 2

// SuggestTargets runs the stats engine's sample-size planner for the
// round's satisfaction rate: the previous round's overall rate and design
// effect, the wanted interval half-width, proportional allocation over
// the plan's strata by residents, then per-unit targets.
func (s *Service) SuggestTargets(ctx context.Context, r *Round, halfWidth float64) (Suggestion, error) {
	if !(halfWidth > 0 && halfWidth < 0.5) {
		return Suggestion{}, apperr.Field("half_width", "must be between 0 and 0.5")
	}
	if len(r.Plan.Units) == 0 {
		return Suggestion{}, apperr.New(apperr.Conflict, "the round has no sampling plan yet")
	}
	sg := Suggestion{ExpectedRate: r.Threshold, Deff: defaultDeff, HalfWidth: halfWidth}
	if r.PreviousRoundID != "" {
		prev, err := s.store.FindRound(ctx, r.PreviousRoundID)
		if err != nil {
			return Suggestion{}, err
		}
		res, err := s.Results(ctx, &prev, "")
		switch {
		case err == nil:
			sat := res.Overall[0]
			sg.BasedOn, sg.ExpectedRate = prev.ID, sat.Value
			if sat.DeffValid && sat.Deff > 0 {
				sg.Deff = sat.Deff
			}
		case !errors.Is(err, ErrNoData):
			return Suggestion{}, err
		}
	}
	// A rate of exactly 0 or 1 plans nothing: keep it inside (0, 1).
	sg.ExpectedRate = min(0.99, max(0.01, sg.ExpectedRate))
	residents := map[string]float64{}
	for _, c := range s.geo.Communities() {
		if r.Plan.StratumLevel == ByStreet {
			residents[c.StreetID] += float64(c.Residents)
		} else {
			residents[c.DistrictID] += float64(c.Residents)
		}
	}
	units := map[string]int{}
	for _, u := range r.Plan.Units {
		units[u.Stratum]++
	}
	spec := stats.PlanSpec{ExpectedRate: sg.ExpectedRate, Deff: sg.Deff, HalfWidth: halfWidth, Allocation: stats.Proportional}
	for _, st := range r.Plan.Strata {
		spec.Strata = append(spec.Strata, stats.PlanStratum{Name: st.ID, Population: max(1, residents[st.ID])})
		spec.MinPerStratum = max(spec.MinPerStratum, 2*units[st.ID])
	}
	plan, err := stats.PlanSampleSize(spec)
	if err != nil {
		return Suggestion{}, apperr.Wrap(apperr.Invalid, err, "the planner cannot plan this round")
	}
	sg.Total = plan.Total
	for _, st := range plan.Strata {
		n := units[st.Name]
		sg.Strata = append(sg.Strata, StratumSuggestion{Stratum: st.Name, Interviews: st.N, Units: n, TargetPerUnit: (st.N + n - 1) / n})
	}
	return sg, nil
}
