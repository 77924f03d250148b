package stats_test

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"

	"cleancity/stats"
)

// The Lan-DeMets O'Brien-Fleming-type boundaries for five equally spaced
// looks, one-sided alpha 0.025, as published (Jennison and Turnbull 2000,
// and R's gsDesign(k = 5, test.type = 1, sfu = sfLDOF): 4.877, 3.357,
// 2.680, 2.290, 2.031).
func TestSpendingBoundariesMatchPublished(t *testing.T) {
	got, err := stats.SpendingBoundaries(0.025, []float64{0.2, 0.4, 0.6, 0.8, 1})
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{4.877, 3.357, 2.680, 2.290, 2.031}
	for k := range want {
		if math.Abs(got[k]-want[k]) > 1.5e-3 {
			t.Errorf("look %d: boundary %.4f, published %.3f", k+1, got[k], want[k])
		}
	}
	// One look spends all of alpha at once: the fixed test.
	one, err := stats.SpendingBoundaries(0.025, []float64{1})
	if err != nil {
		t.Fatal(err)
	}
	closeTo(t, "single look", one[0], distuv.UnitNormal.Quantile(0.975), 1e-6)
	for _, bad := range [][]float64{{0.5, 0.5}, {0, 1}, {0.5, 1.2}} {
		if _, err := stats.SpendingBoundaries(0.025, bad); err == nil {
			t.Errorf("fractions %v accepted", bad)
		}
	}
}

// The continuous boundary C/sqrt(t) is the limit of the discrete designs:
// at every planned look it is at least the 10-look design's boundary (so
// it is conservative when only the planned looks happen), and a Brownian
// motion watched at 400 looks crosses it no more often than alpha.
func TestSequentialContinuousBoundary(t *testing.T) {
	seq, err := stats.NewSequential(10, 0.95)
	if err != nil {
		t.Fatal(err)
	}
	fr := make([]float64, 10)
	for k := range fr {
		fr[k] = float64(k+1) / 10
	}
	disc, err := stats.SpendingBoundaries(0.025, fr)
	if err != nil {
		t.Fatal(err)
	}
	for k, tk := range fr {
		c, look := seq.Critical(tk)
		if look != k+1 {
			t.Errorf("t=%v: look %d, want %d", tk, look, k+1)
		}
		if c < disc[k]-1e-9 {
			t.Errorf("t=%v: continuous boundary %.4f below the discrete %.4f", tk, c, disc[k])
		}
	}
	c1, _ := seq.Critical(1)
	closeTo(t, "final boundary", c1, distuv.UnitNormal.Quantile(1-0.025/2), 1e-12)
	if c, _ := seq.Critical(1.5); c != c1 {
		t.Errorf("beyond the target the boundary is %v, want the final %v", c, c1)
	}
	r := rand.New(rand.NewPCG(3, 4))
	const paths, steps = 20000, 400
	crossed := 0
	for range paths {
		var b float64
		for j := 1; j <= steps; j++ {
			b += r.NormFloat64() * math.Sqrt(1.0/steps)
			tj := float64(j) / steps
			if c, _ := seq.Critical(tj); b/math.Sqrt(tj) >= c {
				crossed++
				break
			}
		}
	}
	share := float64(crossed) / paths
	if share > 0.025+2*math.Sqrt(0.025*0.975/paths) {
		t.Errorf("a Brownian motion watched %d times crossed the boundary in %.4f of paths, above 0.025", steps, share)
	}
}

// InterimVerdict's interval is the logit interval whose t quantile has the
// boundary's tail, and its verdict Judge's on that interval.
func TestInterimVerdictIsAWiderInterval(t *testing.T) {
	seq, _ := stats.NewSequential(10, 0.95)
	p, se, df := 0.93, 0.012, 20
	in, err := seq.InterimVerdict(stats.CILogit, p, se, df, 0.5, 0.90)
	if err != nil {
		t.Fatal(err)
	}
	z, _ := seq.Critical(0.5)
	level := 1 - 2*(1-distuv.UnitNormal.CDF(z))
	ci, err := stats.ConfidenceInterval(stats.CILogit, stats.CIInput{Estimate: p, Var: se * se, DF: df, Level: level})
	if err != nil {
		t.Fatal(err)
	}
	closeTo(t, "low", in.Low, ci.Low, 1e-9)
	closeTo(t, "high", in.High, ci.High, 1e-9)
	if j := stats.Judge(p, ci, 0.90); j.Verdict != in.Verdict || in.Look != 5 {
		t.Errorf("verdict %s at look %d, Judge on the interval says %s", in.Verdict, in.Look, j.Verdict)
	}
	// The fixed 95% interval clears 0.90; the interim one at half the
	// target does not.
	fixed, _ := stats.ConfidenceInterval(stats.CILogit, stats.CIInput{Estimate: p, Var: se * se, DF: df, Level: 0.95})
	if fixed.Low < 0.90 || in.Verdict != stats.Inconclusive {
		t.Errorf("fixed low %.4f, interim %s: the example no longer shows the boundary's effect", fixed.Low, in.Verdict)
	}
}

func forecastSpec(seq *stats.Sequential, p, se float64, n, psus, target, df int) stats.ForecastSpec {
	c, _ := seq.Critical(float64(n) / float64(target))
	return stats.ForecastSpec{Scale: stats.CILogit, Value: p, SE: se, N: n, PSUs: psus, Deff: 1.5, DF: df,
		Threshold: 0.90, Remaining: target - n, Looks: seq.Plan(target, df),
		Critical: distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(df)}.Quantile(distuv.UnitNormal.CDF(c))}
}

// Needed is the first planned look whose predictive probability of a
// decisive verdict, computed independently here, reaches the assurance.
func TestForecastNeededIsTheFirstLookThatReachesTheAssurance(t *testing.T) {
	seq, _ := stats.NewSequential(10, 0.95)
	const n, psus, target, df = 640, 24, 1600, 20
	sp := forecastSpec(seq, 0.95, 0.011, n, psus, target, df)
	f, err := stats.ForecastNeeded(sp)
	if err != nil {
		t.Fatal(err)
	}
	if !f.Reachable || f.Needed <= 0 || f.Toward != stats.Meets || f.TooEarly {
		t.Fatalf("forecast %+v: want a reachable count", f)
	}
	// Independent evaluation: Kish's model with roh from deff 1.5.
	b := float64(n) / psus
	roh := (1.5 - 1) / (b - 1)
	ratio := func(N float64) float64 {
		return (float64(n)/N*(1-roh) + float64(n)*roh/psus) / (1 + (b-1)*roh)
	}
	D := (math.Log(0.95/0.05) - math.Log(0.9/0.1)) / (0.011 / (0.95 * 0.05))
	D /= math.Sqrt(df / distuv.ChiSquared{K: df}.Quantile(0.2))
	prob := func(lk stats.PlannedLook) float64 {
		r := ratio(float64(lk.N))
		return distuv.UnitNormal.CDF((D - lk.Critical*math.Sqrt(r)) / math.Sqrt(1-r))
	}
	found := false
	for _, lk := range sp.Looks {
		if lk.N <= n {
			continue
		}
		if p := prob(lk); p >= 0.8 {
			if lk.N-n != f.Needed {
				t.Errorf("first look reaching 0.8 is at %d interviews (p %.3f), forecast says %d more", lk.N, p, f.Needed)
			}
			found = true
			break
		}
	}
	if !found {
		t.Fatal("no look reaches the assurance")
	}
	if f.NeededIfUnchanged > f.Needed {
		t.Errorf("if the estimate stays, %d more should not exceed the assured %d", f.NeededIfUnchanged, f.Needed)
	}

	// Decisive now: nothing needed.
	now := forecastSpec(seq, 0.99, 0.002, n, psus, target, df)
	if f, _ := stats.ForecastNeeded(now); f.Needed != 0 || !f.Reachable {
		t.Errorf("decisive estimate: %+v", f)
	}
	// Exactly at the threshold: never.
	at := forecastSpec(seq, 0.90, 0.011, n, psus, target, df)
	if f, _ := stats.ForecastNeeded(at); f.Needed != stats.Never || f.Reachable {
		t.Errorf("estimate at the threshold: %+v", f)
	}
	// Too close for the target: a count past the remaining interviews.
	close := forecastSpec(seq, 0.915, 0.011, n, psus, target, df)
	if f, _ := stats.ForecastNeeded(close); f.Reachable || f.Needed <= target-n {
		t.Errorf("estimate near the threshold: %+v, want not reachable within %d", f, target-n)
	}
	// Below the threshold it points to "below".
	below := forecastSpec(seq, 0.85, 0.011, n, psus, target, df)
	if f, _ := stats.ForecastNeeded(below); f.Toward != stats.Below {
		t.Errorf("estimate below: %+v", f)
	}
	// Too few interviews a community: no count.
	early := forecastSpec(seq, 0.935, 0.02, 200, psus, target, df)
	if f, _ := stats.ForecastNeeded(early); !f.TooEarly || f.EarlyMore != stats.MinPerPSU*psus-200 || f.Reachable {
		t.Errorf("early forecast: %+v", f)
	}
	bad := sp
	bad.Looks = nil
	if _, err := stats.ForecastNeeded(bad); err == nil {
		t.Error("forecast without looks accepted")
	}
}

// StratumStates' variances are the strata's own svyby variances: the same
// as Mean over a domain equal to the stratum.
func TestStratumStatesAreDomainVariances(t *testing.T) {
	rows := synth(11)
	for i := range rows {
		rows[i].Domain = rows[i].Stratum
	}
	spec := synthSpec(false)
	sv := mustSurvey(t, spec, rows)
	states, err := sv.StratumStates("y")
	if err != nil {
		t.Fatal(err)
	}
	var share float64
	for _, st := range states {
		e, err := sv.Mean("y", stats.InDomain(st.Name))
		if err != nil {
			t.Fatal(err)
		}
		closeTo(t, st.Name+" variance", st.Var, e.Var, 1e-12)
		if st.N != e.N || st.PSUs != e.PSUs {
			t.Errorf("%s: %d rows in %d PSUs, domain has %d in %d", st.Name, st.N, st.PSUs, e.N, e.PSUs)
		}
		share += st.WeightShare
	}
	closeTo(t, "weight shares", share, 1, 1e-12)
}

// The allocation reaches the forecast's target variance under the model it
// states, with Neyman's proportions among the strata it adds to, and no
// more interviews than spreading them as now.
func TestAllocateNeededIsNeyman(t *testing.T) {
	strata := []stats.StratumState{
		{Name: "A", WeightShare: 0.4, Var: 0.0004, N: 400, PSUs: 6},
		{Name: "B", WeightShare: 0.3, Var: 0.0012, N: 300, PSUs: 6},
		{Name: "C", WeightShare: 0.2, Var: 0.0001, N: 500, PSUs: 6},
		{Name: "D", WeightShare: 0.1, Var: 0.0020, N: 100, PSUs: 6},
	}
	var v float64
	for _, st := range strata {
		v += st.WeightShare * st.WeightShare * st.Var
	}
	f := stats.Forecast{Needed: 800, Remaining: 5000, Roh: 0.01, TargetSE: math.Sqrt(v) * 0.8}
	sp := stats.ForecastSpec{SE: math.Sqrt(v), N: 1300}
	plan, err := stats.AllocateNeeded(sp, f, strata)
	if err != nil {
		t.Fatal(err)
	}
	variance := func(more func(i int) float64) (float64, []float64) {
		var got float64
		var ratios []float64
		for i, st := range strata {
			n, k := float64(st.N), float64(st.PSUs)
			b := 1 + (n/k-1)*f.Roh
			w2v := st.WeightShare * st.WeightShare * st.Var
			A, C := w2v*n*(1-f.Roh)/b, w2v*n*f.Roh/(k*b)
			N := n + more(i)
			got += C + A/N
			if more(i) > 0 {
				ratios = append(ratios, N/math.Sqrt(A))
			}
		}
		return got, ratios
	}
	got, ratios := variance(func(i int) float64 { return float64(plan.Strata[i].More) })
	if got > f.TargetSE*f.TargetSE*(1+1e-9) {
		t.Errorf("allocated variance %.4g above the target %.4g", got, f.TargetSE*f.TargetSE)
	}
	// Spread as now: every stratum grows by the same factor.
	asNow := 0
	for g := 1.0; ; g += 0.001 {
		if v, _ := variance(func(i int) float64 { return float64(strata[i].N) * (g - 1) }); v <= f.TargetSE*f.TargetSE {
			asNow = int(1300 * (g - 1))
			break
		}
	}
	if plan.Total <= 0 || plan.Total >= asNow {
		t.Errorf("allocation total %d, spread as now needs %d", plan.Total, asNow)
	}
	if plan.Strata[2].More != 0 {
		t.Errorf("stratum C, with little variance, gets %d", plan.Strata[2].More)
	}
	for _, r := range ratios[1:] {
		if math.Abs(r-ratios[0]) > 0.01*ratios[0] {
			t.Errorf("N_h/sqrt(A_h) differs across strata: %v", ratios)
		}
	}
	if plan.Budget {
		t.Error("a reachable forecast allocated as a budget")
	}

	// Out of reach: the 300 remaining interviews go where they cut the
	// variance most, still in Neyman's proportions, and beat spreading
	// them as now.
	never := stats.Forecast{Needed: stats.Never, Remaining: 300, Roh: 0.01}
	bplan, err := stats.AllocateNeeded(sp, never, strata)
	if err != nil {
		t.Fatal(err)
	}
	if !bplan.Budget || bplan.Total != 300 {
		t.Fatalf("budget plan %+v", bplan)
	}
	bv, bratios := variance(func(i int) float64 { return float64(bplan.Strata[i].More) })
	pv, _ := variance(func(i int) float64 { return float64(strata[i].N) * 300 / 1300 })
	if bv >= pv {
		t.Errorf("budget plan's variance %.4g not below spreading as now %.4g", bv, pv)
	}
	for _, r := range bratios[1:] {
		if math.Abs(r-bratios[0]) > 0.02*bratios[0] {
			t.Errorf("budget plan: N_h/sqrt(A_h) differs across strata: %v", bratios)
		}
	}
	if parts := stats.SplitLargestRemainder(10, []float64{1, 1, 1}); parts[0]+parts[1]+parts[2] != 10 {
		t.Errorf("split %v does not add up", parts)
	}
}

// AddN is n calls of Add.
func TestAddNIsRepeatedAdd(t *testing.T) {
	rows := synth(5)
	spec := synthSpec(false)
	one, _ := stats.NewBuilder(spec)
	many, _ := stats.NewBuilder(spec)
	for i, r := range rows {
		k := 1 + i%4
		for range k {
			if err := one.Add(r); err != nil {
				t.Fatal(err)
			}
		}
		if err := many.AddN(r, k); err != nil {
			t.Fatal(err)
		}
	}
	a, err := one.Build()
	if err != nil {
		t.Fatal(err)
	}
	b, err := many.Build()
	if err != nil {
		t.Fatal(err)
	}
	sa, sb := summarise(t, a, stats.Overall), summarise(t, b, stats.Overall)
	closeTo(t, "mean", sb.mean, sa.mean, 1e-12)
	closeTo(t, "mean se", sb.meanSE, sa.meanSE, 1e-10)
	closeTo(t, "ratio se", sb.ratioSE, sa.ratioSE, 1e-10)
	if a.Info() != b.Info() {
		t.Errorf("designs differ: %+v and %+v", a.Info(), b.Info())
	}
}

// A domain in two communities (one degree of freedom) early in a round has
// a boundary far out in t's tail: it stays a finite number, and so do the
// interval and the forecast (they go into JSON).
func TestInterimVerdictOneDegreeOfFreedom(t *testing.T) {
	seq, _ := stats.NewSequential(10, 0.95)
	for _, frac := range []float64{0.01, 0.05, 0.2, 1} {
		sp := stats.MonitorSpec{Scale: stats.CILogit, Value: 0.95, SE: 0.02, N: 60, PSUs: 2, Deff: 1.3, DF: 1, QuantileDF: 1,
			Target: int(60 / frac), Threshold: 0.9, MinRoh: stats.DefaultMinRoh}
		in, f, _, err := seq.Monitor(sp)
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal([]any{in, f})
		if err != nil {
			t.Fatalf("t=%v: %v (interim %+v, forecast %+v)", frac, err, in, f)
		}
		if in.Verdict != stats.Inconclusive || !(in.Low >= 0 && in.High <= 1) {
			t.Errorf("t=%v: %s", frac, b)
		}
	}
}
