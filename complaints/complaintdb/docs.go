package complaintdb

import (
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
	"time"

	"cleancity/complaints"
)

// The bson shapes. They are converted to and from the domain types by the
// named converters below; no struct serves two layers.

type caseDoc struct {
	ID          string            `bson:"_id"`
	Category    string            `bson:"category"`
	Description string            `bson:"description"`
	Lat         *float64          `bson:"lat,omitempty"`
	Lon         *float64          `bson:"lon,omitempty"`
	Address     string            `bson:"address,omitempty"`
	GridID      string            `bson:"grid_id,omitempty"`
	CommunityID string            `bson:"community_id,omitempty"`
	StreetID    string            `bson:"street_id,omitempty"`
	DistrictID  string            `bson:"district_id,omitempty"`
	Department  string            `bson:"department"`
	Attributes  map[string]string `bson:"attributes,omitempty"`
	Status      string            `bson:"status"`
	Version     int               `bson:"version"`

	FiledAt    time.Time  `bson:"filed_at"`
	UpdatedAt  time.Time  `bson:"updated_at"`
	DueAt      time.Time  `bson:"due_at"`
	AcceptedAt *time.Time `bson:"accepted_at,omitempty"`
	ResolvedAt *time.Time `bson:"resolved_at,omitempty"`
	ClosedAt   *time.Time `bson:"closed_at,omitempty"`

	ReporterID string      `bson:"reporter_id,omitempty"`
	SecretHash string      `bson:"secret_hash,omitempty"`
	Contact    *contactDoc `bson:"contact,omitempty"`
	Source     string      `bson:"source,omitempty"`
	Private    bool        `bson:"private,omitempty"`
	MediaURL   string      `bson:"media_url,omitempty"`
	// Moderation is the publication state, always written (a document
	// without it predates moderation and counts as pending).
	Moderation string  `bson:"moderation"`
	Pub        *pubDoc `bson:"pub,omitempty"`
	// ContactCode is the hash of the contact's confirmation code.
	ContactCode      string `bson:"contact_code,omitempty"`
	ContactConfirmed bool   `bson:"contact_confirmed,omitempty"`

	Photos       []photoDoc  `bson:"photos,omitempty"`
	NoticeLevel  int         `bson:"notice_level"`
	Notices      []noticeDoc `bson:"notices,omitempty"`
	Published    bool        `bson:"published"`
	MergedInto   string      `bson:"merged_into,omitempty"`
	Supporters   int         `bson:"supporters"`
	SupporterIDs []string    `bson:"supporter_ids,omitempty"`
	// SupporterDevices are hashes of anonymous joiners' device tokens.
	SupporterDevices []string      `bson:"supporter_devices,omitempty"`
	Resolution       string        `bson:"resolution_note,omitempty"`
	RejectReason     string        `bson:"reject_reason,omitempty"`
	Reopens          int           `bson:"reopens,omitempty"`
	Feedback         []feedbackDoc `bson:"feedback,omitempty"`
	Rating           int           `bson:"rating,omitempty"`
	Events           []eventDoc    `bson:"events,omitempty"`
	// Search is the lower-cased text that staff search matches with $regex.
	Search string `bson:"search"`
}

type pubDoc struct {
	Description string    `bson:"description,omitempty"`
	Address     string    `bson:"address,omitempty"`
	Redacted    bool      `bson:"redacted,omitempty"`
	By          string    `bson:"by,omitempty"`
	At          time.Time `bson:"at"`
}

type contactDoc struct {
	Name  string `bson:"name,omitempty"`
	Phone string `bson:"phone,omitempty"`
	Email string `bson:"email,omitempty"`
}

type photoDoc struct {
	ID      string `bson:"id"`
	ThumbID string `bson:"thumb_id"`
	Kind    string `bson:"kind"`
	Width   int    `bson:"w"`
	Height  int    `bson:"h"`
	Bytes   int    `bson:"bytes"`
}

type noticeDoc struct {
	Level      int       `bson:"level"`
	Number     string    `bson:"number"`
	IssuedAt   time.Time `bson:"issued_at"`
	Department string    `bson:"department"`
	DueAt      time.Time `bson:"due_at"`
}

type feedbackDoc struct {
	Confirmed bool      `bson:"confirmed"`
	Rating    int       `bson:"rating"`
	Comment   string    `bson:"comment,omitempty"`
	At        time.Time `bson:"at"`
}

type eventDoc struct {
	ID             string    `bson:"_id"`
	CaseID         string    `bson:"case_id"`
	Seq            int       `bson:"seq"`
	At             time.Time `bson:"at"`
	ActorID        string    `bson:"actor_id,omitempty"`
	ActorName      string    `bson:"actor_name,omitempty"`
	Role           string    `bson:"role"`
	Action         string    `bson:"action"`
	From           string    `bson:"from,omitempty"`
	To             string    `bson:"to"`
	Note           string    `bson:"note,omitempty"`
	Department     string    `bson:"department,omitempty"`
	PrevDepartment string    `bson:"prev_department,omitempty"`
	Into           string    `bson:"into,omitempty"`
	NoticeLevel    int       `bson:"notice_level,omitempty"`
	Rating         int       `bson:"rating,omitempty"`
	Category       string    `bson:"category,omitempty"`
	DistrictID     string    `bson:"district_id,omitempty"`
	// Only in the event feed: what the event changed, so a snapshot left
	// behind by a crashed writer can be completed, and when it was written.
	Set        bson.Raw   `bson:"set,omitempty"`
	Unset      []string   `bson:"unset,omitempty"`
	RecordedAt *time.Time `bson:"recorded_at,omitempty"`
}

func tptr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

func tval(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

// toDoc converts a complaint to its stored shape.
func toDoc(c *complaints.Complaint) *caseDoc {
	d := &caseDoc{
		ID: c.ID, Category: c.Category, Description: c.Description, Address: c.Address,
		GridID: c.Place.GridID, CommunityID: c.Place.CommunityID, StreetID: c.Place.StreetID, DistrictID: c.Place.DistrictID,
		Department: c.Department, Attributes: c.Attributes, Status: string(c.Status), Version: c.Version,
		FiledAt: c.FiledAt.UTC(), UpdatedAt: c.UpdatedAt.UTC(), DueAt: c.DueAt.UTC(),
		AcceptedAt: tptr(c.AcceptedAt), ResolvedAt: tptr(c.ResolvedAt), ClosedAt: tptr(c.ClosedAt),
		ReporterID: c.ReporterID, SecretHash: c.SecretHash, Source: c.Source,
		ContactCode: c.ContactCodeHash, ContactConfirmed: c.ContactConfirmed,
		NoticeLevel: c.NoticeLevel, Published: c.Published, MergedInto: c.MergedInto,
		Supporters: c.Supporters, SupporterIDs: c.SupporterIDs, SupporterDevices: c.SupporterDevices, Resolution: c.ResolutionNote,
		RejectReason: c.RejectReason, Reopens: c.Reopens, Rating: c.Rating(),
	}
	if c.Point != nil {
		lat, lon := c.Point.Lat, c.Point.Lon
		d.Lat, d.Lon = &lat, &lon
	}
	d.Private, d.MediaURL, d.Moderation = c.Private, c.MediaURL, string(c.Publication.State)
	if d.Moderation == "" {
		d.Moderation = string(complaints.ModerationPending)
	}
	if pb := c.Publication; !pb.At.IsZero() {
		d.Pub = &pubDoc{Description: pb.Description, Address: pb.Address, Redacted: pb.Redacted, By: pb.By, At: pb.At.UTC()}
	}
	if !c.Contact.Empty() {
		d.Contact = &contactDoc{Name: c.Contact.Name, Phone: c.Contact.Phone, Email: c.Contact.Email}
	}
	for _, p := range c.Photos {
		d.Photos = append(d.Photos, photoDoc{ID: p.ID, ThumbID: p.ThumbID, Kind: string(p.Kind), Width: p.Width, Height: p.Height, Bytes: p.Bytes})
	}
	for _, n := range c.Notices {
		d.Notices = append(d.Notices, noticeDoc{Level: n.Level, Number: n.Number, IssuedAt: n.IssuedAt.UTC(), Department: n.Department, DueAt: n.DueAt.UTC()})
	}
	for _, f := range c.Feedback {
		d.Feedback = append(d.Feedback, feedbackDoc{Confirmed: f.Confirmed, Rating: f.Rating, Comment: f.Comment, At: f.At.UTC()})
	}
	for _, e := range c.Events {
		d.Events = append(d.Events, toEventDoc(e))
	}
	d.Search = strings.ToLower(c.ID + " " + c.Description + " " + c.Address)
	return d
}

// toComplaint converts a stored document to the domain type.
func toComplaint(d *caseDoc) *complaints.Complaint {
	c := &complaints.Complaint{
		ID: d.ID, Category: d.Category, Description: d.Description, Address: d.Address,
		Place:      complaints.Place{GridID: d.GridID, CommunityID: d.CommunityID, StreetID: d.StreetID, DistrictID: d.DistrictID},
		Department: d.Department, Attributes: d.Attributes, Status: complaints.Status(d.Status), Version: d.Version,
		FiledAt: d.FiledAt.UTC(), UpdatedAt: d.UpdatedAt.UTC(), DueAt: d.DueAt.UTC(),
		AcceptedAt: tval(d.AcceptedAt), ResolvedAt: tval(d.ResolvedAt), ClosedAt: tval(d.ClosedAt),
		ReporterID: d.ReporterID, SecretHash: d.SecretHash, Source: d.Source,
		ContactCodeHash: d.ContactCode, ContactConfirmed: d.ContactConfirmed,
		NoticeLevel: d.NoticeLevel, Published: d.Published, MergedInto: d.MergedInto,
		Supporters: d.Supporters, SupporterIDs: d.SupporterIDs, SupporterDevices: d.SupporterDevices, ResolutionNote: d.Resolution,
		RejectReason: d.RejectReason, Reopens: d.Reopens,
	}
	if d.Lat != nil && d.Lon != nil {
		c.Point = &complaints.Point{Lat: *d.Lat, Lon: *d.Lon}
	}
	c.Private, c.MediaURL = d.Private, d.MediaURL
	c.Publication.State = complaints.Moderation(d.Moderation)
	if c.Publication.State == "" {
		c.Publication.State = complaints.ModerationPending
	}
	if d.Pub != nil {
		c.Publication.Description, c.Publication.Address, c.Publication.Redacted = d.Pub.Description, d.Pub.Address, d.Pub.Redacted
		c.Publication.By, c.Publication.At = d.Pub.By, d.Pub.At.UTC()
	}
	if d.Contact != nil {
		c.Contact = complaints.Contact{Name: d.Contact.Name, Phone: d.Contact.Phone, Email: d.Contact.Email}
	}
	for _, p := range d.Photos {
		c.Photos = append(c.Photos, complaints.Photo{ID: p.ID, ThumbID: p.ThumbID, Kind: complaints.PhotoKind(p.Kind), Width: p.Width, Height: p.Height, Bytes: p.Bytes})
	}
	for _, n := range d.Notices {
		c.Notices = append(c.Notices, complaints.Notice{Level: n.Level, Number: n.Number, IssuedAt: n.IssuedAt.UTC(), Department: n.Department, DueAt: n.DueAt.UTC()})
	}
	for _, f := range d.Feedback {
		c.Feedback = append(c.Feedback, complaints.Feedback{Confirmed: f.Confirmed, Rating: f.Rating, Comment: f.Comment, At: f.At.UTC()})
	}
	if len(c.Feedback) == 0 && d.Rating > 0 {
		c.Feedback = []complaints.Feedback{{Rating: d.Rating}}
	}
	for _, e := range d.Events {
		c.Events = append(c.Events, toEvent(e))
	}
	return c
}

func toEventDoc(e complaints.Event) eventDoc {
	return eventDoc{
		ID: e.ID, CaseID: e.CaseID, Seq: e.Seq, At: e.At.UTC(), ActorID: e.ActorID, ActorName: e.ActorName,
		Role: string(e.Role), Action: string(e.Action), From: string(e.From), To: string(e.To), Note: e.Note,
		Department: e.Department, PrevDepartment: e.PrevDepartment, Into: e.Into, NoticeLevel: e.NoticeLevel,
		Rating: e.Rating, Category: e.Category, DistrictID: e.DistrictID,
	}
}

func toEvent(d eventDoc) complaints.Event {
	return complaints.Event{
		ID: d.ID, CaseID: d.CaseID, Seq: d.Seq, At: d.At.UTC(), ActorID: d.ActorID, ActorName: d.ActorName,
		Role: complaints.Role(d.Role), Action: complaints.Action(d.Action), From: complaints.Status(d.From),
		To: complaints.Status(d.To), Note: d.Note, Department: d.Department, PrevDepartment: d.PrevDepartment,
		Into: d.Into, NoticeLevel: d.NoticeLevel, Rating: d.Rating, Category: d.Category, DistrictID: d.DistrictID,
	}
}

type categoryDoc struct {
	Code            string         `bson:"_id"`
	Name            string         `bson:"name"`
	NameEN          string         `bson:"name_en"`
	Description     string         `bson:"description,omitempty"`
	DescriptionEN   string         `bson:"description_en,omitempty"`
	Group           string         `bson:"group,omitempty"`
	Keywords        []string       `bson:"keywords,omitempty"`
	ServiceHours    int            `bson:"service_hours"`
	Route           string         `bson:"route"`
	DepartmentType  string         `bson:"department_type,omitempty"`
	DuplicateRadius int            `bson:"duplicate_radius"`
	Attributes      []attributeDoc `bson:"attributes,omitempty"`
	Active          bool           `bson:"active"`
	UpdatedAt       time.Time      `bson:"updated_at"`
}

type attributeDoc struct {
	Code     string     `bson:"code"`
	Name     string     `bson:"name"`
	NameEN   string     `bson:"name_en"`
	Datatype string     `bson:"datatype"`
	Required bool       `bson:"required"`
	Order    int        `bson:"order"`
	Values   []valueDoc `bson:"values,omitempty"`
}

type valueDoc struct {
	Key    string `bson:"key"`
	Name   string `bson:"name"`
	NameEN string `bson:"name_en"`
}

func toCategoryDoc(c complaints.Category) categoryDoc {
	d := categoryDoc{Code: c.Code, Name: c.Name, NameEN: c.NameEN, Description: c.Description, DescriptionEN: c.DescriptionEN,
		Group: c.Group, Keywords: c.Keywords, ServiceHours: c.ServiceHours, Route: c.Route, DepartmentType: c.DepartmentType,
		DuplicateRadius: c.DuplicateRadius, Active: c.Active, UpdatedAt: c.UpdatedAt.UTC()}
	for _, a := range c.Attributes {
		ad := attributeDoc{Code: a.Code, Name: a.Name, NameEN: a.NameEN, Datatype: a.Datatype, Required: a.Required, Order: a.Order}
		for _, v := range a.Values {
			ad.Values = append(ad.Values, valueDoc{Key: v.Key, Name: v.Name, NameEN: v.NameEN})
		}
		d.Attributes = append(d.Attributes, ad)
	}
	return d
}

func toCategory(d categoryDoc) complaints.Category {
	c := complaints.Category{Code: d.Code, Name: d.Name, NameEN: d.NameEN, Description: d.Description, DescriptionEN: d.DescriptionEN,
		Group: d.Group, Keywords: d.Keywords, ServiceHours: d.ServiceHours, Route: d.Route, DepartmentType: d.DepartmentType,
		DuplicateRadius: d.DuplicateRadius, Active: d.Active, UpdatedAt: d.UpdatedAt.UTC()}
	for _, a := range d.Attributes {
		at := complaints.Attribute{Code: a.Code, Name: a.Name, NameEN: a.NameEN, Datatype: a.Datatype, Required: a.Required, Order: a.Order}
		for _, v := range a.Values {
			at.Values = append(at.Values, complaints.AttributeValue{Key: v.Key, Name: v.Name, NameEN: v.NameEN})
		}
		c.Attributes = append(c.Attributes, at)
	}
	return c
}

type cellDoc struct {
	Key     string         `bson:"_id"`
	Entries []cellEntryDoc `bson:"entries"`
}

type cellEntryDoc struct {
	ID  string    `bson:"id"`
	Lat *float64  `bson:"lat,omitempty"`
	Lon *float64  `bson:"lon,omitempty"`
	At  time.Time `bson:"at"`
}

func toCellEntryDoc(e CellEntry) cellEntryDoc {
	ed := cellEntryDoc{ID: e.ID, At: e.FiledAt.UTC()}
	if e.Point != nil {
		lat, lon := e.Point.Lat, e.Point.Lon
		ed.Lat, ed.Lon = &lat, &lon
	}
	return ed
}

type messageDoc struct {
	ID        string     `bson:"_id"`
	EventID   string     `bson:"event_id"`
	CaseID    string     `bson:"case_id"`
	Kind      string     `bson:"kind"`
	Channel   string     `bson:"channel"`
	Payload   string     `bson:"payload"`
	Status    string     `bson:"status"`
	Attempts  int        `bson:"attempts"`
	NextAt    time.Time  `bson:"next_at"`
	CreatedAt time.Time  `bson:"created_at"`
	SentAt    *time.Time `bson:"sent_at,omitempty"`
	LastError string     `bson:"last_error,omitempty"`
}

func toMessageDoc(m complaints.Message) messageDoc {
	return messageDoc{ID: m.ID, EventID: m.EventID, CaseID: m.CaseID, Kind: m.Kind, Channel: m.Channel,
		Payload: string(m.Payload), Status: m.Status, Attempts: m.Attempts, NextAt: m.NextAt.UTC(),
		CreatedAt: m.CreatedAt.UTC(), SentAt: tptr(m.SentAt), LastError: m.LastError}
}

func toMessage(d messageDoc) complaints.Message {
	return complaints.Message{ID: d.ID, EventID: d.EventID, CaseID: d.CaseID, Kind: d.Kind, Channel: d.Channel,
		Payload: []byte(d.Payload), Status: d.Status, Attempts: d.Attempts, NextAt: d.NextAt.UTC(),
		CreatedAt: d.CreatedAt.UTC(), SentAt: tval(d.SentAt), LastError: d.LastError}
}
