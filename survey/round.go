package survey

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"sort"
	"strconv"
	"time"

	"cleancity/portal/apperr"
)

// Status is a round's place in its life: planned, open (accepting
// responses), closed.
type Status string

// The round statuses.
const (
	Planned Status = "planned"
	Open    Status = "open"
	Closed  Status = "closed"
)

// StratumLevel is what the plan's strata are.
type StratumLevel string

// The stratum levels.
const (
	ByDistrict StratumLevel = "district"
	ByStreet   StratumLevel = "street"
)

// Calibration says how design weights are adjusted to the census.
type Calibration string

// The calibration modes.
const (
	CalibrateNone Calibration = ""
	// CalibratePostStratify post-stratifies to the age x sex cells.
	CalibratePostStratify Calibration = "poststratify"
	// CalibrateRake rakes to the age and sex margins.
	CalibrateRake Calibration = "rake"
)

// DefaultThreshold is the satisfaction rate the standard asks for.
const DefaultThreshold = 0.90

// Round is one survey round.
type Round struct {
	ID                   string
	Name, NameEN         string
	Status               Status
	QuestionnaireID      string
	QuestionnaireVersion int
	Threshold            float64
	StartsOn, EndsOn     time.Time
	Plan                 Plan
	// Census holds population counts per age group x sex for calibration.
	Census      []CensusCell
	Calibration Calibration
	Quality     QualityRules
	// PreviousRoundID names the round results are compared with.
	PreviousRoundID string
	CreatedBy       string
	CreatedAt       time.Time
	UpdatedAt       time.Time
	OpenedAt        time.Time
	ClosedAt        time.Time
	// Version increments on every update (optimistic concurrency).
	Version int64
}

// Plan is a round's sampling plan: strata, sampled communities (primary
// sampling units) with their resident counts and targets.
type Plan struct {
	StratumLevel StratumLevel
	Strata       []Stratum
	Units        []Unit
	// Seed of the random selection, when the plan was drawn by the portal.
	Seed uint64
	// Method is how the portal drew the units: "srs" (simple random sample
	// of communities), "pps" (probability proportional to residents,
	// systematic), or "" for a list chosen by hand.
	Method SampleMethod
}

// SampleMethod is how a plan's communities were drawn.
type SampleMethod string

// The sampling methods.
const (
	ChosenByHand SampleMethod = ""
	SampleSRS    SampleMethod = "srs"
	SamplePPS    SampleMethod = "pps"
)

// Stratum is one stratum of the plan.
type Stratum struct {
	ID, Name, NameEN string
	// Communities is the number of communities in the stratum (N_h).
	Communities int
}

// Unit is one sampled community.
type Unit struct {
	ID, Name, NameEN string
	Stratum          string
	Street           string
	District         string
	Residents        int
	Target           int
	// Inclusion is the unit's inclusion probability when the portal drew it
	// with probability proportional to size (0: the plan does not know it,
	// and the stratum is taken as a simple random sample of communities).
	Inclusion float64
}

// CensusCell is the population of one age group x sex cell.
type CensusCell struct {
	AgeGroup string
	Sex      string
	Count    float64
}

// QualityRules are the thresholds of the quality flags.
type QualityRules struct {
	// MinDuration: shorter interviews are flagged too_short.
	MinDuration time.Duration
	// MaxPerHour: a volunteer starting more interviews in any hour is
	// flagged too_many_per_hour.
	MaxPerHour int
	// MaxGPSAccuracy: a fix less accurate than this (metres) is not used
	// for the outside-unit check, since it cannot prove anything.
	MaxGPSAccuracy float64
}

// DefaultQuality are the quality rules of a new round.
var DefaultQuality = QualityRules{MinDuration: 3 * time.Minute, MaxPerHour: 6, MaxGPSAccuracy: 100}

// UnitOf returns the plan's unit with the id.
func (p *Plan) UnitOf(id string) (Unit, bool) {
	for _, u := range p.Units {
		if u.ID == id {
			return u, true
		}
	}
	return Unit{}, false
}

// StratumOf returns the plan's stratum with the id.
func (p *Plan) StratumOf(id string) (Stratum, bool) {
	for _, s := range p.Strata {
		if s.ID == id {
			return s, true
		}
	}
	return Stratum{}, false
}

// TargetTotal is the sum of the units' targets.
func (p *Plan) TargetTotal() int {
	n := 0
	for _, u := range p.Units {
		n += u.Target
	}
	return n
}

// Community is a community of the city as the plan needs it.
type Community struct {
	ID, Name, NameEN string
	StreetID         string
	DistrictID       string
	Residents        int
}

// Geography is what the survey needs from the city's areas; portal adapts
// its areas service to it.
type Geography interface {
	// Communities lists every community, sorted by id.
	Communities() []Community
	// AreaName returns an area's names.
	AreaName(id string) (zh, en string, ok bool)
	// Contains reports whether the point lies in the community's polygon.
	Contains(communityID string, lat, lon float64) bool
}

// PlanSpec asks for a plan: either drawn by the portal (UnitsPerStratum
// communities in each stratum, by simple random sampling or, with Method
// SamplePPS, with probability proportional to residents) or imported
// (Units listed).
type PlanSpec struct {
	StratumLevel    StratumLevel
	UnitsPerStratum int
	TargetPerUnit   int
	Seed            uint64
	Method          SampleMethod
	// Units, when given, is the imported list of sampled communities with
	// their targets (0 means TargetPerUnit).
	Units []UnitSpec
}

// UnitSpec is one imported unit.
type UnitSpec struct {
	ID     string
	Target int
}

// BuildPlan draws or imports a plan over the geography. Problems are
// Invalid errors naming the field.
func BuildPlan(geo Geography, spec PlanSpec) (Plan, error) {
	if spec.StratumLevel != ByDistrict && spec.StratumLevel != ByStreet {
		return Plan{}, apperr.Field("stratum_level", "must be district or street")
	}
	if spec.TargetPerUnit < 0 || spec.TargetPerUnit > 10000 {
		return Plan{}, apperr.Field("target_per_unit", "must be between 1 and 10000")
	}
	stratumOf := func(c Community) string {
		if spec.StratumLevel == ByStreet {
			return c.StreetID
		}
		return c.DistrictID
	}
	all := geo.Communities()
	byStratum := map[string][]Community{}
	byID := map[string]Community{}
	for _, c := range all {
		byStratum[stratumOf(c)] = append(byStratum[stratumOf(c)], c)
		byID[c.ID] = c
	}
	plan := Plan{StratumLevel: spec.StratumLevel, Seed: spec.Seed}
	var chosen []Community
	targets := map[string]int{}
	inclusion := map[string]float64{}
	if spec.Method != ChosenByHand && spec.Method != SampleSRS && spec.Method != SamplePPS {
		return Plan{}, apperr.Field("method", "must be srs or pps")
	}
	if len(spec.Units) > 0 && spec.Method != ChosenByHand {
		return Plan{}, apperr.Field("units", "a drawn plan lists no units")
	}
	if len(spec.Units) > 0 {
		seen := map[string]bool{}
		for i, u := range spec.Units {
			c, ok := byID[u.ID]
			if !ok {
				return Plan{}, apperr.Field("units."+strconv.Itoa(i)+".id", "no such community "+u.ID)
			}
			if seen[u.ID] {
				return Plan{}, apperr.Field("units."+strconv.Itoa(i)+".id", "listed twice")
			}
			if u.Target < 0 || u.Target > 10000 {
				return Plan{}, apperr.Field("units."+strconv.Itoa(i)+".target", "must be between 1 and 10000")
			}
			seen[u.ID] = true
			chosen = append(chosen, c)
			targets[c.ID] = u.Target
		}
	} else {
		if spec.UnitsPerStratum < 1 {
			return Plan{}, apperr.Field("units_per_stratum", "must be at least 1 (2 or more for a variance)")
		}
		rng := rand.New(rand.NewPCG(spec.Seed, 0x5eed))
		keys := make([]string, 0, len(byStratum))
		for k := range byStratum {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		plan.Method = SampleSRS
		if spec.Method == SamplePPS {
			plan.Method = SamplePPS
		}
		for i, k := range keys {
			list := byStratum[k]
			if spec.Method == SamplePPS {
				// Each stratum its own stream of the seed, so one stratum's
				// frame changing leaves the others' draws as they were.
				for _, d := range DrawPPS(list, spec.UnitsPerStratum, spec.Seed+uint64(i)) {
					chosen = append(chosen, d.Community)
					inclusion[d.Community.ID] = d.Inclusion
				}
				continue
			}
			idx := rng.Perm(len(list))
			n := min(spec.UnitsPerStratum, len(list))
			for _, j := range idx[:n] {
				chosen = append(chosen, list[j])
			}
		}
	}
	if len(chosen) == 0 {
		return Plan{}, apperr.Field("units", "the plan has no community")
	}
	sort.Slice(chosen, func(i, j int) bool { return chosen[i].ID < chosen[j].ID })
	strata := map[string]bool{}
	for _, c := range chosen {
		if c.Residents <= 0 {
			return Plan{}, apperr.Field("units", "community "+c.ID+" has no resident count")
		}
		t := targets[c.ID]
		if t == 0 {
			t = spec.TargetPerUnit
		}
		if t < 1 {
			return Plan{}, apperr.Field("target_per_unit", "must be between 1 and 10000")
		}
		st := stratumOf(c)
		plan.Units = append(plan.Units, Unit{ID: c.ID, Name: c.Name, NameEN: c.NameEN, Stratum: st,
			Street: c.StreetID, District: c.DistrictID, Residents: c.Residents, Target: t, Inclusion: inclusion[c.ID]})
		if !strata[st] {
			strata[st] = true
			zh, en, _ := geo.AreaName(st)
			plan.Strata = append(plan.Strata, Stratum{ID: st, Name: zh, NameEN: en, Communities: len(byStratum[st])})
		}
	}
	sort.Slice(plan.Strata, func(i, j int) bool { return plan.Strata[i].ID < plan.Strata[j].ID })
	return plan, nil
}

// DesignWeight is the unit's design weight: (communities in the stratum ÷
// sampled communities that responded in it) × (residents in the unit ÷
// accepted interviews in it). Sampled units without an accepted interview
// are left out of the count, which spreads their share over the stratum's
// other units (a PSU non-response adjustment); with full response it is the
// textbook formula. A unit drawn with probability proportional to size
// (Inclusion set) has 1/Inclusion in place of communities ÷ sampled, with
// the same non-response adjustment (sampled ÷ responding); for a simple
// random sample 1/Inclusion is exactly communities ÷ sampled. accepted maps
// unit id to accepted interviews.
func DesignWeight(p *Plan, unitID string, accepted map[string]int) (float64, bool) {
	u, ok := p.UnitOf(unitID)
	if !ok || accepted[unitID] == 0 {
		return 0, false
	}
	st, ok := p.StratumOf(u.Stratum)
	if !ok {
		return 0, false
	}
	responding, sampled := 0, 0
	for _, v := range p.Units {
		if v.Stratum == u.Stratum {
			sampled++
			if accepted[v.ID] > 0 {
				responding++
			}
		}
	}
	if u.Inclusion > 0 {
		return float64(sampled) / float64(responding) / u.Inclusion * float64(u.Residents) / float64(accepted[unitID]), true
	}
	return float64(st.Communities) / float64(responding) * float64(u.Residents) / float64(accepted[unitID]), true
}

var roundIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$`)

// ValidRoundID reports whether id can name a round.
func ValidRoundID(id string) bool { return roundIDPattern.MatchString(id) }

// Transition checks a status change: planned -> open needs a plan;
// open -> closed; nothing leaves closed.
func (r *Round) Transition(to Status) error {
	switch {
	case r.Status == Planned && to == Open:
		if len(r.Plan.Units) == 0 {
			return apperr.New(apperr.Conflict, "the round has no sampling plan yet")
		}
		return nil
	case r.Status == Open && to == Closed:
		return nil
	}
	return apperr.Newf(apperr.Conflict, "a %s round cannot become %s", r.Status, to)
}

// CensusMargins returns the calibration targets: age group and sex margins
// and the joint age|sex cells, from the census cells.
func (r *Round) CensusMargins() (age, sex, joint map[string]float64) {
	age, sex, joint = map[string]float64{}, map[string]float64{}, map[string]float64{}
	for _, c := range r.Census {
		age[c.AgeGroup] += c.Count
		sex[c.Sex] += c.Count
		joint[c.AgeGroup+"|"+c.Sex] += c.Count
	}
	return age, sex, joint
}

// ValidateCensus checks census cells: known age groups and sexes, each
// cell once, positive counts, every cell present.
func ValidateCensus(cells []CensusCell) error {
	seen := map[string]bool{}
	for i, c := range cells {
		at := "cells." + strconv.Itoa(i)
		if !contains(AgeGroups, c.AgeGroup) {
			return apperr.Field(at+".age_group", fmt.Sprintf("must be one of %v", AgeGroups))
		}
		if !contains(Sexes, c.Sex) {
			return apperr.Field(at+".sex", fmt.Sprintf("must be one of %v", Sexes))
		}
		if !(c.Count > 0) || c.Count > 1e9 {
			return apperr.Field(at+".count", "must be a positive count")
		}
		k := c.AgeGroup + "|" + c.Sex
		if seen[k] {
			return apperr.Field(at, "cell "+k+" appears twice")
		}
		seen[k] = true
	}
	if len(cells) > 0 && len(seen) != len(AgeGroups)*len(Sexes) {
		return apperr.Field("cells", fmt.Sprintf("give all %d age group x sex cells", len(AgeGroups)*len(Sexes)))
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
