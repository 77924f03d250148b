package stats

import (
	"fmt"
	"math"
	"sync"

	"gonum.org/v1/gonum/stat/distuv"
)

// OBFSpending is the Lan-DeMets O'Brien-Fleming-type alpha spending
// function for a one-sided level alpha: the share of alpha spent by
// information fraction t, 2 - 2·Φ(z_{1-alpha/2} / sqrt(t)), alpha from t = 1
// on (Lan and DeMets 1983, Biometrika 70:659, their function α₁*).
func OBFSpending(alpha, t float64) float64 {
	if t <= 0 {
		return 0
	}
	if t >= 1 {
		return alpha
	}
	z := distuv.UnitNormal.Quantile(1 - alpha/2)
	return 2 * (1 - distuv.UnitNormal.CDF(z/math.Sqrt(t)))
}

// Boundaries of the recursive integration: the grid spans [-gridLow, c] on
// the Z scale with gridPerUnit Simpson intervals per unit of Z.
const (
	gridLow     = 8.0
	gridPerUnit = 24
	maxCritical = 12.0
)

// look is one analysis of a group-sequential design with its continuation
// region's sub-density: z[i] are grid points below the boundary, f[i] the
// density of Z at z[i] on the paths that have not crossed before, and w[i]
// the Simpson weights.
type look struct {
	t        float64
	critical float64
	z, f, w  []float64
}

// simpsonGrid returns an odd number of points from lo to hi with Simpson
// weights (the spacing included).
func simpsonGrid(lo, hi float64) (z, w []float64) {
	m := max(2, int(math.Ceil((hi-lo)*gridPerUnit))) // intervals, even
	if m%2 == 1 {
		m++
	}
	h := (hi - lo) / float64(m)
	z = make([]float64, m+1)
	w = make([]float64, m+1)
	for i := range z {
		z[i] = lo + float64(i)*h
		switch {
		case i == 0 || i == m:
			w[i] = h / 3
		case i%2 == 1:
			w[i] = 4 * h / 3
		default:
			w[i] = 2 * h / 3
		}
	}
	return z, w
}

// crossing is the probability, under the null hypothesis, of not having
// crossed at prev and crossing c at information fraction t (prev nil: the
// first look).
func crossing(prev *look, t, c float64) float64 {
	if prev == nil {
		return 1 - distuv.UnitNormal.CDF(c)
	}
	// Z_t·sqrt(t) = Z_prev·sqrt(t_prev) + N(0, t - t_prev).
	dt := t - prev.t
	sd := math.Sqrt(dt)
	st := math.Sqrt(t)
	sp := math.Sqrt(prev.t)
	var p float64
	for i, z := range prev.z {
		p += prev.w[i] * prev.f[i] * 0.5 * math.Erfc((c*st-z*sp)/sd/math.Sqrt2)
	}
	return p
}

// solveCritical finds the boundary at t that spends exactly pi after prev.
func solveCritical(prev *look, t, pi float64) float64 {
	if pi <= 0 {
		return maxCritical
	}
	lo, hi := -gridLow, maxCritical
	if crossing(prev, t, hi) >= pi {
		return hi
	}
	for range 50 {
		mid := (lo + hi) / 2
		if crossing(prev, t, mid) > pi {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2
}

// next returns the look at t with boundary c and its continuation
// sub-density.
func next(prev *look, t, c float64) *look {
	z, w := simpsonGrid(-gridLow, c)
	lk := &look{t: t, critical: c, z: z, w: w, f: make([]float64, len(z))}
	if prev == nil {
		for i, x := range z {
			lk.f[i] = math.Exp(-x*x/2) / math.Sqrt(2*math.Pi)
		}
		return lk
	}
	dt := t - prev.t
	sd := math.Sqrt(dt)
	st, sp := math.Sqrt(t), math.Sqrt(prev.t)
	norm := st / sd / math.Sqrt(2*math.Pi)
	for i, x := range z {
		var s float64
		for j, u := range prev.z {
			d := (x*st - u*sp) / sd
			s += prev.w[j] * prev.f[j] * math.Exp(-d*d/2)
		}
		lk.f[i] = s * norm
	}
	return lk
}

// SpendingBoundaries returns the one-sided upper boundaries on the Z scale
// of a group-sequential test with looks at the increasing information
// fractions fracs (in (0, 1]; the last is usually 1) whose type I error is
// spent by OBFSpending(alpha, t): under the null hypothesis the chance of
// Z_k >= c_k at some look is alpha (at most alpha when the last fraction is
// below 1). The boundaries come from the recursive numerical integration of
// Armitage, McPherson and Rowe (1969) as Jennison and Turnbull (2000,
// chapter 19) give it, with Z_k the standardised statistic whose increments
// are independent (canonical joint distribution). The lower side, if any,
// is non-binding: the upper boundaries ignore it, which keeps the error at
// most alpha however the lower side is used.
func SpendingBoundaries(alpha float64, fracs []float64) ([]float64, error) {
	if !(alpha > 0 && alpha < 0.5) {
		return nil, fmt.Errorf("%w: one-sided alpha %v must be in (0, 0.5)", ErrInvalid, alpha)
	}
	out := make([]float64, len(fracs))
	var prev *look
	spent := 0.0
	for k, t := range fracs {
		if !(t > 0 && t <= 1) || (prev != nil && !(t > prev.t)) {
			return nil, fmt.Errorf("%w: information fractions must increase within (0, 1], got %v", ErrInvalid, fracs)
		}
		a := OBFSpending(alpha, t)
		c := solveCritical(prev, t, a-spent)
		spent = a
		out[k] = c
		prev = next(prev, t, c)
	}
	return out, nil
}

// Sequential is the group-sequential rule open rounds are judged by: the
// O'Brien-Fleming-type boundary of Lan and DeMets in its continuous-time
// form, Z(t) >= C/sqrt(t) on each side, C = z_{1-alpha/2}, t the
// information fraction. Under the null hypothesis Z(t)·sqrt(t) is a
// Brownian motion, and the chance that it ever crosses the flat line C by
// time t is 2 - 2·Φ(C/sqrt(t)) = OBFSpending(alpha, t) (the reflection
// principle; Lan and DeMets 1983 obtain their α₁* from it): the rule spends
// exactly the O'Brien-Fleming-type function however often it is looked at,
// so an official opening the page every day, or every hour, cannot inflate
// the chance of a false "meets" above alpha. With only the planned looks
// (Looks, at every 1/Looks of the target) it is conservative: the discrete
// design's boundaries (SpendingBoundaries) are lower, but they hold only if
// nobody looks in between, which a web page cannot promise. It is safe
// for concurrent use.
type Sequential struct {
	looks int
	alpha float64 // per side
	level float64
	c     float64 // C

	// plans keeps Plan's answers: every domain of every results request
	// asks for one, and the t quantiles far in the tail are slow.
	mu    sync.Mutex
	plans map[[2]int][]PlannedLook
}

// planMemo bounds the memo of plans; it is emptied when full.
const planMemo = 1024

// NewSequential returns the rule for a design whose verdict at the end has
// confidence level (two-sided, so (1-level)/2 per side) and whose looks are
// planned at every 1/looks of the target.
func NewSequential(looks int, level float64) (*Sequential, error) {
	if looks < 1 || looks > 1000 {
		return nil, fmt.Errorf("%w: %d looks (want 1 to 1000)", ErrInvalid, looks)
	}
	if !(level > 0 && level < 1) {
		return nil, fmt.Errorf("%w: level %v must be in (0, 1)", ErrInvalid, level)
	}
	alpha := (1 - level) / 2
	return &Sequential{looks: looks, alpha: alpha, level: level, c: distuv.UnitNormal.Quantile(1 - alpha/2),
		plans: map[[2]int][]PlannedLook{}}, nil
}

// Looks returns the number of planned looks.
func (s *Sequential) Looks() int { return s.looks }

// Level returns the design's confidence level.
func (s *Sequential) Level() float64 { return s.level }

// Critical returns the Z boundary for an analysis at information fraction t
// (accepted interviews over the target; above 1 counts as 1), and the
// planned look it falls in (1-based, ceil(t·Looks)).
func (s *Sequential) Critical(t float64) (float64, int) {
	t = math.Min(t, 1)
	if !(t > 0) {
		return math.Inf(1), 0
	}
	return s.c / math.Sqrt(t), int(math.Ceil(t*float64(s.looks) - 1e-9))
}

// PlannedLook is one planned look of a domain: its interviews and its
// boundary on the statistic's scale.
type PlannedLook struct {
	N        int
	Critical float64
}

// Plan returns the planned looks for a target of accepted interviews: look
// j at ceil(j·target/Looks) interviews, its boundary turned into the t
// quantile on df as InterimVerdict does (df <= 0: z).
// The slice is shared: callers must not modify it.
func (s *Sequential) Plan(target, df int) []PlannedLook {
	key := [2]int{target, df}
	s.mu.Lock()
	out, ok := s.plans[key]
	s.mu.Unlock()
	if ok {
		return out
	}
	out = make([]PlannedLook, s.looks)
	for j := range out {
		n := ((j+1)*target + s.looks - 1) / s.looks
		c, _ := s.Critical(float64(n) / float64(max(target, 1)))
		out[j] = PlannedLook{N: n, Critical: onDF(c, df)}
	}
	s.mu.Lock()
	if len(s.plans) >= planMemo {
		clear(s.plans)
	}
	s.plans[key] = out
	s.mu.Unlock()
	return out
}

// onDF turns a normal boundary into the t quantile with the same tail on
// df degrees of freedom (df <= 0: unchanged).
func onDF(c float64, df int) float64 {
	if df <= 0 {
		return c
	}
	// From the tail itself: 1 - tail rounds to 1 far out, and a quantile
	// of 1 is +Inf.
	tail := distuv.UnitNormal.CDF(-c)
	q := -distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(df)}.Quantile(tail)
	if !(tail > 0) || math.IsInf(q, 0) || math.IsNaN(q) || q > maxBoundary {
		return maxBoundary
	}
	return q
}

// maxBoundary caps a boundary so far out that no data can reach it (one
// degree of freedom at an early look), keeping it a finite number.
const maxBoundary = 1e6

// Interim is a verdict while data are still coming in.
type Interim struct {
	// Fraction is the information fraction the verdict was taken at.
	Fraction float64
	// Look is the look number (1-based) among the planned looks.
	Look int
	// Looks is the number of planned looks.
	Looks int
	// Critical is the boundary on the statistic's scale (t on the
	// design's degrees of freedom for proportions; z for ratios).
	Critical float64
	// Low and High are the interval whose width matches the boundary: the
	// verdict is Meets when Low >= threshold, Below when High < threshold.
	Low, High float64
	// Verdict compares that interval with the threshold.
	Verdict Verdict
}

// InterimVerdict judges an estimate against threshold at information
// fraction t with the group-sequential boundary instead of the fixed
// interval's quantile: the statistic is the estimate's distance from the
// threshold on the interval's scale (logit for CILogit, the rate itself for
// CIMean) over its standard error there. For proportions the normal
// boundary c is turned into the t quantile with the same tail area on the
// design's degrees of freedom, as the fixed interval uses t; with df <= 0
// (ratios, whose interval uses z) c is used as it is. With one look at t = 1
// this is Judge of the fixed interval.
func (s *Sequential) InterimVerdict(scale CIMethod, value, se float64, df int, t, threshold float64) (Interim, error) {
	c, k := s.Critical(t)
	in := Interim{Fraction: t, Look: k, Looks: s.looks, Verdict: Inconclusive}
	c = onDF(c, df)
	in.Critical = c
	tr, err := newTransform(scale, value, se)
	if err != nil {
		return Interim{}, err
	}
	in.Low, in.High = tr.back(tr.eta-c*tr.se), tr.back(tr.eta+c*tr.se)
	switch {
	case in.Low >= threshold:
		in.Verdict = Meets
	case in.High < threshold:
		in.Verdict = Below
	}
	return in, nil
}

// transform is an estimate on an interval's scale.
type transform struct {
	logit   bool
	eta, se float64
}

func newTransform(scale CIMethod, p, se float64) (transform, error) {
	switch scale {
	case CILogit:
		if !(p > 0 && p < 1) || !(se > 0) {
			return transform{}, fmt.Errorf("%w: logit scale for an estimate of %v with standard error %v", ErrUndefined, p, se)
		}
		return transform{logit: true, eta: math.Log(p / (1 - p)), se: se / (p * (1 - p))}, nil
	case CIMean:
		if !(se > 0) || math.IsInf(se, 0) {
			return transform{}, fmt.Errorf("%w: standard error %v", ErrUndefined, se)
		}
		return transform{eta: p, se: se}, nil
	}
	return transform{}, fmt.Errorf("%w: %s scale for a forecast (want logit or mean)", ErrInvalid, scale)
}

func (tr transform) of(x float64) float64 {
	if tr.logit {
		return math.Log(x / (1 - x))
	}
	return x
}

func (tr transform) back(x float64) float64 {
	if tr.logit {
		return expit(x)
	}
	return x
}

// DefaultLooks is the number of planned looks of an open round: one after
// every tenth of its target.
const DefaultLooks = 10

// DefaultMinRoh is the least intraclass correlation forecasts assume: the
// sample-size planner's default design effect of 2 at the 67 interviews a
// community of a typical plan, roh = (deff - 1)/(b - 1).
const DefaultMinRoh = 1.0 / 66

// MonitorSpec is one estimate of an open round and the round's target.
type MonitorSpec struct {
	// Scale is the interval's scale: CILogit for proportions, CIMean for
	// ratios.
	Scale CIMethod
	// Value, SE, N, PSUs and Deff (0 when not valid) describe the
	// estimate.
	Value, SE float64
	N, PSUs   int
	Deff      float64
	// DF is the design's degrees of freedom for the domain.
	DF int
	// QuantileDF is the df of the interval's quantile: DF for the
	// proportions' t intervals, 0 for the ratio's z interval.
	QuantileDF int
	// Target is the domain's target of accepted interviews.
	Target int
	// Threshold is what the rate is compared with.
	Threshold float64
	// MinRoh is the least intraclass correlation the forecast assumes.
	MinRoh float64
}

// Monitor judges an estimate of an open round at the boundary for its
// information fraction (N over Target; a target of 0 counts as reached) and
// forecasts the interviews it needs: at the planned looks before the
// target by the interim boundary, at the target (the round's close) and
// beyond by the fixed interval's quantile, since a closed round's verdict
// is the fixed one. The ForecastSpec it used is returned
// for AllocateNeeded. Errors wrap ErrUndefined when the estimate has no
// spread to judge by.
func (s *Sequential) Monitor(sp MonitorSpec) (Interim, Forecast, ForecastSpec, error) {
	t := 1.0
	if sp.Target > 0 {
		t = float64(sp.N) / float64(sp.Target)
	}
	in, err := s.InterimVerdict(sp.Scale, sp.Value, sp.SE, sp.QuantileDF, t, sp.Threshold)
	if err != nil {
		return Interim{}, Forecast{}, ForecastSpec{}, err
	}
	// The last look is the round's close, whose verdict is the fixed
	// interval's: its quantile, not the boundary's.
	looks := append([]PlannedLook(nil), s.Plan(sp.Target, sp.QuantileDF)...)
	looks[len(looks)-1].Critical = fixedQuantile(s.level, sp.QuantileDF)
	fs := ForecastSpec{Scale: sp.Scale, Value: sp.Value, SE: sp.SE, N: sp.N, PSUs: sp.PSUs, Deff: sp.Deff,
		DF: sp.DF, MinRoh: sp.MinRoh, Critical: in.Critical, Looks: looks,
		Threshold: sp.Threshold, Remaining: max(0, sp.Target-sp.N)}
	f, err := ForecastNeeded(fs)
	if err != nil {
		return Interim{}, Forecast{}, ForecastSpec{}, err
	}
	return in, f, fs, nil
}

// fixedQuantile is the two-sided interval's quantile: t on df, z for df <= 0.
func fixedQuantile(level float64, df int) float64 {
	p := 1 - (1-level)/2
	if df > 0 {
		return distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(df)}.Quantile(p)
	}
	return distuv.UnitNormal.Quantile(p)
}
