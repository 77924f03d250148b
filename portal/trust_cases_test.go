package portal_test

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"cleancity/complaints"
	"cleancity/complaints/photo/phototest"
	"cleancity/portal"
	"cleancity/portal/portaltest"
	"cleancity/portal/store/storetest"
)

// Regression tests of issue 15 (the attack on the demo city), one per row
// this branch fixes: each reproduces the attack through the real app.

// TestTrust_Row02_DuplicateHintsDoNotLocateReporters repeats the attack:
// three duplicate checks around a case's public (rounded) position and
// trilateration from the distances recovered the anonymous reporter's
// point within 0.4 m. Now the answer carries only a distance band computed
// from the public position, so two cases in the same public cell answer
// every query alike, and lookups are limited per address.
func TestTrust_Row02_DuplicateHintsDoNotLocateReporters(t *testing.T) {
	clock := portaltest.NewClock(time.Date(2026, 6, 1, 5, 5, 0, 0, time.UTC))
	e := &workflowEnv{srv: newCityServer(t, portaltest.WithClock(clock)), clock: clock}
	e.sanitation = e.srv.Token(t, portal.RoleDepartment, "sanitation")
	truth := [2]float64{27.88537, 113.09042}
	a := mustFileHTTP(t, e.srv, "", map[string]any{"lat": truth[0], "lon": truth[1]})
	pub := e.srv.Get("/api/v1/track/"+a["id"].(string), "").JSON(t)["location"].(map[string]any)
	pubLat, pubLon := pub["lat"].(float64), pub["lon"].(float64)

	// Metres east and north of the public point (flat earth is exact enough here).
	const mPerDeg = 111320.0
	east := func(lon float64) float64 { return (lon - pubLon) * mPerDeg * math.Cos(pubLat*math.Pi/180) }
	north := func(lat float64) float64 { return (lat - pubLat) * mPerDeg }
	lookup := func(lat, lon float64) map[string]any {
		t.Helper()
		r := e.srv.Get(fmt.Sprintf("/api/v1/complaints/duplicates?category=garbage&lat=%.6f&lon=%.6f", lat, lon), "")
		if r.Status != http.StatusOK {
			t.Fatalf("duplicates at %.6f,%.6f: %d %s", lat, lon, r.Status, r.Body)
		}
		list := r.JSON(t)["possible_duplicates"].([]any)
		if len(list) != 1 {
			t.Fatalf("duplicates at %.6f,%.6f: %v", lat, lon, list)
		}
		return list[0].(map[string]any)
	}

	// The attack: three distances, then trilateration.
	probes := [][2]float64{{pubLat + 0.0004, pubLon + 0.0002}, {pubLat + 0.0002, pubLon + 0.0005}, {pubLat + 0.0005, pubLon + 0.0005}}
	var dist [3]float64
	for i, p := range probes {
		c := lookup(p[0], p[1])
		d, exact := c["distance_m"].(float64)
		if exact {
			dist[i] = d
			continue
		}
		if w, _ := c["within_m"].(float64); w != 50 && w != 100 && w != 200 && w != 300 {
			t.Errorf("probe %d: within_m %v, want a band of 50/100/200/300 m", i, c["within_m"])
		}
		dist[i] = -1
	}
	if dist[0] >= 0 {
		// Linearised trilateration: subtract the first circle from the others.
		x := [3]float64{east(probes[0][1]), east(probes[1][1]), east(probes[2][1])}
		y := [3]float64{north(probes[0][0]), north(probes[1][0]), north(probes[2][0])}
		a1, b1 := 2*(x[1]-x[0]), 2*(y[1]-y[0])
		c1 := dist[0]*dist[0] - dist[1]*dist[1] + x[1]*x[1] - x[0]*x[0] + y[1]*y[1] - y[0]*y[0]
		a2, b2 := 2*(x[2]-x[0]), 2*(y[2]-y[0])
		c2 := dist[0]*dist[0] - dist[2]*dist[2] + x[2]*x[2] - x[0]*x[0] + y[2]*y[2] - y[0]*y[0]
		det := a1*b2 - a2*b1
		gx, gy := (c1*b2-c2*b1)/det, (a1*c2-a2*c1)/det
		miss := math.Hypot(gx-east(truth[1]), gy-north(truth[0]))
		t.Fatalf("duplicate hints give exact distances %v: trilateration found the reporter within %.2f m", dist, miss)
	}

	// Every answer depends on the case's public position only: a second
	// case elsewhere in the same public cell answers a grid of queries
	// exactly as the first did.
	answers := func() []string {
		var out []string
		for i := -3; i <= 3; i++ {
			for j := -3; j <= 3; j++ {
				if len(out)%25 == 24 {
					clock.Advance(time.Minute) // stay under the lookup limit
				}
				c := lookup(pubLat+float64(i)*0.0002, pubLon+float64(j)*0.0002)
				out = append(out, fmt.Sprint(c["within_m"], c["distance_m"]))
			}
		}
		return out
	}
	before := answers()
	if r := e.act(t, e.sanitation, a["id"].(string), map[string]any{"action": "reject", "note": "测试完毕", "version": 1}); r.Status != 200 {
		t.Fatalf("reject: %d %s", r.Status, r.Body)
	}
	clock.Advance(time.Minute)
	b := mustFileHTTP(t, e.srv, "", map[string]any{"lat": pubLat - 0.00041, "lon": pubLon + 0.00044})
	if got := e.srv.Get("/api/v1/track/"+b["id"].(string), "").JSON(t)["location"]; fmt.Sprint(got) != fmt.Sprint(pub) {
		t.Fatalf("second case is not in the same public cell: %v vs %v", got, pub)
	}
	after := answers()
	for i := range before {
		if before[i] != after[i] {
			t.Fatalf("query %d answers %q for one case and %q for another in the same public cell", i, before[i], after[i])
		}
	}

	// Lookups are limited per client address.
	clock.Advance(time.Hour)
	var last portaltest.Response
	for range 31 {
		last = e.srv.Get(fmt.Sprintf("/api/v1/complaints/duplicates?category=garbage&lat=%f&lon=%f", pubLat, pubLon), "")
	}
	if last.Status != http.StatusTooManyRequests || last.Header.Get("Retry-After") == "" {
		t.Errorf("31st lookup in a minute: %d %s", last.Status, last.Body)
	}
}

// pointIn returns the centre of a demo lattice cell in the district.
func pointIn(t *testing.T, srv *portaltest.Server, district string) (lat, lon float64) {
	t.Helper()
	for col := range 12 {
		for row := range 10 {
			p := cellPoint(col, row)
			if loc, err := srv.Areas.Locate(p.Lat, p.Lon); err == nil && loc.District.ID == district {
				return p.Lat, p.Lon
			}
		}
	}
	t.Fatalf("no lattice cell in %s", district)
	return 0, 0
}

// TestTrust_Row04_MergeChecksTheTarget repeats the attack: a district
// official merged its case into another district's case of another
// category, a department merged into another department's case, a merge
// into a resolved case was taken, and the merged case counted as answered
// in time. Reassignment (row 13) goes only to departments that serve the
// case's district.
func TestTrust_Row04_MergeChecksTheTarget(t *testing.T) {
	e := newWorkflowEnv(t)
	officialD1 := e.srv.Token(t, portal.RoleOfficial, "D01")
	d2Lat, d2Lon := pointIn(t, e.srv, "D02")
	id := func(m map[string]any) string { return m["id"].(string) }
	merge := func(tok, from, into string) portaltest.Response {
		t.Helper()
		return e.act(t, tok, from, map[string]any{"action": "merge", "into": into, "note": "重复", "version": e.version(t, from)})
	}
	want := func(name string, r portaltest.Response, status int, field string) {
		t.Helper()
		if r.Status != status {
			t.Errorf("%s: %d %s, want %d", name, r.Status, r.Body, status)
			return
		}
		if field != "" && portaltest.Lookup(r.JSON(t), "error.fields."+field) == nil {
			t.Errorf("%s: no message for %s: %s", name, field, r.Body)
		}
	}

	ownD1 := id(mustFileHTTP(t, e.srv, "", nil))
	otherD2 := id(mustFileHTTP(t, e.srv, "", map[string]any{"category": "flyers", "lat": d2Lat, "lon": d2Lon}))
	want("district official into another district's case", merge(officialD1, ownD1, otherD2), 403, "into")
	otherCat := id(mustFileHTTP(t, e.srv, "", map[string]any{"category": "flyers"}))
	want("into another category", merge(officialD1, ownD1, otherCat), 400, "into")

	// A department's in-progress case into another department's case.
	mine := id(mustFileHTTP(t, e.srv, "", nil))
	for _, a := range []string{"accept", "start"} {
		if r := e.act(t, e.sanitation, mine, map[string]any{"action": a, "version": e.version(t, mine)}); r.Status != 200 {
			t.Fatalf("%s: %d %s", a, r.Status, r.Body)
		}
	}
	theirs := id(mustFileHTTP(t, e.srv, "", nil))
	if r := e.act(t, e.official, theirs, map[string]any{"action": "reassign", "department": "citymgmt", "note": "城管负责", "version": 1}); r.Status != 200 {
		t.Fatalf("reassign to citymgmt: %d %s", r.Status, r.Body)
	}
	want("department into another department's case", merge(e.sanitation, mine, theirs), 403, "into")

	// Into a resolved case.
	done := id(mustFileHTTP(t, e.srv, "", nil))
	for _, a := range []map[string]any{{"action": "accept"}, {"action": "start"}, {"action": "resolve", "note": "已清运"}} {
		a["version"] = e.version(t, done)
		if r := e.act(t, e.sanitation, done, a); r.Status != 200 {
			t.Fatalf("%v: %d %s", a["action"], r.Status, r.Body)
		}
	}
	want("into a resolved case", merge(e.sanitation, mine, done), 400, "into")
	for _, c := range []string{ownD1, otherD2, mine, theirs, done} {
		if tr := e.srv.Get("/api/v1/track/"+c, "").JSON(t); tr["merged_into"] != nil {
			t.Errorf("%s merged into %v after the refusals", c, tr["merged_into"])
		}
	}

	// Reassignment only to a department serving the case's district.
	r := e.act(t, officialD1, ownD1, map[string]any{"action": "reassign", "department": "office-D02-S01", "note": "转办", "version": e.version(t, ownD1)})
	want("district official reassigning to another district's street office", r, 400, "department")
	r = e.act(t, officialD1, ownD1, map[string]any{"action": "reassign", "department": "office-D01-S02", "note": "转办", "version": e.version(t, ownD1)})
	want("district official reassigning to a street office of the district", r, 200, "")

	// A legitimate merge still works, and the merged duplicate does not
	// count as answered in time: the figures follow the case it joined.
	e.clock.Set(time.Date(2026, 6, 3, 1, 0, 0, 0, time.UTC))
	dup := id(mustFileHTTP(t, e.srv, "", nil))
	kept := id(mustFileHTTP(t, e.srv, "", nil))
	e.clock.Advance(time.Hour)
	want("merge a duplicate into an open case of the same category", merge(e.srv.Token(t, portal.RoleDepartment, "sanitation"), dup, kept), 200, "")
	e.clock.Advance(30 * time.Hour) // past both due times (24 h), kept unanswered
	if err := e.srv.DashboardSync(t.Context()); err != nil {
		t.Fatal(err)
	}
	m := e.srv.Get("/api/v1/dashboard/complaints?from=2026-06-04&to=2026-06-04&category=garbage", e.srv.Token(t, portal.RoleAdmin, "")).JSON(t)
	if num, den := portaltest.Lookup(m, "on_time.num"), portaltest.Lookup(m, "on_time.den"); num != 0.0 || den != 1.0 {
		t.Errorf("on time for the day the two were due: %v/%v, want 0/1 (the merged duplicate is no answer in time)", num, den)
	}
}

// TestTrust_Row06_DeepPhotosAreRefusedBeforeDecoding: a 7000 x 7000 PNG at
// 16 bits per channel (286 KB, under the pixel cap) was decoded to 392 MB
// and stored (201); three filings of four took a process to 2.57 GB. Now
// the header's size and depth refuse it with a message on its field before
// any pixel is allocated, while a 12-megapixel phone JPEG is still taken.
// (Peak memory under the whole attack is measured by bench/photos.)
func TestTrust_Row06_DeepPhotosAreRefusedBeforeDecoding(t *testing.T) {
	srv := newCityServer(t)
	file := func(data []byte) portaltest.Response {
		body, ct := multipartBody(t, map[string]string{"data": mustJSON(fileBody(nil))},
			[]filePart{{field: "photos", name: "p.png", ct: "image/png", data: data}})
		return srv.Do(portaltest.Request{Method: http.MethodPost, Path: "/api/v1/complaints", Body: body, ContentType: ct})
	}
	r := file(phototest.DeepPNG(7000, 7000))
	if r.Status != http.StatusBadRequest || fieldMsg(t, r, "photos.0") == "" {
		t.Fatalf("deep PNG: %d %.300s, want 400 with a message on photos.0", r.Status, r.Body)
	}
	r = file(phototest.PhoneJPEG(4000, 3000))
	if r.Status != http.StatusCreated {
		t.Fatalf("12-megapixel phone JPEG: %d %.300s", r.Status, r.Body)
	}
	if w := portaltest.Lookup(r.JSON(t), "photos.0.width"); w != 2560.0 {
		t.Errorf("stored width %v, want 2560", w)
	}
}

// TestTrust_Row07_MeTooCountsOncePerDeviceAndContactsAreConfirmed repeats
// the attack: ten anonymous joins from one address took a case from 0 to
// 10 supporters, and each join notified the unverified phone and email
// given with the filing (five joins, five messages to a stranger). Now an
// anonymous join counts once per device and address; the contact gets one
// message, a code, and is named in notifications only once the reporter
// entered it, with a bounded number of tries.
func TestTrust_Row07_MeTooCountsOncePerDeviceAndContactsAreConfirmed(t *testing.T) {
	e := newWorkflowEnv(t)
	victim := map[string]any{"name": "李先生", "phone": "13912345678", "email": "victim@example.com"}
	filed := mustFileHTTP(t, e.srv, "", map[string]any{"contact": victim})
	id, secret := filed["id"].(string), filed["follow_up_secret"].(string)
	if filed["contact_confirmation"] != "sent" {
		t.Errorf("contact_confirmation = %v, want sent", filed["contact_confirmation"])
	}

	// Ten anonymous joins from one address, with and without the device
	// token the first answer issued.
	first := e.srv.PostJSON("/api/v1/complaints/"+id+"/join", "", nil)
	device := first.Header.Get("X-Device-Token")
	if first.Status != 200 || device == "" || !strings.Contains(first.Header.Get("Set-Cookie"), "cc_device=") {
		t.Errorf("first anonymous join: %d %s (device %q, cookie %q)", first.Status, first.Body, device, first.Header.Get("Set-Cookie"))
	}
	for i := range 9 {
		h := map[string]string{}
		if i%2 == 0 {
			h["X-Device-Token"] = device
		}
		r := e.srv.Do(portaltest.Request{Method: http.MethodPost, Path: "/api/v1/complaints/" + id + "/join", Header: h})
		if r.Status != http.StatusConflict {
			t.Errorf("anonymous join %d from the same address: %d %s, want 409", i+2, r.Status, r.Body)
		}
	}
	if n := e.srv.Get("/api/v1/track/"+id, "").JSON(t)["supporters"]; n != 1.0 {
		t.Errorf("supporters after ten anonymous joins from one address: %v, want 1", n)
	}
	// Five residents join: five notifications, none naming the contact.
	for range 5 {
		if r := e.srv.PostJSON("/api/v1/complaints/"+id+"/join", e.srv.Token(t, portal.RoleResident, ""), nil); r.Status != 200 {
			t.Fatalf("resident join: %d %s", r.Status, r.Body)
		}
	}
	version := int(e.version(t, id))
	named := 0
	for seq := 2; seq <= version; seq++ {
		m, err := e.srv.ComplaintMessage(t.Context(), fmt.Sprintf("%s/%06d/log", id, seq))
		if err != nil {
			t.Fatalf("join message %d: %v", seq, err)
		}
		if strings.Contains(string(m.Payload), "13912345678") || strings.Contains(string(m.Payload), "victim@example.com") {
			named++
		}
	}
	if named != 0 {
		t.Errorf("%d of %d join notifications name the unconfirmed contact", named, version-1)
	}
	if t.Failed() {
		t.FailNow()
	}
	code, err := e.srv.ComplaintMessage(t.Context(), id+"/contact-code/log")
	if err != nil || !strings.Contains(string(code.Payload), "13912345678") {
		t.Fatalf("the contact's one code message: %+v %v", code, err)
	}
	// Filing again with the same contact the same day sends no second code.
	again := mustFileHTTP(t, e.srv, "", map[string]any{"contact": victim, "lat": inLat + 0.001})
	if again["contact_confirmation"] != "limited" {
		t.Errorf("second filing with the contact: contact_confirmation %v, want limited", again["contact_confirmation"])
	}
	if _, err := e.srv.ComplaintMessage(t.Context(), again["id"].(string)+"/contact-code/log"); err == nil {
		t.Errorf("a second code went to the same contact the same day")
	}

	// Tries are bounded: five wrong codes, then even the right one is refused.
	var payload struct{ Code string }
	if err := json.Unmarshal(code.Payload, &payload); err != nil || len(payload.Code) != 6 {
		t.Fatalf("code payload %s: %v", code.Payload, err)
	}
	wrong := "000000"
	if payload.Code == wrong {
		wrong = "111111"
	}
	confirm := func(id, secret, code string) portaltest.Response {
		return e.srv.PostJSON("/api/v1/track/"+id+"/contact/confirm", "", map[string]any{"secret": secret, "code": code})
	}
	if r := confirm(id, "WRONG-SECRET", payload.Code); r.Status != http.StatusForbidden {
		t.Errorf("confirm without the reporter's secret: %d %s", r.Status, r.Body)
	}
	for i := range 5 {
		if r := confirm(id, secret, wrong); r.Status != http.StatusBadRequest {
			t.Errorf("wrong code %d: %d %s", i+1, r.Status, r.Body)
		}
	}
	if r := confirm(id, secret, payload.Code); r.Status != http.StatusConflict {
		t.Errorf("right code after five wrong ones: %d %s, want 409", r.Status, r.Body)
	}

	// The happy path on a fresh contact: confirmed, then named.
	own := mustFileHTTP(t, e.srv, "", map[string]any{"contact": map[string]any{"phone": "13700000001"}, "lat": inLat + 0.002})
	oid := own["id"].(string)
	m, err := e.srv.ComplaintMessage(t.Context(), oid+"/contact-code/log")
	if err != nil || json.Unmarshal(m.Payload, &payload) != nil {
		t.Fatalf("code message: %v", err)
	}
	if r := confirm(oid, own["follow_up_secret"].(string), payload.Code); r.Status != 200 || r.JSON(t)["contact_confirmed"] != true {
		t.Fatalf("confirm: %d %s", r.Status, r.Body)
	}
	if r := e.srv.PostJSON("/api/v1/complaints/"+oid+"/join", e.resident, nil); r.Status != 200 {
		t.Fatalf("join: %d %s", r.Status, r.Body)
	}
	v := int(e.version(t, oid))
	if m, err := e.srv.ComplaintMessage(t.Context(), fmt.Sprintf("%s/%06d/log", oid, v)); err != nil || !strings.Contains(string(m.Payload), "13700000001") {
		t.Errorf("join notification after confirmation does not reach the contact: %s %v", m.Payload, err)
	}
	for _, h := range e.srv.Get("/api/v1/track/"+oid, "").JSON(t)["history"].([]any) {
		if a := h.(map[string]any)["action"]; a == "confirm_contact" {
			t.Errorf("public history shows the contact confirmation")
		}
	}
}

// TestTrust_RetentionSweepDeletesContacts: reporters' contact details are
// deleted once a case has been closed longer than the retention period,
// by exactly one of several portal processes sweeping the same store at
// once (each erasure is an event claimed by insert); a case closed more
// recently keeps them. Before this sweep nothing ever deleted them.
func TestTrust_RetentionSweepDeletesContacts(t *testing.T) {
	clock := portaltest.NewClock(time.Date(2026, 1, 5, 2, 0, 0, 0, time.UTC))
	shared := storetest.DatabaseName()
	db := portaltest.WithConfig(func(c *portal.Config) { c.Database = shared })
	a := newCityServer(t, portaltest.WithClock(clock), db)
	b := portaltest.NewServer(t, portaltest.WithClock(clock), db)
	staff := a.Token(t, portal.RoleDepartment, "sanitation")
	old := mustFileHTTP(t, a, "", map[string]any{"contact": map[string]any{"name": "赵女士", "phone": "13600000002"}})
	reject := func(id string) {
		t.Helper()
		if r := a.PostJSON("/api/v1/complaints/"+id+"/actions", staff, map[string]any{"action": "reject", "note": "不属实", "version": 1}); r.Status != 200 {
			t.Fatalf("reject: %d %s", r.Status, r.Body)
		}
	}
	reject(old["id"].(string))
	if _, err := a.ComplaintMessage(t.Context(), old["id"].(string)+"/contact-code/log"); err != nil {
		t.Fatalf("code message before the sweep: %v", err)
	}
	clock.Advance(170 * 24 * time.Hour)
	staff = a.Token(t, portal.RoleDepartment, "sanitation")
	recent := mustFileHTTP(t, a, "", map[string]any{"contact": map[string]any{"phone": "13600000003"}})
	reject(recent["id"].(string))
	clock.Advance(11 * 24 * time.Hour) // old: closed 181 days ago; recent: 11 days

	const retention = 180 * 24 * time.Hour
	results := make([]complaints.EraseResult, 2)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i, srv := range []*portaltest.Server{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = srv.Complaints.EraseContacts(t.Context(), retention)
		}()
	}
	wg.Wait()
	if errs[0] != nil || errs[1] != nil || results[0].Erased+results[1].Erased != 1 {
		t.Fatalf("two processes sweeping: %+v %v", results, errs)
	}
	admin := a.Token(t, portal.RoleAdmin, "")
	got := a.Get("/api/v1/complaints/"+old["id"].(string), admin).JSON(t)
	if got["contact"] != nil {
		t.Errorf("contact kept after the retention period: %v", got["contact"])
	}
	erasures := 0
	for _, ev := range got["events"].([]any) {
		if ev.(map[string]any)["action"] == "erase_contact" {
			erasures++
		}
	}
	if erasures != 1 {
		t.Errorf("%d erasure events, want 1", erasures)
	}
	if _, err := a.ComplaintMessage(t.Context(), old["id"].(string)+"/contact-code/log"); err == nil {
		t.Errorf("the delivered code message naming the contact was kept")
	}
	if c := a.Get("/api/v1/complaints/"+recent["id"].(string), admin).JSON(t)["contact"]; c == nil {
		t.Errorf("contact of a case closed 11 days ago was deleted")
	}
	// A second sweep finds nothing more.
	if res, err := b.Complaints.EraseContacts(t.Context(), retention); err != nil || res.Erased != 0 {
		t.Errorf("second sweep: %+v %v", res, err)
	}
}
