package portal

import (
	"context"
	"encoding/xml"
	"math"
	"net/url"
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

type o311Created struct {
	XMLName          xml.Name `json:"-" xml:"request"`
	ServiceRequestID string   `json:"service_request_id" xml:"service_request_id"`
	ServiceNotice    string   `json:"service_notice" xml:"service_notice"`
	AccountID        *string  `json:"account_id" xml:"account_id"`
}

type o311CreatedList struct {
	XMLName  xml.Name      `xml:"service_requests"`
	Requests []o311Created `xml:"request"`
}

var o311Fields = map[string]bool{"api_key": true, "jurisdiction_id": true, "service_code": true, "lat": true, "long": true,
	"address_string": true, "address_id": true, "email": true, "device_id": true, "account_id": true, "first_name": true,
	"last_name": true, "phone": true, "description": true, "media_url": true}

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
	form := map[string]string{}
	attrs := map[string]string{}
	var bad []string
	c.Request().PostArgs().VisitAll(func(k, v []byte) {
		key := string(k)
		switch {
		case strings.HasPrefix(key, "attribute[") && strings.HasSuffix(key, "]"):
			attrs[key[len("attribute["):len(key)-1]] = string(v)
		case o311Fields[key]:
			if _, dup := form[key]; dup {
				bad = append(bad, key+" repeated")
			}
			form[key] = string(v)
		default:
			bad = append(bad, "unknown parameter "+key)
		}
	})
	key, err := s.open311.keys.Check(c.UserContext(), form["api_key"])
	if err != nil {
		return err
	}
	if ok, wait := s.open311.limiter.Allow(key.ID); !ok {
		e := apperr.New(apperr.RateLimited, "too many requests for this api_key")
		e.RetryAfter = wait
		return e
	}
	if err := s.checkJurisdiction(c, form["jurisdiction_id"]); err != nil {
		return err
	}
	if len(bad) > 0 {
		return apperr.New(apperr.Invalid, strings.Join(bad, "; "))
	}
	code := form["service_code"]
	if code == "" {
		return apperr.New(apperr.Invalid, "service_code is required")
	}
	if cat, ok := s.Complaints.Category(code); !ok || !cat.Active {
		return apperr.New(apperr.NotFound, "unknown service_code")
	}
	in := complaints.FileInput{Category: code, Description: form["description"], Attributes: attrs, Source: "open311",
		Contact: complaints.Contact{Name: strings.TrimSpace(form["first_name"] + " " + form["last_name"]),
			Phone: strings.TrimSpace(form["phone"]), Email: strings.TrimSpace(form["email"])}}
	if len(in.Attributes) == 0 {
		in.Attributes = nil
	}
	switch {
	case form["lat"] != "" || form["long"] != "":
		lat, err1 := strconv.ParseFloat(form["lat"], 64)
		lon, err2 := strconv.ParseFloat(form["long"], 64)
		if err1 != nil || err2 != nil || math.IsNaN(lat) || math.IsNaN(lon) {
			return apperr.New(apperr.Invalid, "lat and long must both be numbers")
		}
		in.Point = &complaints.Point{Lat: lat, Lon: lon}
		in.Address = form["address_string"]
	case form["address_id"] != "":
		in.CommunityID = form["address_id"]
		in.Address = form["address_string"]
		if in.Address == "" {
			in.Address = form["address_id"]
		}
	case form["address_string"] != "":
		in.CommunityID = s.communityInAddress(form["address_string"])
		if in.CommunityID == "" {
			return apperr.New(apperr.Invalid, "address_string names no community of this city")
		}
		in.Address = form["address_string"]
	default:
		return apperr.New(apperr.Invalid, "give lat and long, address_string or address_id")
	}
	if m := form["media_url"]; m != "" {
		if u, err := url.Parse(m); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(m) > 500 {
			return apperr.New(apperr.Invalid, "media_url must be an http(s) URL")
		}
	}
	filed, err := s.Complaints.File(c.UserContext(), complaints.Actor{Role: complaints.RoleAnonymous, Name: "open311:" + key.Name}, in)
	if err != nil {
		return complaints.Localize(err, "en")
	}
	out := []o311Created{{ServiceRequestID: filed.Complaint.ID, ServiceNotice: s.o311Notice(c, filed.Complaint)}}
	c.Status(fiber.StatusCreated)
	return s.o311Send(c, format, out, o311CreatedList{Requests: out})
}

// communityInAddress finds the community whose name the address mentions
// (the longest match wins).
func (s *Server) communityInAddress(addr string) string {
	best, bestLen := "", 0
	for _, a := range s.Areas.List(areas.Community, "") {
		for _, name := range []string{a.Name, a.NameEN} {
			if name != "" && len(name) > bestLen && strings.Contains(strings.ToLower(addr), strings.ToLower(name)) {
				best, bestLen = a.ID, len(name)
			}
		}
	}
	return best
}

func (s *Server) o311Notice(c *fiber.Ctx, cs *complaints.Complaint) string {
	due := cs.DueAt.In(chinaTime).Format("2006-01-02 15:04")
	return msg(languageOf(c), "已受理登记，预计处理时限："+due, "registered; expected by "+due+" (UTC+8)")
}

type o311Request struct {
	XMLName           xml.Name `json:"-" xml:"request"`
	ServiceRequestID  string   `json:"service_request_id" xml:"service_request_id"`
	Status            string   `json:"status" xml:"status"`
	StatusNotes       string   `json:"status_notes" xml:"status_notes"`
	ServiceName       string   `json:"service_name" xml:"service_name"`
	ServiceCode       string   `json:"service_code" xml:"service_code"`
	Description       string   `json:"description" xml:"description"`
	AgencyResponsible string   `json:"agency_responsible" xml:"agency_responsible"`
	ServiceNotice     string   `json:"service_notice" xml:"service_notice"`
	RequestedDatetime string   `json:"requested_datetime" xml:"requested_datetime"`
	UpdatedDatetime   string   `json:"updated_datetime" xml:"updated_datetime"`
	ExpectedDatetime  string   `json:"expected_datetime" xml:"expected_datetime"`
	Address           string   `json:"address" xml:"address"`
	AddressID         string   `json:"address_id" xml:"address_id"`
	Zipcode           string   `json:"zipcode" xml:"zipcode"`
	Lat               *float64 `json:"lat" xml:"lat,omitempty"`
	Long              *float64 `json:"long" xml:"long,omitempty"`
	MediaURL          string   `json:"media_url" xml:"media_url"`
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

// toO311 converts a complaint to a record: never the reporter's contact.
func (s *Server) toO311(c *fiber.Ctx, cs *complaints.Complaint) o311Request {
	r := o311Request{ServiceRequestID: cs.ID, Status: "open", ServiceCode: cs.Category,
		Description: cs.Description, AgencyResponsible: s.o311Name(c, s.deptRef(cs.Department).Name, s.deptRef(cs.Department).NameEN),
		RequestedDatetime: o311Time(cs.FiledAt), UpdatedDatetime: o311Time(cs.UpdatedAt),
		ExpectedDatetime: o311Time(cs.DueAt), Address: cs.Address, AddressID: cs.Place.CommunityID}
	if cat, ok := s.Complaints.Category(cs.Category); ok {
		r.ServiceName = s.o311Name(c, cat.Name, cat.NameEN)
	}
	if !cs.Status.Open() {
		r.Status = "closed"
	}
	switch {
	case cs.MergedInto != "":
		r.StatusNotes = "duplicate of " + cs.MergedInto
	case cs.Status == complaints.StatusRejected:
		r.StatusNotes = cs.RejectReason
	case cs.ResolutionNote != "" && !cs.Status.Open():
		r.StatusNotes = cs.ResolutionNote
	default:
		r.StatusNotes = string(cs.Status)
	}
	if p := coarse(cs.Point); p != nil {
		r.Lat, r.Long = &p.Lat, &p.Lon
	}
	for _, p := range cs.Photos {
		r.MediaURL = c.BaseURL() + "/api/v1/photos/" + p.ID
		break
	}
	return r
}

func (s *Server) o311Requests(c *fiber.Ctx) error {
	format, err := o311Format(c)
	if err != nil {
		return err
	}
	if err := s.checkJurisdiction(c, c.Query("jurisdiction_id")); err != nil {
		return err
	}
	var list []*complaints.Complaint
	if ids := c.Query("service_request_id"); ids != "" {
		parts := strings.Split(ids, ",")
		if len(parts) > open311MaxRows {
			return apperr.New(apperr.Invalid, "at most 1000 service_request_id values")
		}
		for _, id := range parts {
			cs, err := s.Complaints.Track(c.UserContext(), strings.TrimSpace(id))
			if complaints.IsNotFound(err) {
				continue
			}
			if err != nil {
				return err
			}
			list = append(list, cs)
		}
	} else {
		f := complaints.Filter{Now: s.now(), Sort: "-filed_at", Limit: open311MaxRows}
		end, start := s.now(), time.Time{}
		if v := c.Query("end_date"); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return apperr.New(apperr.Invalid, "end_date must be ISO 8601 (RFC 3339)")
			}
			end = t
		}
		start = end.Add(-open311MaxSpan)
		if v := c.Query("start_date"); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return apperr.New(apperr.Invalid, "start_date must be ISO 8601 (RFC 3339)")
			}
			start = t
		}
		if end.Sub(start) > open311MaxSpan || end.Before(start) {
			return apperr.New(apperr.Invalid, "start_date and end_date must be in order and at most 90 days apart")
		}
		f.From, f.To = start, end.Add(time.Millisecond)
		if codes := c.Query("service_code"); codes != "" {
			for _, code := range strings.Split(codes, ",") {
				code = strings.TrimSpace(code)
				if _, ok := s.Complaints.Category(code); !ok {
					return apperr.New(apperr.NotFound, "unknown service_code "+code)
				}
				f.Categories = append(f.Categories, code)
			}
		}
		switch c.Query("status") {
		case "":
		case "open":
			f.Statuses = complaints.OpenStatuses
		case "closed":
			f.Statuses = []complaints.Status{complaints.StatusResolved, complaints.StatusClosed, complaints.StatusRejected}
		default:
			return apperr.New(apperr.Invalid, "status must be open or closed")
		}
		if list, err = s.Complaints.PublicList(c.UserContext(), f); err != nil {
			return err
		}
	}
	out := make([]o311Request, 0, len(list))
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
	cs, err := s.Complaints.Track(c.UserContext(), c.Params("id"))
	if complaints.IsNotFound(err) {
		return apperr.New(apperr.NotFound, "unknown service_request_id")
	}
	if err != nil {
		return err
	}
	out := []o311Request{s.toO311(c, cs)}
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

// o311Token: requests get their id at once, so a token is the id itself.
func (s *Server) o311Token(c *fiber.Ctx) error {
	format, err := o311Format(c)
	if err != nil {
		return err
	}
	if err := s.checkJurisdiction(c, c.Query("jurisdiction_id")); err != nil {
		return err
	}
	cs, err := s.Complaints.Track(c.UserContext(), c.Params("token"))
	if complaints.IsNotFound(err) {
		return apperr.New(apperr.NotFound, "unknown token")
	}
	if err != nil {
		return err
	}
	out := []o311TokenRec{{ServiceRequestID: cs.ID, Token: c.Params("token")}}
	return s.o311Send(c, format, out, o311TokenList{Requests: out})
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
