package portal

import (
	"cleancity/stats"
	"cleancity/survey"
)

// interimDTO is an open round's group-sequential verdict of one estimate:
// the interval whose width matches the boundary at this look.
type interimDTO struct {
	Look     int     `json:"look"`
	Looks    int     `json:"looks"`
	Fraction float64 `json:"fraction"`
	Critical float64 `json:"critical"`
	CILow    float64 `json:"ci_low"`
	CIHigh   float64 `json:"ci_high"`
}

// forecastDTO says how many more accepted interviews a domain needs for a
// decisive verdict; needed is null when no number of interviews in the
// sampled communities can give it with the stated assurance.
type forecastDTO struct {
	Toward            string  `json:"toward"`
	Needed            *int    `json:"needed"`
	NeededIfUnchanged *int    `json:"needed_if_unchanged"`
	Assurance         float64 `json:"assurance"`
	Reachable         bool    `json:"reachable"`
	Remaining         int     `json:"remaining"`
	TooEarly          bool    `json:"too_early"`
	EarlyMore         int     `json:"early_more"`
}

func countOrNull(n int) *int {
	if n == stats.Never {
		return nil
	}
	return &n
}

// monitorDTOs returns an estimate's interim verdict and forecast, nil for
// a closed round.
func monitorDTOs(e survey.Estimate) (*interimDTO, *forecastDTO) {
	if !e.Monitored {
		return nil, nil
	}
	in, f := e.Interim, e.Forecast
	return &interimDTO{Look: in.Look, Looks: in.Looks, Fraction: in.Fraction, Critical: in.Critical, CILow: in.Low, CIHigh: in.High},
		&forecastDTO{Toward: string(f.Toward), Needed: countOrNull(f.Needed), NeededIfUnchanged: countOrNull(f.NeededIfUnchanged),
			Assurance: f.Assurance, Reachable: f.Reachable, Remaining: f.Remaining, TooEarly: f.TooEarly, EarlyMore: f.EarlyMore}
}

type stratumNeedDTO struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	NameEN string `json:"name_en,omitempty"`
	More   int    `json:"more"`
	NoData bool   `json:"no_data"`
}

type unitNeedDTO struct {
	Unit    string `json:"unit"`
	Name    string `json:"name"`
	NameEN  string `json:"name_en,omitempty"`
	Stratum string `json:"stratum"`
	More    int    `json:"more"`
}

// allocationDTO is where to send volunteers for one indicator's city-wide
// verdict.
type allocationDTO struct {
	Indicator   string `json:"indicator"`
	Needed      int    `json:"needed"`
	NeededAsNow *int   `json:"needed_as_now"`
	Remaining   int    `json:"remaining"`
	Reachable   bool   `json:"reachable"`
	// Budget: the plan spends the remaining interviews for the most
	// precise city-wide rate, since no count reaches a clear verdict.
	Budget bool             `json:"budget"`
	Strata []stratumNeedDTO `json:"strata"`
	Units  []unitNeedDTO    `json:"units"`
}

func toAllocations(r *survey.Round, list []survey.Allocation) []allocationDTO {
	out := make([]allocationDTO, 0, len(list))
	for _, a := range list {
		d := allocationDTO{Indicator: a.Indicator, Needed: a.Needed, NeededAsNow: countOrNull(a.NeededAsNow), Remaining: a.Remaining,
			Reachable: a.Reachable, Budget: a.Budget, Strata: []stratumNeedDTO{}, Units: []unitNeedDTO{}}
		for _, st := range a.Strata {
			s, _ := r.Plan.StratumOf(st.Stratum)
			d.Strata = append(d.Strata, stratumNeedDTO{ID: st.Stratum, Name: s.Name, NameEN: s.NameEN, More: st.More, NoData: st.NoData})
		}
		for _, u := range a.Units {
			pu, _ := r.Plan.UnitOf(u.Unit)
			d.Units = append(d.Units, unitNeedDTO{Unit: u.Unit, Name: pu.Name, NameEN: pu.NameEN, Stratum: u.Stratum, More: u.More})
		}
		out = append(out, d)
	}
	return out
}
