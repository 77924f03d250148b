// Package surveysim makes realistic synthetic interviews for the default
// questionnaire: for the demo data, the end-to-end tests and the
// benchmarks. Everything is drawn from a seeded generator, so the same seed
// gives the same interviews.
package surveysim

import (
	"fmt"
	"math/rand/v2"
	"time"

	"cleancity/survey"
)

// Profile is the population an interview is drawn from.
type Profile struct {
	// Satisfied is the probability of answering "satisfied" or "very
	// satisfied" to the overall item.
	Satisfied float64
	// Knowledge is the probability of answering a quiz item right.
	Knowledge float64
	// District is the respondent's district of residence (an option value).
	District string
}

// Generator draws interviews.
type Generator struct {
	rng *rand.Rand
	n   uint64
	ns  uint64
}

// New returns a generator for the seed.
func New(seed uint64) *Generator {
	return &Generator{rng: rand.New(rand.NewPCG(seed, 0xc1ea)), ns: seed}
}

// Float returns a uniform number in [0, 1) from the generator's stream.
func (g *Generator) Float() float64 { return g.rng.Float64() }

// IntN returns a uniform integer in [0, n).
func (g *Generator) IntN(n int) int { return g.rng.IntN(n) }

// UUID returns a version-4-shaped UUID from the generator's stream, unique
// for the generator's seed.
func (g *Generator) UUID() string {
	g.n++
	return fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", uint32(g.ns), uint16(g.ns>>32), g.rng.IntN(0x1000), g.rng.IntN(0x1000), g.n)
}

// Answers draws one respondent's answers to the default questionnaire.
// Door-to-door samples lean older and female, as real ones do, which is
// what calibration to the census corrects.
func (g *Generator) Answers(p Profile) map[string]any {
	r := g.rng
	age := pick(r, []string{"18-34", "35-59", "60+"}, []float64{0.22, 0.43, 0.35})
	sex := pick(r, []string{"M", "F"}, []float64{0.44, 0.56})
	a := map[string]any{
		"age_group": age, "sex": sex, "years_resident": float64(1 + r.IntN(40)), "district_res": p.District,
	}
	// Older respondents are a little more satisfied; the overall answer
	// drives the sub-items, with noise.
	ps := p.Satisfied
	if age == "60+" {
		ps = min(0.995, ps+0.03)
	} else if age == "18-34" {
		ps = max(0.01, ps-0.03)
	}
	var overall int
	if r.Float64() < ps {
		overall = 4 + r.IntN(2)
	} else {
		overall = 1 + r.IntN(3)
	}
	a["sat_overall"] = fmt.Sprint(overall)
	sub := func() string {
		v := overall + r.IntN(3) - 1
		return fmt.Sprint(min(5, max(1, v)))
	}
	a["sat_streets"], a["sat_alleys"], a["sat_garbage"], a["sat_pests"] = sub(), sub(), sub(), sub()
	// Back alleys are usually worse than main roads.
	if r.Float64() < 0.3 {
		a["sat_alleys"] = fmt.Sprint(max(1, overall-1))
	}
	market := r.Float64() < 0.7
	a["visits_market"] = market
	if market {
		a["sat_market"] = sub()
	}
	toilets := r.Float64() < 0.45
	a["uses_toilets"] = toilets
	if toilets {
		a["sat_toilets"] = sub()
	}
	know := p.Knowledge
	quiz := []struct {
		id    string
		right any
		wrong any
	}{
		{"q_handwash", "20s", "10s"}, {"q_handwash_when", true, false}, {"q_mosquito", "water", "window"},
		{"q_pests", true, false}, {"q_smoke_ban", true, false}, {"q_low_tar", false, true},
		{"q_food_sep", "separate", "dk"}, {"q_leftovers", false, true}, {"q_boil", true, false}, {"q_cough", true, false},
	}
	// Some respondents know much more than others.
	k := min(0.99, max(0.3, know+(r.Float64()-0.5)*0.2))
	for _, q := range quiz {
		if r.Float64() < k {
			a[q.id] = q.right
		} else {
			a[q.id] = q.wrong
		}
	}
	return a
}

func pick(r *rand.Rand, vals []string, probs []float64) string {
	u := r.Float64()
	for i, p := range probs {
		if u < p {
			return vals[i]
		}
		u -= p
	}
	return vals[len(vals)-1]
}

// Schedule spreads a volunteer's interviews over working days: 9:00 to
// 17:00 local (UTC+8), one every 12 to 20 minutes, each lasting 6 to 14
// minutes, starting on day.
type Schedule struct {
	g    *Generator
	next time.Time
}

// cst is China Standard Time.
var cst = time.FixedZone("CST", 8*3600)

// NewSchedule starts a schedule on the day.
func (g *Generator) NewSchedule(day time.Time) *Schedule {
	d := day.In(cst)
	return &Schedule{g: g, next: time.Date(d.Year(), d.Month(), d.Day(), 9, 0, 0, 0, cst)}
}

// Next returns the next interview's start and end.
func (s *Schedule) Next() (time.Time, time.Time) {
	start := s.next
	if start.Hour() >= 17 {
		d := start.AddDate(0, 0, 1)
		start = time.Date(d.Year(), d.Month(), d.Day(), 9, 0, 0, 0, cst)
	}
	end := start.Add(time.Duration(6+s.g.rng.IntN(9))*time.Minute + time.Duration(s.g.rng.IntN(60))*time.Second)
	s.next = start.Add(time.Duration(12+s.g.rng.IntN(9)) * time.Minute)
	return start.UTC(), end.UTC()
}

// Submission builds a submission with a GPS fix at the point.
func (g *Generator) Submission(unit string, start, end time.Time, lat, lon float64, p Profile) survey.Submission {
	return survey.Submission{ClientID: g.UUID(), Unit: unit, StartedAt: start, EndedAt: end,
		GPS: &survey.GPS{Lat: lat, Lon: lon, Accuracy: float64(5 + g.rng.IntN(20))}, Answers: g.Answers(p)}
}
