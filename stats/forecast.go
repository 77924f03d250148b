package stats

import (
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/stat/distuv"
)

// DefaultAssurance is the probability a forecast's Needed count aims at.
const DefaultAssurance = 0.80

// ForecastSpec is one domain's estimate and what the round still allows.
type ForecastSpec struct {
	// Scale is the interval's scale: CILogit for proportions, CIMean for
	// the ratio's Wald interval.
	Scale CIMethod
	// Value, SE and N are the estimate, its standard error and the
	// accepted interviews behind it.
	Value, SE float64
	N         int
	// PSUs is the number of PSUs (communities) with interviews in the
	// domain; further interviews go to the same PSUs.
	PSUs int
	// Deff is the estimate's design effect; 0 (or not above 1) means no
	// clustering to allow for.
	Deff float64
	// MinRoh is the least intraclass correlation to assume: the planning
	// assumption, since the observed design effect says little about
	// clustering early in a round.
	MinRoh float64
	// DF is the design degrees of freedom the standard error is estimated
	// on; 0 takes it as known.
	DF int
	// Critical is the boundary the verdict is judged by now (the interim
	// one at the current look, on the statistic's scale).
	Critical float64
	// Looks are the domain's planned looks (Sequential.Plan), the last at
	// the target; the verdict is forecast at the first of them that gets
	// there, and beyond the target with the last one's boundary.
	Looks []PlannedLook
	// Threshold is what the rate is compared with.
	Threshold float64
	// Assurance is the wanted probability of a decisive verdict; 0 means
	// DefaultAssurance.
	Assurance float64
	// Remaining is the number of further accepted interviews the round's
	// target leaves for the domain.
	Remaining int
}

// Forecast says how many more interviews a domain needs for its verdict to
// become decisive.
type Forecast struct {
	// Toward is the verdict the estimate points to: Meets when it is at or
	// above the threshold, Below otherwise.
	Toward Verdict
	// NeededIfUnchanged is the further accepted interviews after which the
	// closed round's interval clears the threshold if the estimate and the
	// clustering (intraclass correlation) stay exactly as they are.
	NeededIfUnchanged int
	// Needed is the further accepted interviews after which the closed
	// round's verdict is decisive with (predictive) probability Assurance.
	// math.MaxInt32 when no number of interviews in the same communities
	// can give that.
	Needed int
	// Assurance is the probability Needed aims at.
	Assurance float64
	// Reachable reports Needed <= Remaining.
	Reachable bool
	// Remaining is the spec's Remaining.
	Remaining int
	// Roh is the intraclass correlation the forecast assumes.
	Roh float64
	// TargetSE is the standard error (on the estimate's own scale) at
	// which Needed is reached; 0 when Needed is 0 or unreachable.
	TargetSE float64
	// TooEarly reports fewer than MinPerPSU interviews per PSU: no count
	// is forecast (Needed is Never, Reachable false) until EarlyMore
	// further interviews are in.
	TooEarly  bool
	EarlyMore int
}

// MinPerPSU is the fewest interviews per PSU, on average, a forecast is made
// from: with fewer, the design effect (and so the clustering the forecast
// extrapolates) and the variance itself are mostly noise, and in the
// simulation of the demo city's design (TestForecastNeededIsDecisive in
// package survey) forecasts made from 10 interviews a community delivered
// fewer decisive verdicts than they promised.
const MinPerPSU = 20

// Never is Needed for a verdict no number of further interviews in the
// same communities can make decisive.
const Never = math.MaxInt32

// clustering is Kish's model of a cluster sample's variance (Kish 1965,
// section 5.4): deff = 1 + (b - 1)·roh at b interviews per cluster, so with
// k clusters and n interviews Var(n) ∝ (1 + (n/k - 1)·roh) / n. Adding
// interviews to the same clusters shrinks only the within part: the
// variance ratio r(N) = Var(N)/Var(n) falls to n·roh/(k·B) at most, B =
// 1 + (n/k - 1)·roh.
type clustering struct {
	n, k, roh float64
}

func newClustering(n, k int, deff, minRoh float64) clustering {
	cl := clustering{n: float64(n), k: float64(max(k, 1))}
	if b := cl.n / cl.k; b > 1 && deff > 1 && !math.IsInf(deff, 0) {
		cl.roh = (deff - 1) / (b - 1)
	}
	cl.roh = math.Min(1, math.Max(cl.roh, minRoh))
	return cl
}

// ratio returns Var(N)/Var(n).
func (cl clustering) ratio(N float64) float64 {
	b := 1 + (cl.n/cl.k-1)*cl.roh
	return (cl.n*(1-cl.roh)/N + cl.n*cl.roh/cl.k) / b
}

// total returns the interviews N at which the variance ratio is r, or
// +Inf when r is below the floor.
func (cl clustering) total(r float64) float64 {
	b := 1 + (cl.n/cl.k-1)*cl.roh
	den := r*b - cl.n*cl.roh/cl.k
	if !(den > 0) {
		return math.Inf(1)
	}
	return cl.n * (1 - cl.roh) / den
}

// ForecastNeeded computes a domain's forecast on the interval's scale.
//
// Variance. More interviews in the same communities shrink the variance as
// Kish's model says (see clustering; roh from the current design effect,
// deff = 1 + (n/k - 1)·roh, at least MinRoh), not as 1/n: keeping the
// design effect fixed would promise too few interviews, since a cluster
// sample's design effect grows with the interviews per community. With
// r = Var(N)/Var(n) the variance ratio at N interviews, d the estimate's
// distance from the threshold on the interval's scale and D = d/se its
// standardised distance now, the verdict at N is decisive when
// D >= c·sqrt(r), c the boundary there.
//
// Looks. The verdict during the round is judged at the group-sequential
// boundary, so the forecast asks at which planned look j (N_j interviews,
// boundary c_j) the verdict becomes decisive; Needed is then N_j - n.
// NeededIfUnchanged is the first look where D >= c_j·sqrt(r_j), the
// estimate staying as it is. Needed is the first look whose predictive
// probability of a decisive verdict is at least the assurance a
// (Spiegelhalter, Freedman and Blackburn 1986, Controlled Clinical Trials
// 7:8, "predictive power"): with a flat prior on the true value the
// estimate at N_j is normal around the current one with variance
// se^2·(1 - r_j), so it is decisive with probability
//
//	Φ((D - c_j·sqrt(r_j)) / sqrt(1 - r_j)).
//
// Beyond the target the last boundary c_K holds and the count is solved in
// closed form: c·sqrt(1-x) + z_a·sqrt(x) = D with x = 1 - r has the root
// x = sin²(φ), φ = atan2(z_a, c) + acos(D / sqrt(c² + z_a²)) on its falling
// branch; such counts are past Remaining, so not reachable.
//
// Needed is 0 when the verdict is decisive now (D >= Critical); with fewer
// than MinPerPSU interviews per PSU nothing is forecast (TooEarly); when
// no count reaches the assurance (D <= z_a, or r below the clustering's
// floor) it is Never. Unlike the plug-in ("conditional power") count, the
// predictive one carries the uncertainty of the current estimate, so
// following it keeps its promise also when the estimate happens to be high
// (TestForecastNeededIsDecisive in package survey shows it on the demo
// city's design).
func ForecastNeeded(sp ForecastSpec) (Forecast, error) {
	a := sp.Assurance
	if a == 0 {
		a = DefaultAssurance
	}
	if !(a > 0.5 && a < 1) {
		return Forecast{}, fmt.Errorf("%w: assurance %v must be in (0.5, 1)", ErrInvalid, sp.Assurance)
	}
	if !(sp.MinRoh >= 0 && sp.MinRoh < 1) {
		return Forecast{}, fmt.Errorf("%w: minimum intraclass correlation %v must be in [0, 1)", ErrInvalid, sp.MinRoh)
	}
	if sp.N < 1 || sp.Remaining < 0 || sp.PSUs < 0 {
		return Forecast{}, fmt.Errorf("%w: %d interviews in %d PSUs, %d remaining", ErrInvalid, sp.N, sp.PSUs, sp.Remaining)
	}
	if len(sp.Looks) == 0 || !(sp.Critical > 0) {
		return Forecast{}, fmt.Errorf("%w: a forecast needs the planned looks and the current boundary", ErrInvalid)
	}
	tr, err := newTransform(sp.Scale, sp.Value, sp.SE)
	if err != nil {
		return Forecast{}, err
	}
	if tr.logit && !(sp.Threshold > 0 && sp.Threshold < 1) {
		return Forecast{}, fmt.Errorf("%w: threshold %v on the logit scale", ErrInvalid, sp.Threshold)
	}
	za := distuv.UnitNormal.Quantile(a)
	cl := newClustering(sp.N, sp.PSUs, sp.Deff, sp.MinRoh)
	f := Forecast{Toward: Meets, Assurance: a, Remaining: sp.Remaining, Roh: cl.roh,
		Needed: Never, NeededIfUnchanged: Never}
	if sp.Value < sp.Threshold {
		f.Toward = Below
	}
	D := math.Abs(tr.eta-tr.of(sp.Threshold)) / tr.se
	if D >= sp.Critical {
		f.Needed, f.NeededIfUnchanged, f.Reachable = 0, 0, true
		return f, nil
	}
	if sp.DF > 0 {
		// The standard error is itself estimated on DF degrees of freedom:
		// forecast from its upper bound at the assurance.
		D /= math.Sqrt(float64(sp.DF) / distuv.ChiSquared{K: float64(sp.DF)}.Quantile(1-a))
	}
	if k := max(sp.PSUs, 1); sp.N < MinPerPSU*k {
		f.TooEarly, f.EarlyMore = true, MinPerPSU*k-sp.N
		return f, nil
	}
	for _, lk := range sp.Looks {
		if lk.N <= sp.N {
			continue
		}
		r := cl.ratio(float64(lk.N))
		if f.NeededIfUnchanged == Never && D >= lk.Critical*math.Sqrt(r) {
			f.NeededIfUnchanged = lk.N - sp.N
		}
		if f.Needed == Never && r < 1 && distuv.UnitNormal.CDF((D-lk.Critical*math.Sqrt(r))/math.Sqrt(1-r)) >= a {
			f.Needed = lk.N - sp.N
			f.TargetSE = sp.SE * math.Sqrt(r)
		}
	}
	// Beyond the target: the last boundary, counts in closed form.
	c := sp.Looks[len(sp.Looks)-1].Critical
	more := func(r float64) int {
		m := cl.total(r) - cl.n
		switch {
		case m <= 0:
			return 0
		case m >= Never || math.IsNaN(m):
			return Never
		}
		return int(math.Ceil(m - 1e-9))
	}
	if f.NeededIfUnchanged == Never && D > 0 {
		f.NeededIfUnchanged = more((D / c) * (D / c))
	}
	if f.Needed == Never && D > za {
		phi := math.Atan2(za, c) + math.Acos(D/math.Hypot(c, za))
		r := 1 - math.Sin(phi)*math.Sin(phi)
		if f.Needed = more(r); f.Needed != Never {
			f.TargetSE = sp.SE * math.Sqrt(r)
		}
	}
	f.Reachable = f.Needed <= sp.Remaining
	return f, nil
}

// StratumState is one stratum's share of an overall estimate.
type StratumState struct {
	// Name labels the stratum.
	Name string
	// WeightShare is the stratum's share of the total weight, W_h.
	WeightShare float64
	// Var is the variance of the stratum's own estimate (design-based,
	// so its design effect is in it).
	Var float64
	// N is the stratum's accepted interviews.
	N int
	// PSUs is the stratum's PSUs with interviews.
	PSUs int
}

// StratumNeed is the further interviews one stratum should get.
type StratumNeed struct {
	// Name labels the stratum.
	Name string
	// More is the further accepted interviews to make there.
	More int
}

// AllocationPlan is the cheapest split of further interviews across strata.
type AllocationPlan struct {
	// Total is the sum of Strata[].More.
	Total int
	// Budget reports that the forecast's count is out of reach of the
	// remaining interviews: the plan spends those for the most precise
	// estimate instead.
	Budget bool
	// Strata gets one entry per stratum, in the order given.
	Strata []StratumNeed
}

// AllocateNeeded splits the interviews the overall estimate's forecast f
// needs across strata so that their total is smallest. The overall
// variance is taken as sum_h W_h^2·Var_h(N_h), rescaled to equal the
// estimate's variance now, each stratum's variance falling as f's
// clustering model says: Var_h(N_h) = C_h + A_h/N_h, C_h the part more
// interviews in the same communities cannot remove. The smallest total
// under sum_h (C_h + A_h/N_h) <= f.TargetSE^2 is Neyman's allocation N_h ∝
// sqrt(A_h) (Cochran 1977, section 5.9, with the observed stratum
// variances, design effects included, for S_h^2; Kish 1965, section 8.5),
// strata whose optimum is below their current size held at it and the rest
// re-allocated. Strata without variance get nothing. overall is the spec f
// came from. A forecast that needs nothing allocates nothing; one beyond
// the remaining interviews (or never) gets them spent where they help most
// (Budget).
func AllocateNeeded(overall ForecastSpec, f Forecast, strata []StratumState) (AllocationPlan, error) {
	out := AllocationPlan{Strata: make([]StratumNeed, len(strata))}
	for i, st := range strata {
		out.Strata[i].Name = st.Name
		if !(st.WeightShare >= 0) || !(st.Var >= 0) || st.N < 0 || st.PSUs < 0 || math.IsInf(st.Var, 0) {
			return AllocationPlan{}, fmt.Errorf("%w: stratum %q: share %v, variance %v, %d interviews", ErrInvalid, st.Name, st.WeightShare, st.Var, st.N)
		}
	}
	budget := f.Needed == Never || f.Needed > f.Remaining
	if f.Needed == 0 || budget && f.Remaining == 0 || !budget && !(f.TargetSE > 0) {
		return out, nil
	}
	vNow := overall.SE * overall.SE
	vTarget := f.TargetSE * f.TargetSE
	A := make([]float64, len(strata))
	C := make([]float64, len(strata))
	var sumNow float64
	for i, st := range strata {
		if st.N == 0 {
			continue
		}
		n, k := float64(st.N), float64(max(st.PSUs, 1))
		b := 1 + (n/k-1)*f.Roh
		v := st.WeightShare * st.WeightShare * st.Var
		A[i] = v * n * (1 - f.Roh) / b
		C[i] = v * n * f.Roh / (k * b)
		sumNow += v
	}
	if !(sumNow > 0) {
		return out, nil
	}
	var floor float64
	for i := range A {
		A[i] *= vNow / sumNow
		C[i] *= vNow / sumNow
		floor += C[i]
	}
	held := make([]bool, len(strata))
	for i, st := range strata {
		held[i] = A[i] == 0 || st.N == 0
	}
	if budget {
		return spendRemaining(out, strata, A, held, f.Remaining), nil
	}
	Nh := make([]float64, len(strata))
	for first := true; ; first = false {
		var root, fixed float64
		for i, st := range strata {
			if held[i] {
				if st.N > 0 {
					fixed += A[i] / float64(st.N)
				}
			} else {
				root += math.Sqrt(A[i])
			}
		}
		rest := vTarget - floor - fixed
		if first && !(rest > 0) {
			// The strata's model cannot reach what the overall one did
			// (they differ by the rescaling): spread f.Needed as now.
			shares := make([]float64, len(strata))
			for i, st := range strata {
				shares[i] = float64(st.N)
			}
			for i, m := range SplitLargestRemainder(f.Needed, shares) {
				out.Strata[i].More = m
			}
			out.Total = f.Needed
			return out, nil
		}
		if !(rest > 0) || root == 0 {
			break
		}
		again := false
		for i, st := range strata {
			if held[i] {
				continue
			}
			Nh[i] = math.Sqrt(A[i]) * root / rest
			if Nh[i] < float64(st.N) {
				held[i], again = true, true
			}
		}
		if !again {
			break
		}
	}
	for i, st := range strata {
		if !held[i] && Nh[i] > 0 {
			out.Strata[i].More = max(0, int(math.Ceil(Nh[i]-float64(st.N)-1e-9)))
			out.Total += out.Strata[i].More
		}
	}
	return out, nil
}

// spendRemaining is AllocateNeeded's answer when the forecast cannot be
// reached within the remaining interviews: Neyman's allocation of exactly
// those, which makes the overall estimate as precise as they can (the same
// N_h ∝ sqrt(A_h), for a fixed total), strata above their share held at
// their size.
func spendRemaining(out AllocationPlan, strata []StratumState, A []float64, held []bool, remaining int) AllocationPlan {
	Nh := make([]float64, len(strata))
	for {
		var root float64
		total := float64(remaining)
		for i, st := range strata {
			if !held[i] {
				root += math.Sqrt(A[i])
				total += float64(st.N)
			}
		}
		if root == 0 {
			return out
		}
		again := false
		for i, st := range strata {
			if held[i] {
				continue
			}
			Nh[i] = math.Sqrt(A[i]) * total / root
			if Nh[i] < float64(st.N) {
				held[i], again = true, true
			}
		}
		if !again {
			break
		}
	}
	extra := make([]float64, len(strata))
	for i, st := range strata {
		if !held[i] {
			extra[i] = math.Max(0, Nh[i]-float64(st.N))
		}
	}
	out.Budget = true
	for i, m := range SplitLargestRemainder(remaining, extra) {
		out.Strata[i].More = m
		out.Total += m
	}
	return out
}

// SplitLargestRemainder splits total into integer parts proportional to
// shares (all >= 0; all zero splits evenly), the parts adding up to total.
func SplitLargestRemainder(total int, shares []float64) []int {
	out := make([]int, len(shares))
	if len(shares) == 0 || total <= 0 {
		return out
	}
	var sum float64
	for _, s := range shares {
		sum += s
	}
	type rem struct {
		i int
		r float64
	}
	rems := make([]rem, len(shares))
	given := 0
	for i, s := range shares {
		exact := float64(total) / float64(len(shares))
		if sum > 0 {
			exact = float64(total) * s / sum
		}
		out[i] = int(math.Floor(exact))
		given += out[i]
		rems[i] = rem{i, exact - float64(out[i])}
	}
	sort.SliceStable(rems, func(a, b int) bool { return rems[a].r > rems[b].r })
	for j := 0; given < total; j++ {
		out[rems[j%len(rems)].i]++
		given++
	}
	return out
}

// StratumStates returns what AllocateNeeded needs for the overall estimate
// of variable, one entry per stratum in the order Strata gives: the
// stratum's share of the weight, the linearised variance of its own
// weighted mean (its PSU totals within it, as svyby by stratum computes
// it, without the calibration's projection) and its rows. A stratum with a
// single PSU has no variance there.
func (s *Survey) StratumStates(variable string) ([]StratumState, error) {
	k, err := s.variable(variable)
	if err != nil {
		return nil, err
	}
	nh := len(s.strata)
	w, wy := make([]float64, nh), make([]float64, nh)
	cnt := make([]int, nh)
	var total float64
	for c, p := range s.cellPSU {
		h := s.psuStratum[p]
		base := c * s.stride
		cnt[h] += int(s.sums[base])
		w[h] += s.sums[base+1]
		wy[h] += s.sums[base+2+k]
		total += s.sums[base+1]
	}
	z := make([]float64, len(s.psuStratum))
	for c, p := range s.cellPSU {
		h := s.psuStratum[p]
		base := c * s.stride
		z[p] += (s.sums[base+2+k] - wy[h]/w[h]*s.sums[base+1]) / w[h]
	}
	out := make([]StratumState, nh)
	for h := range s.strata {
		st := &s.strata[h]
		out[h] = StratumState{Name: st.name, WeightShare: w[h] / total, N: cnt[h], PSUs: len(st.psus)}
		n := float64(len(st.psus))
		if len(st.psus) < 2 {
			continue
		}
		f := 1.0
		if !math.IsInf(st.popsize, 1) {
			f = (st.popsize - n) / st.popsize
		}
		var mean, ss float64
		for _, p := range st.psus {
			mean += z[p]
		}
		mean /= n
		for _, p := range st.psus {
			ss += (z[p] - mean) * (z[p] - mean)
		}
		out[h].Var = math.Max(0, f) * n / (n - 1) * ss
	}
	return out, nil
}

// Strata returns the stratum labels in the order StratumStates uses.
func (s *Survey) Strata() []string {
	out := make([]string, len(s.strata))
	for h := range s.strata {
		out[h] = s.strata[h].name
	}
	return out
}
