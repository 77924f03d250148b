package portal_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"cleancity/portal"
	"cleancity/portal/portaltest"
)

// The attack of issue 15 row 3: a resident types a phone number and a flat
// number into the description (and the flat into the address); before the
// fix, Open311 GET /requests published both verbatim.
const (
	row3Phone       = "13912345678"
	row3Flat        = "502室"
	row3Description = "3栋" + row3Flat + "门口垃圾堆了一周，我的电话" + row3Phone
	row3Address     = "和平社区3栋" + row3Flat
)

// publicSurfaces fetches every public answer that could carry a case's
// text: track, the public map, the overdue list, Open311 (list, one, by
// id, by updated time, updates) in both formats.
func publicSurfaces(t *testing.T, srv *portaltest.Server, id string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for name, path := range map[string]string{
		"track":             "/api/v1/track/" + id,
		"public map":        "/api/v1/complaints/public?days=90",
		"overdue list":      "/api/v1/complaints/overdue",
		"open311 list json": "/open311/v2/requests.json",
		"open311 list xml":  "/open311/v2/requests.xml",
		"open311 one json":  "/open311/v2/requests/" + id + ".json",
		"open311 one xml":   "/open311/v2/requests/" + id + ".xml",
		"open311 ids":       "/open311/v2/requests.json?service_request_id=" + id,
		"open311 updated":   "/open311/v2/requests.xml?date_field=updated_datetime",
		"open311 updates":   "/open311/v2/servicerequestupdates.json",
	} {
		r := srv.Get(path, "")
		if r.Status != http.StatusOK {
			t.Fatalf("%s: %d %s", name, r.Status, r.Body)
		}
		out[name] = string(r.Body)
	}
	return out
}

// publishOverdue lets the case run overdue until the sweeper puts it on the
// public overdue list.
func publishOverdue(t *testing.T, srv *portaltest.Server, clock *portaltest.Clock, id string) {
	t.Helper()
	for range 6 {
		clock.Advance(48 * time.Hour)
		if _, err := srv.Complaints.Sweep(context.Background()); err != nil {
			t.Fatal(err)
		}
		if c, err := srv.Complaints.Track(context.Background(), id); err == nil && c.Published {
			return
		}
	}
	t.Fatalf("%s never reached the overdue list", id)
}

func TestTrust_Row03_PublicSurfacesShowOnlyApprovedText(t *testing.T) {
	e := newO311Env(t)
	srv := e.srv
	id := e.mustPost(t, "json", "lat", "", "long", "", "address_string", row3Address, "description", row3Description)
	// The attack as found: GET /requests (and one request) in both formats.
	for _, path := range []string{"/open311/v2/requests.json", "/open311/v2/requests.xml",
		"/open311/v2/requests/" + id + ".json", "/open311/v2/requests/" + id + ".xml"} {
		body := string(srv.Get(path, "").Body)
		for _, secret := range []string{row3Phone, row3Flat} {
			if strings.Contains(body, secret) {
				t.Errorf("%s publishes %q: %.400s", path, secret, body)
			}
		}
	}
	publishOverdue(t, srv, e.clock, id)
	leaks := func(stage string, secrets ...string) {
		t.Helper()
		for name, body := range publicSurfaces(t, srv, id) {
			for _, s := range secrets {
				if strings.Contains(body, s) {
					t.Errorf("%s: %s shows %q", stage, name, s)
				}
			}
		}
	}
	// Unapproved: nothing of the text anywhere (this is the attack; before
	// the fix the Open311 answers carried the phone and the flat).
	leaks("pending", row3Phone, row3Flat, "门口垃圾")
	tr := srv.Get("/api/v1/track/"+id, "").JSON(t)
	if tr["publication"] != "pending" || tr["description"] != nil {
		t.Errorf("track while pending: %v", tr)
	}

	// Staff see the filed text in the moderation queue and redact it.
	off := func() string { return srv.Token(t, portal.RoleOfficial, "") }
	q := srv.Get("/api/v1/moderation", off()).JSON(t)
	items, _ := q["items"].([]any)
	if len(items) != 1 || portaltest.Lookup(items[0], "description") != row3Description || portaltest.Lookup(items[0], "address") != row3Address {
		t.Fatalf("moderation queue %v", q)
	}
	version := int(portaltest.Lookup(items[0], "version").(float64))
	for name, body := range map[string]map[string]any{
		"no decision":          {"version": version},
		"unknown decision":     {"decision": "publish", "version": version},
		"redact without text":  {"decision": "redact", "version": version},
		"approve with text":    {"decision": "approve", "description": "x", "version": version},
		"html in redaction":    {"decision": "redact", "description": "<script>x</script>", "version": version},
		"redaction too long":   {"decision": "redact", "description": strings.Repeat("脏", 4001), "version": version},
		"address too long":     {"decision": "redact", "description": "门口垃圾", "address": strings.Repeat("路", 201), "version": version},
		"missing version":      {"decision": "approve"},
		"unknown field":        {"decision": "approve", "version": version, "publish": true},
		"control chars in adr": {"decision": "redact", "description": "门口垃圾", "address": "a\u0000b", "version": version},
	} {
		if r := srv.PostJSON("/api/v1/complaints/"+id+"/moderation", off(), body); r.Status != 400 {
			t.Errorf("%s: %d %s", name, r.Status, r.Body)
		}
	}
	if r := srv.PostJSON("/api/v1/complaints/"+id+"/moderation", off(), map[string]any{"decision": "approve", "version": version + 7}); r.Status != 409 {
		t.Errorf("stale version: %d", r.Status)
	}
	if r := srv.PostJSON("/api/v1/complaints/"+id+"/moderation", srv.Token(t, portal.RoleDepartment, "sanitation"), map[string]any{"decision": "approve", "version": version}); r.Status != 403 {
		t.Errorf("department moderates: %d", r.Status)
	}
	if r := srv.PostJSON("/api/v1/complaints/"+id+"/moderation", srv.Token(t, portal.RoleOfficial, "D02"), map[string]any{"decision": "approve", "version": version}); r.Status != 403 {
		t.Errorf("another district's official moderates: %d", r.Status)
	}
	red := srv.PostJSON("/api/v1/complaints/"+id+"/moderation", off(), map[string]any{"decision": "redact",
		"description": "门口垃圾堆了一周", "address": "和平社区3栋", "version": version})
	if red.Status != 200 || portaltest.Lookup(red.JSON(t), "public_text.state") != "approved" {
		t.Fatalf("redact: %d %s", red.Status, red.Body)
	}
	leaks("redacted", row3Phone, row3Flat)
	for name, body := range publicSurfaces(t, srv, id) {
		if name == "open311 updates" {
			continue // updates carry staff notes, not the reporter's text
		}
		if !strings.Contains(body, "门口垃圾堆了一周") || !strings.Contains(body, "和平社区3栋") {
			t.Errorf("redacted: %s lacks the approved text: %.300s", name, body)
		}
	}
	if n := srv.Get("/api/v1/moderation", off()).JSON(t)["count"]; n != float64(0) {
		t.Errorf("queue after the decision: %v", n)
	}
	// Staff keep seeing the text as filed.
	if d := srv.Get("/api/v1/complaints/"+id, off()).JSON(t)["description"]; d != row3Description {
		t.Errorf("staff view %q", d)
	}
	// Withdrawing the text hides it again.
	v := int(srv.Get("/api/v1/complaints/"+id, off()).JSON(t)["version"].(float64))
	if r := srv.PostJSON("/api/v1/complaints/"+id+"/moderation", off(), map[string]any{"decision": "withhold", "version": v}); r.Status != 200 {
		t.Fatalf("withhold: %d %s", r.Status, r.Body)
	}
	leaks("withheld", row3Phone, row3Flat, "门口垃圾")
	if srv.Get("/api/v1/track/"+id, "").JSON(t)["publication"] != "withheld" {
		t.Error("track does not say withheld")
	}
}

func TestTrust_Row03_ApprovedAsFiledIsShownEverywhere(t *testing.T) {
	e := newO311Env(t)
	srv := e.srv
	id := mustFileHTTP(t, srv, "", map[string]any{"description": "背街小巷的垃圾桶满了没人清运", "address": "育才社区东门"})["tracking_code"].(string)
	publishOverdue(t, srv, e.clock, id)
	off := srv.Token(t, portal.RoleOfficial, "")
	v := int(srv.Get("/api/v1/complaints/"+id, off).JSON(t)["version"].(float64))
	if r := srv.PostJSON("/api/v1/complaints/"+id+"/moderation", off, map[string]any{"decision": "approve", "version": v}); r.Status != 200 {
		t.Fatalf("approve: %d %s", r.Status, r.Body)
	}
	for name, body := range publicSurfaces(t, srv, id) {
		if name != "open311 updates" && (!strings.Contains(body, "背街小巷的垃圾桶满了没人清运") || !strings.Contains(body, "育才社区东门")) {
			t.Errorf("%s lacks the approved text: %.300s", name, body)
		}
	}
}

func TestTrust_Row03_PrivateCaseNeverShowsItsText(t *testing.T) {
	e := newO311Env(t)
	srv := e.srv
	id := mustFileHTTP(t, srv, "", map[string]any{"description": row3Description, "address": row3Address, "private": true})["tracking_code"].(string)
	// The multipart form takes the choice too.
	body, ct := multipartBody(t, map[string]string{"category": "garbage", "description": row3Description, "lat": "27.885", "lon": "113.09",
		"address": row3Address, "private": "true"}, nil)
	mp := srv.Do(portaltest.Request{Method: http.MethodPost, Path: "/api/v1/complaints", Body: body, ContentType: ct})
	if mp.Status != 201 {
		t.Fatalf("multipart private: %d %s", mp.Status, mp.Body)
	}
	body, ct = multipartBody(t, map[string]string{"category": "garbage", "description": row3Description, "lat": "27.885", "lon": "113.09", "private": "yes"}, nil)
	if r := srv.Do(portaltest.Request{Method: http.MethodPost, Path: "/api/v1/complaints", Body: body, ContentType: ct}); r.Status != 400 {
		t.Errorf("private=yes: %d", r.Status)
	}
	publishOverdue(t, srv, e.clock, id)
	off := srv.Token(t, portal.RoleOfficial, "")
	if n := srv.Get("/api/v1/moderation", off).JSON(t)["count"]; n != float64(0) {
		t.Errorf("private cases in the moderation queue: %v", n)
	}
	v := int(srv.Get("/api/v1/complaints/"+id, off).JSON(t)["version"].(float64))
	for _, d := range []map[string]any{{"decision": "approve", "version": v},
		{"decision": "redact", "description": "门口垃圾", "version": v}} {
		if r := srv.PostJSON("/api/v1/complaints/"+id+"/moderation", off, d); r.Status != 409 {
			t.Errorf("%v on a private case: %d %s", d["decision"], r.Status, r.Body)
		}
	}
	for name, body := range publicSurfaces(t, srv, id) {
		for _, s := range []string{row3Phone, row3Flat, "门口垃圾"} {
			if strings.Contains(body, s) {
				t.Errorf("private: %s shows %q", name, s)
			}
		}
	}
	if tr := srv.Get("/api/v1/track/"+id, "").JSON(t); tr["publication"] != "private" {
		t.Errorf("track %v", tr["publication"])
	}
	if sv := srv.Get("/api/v1/complaints/"+id, off).JSON(t); sv["private"] != true || sv["description"] != row3Description {
		t.Errorf("staff view of a private case: %v %v", sv["private"], sv["description"])
	}
}

func TestTrust_Row11_Open311SharesTheFilingLimitPerAddress(t *testing.T) {
	e := newO311Env(t, portaltest.WithConfig(func(c *portal.Config) { c.FilingLimit = 3 }))
	srv := e.srv
	other := srv.PostJSON("/api/v1/apikeys", e.admin, map[string]any{"name": "另一个App"}).JSON(t)["key"].(string)
	post := func(key, format string) portaltest.Response {
		v := url.Values{"api_key": {key}, "service_code": {"garbage"}, "lat": {"27.885"}, "long": {"113.09"}, "description": {"小区门口的垃圾没人清运"}}
		return srv.Do(portaltest.Request{Method: http.MethodPost, Path: "/open311/v2/requests." + format,
			Body: v.Encode(), ContentType: "application/x-www-form-urlencoded"})
	}
	// One web filing and two Open311 filings with two keys use up the
	// address's three; no key's own limit (30 at once) is near.
	mustFileHTTP(t, srv, "", nil)
	if r := post(e.key, "json"); r.Status != 201 {
		t.Fatalf("first Open311 filing: %d %s", r.Status, r.Body)
	}
	if r := post(other, "json"); r.Status != 201 {
		t.Fatalf("second: %d %s", r.Status, r.Body)
	}
	for _, format := range formats {
		r := post(other, format)
		a := parseO311(t, format, r)
		if r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" || len(a.errors) != 1 || a.errors[0].Code != 429 {
			t.Errorf("%s over the address limit: %d %s", format, r.Status, r.Body)
		}
	}
	// The web form is refused too: one bucket per address.
	if r := srv.PostJSON("/api/v1/complaints", "", fileBody(nil)); r.Status != http.StatusTooManyRequests {
		t.Errorf("web form after Open311 used the bucket: %d", r.Status)
	}
	// A staff token does not lift the Open311 address limit.
	if r := srv.Do(portaltest.Request{Method: http.MethodPost, Path: "/open311/v2/requests.json", Token: srv.Token(t, portal.RoleAdmin, ""),
		Body:        url.Values{"api_key": {e.key}, "service_code": {"garbage"}, "lat": {"27.885"}, "long": {"113.09"}}.Encode(),
		ContentType: "application/x-www-form-urlencoded"}); r.Status != http.StatusTooManyRequests {
		t.Errorf("Open311 with a staff token: %d", r.Status)
	}
	e.clock.Advance(21 * time.Minute)
	if r := post(e.key, "xml"); r.Status != 201 {
		t.Errorf("after a token refilled: %d %s", r.Status, r.Body)
	}
}

func TestTrust_Row11_DemoKeyIsLimitedPerAddress(t *testing.T) {
	srv := newCityServer(t, portaltest.WithDemo(), portaltest.WithConfig(func(c *portal.Config) { c.FilingLimit = 2 }))
	send := func() int {
		v := url.Values{"api_key": {"demo"}, "service_code": {"garbage"}, "lat": {"27.885"}, "long": {"113.09"}, "description": {"小区门口的垃圾没人清运"}}
		return srv.Do(portaltest.Request{Method: http.MethodPost, Path: "/open311/v2/requests.json",
			Body: v.Encode(), ContentType: "application/x-www-form-urlencoded"}).Status
	}
	for i, want := range []int{201, 201, 429, 429} {
		if got := send(); got != want {
			t.Errorf("demo key filing %d: %d, want %d", i+1, got, want)
		}
	}
}
