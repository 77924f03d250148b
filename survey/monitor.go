package survey

import (
	"errors"
	"fmt"
	"sort"
	"sync"

	"cleancity/stats"
)

// InterimLooks is the number of planned looks of an open round: one after
// every tenth of its target of accepted interviews.
const InterimLooks = stats.DefaultLooks

// interimPlan is the group-sequential plan every open round is judged by.
var interimPlan = sync.OnceValue(func() *stats.Sequential {
	s, err := stats.NewSequential(InterimLooks, ciLevel)
	if err != nil {
		panic(err) // constant arguments
	}
	return s
})

// InterimPlan returns the group-sequential plan of open rounds.
func InterimPlan() *stats.Sequential { return interimPlan() }

// monitor adds the interim verdicts, forecasts and allocation to the
// results of an open round.
type monitor struct {
	round    *Round
	accepted map[string]int
}

// domainMonitor judges one domain: its target and threshold.
type domainMonitor struct {
	target    int
	threshold float64
}

// domain returns the monitor of the domain (by, level); by "" is the whole
// round. A nil monitor (closed round) gives nil.
func (m *monitor) domain(by, level string, threshold float64) *domainMonitor {
	if m == nil {
		return nil
	}
	dm := &domainMonitor{threshold: threshold, target: m.round.Plan.TargetTotal()}
	if by != "" {
		dm.target = 0
		for _, lt := range m.round.domainTargets(by) {
			if lt.level == level {
				dm.target = lt.target
			}
		}
	}
	return dm
}

// judge replaces the fixed verdict of est by the group-sequential one at
// the domain's information fraction (accepted over target) and adds the
// forecast. scale and qdf are the interval's: logit and the design's df for
// proportions, the rate itself and z (df 0) for the ratio.
func (dm *domainMonitor) judge(est *Estimate, scale stats.CIMethod, qdf int) error {
	if dm == nil || !est.HasCI {
		return nil
	}
	in, f, _, err := interimPlan().Monitor(monitorSpec(est, scale, qdf, dm.target, dm.threshold))
	if errors.Is(err, stats.ErrUndefined) {
		// No spread to judge by (a zero standard error): nothing can be
		// claimed while the round is open.
		est.Verdict = stats.Inconclusive
		return nil
	}
	if err != nil {
		return fmt.Errorf("results: interim verdict: %w", err)
	}
	est.Interim, est.Verdict = in, in.Verdict
	est.Forecast, est.Monitored = f, true
	return nil
}

// monitorSpec is the monitor's view of an estimate.
func monitorSpec(est *Estimate, scale stats.CIMethod, qdf, target int, threshold float64) stats.MonitorSpec {
	sp := stats.MonitorSpec{Scale: scale, Value: est.Value, SE: est.SE, N: est.N, PSUs: est.PSUs, DF: est.DF,
		QuantileDF: qdf, Target: target, Threshold: threshold, MinRoh: stats.DefaultMinRoh}
	if est.DeffValid {
		sp.Deff = est.Deff
	}
	return sp
}

// Allocation is where the interviews the city-wide verdict of one
// indicator needs are cheapest: Neyman's allocation over the strata with
// their observed variances, then each stratum's share over its units.
type Allocation struct {
	// Indicator is satisfaction or awareness.
	Indicator string
	// Needed is the allocation's total of further accepted interviews.
	Needed int
	// NeededAsNow is the forecast's count with interviews spread as so
	// far (Estimate.Forecast.Needed; stats.Never when none reaches it).
	NeededAsNow int
	// Budget reports that no count within Remaining reaches the
	// forecast's assurance: the plan spends the remaining interviews
	// where they make the city-wide rate most precise.
	Budget bool
	// Remaining is what the round's target still allows.
	Remaining int
	// Reachable reports Needed <= Remaining.
	Reachable bool
	// Strata has one entry per stratum of the plan.
	Strata []StratumNeed
	// Units lists the units to send volunteers to, most needed first.
	Units []UnitNeed
}

// StratumNeed is one stratum's further interviews.
type StratumNeed struct {
	Stratum string
	More    int
	// NoData marks a stratum without an accepted interview yet: the
	// city-wide rate leaves it out until it has some, so its whole
	// remaining target is asked for.
	NoData bool
}

// UnitNeed is one unit's further interviews.
type UnitNeed struct {
	Unit, Stratum string
	More          int
}

var allocated = []struct{ name, col string }{{IndSatisfaction, ColSatisfied}, {IndAwareness, ColAware}}

// allocate plans the further interviews of every proportion indicator whose
// city-wide interim verdict is not decisive: the fewest that make it so,
// or, out of reach, the best use of the remaining ones.
func (m *monitor) allocate(sv *stats.Survey, overall []Estimate) ([]Allocation, error) {
	var out []Allocation
	for _, ind := range allocated {
		var e *Estimate
		for i := range overall {
			if overall[i].Indicator == ind.name {
				e = &overall[i]
			}
		}
		if e == nil || !e.Monitored || e.Verdict != stats.Inconclusive || e.Forecast.Needed == 0 || e.Forecast.TooEarly {
			continue
		}
		states, err := sv.StratumStates(ind.col)
		if err != nil {
			return nil, fmt.Errorf("results: allocation: %w", err)
		}
		_, _, spec, err := interimPlan().Monitor(monitorSpec(e, stats.CILogit, e.DF, m.round.Plan.TargetTotal(), m.round.Threshold))
		if err != nil {
			return nil, fmt.Errorf("results: allocation: %w", err)
		}
		plan, err := stats.AllocateNeeded(spec, e.Forecast, states)
		if err != nil {
			return nil, fmt.Errorf("results: allocation: %w", err)
		}
		more := map[string]int{}
		for _, st := range plan.Strata {
			more[st.Name] = st.More
		}
		a := Allocation{Indicator: ind.name, NeededAsNow: e.Forecast.Needed, Remaining: e.Forecast.Remaining, Budget: plan.Budget}
		for _, st := range m.round.Plan.Strata {
			need := StratumNeed{Stratum: st.ID, More: more[st.ID]}
			if _, ok := more[st.ID]; !ok {
				need.NoData = true
				for _, u := range m.round.Plan.Units {
					if u.Stratum == st.ID {
						need.More += max(0, u.Target-m.accepted[u.ID])
					}
				}
			}
			a.Needed += need.More
			a.Strata = append(a.Strata, need)
			a.Units = append(a.Units, m.splitUnits(st.ID, need.More)...)
		}
		a.Reachable = !a.Budget && a.Needed <= a.Remaining
		sortUnitNeeds(a.Units)
		out = append(out, a)
	}
	return out, nil
}

// splitUnits spreads a stratum's further interviews over its units in
// proportion to what each still lacks of its target (evenly once all are
// met), so the plan's within-stratum balance is kept.
func (m *monitor) splitUnits(stratum string, more int) []UnitNeed {
	var units []Unit
	var shares []float64
	for _, u := range m.round.Plan.Units {
		if u.Stratum == stratum {
			units = append(units, u)
			shares = append(shares, float64(max(0, u.Target-m.accepted[u.ID])))
		}
	}
	var out []UnitNeed
	for i, k := range stats.SplitLargestRemainder(more, shares) {
		if k > 0 {
			out = append(out, UnitNeed{Unit: units[i].ID, Stratum: stratum, More: k})
		}
	}
	return out
}

func sortUnitNeeds(list []UnitNeed) {
	sort.Slice(list, func(i, j int) bool {
		if list[i].More != list[j].More {
			return list[i].More > list[j].More
		}
		return list[i].Unit < list[j].Unit
	})
}
