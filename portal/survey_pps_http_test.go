package portal_test

import (
	"encoding/json"
	"math"
	"testing"

	"cleancity/portal"
	"cleancity/portal/portaltest"
)

type ppsPlanJSON struct {
	Plan struct {
		Method string `json:"method"`
		Seed   uint64 `json:"seed"`
		Units  []struct {
			ID        string  `json:"id"`
			Stratum   string  `json:"stratum"`
			Residents int     `json:"residents"`
			Target    int     `json:"target"`
			Inclusion float64 `json:"inclusion"`
		} `json:"units"`
	} `json:"plan"`
}

func decodePlan(t *testing.T, m map[string]any) ppsPlanJSON {
	t.Helper()
	var p ppsPlanJSON
	b, _ := json.Marshal(m)
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestSurveyPlanPPSDraw draws a plan with probability proportional to
// residents through PUT /rounds/:id/plan: every unit carries n*size/total of
// its stratum, the same seed draws the same plan, changing only targets
// keeps the draw, and a bad method is a 400 naming the field.
func TestSurveyPlanPPSDraw(t *testing.T) {
	srv, _ := surveyCity(t)
	official := srv.Token(t, portal.RoleOfficial, "")
	mustStatus(t, srv.PostJSON("/api/v1/questionnaires", official, map[string]any{"template": "default", "id": "sanitation", "version": 1}), 201)
	mustStatus(t, srv.PostJSON("/api/v1/rounds", official, map[string]any{
		"id": "pps", "name": "PPS 轮次", "questionnaire_id": "sanitation", "questionnaire_version": 1,
		"starts_on": "2025-10-01", "ends_on": "2025-10-31",
	}), 201)
	draw := map[string]any{"stratum_level": "district", "method": "pps", "units_per_stratum": 4, "target_per_unit": 15, "seed": 777}
	a := decodePlan(t, mustStatus(t, srv.Do(portaltest.Request{Method: "PUT", Path: "/api/v1/rounds/pps/plan", Token: official, Body: draw}), 200))
	if a.Plan.Method != "pps" || a.Plan.Seed != 777 || len(a.Plan.Units) != 16 {
		t.Fatalf("plan: method %q seed %d units %d", a.Plan.Method, a.Plan.Seed, len(a.Plan.Units))
	}
	// The frame's resident totals per district, from the areas API.
	areas := mustStatus(t, srv.Get("/api/v1/areas?level=community&geometry=false", official), 200)
	total := map[string]float64{}
	size := map[string]float64{}
	for _, f := range areas["features"].([]any) {
		p := f.(map[string]any)["properties"].(map[string]any)
		r, _ := p["residents"].(float64)
		total[p["district_id"].(string)] += r
		size[p["id"].(string)] = r
	}
	for _, u := range a.Plan.Units {
		want := math.Min(1, 4*size[u.ID]/total[u.Stratum])
		// Certainty units change the others' share; the demo city has none.
		if math.Abs(u.Inclusion-want) > 1e-9 {
			t.Errorf("%s: inclusion %v, want 4*%v/%v = %v", u.ID, u.Inclusion, size[u.ID], total[u.Stratum], want)
		}
	}
	b := decodePlan(t, mustStatus(t, srv.Do(portaltest.Request{Method: "PUT", Path: "/api/v1/rounds/pps/plan", Token: official, Body: draw}), 200))
	if !equalUnits(a, b) {
		t.Error("the same seed drew a different plan")
	}
	// Targets edited by hand on the same units: the draw stands.
	var units []map[string]any
	for _, u := range a.Plan.Units {
		units = append(units, map[string]any{"id": u.ID, "target": 20})
	}
	c := decodePlan(t, mustStatus(t, srv.Do(portaltest.Request{Method: "PUT", Path: "/api/v1/rounds/pps/plan", Token: official, Body: map[string]any{"stratum_level": "district", "target_per_unit": 20, "units": units}}), 200))
	if c.Plan.Method != "pps" || c.Plan.Units[0].Inclusion != a.Plan.Units[0].Inclusion || c.Plan.Units[0].Target != 20 {
		t.Errorf("targets edited: method %q inclusion %v target %d", c.Plan.Method, c.Plan.Units[0].Inclusion, c.Plan.Units[0].Target)
	}
	d := decodePlan(t, mustStatus(t, srv.Do(portaltest.Request{Method: "PUT", Path: "/api/v1/rounds/pps/plan", Token: official, Body: map[string]any{"stratum_level": "district", "target_per_unit": 20, "units": units[1:]}}), 200))
	if d.Plan.Method != "manual" || d.Plan.Units[0].Inclusion != 0 {
		t.Errorf("units changed by hand: method %q inclusion %v", d.Plan.Method, d.Plan.Units[0].Inclusion)
	}
	bad := mustStatus(t, srv.Do(portaltest.Request{Method: "PUT", Path: "/api/v1/rounds/pps/plan", Token: official, Body: map[string]any{"stratum_level": "district", "method": "quota", "units_per_stratum": 2, "target_per_unit": 10}}), 400)
	if portaltest.Lookup(bad, "error.fields.method") == nil {
		t.Errorf("bad method: no field message: %v", bad)
	}
}

func equalUnits(a, b ppsPlanJSON) bool {
	if len(a.Plan.Units) != len(b.Plan.Units) {
		return false
	}
	for i := range a.Plan.Units {
		if a.Plan.Units[i] != b.Plan.Units[i] {
			return false
		}
	}
	return true
}
