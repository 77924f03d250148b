package portal

import (
	"errors"
	"io"
	"math"
	"mime/multipart"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"cleancity/complaints"
	"cleancity/complaints/photo"
	"cleancity/portal/apperr"
	"cleancity/portal/areas"
)

// maxJSONFiling caps a JSON filing or action: photos come as multipart.
const maxJSONFiling = 64 << 10

var (
	staffRoles      = []Role{RoleDepartment, RoleOfficial, RoleAdmin}
	complaintReader = []Role{RoleResident, RoleVolunteer, RoleDepartment, RoleOfficial, RoleAdmin}
)

func (s *Server) registerComplaintRoutes(api fiber.Router) {
	api.Get("/categories", s.listCategories)
	api.Put("/categories/:code", requireRoles(RoleAdmin), s.putCategory)

	api.Post("/complaints", s.fileComplaint)
	api.Get("/complaints", requireRoles(complaintReader...), s.listComplaints)
	api.Get("/complaints/export.csv", requireRoles(staffRoles...), s.exportComplaints)
	api.Get("/complaints/public", s.publicComplaints)
	api.Get("/complaints/overdue", s.overdueComplaints)
	api.Get("/complaints/duplicates", s.duplicateCandidates)
	api.Get("/complaints/:id", requireRoles(complaintReader...), s.getComplaint)
	api.Post("/complaints/:id/actions", requireRoles(staffRoles...), s.actOnComplaint)
	api.Post("/complaints/:id/join", s.joinComplaint)
	api.Get("/photos/:id", s.getPhoto)

	api.Get("/track/:code", s.trackComplaint)
	api.Post("/track/:code/feedback", s.complaintFeedback)
	api.Post("/track/:code/contact/confirm", s.confirmContact)

	s.registerAPIKeyRoutes(api)
	s.registerOpen311Routes(s.app)
}

// cerr localizes the complaint domain's errors.
func cerr(c *fiber.Ctx, err error) error {
	if err == nil {
		return nil
	}
	return complaints.Localize(err, languageOf(c))
}

// ---- categories ----

type attributeValueResponse struct {
	Key    string `json:"key"`
	Name   string `json:"name"`
	NameEN string `json:"name_en"`
}

type attributeResponse struct {
	Code     string                   `json:"code"`
	Name     string                   `json:"name"`
	NameEN   string                   `json:"name_en"`
	Datatype string                   `json:"datatype"`
	Required bool                     `json:"required"`
	Order    int                      `json:"order"`
	Values   []attributeValueResponse `json:"values,omitempty"`
}

type categoryResponse struct {
	Code            string              `json:"code"`
	Name            string              `json:"name"`
	NameEN          string              `json:"name_en"`
	Description     string              `json:"description,omitempty"`
	DescriptionEN   string              `json:"description_en,omitempty"`
	Group           string              `json:"group,omitempty"`
	Keywords        []string            `json:"keywords,omitempty"`
	ServiceHours    int                 `json:"service_hours"`
	Route           string              `json:"route"`
	DepartmentType  string              `json:"department_type,omitempty"`
	DuplicateRadius int                 `json:"duplicate_radius"`
	Attributes      []attributeResponse `json:"attributes"`
	Active          bool                `json:"active"`
}

func toCategoryResponse(c complaints.Category) categoryResponse {
	r := categoryResponse{Code: c.Code, Name: c.Name, NameEN: c.NameEN, Description: c.Description, DescriptionEN: c.DescriptionEN,
		Group: c.Group, Keywords: c.Keywords, ServiceHours: c.ServiceHours, Route: c.Route, DepartmentType: c.DepartmentType,
		DuplicateRadius: int(c.Radius()), Attributes: []attributeResponse{}, Active: c.Active}
	for _, a := range c.Attributes {
		ar := attributeResponse{Code: a.Code, Name: a.Name, NameEN: a.NameEN, Datatype: a.Datatype, Required: a.Required, Order: a.Order}
		for _, v := range a.Values {
			ar.Values = append(ar.Values, attributeValueResponse(v))
		}
		r.Attributes = append(r.Attributes, ar)
	}
	return r
}

func (s *Server) listCategories(c *fiber.Ctx) error {
	all := c.Query("all") == "true" && principalOf(c).Is(RoleAdmin)
	out := []categoryResponse{}
	for _, cat := range s.Complaints.Categories() {
		if cat.Active || all {
			out = append(out, toCategoryResponse(cat))
		}
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=60")
	return c.JSON(fiber.Map{"categories": out})
}

type attributeValueRequest struct {
	Key    string `json:"key" validate:"required,max=40,plaintext"`
	Name   string `json:"name" validate:"required,max=60,plaintext"`
	NameEN string `json:"name_en" validate:"required,max=100,plaintext"`
}

type attributeRequest struct {
	Code     string                  `json:"code" validate:"required,max=40"`
	Name     string                  `json:"name" validate:"required,max=60,plaintext"`
	NameEN   string                  `json:"name_en" validate:"required,max=100,plaintext"`
	Datatype string                  `json:"datatype" validate:"required,oneof=string number datetime text singlevaluelist multivaluelist"`
	Required bool                    `json:"required"`
	Order    int                     `json:"order" validate:"min=0,max=100"`
	Values   []attributeValueRequest `json:"values" validate:"max=50,dive"`
}

type categoryRequest struct {
	Name            string             `json:"name" validate:"required,max=60,plaintext"`
	NameEN          string             `json:"name_en" validate:"required,max=100,plaintext"`
	Description     string             `json:"description" validate:"max=500,plaintext"`
	DescriptionEN   string             `json:"description_en" validate:"max=500,plaintext"`
	Group           string             `json:"group" validate:"max=40,plaintext"`
	Keywords        []string           `json:"keywords" validate:"max=20,dive,max=40,plaintext"`
	ServiceHours    int                `json:"service_hours" validate:"required,min=1,max=2160"`
	Route           string             `json:"route" validate:"required,oneof=grid_lead department_type"`
	DepartmentType  string             `json:"department_type" validate:"required_if=Route department_type,omitempty,max=40"`
	DuplicateRadius int                `json:"duplicate_radius" validate:"min=0,max=150"`
	Attributes      []attributeRequest `json:"attributes" validate:"max=20,dive"`
	Active          *bool              `json:"active" validate:"required"`
}

// putCategory creates or replaces a category (admins).
func (s *Server) putCategory(c *fiber.Ctx) error {
	var req categoryRequest
	if err := s.BindJSON(c, &req); err != nil {
		return err
	}
	if req.Route == complaints.RouteDepartmentType && !knownDeptType(req.DepartmentType) {
		return apperr.Field("department_type", msg(languageOf(c), "未知的部门类型", "unknown department type"))
	}
	cat := complaints.Category{Code: c.Params("code"), Name: req.Name, NameEN: req.NameEN, Description: req.Description,
		DescriptionEN: req.DescriptionEN, Group: req.Group, Keywords: req.Keywords, ServiceHours: req.ServiceHours,
		Route: req.Route, DepartmentType: req.DepartmentType, DuplicateRadius: req.DuplicateRadius, Active: *req.Active}
	for _, a := range req.Attributes {
		at := complaints.Attribute{Code: a.Code, Name: a.Name, NameEN: a.NameEN, Datatype: a.Datatype, Required: a.Required, Order: a.Order}
		for _, v := range a.Values {
			at.Values = append(at.Values, complaints.AttributeValue(v))
		}
		cat.Attributes = append(cat.Attributes, at)
	}
	if err := s.Complaints.PutCategory(c.UserContext(), cat); err != nil {
		return cerr(c, err)
	}
	got, _ := s.Complaints.Category(cat.Code)
	return c.JSON(toCategoryResponse(got))
}

func knownDeptType(t string) bool {
	for _, k := range areas.DepartmentTypes {
		if k == t {
			return true
		}
	}
	return false
}

// ---- filing ----

type contactRequest struct {
	Name  string `json:"name" validate:"max=50,plaintext"`
	Phone string `json:"phone" validate:"omitempty,max=20"`
	Email string `json:"email" validate:"omitempty,max=200,email"`
}

type fileRequest struct {
	Category    string            `json:"category" validate:"required,max=40"`
	Description string            `json:"description" validate:"required,min=10,max=4000,plaintext"`
	Lat         *float64          `json:"lat" validate:"required_with=Lon,omitempty,latitude"`
	Lon         *float64          `json:"lon" validate:"required_with=Lat,omitempty,longitude"`
	CommunityID string            `json:"community_id" validate:"omitempty,max=64"`
	Address     string            `json:"address" validate:"omitempty,max=200,plaintext"`
	Contact     *contactRequest   `json:"contact"`
	Attributes  map[string]string `json:"attributes" validate:"omitempty,max=20,dive,keys,max=40,endkeys,max=500"`
	// Private keeps the description and address off every public page.
	Private bool `json:"private"`
}

func (r fileRequest) input() complaints.FileInput {
	in := complaints.FileInput{Category: r.Category, Description: r.Description, CommunityID: r.CommunityID,
		Address: r.Address, Attributes: r.Attributes, Private: r.Private}
	if r.Lat != nil && r.Lon != nil {
		in.Point = &complaints.Point{Lat: *r.Lat, Lon: *r.Lon}
	}
	if r.Contact != nil {
		in.Contact = complaints.Contact{Name: strings.TrimSpace(r.Contact.Name), Phone: strings.TrimSpace(r.Contact.Phone),
			Email: strings.TrimSpace(r.Contact.Email)}
	}
	return in
}

type refResponse struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	NameEN string `json:"name_en"`
}

type candidateResponse struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	// WithinM bands the distance (50, 100, 200 or 300 m, from the case's
	// public position); absent when matched by community.
	WithinM    int       `json:"within_m,omitempty"`
	FiledAt    time.Time `json:"filed_at"`
	Supporters int       `json:"supporters"`
}

type fileResponse struct {
	ID                 string              `json:"id"`
	TrackingCode       string              `json:"tracking_code"`
	Status             string              `json:"status"`
	Category           string              `json:"category"`
	Department         refResponse         `json:"department"`
	Area               areaRefs            `json:"area"`
	FiledAt            time.Time           `json:"filed_at"`
	DueAt              time.Time           `json:"due_at"`
	PossibleDuplicates []candidateResponse `json:"possible_duplicates"`
	FollowUpSecret     string              `json:"follow_up_secret,omitempty"`
	// ContactConfirmation is "sent" when a code went to the contact given
	// (to be entered at /track/{code}/contact/confirm) and "limited" when
	// that contact already had one today.
	ContactConfirmation string          `json:"contact_confirmation,omitempty"`
	Photos              []photoResponse `json:"photos"`
}

type areaRefs struct {
	District  *refResponse `json:"district,omitempty"`
	Street    *refResponse `json:"street,omitempty"`
	Community *refResponse `json:"community,omitempty"`
	Grid      *refResponse `json:"grid,omitempty"`
}

func (s *Server) areaRef(id string) *refResponse {
	if id == "" {
		return nil
	}
	a, ok := s.Areas.Area(id)
	if !ok {
		return &refResponse{ID: id}
	}
	return &refResponse{ID: a.ID, Name: a.Name, NameEN: a.NameEN}
}

func (s *Server) deptRef(id string) refResponse {
	d, ok := s.Areas.Department(id)
	if !ok {
		return refResponse{ID: id}
	}
	return refResponse{ID: d.ID, Name: d.Name, NameEN: d.NameEN}
}

func (s *Server) areasOf(p complaints.Place, withGrid bool) areaRefs {
	r := areaRefs{District: s.areaRef(p.DistrictID), Street: s.areaRef(p.StreetID), Community: s.areaRef(p.CommunityID)}
	if withGrid {
		r.Grid = s.areaRef(p.GridID)
	}
	return r
}

func toCandidates(list []complaints.Candidate) []candidateResponse {
	out := make([]candidateResponse, 0, len(list))
	for _, d := range list {
		out = append(out, candidateResponse{ID: d.ID, Status: string(d.Status), WithinM: d.Within(), FiledAt: d.FiledAt,
			Supporters: d.Supporters})
	}
	return out
}

// fileComplaint files a complaint from JSON or multipart (a "data" part
// with the JSON document, or flat fields, plus up to four "photos" parts).
// allowFiling applies Config.FilingLimit: anonymous clients are counted by
// address, residents and volunteers by account; staff, who file on behalf
// of callers, are not counted.
func (s *Server) allowFiling(c *fiber.Ctx) error {
	key := "ip:" + clientIP(c)
	if p := principalOf(c); p != nil {
		switch p.Role {
		case RoleDepartment, RoleOfficial, RoleAdmin:
			return nil
		}
		key = "user:" + p.UserID
	}
	return s.allowFilingKey(c, key)
}

// allowAddressFiling counts a filing on the client address alone, whoever
// is signed in (Open311: the API key, not a session, stands for the caller).
func (s *Server) allowAddressFiling(c *fiber.Ctx) error {
	return s.allowFilingKey(c, "ip:"+clientIP(c))
}

func (s *Server) allowFilingKey(c *fiber.Ctx, key string) error {
	l := s.complaints.filings
	if l == nil {
		return nil
	}
	if ok, wait := l.Allow(key); !ok {
		lang := languageOf(c)
		e := apperr.New(apperr.RateLimited, msg(lang, "提交过于频繁，请稍后再试", "too many reports from this address or account; try again later"))
		e.RetryAfter = wait
		return e
	}
	return nil
}

// allowLookup limits the public lookups that take a position (duplicate
// hints) per anonymous client address or per account; staff are not
// limited. The answers reveal nothing finer than the public map, so the
// limit only keeps scripts from scraping the city's cases.
func (s *Server) allowLookup(c *fiber.Ctx) error {
	key := "ip:" + clientIP(c)
	if p := principalOf(c); p != nil {
		switch p.Role {
		case RoleDepartment, RoleOfficial, RoleAdmin:
			return nil
		}
		key = "user:" + p.UserID
	}
	if ok, wait := s.complaints.lookups.Allow(key); !ok {
		e := apperr.New(apperr.RateLimited, msg(languageOf(c), "查询过于频繁，请稍后再试", "too many lookups from this address or account; try again later"))
		e.RetryAfter = wait
		return e
	}
	return nil
}

func (s *Server) fileComplaint(c *fiber.Ctx) error {
	if err := s.allowFiling(c); err != nil {
		return err
	}
	lang := languageOf(c)
	var req fileRequest
	var photos [][]byte
	if isMultipart(c) {
		var err error
		if photos, err = s.bindFilingMultipart(c, &req); err != nil {
			return err
		}
	} else {
		if len(c.Body()) > maxJSONFiling {
			return apperr.Newf(apperr.TooLarge, "%s", msg(lang, "JSON请求体过大，照片请用multipart上传", "JSON body too large; send photos as multipart"))
		}
		if err := s.BindJSON(c, &req); err != nil {
			return err
		}
	}
	in := req.input()
	in.Photos = photos
	in.Source = "web"
	filed, err := s.Complaints.File(c.UserContext(), actorOf(principalOf(c)), in)
	if err != nil {
		return cerr(c, err)
	}
	cs := filed.Complaint
	resp := fileResponse{
		ID: cs.ID, TrackingCode: cs.ID, Status: string(cs.Status), Category: cs.Category,
		Department: s.deptRef(cs.Department), Area: s.areasOf(cs.Place, true), FiledAt: cs.FiledAt, DueAt: cs.DueAt,
		PossibleDuplicates: toCandidates(filed.Duplicates), FollowUpSecret: filed.Secret, Photos: photosOf(cs, ""),
		ContactConfirmation: filed.ContactCode}
	c.Set(fiber.HeaderLocation, "/api/v1/track/"+cs.ID)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusCreated).JSON(resp)
}

func isMultipart(c *fiber.Ctx) bool {
	return strings.HasPrefix(strings.ToLower(c.Get(fiber.HeaderContentType)), fiber.MIMEMultipartForm)
}

// bindFilingMultipart reads a multipart filing into req and returns the raw photos.
func (s *Server) bindFilingMultipart(c *fiber.Ctx, req *fileRequest) ([][]byte, error) {
	lang := languageOf(c)
	form, err := c.MultipartForm()
	if err != nil {
		return nil, apperr.Fields(invalidMessage(lang), map[string]string{"body": msg(lang, "无法解析multipart表单", "malformed multipart form")})
	}
	for name := range form.File {
		if name != "photos" {
			return nil, apperr.Fields(invalidMessage(lang), map[string]string{name: msg(lang, "未知字段", "unknown field")})
		}
	}
	one := func(name string) (string, error) {
		v := form.Value[name]
		if len(v) > 1 {
			return "", apperr.Fields(invalidMessage(lang), map[string]string{name: msg(lang, "字段重复", "repeated field")})
		}
		if len(v) == 0 {
			return "", nil
		}
		return v[0], nil
	}
	if data, ok := form.Value["data"]; ok {
		if len(form.Value) != 1 || len(data) != 1 {
			return nil, apperr.Fields(invalidMessage(lang), map[string]string{"data": msg(lang, "使用data时不能再有其他字段", "with a data part, send no other fields")})
		}
		if err := decodeStrict(lang, []byte(data[0]), req); err != nil {
			return nil, err
		}
	} else {
		fields := map[string]string{}
		attrs := map[string]string{}
		for name := range form.Value {
			switch name {
			case "category", "description", "lat", "lon", "community_id", "address", "contact_name", "contact_phone", "contact_email", "private":
			default:
				if strings.HasPrefix(name, "attribute[") && strings.HasSuffix(name, "]") {
					v, err := one(name)
					if err != nil {
						return nil, err
					}
					attrs[name[len("attribute["):len(name)-1]] = v
					continue
				}
				fields[name] = msg(lang, "未知字段", "unknown field")
			}
		}
		if len(fields) > 0 {
			return nil, apperr.Fields(invalidMessage(lang), fields)
		}
		get := func(name string, dst *string) error {
			v, err := one(name)
			*dst = v
			return err
		}
		var lat, lon, cn, cp, ce, private string
		for name, dst := range map[string]*string{"category": &req.Category, "description": &req.Description,
			"community_id": &req.CommunityID, "address": &req.Address, "lat": &lat, "lon": &lon,
			"contact_name": &cn, "contact_phone": &cp, "contact_email": &ce, "private": &private} {
			if err := get(name, dst); err != nil {
				return nil, err
			}
		}
		switch private {
		case "", "false":
		case "true":
			req.Private = true
		default:
			fields["private"] = msg(lang, "须为true或false", "must be true or false")
		}
		for name, pair := range map[string]struct {
			s   string
			dst **float64
		}{"lat": {lat, &req.Lat}, "lon": {lon, &req.Lon}} {
			if pair.s == "" {
				continue
			}
			f, err := strconv.ParseFloat(strings.TrimSpace(pair.s), 64)
			if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
				fields[name] = msg(lang, "必须是数字", "must be a number")
				continue
			}
			*pair.dst = &f
		}
		if len(fields) > 0 {
			return nil, apperr.Fields(invalidMessage(lang), fields)
		}
		if cn != "" || cp != "" || ce != "" {
			req.Contact = &contactRequest{Name: cn, Phone: cp, Email: ce}
		}
		if len(attrs) > 0 {
			req.Attributes = attrs
		}
	}
	if err := s.validator.Struct(lang, req); err != nil {
		return nil, err
	}
	return readPhotos(lang, form.File["photos"])
}

// readPhotos reads the uploaded photo parts, enforcing count and size.
func readPhotos(lang string, files []*multipart.FileHeader) ([][]byte, error) {
	if len(files) > complaints.MaxPhotos {
		return nil, apperr.Fields(invalidMessage(lang), map[string]string{"photos": msg(lang, "最多4张照片", "at most 4 photos")})
	}
	out := make([][]byte, 0, len(files))
	for i, fh := range files {
		field := "photos." + strconv.Itoa(i)
		if fh.Size > photo.MaxBytes {
			return nil, apperr.Fields(invalidMessage(lang), map[string]string{field: msg(lang, "照片超过8 MiB", "the photo is larger than 8 MiB")})
		}
		f, err := fh.Open()
		if err != nil {
			return nil, err
		}
		data, err := io.ReadAll(io.LimitReader(f, photo.MaxBytes+1))
		f.Close()
		if err != nil {
			return nil, err
		}
		out = append(out, data)
	}
	return out, nil
}

// ---- reading ----

type photoResponse struct {
	URL      string `json:"url"`
	ThumbURL string `json:"thumb_url"`
	Kind     string `json:"kind"`
	Width    int    `json:"width"`
	Height   int    `json:"height"`
}

func photosOf(c *complaints.Complaint, kind complaints.PhotoKind) []photoResponse {
	out := []photoResponse{}
	for _, p := range c.Photos {
		if kind != "" && p.Kind != kind {
			continue
		}
		out = append(out, photoResponse{URL: "/api/v1/photos/" + p.ID, ThumbURL: "/api/v1/photos/" + p.ThumbID,
			Kind: string(p.Kind), Width: p.Width, Height: p.Height})
	}
	return out
}

type publicEventResponse struct {
	At     time.Time `json:"at"`
	Action string    `json:"action"`
	From   string    `json:"from,omitempty"`
	To     string    `json:"to"`
	Note   string    `json:"note,omitempty"`
}

type pointResponse struct {
	Lat float64 `json:"lat"`
	Lon float64 `json:"lon"`
}

// trackResponse is the public view of a case: no contact details, no
// reporter, no staff names.
type trackResponse struct {
	ID             string                `json:"id"`
	TrackingCode   string                `json:"tracking_code"`
	Status         string                `json:"status"`
	Category       categoryRef           `json:"category"`
	Area           areaRefs              `json:"area"`
	Location       *pointResponse        `json:"location,omitempty"`
	Department     refResponse           `json:"department"`
	FiledAt        time.Time             `json:"filed_at"`
	UpdatedAt      time.Time             `json:"updated_at"`
	DueAt          time.Time             `json:"due_at"`
	AcceptedAt     *time.Time            `json:"accepted_at,omitempty"`
	ResolvedAt     *time.Time            `json:"resolved_at,omitempty"`
	ClosedAt       *time.Time            `json:"closed_at,omitempty"`
	Overdue        bool                  `json:"overdue"`
	NoticeLevel    int                   `json:"notice_level"`
	Published      bool                  `json:"published"`
	MergedInto     string                `json:"merged_into,omitempty"`
	Supporters     int                   `json:"supporters"`
	ResolutionNote string                `json:"resolution_note,omitempty"`
	RejectReason   string                `json:"reject_reason,omitempty"`
	Rating         int                   `json:"rating,omitempty"`
	Photos         []photoResponse       `json:"photos"`
	History        []publicEventResponse `json:"history"`
	// Description and Address are the public version (complaints.PublicText);
	// Publication says why there is none: pending, withheld or private.
	Description string `json:"description,omitempty"`
	Address     string `json:"address,omitempty"`
	Publication string `json:"publication"`
}

type categoryRef struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	NameEN string `json:"name_en"`
}

func (s *Server) categoryRef(code string) categoryRef {
	cat, ok := s.Complaints.Category(code)
	if !ok {
		return categoryRef{Code: code}
	}
	return categoryRef{Code: cat.Code, Name: cat.Name, NameEN: cat.NameEN}
}

func tp(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// coarse rounds a point to about 100 m, so the public map shows the area
// without pinpointing a home.
func coarse(p *complaints.Point) *pointResponse {
	if p == nil {
		return nil
	}
	pp := complaints.PublicPoint(*p)
	return &pointResponse{Lat: pp.Lat, Lon: pp.Lon}
}

// publicNote says which actions' notes the public sees: the outcome of the
// case, never internal reassignment reasons or reporters' comments.
func publicNote(a complaints.Action) bool {
	switch a {
	case complaints.ActionResolve, complaints.ActionReject, complaints.ActionMerge, complaints.ActionNotice, complaints.ActionAutoClose:
		return true
	}
	return false
}

func (s *Server) toTrackResponse(cs *complaints.Complaint) trackResponse {
	r := trackResponse{
		ID: cs.ID, TrackingCode: cs.ID, Status: string(cs.Status), Category: s.categoryRef(cs.Category),
		Area: s.areasOf(cs.Place, false), Location: coarse(cs.Point), Department: s.deptRef(cs.Department),
		FiledAt: cs.FiledAt, UpdatedAt: cs.UpdatedAt, DueAt: cs.DueAt, AcceptedAt: tp(cs.AcceptedAt),
		ResolvedAt: tp(cs.ResolvedAt), ClosedAt: tp(cs.ClosedAt), Overdue: cs.Overdue(s.now()),
		NoticeLevel: cs.NoticeLevel, Published: cs.Published, MergedInto: cs.MergedInto, Supporters: cs.Supporters,
		ResolutionNote: cs.ResolutionNote, RejectReason: cs.RejectReason, Rating: cs.Rating(),
		Photos: photosOf(cs, ""), History: []publicEventResponse{}, Publication: complaints.PublicationState(cs),
	}
	if pub, ok := complaints.PublicText(cs); ok {
		r.Description, r.Address = pub.Description, pub.Address
	}
	for _, e := range cs.Events {
		switch e.Action {
		case complaints.ActionModerate, complaints.ActionConfirmContact, complaints.ActionEraseContact:
			continue // staff moderation and the reporter's contact are not the public's
		}
		pe := publicEventResponse{At: e.At, Action: string(e.Action), From: string(e.From), To: string(e.To)}
		if publicNote(e.Action) {
			pe.Note = e.Note
		}
		r.History = append(r.History, pe)
	}
	return r
}

// trackComplaint is the public view by tracking code.
func (s *Server) trackComplaint(c *fiber.Ctx) error {
	cs, err := s.Complaints.Track(c.UserContext(), c.Params("code"))
	if err != nil {
		return cerr(c, err)
	}
	c.Set(fiber.HeaderCacheControl, "no-cache")
	return c.JSON(s.toTrackResponse(cs))
}

type eventResponse struct {
	ID             string    `json:"id"`
	Seq            int       `json:"seq"`
	At             time.Time `json:"at"`
	ActorID        string    `json:"actor_id,omitempty"`
	ActorName      string    `json:"actor_name,omitempty"`
	Role           string    `json:"role"`
	Action         string    `json:"action"`
	From           string    `json:"from,omitempty"`
	To             string    `json:"to"`
	Note           string    `json:"note,omitempty"`
	Department     string    `json:"department,omitempty"`
	PrevDepartment string    `json:"prev_department,omitempty"`
	Into           string    `json:"into,omitempty"`
	NoticeLevel    int       `json:"notice_level,omitempty"`
	Rating         int       `json:"rating,omitempty"`
}

type noticeResponse struct {
	Level      int       `json:"level"`
	Number     string    `json:"number"`
	IssuedAt   time.Time `json:"issued_at"`
	Department string    `json:"department"`
	DueAt      time.Time `json:"due_at"`
	Penalty    int       `json:"penalty_weight"`
}

type feedbackResponse struct {
	Confirmed bool      `json:"confirmed"`
	Rating    int       `json:"rating"`
	Comment   string    `json:"comment,omitempty"`
	At        time.Time `json:"at"`
}

type contactResponse struct {
	Name  string `json:"name,omitempty"`
	Phone string `json:"phone,omitempty"`
	Email string `json:"email,omitempty"`
}

// complaintResponse is the staff view: everything staff may see.
type complaintResponse struct {
	trackResponse
	Description    string             `json:"description"`
	Address        string             `json:"address,omitempty"`
	Point          *pointResponse     `json:"point,omitempty"`
	GridID         string             `json:"grid_id,omitempty"`
	Attributes     map[string]string  `json:"attributes,omitempty"`
	Contact        *contactResponse   `json:"contact,omitempty"`
	ReporterID     string             `json:"reporter_id,omitempty"`
	Anonymous      bool               `json:"anonymous"`
	Source         string             `json:"source"`
	Version        int                `json:"version"`
	Notices        []noticeResponse   `json:"notices"`
	Feedback       []feedbackResponse `json:"feedback"`
	Reopens        int                `json:"reopens"`
	Events         []eventResponse    `json:"events"`
	AllowedActions []string           `json:"allowed_actions"`
	staffPublication
}

func (s *Server) toComplaintResponse(cs *complaints.Complaint, actor complaints.Actor) complaintResponse {
	r := complaintResponse{trackResponse: s.toTrackResponse(cs), Description: cs.Description, Address: cs.Address,
		GridID: cs.Place.GridID, Attributes: cs.Attributes, ReporterID: cs.ReporterID, Anonymous: cs.ReporterID == "",
		Source: cs.Source, Version: cs.Version, Reopens: cs.Reopens, Notices: []noticeResponse{},
		Feedback: []feedbackResponse{}, Events: []eventResponse{}, AllowedActions: []string{},
		staffPublication: toStaffPublication(cs)}
	if cs.Point != nil {
		r.Point = &pointResponse{Lat: cs.Point.Lat, Lon: cs.Point.Lon}
	}
	if !cs.Contact.Empty() {
		r.Contact = &contactResponse{Name: cs.Contact.Name, Phone: cs.Contact.Phone, Email: cs.Contact.Email}
	}
	for _, n := range cs.Notices {
		r.Notices = append(r.Notices, noticeResponse{Level: n.Level, Number: n.Number, IssuedAt: n.IssuedAt,
			Department: n.Department, DueAt: n.DueAt, Penalty: complaints.NoticePenalty(n.Level)})
	}
	for _, f := range cs.Feedback {
		r.Feedback = append(r.Feedback, feedbackResponse(f))
	}
	for _, e := range cs.Events {
		r.Events = append(r.Events, eventResponse{ID: e.ID, Seq: e.Seq, At: e.At, ActorID: e.ActorID, ActorName: e.ActorName,
			Role: string(e.Role), Action: string(e.Action), From: string(e.From), To: string(e.To), Note: e.Note,
			Department: e.Department, PrevDepartment: e.PrevDepartment, Into: e.Into, NoticeLevel: e.NoticeLevel, Rating: e.Rating})
	}
	for _, a := range complaints.Allowed(cs, actor) {
		r.AllowedActions = append(r.AllowedActions, string(a))
	}
	return r
}

// getComplaint is the staff view (and the reporter's own account's view).
func (s *Server) getComplaint(c *fiber.Ctx) error {
	actor := actorOf(principalOf(c))
	cs, err := s.Complaints.Get(c.UserContext(), actor, complaints.NormalizeCode(c.Params("id")))
	if err != nil {
		return cerr(c, err)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(s.toComplaintResponse(cs, actor))
}

// ---- actions ----

type actionRequest struct {
	Action     string `json:"action" validate:"required,oneof=accept start resolve reject reassign merge"`
	Note       string `json:"note" validate:"max=1000,plaintext"`
	Department string `json:"department" validate:"max=64"`
	Into       string `json:"into" validate:"max=32"`
	Version    int    `json:"version" validate:"required,min=1"`
}

// actOnComplaint applies a staff action, from JSON or multipart (fields
// action, note, department, into, version and "photos" parts).
func (s *Server) actOnComplaint(c *fiber.Ctx) error {
	lang := languageOf(c)
	var req actionRequest
	var photos [][]byte
	if isMultipart(c) {
		form, err := c.MultipartForm()
		if err != nil {
			return apperr.Fields(invalidMessage(lang), map[string]string{"body": msg(lang, "无法解析multipart表单", "malformed multipart form")})
		}
		fields := map[string]string{}
		for name, v := range form.Value {
			if len(v) != 1 {
				fields[name] = msg(lang, "字段重复", "repeated field")
				continue
			}
			switch name {
			case "action":
				req.Action = v[0]
			case "note":
				req.Note = v[0]
			case "department":
				req.Department = v[0]
			case "into":
				req.Into = v[0]
			case "version":
				n, err := strconv.Atoi(strings.TrimSpace(v[0]))
				if err != nil {
					fields[name] = msg(lang, "必须是整数", "must be an integer")
				}
				req.Version = n
			default:
				fields[name] = msg(lang, "未知字段", "unknown field")
			}
		}
		for name := range form.File {
			if name != "photos" {
				fields[name] = msg(lang, "未知字段", "unknown field")
			}
		}
		if len(fields) > 0 {
			return apperr.Fields(invalidMessage(lang), fields)
		}
		if err := s.validator.Struct(lang, &req); err != nil {
			return err
		}
		if photos, err = readPhotos(lang, form.File["photos"]); err != nil {
			return err
		}
	} else {
		if len(c.Body()) > maxJSONFiling {
			return apperr.Newf(apperr.TooLarge, "%s", msg(lang, "JSON请求体过大", "JSON body too large"))
		}
		if err := s.BindJSON(c, &req); err != nil {
			return err
		}
	}
	actor := actorOf(principalOf(c))
	cs, err := s.Complaints.Act(c.UserContext(), actor, complaints.NormalizeCode(c.Params("id")), complaints.ActInput{
		Action: complaints.Action(req.Action), Note: req.Note, Department: req.Department, Into: req.Into,
		Version: req.Version, Photos: photos})
	if err != nil {
		return cerr(c, err)
	}
	s.complaints.public.clear()
	return c.JSON(s.toComplaintResponse(cs, actor))
}

// joinComplaint adds a "me too": once per account, and for anonymous
// callers once per device.
func (s *Server) joinComplaint(c *fiber.Ctx) error {
	if err := s.allowFiling(c); err != nil {
		return err
	}
	actor := actorOf(principalOf(c))
	if actor.ID == "" {
		dev, err := s.ensureDevice(c)
		if err != nil {
			return err
		}
		actor.Device, actor.Address = dev, clientIP(c)
	}
	cs, err := s.Complaints.Join(c.UserContext(), actor, complaints.NormalizeCode(c.Params("id")))
	if err != nil {
		return cerr(c, err)
	}
	return c.JSON(fiber.Map{"id": cs.ID, "supporters": cs.Supporters, "status": cs.Status})
}

type confirmContactRequest struct {
	Secret string `json:"secret" validate:"max=64"`
	Code   string `json:"code" validate:"required,max=12"`
}

// confirmContact takes the code sent to the contact given with a filing;
// until it is entered, notifications never name the contact.
func (s *Server) confirmContact(c *fiber.Ctx) error {
	if err := s.allowFiling(c); err != nil {
		return err
	}
	var req confirmContactRequest
	if err := s.BindJSON(c, &req); err != nil {
		return err
	}
	cs, err := s.Complaints.ConfirmContact(c.UserContext(), actorOf(principalOf(c)), c.Params("code"),
		complaints.ConfirmContactInput{Secret: req.Secret, Code: req.Code})
	if err != nil {
		return cerr(c, err)
	}
	return c.JSON(fiber.Map{"id": cs.ID, "contact_confirmed": cs.ContactConfirmed})
}

type feedbackRequest struct {
	Secret  string `json:"secret" validate:"max=64"`
	Confirm *bool  `json:"confirm" validate:"required"`
	Rating  int    `json:"rating" validate:"required,min=1,max=5"`
	Comment string `json:"comment" validate:"max=1000,plaintext"`
}

// complaintFeedback lets the reporter confirm or reopen a resolution.
func (s *Server) complaintFeedback(c *fiber.Ctx) error {
	var req feedbackRequest
	if err := s.BindJSON(c, &req); err != nil {
		return err
	}
	cs, err := s.Complaints.Feedback(c.UserContext(), actorOf(principalOf(c)), c.Params("code"), complaints.FeedbackInput{
		Secret: req.Secret, Confirm: *req.Confirm, Rating: req.Rating, Comment: req.Comment})
	if err != nil {
		return cerr(c, err)
	}
	return c.JSON(s.toTrackResponse(cs))
}

// getPhoto serves a stored photo or thumbnail.
func (s *Server) getPhoto(c *fiber.Ctx) error {
	id := c.Params("id")
	if len(id) != 24 {
		return apperr.New(apperr.NotFound, msg(languageOf(c), "没有这张照片", "no such photo"))
	}
	data, err := s.Complaints.Photo(c.UserContext(), id)
	if err != nil {
		if apperr.Is(err, apperr.NotFound) {
			return apperr.New(apperr.NotFound, msg(languageOf(c), "没有这张照片", "no such photo"))
		}
		return err
	}
	c.Set(fiber.HeaderContentType, "image/jpeg")
	c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	return c.Send(data)
}

// ---- duplicates ----

type duplicatesQuery struct {
	Category    string   `query:"category" validate:"required,max=40"`
	Lat         *float64 `query:"lat" validate:"required_without=CommunityID,omitempty,latitude"`
	Lon         *float64 `query:"lon" validate:"required_with=Lat,omitempty,longitude"`
	CommunityID string   `query:"community_id" validate:"max=64"`
}

// duplicateCandidates answers "is this already reported?" before filing.
func (s *Server) duplicateCandidates(c *fiber.Ctx) error {
	if err := s.allowLookup(c); err != nil {
		return err
	}
	var q duplicatesQuery
	if err := s.BindQuery(c, &q); err != nil {
		return err
	}
	var p *complaints.Point
	if q.Lat != nil && q.Lon != nil {
		p = &complaints.Point{Lat: *q.Lat, Lon: *q.Lon}
	}
	list, err := s.Complaints.Duplicates(c.UserContext(), q.Category, p, q.CommunityID)
	if err != nil {
		return cerr(c, err)
	}
	return c.JSON(fiber.Map{"possible_duplicates": toCandidates(list)})
}

// ---- public lists ----

// publicCache keeps public list answers for a short time: they scan the
// case collection, and the map is the most read page.
type publicCache struct {
	ttl time.Duration
	mu  sync.Mutex
	m   map[string]publicEntry
}

type publicEntry struct {
	at   time.Time
	body []byte
}

func newPublicCache(ttl time.Duration) *publicCache {
	return &publicCache{ttl: ttl, m: map[string]publicEntry{}}
}

func (p *publicCache) get(key string) ([]byte, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	e, ok := p.m[key]
	if !ok || time.Since(e.at) > p.ttl {
		return nil, false
	}
	return e.body, true
}

func (p *publicCache) put(key string, body []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.m) > 500 {
		p.m = map[string]publicEntry{}
	}
	p.m[key] = publicEntry{at: time.Now(), body: body}
}

func (p *publicCache) clear() {
	p.mu.Lock()
	p.m = map[string]publicEntry{}
	p.mu.Unlock()
}

type publicItem struct {
	ID          string         `json:"id"`
	Category    string         `json:"category"`
	Status      string         `json:"status"`
	DistrictID  string         `json:"district_id,omitempty"`
	StreetID    string         `json:"street_id,omitempty"`
	CommunityID string         `json:"community_id,omitempty"`
	Location    *pointResponse `json:"location,omitempty"`
	FiledAt     time.Time      `json:"filed_at"`
	DueAt       time.Time      `json:"due_at"`
	Overdue     bool           `json:"overdue"`
	NoticeLevel int            `json:"notice_level"`
	Supporters  int            `json:"supporters"`
	Department  string         `json:"department,omitempty"`
	// Description and Address only as complaints.PublicText allows.
	Description string `json:"description,omitempty"`
	Address     string `json:"address,omitempty"`
	// MissedDueAt and DaysOverdue are on the overdue list only: the
	// supervision deadline the case missed and was published for, and the
	// whole days since. DueAt is the current deadline, which is in the
	// future again once a reporter reopened a resolution (Reopened).
	MissedDueAt *time.Time `json:"missed_due_at,omitempty"`
	DaysOverdue *int       `json:"days_overdue,omitempty"`
	Reopened    bool       `json:"reopened,omitempty"`
}

// missedDeadline is the deadline a published case missed: the last
// supervision notice's, or the case's own when it has no notice.
func missedDeadline(cs *complaints.Complaint) time.Time {
	if n := len(cs.Notices); n > 0 && !cs.Notices[n-1].DueAt.IsZero() {
		return cs.Notices[n-1].DueAt
	}
	return cs.DueAt
}

type publicQuery struct {
	Category string `query:"category" validate:"max=40"`
	District string `query:"district" validate:"max=64"`
	Days     int    `query:"days" validate:"min=0,max=90"`
	Limit    int    `query:"limit" validate:"min=0,max=1000"`
}

func (s *Server) publicList(c *fiber.Ctx, overdue bool) error {
	var q publicQuery
	if err := s.BindQuery(c, &q); err != nil {
		return err
	}
	key := strconv.FormatBool(overdue) + "|" + q.Category + "|" + q.District + "|" + strconv.Itoa(q.Days) + "|" + strconv.Itoa(q.Limit)
	c.Set(fiber.HeaderCacheControl, "public, max-age=30")
	if body, ok := s.complaints.public.get(key); ok {
		c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
		return c.Send(body)
	}
	now := s.now()
	f := complaints.Filter{Category: q.Category, DistrictID: q.District, Limit: q.Limit, Now: now}
	if overdue {
		yes := true
		f.Published, f.Statuses, f.Sort = &yes, complaints.OpenStatuses, "due_at"
	} else {
		days := q.Days
		if days == 0 {
			days = 30
		}
		f.From = now.Add(-time.Duration(days) * 24 * time.Hour)
	}
	list, err := s.Complaints.PublicList(c.UserContext(), f)
	if err != nil {
		return err
	}
	items := make([]publicItem, 0, len(list))
	for _, cs := range list {
		it := publicItem{ID: cs.ID, Category: cs.Category, Status: string(cs.Status), DistrictID: cs.Place.DistrictID,
			StreetID: cs.Place.StreetID, CommunityID: cs.Place.CommunityID, Location: coarse(cs.Point), FiledAt: cs.FiledAt,
			DueAt: cs.DueAt, Overdue: cs.Overdue(now), NoticeLevel: cs.NoticeLevel, Supporters: cs.Supporters}
		if overdue {
			it.Department = cs.Department
			missed := missedDeadline(cs)
			days := max(0, int(now.Sub(missed)/(24*time.Hour)))
			it.MissedDueAt, it.DaysOverdue, it.Reopened = &missed, &days, cs.Status == complaints.StatusReopened
		}
		if pub, ok := complaints.PublicText(cs); ok {
			it.Description, it.Address = pub.Description, pub.Address
		}
		items = append(items, it)
	}
	if overdue {
		// Longest overdue first; a reopened case's current deadline would
		// otherwise put it last.
		sort.SliceStable(items, func(i, j int) bool { return items[i].MissedDueAt.Before(*items[j].MissedDueAt) })
	}
	body, err := jsonMarshal(fiber.Map{"items": items, "count": len(items)})
	if err != nil {
		return err
	}
	s.complaints.public.put(key, body)
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Send(body)
}

// publicComplaints is the public map list of recent cases.
func (s *Server) publicComplaints(c *fiber.Ctx) error { return s.publicList(c, false) }

// overdueComplaints is the public overdue list: published cases still open.
func (s *Server) overdueComplaints(c *fiber.Ctx) error { return s.publicList(c, true) }

var errBadCursor = errors.New("bad cursor")
