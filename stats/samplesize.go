package stats

import (
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/stat/distuv"
)

// Allocation is how a planned sample is split across strata.
type Allocation int

const (
	// Proportional gives each stratum a share proportional to its
	// population.
	Proportional Allocation = iota
	// Neyman gives each stratum a share proportional to its population
	// times sqrt(p_h(1-p_h)), p_h its expected rate.
	Neyman
)

// PlanStratum is one stratum of a sample-size plan.
type PlanStratum struct {
	// Name labels the stratum.
	Name string
	// Population is the stratum's population size, > 0.
	Population float64
	// ExpectedRate is the stratum's expected rate for Neyman allocation;
	// 0 means the plan's ExpectedRate.
	ExpectedRate float64
}

// PlanSpec asks how many interviews a round needs. Give HalfWidth for a
// precision target, or Threshold and Power for a power target.
type PlanSpec struct {
	// ExpectedRate is the rate expected (for example last round's), in
	// (0, 1).
	ExpectedRate float64
	// Deff is the design effect expected, usually from a previous round;
	// 0 means 1.
	Deff float64
	// Level is the confidence level of the interval; 0 means 0.95.
	Level float64
	// HalfWidth is the wanted half-width of the interval, in (0, 1).
	HalfWidth float64
	// Threshold is the rate to be shown exceeded (power target): the
	// plan makes the interval's lower end reach it with probability Power
	// when the true rate is ExpectedRate.
	Threshold float64
	// Power is the wanted probability of a "meets" verdict, in (0, 1).
	Power float64
	// Population is the population size for the finite population
	// correction; 0 means the sum of the strata's populations, or no
	// correction without strata.
	Population float64
	// Strata to allocate to; none means a total only.
	Strata []PlanStratum
	// Allocation is the allocation rule.
	Allocation Allocation
	// MinPerStratum is the least any stratum gets (2 keeps variances
	// estimable); strata are raised to it after allocation.
	MinPerStratum int
}

// StratumPlan is one stratum's planned interviews.
type StratumPlan struct {
	// Name labels the stratum.
	Name string
	// N is the planned number of interviews.
	N int
}

// Plan is the planner's answer.
type Plan struct {
	// N0 is the simple-random-sample size before the design effect and
	// the finite population correction.
	N0 float64
	// Total is the interviews needed, rounded up (and after raising
	// strata to MinPerStratum).
	Total int
	// Strata is the allocation, in the order given.
	Strata []StratumPlan
}

// PlanSampleSize computes the interviews a round needs. Precision target:
// n0 = z^2 p(1-p) / e^2 with z the normal quantile for Level. Power target:
// n0 = (z + z_power)^2 p(1-p) / (p - t)^2, the size at which the interval's
// lower end clears t with probability Power. Then n = n0 * deff, with the
// finite population correction n / (1 + (n-1)/N) when N is known.
func PlanSampleSize(spec PlanSpec) (Plan, error) {
	p := spec.ExpectedRate
	if !(p > 0 && p < 1) {
		return Plan{}, fmt.Errorf("%w: expected rate %v must be in (0, 1)", ErrInvalid, p)
	}
	deff := spec.Deff
	if deff == 0 {
		deff = 1
	}
	if !(deff > 0) || math.IsInf(deff, 0) {
		return Plan{}, fmt.Errorf("%w: design effect %v", ErrInvalid, spec.Deff)
	}
	level := spec.Level
	if level == 0 {
		level = 0.95
	}
	if !(level > 0 && level < 1) {
		return Plan{}, fmt.Errorf("%w: level %v must be in (0, 1)", ErrInvalid, spec.Level)
	}
	z := distuv.UnitNormal.Quantile(1 - (1-level)/2)
	var n0 float64
	switch {
	case spec.HalfWidth != 0:
		if !(spec.HalfWidth > 0 && spec.HalfWidth < 1) {
			return Plan{}, fmt.Errorf("%w: half-width %v must be in (0, 1)", ErrInvalid, spec.HalfWidth)
		}
		n0 = z * z * p * (1 - p) / (spec.HalfWidth * spec.HalfWidth)
	case spec.Power != 0:
		if !(spec.Power > 0 && spec.Power < 1) {
			return Plan{}, fmt.Errorf("%w: power %v must be in (0, 1)", ErrInvalid, spec.Power)
		}
		if !(p > spec.Threshold) {
			return Plan{}, fmt.Errorf("%w: expected rate %v must exceed the threshold %v for a power target", ErrInvalid, p, spec.Threshold)
		}
		zp := distuv.UnitNormal.Quantile(spec.Power)
		d := p - spec.Threshold
		n0 = (z + zp) * (z + zp) * p * (1 - p) / (d * d)
	default:
		return Plan{}, fmt.Errorf("%w: give a half-width or a power target", ErrInvalid)
	}
	popN := spec.Population
	for _, st := range spec.Strata {
		if !(st.Population > 0) || math.IsInf(st.Population, 0) {
			return Plan{}, fmt.Errorf("%w: stratum %q population %v", ErrInvalid, st.Name, st.Population)
		}
		if st.ExpectedRate != 0 && !(st.ExpectedRate > 0 && st.ExpectedRate < 1) {
			return Plan{}, fmt.Errorf("%w: stratum %q expected rate %v", ErrInvalid, st.Name, st.ExpectedRate)
		}
	}
	if popN == 0 {
		for _, st := range spec.Strata {
			popN += st.Population
		}
	}
	if popN < 0 || math.IsNaN(popN) {
		return Plan{}, fmt.Errorf("%w: population %v", ErrInvalid, spec.Population)
	}
	n := n0 * deff
	if popN > 0 {
		n = n / (1 + (n-1)/popN)
	}
	plan := Plan{N0: n0, Total: int(math.Ceil(n - 1e-9))}
	if len(spec.Strata) == 0 {
		return plan, nil
	}
	if spec.MinPerStratum < 0 {
		return Plan{}, fmt.Errorf("%w: minimum per stratum %d", ErrInvalid, spec.MinPerStratum)
	}
	share := make([]float64, len(spec.Strata))
	var sum float64
	for i, st := range spec.Strata {
		share[i] = st.Population
		if spec.Allocation == Neyman {
			ph := st.ExpectedRate
			if ph == 0 {
				ph = p
			}
			share[i] *= math.Sqrt(ph * (1 - ph))
		}
		sum += share[i]
	}
	// Largest remainder, so the strata add up to the total.
	type rem struct {
		i int
		r float64
	}
	rems := make([]rem, len(share))
	given := 0
	plan.Strata = make([]StratumPlan, len(share))
	for i, sh := range share {
		exact := float64(plan.Total) * sh / sum
		k := int(math.Floor(exact))
		plan.Strata[i] = StratumPlan{Name: spec.Strata[i].Name, N: k}
		given += k
		rems[i] = rem{i, exact - float64(k)}
	}
	sort.SliceStable(rems, func(a, b int) bool { return rems[a].r > rems[b].r })
	for j := 0; given < plan.Total; j++ {
		plan.Strata[rems[j%len(rems)].i].N++
		given++
	}
	total := 0
	for i := range plan.Strata {
		if plan.Strata[i].N < spec.MinPerStratum {
			plan.Strata[i].N = spec.MinPerStratum
		}
		total += plan.Strata[i].N
	}
	plan.Total = total
	return plan, nil
}
