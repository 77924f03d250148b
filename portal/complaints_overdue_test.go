package portal_test

import (
	"testing"
	"time"

	"cleancity/portal"
	"cleancity/portal/portaltest"
)

// TestOverdueListDeadlines: the public overdue list gives the deadline a
// case missed and the days since, also for a published case a reporter
// reopened, whose current deadline is in the future again.
func TestOverdueListDeadlines(t *testing.T) {
	e := newWorkflowEnv(t)
	sweep := func() {
		t.Helper()
		if _, err := e.srv.Complaints.Sweep(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	// Two garbage cases (24 h): both run through two notices and are published.
	stale := mustFileHTTP(t, e.srv, "", nil)["id"].(string)
	e.clock.Advance(time.Hour)
	filed := mustFileHTTP(t, e.srv, "", nil)
	reopened, secret := filed["id"].(string), filed["follow_up_secret"].(string)
	for _, step := range []time.Duration{25 * time.Hour, 13 * time.Hour, 13 * time.Hour} {
		e.clock.Advance(step)
		sweep()
	}
	// The second is resolved, then reopened by its reporter a day later.
	// (Tokens are made now: the test clock has run past the env's.)
	staff := e.srv.Token(t, portal.RoleDepartment, "sanitation")
	for _, a := range []string{"accept", "start", "resolve"} {
		if r := e.act(t, staff, reopened, map[string]any{"action": a, "note": "已处理", "version": e.version(t, reopened)}); r.Status != 200 {
			t.Fatalf("%s: %d %s", a, r.Status, r.Body)
		}
	}
	e.clock.Advance(24 * time.Hour)
	if r := e.srv.PostJSON("/api/v1/track/"+reopened+"/feedback", "", map[string]any{"secret": secret, "confirm": false, "rating": 1}); r.Status != 200 {
		t.Fatalf("reopen: %d %s", r.Status, r.Body)
	}
	e.clock.Advance(3 * time.Hour)
	now := e.clock.Now()

	over := e.srv.Get("/api/v1/complaints/overdue", "").JSON(t)
	items, _ := over["items"].([]any)
	if len(items) != 2 {
		t.Fatalf("overdue list has %d items, want 2: %v", len(items), over)
	}
	full := func(id string) map[string]any {
		return e.srv.Get("/api/v1/complaints/"+id, e.srv.Token(t, portal.RoleAdmin, "")).JSON(t)
	}
	for i, want := range []string{stale, reopened} {
		it := items[i].(map[string]any)
		if it["id"] != want {
			t.Fatalf("item %d is %v, want %s (longest overdue first)", i, it["id"], want)
		}
		missed := portaltest.Lookup(full(want), "notices.1.due_at").(string)
		if it["missed_due_at"] != missed {
			t.Errorf("%s missed_due_at %v, want the second notice's deadline %s", want, it["missed_due_at"], missed)
		}
		at, _ := time.Parse(time.RFC3339Nano, missed)
		if days := float64(int(now.Sub(at) / (24 * time.Hour))); it["days_overdue"] != days || days < 1 {
			t.Errorf("%s days_overdue %v, want %v", want, it["days_overdue"], days)
		}
	}
	r := items[1].(map[string]any)
	due, _ := time.Parse(time.RFC3339Nano, r["due_at"].(string))
	if r["reopened"] != true || r["status"] != "reopened" || !due.After(now) || r["overdue"] != false {
		t.Errorf("reopened case: reopened %v status %v due %v overdue %v, want reopened with a future current deadline", r["reopened"], r["status"], r["due_at"], r["overdue"])
	}
	if s := items[0].(map[string]any); s["reopened"] != nil || s["overdue"] != true {
		t.Errorf("stale case: reopened %v overdue %v", s["reopened"], s["overdue"])
	}
}
