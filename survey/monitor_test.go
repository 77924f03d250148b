package survey_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"cleancity/portal/areas"
	"cleancity/stats"
	"cleancity/survey"
)

// demoGeo is the demo city as the survey sees it.
type demoGeo struct{ list []survey.Community }

func newDemoGeo() demoGeo {
	var g demoGeo
	for _, a := range areas.DemoAreas() {
		if a.Level == areas.Community {
			g.list = append(g.list, survey.Community{ID: a.ID, StreetID: a.ParentID,
				DistrictID: a.ParentID[:strings.IndexByte(a.ParentID, '-')], Residents: a.Residents})
		}
	}
	return g
}

func (g demoGeo) Communities() []survey.Community           { return g.list }
func (g demoGeo) AreaName(id string) (string, string, bool) { return id, id, true }
func (g demoGeo) Contains(string, float64, float64) bool    { return true }

// simCity gives every community of the demo city a true satisfaction rate:
// logit-normal around a centre chosen so the resident-weighted city rate
// is exactly rate (a community effect of sd 0.5 on the logit scale, which
// gives design effects of about 2.5 at 67 interviews a community).
type simCity struct {
	geo  demoGeo
	rate map[string]float64
}

func newSimCity(rate float64, seed uint64) simCity {
	g := newDemoGeo()
	r := rand.New(rand.NewPCG(seed, 1))
	eff := map[string]float64{}
	for _, c := range g.list {
		eff[c.ID] = 0.5 * r.NormFloat64()
	}
	at := func(mu float64) (map[string]float64, float64) {
		m := map[string]float64{}
		var num, den float64
		for _, c := range g.list {
			p := 1 / (1 + math.Exp(-(mu + eff[c.ID])))
			m[c.ID] = p
			num += float64(c.Residents) * p
			den += float64(c.Residents)
		}
		return m, num / den
	}
	lo, hi := -5.0, 10.0
	for range 200 {
		mid := (lo + hi) / 2
		if _, v := at(mid); v < rate {
			lo = mid
		} else {
			hi = mid
		}
	}
	m, v := at((lo + hi) / 2)
	if math.Abs(v-rate) > 1e-12 {
		panic("simCity: centre not found")
	}
	return simCity{geo: g, rate: m}
}

// simRound is one synthetic open round with the demo city's design (6 of
// the 15 communities of each district, 67 interviews each): the interviews
// in the order they are accepted, interleaved at random across units.
type simRound struct {
	round    survey.Round
	unit     []int // per arrival: index into round.Plan.Units
	sat, awa []bool
}

func (c simCity) draw(tb testing.TB, seed uint64) simRound {
	tb.Helper()
	plan, err := survey.BuildPlan(c.geo, survey.PlanSpec{StratumLevel: survey.ByDistrict, UnitsPerStratum: 6, TargetPerUnit: 67, Seed: seed})
	if err != nil {
		tb.Fatal(err)
	}
	r := rand.New(rand.NewPCG(seed, 2))
	sr := simRound{round: survey.Round{ID: "sim", Status: survey.Open, Threshold: 0.90, Plan: plan}}
	for i, u := range plan.Units {
		for range u.Target {
			sr.unit = append(sr.unit, i)
		}
	}
	r.Shuffle(len(sr.unit), func(i, j int) { sr.unit[i], sr.unit[j] = sr.unit[j], sr.unit[i] })
	for _, i := range sr.unit {
		p := c.rate[plan.Units[i].ID]
		sr.sat = append(sr.sat, r.Float64() < p)
		sr.awa = append(sr.awa, r.Float64() < p)
	}
	return sr
}

// groups returns the first n arrivals as the store would group them.
func (sr simRound) groups(n int) []survey.RowGroup {
	type key struct {
		unit     int
		sat, awa bool
	}
	count := map[key]int{}
	for k := range n {
		count[key{sr.unit[k], sr.sat[k], sr.awa[k]}]++
	}
	var out []survey.RowGroup
	b := map[bool]int{true: 1}
	for k, cnt := range count {
		u := sr.round.Plan.Units[k.unit]
		out = append(out, survey.RowGroup{Unit: u.ID, Stratum: u.Stratum, District: u.District,
			Satisfied: b[k.sat], Aware: b[k.awa], Correct: b[k.awa], Answered: 1, N: cnt})
	}
	return out
}

// results of the first n arrivals, the round open or closed.
func (sr simRound) results(tb testing.TB, n int, status survey.Status) survey.Estimate {
	tb.Helper()
	r := sr.round
	r.Status = status
	res, err := survey.ResultsOf(&r, "", sr.groups(n))
	if err != nil {
		tb.Fatalf("%d interviews: %v", n, err)
	}
	return res.Overall[0]
}

func simRounds(t *testing.T) int {
	if testing.Short() {
		return 300
	}
	return 1500
}

// TestInterimVerdictKeepsItsErrorRate: with the true city rate exactly at
// the threshold, the share of rounds ever called "meets" stays within the
// nominal 2.5% (one side of a 95% interval) with the group-sequential
// boundary, whether the round is looked at after every tenth of the target
// or after every fiftieth (an official checking daily), and exceeds it when
// every look uses the fixed interval.
func TestInterimVerdictKeepsItsErrorRate(t *testing.T) {
	t.Parallel()
	city := newSimCity(0.90, 7)
	rounds := simRounds(t)
	const nominal = 0.025
	for _, looks := range []int{survey.InterimLooks, 50} {
		rounds := rounds
		if looks > survey.InterimLooks {
			rounds /= 3 // daily looks cost five times as many results
		}
		mcse := math.Sqrt(nominal * (1 - nominal) / float64(rounds))
		everMeets, everFixed, closedMeets := 0, 0, 0
		for i := range rounds {
			sr := city.draw(t, uint64(1000+i))
			target := len(sr.unit)
			seq, fixed := false, false
			for k := 1; k <= looks; k++ {
				e := sr.results(t, (k*target+looks-1)/looks, survey.Open)
				if !e.Monitored {
					continue
				}
				seq = seq || e.Verdict == stats.Meets
				fixed = fixed || e.HasCI && e.CILow >= 0.90
			}
			if seq {
				everMeets++
			}
			if fixed {
				everFixed++
			}
			if seq || sr.results(t, target, survey.Closed).Verdict == stats.Meets {
				closedMeets++
			}
		}
		seqRate, fixedRate := float64(everMeets)/float64(rounds), float64(everFixed)/float64(rounds)
		t.Logf("%d rounds, true rate 0.90, %d looks: ever \"meets\" %.4f with the boundary, %.4f with the fixed interval at every look; %.4f counting the closed round's fixed verdict too (Monte Carlo se %.4f)",
			rounds, looks, seqRate, fixedRate, float64(closedMeets)/float64(rounds), mcse)
		if seqRate > nominal+2*mcse {
			t.Errorf("%d looks: with the boundary %.4f of rounds were ever called meets, above the nominal %.3f", looks, seqRate, nominal)
		}
		if fixedRate < nominal+3*mcse {
			t.Errorf("%d looks: without the boundary only %.4f were ever called meets: the test cannot tell the boundary's effect", looks, fixedRate)
		}
	}
}

// TestForecastNeededIsDecisive: with the true rate at 0.93, an official who
// looks after every tenth of the target and, at the first look whose
// forecast is reachable, collects the forecast's Needed further interviews
// gets a decisive verdict there (the interim one, or the closed round's
// when that is the target) in at least the forecast's assurance (80%) of
// those rounds.
func TestForecastNeededIsDecisive(t *testing.T) {
	t.Parallel()
	city := newSimCity(0.93, 8)
	rounds := simRounds(t)
	followed, decisive, never, already, early := 0, 0, 0, 0, 0
	assurance := 0.0
	for i := range rounds {
		sr := city.draw(t, uint64(5000+i))
		target := len(sr.unit)
		done := false
		for k := 1; k < survey.InterimLooks && !done; k++ {
			n := (k*target + survey.InterimLooks - 1) / survey.InterimLooks
			e := sr.results(t, n, survey.Open)
			switch {
			case !e.Monitored:
				t.Fatalf("round %d: no forecast at %d interviews", i, n)
			case e.Verdict != stats.Inconclusive:
				already++
				done = true
			case e.Forecast.TooEarly:
				early++
			case e.Forecast.Reachable:
				assurance = e.Forecast.Assurance
				followed++
				// At the target the round closes: the fixed verdict.
				status := survey.Open
				if n+e.Forecast.Needed >= target {
					status = survey.Closed
				}
				if sr.results(t, n+e.Forecast.Needed, status).Verdict == stats.Meets {
					decisive++
				}
				done = true
			}
		}
		if !done {
			never++
		}
	}
	share := float64(decisive) / float64(followed)
	t.Logf("%d rounds, true rate 0.93: %d followed the first reachable forecast, %.4f of those meet at close (assurance %.2f); %d decisive before any forecast was reachable, %d never reachable within the target; %d looks too early to forecast",
		rounds, followed, share, assurance, already, never, early)
	if followed < 40 {
		t.Fatalf("only %d of %d rounds followed a forecast", followed, rounds)
	}
	if share < assurance {
		t.Errorf("following the forecast gave a decisive verdict in %.4f of rounds, below the promised %.2f", share, assurance)
	}
}
