package portal_test

import (
	"net/http"
	"reflect"
	"slices"
	"testing"

	"cleancity/portal"
	"cleancity/portal/audit"
	"cleancity/portal/portaltest"
)

type auditItem struct {
	ID        string            `json:"id"`
	Username  string            `json:"username"`
	Role      string            `json:"role"`
	Scope     string            `json:"scope"`
	Action    string            `json:"action"`
	Target    map[string]string `json:"target"`
	Details   map[string]string `json:"details"`
	Status    int               `json:"status"`
	Outcome   string            `json:"outcome"`
	ErrorCode string            `json:"error_code"`
	ClientIP  string            `json:"client_ip"`
}

type auditPage struct {
	Items []auditItem `json:"items"`
	Next  string      `json:"next"`
}

func readAudit(t *testing.T, srv *portaltest.Server, token, query string) auditPage {
	t.Helper()
	r := srv.Get("/api/v1/audit"+query, token)
	if r.Status != http.StatusOK {
		t.Fatalf("GET /audit%s: %d %s", query, r.Status, r.Body)
	}
	var p auditPage
	r.Decode(t, &p)
	return p
}

// TestTrust_AuditLog_RecordsStaffWrites: every staff and administrator
// write (case actions, user management, API keys, sign-ins) and read of
// personal data (a case with its reporter's contact) is in the log with
// who, what, target, outcome and the client address (row 1's rule);
// residents' writes and lists are not.
func TestTrust_AuditLog_RecordsStaffWrites(t *testing.T) {
	srv := newCityServer(t, portaltest.WithConfig(trustLoopback))
	srv.Listen()
	adminUser, admin := srv.UserToken(t, portal.RoleAdmin, "")
	dept, deptTok := srv.UserToken(t, portal.RoleDepartment, "sanitation")
	resident := srv.Token(t, portal.RoleResident, "")
	from := map[string]string{"X-Forwarded-For": "203.0.113.50"}

	// A case filed by a resident (not recorded) and accepted by its department.
	c := srv.Do(portaltest.Request{Method: "POST", Path: "/api/v1/complaints", Token: resident, Body: fileBody(nil)})
	if c.Status != http.StatusCreated {
		t.Fatalf("file: %d %s", c.Status, c.Body)
	}
	id := c.JSON(t)["id"].(string)
	if r := srv.Do(portaltest.Request{Method: "POST", Path: "/api/v1/complaints/" + id + "/actions", Token: deptTok, Header: from,
		Body: map[string]any{"action": "accept", "version": 1, "note": ""}}); r.Status != http.StatusOK {
		t.Fatalf("accept: %d %s", r.Status, r.Body)
	}
	// A refused one: the same action again on a stale version.
	if r := srv.Do(portaltest.Request{Method: "POST", Path: "/api/v1/complaints/" + id + "/actions", Token: deptTok, Header: from,
		Body: map[string]any{"action": "accept", "version": 1}}); r.Status < 400 {
		t.Fatalf("stale accept: %d %s", r.Status, r.Body)
	}
	// User management with a password (recorded as "set", never its value).
	r := srv.Do(portaltest.Request{Method: "POST", Path: "/api/v1/users", Token: admin, Header: from,
		Body: map[string]any{"username": "new-volunteer", "password": "green-streets-42", "role": "volunteer", "phone": "13800138000"}})
	if r.Status != http.StatusCreated {
		t.Fatalf("create user: %d %s", r.Status, r.Body)
	}
	newID := r.JSON(t)["id"].(string)
	if r := srv.Do(portaltest.Request{Method: "PATCH", Path: "/api/v1/users/" + newID, Token: admin, Header: from,
		Body: map[string]any{"disabled": true}}); r.Status != http.StatusOK {
		t.Fatalf("disable: %d %s", r.Status, r.Body)
	}
	// Key management.
	if r := srv.Do(portaltest.Request{Method: "POST", Path: "/api/v1/apikeys", Token: admin, Header: from,
		Body: map[string]any{"name": "district app"}}); r.Status != http.StatusCreated {
		t.Fatalf("api key: %d %s", r.Status, r.Body)
	}
	// A staff sign-in (the request itself is anonymous).
	srv.Do(portaltest.Request{Method: "POST", Path: "/api/v1/auth/login", Header: from,
		Body: map[string]string{"username": dept.Username, "password": portaltest.TestPassword}})
	// Reading a case (its reporter's contact) is recorded; lists, and
	// residents' writes, are not.
	if r := srv.Do(portaltest.Request{Path: "/api/v1/complaints/" + id, Token: deptTok, Header: from}); r.Status != http.StatusOK {
		t.Fatalf("read case: %d %s", r.Status, r.Body)
	}
	srv.Get("/api/v1/complaints", deptTok)
	srv.Do(portaltest.Request{Method: "PATCH", Path: "/api/v1/me", Token: resident, Body: map[string]string{"display_name": "李娜"}})

	page := readAudit(t, srv, admin, "")
	var got []string
	for _, e := range page.Items {
		got = append(got, e.Username+" "+e.Action+" "+e.Outcome)
		if e.ClientIP != "203.0.113.50" {
			t.Errorf("%s %s: client address %q, want 203.0.113.50", e.Username, e.Action, e.ClientIP)
		}
	}
	want := []string{
		dept.Username + " GET /api/v1/complaints/:id ok",
		dept.Username + " POST /api/v1/auth/login ok",
		adminUser.Username + " POST /api/v1/apikeys ok",
		adminUser.Username + " PATCH /api/v1/users/:id ok",
		adminUser.Username + " POST /api/v1/users ok",
		dept.Username + " POST /api/v1/complaints/:id/actions rejected",
		dept.Username + " POST /api/v1/complaints/:id/actions ok",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("audit log, newest first:\n got %q\nwant %q", got, want)
	}
	page.Items = page.Items[1:] // the read, checked above
	accept := page.Items[5]
	if _, ok := accept.Details["note"]; ok {
		t.Errorf("an empty note is recorded: %v", accept.Details)
	}
	if accept.Target["id"] != id || accept.Details["action"] != "accept" || accept.Role != "department" || accept.Scope != "sanitation" || accept.Status != 200 {
		t.Errorf("accept entry %+v", accept)
	}
	if page.Items[4].ErrorCode == "" || page.Items[4].Status < 400 {
		t.Errorf("refused entry %+v", page.Items[4])
	}
	if create := page.Items[3]; create.Details["password"] != "set" || create.Details["phone"] != "set" || create.Details["username"] != "new-volunteer" {
		t.Errorf("create-user details %v", create.Details)
	}
	if login := page.Items[0]; login.Details["password"] != "set" {
		t.Errorf("login details %v", login.Details)
	}
	if disable := page.Items[2]; disable.Target["id"] != newID || disable.Details["disabled"] != "true" {
		t.Errorf("disable entry %+v", disable)
	}

	// Filters and pages.
	if p := readAudit(t, srv, admin, "?username="+dept.Username); len(p.Items) != 4 {
		t.Errorf("by username: %d entries", len(p.Items))
	}
	if p := readAudit(t, srv, admin, "?outcome=rejected"); len(p.Items) != 1 {
		t.Errorf("rejected: %d entries", len(p.Items))
	}
	if p := readAudit(t, srv, admin, "?target="+id); len(p.Items) != 3 {
		t.Errorf("by target: %d entries", len(p.Items))
	}
	if p := readAudit(t, srv, admin, "?action=PATCH"); len(p.Items) != 1 {
		t.Errorf("by method: %d entries", len(p.Items))
	}
	first := readAudit(t, srv, admin, "?limit=5")
	if len(first.Items) != 5 || first.Next == "" {
		t.Fatalf("first page: %d entries, next %q", len(first.Items), first.Next)
	}
	second := readAudit(t, srv, admin, "?limit=5&before="+first.Next)
	if len(second.Items) != 2 || second.Next != "" || second.Items[0].ID != page.Items[4].ID {
		t.Errorf("second page: %+v", second)
	}
	for _, q := range []string{"?limit=500", "?outcome=maybe", "?before=xyz", "?from=yesterday"} {
		if r := srv.Get("/api/v1/audit"+q, admin); r.Status != http.StatusBadRequest {
			t.Errorf("GET /audit%s: %d", q, r.Status)
		}
	}
	// Only administrators read it.
	for _, tok := range []string{"", resident, deptTok, srv.Token(t, portal.RoleOfficial, "")} {
		if r := srv.Get("/api/v1/audit", tok); r.Status != http.StatusUnauthorized && r.Status != http.StatusForbidden {
			t.Errorf("GET /audit as non-admin: %d", r.Status)
		}
	}
}

// TestTrust_AuditLog_NeverEditable: no route changes or removes an entry,
// whoever asks, and the log's type has no method that could.
func TestTrust_AuditLog_NeverEditable(t *testing.T) {
	srv := portaltest.NewServer(t, portaltest.WithDemo())
	admin := srv.Token(t, portal.RoleAdmin, "")
	srv.PostJSON("/api/v1/users", admin, map[string]any{"username": "someone", "password": "green-streets-42", "role": "resident"})
	before := readAudit(t, srv, admin, "")
	if len(before.Items) != 1 {
		t.Fatalf("entries: %d", len(before.Items))
	}
	entry := before.Items[0].ID
	for _, m := range []string{"PUT", "PATCH", "DELETE", "POST"} {
		for _, path := range []string{"/api/v1/audit", "/api/v1/audit/" + entry} {
			r := srv.Do(portaltest.Request{Method: m, Path: path, Token: admin, Body: map[string]any{"outcome": "ok", "username": "nobody"}})
			if r.Status != http.StatusNotFound && r.Status != http.StatusMethodNotAllowed {
				t.Errorf("%s %s: %d, want 404 or 405", m, path, r.Status)
			}
		}
	}
	after := readAudit(t, srv, admin, "")
	// The attempts are themselves recorded (an administrator's writes), and
	// the first entry is unchanged.
	last := after.Items[len(after.Items)-1]
	if last.ID != entry || !reflect.DeepEqual(last, before.Items[0]) {
		t.Errorf("entry changed:\nbefore %+v\nafter  %+v", before.Items[0], last)
	}
	if len(after.Items) != 1+8 {
		t.Errorf("entries after 8 refused attempts: %d, want 9", len(after.Items))
	}
	var methods []string
	for i := range reflect.TypeFor[*audit.Log]().NumMethod() {
		methods = append(methods, reflect.TypeFor[*audit.Log]().Method(i).Name)
	}
	if !slices.Equal(methods, []string{"Init", "List", "Record"}) {
		t.Errorf("audit.Log methods %v: only Init, List and Record may exist", methods)
	}
}
