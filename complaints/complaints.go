// Package complaints is the resident complaint domain: categories, the
// complaint model and its validation, the explicit state machine, routing to
// departments, service levels and supervision notices, duplicate detection,
// tracking codes with follow-up secrets, and the notification outbox.
//
// It imports no HTTP and no database code: the Service works through the
// Store, Locator and clock it is given. Every change of a complaint goes
// through Service.apply, which appends one Event (the history is never
// rewritten) and then calls the registered event hooks.
package complaints

import (
	"time"
)

// Status is where a complaint is in its workflow.
type Status string

// The statuses. Open ones are submitted, accepted, in_progress and reopened.
const (
	StatusSubmitted  Status = "submitted"
	StatusAccepted   Status = "accepted"
	StatusInProgress Status = "in_progress"
	StatusResolved   Status = "resolved"
	StatusClosed     Status = "closed"
	StatusRejected   Status = "rejected"
	StatusReopened   Status = "reopened"
)

// Statuses lists every status in workflow order.
var Statuses = []Status{StatusSubmitted, StatusAccepted, StatusInProgress, StatusResolved,
	StatusClosed, StatusRejected, StatusReopened}

// OpenStatuses are the statuses in which a department still owes work.
var OpenStatuses = []Status{StatusSubmitted, StatusAccepted, StatusInProgress, StatusReopened}

// Open reports whether work on the complaint is still owed.
func (s Status) Open() bool {
	switch s {
	case StatusSubmitted, StatusAccepted, StatusInProgress, StatusReopened:
		return true
	}
	return false
}

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	for _, v := range Statuses {
		if v == s {
			return true
		}
	}
	return false
}

// Role is the role of whoever causes a change.
type Role string

// The roles. RoleReporter is an anonymous reporter proven by the follow-up
// secret; RoleSystem is the portal itself (sweepers).
const (
	RoleAnonymous  Role = "anonymous"
	RoleResident   Role = "resident"
	RoleVolunteer  Role = "volunteer"
	RoleDepartment Role = "department"
	RoleOfficial   Role = "official"
	RoleAdmin      Role = "admin"
	RoleReporter   Role = "reporter"
	RoleSystem     Role = "system"
)

// Actor is who causes a change: a signed-in user (ID set), an anonymous
// caller, a reporter proven by the secret, or the system.
type Actor struct {
	ID   string
	Name string
	Role Role
	// Scope is the department id of department staff, or the district id
	// of a district official (empty: city-wide).
	Scope string
	// Device is the device token of an anonymous caller and Address its
	// client address: an anonymous "me too" counts once per device, and
	// once a day per address (issue 15 row 7).
	Device  string
	Address string
}

// System is the actor of the sweepers.
var System = Actor{ID: "system", Name: "system", Role: RoleSystem}

// Point is a WGS84 position.
type Point struct {
	Lat, Lon float64
}

// Place is the area a complaint lies in and the grid's lead department.
type Place struct {
	GridID         string
	CommunityID    string
	StreetID       string
	DistrictID     string
	LeadDepartment string
}

// Contact is how the reporter may be reached. It is never shown publicly.
type Contact struct {
	Name  string
	Phone string
	Email string
}

// Empty reports whether no contact detail was given.
func (c Contact) Empty() bool { return c.Name == "" && c.Phone == "" && c.Email == "" }

// PhotoKind says whether a photo shows the problem or the result.
type PhotoKind string

// The photo kinds.
const (
	PhotoReport PhotoKind = "report"
	PhotoAfter  PhotoKind = "after"
)

// Photo is a stored, re-encoded photo and its thumbnail.
type Photo struct {
	ID      string
	ThumbID string
	Kind    PhotoKind
	Width   int
	Height  int
	Bytes   int
}

// Notice is a supervision notice (督办函) issued on an overdue complaint.
type Notice struct {
	Level      int
	Number     string
	IssuedAt   time.Time
	Department string
	DueAt      time.Time
}

// Feedback is the reporter's answer to a resolution.
type Feedback struct {
	Confirmed bool
	Rating    int
	Comment   string
	At        time.Time
}

// Complaint is one case. Its ID is its tracking code.
type Complaint struct {
	ID          string
	Category    string
	Description string
	Point       *Point
	Address     string
	Place       Place
	Department  string
	Attributes  map[string]string
	Status      Status
	// Version counts the events; the n-th event has Seq n.
	Version int

	FiledAt    time.Time
	UpdatedAt  time.Time
	DueAt      time.Time
	AcceptedAt time.Time
	ResolvedAt time.Time
	ClosedAt   time.Time

	// ReporterID is the account of a signed-in reporter; SecretHash proves
	// an anonymous one (SHA-256 of the follow-up secret, hex).
	ReporterID string
	SecretHash string
	Contact    Contact
	// ContactCodeHash is the hash of the code sent once to a contact
	// given with the filing; ContactConfirmed is set when the reporter
	// entered it. Until then notifications never name the contact.
	ContactCodeHash  string
	ContactConfirmed bool
	Source           string // "web", "open311", "demo"

	// Private is the reporter's choice to keep the description and address
	// off every public surface; Publication is the version staff approved
	// for them otherwise (see PublicText).
	Private     bool
	Publication Publication

	Photos []Photo
	// MediaURL is a photo the reporter's client hosts (Open311 media_url).
	MediaURL string

	NoticeLevel int
	Notices     []Notice
	Published   bool

	MergedInto string
	// Supporters counts "me too" joins; SupporterIDs are the accounts that
	// joined (anonymous joins are only counted).
	Supporters   int
	SupporterIDs []string
	// SupporterDevices are the hashes of the device tokens of anonymous
	// joins, so a device counts once.
	SupporterDevices []string

	ResolutionNote string
	RejectReason   string
	Reopens        int
	Feedback       []Feedback

	Events []Event
}

// Overdue reports whether work is owed past the due time at now.
func (c *Complaint) Overdue(now time.Time) bool {
	return c.Status.Open() && !c.DueAt.IsZero() && now.After(c.DueAt)
}

// Rating returns the last rating given, or 0.
func (c *Complaint) Rating() int {
	for i := len(c.Feedback) - 1; i >= 0; i-- {
		if c.Feedback[i].Rating > 0 {
			return c.Feedback[i].Rating
		}
	}
	return 0
}

// Clone returns a deep copy (stores that keep complaints in memory hand
// out copies).
func (c *Complaint) Clone() *Complaint { return c.clone() }

// clone returns a deep copy, so a transition never mutates the caller's value.
func (c *Complaint) clone() *Complaint {
	n := *c
	if c.Point != nil {
		p := *c.Point
		n.Point = &p
	}
	if c.Attributes != nil {
		n.Attributes = make(map[string]string, len(c.Attributes))
		for k, v := range c.Attributes {
			n.Attributes[k] = v
		}
	}
	n.Photos = append([]Photo(nil), c.Photos...)
	n.Notices = append([]Notice(nil), c.Notices...)
	n.SupporterIDs = append([]string(nil), c.SupporterIDs...)
	n.SupporterDevices = append([]string(nil), c.SupporterDevices...)
	n.Feedback = append([]Feedback(nil), c.Feedback...)
	n.Events = append([]Event(nil), c.Events...)
	return &n
}

// Event is one entry of a complaint's history. Its ID ("<case>/<seq>") is
// unique and stable, so consumers (dashboard summaries, notifications) can
// process each event exactly once.
type Event struct {
	ID         string
	CaseID     string
	Seq        int
	At         time.Time
	ActorID    string
	ActorName  string
	Role       Role
	Action     Action
	From       Status
	To         Status
	Note       string
	Department string // the department after the event
	// PrevDepartment is set when a reassignment moved the case.
	PrevDepartment string
	Into           string // merge target
	NoticeLevel    int
	Rating         int
	// Category and DistrictID are copied so summaries need no second read.
	Category   string
	DistrictID string
}

// EventID is the id of the seq-th event of a case.
func EventID(caseID string, seq int) string {
	return caseID + "/" + pad6(seq)
}

func pad6(n int) string {
	s := []byte("000000")
	for i := len(s) - 1; i >= 0 && n > 0; i-- {
		s[i] = byte('0' + n%10)
		n /= 10
	}
	return string(s)
}
