package areas

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"cleancity/portal/apperr"
)

// ErrOutsideCity is returned by Locate for a point in no grid.
var ErrOutsideCity = apperr.New(apperr.NotFound, "the point is outside the city's grids")

// Service serves the geography from an in-memory snapshot of the store,
// reloaded when the areas version in the store changes.
type Service struct {
	db   *mongo.Database
	log  *slog.Logger
	now  func() time.Time
	snap atomic.Pointer[snapshot]
	mu   sync.Mutex // serialises imports and reloads in this process
}

type snapshot struct {
	version     int64
	byID        map[string]*Area
	byLevel     map[Level][]*Area
	children    map[string][]*Area
	departments map[string]Department
	deptList    []Department
	index       *gridIndex
}

// NewService returns a service over db; call Init before use.
func NewService(db *mongo.Database, log *slog.Logger, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	s := &Service{db: db, log: log, now: now}
	s.snap.Store(buildSnapshot(nil, nil, 0))
	return s
}

// Init creates indexes and loads the snapshot.
func (s *Service) Init(ctx context.Context) error {
	if err := ensureIndexes(ctx, s.db); err != nil {
		return err
	}
	return s.reload(ctx, true)
}

// Refresh reloads the snapshot when another process changed the areas.
func (s *Service) Refresh(ctx context.Context) error { return s.reload(ctx, false) }

func (s *Service) reload(ctx context.Context, force bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !force {
		v, err := loadVersion(ctx, s.db)
		if err != nil {
			return err
		}
		if v == s.snap.Load().version {
			return nil
		}
	}
	list, depts, version, err := loadAll(ctx, s.db)
	if err != nil {
		return err
	}
	s.snap.Store(buildSnapshot(list, depts, version))
	return nil
}

// Watch refreshes the snapshot every interval until ctx ends, so processes
// sharing one store see each other's imports.
func (s *Service) Watch(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.Refresh(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("areas refresh failed", "err", err)
			}
		}
	}
}

func buildSnapshot(list []*Area, depts []Department, version int64) *snapshot {
	sn := &snapshot{
		version:     version,
		byID:        make(map[string]*Area, len(list)),
		byLevel:     map[Level][]*Area{},
		children:    map[string][]*Area{},
		departments: make(map[string]Department, len(depts)),
		deptList:    append([]Department(nil), depts...),
	}
	for _, d := range depts {
		sn.departments[d.ID] = d
	}
	sort.Slice(sn.deptList, func(i, j int) bool { return sn.deptList[i].ID < sn.deptList[j].ID })
	for _, a := range list {
		sn.byID[a.ID] = a
	}
	for _, a := range list {
		sn.byLevel[a.Level] = append(sn.byLevel[a.Level], a)
		if a.ParentID != "" {
			sn.children[a.ParentID] = append(sn.children[a.ParentID], a)
		}
		// Fill ancestors from the parent chain (bounded: four levels).
		p := a
		for i := 0; i < 4 && p != nil; i++ {
			switch p.Level {
			case District:
				a.DistrictID = p.ID
			case Street:
				a.StreetID = p.ID
			case Community:
				a.CommunityID = p.ID
			}
			p = sn.byID[p.ParentID]
		}
	}
	for _, l := range []Level{District, Street, Community, Grid} {
		sort.Slice(sn.byLevel[l], func(i, j int) bool { return sn.byLevel[l][i].ID < sn.byLevel[l][j].ID })
	}
	// Residents: communities carry the count; streets and districts sum them.
	for _, st := range sn.byLevel[Street] {
		st.Residents = 0
	}
	for _, d := range sn.byLevel[District] {
		d.Residents = 0
	}
	for _, c := range sn.byLevel[Community] {
		if st := sn.byID[c.StreetID]; st != nil {
			st.Residents += c.Residents
		}
		if d := sn.byID[c.DistrictID]; d != nil {
			d.Residents += c.Residents
		}
	}
	sn.index = newGridIndex(sn.byLevel[Grid])
	return sn
}

// Version is the areas version the snapshot was loaded from.
func (s *Service) Version() int64 { return s.snap.Load().version }

// Locate resolves a point to its grid, community, street, district and the
// grid's lead department. A point in no grid is ErrOutsideCity.
func (s *Service) Locate(lat, lon float64) (Location, error) {
	sn := s.snap.Load()
	g := sn.index.find(lon, lat)
	if g == nil {
		return Location{}, ErrOutsideCity
	}
	return sn.locationOf(g), nil
}

// LocateArea resolves an area id (a grid or a community) to a location; a
// community resolves to its first grid's department. Unknown ids are not_found.
func (s *Service) LocateArea(id string) (Location, error) {
	sn := s.snap.Load()
	a := sn.byID[id]
	if a == nil {
		return Location{}, apperr.Newf(apperr.NotFound, "unknown area %q", id)
	}
	switch a.Level {
	case Grid:
		return sn.locationOf(a), nil
	case Community:
		grids := sn.children[a.ID]
		if len(grids) == 0 {
			return Location{}, apperr.Newf(apperr.NotFound, "community %q has no grid", id)
		}
		loc := sn.locationOf(grids[0])
		loc.Grid = Ref{}
		return loc, nil
	}
	return Location{}, apperr.Newf(apperr.Invalid, "area %q is a %s; give a community or a grid", id, a.Level)
}

func (sn *snapshot) locationOf(g *Area) Location {
	loc := Location{Grid: refOf(g)}
	if c := sn.byID[g.CommunityID]; c != nil {
		loc.Community = refOf(c)
	}
	if st := sn.byID[g.StreetID]; st != nil {
		loc.Street = refOf(st)
	}
	if d := sn.byID[g.DistrictID]; d != nil {
		loc.District = refOf(d)
	}
	if dep, ok := sn.departments[g.LeadDepartment]; ok {
		loc.Department = Ref{ID: dep.ID, Name: dep.Name, NameEN: dep.NameEN}
	}
	return loc
}

func refOf(a *Area) Ref { return Ref{ID: a.ID, Name: a.Name, NameEN: a.NameEN} }

// Area returns one area by id.
func (s *Service) Area(id string) (*Area, bool) {
	a, ok := s.snap.Load().byID[id]
	return a, ok
}

// List returns the areas of a level (all levels when empty), optionally only
// the children of parent, sorted by id.
func (s *Service) List(level Level, parent string) []*Area {
	sn := s.snap.Load()
	var src []*Area
	if parent != "" {
		src = sn.children[parent]
	} else if level != "" {
		src = sn.byLevel[level]
	} else {
		for _, l := range []Level{District, Street, Community, Grid} {
			src = append(src, sn.byLevel[l]...)
		}
	}
	out := make([]*Area, 0, len(src))
	for _, a := range src {
		if level == "" || a.Level == level {
			out = append(out, a)
		}
	}
	return out
}

// Departments returns every department sorted by id.
func (s *Service) Departments() []Department { return s.snap.Load().deptList }

// Department returns one department.
func (s *Service) Department(id string) (Department, bool) {
	d, ok := s.snap.Load().departments[id]
	return d, ok
}

// DepartmentOfType returns the city-level department of a type (for a street
// office, the one of the given street).
func (s *Service) DepartmentOfType(typ, streetID string) (Department, bool) {
	for _, d := range s.snap.Load().deptList {
		if d.Type == typ && (typ != DeptStreetOffice || d.StreetID == streetID) {
			return d, true
		}
	}
	return Department{}, false
}

// Import validates areas and departments against each other and the stored
// geography, saves them (upsert by id) and reloads. It returns how many of
// each level were written.
func (s *Service) Import(ctx context.Context, list []Area, depts []Department) (map[string]int, error) {
	s.mu.Lock()
	cur := s.snap.Load()
	merged := make(map[string]*Area, len(cur.byID)+len(list))
	for id, a := range cur.byID {
		merged[id] = a
	}
	deptIDs := make(map[string]bool, len(cur.departments)+len(depts))
	for id := range cur.departments {
		deptIDs[id] = true
	}
	var problems []string
	seenDept := map[string]bool{}
	for _, d := range depts {
		if err := d.validate(); err != nil {
			problems = append(problems, err.Error())
		}
		if seenDept[d.ID] {
			problems = append(problems, fmt.Sprintf("department %s appears twice", d.ID))
		}
		seenDept[d.ID] = true
		deptIDs[d.ID] = true
	}
	incoming := make([]*Area, 0, len(list))
	seen := map[string]bool{}
	for i := range list {
		a := list[i]
		if seen[a.ID] {
			problems = append(problems, fmt.Sprintf("area %s appears twice", a.ID))
		}
		seen[a.ID] = true
		merged[a.ID] = &a
		incoming = append(incoming, &a)
	}
	for _, a := range incoming {
		problems = append(problems, a.check(merged, deptIDs)...)
	}
	s.mu.Unlock()
	if len(problems) > 0 {
		sort.Strings(problems)
		return nil, apperr.Newf(apperr.Invalid, "%d problem(s) in the areas: %s", len(problems), strings.Join(problems, "; "))
	}
	if err := saveAll(ctx, s.db, incoming, depts, s.now()); err != nil {
		return nil, err
	}
	if err := s.reload(ctx, true); err != nil {
		return nil, err
	}
	counts := map[string]int{"departments": len(depts)}
	for _, a := range incoming {
		counts[string(a.Level)]++
	}
	return counts, nil
}

// check validates one area against the merged geography.
func (a *Area) check(all map[string]*Area, deptIDs map[string]bool) []string {
	var p []string
	if !idPattern.MatchString(a.ID) {
		p = append(p, fmt.Sprintf("area id %q: use 1-64 letters, digits, '-', '_' or '.'", a.ID))
	}
	if !a.Level.Valid() {
		p = append(p, fmt.Sprintf("area %s: level %q, want district, street, community or grid", a.ID, a.Level))
		return p
	}
	if strings.TrimSpace(a.Name) == "" {
		p = append(p, fmt.Sprintf("area %s: name is required", a.ID))
	}
	if want, ok := parentLevel[a.Level]; ok {
		parent := all[a.ParentID]
		switch {
		case a.ParentID == "":
			p = append(p, fmt.Sprintf("area %s: a %s needs parent_id (a %s)", a.ID, a.Level, want))
		case parent == nil:
			p = append(p, fmt.Sprintf("area %s: parent %s does not exist", a.ID, a.ParentID))
		case parent.Level != want:
			p = append(p, fmt.Sprintf("area %s: parent %s is a %s, want a %s", a.ID, a.ParentID, parent.Level, want))
		}
	} else if a.ParentID != "" {
		p = append(p, fmt.Sprintf("area %s: a district has no parent", a.ID))
	}
	if a.Residents < 0 {
		p = append(p, fmt.Sprintf("area %s: residents must not be negative", a.ID))
	}
	if a.Level == Grid {
		if len(a.Geometry) == 0 {
			p = append(p, fmt.Sprintf("grid %s: geometry is required", a.ID))
		}
		if !deptIDs[a.LeadDepartment] {
			p = append(p, fmt.Sprintf("grid %s: lead_department %q does not exist", a.ID, a.LeadDepartment))
		}
	}
	if len(a.Geometry) > 0 {
		if err := a.Geometry.validate(); err != nil {
			p = append(p, fmt.Sprintf("area %s: %v", a.ID, err))
		}
	}
	return p
}

// IsOutside reports whether err means a point outside the city.
func IsOutside(err error) bool { return errors.Is(err, ErrOutsideCity) }
