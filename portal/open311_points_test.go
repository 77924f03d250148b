package portal_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"cleancity/portal"
	"cleancity/portal/portaltest"
)

// The conformance points of issue 16, each in both formats. Records are
// read generically (field name -> value, nil for JSON null), so a test can
// tell null from "" and an absent XML element from an empty one.

type o311Env struct {
	srv   *portaltest.Server
	clock *portaltest.Clock
	key   string
	admin string
}

func newO311Env(t *testing.T, opts ...portaltest.Option) *o311Env {
	t.Helper()
	clock := portaltest.NewClock(time.Date(2026, 6, 1, 5, 5, 0, 0, time.UTC))
	srv := newCityServer(t, append([]portaltest.Option{portaltest.WithClock(clock)}, opts...)...)
	admin := srv.Token(t, portal.RoleAdmin, "")
	mk := srv.PostJSON("/api/v1/apikeys", admin, map[string]any{"name": "市民App"})
	if mk.Status != 201 {
		t.Fatalf("create key: %d %s", mk.Status, mk.Body)
	}
	return &o311Env{srv: srv, clock: clock, key: mk.JSON(t)["key"].(string), admin: admin}
}

// post sends a form; kv pairs override the defaults ("" deletes a field).
// Several values of a key are given as repeated pairs after a "+" prefix.
func (e *o311Env) post(format string, kv ...string) portaltest.Response {
	v := url.Values{"api_key": {e.key}, "service_code": {"garbage"}, "lat": {"27.885"}, "long": {"113.09"},
		"description": {"小区门口的垃圾已经三天没有清运了"}}
	for i := 0; i+1 < len(kv); i += 2 {
		switch k := kv[i]; {
		case strings.HasPrefix(k, "+"):
			v.Add(k[1:], kv[i+1])
		case kv[i+1] == "":
			v.Del(k)
		default:
			v.Set(k, kv[i+1])
		}
	}
	return e.srv.Do(portaltest.Request{Method: http.MethodPost, Path: "/open311/v2/requests." + format,
		Body: v.Encode(), ContentType: "application/x-www-form-urlencoded"})
}

// mustPost files and returns the new service_request_id.
func (e *o311Env) mustPost(t *testing.T, format string, kv ...string) string {
	t.Helper()
	r := e.post(format, kv...)
	if r.Status != http.StatusCreated {
		t.Fatalf("POST %s: %d %s", format, r.Status, r.Body)
	}
	recs := o311Records(t, format, r)
	if len(recs) != 1 || recs[0]["service_request_id"] == nil {
		t.Fatalf("created %v", recs)
	}
	return *recs[0]["service_request_id"]
}

// record is one Open311 record: field -> text, nil for JSON null. A key
// missing from the map was absent from the answer.
type record map[string]*string

// o311Records decodes a list answer (requests, created, updates) in either format.
func o311Records(t *testing.T, format string, r portaltest.Response) []record {
	t.Helper()
	if format == "json" {
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Fatalf("content type %q", ct)
		}
		var raw []map[string]json.RawMessage
		if err := json.Unmarshal(r.Body, &raw); err != nil {
			t.Fatalf("JSON: %v\n%s", err, r.Body)
		}
		out := make([]record, 0, len(raw))
		for _, m := range raw {
			rec := record{}
			for k, v := range m {
				switch {
				case string(v) == "null":
					rec[k] = nil
				case bytes.HasPrefix(v, []byte(`"`)):
					var s string
					if err := json.Unmarshal(v, &s); err != nil {
						t.Fatal(err)
					}
					rec[k] = &s
				default:
					s := string(v)
					rec[k] = &s
				}
			}
			out = append(out, rec)
		}
		return out
	}
	if ct := r.Header.Get("Content-Type"); ct != "text/xml; charset=utf-8" {
		t.Fatalf("content type %q", ct)
	}
	dec := xml.NewDecoder(bytes.NewReader(r.Body))
	var out []record
	var cur record
	var field string
	var text strings.Builder
	depth := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("XML: %v\n%s", err, r.Body)
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			depth++
			switch depth {
			case 2:
				cur = record{}
			case 3:
				field = tk.Name.Local
				text.Reset()
			}
		case xml.CharData:
			if depth == 3 {
				text.Write(tk)
			}
		case xml.EndElement:
			switch depth {
			case 3:
				s := text.String()
				cur[field] = &s
			case 2:
				out = append(out, cur)
			}
			depth--
		}
	}
	return out
}

func (e *o311Env) records(t *testing.T, format, path string) []record {
	t.Helper()
	r := e.srv.Get(strings.Replace(path, ".FMT", "."+format, 1), "")
	if r.Status != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, r.Status, r.Body)
	}
	return o311Records(t, format, r)
}

func (e *o311Env) one(t *testing.T, format, id string) record {
	t.Helper()
	recs := e.records(t, format, "/open311/v2/requests/"+id+".FMT")
	if len(recs) != 1 {
		t.Fatalf("%d records for %s", len(recs), id)
	}
	return recs[0]
}

func val(r record, k string) string {
	if v := r[k]; v != nil {
		return *v
	}
	return "<null>"
}

var formats = []string{"json", "xml"}

// nullable are the optional fields of a request record.
var nullable = []string{"status_notes", "description", "agency_responsible", "service_notice", "expected_datetime",
	"address", "address_id", "zipcode", "lat", "long", "media_url"}

// assertNull checks a field is null in JSON (present, null) or absent in XML.
func assertNull(t *testing.T, format string, r record, field string) {
	t.Helper()
	v, present := r[field]
	switch {
	case format == "json" && (!present || v != nil):
		t.Errorf("json %s = %q, present %v; want null", field, val(r, field), present)
	case format == "xml" && present:
		t.Errorf("xml <%s> present (%q); want it absent", field, *v)
	}
}

func TestOpen311_Point1_OptionalFieldsAreNullAndMediaURLIsKept(t *testing.T) {
	e := newO311Env(t)
	for _, format := range formats {
		t.Run(format, func(t *testing.T) {
			plain := e.mustPost(t, format)
			withMedia := e.mustPost(t, format, "media_url", "https://img.example.cn/r/123.jpg")
			r := e.one(t, format, plain)
			for _, f := range []string{"media_url", "service_notice", "zipcode", "address"} {
				assertNull(t, format, r, f)
			}
			for _, f := range nullable {
				if v := r[f]; v != nil && *v == "" {
					t.Errorf("%s is \"\"; optional fields are null or a value", f)
				}
			}
			if got := val(e.one(t, format, withMedia), "media_url"); got != "https://img.example.cn/r/123.jpg" {
				t.Errorf("media_url sent with POST came back %q", got)
			}
			// POST's answer: service_notice set, account_id null.
			created := o311Records(t, format, e.post(format))
			if val(created[0], "service_notice") == "<null>" {
				t.Error("no service_notice on create")
			}
			assertNull(t, format, created[0], "account_id")
		})
	}
	// A case with a photo publishes the photo's public URL.
	body, ct := multipartBody(t, map[string]string{"category": "garbage", "description": "垃圾桶满了好几天都没人清理",
		"lat": "27.885", "lon": "113.09"}, []filePart{{"photos", "a.jpg", "image/jpeg", jpegWithGPS(t)}})
	fr := e.srv.Do(portaltest.Request{Method: http.MethodPost, Path: "/api/v1/complaints", Body: body, ContentType: ct})
	if fr.Status != 201 {
		t.Fatalf("file with photo: %d %s", fr.Status, fr.Body)
	}
	id := fr.JSON(t)["tracking_code"].(string)
	for _, format := range formats {
		u := val(e.one(t, format, id), "media_url")
		if !strings.Contains(u, "/api/v1/photos/") {
			t.Fatalf("%s media_url %q", format, u)
		}
		path := u[strings.Index(u, "/api/v1/photos/"):]
		if p := e.srv.Get(path, ""); p.Status != 200 || p.Header.Get("Content-Type") != "image/jpeg" {
			t.Errorf("%s: media_url does not serve the photo: %d", format, p.Status)
		}
	}
	// An invalid media_url is still refused, and nothing is stored.
	if r := e.post("json", "media_url", "javascript:alert(1)"); r.Status != 400 {
		t.Errorf("javascript media_url: %d", r.Status)
	}
}

func TestOpen311_Point2_SeveralStatusesCommaOrRepeated(t *testing.T) {
	e := newO311Env(t)
	open := e.mustPost(t, "json")
	closed := e.mustPost(t, "json")
	dept := e.srv.Token(t, portal.RoleDepartment, "sanitation")
	if r := e.srv.PostJSON("/api/v1/complaints/"+closed+"/actions", dept, map[string]any{"action": "reject", "version": 1, "note": "不属于本部门职责"}); r.Status != 200 {
		t.Fatalf("reject: %d %s", r.Status, r.Body)
	}
	ids := func(recs []record) []string {
		var out []string
		for _, r := range recs {
			out = append(out, val(r, "service_request_id"))
		}
		slices.Sort(out)
		return out
	}
	both := []string{open, closed}
	slices.Sort(both)
	for _, format := range formats {
		for _, tc := range []struct {
			query string
			want  []string
		}{
			{"status=open,closed", both},
			{"status=open&status=closed", both},
			{"status=closed,open", both},
			{"status=open%2Cclosed", both},
			{"status=open", []string{open}},
			{"status=closed", []string{closed}},
			{"status=closed&status=closed", []string{closed}},
			{"", both},
		} {
			if got := ids(e.records(t, format, "/open311/v2/requests.FMT?"+tc.query)); !slices.Equal(got, tc.want) {
				t.Errorf("%s ?%s: %v, want %v", format, tc.query, got, tc.want)
			}
		}
		for _, bad := range []string{"status=pending", "status=open,pending", "status=open&status=pending"} {
			if r := e.srv.Get("/open311/v2/requests."+format+"?"+bad, ""); r.Status != 400 {
				t.Errorf("%s ?%s: %d", format, bad, r.Status)
			}
		}
	}
}

func TestOpen311_Point3_DescriptionOptionalUpTo4000(t *testing.T) {
	e := newO311Env(t)
	for _, format := range formats {
		for _, d := range []string{"脏", "dirty", strings.Repeat("脏", 4000)} {
			if r := e.post(format, "description", d); r.Status != 201 {
				t.Errorf("%s description of %d characters: %d %s", format, len([]rune(d)), r.Status, r.Body)
			}
		}
		e.mustPost(t, format, "description", "")
		if r := e.post(format, "description", strings.Repeat("脏", 4001)); r.Status != 400 {
			t.Errorf("%s 4001 characters: %d", format, r.Status)
		}
	}
	// The web form still asks residents for a useful description.
	if r := e.srv.PostJSON("/api/v1/complaints", "", fileBody(map[string]any{"description": "脏"})); r.Status != 400 {
		t.Errorf("web form short description: %d", r.Status)
	}
}

func TestOpen311_Point4_MultivaluelistAttributes(t *testing.T) {
	e := newO311Env(t)
	cat := map[string]any{"name": "多选测试", "name_en": "Multi test", "service_hours": 24, "route": "grid_lead", "active": true,
		"attributes": []map[string]any{
			{"code": "kinds", "name": "类型", "name_en": "Kinds", "datatype": "multivaluelist", "required": true,
				"values": []map[string]any{{"key": "glass", "name": "玻璃", "name_en": "Glass"}, {"key": "paper", "name": "纸", "name_en": "Paper"}, {"key": "metal", "name": "金属", "name_en": "Metal"}}},
			{"code": "size", "name": "规模", "name_en": "Size", "datatype": "singlevaluelist",
				"values": []map[string]any{{"key": "s", "name": "小", "name_en": "S"}, {"key": "l", "name": "大", "name_en": "L"}}},
		}}
	if r := e.srv.Do(portaltest.Request{Method: http.MethodPut, Path: "/api/v1/categories/multi", Token: e.admin, Body: cat}); r.Status != 200 {
		t.Fatalf("category: %d %s", r.Status, r.Body)
	}
	official := e.srv.Token(t, portal.RoleOfficial, "")
	attrs := func(id string) map[string]any {
		t.Helper()
		r := e.srv.Get("/api/v1/complaints/"+id, official)
		if r.Status != 200 {
			t.Fatalf("get: %d %s", r.Status, r.Body)
		}
		m, _ := r.JSON(t)["attributes"].(map[string]any)
		return m
	}
	for _, format := range formats {
		id := e.mustPost(t, format, "service_code", "multi", "+attribute[kinds][]", "glass", "+attribute[kinds][]", "paper")
		if got := attrs(id); got["kinds"] != "glass,paper" || len(got) != 1 {
			t.Errorf("%s attribute[kinds][]: %v", format, got)
		}
		id = e.mustPost(t, format, "service_code", "multi", "+attribute[kinds]", "metal", "+attribute[kinds]", "glass", "attribute[size]", "l")
		if got := attrs(id); got["kinds"] != "metal,glass" || got["size"] != "l" {
			t.Errorf("%s repeated attribute[kinds]: %v", format, got)
		}
		for name, kv := range map[string][]string{
			"repeated single value": {"service_code", "multi", "attribute[kinds]", "glass", "+attribute[size]", "s", "+attribute[size]", "l"},
			"unknown value":         {"service_code", "multi", "+attribute[kinds][]", "glass", "+attribute[kinds][]", "wood"},
			"malformed key":         {"service_code", "multi", "attribute[kinds][x]", "glass"},
			"required missing":      {"service_code", "multi"},
		} {
			if r := e.post(format, kv...); r.Status != 400 {
				t.Errorf("%s %s: %d %s", format, name, r.Status, r.Body)
			}
		}
	}
}

func TestOpen311_Point5_AddressStringGeocodedOrTriaged(t *testing.T) {
	e := newO311Env(t)
	// Tokens are short-lived and the clock moves: a fresh one per call.
	off := func() string { return e.srv.Token(t, portal.RoleOfficial, "") }
	for _, format := range formats {
		t.Run(format, func(t *testing.T) {
			// A community name in the address places the case at once.
			id := e.mustPost(t, format, "lat", "", "long", "", "address_string", "Heping Community, building 3")
			if r := e.one(t, format, id); val(r, "address_id") != "D01-S01-C01" || val(r, "agency_responsible") == "<null>" {
				t.Errorf("geocoded record %v", r)
			}
			// A street address naming no community waits for the hotline.
			id = e.mustPost(t, format, "lat", "", "long", "", "address_string", "解放路88号门口", "description", "")
			r := e.one(t, format, id)
			if val(r, "status") != "open" || !strings.Contains(val(r, "status_notes"), "等待热线") {
				t.Errorf("triaged record %v", r)
			}
			for _, f := range []string{"agency_responsible", "address_id", "expected_datetime", "description", "address"} {
				assertNull(t, format, r, f)
			}
			if tok := e.records(t, format, "/open311/v2/tokens/"+id+".FMT"); val(tok[0], "service_request_id") != id {
				t.Errorf("token %v", tok)
			}
			q := e.srv.Get("/api/v1/triage", off()).JSON(t)
			items, _ := q["items"].([]any)
			var item map[string]any
			for _, it := range items {
				if it.(map[string]any)["id"] == id {
					item = it.(map[string]any)
				}
			}
			if item == nil || item["address"] != "解放路88号门口" || portaltest.Lookup(item, "hint.street.id") != "D01-S01" {
				t.Fatalf("triage queue %v", q)
			}
			// The operator places it: routed, due from the placement.
			e.clock.Advance(3 * time.Hour)
			placed := e.srv.PostJSON("/api/v1/triage/"+id+"/place", off(), map[string]any{"community_id": "D01-S01-C02"})
			if placed.Status != 201 {
				t.Fatalf("place: %d %s", placed.Status, placed.Body)
			}
			pc := placed.JSON(t)
			due, _ := time.Parse(time.RFC3339, pc["due_at"].(string))
			if pc["id"] != id || portaltest.Lookup(pc, "area.community.id") != "D01-S01-C02" || !due.Equal(e.clock.Now().Add(24*time.Hour)) ||
				portaltest.Lookup(pc, "department.id") == "" {
				t.Errorf("placed case %v (due %v)", pc, due)
			}
			if r := e.one(t, format, id); val(r, "address_id") != "D01-S01-C02" || val(r, "agency_responsible") == "<null>" {
				t.Errorf("record after placement %v", r)
			}
			if again := e.srv.PostJSON("/api/v1/triage/"+id+"/place", off(), map[string]any{"community_id": "D01-S01-C02"}); again.Status != 404 {
				t.Errorf("placing twice: %d", again.Status)
			}
		})
	}
	// Placing by a point on the map; refusing what is not a place.
	id := e.mustPost(t, "json", "lat", "", "long", "", "address_string", "火车站对面")
	for name, body := range map[string]map[string]any{
		"nothing":   {},
		"both":      {"community_id": "D01-S01-C01", "lat": 27.885, "lon": 113.09},
		"outside":   {"lat": 30.0, "lon": 120.0},
		"community": {"community_id": "nowhere"},
	} {
		if r := e.srv.PostJSON("/api/v1/triage/"+id+"/place", off(), body); r.Status != 400 {
			t.Errorf("place %s: %d %s", name, r.Status, r.Body)
		}
	}
	district := e.srv.Token(t, portal.RoleOfficial, "D01")
	if r := e.srv.Get("/api/v1/triage", district); r.Status != 403 {
		t.Errorf("district official reads the triage queue: %d", r.Status)
	}
	if r := e.srv.PostJSON("/api/v1/triage/"+id+"/place", e.srv.Token(t, portal.RoleDepartment, "sanitation"), map[string]any{"lat": inLat, "lon": inLon}); r.Status != 403 {
		t.Errorf("department places: %d", r.Status)
	}
	if r := e.srv.PostJSON("/api/v1/triage/"+id+"/place", off(), map[string]any{"lat": inLat, "lon": inLon}); r.Status != 201 {
		t.Fatalf("place by point: %d %s", r.Status, r.Body)
	}
	if n := e.srv.Get("/api/v1/triage", off()).JSON(t)["count"]; n != float64(0) {
		t.Errorf("queue after placing everything: %v", n)
	}
}

func TestOpen311_Point6_NullPositionsAgreeAcrossFormats(t *testing.T) {
	e := newO311Env(t)
	e.mustPost(t, "json")
	addrOnly := e.mustPost(t, "json", "lat", "", "long", "", "address_id", "D01-S01-C01")
	e.mustPost(t, "json", "lat", "", "long", "", "address_string", "某某路1号")
	for _, format := range formats {
		r := e.one(t, format, addrOnly)
		assertNull(t, format, r, "lat")
		assertNull(t, format, r, "long")
	}
	for _, path := range []string{"/open311/v2/requests.FMT", "/open311/v2/requests/" + addrOnly + ".FMT"} {
		js, xs := e.records(t, "json", path), e.records(t, "xml", path)
		if len(js) != len(xs) || len(js) == 0 {
			t.Fatalf("%s: %d JSON records, %d XML", path, len(js), len(xs))
		}
		for i := range js {
			for k, v := range js[i] {
				xv, inXML := xs[i][k]
				switch {
				case v == nil && inXML:
					t.Errorf("%s: %s is null in JSON, <%s>%s</%s> in XML", path, k, k, *xv, k)
				case v != nil && !inXML:
					t.Errorf("%s: %s is %q in JSON, absent in XML", path, k, *v)
				case v != nil && *v != *xv:
					t.Errorf("%s: %s is %q in JSON, %q in XML", path, k, *v, *xv)
				}
			}
			for k := range xs[i] {
				if _, ok := js[i][k]; !ok {
					t.Errorf("%s: <%s> only in XML", path, k)
				}
			}
		}
	}
}

func TestOpen311_Point7_DiscoveryContentTypes(t *testing.T) {
	e := newO311Env(t)
	x := e.srv.Get("/open311/v2/discovery.xml", "")
	if x.Status != 200 || x.Header.Get("Content-Type") != "text/xml; charset=utf-8" || !bytes.HasPrefix(x.Body, []byte(xml.Header)) {
		t.Errorf("discovery.xml: %d %q", x.Status, x.Header.Get("Content-Type"))
	}
	var d struct {
		Endpoints []struct {
			Formats []string `xml:"formats>format"`
		} `xml:"endpoints>endpoint"`
	}
	if err := xml.Unmarshal(x.Body, &d); err != nil || len(d.Endpoints) != 1 || !slices.Equal(d.Endpoints[0].Formats, []string{"application/json", "text/xml"}) {
		t.Errorf("discovery.xml body %v %+v", err, d)
	}
	j := e.srv.Get("/open311/v2/discovery.json", "")
	if j.Status != 200 || !strings.HasPrefix(j.Header.Get("Content-Type"), "application/json") {
		t.Errorf("discovery.json: %d %q", j.Status, j.Header.Get("Content-Type"))
	}
}

func TestOpen311_Also_UpdatedDatetimePollingAndServiceRequestUpdates(t *testing.T) {
	e := newO311Env(t)
	old := e.mustPost(t, "json")
	e.clock.Advance(10 * 24 * time.Hour)
	fresh := e.mustPost(t, "json")
	e.clock.Advance(time.Minute)
	dept := e.srv.Token(t, portal.RoleDepartment, "sanitation")
	for i, a := range []string{"accept", "start", "resolve"} {
		if r := e.srv.PostJSON("/api/v1/complaints/"+old+"/actions", dept, map[string]any{"action": a, "version": i + 1, "note": "已清运完毕"}); r.Status != 200 {
			t.Fatalf("%s: %d %s", a, r.Status, r.Body)
		}
	}
	e.clock.Advance(time.Minute)
	now := e.clock.Now()
	window := url.Values{"start_date": {now.Add(-time.Hour).Format(time.RFC3339)}, "end_date": {now.Format(time.RFC3339)}}.Encode()
	ids := func(recs []record) []string {
		var out []string
		for _, r := range recs {
			out = append(out, val(r, "service_request_id"))
		}
		return out
	}
	for _, format := range formats {
		// By default the window is on requested_datetime (the spec).
		if got := ids(e.records(t, format, "/open311/v2/requests.FMT?"+window)); !slices.Equal(got, []string{fresh}) {
			t.Errorf("%s requested window: %v", format, got)
		}
		// Asked for, it is on updated_datetime, newest change first.
		got := e.records(t, format, "/open311/v2/requests.FMT?date_field=updated_datetime&"+window)
		if !slices.Equal(ids(got), []string{old, fresh}) || val(got[0], "status") != "closed" {
			t.Errorf("%s updated window: %v", format, got)
		}
		upd := e.records(t, format, "/open311/v2/servicerequestupdates.FMT?"+window)
		var statuses []string
		for _, u := range upd {
			if val(u, "service_request_id") != old || val(u, "update_id") == "<null>" || val(u, "updated_datetime") == "<null>" {
				t.Errorf("%s update %v", format, u)
			}
			statuses = append(statuses, val(u, "status"))
		}
		if !slices.Equal(statuses, []string{"investigating", "in_progress", "fixed"}) || val(upd[2], "description") != "已清运完毕" {
			t.Errorf("%s updates %v", format, upd)
		}
		assertNull(t, format, upd[0], "description")
		if r := e.srv.Get("/open311/v2/requests."+format+"?date_field=closed_datetime", ""); r.Status != 400 {
			t.Errorf("%s bad date_field: %d", format, r.Status)
		}
	}
	if r := e.srv.Get("/open311/v2/servicerequestupdates.xml", ""); r.Status != 200 || !strings.Contains(string(r.Body), "<service_request_updates>") {
		t.Errorf("updates XML root: %d %s", r.Status, r.Body)
	}
	if r := e.srv.Get("/open311/v2/servicerequestupdates.json?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z", ""); r.Status != 400 {
		t.Errorf("updates over 90 days: %d", r.Status)
	}
}
