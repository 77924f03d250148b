package portal

import (
	"context"
	"encoding/xml"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"cleancity/complaints"
	"cleancity/portal/apperr"
	"cleancity/portal/areas"
	"cleancity/portal/open311"
	"cleancity/portal/ratelimit"
)

// Open311 GeoReport v2 is a second door to the complaint service: it maps
// the spec's parameters and records onto complaints.FileInput and
// complaints.Complaint, and keeps no rule of its own beyond the spec's.

const (
	open311Prefix      = "/open311/v2"
	open311MaxRows     = 1000
	open311MaxSpan     = 90 * 24 * time.Hour
	open311DemoKey     = "demo"
	open311RatePerMin  = 120
	open311RateBurst   = 30
	open311Spec        = "http://wiki.open311.org/GeoReport_v2"
	open311ChangesetAt = "2026-06-01T00:00:00+08:00"
)

// open311Runtime is the adapter's state inside the server.
type open311Runtime struct {
	keys    *open311.Keys
	limiter *ratelimit.Limiter
}

func (s *Server) initOpen311() {
	s.open311 = &open311Runtime{
		keys:    open311.NewKeys(s.store.DB, s.now),
		limiter: ratelimit.PerMinute(open311RatePerMin, open311RateBurst, s.now),
	}
	s.errorWriters[open311Prefix+"/"] = s.open311Error
}

// demoOpen311Key creates the demo API key "demo".
func (s *Server) demoOpen311Key(ctx context.Context) error {
	return s.open311.keys.Ensure(ctx, open311DemoKey, "demo")
}

func (s *Server) registerOpen311Routes(app fiber.Router) {
	g := app.Group(open311Prefix)
	g.Get("/discovery.:format", s.o311Discovery)
	g.Get("/services.:format", s.o311Services)
	g.Get("/services/:code.:format", s.o311Service)
	g.Post("/requests.:format", s.o311Create)
	g.Get("/requests.:format", s.o311Requests)
	g.Get("/requests/:id.:format", s.o311Request)
	g.Get("/tokens/:token.:format", s.o311Token)
	g.Get("/servicerequestupdates.:format", s.o311Updates)
	g.All("/*", func(c *fiber.Ctx) error { return apperr.New(apperr.NotFound, "no such Open311 resource") })
}

func (s *Server) registerAPIKeyRoutes(api fiber.Router) {
	admin := requireRoles(RoleAdmin)
	api.Get("/apikeys", admin, s.listAPIKeys)
	api.Post("/apikeys", admin, s.createAPIKey)
	api.Delete("/apikeys/:id", admin, s.revokeAPIKey)
}

// ---- formats and errors ----

// o311Format returns "json" or "xml", or an error for anything else.
func o311Format(c *fiber.Ctx) (string, error) {
	switch f := c.Params("format"); f {
	case "json", "xml":
		return f, nil
	}
	return "", apperr.New(apperr.NotFound, "format must be json or xml")
}

func formatOfPath(p string) string {
	if strings.HasSuffix(p, ".xml") {
		return "xml"
	}
	return "json"
}

type o311Error struct {
	XMLName     xml.Name `json:"-" xml:"error"`
	Code        int      `json:"code" xml:"code"`
	Description string   `json:"description" xml:"description"`
}

type o311Errors struct {
	XMLName xml.Name    `xml:"errors"`
	Errors  []o311Error `xml:"error"`
}

// open311Error renders errors in the spec's shape: [{code, description}]
// or <errors><error>; the code is the HTTP status.
func (s *Server) open311Error(c *fiber.Ctx, status int, p errorPayload) error {
	desc := p.Message
	if len(p.Fields) > 0 {
		var parts []string
		for k, v := range p.Fields {
			parts = append(parts, k+": "+v)
		}
		desc += " (" + strings.Join(parts, "; ") + ")"
	}
	e := o311Error{Code: status, Description: desc}
	c.Status(status)
	if formatOfPath(c.Path()) == "xml" {
		return sendXML(c, o311Errors{Errors: []o311Error{e}})
	}
	return c.JSON([]o311Error{e})
}

func sendXML(c *fiber.Ctx, v any) error {
	b, err := xml.Marshal(v)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/xml; charset=utf-8")
	return c.Send(append([]byte(xml.Header), b...))
}

func (s *Server) o311Send(c *fiber.Ctx, format string, jsonV, xmlV any) error {
	if format == "xml" {
		return sendXML(c, xmlV)
	}
	return c.JSON(jsonV)
}

// checkJurisdiction: optional, but when given it must be this city.
func (s *Server) checkJurisdiction(c *fiber.Ctx, value string) error {
	if value != "" && value != s.cfg.CityID {
		return apperr.New(apperr.NotFound, "unknown jurisdiction_id")
	}
	return nil
}

// ---- discovery and services ----

type o311Endpoint struct {
	Specification string   `json:"specification" xml:"specification"`
	URL           string   `json:"url" xml:"url"`
	Changeset     string   `json:"changeset" xml:"changeset"`
	Type          string   `json:"type" xml:"type"`
	Formats       []string `json:"formats" xml:"formats>format"`
}

type o311Discovery struct {
	XMLName    xml.Name       `json:"-" xml:"discovery"`
	Changeset  string         `json:"changeset" xml:"changeset"`
	Contact    string         `json:"contact" xml:"contact"`
	KeyService string         `json:"key_service" xml:"key_service"`
	Endpoints  []o311Endpoint `json:"endpoints" xml:"endpoints>endpoint"`
}

func (s *Server) o311Discovery(c *fiber.Ctx) error {
	format, err := o311Format(c)
	if err != nil {
		return err
	}
	d := o311Discovery{Changeset: open311ChangesetAt, Contact: "CleanCity portal administrators",
		KeyService: c.BaseURL() + "/api/v1/apikeys",
		Endpoints: []o311Endpoint{{Specification: open311Spec, URL: c.BaseURL() + open311Prefix, Changeset: open311ChangesetAt,
			Type: "production", Formats: []string{"application/json", "text/xml"}}}}
	return s.o311Send(c, format, d, d)
}

type o311Service struct {
	XMLName     xml.Name `json:"-" xml:"service"`
	ServiceCode string   `json:"service_code" xml:"service_code"`
	ServiceName string   `json:"service_name" xml:"service_name"`
	Description string   `json:"description" xml:"description"`
	Metadata    bool     `json:"metadata" xml:"metadata"`
	Type        string   `json:"type" xml:"type"`
	Keywords    string   `json:"keywords" xml:"keywords"`
	Group       string   `json:"group" xml:"group"`
}

type o311Services struct {
	XMLName  xml.Name      `xml:"services"`
	Services []o311Service `xml:"service"`
}

func (s *Server) o311Name(c *fiber.Ctx, zh, en string) string { return msg(languageOf(c), zh, en) }

func (s *Server) o311Services(c *fiber.Ctx) error {
	format, err := o311Format(c)
	if err != nil {
		return err
	}
	if err := s.checkJurisdiction(c, c.Query("jurisdiction_id")); err != nil {
		return err
	}
	out := []o311Service{}
	for _, cat := range s.Complaints.Categories() {
		if !cat.Active {
			continue
		}
		out = append(out, o311Service{ServiceCode: cat.Code, ServiceName: s.o311Name(c, cat.Name, cat.NameEN),
			Description: s.o311Name(c, cat.Description, cat.DescriptionEN), Metadata: len(cat.Attributes) > 0,
			Type: "realtime", Keywords: strings.Join(cat.Keywords, ","), Group: cat.Group})
	}
	return s.o311Send(c, format, out, o311Services{Services: out})
}

type o311Value struct {
	Key  string `json:"key" xml:"key"`
	Name string `json:"name" xml:"name"`
}

type o311Attribute struct {
	Variable            bool        `json:"variable" xml:"variable"`
	Code                string      `json:"code" xml:"code"`
	Datatype            string      `json:"datatype" xml:"datatype"`
	Required            bool        `json:"required" xml:"required"`
	DatatypeDescription string      `json:"datatype_description" xml:"datatype_description"`
	Order               int         `json:"order" xml:"order"`
	Description         string      `json:"description" xml:"description"`
	Values              []o311Value `json:"values" xml:"values>value"`
}

type o311Definition struct {
	XMLName     xml.Name        `json:"-" xml:"service_definition"`
	ServiceCode string          `json:"service_code" xml:"service_code"`
	Attributes  []o311Attribute `json:"attributes" xml:"attributes>attribute"`
}

func (s *Server) o311Service(c *fiber.Ctx) error {
	format, err := o311Format(c)
	if err != nil {
		return err
	}
	if err := s.checkJurisdiction(c, c.Query("jurisdiction_id")); err != nil {
		return err
	}
	cat, ok := s.Complaints.Category(c.Params("code"))
	if !ok || !cat.Active {
		return apperr.New(apperr.NotFound, "unknown service_code")
	}
	d := o311Definition{ServiceCode: cat.Code, Attributes: []o311Attribute{}}
	for _, a := range cat.Attributes {
		oa := o311Attribute{Variable: true, Code: a.Code, Datatype: a.Datatype, Required: a.Required, Order: a.Order,
			Description: s.o311Name(c, a.Name, a.NameEN), Values: []o311Value{}}
		for _, v := range a.Values {
			oa.Values = append(oa.Values, o311Value{Key: v.Key, Name: s.o311Name(c, v.Name, v.NameEN)})
		}
		d.Attributes = append(d.Attributes, oa)
	}
	return s.o311Send(c, format, d, d)
}

// ---- requests ----

// Optional fields are null in JSON and absent in XML, never "": the
// GeoReport v2 schemas type them as a URI, a date or a string, or null, and
// a record reads the same in both formats (every JSON null is a missing
// XML element, every XML element a JSON value).

// opt is a value for an optional field: nil (null) when empty.
func opt(v string) *string {
	if v == "" {
		return nil
	}
	return &v
}

type o311Created struct {
	XMLName          xml.Name `json:"-" xml:"request"`
	ServiceRequestID string   `json:"service_request_id" xml:"service_request_id"`
	ServiceNotice    *string  `json:"service_notice" xml:"service_notice,omitempty"`
	AccountID        *string  `json:"account_id" xml:"account_id,omitempty"`
}

type o311CreatedList struct {
	XMLName  xml.Name      `xml:"service_requests"`
	Requests []o311Created `xml:"request"`
}

var o311Fields = map[string]bool{"api_key": true, "jurisdiction_id": true, "service_code": true, "lat": true, "long": true,
	"address_string": true, "address_id": true, "email": true, "device_id": true, "account_id": true, "first_name": true,
	"last_name": true, "phone": true, "description": true, "media_url": true}

// o311Form is a POST /requests body: the spec's fields once each, and the
// attributes, where attribute[code][]=v (the spec's form for a
// multivaluelist) and a repeated attribute[code] both add a value.
type o311Form struct {
	fields map[string]string
	attrs  map[string][]string
	bad    []string
}

func parseO311Form(c *fiber.Ctx) o311Form {
	f := o311Form{fields: map[string]string{}, attrs: map[string][]string{}}
	c.Request().PostArgs().VisitAll(func(k, v []byte) {
		key := string(k)
		switch {
		case strings.HasPrefix(key, "attribute["):
			code, ok := strings.CutSuffix(key[len("attribute["):], "][]")
			if !ok {
				code, ok = strings.CutSuffix(key[len("attribute["):], "]")
			}
			if !ok || code == "" || strings.ContainsAny(code, "[]") {
				f.bad = append(f.bad, "malformed parameter "+key)
				return
			}
			f.attrs[code] = append(f.attrs[code], string(v))
		case o311Fields[key]:
			if _, dup := f.fields[key]; dup {
				f.bad = append(f.bad, key+" repeated")
			}
			f.fields[key] = string(v)
		default:
			f.bad = append(f.bad, "unknown parameter "+key)
		}
	})
	return f
}

// attributes joins each attribute's values the way the complaint domain
// keeps a multivaluelist (comma-separated); several values for any other
// datatype are an error.
func (f o311Form) attributes(cat complaints.Category) (map[string]string, error) {
	if len(f.attrs) == 0 {
		return nil, nil
	}
	out := make(map[string]string, len(f.attrs))
	for code, vals := range f.attrs {
		multi := false
		for _, a := range cat.Attributes {
			if a.Code == code && a.Datatype == complaints.AttrMultiValue {
				multi = true
			}
		}
		if len(vals) > 1 && !multi {
			return nil, apperr.Fields("some fields are invalid", map[string]string{"attribute[" + code + "]": "takes one value"})
		}
		out[code] = strings.Join(vals, ",")
	}
	return out, nil
}

// o311Create files a complaint from a form-encoded Open311 request.
func (s *Server) o311Create(c *fiber.Ctx) error {
	format, err := o311Format(c)
	if err != nil {
		return err
	}
	ct := strings.ToLower(c.Get(fiber.HeaderContentType))
	if !strings.HasPrefix(ct, fiber.MIMEApplicationForm) {
		return apperr.New(apperr.Invalid, "send application/x-www-form-urlencoded")
	}
	in := parseO311Form(c)
	form := in.fields
	key, err := s.open311.keys.Check(c.UserContext(), form["api_key"])
	if err != nil {
		return err
	}
	if ok, wait := s.open311.limiter.Allow(key.ID); !ok {
		e := apperr.New(apperr.RateLimited, "too many requests for this api_key")
		e.RetryAfter = wait
		return e
	}
	// The key is public (demo) or shared by an app's users, so its callers
	// are also counted by address like the web form's: no key is a way
	// around --filing-limit.
	if err := s.allowAddressFiling(c); err != nil {
		return err
	}
	if err := s.checkJurisdiction(c, form["jurisdiction_id"]); err != nil {
		return err
	}
	if len(in.bad) > 0 {
		return apperr.New(apperr.Invalid, strings.Join(in.bad, "; "))
	}
	code := form["service_code"]
	if code == "" {
		return apperr.New(apperr.Invalid, "service_code is required")
	}
	cat, ok := s.Complaints.Category(code)
	if !ok || !cat.Active {
		return apperr.New(apperr.NotFound, "unknown service_code")
	}
	attrs, err := in.attributes(cat)
	if err != nil {
		return err
	}
	fi := complaints.FileInput{Category: code, Description: form["description"], Attributes: attrs, Source: "open311",
		Contact: complaints.Contact{Name: strings.TrimSpace(form["first_name"] + " " + form["last_name"]),
			Phone: strings.TrimSpace(form["phone"]), Email: strings.TrimSpace(form["email"])}}
	if m := form["media_url"]; m != "" {
		if u, err := url.Parse(m); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(m) > 500 {
			return apperr.New(apperr.Invalid, "media_url must be an http(s) URL")
		}
		fi.MediaURL = m
	}
	actor := complaints.Actor{Role: complaints.RoleAnonymous, Name: "open311:" + key.Name}
	var unplaced bool
	var hint complaints.Place
	switch {
	case form["lat"] != "" || form["long"] != "":
		lat, err1 := strconv.ParseFloat(form["lat"], 64)
		lon, err2 := strconv.ParseFloat(form["long"], 64)
		if err1 != nil || err2 != nil || math.IsNaN(lat) || math.IsNaN(lon) {
			return apperr.New(apperr.Invalid, "lat and long must both be numbers")
		}
		fi.Point = &complaints.Point{Lat: lat, Lon: lon}
		fi.Address = form["address_string"]
	case form["address_id"] != "":
		fi.CommunityID = form["address_id"]
		fi.Address = form["address_string"]
		if fi.Address == "" {
			fi.Address = form["address_id"]
		}
	case form["address_string"] != "":
		fi.Address = form["address_string"]
		fi.CommunityID, hint = s.geocodeAddress(fi.Address)
		unplaced = fi.CommunityID == ""
	default:
		return apperr.New(apperr.Invalid, "give lat and long, address_string or address_id")
	}
	var out []o311Created
	if unplaced {
		it, err := s.Complaints.FileUnplaced(c.UserContext(), actor, fi, hint)
		if err != nil {
			return complaints.Localize(err, "en")
		}
		out = []o311Created{{ServiceRequestID: it.ID, ServiceNotice: opt(s.o311TriageNotice(c))}}
	} else {
		filed, err := s.Complaints.File(c.UserContext(), actor, fi)
		if err != nil {
			return complaints.Localize(err, "en")
		}
		out = []o311Created{{ServiceRequestID: filed.Complaint.ID, ServiceNotice: opt(s.o311Notice(c, filed.Complaint))}}
	}
	c.Status(fiber.StatusCreated)
	return s.o311Send(c, format, out, o311CreatedList{Requests: out})
}

// geocodeAddress finds the community a free-text address names (the
// longest full name wins, Chinese or English). When it names none, the
// hint holds the street or district it names, for the triage operator: a
// street office (街道) is named after its main road, so "解放路88号" hints
// 解放路街道, but only a community name is taken as the place.
func (s *Server) geocodeAddress(addr string) (string, complaints.Place) {
	low := strings.ToLower(addr)
	longest := func(level areas.Level, suffixes ...string) *areas.Area {
		var best *areas.Area
		bestLen := 0
		for _, a := range s.Areas.List(level, "") {
			names := []string{a.Name, a.NameEN}
			for _, suf := range suffixes {
				if short, ok := strings.CutSuffix(a.Name, suf); ok && len([]rune(short)) >= 2 {
					names = append(names, short)
				}
			}
			for _, name := range names {
				if name != "" && len(name) > bestLen && strings.Contains(low, strings.ToLower(name)) {
					best, bestLen = a, len(name)
				}
			}
		}
		return best
	}
	if a := longest(areas.Community); a != nil {
		return a.ID, complaints.Place{}
	}
	if a := longest(areas.Street, "街道", "街道办事处"); a != nil {
		return "", complaints.Place{StreetID: a.ID, DistrictID: a.DistrictID}
	}
	if a := longest(areas.District, "区"); a != nil {
		return "", complaints.Place{DistrictID: a.ID}
	}
	return "", complaints.Place{}
}

func (s *Server) o311Notice(c *fiber.Ctx, cs *complaints.Complaint) string {
	due := cs.DueAt.In(chinaTime).Format("2006-01-02 15:04")
	return msg(languageOf(c), "已受理登记，预计处理时限："+due, "registered; expected by "+due+" (UTC+8)")
}

func (s *Server) o311TriageNotice(c *fiber.Ctx) string {
	return msg(languageOf(c), "已受理登记；地址未能自动定位，将由热线人员确定位置后分派，处理时限自分派起计算",
		"registered; the address could not be placed automatically, so the city hotline will place and route it (the deadline counts from then)")
}

type o311Request struct {
	XMLName           xml.Name `json:"-" xml:"request"`
	ServiceRequestID  string   `json:"service_request_id" xml:"service_request_id"`
	Status            string   `json:"status" xml:"status"`
	StatusNotes       *string  `json:"status_notes" xml:"status_notes,omitempty"`
	ServiceName       string   `json:"service_name" xml:"service_name"`
	ServiceCode       string   `json:"service_code" xml:"service_code"`
	Description       *string  `json:"description" xml:"description,omitempty"`
	AgencyResponsible *string  `json:"agency_responsible" xml:"agency_responsible,omitempty"`
	ServiceNotice     *string  `json:"service_notice" xml:"service_notice,omitempty"`
	RequestedDatetime string   `json:"requested_datetime" xml:"requested_datetime"`
	UpdatedDatetime   string   `json:"updated_datetime" xml:"updated_datetime"`
	ExpectedDatetime  *string  `json:"expected_datetime" xml:"expected_datetime,omitempty"`
	Address           *string  `json:"address" xml:"address,omitempty"`
	AddressID         *string  `json:"address_id" xml:"address_id,omitempty"`
	Zipcode           *string  `json:"zipcode" xml:"zipcode,omitempty"`
	Lat               *float64 `json:"lat" xml:"lat,omitempty"`
	Long              *float64 `json:"long" xml:"long,omitempty"`
	MediaURL          *string  `json:"media_url" xml:"media_url,omitempty"`
}

type o311RequestList struct {
	XMLName  xml.Name      `xml:"service_requests"`
	Requests []o311Request `xml:"request"`
}

func o311Time(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(chinaTime).Format(time.RFC3339)
}

// toO311 converts a complaint to a record: never the reporter's contact,
// and the description and address only as the publication rule allows.
func (s *Server) toO311(c *fiber.Ctx, cs *complaints.Complaint) o311Request {
	dept := s.deptRef(cs.Department)
	r := o311Request{ServiceRequestID: cs.ID, Status: "open", ServiceCode: cs.Category,
		AgencyResponsible: opt(s.o311Name(c, dept.Name, dept.NameEN)),
		RequestedDatetime: o311Time(cs.FiledAt), UpdatedDatetime: o311Time(cs.UpdatedAt),
		ExpectedDatetime: opt(o311Time(cs.DueAt)), AddressID: opt(cs.Place.CommunityID)}
	if pub, ok := complaints.PublicText(cs); ok {
		r.Description, r.Address = opt(pub.Description), opt(pub.Address)
	}
	if cat, ok := s.Complaints.Category(cs.Category); ok {
		r.ServiceName = s.o311Name(c, cat.Name, cat.NameEN)
	}
	if !cs.Status.Open() {
		r.Status = "closed"
	}
	switch {
	case cs.MergedInto != "":
		r.StatusNotes = opt("duplicate of " + cs.MergedInto)
	case cs.Status == complaints.StatusRejected:
		r.StatusNotes = opt(cs.RejectReason)
	case cs.ResolutionNote != "" && !cs.Status.Open():
		r.StatusNotes = opt(cs.ResolutionNote)
	default:
		r.StatusNotes = opt(string(cs.Status))
	}
	if p := coarse(cs.Point); p != nil {
		r.Lat, r.Long = &p.Lat, &p.Lon
	}
	r.MediaURL = opt(cs.MediaURL)
	for _, p := range cs.Photos {
		if p.Kind == complaints.PhotoReport {
			r.MediaURL = opt(c.BaseURL() + "/api/v1/photos/" + p.ID)
			break
		}
	}
	return r
}

// intakeO311 is the record of a report waiting in the triage queue: open,
// no agency yet, nothing of its text (not moderated yet).
func (s *Server) intakeO311(c *fiber.Ctx, it *complaints.Intake) o311Request {
	r := o311Request{ServiceRequestID: it.ID, Status: "open", ServiceCode: it.Category,
		StatusNotes:       opt(msg(languageOf(c), "等待热线人员确定位置", "awaiting placement by the city hotline")),
		RequestedDatetime: o311Time(it.FiledAt), UpdatedDatetime: o311Time(it.FiledAt), MediaURL: opt(it.MediaURL)}
	if cat, ok := s.Complaints.Category(it.Category); ok {
		r.ServiceName = s.o311Name(c, cat.Name, cat.NameEN)
	}
	return r
}

// o311Record finds a request by id: a case, or a report still in triage.
func (s *Server) o311Record(c *fiber.Ctx, id string) (o311Request, bool, error) {
	cs, err := s.Complaints.Track(c.UserContext(), id)
	if err == nil {
		return s.toO311(c, cs), true, nil
	}
	if !complaints.IsNotFound(err) {
		return o311Request{}, false, err
	}
	it, err := s.Complaints.TrackIntake(c.UserContext(), id)
	if complaints.IsNotFound(err) {
		return o311Request{}, false, nil
	}
	if err != nil {
		return o311Request{}, false, err
	}
	return s.intakeO311(c, it), true, nil
}

// queryValues returns every value of a query parameter, given repeated
// (status=open&status=closed) or comma-delimited (status=open,closed).
func queryValues(c *fiber.Ctx, name string) []string {
	var out []string
	for _, raw := range c.Context().QueryArgs().PeekMulti(name) {
		for _, v := range strings.Split(string(raw), ",") {
			if v = strings.TrimSpace(v); v != "" && !slices.Contains(out, v) {
				out = append(out, v)
			}
		}
	}
	return out
}

// o311Window reads start_date and end_date (RFC 3339): by default the 90
// days up to now, at most 90 days apart.
func (s *Server) o311Window(c *fiber.Ctx) (time.Time, time.Time, error) {
	end := s.now()
	if v := c.Query("end_date"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return time.Time{}, time.Time{}, apperr.New(apperr.Invalid, "end_date must be ISO 8601 (RFC 3339)")
		}
		end = t
	}
	start := end.Add(-open311MaxSpan)
	if v := c.Query("start_date"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return time.Time{}, time.Time{}, apperr.New(apperr.Invalid, "start_date must be ISO 8601 (RFC 3339)")
		}
		start = t
	}
	if end.Sub(start) > open311MaxSpan || end.Before(start) {
		return time.Time{}, time.Time{}, apperr.New(apperr.Invalid, "start_date and end_date must be in order and at most 90 days apart")
	}
	return start, end, nil
}

// o311Requests lists requests. start_date and end_date select by
// requested_datetime (the spec); with date_field=updated_datetime they
// select by updated_datetime instead and the newest change comes first,
// so a client that polls for changes (as FixMyStreet's does) sees a case
// filed long ago and resolved in the window.
func (s *Server) o311Requests(c *fiber.Ctx) error {
	format, err := o311Format(c)
	if err != nil {
		return err
	}
	if err := s.checkJurisdiction(c, c.Query("jurisdiction_id")); err != nil {
		return err
	}
	out := []o311Request{}
	if ids := queryValues(c, "service_request_id"); len(ids) > 0 {
		if len(ids) > open311MaxRows {
			return apperr.New(apperr.Invalid, "at most 1000 service_request_id values")
		}
		for _, id := range ids {
			r, ok, err := s.o311Record(c, id)
			if err != nil {
				return err
			}
			if ok {
				out = append(out, r)
			}
		}
		return s.o311Send(c, format, out, o311RequestList{Requests: out})
	}
	f := complaints.Filter{Now: s.now(), Sort: "-filed_at", Limit: open311MaxRows}
	start, end, err := s.o311Window(c)
	if err != nil {
		return err
	}
	switch c.Query("date_field", "requested_datetime") {
	case "requested_datetime":
		f.From, f.To = start, end.Add(time.Millisecond)
	case "updated_datetime":
		f.UpdatedFrom, f.UpdatedTo, f.Sort = start, end.Add(time.Millisecond), "-updated_at"
	default:
		return apperr.New(apperr.Invalid, "date_field must be requested_datetime or updated_datetime")
	}
	for _, code := range queryValues(c, "service_code") {
		if _, ok := s.Complaints.Category(code); !ok {
			return apperr.New(apperr.NotFound, "unknown service_code "+code)
		}
		f.Categories = append(f.Categories, code)
	}
	var open, closed bool
	for _, st := range queryValues(c, "status") {
		switch st {
		case "open":
			open = true
		case "closed":
			closed = true
		default:
			return apperr.New(apperr.Invalid, "status must be open or closed (several comma-delimited)")
		}
	}
	switch {
	case open && !closed:
		f.Statuses = complaints.OpenStatuses
	case closed && !open:
		f.Statuses = []complaints.Status{complaints.StatusResolved, complaints.StatusClosed, complaints.StatusRejected}
	}
	list, err := s.Complaints.PublicList(c.UserContext(), f)
	if err != nil {
		return err
	}
	for _, cs := range list {
		out = append(out, s.toO311(c, cs))
	}
	return s.o311Send(c, format, out, o311RequestList{Requests: out})
}

func (s *Server) o311Request(c *fiber.Ctx) error {
	format, err := o311Format(c)
	if err != nil {
		return err
	}
	if err := s.checkJurisdiction(c, c.Query("jurisdiction_id")); err != nil {
		return err
	}
	r, ok, err := s.o311Record(c, c.Params("id"))
	if err != nil {
		return err
	}
	if !ok {
		return apperr.New(apperr.NotFound, "unknown service_request_id")
	}
	out := []o311Request{r}
	return s.o311Send(c, format, out, o311RequestList{Requests: out})
}

type o311TokenRec struct {
	XMLName          xml.Name `json:"-" xml:"request"`
	ServiceRequestID string   `json:"service_request_id" xml:"service_request_id"`
	Token            string   `json:"token" xml:"token"`
}

type o311TokenList struct {
	XMLName  xml.Name       `xml:"service_requests"`
	Requests []o311TokenRec `xml:"request"`
}

// o311Token: requests get their id at once (a report in triage too), so a
// token is the id itself.
func (s *Server) o311Token(c *fiber.Ctx) error {
	format, err := o311Format(c)
	if err != nil {
		return err
	}
	if err := s.checkJurisdiction(c, c.Query("jurisdiction_id")); err != nil {
		return err
	}
	r, ok, err := s.o311Record(c, c.Params("token"))
	if err != nil {
		return err
	}
	if !ok {
		return apperr.New(apperr.NotFound, "unknown token")
	}
	out := []o311TokenRec{{ServiceRequestID: r.ServiceRequestID, Token: c.Params("token")}}
	return s.o311Send(c, format, out, o311TokenList{Requests: out})
}

// ---- updates (the FixMyStreet extension) ----

type o311Update struct {
	XMLName          xml.Name `json:"-" xml:"request_update"`
	UpdateID         string   `json:"update_id" xml:"update_id"`
	ServiceRequestID string   `json:"service_request_id" xml:"service_request_id"`
	Status           string   `json:"status" xml:"status"`
	UpdatedDatetime  string   `json:"updated_datetime" xml:"updated_datetime"`
	Description      *string  `json:"description" xml:"description,omitempty"`
	MediaURL         *string  `json:"media_url" xml:"media_url,omitempty"`
}

type o311UpdateList struct {
	XMLName xml.Name     `xml:"service_request_updates"`
	Updates []o311Update `xml:"request_update"`
}

// o311UpdateStatus names an event's outcome in the statuses FixMyStreet
// reads from an update.
func o311UpdateStatus(ev complaints.Event) string {
	switch {
	case ev.Action == complaints.ActionMerge:
		return "duplicate"
	case ev.To == complaints.StatusAccepted:
		return "investigating"
	case ev.To == complaints.StatusInProgress:
		return "in_progress"
	case ev.To == complaints.StatusResolved:
		return "fixed"
	case ev.To == complaints.StatusClosed:
		return "closed"
	case ev.To == complaints.StatusRejected:
		return "no_further_action"
	}
	return "open"
}

// o311Updates lists the public changes of cases (status changes and the
// notes the track page shows) made between start_date and end_date, oldest
// first, at most 1000: GET /servicerequestupdates, which FixMyStreet polls
// to follow a server. Filing and moderation are not updates.
func (s *Server) o311Updates(c *fiber.Ctx) error {
	format, err := o311Format(c)
	if err != nil {
		return err
	}
	if err := s.checkJurisdiction(c, c.Query("jurisdiction_id")); err != nil {
		return err
	}
	start, end, err := s.o311Window(c)
	if err != nil {
		return err
	}
	evs, err := s.Complaints.EventsBetween(c.UserContext(), start, end, 10*open311MaxRows)
	if err != nil {
		return err
	}
	out := []o311Update{}
	for _, ev := range evs {
		if len(out) == open311MaxRows {
			break
		}
		if ev.Action == complaints.ActionFile || ev.Action == complaints.ActionModerate || (ev.From == ev.To && !publicNote(ev.Action)) {
			continue
		}
		u := o311Update{UpdateID: ev.ID, ServiceRequestID: ev.CaseID, Status: o311UpdateStatus(ev), UpdatedDatetime: o311Time(ev.At)}
		if publicNote(ev.Action) {
			u.Description = opt(ev.Note)
		}
		out = append(out, u)
	}
	return s.o311Send(c, format, out, o311UpdateList{Updates: out})
}

// ---- API keys (admins) ----

type apiKeyResponse struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	CreatedAt time.Time  `json:"created_at"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
	Key       string     `json:"key,omitempty"`
}

func toAPIKeyResponse(k open311.Key) apiKeyResponse {
	return apiKeyResponse{ID: k.ID, Name: k.Name, CreatedAt: k.CreatedAt, RevokedAt: tp(k.RevokedAt)}
}

func (s *Server) listAPIKeys(c *fiber.Ctx) error {
	keys, err := s.open311.keys.List(c.UserContext())
	if err != nil {
		return err
	}
	out := make([]apiKeyResponse, 0, len(keys))
	for _, k := range keys {
		out = append(out, toAPIKeyResponse(k))
	}
	return c.JSON(fiber.Map{"keys": out})
}

type createAPIKeyRequest struct {
	Name string `json:"name" validate:"required,max=100,plaintext"`
}

// createAPIKey makes a key; the key is in this answer only.
func (s *Server) createAPIKey(c *fiber.Ctx) error {
	var req createAPIKeyRequest
	if err := s.BindJSON(c, &req); err != nil {
		return err
	}
	key, rec, err := s.open311.keys.Create(c.UserContext(), req.Name)
	if err != nil {
		return err
	}
	r := toAPIKeyResponse(rec)
	r.Key = key
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusCreated).JSON(r)
}

func (s *Server) revokeAPIKey(c *fiber.Ctx) error {
	k, err := s.open311.keys.Revoke(c.UserContext(), c.Params("id"))
	if err != nil {
		if apperr.Is(err, apperr.NotFound) {
			return apperr.New(apperr.NotFound, msg(languageOf(c), "没有这个API密钥", "no such API key"))
		}
		return err
	}
	return c.JSON(toAPIKeyResponse(k))
}
