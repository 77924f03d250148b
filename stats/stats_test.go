package stats_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"

	"cleancity/stats"
)

// synth makes a stratified cluster sample: 5 strata of 3 to 7 PSUs, 5 to 19
// rows per PSU, a cross-cutting domain, and variables y (0/1), num and den.
func synth(seed uint64) []stats.Row {
	r := rand.New(rand.NewPCG(seed, 7))
	var rows []stats.Row
	for h := 0; h < 5; h++ {
		npsu := 3 + r.IntN(5)
		for c := 0; c < npsu; c++ {
			m := 5 + r.IntN(15)
			eff := r.NormFloat64() * 0.5
			for i := 0; i < m; i++ {
				y := 0.0
				if r.Float64() < 1/(1+math.Exp(-(1.5+eff))) {
					y = 1
				}
				den := float64(5 + r.IntN(6))
				num := math.Floor(den * r.Float64())
				rows = append(rows, stats.Row{
					Weight:  50 + 400*r.Float64(),
					Stratum: fmt.Sprintf("S%d", h),
					PSU:     fmt.Sprintf("P%d", c),
					FPC:     float64(npsu * 4),
					Domain:  []string{"a", "b", "c"}[r.IntN(3)],
					Values:  []float64{y, num, den},
					Cells:   []string{[]string{"young", "old"}[r.IntN(2)], []string{"F", "M"}[r.IntN(2)]},
				})
			}
		}
	}
	return rows
}

func synthSpec(calibrate bool) stats.Spec {
	s := stats.Spec{Variables: []string{"y", "num", "den"}, Stratified: true, Clustered: true, FPC: true, Lonely: stats.LonelyFail}
	if calibrate {
		s.Calibrations = []stats.Calibration{{Kind: stats.Rake, MaxIter: 100, Epsilon: 1e-10, Margins: []stats.Margin{
			{Name: "age", Population: map[string]float64{"young": 6000, "old": 4000}},
			{Name: "sex", Population: map[string]float64{"F": 5200, "M": 4800}},
		}}}
	}
	return s
}

func mustSurvey(tb testing.TB, spec stats.Spec, rows []stats.Row) *stats.Survey {
	tb.Helper()
	sv, err := stats.NewSurvey(spec, rows)
	if err != nil {
		tb.Fatal(err)
	}
	return sv
}

func closeTo(tb testing.TB, what string, got, want, rel float64) {
	tb.Helper()
	if d := math.Abs(got - want); d > rel*math.Abs(want) && d > 1e-300 {
		tb.Errorf("%s: got %.17g, want %.17g (rel %.3g)", what, got, want, d/math.Abs(want))
	}
}

type summary struct {
	mean, meanSE, lo, hi, ratio, ratioSE, total, totalSE float64
}

func summarise(tb testing.TB, sv *stats.Survey, d stats.Domain) summary {
	tb.Helper()
	m, ci, err := sv.Proportion("y", d, stats.CIBeta, 0.95)
	if err != nil {
		tb.Fatal(err)
	}
	r, err := sv.Ratio("num", "den", d)
	if err != nil {
		tb.Fatal(err)
	}
	t, err := sv.Total("num", d)
	if err != nil {
		tb.Fatal(err)
	}
	return summary{m.Value, m.SE, ci.Low, ci.High, r.Value, r.SE, t.Value, t.SE}
}

// Scaling every weight by a constant changes no mean, ratio, SE or interval
// and scales totals and their SEs by the constant; after calibration even
// totals do not change.
func TestScalingWeightsChangesNothing(t *testing.T) {
	for _, calibrate := range []bool{false, true} {
		t.Run(fmt.Sprintf("calibrated=%v", calibrate), func(t *testing.T) {
			rows := synth(1)
			base := mustSurvey(t, synthSpec(calibrate), rows)
			const k = 37.25
			scaled := make([]stats.Row, len(rows))
			for i, r := range rows {
				r.Weight *= k
				scaled[i] = r
			}
			sc := mustSurvey(t, synthSpec(calibrate), scaled)
			for _, d := range []stats.Domain{stats.Overall, stats.InDomain("a"), stats.InDomain("c")} {
				a, b := summarise(t, base, d), summarise(t, sc, d)
				tk := k
				tol := 1e-12
				if calibrate {
					// Raking stops within its tolerance of the fixed
					// point, from a different start: allow for that.
					tk, tol = 1, 1e-9
				}
				w := "domain " + d.String()
				closeTo(t, w+" mean", b.mean, a.mean, tol)
				closeTo(t, w+" mean se", b.meanSE, a.meanSE, 100*tol)
				closeTo(t, w+" ci low", b.lo, a.lo, 100*tol)
				closeTo(t, w+" ci high", b.hi, a.hi, 100*tol)
				closeTo(t, w+" ratio", b.ratio, a.ratio, tol)
				closeTo(t, w+" ratio se", b.ratioSE, a.ratioSE, 100*tol)
				closeTo(t, w+" total", b.total, a.total*tk, tol)
				closeTo(t, w+" total se", b.totalSE, a.totalSE*tk, 100*tol)
			}
		})
	}
}

// With one stratum and each row its own PSU, the clustered design equals
// the unclustered one, and both equal the textbook with-replacement
// formula n/(n-1) * sum (z_i - zbar)^2 with z_i = w_i (y_i - p) / sum(w).
func TestOnePSUPerRowIsUnclustered(t *testing.T) {
	rows := synth(2)
	spec := stats.Spec{Variables: []string{"y", "num", "den"}}
	clustered := spec
	clustered.Clustered = true
	one := make([]stats.Row, len(rows))
	for i, r := range rows {
		r.PSU = fmt.Sprintf("row%d", i)
		r.Stratum = "ignored"
		one[i] = r
	}
	a := mustSurvey(t, spec, rows)
	b := mustSurvey(t, clustered, one)
	if a.Info() != b.Info() {
		t.Fatalf("designs differ: %+v vs %+v", a.Info(), b.Info())
	}
	for _, d := range []stats.Domain{stats.Overall, stats.InDomain("b")} {
		ea, err := a.Mean("y", d)
		if err != nil {
			t.Fatal(err)
		}
		eb, err := b.Mean("y", d)
		if err != nil {
			t.Fatal(err)
		}
		closeTo(t, "mean", eb.Value, ea.Value, 1e-14)
		closeTo(t, "var", eb.Var, ea.Var, 1e-12)
		closeTo(t, "deff", eb.Deff, ea.Deff, 1e-12)

		// Hand formula.
		var W, WY float64
		for _, r := range rows {
			if !d.In(r.Domain) {
				continue
			}
			W += r.Weight
			WY += r.Weight * r.Values[0]
		}
		p := WY / W
		n := float64(len(rows))
		var sum, ss float64
		z := make([]float64, len(rows))
		for i, r := range rows {
			if d.In(r.Domain) {
				z[i] = r.Weight * (r.Values[0] - p) / W
			}
			sum += z[i]
		}
		for _, zi := range z {
			ss += (zi - sum/n) * (zi - sum/n)
		}
		closeTo(t, "hand mean", ea.Value, p, 1e-14)
		closeTo(t, "hand var", ea.Var, n/(n-1)*ss, 1e-12)
	}
}

// Feeding rows one at a time, in any order, gives the slice answer.
func TestBuilderStreamsLikeSlice(t *testing.T) {
	for _, calibrate := range []bool{false, true} {
		rows := synth(3)
		want := mustSurvey(t, synthSpec(calibrate), rows)
		b, err := stats.NewBuilder(synthSpec(calibrate))
		if err != nil {
			t.Fatal(err)
		}
		r := rand.New(rand.NewPCG(9, 9))
		for _, i := range r.Perm(len(rows)) {
			if err := b.Add(rows[i]); err != nil {
				t.Fatal(err)
			}
		}
		got, err := b.Build()
		if err != nil {
			t.Fatal(err)
		}
		if got.Info() != want.Info() {
			t.Fatalf("info %+v, want %+v", got.Info(), want.Info())
		}
		for _, d := range []stats.Domain{stats.Overall, stats.InDomain("a"), stats.InDomain("b")} {
			g, w := summarise(t, got, d), summarise(t, want, d)
			closeTo(t, "mean", g.mean, w.mean, 1e-12)
			closeTo(t, "se", g.meanSE, w.meanSE, 1e-9)
			closeTo(t, "ratio se", g.ratioSE, w.ratioSE, 1e-9)
			closeTo(t, "total", g.total, w.total, 1e-12)
		}
		if _, err := b.Build(); err == nil {
			t.Error("second Build succeeded")
		}
	}
}

func TestErrors(t *testing.T) {
	good := synth(4)
	base := synthSpec(false)
	with := func(f func(r *stats.Row)) []stats.Row {
		rows := append([]stats.Row(nil), good...)
		r := rows[17]
		r.Values = append([]float64(nil), r.Values...)
		f(&r)
		rows[17] = r
		return rows
	}
	lonely := func() []stats.Row {
		var rows []stats.Row
		for _, r := range good {
			if r.Stratum == "S2" && r.PSU != "P0" {
				continue
			}
			rows = append(rows, r)
		}
		return rows
	}
	cases := []struct {
		name string
		spec stats.Spec
		rows []stats.Row
		want error
	}{
		{"empty", base, nil, stats.ErrEmpty},
		{"zero weight", base, with(func(r *stats.Row) { r.Weight = 0 }), stats.ErrWeight},
		{"negative weight", base, with(func(r *stats.Row) { r.Weight = -3 }), stats.ErrWeight},
		{"missing weight", base, with(func(r *stats.Row) { r.Weight = math.NaN() }), stats.ErrWeight},
		{"infinite weight", base, with(func(r *stats.Row) { r.Weight = math.Inf(1) }), stats.ErrWeight},
		{"missing value", base, with(func(r *stats.Row) { r.Values[1] = math.NaN() }), stats.ErrValue},
		{"missing stratum", base, with(func(r *stats.Row) { r.Stratum = "" }), stats.ErrInvalid},
		{"fpc varies", base, with(func(r *stats.Row) { r.FPC++ }), stats.ErrFPC},
		{"fpc fraction among sizes", base, with(func(r *stats.Row) {}), nil},
		{"one psu", base, good[:3], stats.ErrLonelyPSU},
	}
	for _, c := range cases {
		if c.want == nil {
			// Sanity: the unmodified rows build.
			if _, err := stats.NewSurvey(c.spec, c.rows); err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			_, err := stats.NewSurvey(c.spec, c.rows)
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
		})
	}

	t.Run("fpc smaller than sample", func(t *testing.T) {
		rows := append([]stats.Row(nil), good...)
		for i := range rows {
			rows[i].FPC = 2
		}
		_, err := stats.NewSurvey(base, rows)
		if !errors.Is(err, stats.ErrFPC) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("fpc mixes sizes and fractions", func(t *testing.T) {
		rows := append([]stats.Row(nil), good...)
		for i := range rows {
			if rows[i].Stratum == "S1" {
				rows[i].FPC = 0.5
			}
		}
		_, err := stats.NewSurvey(base, rows)
		if !errors.Is(err, stats.ErrFPC) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("fpc all ones", func(t *testing.T) {
		rows := append([]stats.Row(nil), good...)
		for i := range rows {
			rows[i].FPC = 1
		}
		_, err := stats.NewSurvey(base, rows)
		if !errors.Is(err, stats.ErrFPC) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("lonely psu under fail", func(t *testing.T) {
		sv := mustSurvey(t, base, lonely())
		if _, err := sv.Mean("y", stats.Overall); !errors.Is(err, stats.ErrLonelyPSU) || !containsAll(err.Error(), `"S2"`) {
			t.Fatalf("err = %v", err)
		}
		for _, pol := range []stats.LonelyPSU{stats.LonelyRemove, stats.LonelyCertainty, stats.LonelyAdjust, stats.LonelyAverage} {
			spec := base
			spec.Lonely = pol
			e, err := mustSurvey(t, spec, lonely()).Mean("y", stats.Overall)
			if err != nil || !(e.SE > 0) {
				t.Errorf("%s: %v %v", pol, e, err)
			}
		}
	})
	t.Run("not an indicator", func(t *testing.T) {
		sv := mustSurvey(t, base, good)
		if _, _, err := sv.Proportion("num", stats.Overall, stats.CILogit, 0.95); !errors.Is(err, stats.ErrNotIndicator) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("empty domain", func(t *testing.T) {
		sv := mustSurvey(t, base, good)
		if _, err := sv.Mean("y", stats.InDomain("nowhere")); !errors.Is(err, stats.ErrEmptyDomain) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("unknown variable", func(t *testing.T) {
		sv := mustSurvey(t, base, good)
		if _, err := sv.Mean("nope", stats.Overall); !errors.Is(err, stats.ErrInvalid) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("target cell missing from sample", func(t *testing.T) {
		spec := synthSpec(true)
		spec.Calibrations[0].Margins[0].Population = map[string]float64{"young": 6000, "old": 4000, "ancient": 10}
		_, err := stats.NewSurvey(spec, good)
		if !errors.Is(err, stats.ErrCalibration) || !containsAll(err.Error(), `"ancient"`, `"age"`) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("sample cell missing from targets", func(t *testing.T) {
		spec := synthSpec(true)
		spec.Calibrations[0].Margins[1].Population = map[string]float64{"F": 5200}
		_, err := stats.NewSurvey(spec, good)
		if !errors.Is(err, stats.ErrCalibration) || !containsAll(err.Error(), `"M"`) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("raking does not converge", func(t *testing.T) {
		spec := synthSpec(true)
		spec.Calibrations[0].MaxIter = 1
		spec.Calibrations[0].Epsilon = 1e-15
		_, err := stats.NewSurvey(spec, good)
		if !errors.Is(err, stats.ErrNoConvergence) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("bad spec", func(t *testing.T) {
		for _, spec := range []stats.Spec{
			{Variables: []string{"a", "a"}},
			{Lonely: 42},
			{Calibrations: []stats.Calibration{{Kind: stats.PostStratify}}},
			{Calibrations: []stats.Calibration{{Kind: 9, Margins: []stats.Margin{{Name: "x", Population: map[string]float64{"a": 1}}}}}},
			{Calibrations: []stats.Calibration{{Kind: stats.Rake, Margins: []stats.Margin{{Name: "x", Population: map[string]float64{"a": -1}}}}}},
		} {
			if _, err := stats.NewBuilder(spec); err == nil {
				t.Errorf("NewBuilder(%+v) succeeded", spec)
			}
		}
	})
	t.Run("row shape", func(t *testing.T) {
		b, _ := stats.NewBuilder(base)
		err := b.Add(stats.Row{Weight: 1, Stratum: "s", PSU: "p", FPC: 10, Values: []float64{1}})
		var fe *stats.FieldError
		if !errors.As(err, &fe) || fe.Field != "Values" {
			t.Fatalf("err = %v", err)
		}
	})
}

func containsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		found := false
		for i := 0; i+len(sub) <= len(s); i++ {
			if s[i:i+len(sub)] == sub {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func TestConfidenceIntervalEdges(t *testing.T) {
	// Wilson by hand: p = 0.8, var = 0.0004, df = 30, level 0.95.
	p, v := 0.8, 0.0004
	tq := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: 30}.Quantile(0.975)
	neff := p * (1 - p) / v
	c := tq * tq / neff
	lo := (p + c/2 - tq/(2*neff)*math.Sqrt(4*neff*p*(1-p)+tq*tq)) / (1 + c)
	got, err := stats.ConfidenceInterval(stats.CIWilson, stats.CIInput{Estimate: p, Var: v, DF: 30, Level: 0.95})
	if err != nil {
		t.Fatal(err)
	}
	closeTo(t, "wilson low", got.Low, lo, 1e-14)
	if !(got.Low < p && p < got.High) {
		t.Errorf("wilson %v does not cover %v", got, p)
	}

	// Every method covers p and narrows with the level.
	for m := stats.CILogit; m <= stats.CIWilson; m++ {
		a, err := stats.ConfidenceInterval(m, stats.CIInput{Estimate: p, Var: v, DF: 30, DesignRows: 900, Level: 0.95})
		if err != nil {
			t.Fatalf("%s: %v", m, err)
		}
		b, err := stats.ConfidenceInterval(m, stats.CIInput{Estimate: p, Var: v, DF: 30, DesignRows: 900, Level: 0.80})
		if err != nil {
			t.Fatalf("%s: %v", m, err)
		}
		if !(a.Low < b.Low && b.Low < p && p < b.High && b.High < a.High) {
			t.Errorf("%s: 95%% %v, 80%% %v", m, a, b)
		}
	}

	bad := []struct {
		m    stats.CIMethod
		in   stats.CIInput
		want error
	}{
		{stats.CILogit, stats.CIInput{Estimate: 1, Var: 0, DF: 10, Level: 0.95}, stats.ErrUndefined},
		{stats.CIBeta, stats.CIInput{Estimate: 0, Var: 0, DF: 10, DesignRows: 20, Level: 0.95}, stats.ErrUndefined},
		{stats.CIWilson, stats.CIInput{Estimate: 1, Var: 0, DF: 10, Level: 0.95}, stats.ErrUndefined},
		{stats.CIMean, stats.CIInput{Estimate: 0.5, Var: 0.01, DF: 0, Level: 0.95}, stats.ErrUndefined},
		{stats.CIMean, stats.CIInput{Estimate: 0.5, Var: 0.01, DF: 3, Level: 1}, stats.ErrInvalid},
		{stats.CIMean, stats.CIInput{Estimate: 0.5, Var: math.NaN(), DF: 3, Level: 0.9}, stats.ErrInvalid},
		{stats.CIMethod(17), stats.CIInput{Estimate: 0.5, Var: 0.01, DF: 3, Level: 0.9}, stats.ErrInvalid},
	}
	for _, c := range bad {
		if _, err := stats.ConfidenceInterval(c.m, c.in); !errors.Is(err, c.want) {
			t.Errorf("%s %+v: err = %v, want %v", c.m, c.in, err, c.want)
		}
	}
	// A mean interval for p = 1 is the point itself, as in R.
	if ci, err := stats.ConfidenceInterval(stats.CIMean, stats.CIInput{Estimate: 1, Var: 0, DF: 5, Level: 0.95}); err != nil || ci.Low != 1 || ci.High != 1 {
		t.Errorf("mean at 1: %v %v", ci, err)
	}
}

func TestParse(t *testing.T) {
	for m := stats.CILogit; m <= stats.CIWilson; m++ {
		got, err := stats.ParseCIMethod(m.String())
		if err != nil || got != m {
			t.Errorf("ParseCIMethod(%q) = %v, %v", m.String(), got, err)
		}
	}
	if _, err := stats.ParseCIMethod("exact"); !errors.Is(err, stats.ErrInvalid) {
		t.Error("ParseCIMethod(exact) accepted")
	}
	for l := stats.LonelyFail; l <= stats.LonelyAverage; l++ {
		got, err := stats.ParseLonelyPSU(l.String())
		if err != nil || got != l {
			t.Errorf("ParseLonelyPSU(%q) = %v, %v", l.String(), got, err)
		}
	}
	if _, err := stats.ParseLonelyPSU("scale"); !errors.Is(err, stats.ErrInvalid) {
		t.Error("ParseLonelyPSU(scale) accepted")
	}
}

func TestJudge(t *testing.T) {
	cases := []struct {
		est, lo, hi float64
		want        stats.Verdict
		point       bool
	}{
		{0.93, 0.90, 0.95, stats.Meets, true},
		{0.93, 0.91, 0.95, stats.Meets, true},
		{0.92, 0.89, 0.95, stats.Inconclusive, true},
		{0.88, 0.85, 0.90, stats.Inconclusive, false},
		{0.87, 0.84, 0.8999, stats.Below, false},
		{0.90, 0.88, 0.92, stats.Inconclusive, true},
	}
	for _, c := range cases {
		j := stats.Judge(c.est, stats.Interval{Low: c.lo, High: c.hi}, 0.90)
		if j.Verdict != c.want || j.PointMeets != c.point || j.Threshold != 0.90 {
			t.Errorf("Judge(%v, [%v, %v]) = %+v, want %s point %v", c.est, c.lo, c.hi, j, c.want, c.point)
		}
	}
}

func TestDomainsSorted(t *testing.T) {
	rows := synth(5)
	for i := range rows {
		rows[i].Domain = []string{"10", "9", "1.5", "100"}[i%4]
	}
	sv := mustSurvey(t, synthSpec(false), rows)
	got := fmt.Sprint(sv.Domains())
	if got != "[1.5 9 10 100]" {
		t.Errorf("numeric levels sorted as %s", got)
	}
	for i := range rows {
		rows[i].Domain = []string{"b", "B", "a", "10"}[i%4]
	}
	sv = mustSurvey(t, synthSpec(false), rows)
	if got := fmt.Sprint(sv.Domains()); got != "[10 B a b]" {
		t.Errorf("text levels sorted as %s", got)
	}
}
