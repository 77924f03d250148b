package portal

import (
	"context"
	"time"

	"cleancity/complaints"
	"cleancity/complaints/complaintdb"
	"cleancity/portal/areas"
	"cleancity/portal/ratelimit"
)

// Background intervals of the complaint domain.
const (
	complaintSweepInterval  = time.Minute
	complaintOutboxInterval = 2 * time.Second
	// complaintRetentionInterval is how often the retention sweep runs.
	complaintRetentionInterval = time.Hour
)

// lookupsPerMinute is how many duplicate hints one anonymous address or
// account may ask for a minute: the filing page asks once per change of
// category or point.
const lookupsPerMinute = 30

// complaintsRuntime is the complaint domain's wiring inside the server.
type complaintsRuntime struct {
	store     complaints.Store
	deliverer *complaints.Deliverer
	public    *publicCache
	// filings limits filings per anonymous address or resident (nil: no
	// limit).
	filings *ratelimit.Limiter
	// lookups limits the public lookups that take a position.
	lookups *ratelimit.Limiter
	// devices limits the device tokens issued per address; deviceKey
	// signs them.
	devices   *ratelimit.Limiter
	deviceKey []byte
}

// initComplaints builds the complaint service on the complaint store the
// store mode needs (complaintdb.ForMode), seeds the default categories and
// sets up the outbox channels (the log always; the webhook when
// configured).
func (s *Server) initComplaints(ctx context.Context) error {
	st, err := complaintdb.ForMode(ctx, s.store.DB, s.store.Mode, s.now, s.log)
	if err != nil {
		return err
	}
	svc := complaints.NewService(st, complaintsLocator{s.Areas}, s.now, s.log)
	if err := svc.Init(ctx); err != nil {
		return err
	}
	channels := map[string]complaints.Channel{complaints.ChannelLog: complaints.LogChannel{Log: s.log}}
	names := []string{complaints.ChannelLog}
	if s.cfg.WebhookURL != "" {
		channels[complaints.ChannelWebhook] = &complaints.Webhook{URL: s.cfg.WebhookURL, Secret: s.cfg.WebhookSecret, Now: s.now}
		names = append(names, complaints.ChannelWebhook)
	}
	svc.SetChannels(names...)
	s.Complaints = svc
	s.complaints = &complaintsRuntime{
		store:     st,
		deliverer: complaints.NewDeliverer(st, channels, s.now, s.log),
		public:    newPublicCache(30 * time.Second),
		lookups:   ratelimit.PerMinute(lookupsPerMinute, lookupsPerMinute, s.now),
		devices:   ratelimit.PerHour(devicesPerHour, s.now),
		deviceKey: deviceKey(s.cfg.JWTSecret),
	}
	if s.cfg.FilingLimit > 0 {
		s.complaints.filings = ratelimit.PerHour(s.cfg.FilingLimit, s.now)
	}
	// Filing and staff actions (the "after" photo) take photos.
	s.allowLargeBody("POST", "/api/v1/complaints", maxBodyLimit)
	s.allowLargeBody("POST", "/api/v1/complaints/:id/actions", maxBodyLimit)
	s.initOpen311()
	return nil
}

// complaintsLocator adapts the areas service to complaints.Locator.
type complaintsLocator struct{ a *areas.Service }

func placeOf(loc areas.Location) complaints.Place {
	return complaints.Place{GridID: loc.Grid.ID, CommunityID: loc.Community.ID, StreetID: loc.Street.ID,
		DistrictID: loc.District.ID, LeadDepartment: loc.Department.ID}
}

func (l complaintsLocator) Locate(lat, lon float64) (complaints.Place, error) {
	loc, err := l.a.Locate(lat, lon)
	if err != nil {
		return complaints.Place{}, err
	}
	return placeOf(loc), nil
}

func (l complaintsLocator) Community(id string) (complaints.Place, bool) {
	a, ok := l.a.Area(id)
	if !ok || a.Level != areas.Community {
		return complaints.Place{}, false
	}
	loc, err := l.a.LocateArea(id)
	if err != nil {
		return complaints.Place{}, false
	}
	return placeOf(loc), true
}

func (l complaintsLocator) DepartmentOfType(typ, streetID string) (string, bool) {
	d, ok := l.a.DepartmentOfType(typ, streetID)
	return d.ID, ok
}

// DepartmentDistrict: a street office serves its street's district, a
// city department every district.
func (l complaintsLocator) DepartmentDistrict(id string) (string, bool) {
	d, ok := l.a.Department(id)
	if !ok || d.StreetID == "" {
		return "", ok
	}
	st, ok := l.a.Area(d.StreetID)
	if !ok {
		return "", false
	}
	return st.DistrictID, true
}

func (l complaintsLocator) Outside(err error) bool { return areas.IsOutside(err) }

// actorOf turns the request's principal into the domain's actor.
func actorOf(p *Principal) complaints.Actor {
	if p == nil {
		return complaints.Actor{Role: complaints.RoleAnonymous}
	}
	name := p.DisplayName
	if name == "" {
		name = p.Username
	}
	return complaints.Actor{ID: p.UserID, Name: name, Role: complaints.Role(p.Role), Scope: p.Scope}
}

// ComplaintMessage returns one stored notification of the complaint outbox
// (tests and operators).
func (s *Server) ComplaintMessage(ctx context.Context, id string) (complaints.Message, error) {
	return s.complaints.store.Message(ctx, id)
}

// ComplaintOutbox returns the outbox deliverer (tests run it by hand).
func (s *Server) ComplaintOutbox() *complaints.Deliverer { return s.complaints.deliverer }
