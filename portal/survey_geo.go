package portal

import (
	"cleancity/portal/areas"
	"cleancity/survey"
)

// surveyGeo adapts the areas service to survey.Geography, so the survey
// domain never imports portal/areas.
type surveyGeo struct{ a *areas.Service }

func (g surveyGeo) Communities() []survey.Community {
	list := g.a.List(areas.Community, "")
	out := make([]survey.Community, 0, len(list))
	for _, c := range list {
		out = append(out, survey.Community{ID: c.ID, Name: c.Name, NameEN: c.NameEN,
			StreetID: c.StreetID, DistrictID: c.DistrictID, Residents: c.Residents})
	}
	return out
}

func (g surveyGeo) AreaName(id string) (string, string, bool) {
	a, ok := g.a.Area(id)
	if !ok {
		return "", "", false
	}
	return a.Name, a.NameEN, true
}

func (g surveyGeo) Contains(communityID string, lat, lon float64) bool {
	a, ok := g.a.Area(communityID)
	return ok && a.Geometry.Contains(lon, lat)
}

// districtOptions lists the city's districts as questionnaire options.
func (g surveyGeo) districtOptions() []survey.Option {
	var out []survey.Option
	for _, d := range g.a.List(areas.District, "") {
		out = append(out, survey.Option{Value: d.ID, Label: d.Name, LabelEN: d.NameEN})
	}
	return out
}
