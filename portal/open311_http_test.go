package portal_test

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"cleancity/portal"
	"cleancity/portal/portaltest"
)

type o311Err struct {
	Code        int    `json:"code" xml:"code"`
	Description string `json:"description" xml:"description"`
}

type o311Rec struct {
	ServiceRequestID  string `json:"service_request_id" xml:"service_request_id"`
	Status            string `json:"status" xml:"status"`
	StatusNotes       string `json:"status_notes" xml:"status_notes"`
	ServiceCode       string `json:"service_code" xml:"service_code"`
	ServiceNotice     string `json:"service_notice" xml:"service_notice"`
	AgencyResponsible string `json:"agency_responsible" xml:"agency_responsible"`
	ExpectedDatetime  string `json:"expected_datetime" xml:"expected_datetime"`
	RequestedDatetime string `json:"requested_datetime" xml:"requested_datetime"`
	Token             string `json:"token" xml:"token"`
}

type o311Svc struct {
	ServiceCode string `json:"service_code" xml:"service_code"`
	Type        string `json:"type" xml:"type"`
	Metadata    bool   `json:"metadata" xml:"metadata"`
}

// o311Answer is what the tests read from an Open311 answer in either format.
type o311Answer struct {
	status     int
	errors     []o311Err
	requests   []o311Rec
	services   []o311Svc
	definition struct {
		ServiceCode string `json:"service_code" xml:"service_code"`
		Attributes  []struct {
			Code     string `json:"code" xml:"code"`
			Datatype string `json:"datatype" xml:"datatype"`
			Required bool   `json:"required" xml:"required"`
			Values   []struct {
				Key string `json:"key" xml:"key"`
			} `json:"values" xml:"values>value"`
		} `json:"attributes" xml:"attributes>attribute"`
	}
	discovery struct {
		Endpoints []struct {
			Specification string   `json:"specification" xml:"specification"`
			Formats       []string `json:"formats" xml:"formats>format"`
		} `json:"endpoints" xml:"endpoints>endpoint"`
	}
	body string
}

// parseO311 decodes an answer by its format: JSON by encoding/json, XML by
// encoding/xml (never by matching strings).
func parseO311(t *testing.T, format string, r portaltest.Response) o311Answer {
	t.Helper()
	a := o311Answer{status: r.Status, body: string(r.Body)}
	if format == "xml" {
		if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/xml") {
			t.Fatalf("content type %q: %s", r.Header.Get("Content-Type"), r.Body)
		}
		var root struct {
			XMLName xml.Name
		}
		if err := xml.Unmarshal(r.Body, &root); err != nil {
			t.Fatalf("not XML: %v\n%s", err, r.Body)
		}
		var err error
		switch root.XMLName.Local {
		case "errors":
			var v struct {
				E []o311Err `xml:"error"`
			}
			err = xml.Unmarshal(r.Body, &v)
			a.errors = v.E
		case "service_requests":
			var v struct {
				R []o311Rec `xml:"request"`
			}
			err = xml.Unmarshal(r.Body, &v)
			a.requests = v.R
		case "services":
			var v struct {
				S []o311Svc `xml:"service"`
			}
			err = xml.Unmarshal(r.Body, &v)
			a.services = v.S
		case "service_definition":
			err = xml.Unmarshal(r.Body, &a.definition)
		case "discovery":
			err = xml.Unmarshal(r.Body, &a.discovery)
		default:
			t.Fatalf("unexpected XML root %q", root.XMLName.Local)
		}
		if err != nil {
			t.Fatalf("decode XML: %v\n%s", err, r.Body)
		}
		return a
	}
	var err error
	switch {
	case r.Status >= 400:
		err = json.Unmarshal(r.Body, &a.errors)
	case strings.Contains(string(r.Body), `"endpoints"`):
		err = json.Unmarshal(r.Body, &a.discovery)
	case strings.HasPrefix(string(r.Body), `{"service_code"`):
		err = json.Unmarshal(r.Body, &a.definition)
	case strings.Contains(string(r.Body), `"type":"realtime"`):
		err = json.Unmarshal(r.Body, &a.services)
	default:
		err = json.Unmarshal(r.Body, &a.requests)
	}
	if err != nil {
		t.Fatalf("decode JSON: %v\n%s", err, r.Body)
	}
	return a
}

func TestOpen311Conformance(t *testing.T) {
	clock := portaltest.NewClock(time.Date(2026, 6, 1, 5, 5, 0, 0, time.UTC))
	srv := newCityServer(t, portaltest.WithClock(clock))
	admin := srv.Token(t, portal.RoleAdmin, "")
	mk := srv.PostJSON("/api/v1/apikeys", admin, map[string]any{"name": "城市热线"})
	if mk.Status != 201 {
		t.Fatalf("create key: %d %s", mk.Status, mk.Body)
	}
	key := mk.JSON(t)["key"].(string)
	rv := srv.PostJSON("/api/v1/apikeys", admin, map[string]any{"name": "old app"}).JSON(t)
	if r := srv.Do(portaltest.Request{Method: http.MethodDelete, Path: "/api/v1/apikeys/" + rv["id"].(string), Token: admin}); r.Status != 200 {
		t.Fatalf("revoke: %d %s", r.Status, r.Body)
	}
	if keys := srv.Get("/api/v1/apikeys", admin).JSON(t)["keys"].([]any); len(keys) != 2 || strings.Contains(string(srv.Get("/api/v1/apikeys", admin).Body), key) {
		t.Fatalf("key list %v", keys)
	}
	form := func(kv ...string) url.Values {
		v := url.Values{"api_key": {key}, "service_code": {"garbage"}, "lat": {"27.885"}, "long": {"113.09"},
			"description": {"小区门口的垃圾已经三天没有清运了"}, "email": {"wang@example.cn"}, "phone": {"13800138000"}, "first_name": {"王"}}
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i+1] == "" {
				v.Del(kv[i])
			} else {
				v.Set(kv[i], kv[i+1])
			}
		}
		return v
	}
	post := func(format string, v url.Values) portaltest.Response {
		return srv.Do(portaltest.Request{Method: http.MethodPost, Path: "/open311/v2/requests." + format,
			Body: v.Encode(), ContentType: "application/x-www-form-urlencoded"})
	}
	var created []string
	for _, format := range []string{"json", "xml"} {
		t.Run(format, func(t *testing.T) {
			tests := []struct {
				name   string
				do     func() portaltest.Response
				status int
				check  func(t *testing.T, a o311Answer)
			}{
				{"discovery", func() portaltest.Response { return srv.Get("/open311/v2/discovery."+format, "") }, 200, func(t *testing.T, a o311Answer) {
					if len(a.discovery.Endpoints) != 1 || a.discovery.Endpoints[0].Specification != "http://wiki.open311.org/GeoReport_v2" || len(a.discovery.Endpoints[0].Formats) != 2 {
						t.Errorf("discovery %+v", a.discovery)
					}
				}},
				{"services", func() portaltest.Response { return srv.Get("/open311/v2/services."+format, "") }, 200, func(t *testing.T, a o311Answer) {
					if len(a.services) != 12 || a.services[0].Type != "realtime" {
						t.Errorf("services %+v", a.services)
					}
					for _, s := range a.services {
						if s.ServiceCode == "pests" && !s.Metadata {
							t.Error("pests has no metadata flag")
						}
					}
				}},
				{"services in this jurisdiction", func() portaltest.Response {
					return srv.Get("/open311/v2/services."+format+"?jurisdiction_id=cleancity.demo", "")
				}, 200, nil},
				{"unknown jurisdiction", func() portaltest.Response {
					return srv.Get("/open311/v2/services."+format+"?jurisdiction_id=elsewhere", "")
				}, 404, nil},
				{"service definition", func() portaltest.Response { return srv.Get("/open311/v2/services/pests."+format, "") }, 200, func(t *testing.T, a o311Answer) {
					d := a.definition
					if d.ServiceCode != "pests" || len(d.Attributes) != 1 || d.Attributes[0].Code != "pest_type" || !d.Attributes[0].Required ||
						d.Attributes[0].Datatype != "singlevaluelist" || len(d.Attributes[0].Values) != 4 {
						t.Errorf("definition %+v", d)
					}
				}},
				{"unknown service", func() portaltest.Response { return srv.Get("/open311/v2/services/unicorns."+format, "") }, 404, nil},
				{"no api_key", func() portaltest.Response { return post(format, form("api_key", "")) }, 403, nil},
				{"bad api_key", func() portaltest.Response { return post(format, form("api_key", "nope")) }, 403, nil},
				{"revoked api_key", func() portaltest.Response { return post(format, form("api_key", rv["key"].(string))) }, 403, nil},
				{"unknown service_code", func() portaltest.Response { return post(format, form("service_code", "unicorns")) }, 404, nil},
				{"outside the city", func() portaltest.Response { return post(format, form("lat", "30", "long", "120")) }, 400, nil},
				{"no location", func() portaltest.Response { return post(format, form("lat", "", "long", "")) }, 400, nil},
				{"html description", func() portaltest.Response {
					return post(format, form("description", "<b>垃圾</b>很多很多很多很多"))
				}, 400, nil},
				{"too long description", func() portaltest.Response { return post(format, form("description", strings.Repeat("脏", 4001))) }, 400, nil},
				{"missing required attribute", func() portaltest.Response { return post(format, form("service_code", "pests")) }, 400, nil},
				{"unknown parameter", func() portaltest.Response { return post(format, form("status", "closed")) }, 400, nil},
				{"wrong jurisdiction on post", func() portaltest.Response { return post(format, form("jurisdiction_id", "elsewhere")) }, 404, nil},
				{"file by point", func() portaltest.Response { return post(format, form()) }, 201, func(t *testing.T, a o311Answer) {
					if len(a.requests) != 1 || len(a.requests[0].ServiceRequestID) != 10 || a.requests[0].ServiceNotice == "" {
						t.Fatalf("created %+v", a.requests)
					}
					created = append(created, a.requests[0].ServiceRequestID)
				}},
				{"file by address_string with attribute", func() portaltest.Response {
					return post(format, form("lat", "", "long", "", "address_string", "和平社区3栋楼下", "service_code", "pests", "attribute[pest_type]", "rats"))
				}, 201, func(t *testing.T, a o311Answer) { created = append(created, a.requests[0].ServiceRequestID) }},
				{"file by address_id", func() portaltest.Response {
					return post(format, form("lat", "", "long", "", "address_id", "D01-S01-C01"))
				}, 201, nil},
				{"address_string naming no community goes to triage", func() portaltest.Response {
					return post(format, form("lat", "", "long", "", "address_string", "火星基地"))
				}, 201, nil},
				{"one request", func() portaltest.Response {
					return srv.Get("/open311/v2/requests/"+created[len(created)-2]+"."+format, "")
				}, 200, func(t *testing.T, a o311Answer) {
					r := a.requests[0]
					if r.Status != "open" || r.ServiceCode != "garbage" || r.AgencyResponsible == "" || !strings.HasSuffix(r.ExpectedDatetime, "+08:00") {
						t.Errorf("record %+v", r)
					}
					for _, secret := range []string{"13800138000", "wang@example.cn", "王"} {
						if strings.Contains(a.body, secret) {
							t.Errorf("record leaks %q", secret)
						}
					}
				}},
				{"unknown request", func() portaltest.Response { return srv.Get("/open311/v2/requests/ZZZZZZZZZZ."+format, "") }, 404, nil},
				{"requests by ids", func() portaltest.Response {
					return srv.Get("/open311/v2/requests."+format+"?service_request_id="+strings.Join(created, ","), "")
				}, 200, func(t *testing.T, a o311Answer) {
					if len(a.requests) != len(created) {
						t.Errorf("%d records for %d ids", len(a.requests), len(created))
					}
				}},
				{"requests by code", func() portaltest.Response {
					return srv.Get("/open311/v2/requests."+format+"?service_code=pests&status=open", "")
				}, 200, func(t *testing.T, a o311Answer) {
					for _, r := range a.requests {
						if r.ServiceCode != "pests" {
							t.Errorf("code %s", r.ServiceCode)
						}
					}
				}},
				{"span over 90 days", func() portaltest.Response {
					return srv.Get("/open311/v2/requests."+format+"?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z", "")
				}, 400, nil},
				{"bad date", func() portaltest.Response { return srv.Get("/open311/v2/requests."+format+"?start_date=yesterday", "") }, 400, nil},
				{"bad status", func() portaltest.Response { return srv.Get("/open311/v2/requests."+format+"?status=pending", "") }, 400, nil},
				{"token", func() portaltest.Response { return srv.Get("/open311/v2/tokens/"+created[0]+"."+format, "") }, 200, func(t *testing.T, a o311Answer) {
					if a.requests[0].ServiceRequestID != created[0] {
						t.Errorf("token %+v", a.requests)
					}
				}},
				{"unknown token", func() portaltest.Response { return srv.Get("/open311/v2/tokens/nothing."+format, "") }, 404, nil},
			}
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					r := tc.do()
					a := parseO311(t, format, r)
					if r.Status != tc.status {
						t.Fatalf("status %d, want %d: %s", r.Status, tc.status, r.Body)
					}
					if r.Status >= 400 && (len(a.errors) != 1 || a.errors[0].Code != tc.status || a.errors[0].Description == "") {
						t.Errorf("error body %+v", a.errors)
					}
					if tc.check != nil {
						tc.check(t, a)
					}
				})
			}
		})
	}
	// Unknown format.
	if r := srv.Get("/open311/v2/services.yaml", ""); r.Status != 404 {
		t.Errorf("yaml: %d", r.Status)
	}

	// Round trip: filed through Open311, handled through the native API,
	// read back through Open311.
	id := created[0]
	dept := srv.Token(t, portal.RoleDepartment, "sanitation")
	for i, a := range []string{"accept", "start", "resolve"} {
		r := srv.PostJSON("/api/v1/complaints/"+id+"/actions", dept, map[string]any{"action": a, "version": i + 1, "note": "已清运完毕"})
		if r.Status != 200 {
			t.Fatalf("%s: %d %s", a, r.Status, r.Body)
		}
	}
	a := parseO311(t, "xml", srv.Get("/open311/v2/requests/"+id+".xml", ""))
	if a.requests[0].Status != "closed" || a.requests[0].StatusNotes != "已清运完毕" {
		t.Errorf("after resolve: %+v", a.requests[0])
	}
	a = parseO311(t, "json", srv.Get("/open311/v2/requests.json?status=closed", ""))
	if len(a.requests) != 1 || a.requests[0].ServiceRequestID != id {
		t.Errorf("closed list %+v", a.requests)
	}
}

func TestOpen311RateLimitPerKey(t *testing.T) {
	clock := portaltest.NewClock(time.Date(2026, 6, 1, 5, 5, 0, 0, time.UTC))
	srv := newCityServer(t, portaltest.WithClock(clock))
	admin := srv.Token(t, portal.RoleAdmin, "")
	keys := []string{
		srv.PostJSON("/api/v1/apikeys", admin, map[string]any{"name": "a"}).JSON(t)["key"].(string),
		srv.PostJSON("/api/v1/apikeys", admin, map[string]any{"name": "b"}).JSON(t)["key"].(string),
	}
	send := func(key string) int {
		// Incomplete on purpose: the limit applies before validation.
		return srv.Do(portaltest.Request{Method: http.MethodPost, Path: "/open311/v2/requests.json",
			Body: url.Values{"api_key": {key}}.Encode(), ContentType: "application/x-www-form-urlencoded"}).Status
	}
	for i := range 30 {
		if s := send(keys[0]); s != 400 {
			t.Fatalf("request %d: %d", i, s)
		}
	}
	r := srv.Do(portaltest.Request{Method: http.MethodPost, Path: "/open311/v2/requests.xml",
		Body: url.Values{"api_key": {keys[0]}}.Encode(), ContentType: "application/x-www-form-urlencoded"})
	if a := parseO311(t, "xml", r); r.Status != 429 || a.errors[0].Code != 429 || r.Header.Get("Retry-After") == "" {
		t.Fatalf("31st request: %d %s", r.Status, r.Body)
	}
	if s := send(keys[1]); s != 400 {
		t.Errorf("another key limited too: %d", s)
	}
	clock.Advance(time.Second)
	if s := send(keys[0]); s != 400 {
		t.Errorf("after refill: %d", s)
	}
}
