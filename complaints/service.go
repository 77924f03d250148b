package complaints

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"cleancity/complaints/photo"
	"cleancity/portal/apperr"
)

// Locator resolves positions and areas; portal adapts its areas service.
type Locator interface {
	// Locate returns the place of a point; a point outside the city is an
	// error for which Outside reports true.
	Locate(lat, lon float64) (Place, error)
	// Community returns the place of a community (no grid), or false.
	Community(id string) (Place, bool)
	// DepartmentOfType returns the department of a type (for street
	// offices, the one of the street).
	DepartmentOfType(typ, streetID string) (string, bool)
	// DepartmentDistrict reports whether a department id is known and the
	// district it serves ("" for a city department, which serves all).
	DepartmentDistrict(id string) (district string, ok bool)
	// Outside reports whether err means a point outside the city.
	Outside(err error) bool
}

// EventHook is called after each recorded change, in the order of the
// case's events. Hooks run in the process that made the change; a process
// that dies between the write and the hook loses only the hook call, and
// the event stays readable with Service.Events.
type EventHook func(ctx context.Context, c *Complaint, ev Event)

// Windows of the workflow.
const (
	// ReopenWindow is how long after a resolution the reporter may reopen it.
	ReopenWindow = 7 * 24 * time.Hour
	// AutoCloseAfter closes resolutions nobody answered.
	AutoCloseAfter = 7 * 24 * time.Hour
	// DuplicateWindow is how far back duplicate candidates are searched.
	DuplicateWindow = 7 * 24 * time.Hour
	// MaxPhotos is the number of photos one filing or resolution may carry.
	MaxPhotos = 4
)

// Service is the complaint domain's single door: the portal's JSON API,
// Open311 and the demo seeder all go through it.
type Service struct {
	store Store
	loc   Locator
	now   func() time.Time
	log   *slog.Logger

	mu    sync.RWMutex
	cats  []Category
	hooks []EventHook
	// channels are the outbox channels each notification is sent through.
	channels []string
	// photos decodes uploads within this process's memory budget.
	photos *photo.Decoder
}

// NewService returns a service; call Init before use.
func NewService(store Store, loc Locator, now func() time.Time, log *slog.Logger) *Service {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.Default()
	}
	return &Service{store: store, loc: loc, now: now, log: log, channels: []string{ChannelLog},
		photos: photo.NewDecoder(photo.DefaultConcurrency, photo.DefaultBudget)}
}

// Init seeds the default categories that are missing and loads them.
func (s *Service) Init(ctx context.Context) error {
	if _, err := s.store.SeedCategories(ctx, DefaultCategories()); err != nil {
		return fmt.Errorf("seed categories: %w", err)
	}
	return s.RefreshCategories(ctx)
}

// SetChannels sets the outbox channels notifications are queued for.
func (s *Service) SetChannels(channels ...string) {
	s.mu.Lock()
	s.channels = append([]string(nil), channels...)
	s.mu.Unlock()
}

// OnEvent registers a hook called after every recorded change.
func (s *Service) OnEvent(h EventHook) {
	s.mu.Lock()
	s.hooks = append(s.hooks, h)
	s.mu.Unlock()
}

// Now is the service's clock.
func (s *Service) Now() time.Time { return s.now() }

// RefreshCategories reloads the category cache from the store.
func (s *Service) RefreshCategories(ctx context.Context) error {
	cats, err := s.store.Categories(ctx)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.cats = cats
	s.mu.Unlock()
	return nil
}

// Categories returns the categories (active and not), sorted by code.
func (s *Service) Categories() []Category {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return slices.Clone(s.cats)
}

// Category returns one category.
func (s *Service) Category(code string) (Category, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, c := range s.cats {
		if c.Code == code {
			return c, true
		}
	}
	return Category{}, false
}

// PutCategory creates or replaces a category (admins).
func (s *Service) PutCategory(ctx context.Context, c Category) error {
	if p := c.Validate(func(t string) bool { return t != "" }); len(p) > 0 {
		return invalid(p)
	}
	c.UpdatedAt = s.now()
	if err := s.store.PutCategory(ctx, c); err != nil {
		return err
	}
	return s.RefreshCategories(ctx)
}

// FileInput is a new complaint as the reporter gives it.
type FileInput struct {
	Category    string
	Description string
	Point       *Point
	CommunityID string
	Address     string
	Contact     Contact
	Attributes  map[string]string
	// Photos are the raw uploads, checked and re-encoded here.
	Photos [][]byte
	Source string
	// Private keeps the description and address off every public surface
	// (the reporter's choice on the form; see PublicText).
	Private bool
	// MediaURL is an http(s) link to a photo hosted by the client (Open311).
	MediaURL string

	// Set by Place for a case leaving the triage queue: its reserved id,
	// the original filing time, the event note; unplaced skips the place
	// check (FileUnplaced).
	id       string
	filedAt  time.Time
	note     string
	unplaced bool
}

// Candidate is an open complaint that may describe the same problem.
type Candidate struct {
	ID     string
	Status Status
	// Distance is in metres from the filing point to the case's
	// PublicPoint (never its true point); -1 when matched by community.
	// Show it only banded (Within).
	Distance   float64
	FiledAt    time.Time
	Supporters int
}

// Filed is the result of filing.
type Filed struct {
	Complaint *Complaint
	// Secret is the follow-up secret of an anonymous filing (shown once).
	Secret     string
	Duplicates []Candidate
	// ContactCode says whether a confirmation code went to the contact
	// given (ContactCodeSent), could not today (ContactCodeLimited), or
	// no phone or email was given (ContactCodeNone).
	ContactCode string
}

var phonePattern = regexp.MustCompile(`^\+?[0-9][0-9 \-]{5,19}$`)

// checkFile validates the input and returns the category and place.
func (s *Service) checkFile(in *FileInput) (Category, Place, error) {
	p := map[string]string{}
	in.Description = strings.TrimSpace(in.Description)
	in.Address = strings.TrimSpace(in.Address)
	cat, ok := s.Category(in.Category)
	if !ok || !cat.Active {
		p["category"] = "unknown or inactive category"
	}
	// The description is optional (Open311 clients send short ones or
	// none); the web form asks for more in its own validation.
	if n := utf8.RuneCountInString(in.Description); n > 4000 {
		p["description"] = "at most 4000 characters"
	} else if !PlainText(in.Description) {
		p["description"] = "plain text without HTML or control characters"
	}
	if utf8.RuneCountInString(in.Address) > 200 || !PlainText(in.Address) {
		p["address"] = "at most 200 characters of plain text"
	}
	if len(in.Photos) > MaxPhotos {
		p["photos"] = "at most 4 photos"
	}
	checkContact(in.Contact, p)
	var place Place
	switch {
	case in.unplaced:
	case in.Point != nil:
		if in.Point.Lat < -90 || in.Point.Lat > 90 || in.Point.Lat != in.Point.Lat {
			p["lat"] = "latitude must be between -90 and 90"
		} else if in.Point.Lon < -180 || in.Point.Lon > 180 || in.Point.Lon != in.Point.Lon {
			p["lon"] = "longitude must be between -180 and 180"
		} else {
			pl, err := s.loc.Locate(in.Point.Lat, in.Point.Lon)
			if s.loc.Outside(err) {
				p["lat"] = "the point is outside the city"
			} else if err != nil {
				return cat, place, err
			}
			place = pl
		}
	case in.CommunityID != "":
		pl, ok := s.loc.Community(in.CommunityID)
		if !ok {
			p["community_id"] = "unknown community"
		}
		if in.Address == "" {
			p["address"] = "required"
		}
		place = pl
	default:
		p["lat"] = "give a point (lat, lon) or a community_id with an address"
	}
	if ok {
		attrs, ap := checkAttributes(cat, in.Attributes)
		for k, v := range ap {
			p[k] = v
		}
		in.Attributes = attrs
	}
	if len(p) > 0 {
		return cat, place, invalid(p)
	}
	return cat, place, nil
}

func checkContact(c Contact, p map[string]string) {
	if utf8.RuneCountInString(c.Name) > 50 || !PlainText(c.Name) {
		p["contact.name"] = "at most 50 characters of plain text"
	}
	if c.Phone != "" && !phonePattern.MatchString(c.Phone) {
		p["contact.phone"] = "not a valid phone number"
	}
	if c.Email != "" {
		if a, err := mail.ParseAddress(c.Email); err != nil || a.Address != c.Email || len(c.Email) > 200 {
			p["contact.email"] = "not a valid email address"
		}
	}
}

// route picks the department for a category at a place.
func (s *Service) route(cat Category, place Place) (string, error) {
	if cat.Route == RouteDepartmentType {
		if d, ok := s.loc.DepartmentOfType(cat.DepartmentType, place.StreetID); ok {
			return d, nil
		}
	}
	if place.LeadDepartment != "" {
		return place.LeadDepartment, nil
	}
	return "", apperr.Fields("some fields are invalid", map[string]string{"category": "no department handles this category here"})
}

// processPhotos re-encodes uploads, one at a time within the process's
// decoding budget; nothing is stored here.
func (s *Service) processPhotos(ctx context.Context, raw [][]byte, field string) ([]*photo.Processed, error) {
	out := make([]*photo.Processed, 0, len(raw))
	for i, data := range raw {
		pr, err := s.photos.Process(ctx, data)
		if err != nil {
			var msg string
			switch {
			case errors.Is(err, photo.ErrNotImage), errors.Is(err, photo.ErrTooLarge),
				errors.Is(err, photo.ErrTooBig), errors.Is(err, photo.ErrUndecoded), errors.Is(err, photo.ErrTooDeep):
				msg = err.Error()
			default:
				return nil, err
			}
			return nil, invalid(map[string]string{fmt.Sprintf("%s.%d", field, i): msg})
		}
		out = append(out, pr)
	}
	return out, nil
}

// storePhotos saves processed photos; on failure it removes what it saved.
func (s *Service) storePhotos(ctx context.Context, caseID string, kind PhotoKind, list []*photo.Processed) ([]Photo, error) {
	var saved []Photo
	for i, pr := range list {
		id, err := s.store.PutPhoto(ctx, fmt.Sprintf("%s-%s-%d.jpg", caseID, kind, i), pr.JPEG)
		if err != nil {
			s.deletePhotos(ctx, saved)
			return nil, err
		}
		thumb, err := s.store.PutPhoto(ctx, fmt.Sprintf("%s-%s-%d-thumb.jpg", caseID, kind, i), pr.Thumb)
		if err != nil {
			_ = s.store.DeletePhoto(ctx, id)
			s.deletePhotos(ctx, saved)
			return nil, err
		}
		saved = append(saved, Photo{ID: id, ThumbID: thumb, Kind: kind, Width: pr.Width, Height: pr.Height, Bytes: len(pr.JPEG)})
	}
	return saved, nil
}

func (s *Service) deletePhotos(ctx context.Context, list []Photo) {
	for _, p := range list {
		_ = s.store.DeletePhoto(ctx, p.ID)
		_ = s.store.DeletePhoto(ctx, p.ThumbID)
	}
}

// File validates, locates, routes and stores a new complaint, and returns
// it with its duplicate candidates (and, for anonymous reporters, the
// follow-up secret). Nothing is stored when the input is invalid.
func (s *Service) File(ctx context.Context, actor Actor, in FileInput) (*Filed, error) {
	cat, place, err := s.checkFile(&in)
	if err != nil {
		return nil, err
	}
	dept, err := s.route(cat, place)
	if err != nil {
		return nil, err
	}
	processed, err := s.processPhotos(ctx, in.Photos, "photos")
	if err != nil {
		return nil, err
	}
	now := s.now()
	dups, err := s.candidates(ctx, cat, in.Point, place.CommunityID, now)
	if err != nil {
		return nil, err
	}
	c := &Complaint{
		Category:    cat.Code,
		Description: in.Description,
		Point:       in.Point,
		Address:     in.Address,
		Place:       place,
		Department:  dept,
		Attributes:  in.Attributes,
		Status:      StatusSubmitted,
		FiledAt:     now,
		DueAt:       now.Add(cat.ServiceLevel()),
		Contact:     in.Contact,
		Source:      in.Source,
		Private:     in.Private,
		MediaURL:    in.MediaURL,
		Publication: Publication{State: ModerationPending},
	}
	if !in.filedAt.IsZero() {
		c.FiledAt = in.filedAt
	}
	if c.Source == "" {
		c.Source = "web"
	}
	out := &Filed{Complaint: c, Duplicates: dups}
	if actor.ID != "" && actor.Role != RoleAnonymous {
		c.ReporterID = actor.ID
	} else {
		out.Secret = NewSecret()
		c.SecretHash = HashSecret(out.Secret)
	}
	var contactCode string
	if c.Contact.reachable() {
		contactCode = newContactCode()
		c.ContactCodeHash = HashSecret(contactCode)
	}
	for attempt := 0; ; attempt++ {
		c.ID = NewTrackingCode()
		if in.id != "" {
			c.ID = in.id
		}
		photos, err := s.storePhotos(ctx, c.ID, PhotoReport, processed)
		if err != nil {
			return nil, err
		}
		c.Photos = photos
		ev := s.newEvent(c, 1, actor, ActionFile, "", StatusSubmitted, in.note)
		ev.At = now
		c.Version, c.UpdatedAt, c.Events = 1, now, []Event{ev}
		err = s.store.Create(ctx, c)
		if err == nil {
			break
		}
		s.deletePhotos(ctx, photos)
		if !errors.Is(err, ErrCodeTaken) || attempt >= 3 || in.id != "" {
			return nil, err
		}
	}
	s.fire(ctx, c, c.Events[0])
	if contactCode != "" {
		// The case is filed; a code that could not be queued only
		// leaves the contact unconfirmed.
		if out.ContactCode, err = s.sendContactCode(ctx, c, contactCode, now); err != nil {
			s.log.Warn("complaints: queue contact code failed", "case", c.ID, "err", err)
		}
	}
	return out, nil
}

// candidates finds open complaints of the category within its radius (or
// in the same community when no point is given) filed in the last 7 days.
func (s *Service) candidates(ctx context.Context, cat Category, p *Point, community string, now time.Time) ([]Candidate, error) {
	list, err := s.store.Candidates(ctx, duplicateQuery(cat, p, community, now))
	if err != nil {
		return nil, err
	}
	return bestCandidates(list), nil
}

// Duplicates returns the duplicate candidates for a prospective filing,
// without filing (the "is this already reported?" check).
func (s *Service) Duplicates(ctx context.Context, category string, p *Point, community string) ([]Candidate, error) {
	cat, ok := s.Category(category)
	if !ok {
		return nil, invalid(map[string]string{"category": "unknown or inactive category"})
	}
	return s.candidates(ctx, cat, p, community, s.now())
}

// Get returns a complaint for its staff view; the actor must be staff in
// scope or the reporter's account.
func (s *Service) Get(ctx context.Context, actor Actor, id string) (*Complaint, error) {
	c, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	if !CanSee(c, actor) {
		if actor.Role == RoleResident || actor.Role == RoleVolunteer {
			return nil, ErrNotFound
		}
		return nil, ErrOutOfScope
	}
	return c, nil
}

// Track returns a complaint by tracking code for the public view; the
// caller must show only its public parts.
func (s *Service) Track(ctx context.Context, code string) (*Complaint, error) {
	id := NormalizeCode(code)
	if id == "" {
		return nil, ErrNotFound
	}
	return s.load(ctx, id)
}

// load reads one complaint.
func (s *Service) load(ctx context.Context, id string) (*Complaint, error) {
	return s.store.Get(ctx, id)
}

// newEvent builds the seq-th event of c, made by actor.
func (s *Service) newEvent(c *Complaint, seq int, actor Actor, a Action, from, to Status, note string) Event {
	return Event{
		ID: EventID(c.ID, seq), CaseID: c.ID, Seq: seq, At: s.now(),
		ActorID: actor.ID, ActorName: actor.Name, Role: actor.Role,
		Action: a, From: from, To: to, Note: note,
		Department: c.Department, Category: c.Category, DistrictID: c.Place.DistrictID,
	}
}

// apply is the one place a complaint changes: it appends the event built
// from ev to next, stores both (claiming the event number), then calls the
// hooks and queues the notifications.
func (s *Service) apply(ctx context.Context, prev, next *Complaint, ev Event) (*Complaint, error) {
	seq := prev.Version + 1
	ev.ID, ev.CaseID, ev.Seq = EventID(prev.ID, seq), prev.ID, seq
	ev.From, ev.To = prev.Status, next.Status
	ev.Department, ev.Category, ev.DistrictID = next.Department, next.Category, next.Place.DistrictID
	if ev.At.IsZero() {
		ev.At = s.now()
	}
	next.Version = seq
	next.UpdatedAt = ev.At
	next.Events = append(slices.Clone(prev.Events), ev)
	if err := s.store.Apply(ctx, prev, next, ev); err != nil {
		return nil, err
	}
	s.fire(ctx, next, ev)
	return next, nil
}

// fire runs the hooks and queues notifications for an event.
func (s *Service) fire(ctx context.Context, c *Complaint, ev Event) {
	s.mu.RLock()
	hooks := slices.Clone(s.hooks)
	channels := slices.Clone(s.channels)
	s.mu.RUnlock()
	for _, h := range hooks {
		h(ctx, c, ev)
	}
	if msgs := notifications(c, ev, channels, s.now()); len(msgs) > 0 {
		if err := s.store.Enqueue(ctx, msgs); err != nil {
			s.log.Error("complaints: queue notifications failed", "event", ev.ID, "err", err)
		}
	}
}

// ActInput is a staff action on a complaint.
type ActInput struct {
	Action     Action
	Note       string
	Department string
	Into       string
	// Version is the version the actor saw; another one is ErrStale.
	Version int
	// Photos are "after" photos of a resolution (raw uploads).
	Photos [][]byte
}

// Act applies a staff action: accept, start, resolve, reject, reassign or
// merge. A stale version is conflict; an action the state machine does not
// allow from the current status is conflict, one the actor's role may not
// send is forbidden; both name the allowed actions in Details["allowed"].
func (s *Service) Act(ctx context.Context, actor Actor, id string, in ActInput) (*Complaint, error) {
	if !slices.Contains(StaffActions, in.Action) {
		return nil, invalid(map[string]string{"action": "unknown action"})
	}
	in.Note = strings.TrimSpace(in.Note)
	p := map[string]string{}
	if utf8.RuneCountInString(in.Note) > 1000 || !PlainText(in.Note) {
		p["note"] = "at most 1000 characters of plain text"
	}
	if len(in.Photos) > 0 && in.Action != ActionResolve {
		p["photos"] = "photos are only taken when resolving"
	}
	if len(in.Photos) > MaxPhotos {
		p["photos"] = "at most 4 photos"
	}
	if len(p) > 0 {
		return nil, invalid(p)
	}
	c, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	if in.Version != c.Version {
		// The actor may have seen a change a copy Get answered from missed.
		if fresh, err := s.store.Reload(ctx, id); err == nil {
			c = fresh
		}
	}
	if !inScope(c, actor) {
		return nil, ErrOutOfScope
	}
	if in.Version != c.Version {
		e := *ErrStale
		e.Details = map[string]any{"version": c.Version}
		return nil, &e
	}
	if err := checkAllowed(c, actor, in.Action); err != nil {
		return nil, err
	}
	next := c.clone()
	next.Status = Target(in.Action, c.Status)
	ev := Event{ActorID: actor.ID, ActorName: actor.Name, Role: actor.Role, Action: in.Action, Note: in.Note}
	now := s.now()
	switch in.Action {
	case ActionAccept:
		next.AcceptedAt = now
	case ActionStart:
	case ActionResolve:
		if in.Note == "" {
			return nil, invalid(map[string]string{"note": "a note is required"})
		}
		processed, err := s.processPhotos(ctx, in.Photos, "photos")
		if err != nil {
			return nil, err
		}
		after, err := s.storePhotos(ctx, c.ID, PhotoAfter, processed)
		if err != nil {
			return nil, err
		}
		next.Photos = append(next.Photos, after...)
		next.ResolvedAt = now
		next.ResolutionNote = in.Note
		res, err := s.apply(ctx, c, next, ev)
		if err != nil {
			s.deletePhotos(ctx, after)
		}
		return res, err
	case ActionReject:
		if in.Note == "" {
			return nil, invalid(map[string]string{"note": "a note is required"})
		}
		next.RejectReason = in.Note
		next.ClosedAt = now
	case ActionReassign:
		district, known := s.loc.DepartmentDistrict(in.Department)
		switch {
		case in.Department == "":
			return nil, invalid(map[string]string{"department": "give the department to reassign to"})
		case !known:
			return nil, invalid(map[string]string{"department": "unknown department"})
		case district != "" && district != c.Place.DistrictID:
			return nil, invalid(map[string]string{"department": "this department does not serve the case's district"})
		case in.Department == c.Department:
			return nil, invalid(map[string]string{"department": "the case is already with this department"})
		case in.Note == "":
			return nil, invalid(map[string]string{"note": "a note is required"})
		}
		next.Department = in.Department
		ev.PrevDepartment = c.Department
		next.AcceptedAt = time.Time{}
	case ActionMerge:
		return s.merge(ctx, actor, c, next, ev, in.Into)
	}
	return s.apply(ctx, c, next, ev)
}

// checkAllowed enforces the state machine and the role table.
func checkAllowed(c *Complaint, actor Actor, a Action) error {
	allowed := Allowed(c, actor)
	if allowed == nil {
		allowed = []Action{}
	}
	if !RoleMay(actor.Role, a) {
		e := apperr.New(apperr.Forbidden, "your role may not do this action")
		e.Details = map[string]any{"allowed": allowed, "status": c.Status}
		return e
	}
	if !slices.Contains(AllowedFrom(c.Status, []Action{a}), a) {
		e := apperr.New(apperr.Conflict, "action not allowed from the current status")
		e.Details = map[string]any{"allowed": allowed, "status": c.Status}
		return e
	}
	return nil
}

// merge rejects c as a duplicate of into and counts its reporter (and
// supporters) on the target.
func (s *Service) merge(ctx context.Context, actor Actor, c, next *Complaint, ev Event, into string) (*Complaint, error) {
	into = NormalizeCode(into)
	if into == "" {
		return nil, invalid(map[string]string{"into": "give the case to merge into"})
	}
	if into == c.ID {
		return nil, ErrMergeSelf
	}
	target, err := s.load(ctx, into)
	if IsNotFound(err) {
		return nil, invalid(map[string]string{"into": "no such complaint"})
	}
	if err != nil {
		return nil, err
	}
	// The target must be a case the actor could merge itself (issue 15
	// row 4: a district official merged into another district's case, a
	// department into another department's), of the same problem, and
	// still owed work: a resolved, closed or merged case would pass the
	// reporter's complaint off as answered.
	if !inScope(target, actor) {
		return nil, &apperr.Error{Code: apperr.Forbidden, Message: ErrOutOfScope.Message,
			Fields: map[string]string{"into": "the target case is outside your department or district"}}
	}
	if target.Category != c.Category {
		return nil, invalid(map[string]string{"into": "the target case is of another category"})
	}
	if !target.Status.Open() {
		return nil, invalid(map[string]string{"into": "the target case is closed to merging"})
	}
	next.MergedInto = into
	next.ClosedAt = s.now()
	ev.Into = into
	res, err := s.apply(ctx, c, next, ev)
	if err != nil {
		return nil, err
	}
	// Count the merged case on the target; retry on a concurrent change.
	for range 5 {
		t, err := s.load(ctx, into)
		if err != nil {
			break
		}
		tn := t.clone()
		tn.Supporters += 1 + c.Supporters
		jev := Event{ActorID: actor.ID, ActorName: actor.Name, Role: actor.Role, Action: ActionJoin,
			Note: "merged from " + c.ID}
		// A join leaves the status unchanged.
		if _, err = s.apply(ctx, t, tn, jev); err == nil || !IsConflict(err) {
			if err != nil {
				s.log.Warn("complaints: counting a merge on the target failed", "case", c.ID, "into", into, "err", err)
			}
			break
		}
	}
	return res, nil
}

// Join adds a "me too" to an open complaint. Signed-in users count once;
// anonymous callers once per device (actor.Device) and once a day per
// client address (actor.Address, claimed by insert so every process
// agrees).
func (s *Service) Join(ctx context.Context, actor Actor, id string) (*Complaint, error) {
	device := ""
	if actor.ID == "" && actor.Device != "" {
		device = shortHash(actor.Device)
	}
	claimed := false
	for attempt := 0; ; attempt++ {
		c, err := s.load(ctx, id)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(machine[ActionJoin].from, c.Status) {
			e := apperr.New(apperr.Conflict, "action not allowed from the current status")
			e.Details = map[string]any{"status": c.Status}
			return nil, e
		}
		if actor.ID != "" && (slices.Contains(c.SupporterIDs, actor.ID) || c.ReporterID == actor.ID) ||
			device != "" && slices.Contains(c.SupporterDevices, device) {
			return nil, ErrAlreadyJoined
		}
		if !claimed && actor.ID == "" && actor.Address != "" {
			now := s.now()
			key := "join-addr:" + c.ID + ":" + shortHash(actor.Address) + ":" + now.UTC().Format("2006-01-02")
			won, err := s.store.Claim(ctx, key, now)
			if err != nil {
				return nil, err
			}
			if !won {
				return nil, ErrAlreadyJoined
			}
			claimed = true
		}
		next := c.clone()
		next.Supporters++
		if actor.ID != "" && len(next.SupporterIDs) < 1000 {
			next.SupporterIDs = append(next.SupporterIDs, actor.ID)
		}
		if device != "" && len(next.SupporterDevices) < 5000 {
			next.SupporterDevices = append(next.SupporterDevices, device)
		}
		ev := Event{ActorID: actor.ID, ActorName: actor.Name, Role: actor.Role, Action: ActionJoin}
		res, err := s.apply(ctx, c, next, ev)
		if err == nil || !IsConflict(err) || attempt >= joinAttempts {
			return res, err
		}
		// Another "me too" (another process's, or a staff action) won
		// the event claim: wait a random moment so the racers spread out.
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(time.Duration(1+rand.IntN(10*(attempt+1))) * time.Millisecond):
		}
	}
}

// joinAttempts bounds a "me too" that keeps losing the event claim: a
// popular case gets many at once from several processes, and each is
// worth retrying (it changes nothing but the count).
const joinAttempts = 30

// FeedbackInput is the reporter's answer to a resolution.
type FeedbackInput struct {
	Secret  string
	Confirm bool
	Rating  int
	Comment string
}

// Feedback lets the reporter confirm (closed) or reopen (back to work with a
// new due time) a resolution, with a rating. The reporter is proven by the
// follow-up secret or by being the case's account.
func (s *Service) Feedback(ctx context.Context, actor Actor, code string, in FeedbackInput) (*Complaint, error) {
	p := map[string]string{}
	in.Comment = strings.TrimSpace(in.Comment)
	if in.Rating < 1 || in.Rating > 5 {
		p["rating"] = "between 1 and 5"
	}
	if utf8.RuneCountInString(in.Comment) > 1000 || !PlainText(in.Comment) {
		p["comment"] = "at most 1000 characters of plain text"
	}
	if len(p) > 0 {
		return nil, invalid(p)
	}
	c, err := s.Track(ctx, code)
	if err != nil {
		return nil, err
	}
	switch {
	case in.Secret != "":
		if !secretMatches(c.SecretHash, in.Secret) {
			return nil, ErrBadSecret
		}
		if actor.ID == "" {
			actor.Role = RoleReporter
		}
	case actor.ID != "" && actor.ID == c.ReporterID:
		actor.Role = RoleResident
	default:
		return nil, ErrNotReporter
	}
	if actor.Role != RoleReporter && actor.Role != RoleResident {
		actor.Role = RoleReporter
	}
	a := ActionConfirm
	if !in.Confirm {
		a = ActionReopen
	}
	if !slices.Contains(machine[a].from, c.Status) {
		e := apperr.New(apperr.Conflict, "action not allowed from the current status")
		e.Details = map[string]any{"status": c.Status}
		return nil, e
	}
	now := s.now()
	next := c.clone()
	next.Status = Target(a, c.Status)
	next.Feedback = append(next.Feedback, Feedback{Confirmed: in.Confirm, Rating: in.Rating, Comment: in.Comment, At: now})
	if in.Confirm {
		next.ClosedAt = now
	} else {
		if now.Sub(c.ResolvedAt) > ReopenWindow {
			return nil, ErrReopenWindow
		}
		cat, _ := s.Category(c.Category)
		sl := cat.ServiceLevel()
		if sl <= 0 {
			sl = 72 * time.Hour
		}
		next.Reopens++
		next.DueAt = now.Add(sl)
		next.ResolvedAt = time.Time{}
	}
	ev := Event{ActorID: actor.ID, ActorName: actor.Name, Role: actor.Role, Action: a, Note: in.Comment, Rating: in.Rating}
	return s.apply(ctx, c, next, ev)
}

// Events returns recorded events in (At, ID) order after the cursor, for
// consumers that keep summaries idempotently per event id.
func (s *Service) Events(ctx context.Context, after EventCursor, limit int) ([]Event, error) {
	if limit <= 0 || limit > 10000 {
		limit = 1000
	}
	return s.store.Events(ctx, after, limit)
}

// Photo returns a stored photo.
func (s *Service) Photo(ctx context.Context, id string) ([]byte, error) {
	return s.store.Photo(ctx, id)
}
