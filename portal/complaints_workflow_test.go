package portal_test

import (
	"encoding/json"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"cleancity/portal"
	"cleancity/portal/areas"
	"cleancity/portal/portaltest"
)

// newCityServer is a portal on the demo city's areas and departments
// without any domain's demo data (WithDemo would seed all of them).
func newCityServer(t testing.TB, opts ...portaltest.Option) *portaltest.Server {
	t.Helper()
	srv := portaltest.NewServer(t, opts...)
	if _, err := srv.Areas.Import(t.Context(), areas.DemoAreas(), areas.DemoDepartments()); err != nil {
		t.Fatal(err)
	}
	return srv
}

func jsonEncoder(w io.Writer) *json.Encoder {
	e := json.NewEncoder(w)
	e.SetEscapeHTML(false)
	return e
}

// workflowEnv is a demo portal with tokens for each kind of caller.
type workflowEnv struct {
	srv                                        *portaltest.Server
	clock                                      *portaltest.Clock
	sanitation, citymgmt, official, officialD2 string
	resident, admin                            string
}

func newWorkflowEnv(t *testing.T) *workflowEnv {
	clock := portaltest.NewClock(time.Date(2026, 6, 1, 5, 5, 0, 0, time.UTC))
	srv := newCityServer(t, portaltest.WithClock(clock))
	return &workflowEnv{
		srv: srv, clock: clock,
		sanitation: srv.Token(t, portal.RoleDepartment, "sanitation"),
		citymgmt:   srv.Token(t, portal.RoleDepartment, "citymgmt"),
		official:   srv.Token(t, portal.RoleOfficial, ""),
		officialD2: srv.Token(t, portal.RoleOfficial, "D02"),
		resident:   srv.Token(t, portal.RoleResident, ""),
		admin:      srv.Token(t, portal.RoleAdmin, ""),
	}
}

func (e *workflowEnv) act(t *testing.T, token, id string, body map[string]any) portaltest.Response {
	t.Helper()
	return e.srv.PostJSON("/api/v1/complaints/"+id+"/actions", token, body)
}

func (e *workflowEnv) version(t *testing.T, id string) float64 {
	t.Helper()
	r := e.srv.Get("/api/v1/complaints/"+id, e.srv.Token(t, portal.RoleAdmin, ""))
	if r.Status != 200 {
		t.Fatalf("get %s: %d %s", id, r.Status, r.Body)
	}
	return r.JSON(t)["version"].(float64)
}

func (e *workflowEnv) status(t *testing.T, id string) string {
	t.Helper()
	return e.srv.Get("/api/v1/track/"+id, "").JSON(t)["status"].(string)
}

func TestComplaintTransitions(t *testing.T) {
	e := newWorkflowEnv(t)
	m := mustFileHTTP(t, e.srv, "", nil)
	id := m["id"].(string)

	steps := []struct {
		name       string
		token      *string
		body       map[string]any
		wantStatus int
		wantState  string
		wantCode   string
		allowed    []string
	}{
		{"anonymous may not act", new(string), map[string]any{"action": "accept", "version": 1}, 401, "submitted", "unauthorized", nil},
		{"resident may not act", &e.resident, map[string]any{"action": "accept", "version": 1}, 403, "submitted", "forbidden", nil},
		{"other department may not act", &e.citymgmt, map[string]any{"action": "accept", "version": 1}, 403, "submitted", "forbidden", nil},
		{"district official of another district", &e.officialD2, map[string]any{"action": "accept", "version": 1}, 403, "submitted", "forbidden", nil},
		{"start before accept", &e.sanitation, map[string]any{"action": "start", "version": 1}, 409, "submitted", "conflict", []string{"accept", "reject", "merge"}},
		{"resolve before start", &e.sanitation, map[string]any{"action": "resolve", "note": "好了", "version": 1}, 409, "submitted", "conflict", []string{"accept", "reject", "merge"}},
		{"department may not reassign", &e.sanitation, map[string]any{"action": "reassign", "department": "citymgmt", "note": "不归我们", "version": 1}, 403, "submitted", "forbidden", []string{"accept", "reject", "merge"}},
		{"unknown action", &e.sanitation, map[string]any{"action": "explode", "version": 1}, 400, "submitted", "invalid", nil},
		{"version required", &e.sanitation, map[string]any{"action": "accept"}, 400, "submitted", "invalid", nil},
		{"accept", &e.sanitation, map[string]any{"action": "accept", "version": 1}, 200, "accepted", "", nil},
		{"stale version", &e.sanitation, map[string]any{"action": "start", "version": 1}, 409, "accepted", "conflict", nil},
		{"accept twice", &e.sanitation, map[string]any{"action": "accept", "version": 2}, 409, "accepted", "conflict", []string{"start", "reject", "merge"}},
		{"start", &e.sanitation, map[string]any{"action": "start", "version": 2}, 200, "in_progress", "", nil},
		{"reject while in progress", &e.sanitation, map[string]any{"action": "reject", "note": "无效", "version": 3}, 409, "in_progress", "conflict", []string{"resolve", "merge"}},
		{"resolve needs a note", &e.sanitation, map[string]any{"action": "resolve", "version": 3}, 400, "in_progress", "invalid", nil},
		{"resolve", &e.sanitation, map[string]any{"action": "resolve", "note": "已清运完毕", "version": 3}, 200, "resolved", "", nil},
		{"resolve twice", &e.sanitation, map[string]any{"action": "resolve", "note": "again", "version": 4}, 409, "resolved", "conflict", []string{}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			resp := e.act(t, *st.token, id, st.body)
			if resp.Status != st.wantStatus {
				t.Fatalf("status %d, want %d: %s", resp.Status, st.wantStatus, resp.Body)
			}
			body := resp.JSON(t)
			if st.wantCode != "" && portaltest.Lookup(body, "error.code") != st.wantCode {
				t.Errorf("code %v, want %s", portaltest.Lookup(body, "error.code"), st.wantCode)
			}
			if st.allowed != nil {
				got := []string{}
				for _, a := range portaltest.Lookup(body, "error.details.allowed").([]any) {
					got = append(got, a.(string))
				}
				if !slices.Equal(got, st.allowed) {
					t.Errorf("allowed %v, want %v", got, st.allowed)
				}
			}
			if s := e.status(t, id); s != st.wantState {
				t.Errorf("state %s, want %s", s, st.wantState)
			}
		})
	}
	// The staff view has the whole history with actors; the public one has no names.
	full := e.srv.Get("/api/v1/complaints/"+id, e.sanitation).JSON(t)
	events := full["events"].([]any)
	if len(events) != 4 || portaltest.Lookup(full, "events.1.action") != "accept" || portaltest.Lookup(full, "events.3.note") != "已清运完毕" {
		t.Fatalf("events %v", events)
	}
	if portaltest.Lookup(full, "contact.phone") != "13800138000" {
		t.Errorf("staff view lacks contact: %v", full["contact"])
	}
	pub := e.srv.Get("/api/v1/track/"+id, "")
	if strings.Contains(string(pub.Body), "actor") {
		t.Errorf("public history names actors: %s", pub.Body)
	}
	if got := portaltest.Lookup(pub.JSON(t), "resolution_note"); got != "已清运完毕" {
		t.Errorf("public resolution note %v", got)
	}
	// A department user cannot read another department's case.
	if r := e.srv.Get("/api/v1/complaints/"+id, e.citymgmt); r.Status != 403 {
		t.Errorf("other department read: %d", r.Status)
	}
	if r := e.srv.Get("/api/v1/complaints/"+id, e.officialD2); r.Status != 403 {
		t.Errorf("other district read: %d", r.Status)
	}
}

func TestFeedbackWithSecret(t *testing.T) {
	e := newWorkflowEnv(t)
	resolved := func() (string, string) {
		m := mustFileHTTP(t, e.srv, "", nil)
		id := m["id"].(string)
		for i, a := range []string{"accept", "start", "resolve"} {
			if r := e.act(t, e.sanitation, id, map[string]any{"action": a, "note": "处理完毕", "version": i + 1}); r.Status != 200 {
				t.Fatalf("%s: %d %s", a, r.Status, r.Body)
			}
		}
		return id, m["follow_up_secret"].(string)
	}
	id, secret := resolved()
	tests := []struct {
		name       string
		body       map[string]any
		wantStatus int
		wantState  string
	}{
		{"wrong secret", map[string]any{"secret": "WRONGSECRETWRONGSECRET0000", "confirm": true, "rating": 5}, 403, "resolved"},
		{"no secret", map[string]any{"confirm": true, "rating": 5}, 403, "resolved"},
		{"rating out of range", map[string]any{"secret": secret, "confirm": true, "rating": 6}, 400, "resolved"},
		{"confirm missing", map[string]any{"secret": secret, "rating": 4}, 400, "resolved"},
		{"reopen", map[string]any{"secret": secret, "confirm": false, "rating": 2, "comment": "还是很脏"}, 200, "reopened"},
		{"reopen again", map[string]any{"secret": secret, "confirm": false, "rating": 2}, 409, "reopened"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := e.srv.PostJSON("/api/v1/track/"+id+"/feedback", "", tc.body)
			if r.Status != tc.wantStatus {
				t.Fatalf("status %d, want %d: %s", r.Status, tc.wantStatus, r.Body)
			}
			if s := e.status(t, id); s != tc.wantState {
				t.Errorf("state %s, want %s", s, tc.wantState)
			}
		})
	}
	// Reopened: back to work with a new due time, then resolved and confirmed.
	tr := e.srv.Get("/api/v1/track/"+id, "").JSON(t)
	if tr["due_at"] != "2026-06-02T05:05:00Z" {
		t.Errorf("due after reopen %v", tr["due_at"])
	}
	v := e.version(t, id)
	for i, a := range []string{"start", "resolve"} {
		if r := e.act(t, e.sanitation, id, map[string]any{"action": a, "note": "再次清理", "version": v + float64(i)}); r.Status != 200 {
			t.Fatalf("%s after reopen: %d %s", a, r.Status, r.Body)
		}
	}
	r := e.srv.PostJSON("/api/v1/track/"+strings.ToLower(id)+"/feedback", "", map[string]any{"secret": secret, "confirm": true, "rating": 4})
	if r.Status != 200 || r.JSON(t)["status"] != "closed" || r.JSON(t)["rating"] != float64(4) {
		t.Fatalf("confirm: %d %s", r.Status, r.Body)
	}

	// Reopening more than 7 days after the resolution is refused; a
	// resolution nobody answers closes itself after 7 days.
	late, lateSecret := resolved()
	idle, _ := resolved()
	e.clock.Advance(7*24*time.Hour + time.Minute)
	r = e.srv.PostJSON("/api/v1/track/"+late+"/feedback", "", map[string]any{"secret": lateSecret, "confirm": false, "rating": 1})
	if r.Status != 409 {
		t.Errorf("late reopen: %d %s", r.Status, r.Body)
	}
	res, err := e.srv.Complaints.Sweep(t.Context())
	if err != nil || res.AutoClosed != 2 {
		t.Fatalf("auto close: %+v %v", res, err)
	}
	if s := e.status(t, idle); s != "closed" {
		t.Errorf("idle resolution %s", s)
	}
}

func TestReassignRejectMergeJoin(t *testing.T) {
	e := newWorkflowEnv(t)
	id := mustFileHTTP(t, e.srv, "", nil)["id"].(string)
	// Reassign by an official, with a reason; back to submitted for the new department.
	r := e.act(t, e.official, id, map[string]any{"action": "reassign", "department": "citymgmt", "version": 1})
	if r.Status != 400 || portaltest.Lookup(r.JSON(t), "error.fields.note") == nil {
		t.Fatalf("reassign without reason: %d %s", r.Status, r.Body)
	}
	r = e.act(t, e.official, id, map[string]any{"action": "reassign", "department": "nowhere", "note": "x", "version": 1})
	if r.Status != 400 {
		t.Fatalf("reassign to unknown: %d %s", r.Status, r.Body)
	}
	r = e.act(t, e.official, id, map[string]any{"action": "reassign", "department": "citymgmt", "note": "属于占道经营", "version": 1})
	if r.Status != 200 || portaltest.Lookup(r.JSON(t), "department.id") != "citymgmt" {
		t.Fatalf("reassign: %d %s", r.Status, r.Body)
	}
	if r := e.act(t, e.sanitation, id, map[string]any{"action": "accept", "version": 2}); r.Status != 403 {
		t.Errorf("old department still acts: %d", r.Status)
	}
	if r := e.act(t, e.citymgmt, id, map[string]any{"action": "reject", "version": 2}); r.Status != 400 {
		t.Errorf("reject without reason: %d", r.Status)
	}
	if r := e.act(t, e.citymgmt, id, map[string]any{"action": "reject", "note": "不属于本市管辖", "version": 2}); r.Status != 200 {
		t.Fatalf("reject: %d %s", r.Status, r.Body)
	}
	if s := e.status(t, id); s != "rejected" {
		t.Errorf("state %s", s)
	}

	// Duplicates: a second filing nearby lists the first; "me too" counts;
	// staff merge the second into the first.
	first := mustFileHTTP(t, e.srv, "", nil)
	second := mustFileHTTP(t, e.srv, "", map[string]any{"lat": inLat + 0.0002})
	dups := second["possible_duplicates"].([]any)
	if len(dups) != 1 || portaltest.Lookup(second, "possible_duplicates.0.id") != first["id"] {
		t.Fatalf("duplicates %v", dups)
	}
	pre := e.srv.Get("/api/v1/complaints/duplicates?category=garbage&lat=27.8851&lon=113.09", "")
	if pre.Status != 200 || len(pre.JSON(t)["possible_duplicates"].([]any)) != 2 {
		t.Errorf("duplicate check: %d %s", pre.Status, pre.Body)
	}
	j := e.srv.PostJSON("/api/v1/complaints/"+first["id"].(string)+"/join", e.resident, nil)
	if j.Status != 200 || j.JSON(t)["supporters"] != float64(1) {
		t.Fatalf("join: %d %s", j.Status, j.Body)
	}
	if j := e.srv.PostJSON("/api/v1/complaints/"+first["id"].(string)+"/join", e.resident, nil); j.Status != 409 {
		t.Errorf("join twice: %d", j.Status)
	}
	r = e.act(t, e.sanitation, second["id"].(string), map[string]any{"action": "merge", "into": second["id"], "version": 1})
	if r.Status != 400 {
		t.Errorf("merge into itself: %d %s", r.Status, r.Body)
	}
	r = e.act(t, e.sanitation, second["id"].(string), map[string]any{"action": "merge", "into": first["id"], "note": "重复", "version": 1})
	if r.Status != 200 || r.JSON(t)["merged_into"] != first["id"] || r.JSON(t)["status"] != "rejected" {
		t.Fatalf("merge: %d %s", r.Status, r.Body)
	}
	tr := e.srv.Get("/api/v1/track/"+first["id"].(string), "").JSON(t)
	if tr["supporters"] != float64(2) {
		t.Errorf("supporters after merge %v", tr["supporters"])
	}
}

func TestEscalationThroughHTTP(t *testing.T) {
	e := newWorkflowEnv(t)
	id := mustFileHTTP(t, e.srv, "", nil)["id"].(string) // garbage: 24 h
	sweep := func() {
		if _, err := e.srv.Complaints.Sweep(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	e.clock.Advance(23 * time.Hour)
	sweep()
	if v := e.version(t, id); v != 1 {
		t.Fatalf("escalated before due: version %v", v)
	}
	e.clock.Advance(2 * time.Hour)
	sweep()
	sweep()
	full := e.srv.Get("/api/v1/complaints/"+id, e.srv.Token(t, portal.RoleDepartment, "sanitation")).JSON(t)
	if full["notice_level"] != float64(1) || len(full["notices"].([]any)) != 1 || portaltest.Lookup(full, "notices.0.penalty_weight") != float64(1) {
		t.Fatalf("level 1: %v %v", full["notice_level"], full["notices"])
	}
	// New due: +50% of the 24 h service level from the notice.
	if full["due_at"] != "2026-06-02T18:05:00Z" {
		t.Errorf("due after notice %v", full["due_at"])
	}
	e.clock.Advance(13 * time.Hour)
	sweep()
	e.clock.Advance(13 * time.Hour)
	sweep()
	full = e.srv.Get("/api/v1/complaints/"+id, e.srv.Token(t, portal.RoleDepartment, "sanitation")).JSON(t)
	if full["notice_level"] != float64(2) || portaltest.Lookup(full, "notices.1.penalty_weight") != float64(2) || full["published"] != true {
		t.Fatalf("level 2 and published: %v %v %v", full["notice_level"], full["notices"], full["published"])
	}
	over := e.srv.Get("/api/v1/complaints/overdue", "").JSON(t)
	if over["count"] != float64(1) || portaltest.Lookup(over, "items.0.id") != id {
		t.Errorf("overdue list %v", over)
	}
	// Staff filters find it by notice level and overdue.
	l := e.srv.Get("/api/v1/complaints?notice_level=2&overdue=true", e.srv.Token(t, portal.RoleOfficial, "")).JSON(t)
	if len(l["items"].([]any)) != 1 {
		t.Errorf("filtered list %v", l)
	}
	// Notifications were queued for the notices.
	msg, err := e.srv.ComplaintMessage(t.Context(), id+"/000002/log")
	if err != nil || msg.Kind != "notice" {
		t.Errorf("notice message: %+v %v", msg, err)
	}
}
