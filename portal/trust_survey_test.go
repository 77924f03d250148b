package portal_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"cleancity/portal"
	"cleancity/portal/portaltest"
	"cleancity/survey/surveysim"
)

// trustRound opens round r1 (12 units over the four districts) with every
// unit assigned to one volunteer, and returns the volunteer's token, the
// units and a submission per unit.
func trustRound(t testing.TB, srv *portaltest.Server, official string) (volunteer string, units []unitRef, subs map[string]subJSON) {
	t.Helper()
	vol := srv.CreateUser(t, "field-trust", portal.RoleVolunteer, "")
	mustStatus(t, srv.PostJSON("/api/v1/questionnaires", official, map[string]any{"template": "default", "id": "sanitation", "version": 1}), 201)
	round := mustStatus(t, srv.PostJSON("/api/v1/rounds", official, map[string]any{
		"id": "r1", "name": "第一轮", "questionnaire_id": "sanitation", "questionnaire_version": 1,
		"starts_on": "2025-10-01", "ends_on": "2025-10-31",
		"plan": map[string]any{"stratum_level": "district", "units_per_stratum": 3, "target_per_unit": 12, "seed": 42},
	}), 201)
	var plan struct {
		Plan struct {
			Units []struct{ ID, District string } `json:"units"`
		} `json:"plan"`
	}
	b, _ := json.Marshal(round)
	_ = json.Unmarshal(b, &plan)
	var assign []map[string]string
	for _, u := range plan.Plan.Units {
		assign = append(assign, map[string]string{"unit": u.ID, "volunteer": vol.Username})
	}
	mustStatus(t, srv.PostJSON("/api/v1/rounds/r1/assignments", official, map[string]any{"assignments": assign}), 201)
	mustStatus(t, srv.PostJSON("/api/v1/rounds/r1/open", official, nil), 200)
	tok := srv.TokenFor(t, vol)
	var mine struct {
		Units []unitRef `json:"units"`
	}
	srv.Get("/api/v1/rounds/r1/assignments/me", tok).Decode(t, &mine)
	subs = map[string]subJSON{}
	for _, s := range interviews(surveysim.New(7), mine.Units, 1, surveyT0.AddDate(0, 0, -3)) {
		subs[s.Unit] = s
	}
	return tok, mine.Units, subs
}

// TestTrust_Row05_DistrictOfficialSubmitsOnlyForTheDistrict: a district
// official's submission for another district's unit was stored (201, with
// the official as volunteer) although reading it is refused. Now 403, and
// the district's own units still take the official's paper forms.
func TestTrust_Row05_DistrictOfficialSubmitsOnlyForTheDistrict(t *testing.T) {
	srv, _ := surveyCity(t)
	official := srv.Token(t, portal.RoleOfficial, "")
	d1 := srv.Token(t, portal.RoleOfficial, "D01")
	_, units, subs := trustRound(t, srv, official)
	var own, other *unitRef
	for i := range units {
		if units[i].District == "D01" && own == nil {
			own = &units[i]
		}
		if units[i].District == "D02" && other == nil {
			other = &units[i]
		}
	}
	r := srv.PostJSON("/api/v1/rounds/r1/responses", d1, subs[other.Unit])
	if r.Status != http.StatusForbidden {
		t.Fatalf("district official submitting for %s (D02): %d %s, want 403", other.Unit, r.Status, r.Body)
	}
	if n := len(srv.Get("/api/v1/rounds/r1/responses", official).JSON(t)["responses"].([]any)); n != 0 {
		t.Fatalf("%d responses stored after the refusal", n)
	}
	r = srv.PostJSON("/api/v1/rounds/r1/responses", d1, subs[own.Unit])
	if r.Status != http.StatusCreated {
		t.Fatalf("district official submitting for own unit %s: %d %s", own.Unit, r.Status, r.Body)
	}
}

// TestTrust_Row09_SubmitAnswerHidesQuizScore: the answer to a submission
// carried the correct count, so a volunteer could learn the quiz keys by
// changing one answer at a time. Now the submission answer carries no
// score; staff still see it when reviewing.
func TestTrust_Row09_SubmitAnswerHidesQuizScore(t *testing.T) {
	srv, _ := surveyCity(t)
	official := srv.Token(t, portal.RoleOfficial, "")
	vol, units, subs := trustRound(t, srv, official)
	r := srv.PostJSON("/api/v1/rounds/r1/responses", vol, subs[units[0].Unit])
	body := mustStatus(t, r, http.StatusCreated)
	resp := body["response"].(map[string]any)
	for _, k := range []string{"correct", "aware", "answered", "satisfied"} {
		if v, ok := resp[k]; ok {
			t.Errorf("volunteer's submission answer carries %s = %v", k, v)
		}
	}
	// A retry answers the stored response, also without scores.
	retry := mustStatus(t, srv.PostJSON("/api/v1/rounds/r1/responses", vol, subs[units[0].Unit]), http.StatusOK)
	if _, ok := retry["response"].(map[string]any)["correct"]; ok {
		t.Errorf("retry answer carries the correct count")
	}
	review := mustStatus(t, srv.Get("/api/v1/rounds/r1/responses/"+resp["id"].(string), official), http.StatusOK)
	if _, ok := review["correct"].(float64); !ok {
		t.Errorf("staff review lacks the correct count: %v", review)
	}
}

// TestTrust_Row13_AssignmentsNameActiveVolunteers: units were assigned to
// unknown usernames and to staff accounts (201). Now each such row is a
// 400 with a message on its field, and nothing is assigned.
func TestTrust_Row13_AssignmentsNameActiveVolunteers(t *testing.T) {
	srv, _ := surveyCity(t)
	official := srv.Token(t, portal.RoleOfficial, "")
	_, units, _ := trustRound(t, srv, official)
	staff := srv.CreateUser(t, "staff-not-volunteer", portal.RoleDepartment, "sanitation")
	vol := srv.CreateUser(t, "field-ok", portal.RoleVolunteer, "")
	r := srv.PostJSON("/api/v1/rounds/r1/assignments", official, map[string]any{"assignments": []map[string]string{
		{"unit": units[0].Unit, "volunteer": "nobody-by-this-name"},
		{"unit": units[1].Unit, "volunteer": staff.Username},
		{"unit": units[2].Unit, "volunteer": vol.Username},
	}})
	fields, _ := portaltest.Lookup(mustStatus(t, r, http.StatusBadRequest), "error.fields").(map[string]any)
	for _, f := range []string{"assignments.0.volunteer", "assignments.1.volunteer"} {
		if fields[f] == nil {
			t.Errorf("no message for %s: %s", f, r.Body)
		}
	}
	if fields["assignments.2.volunteer"] != nil {
		t.Errorf("the volunteer's row was refused: %s", r.Body)
	}
	list := mustStatus(t, srv.Get("/api/v1/rounds/r1/assignments", official), http.StatusOK)["assignments"].([]any)
	for _, a := range list {
		if v := a.(map[string]any)["volunteer"]; v != "field-trust" {
			t.Errorf("assigned to %v after the refusal", v)
		}
	}
	mustStatus(t, srv.PostJSON("/api/v1/rounds/r1/assignments", official, map[string]any{"assignments": []map[string]string{
		{"unit": units[2].Unit, "volunteer": vol.Username}}}), http.StatusCreated)
}
