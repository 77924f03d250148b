package complaints

import (
	"context"
	"slices"
	"strings"
	"time"

	"cleancity/portal/apperr"
)

// MaxPage is the largest page of a list.
const MaxPage = 200

// Page is one page of a list and the cursor of the next (nil at the end).
type Page struct {
	Items []*Complaint
	Next  *Cursor
}

// List returns one page of the complaints the actor may see that match f.
// Department staff see their department's cases, a district official the
// district's: asking for another one is forbidden.
func (s *Service) List(ctx context.Context, actor Actor, f Filter) (Page, error) {
	if err := scopeFilter(actor, &f); err != nil {
		return Page{}, err
	}
	if f.Limit <= 0 || f.Limit > MaxPage {
		f.Limit = 50
	}
	if f.Now.IsZero() {
		f.Now = s.now()
	}
	f.Text = strings.ToLower(strings.TrimSpace(f.Text))
	want := f.Limit
	f.Limit = want + 1
	items, err := s.store.List(ctx, f)
	if err != nil {
		return Page{}, err
	}
	var next *Cursor
	if len(items) > want {
		items = items[:want]
		last := items[len(items)-1]
		next = &Cursor{Value: SortValue(last, f.Sort), ID: last.ID}
	}
	return Page{Items: items, Next: next}, nil
}

// MaxExport bounds one export.
const MaxExport = 100000

// Export passes every complaint matching f (the same scope rules as List)
// to fn, in f's order. It reads them in one query: on FerretDB every page
// of a paged read would scan the whole collection again.
func (s *Service) Export(ctx context.Context, actor Actor, f Filter, fn func(*Complaint) error) error {
	if err := scopeFilter(actor, &f); err != nil {
		return err
	}
	if f.Now.IsZero() {
		f.Now = s.now()
	}
	f.Text = strings.ToLower(strings.TrimSpace(f.Text))
	f.After, f.Limit, f.Summary = nil, MaxExport, true
	items, err := s.store.List(ctx, f)
	if err != nil {
		return err
	}
	for _, c := range items {
		if err := fn(c); err != nil {
			return err
		}
	}
	return nil
}

// PublicList returns complaints for the public map or the overdue list:
// callers show only public fields.
func (s *Service) PublicList(ctx context.Context, f Filter) ([]*Complaint, error) {
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 500
	}
	if f.Now.IsZero() {
		f.Now = s.now()
	}
	f.Summary = true
	return s.store.List(ctx, f)
}

func scopeFilter(actor Actor, f *Filter) error {
	switch actor.Role {
	case RoleDepartment:
		if actor.Scope == "" || f.Department != "" && f.Department != actor.Scope {
			return ErrOutOfScope
		}
		f.Department = actor.Scope
	case RoleOfficial:
		if actor.Scope != "" {
			if f.DistrictID != "" && f.DistrictID != actor.Scope {
				return apperr.New(apperr.Forbidden, "a district official sees only the district's cases")
			}
			f.DistrictID = actor.Scope
		}
	case RoleAdmin, RoleSystem:
	case RoleResident, RoleVolunteer:
		if actor.ID == "" {
			return ErrOutOfScope
		}
		f.ReporterID = actor.ID
	default:
		return ErrOutOfScope
	}
	return nil
}

// SortValue is the value of c a sort field orders by.
func SortValue(c *Complaint, sort string) time.Time {
	switch strings.TrimPrefix(sort, "-") {
	case "due_at":
		return c.DueAt
	case "updated_at":
		return c.UpdatedAt
	}
	return c.FiledAt
}

// Order returns the field f sorts by (filed_at, due_at or updated_at) and
// whether descending; anything else sorts newest filed first. The id
// breaks ties in the same direction.
func (f Filter) Order() (field string, desc bool) {
	field, desc = strings.TrimPrefix(f.Sort, "-"), strings.HasPrefix(f.Sort, "-")
	switch field {
	case "filed_at", "due_at", "updated_at":
		return field, desc
	}
	return "filed_at", true
}

// Compare orders two complaints as f sorts them: negative when a comes
// first.
func (f Filter) Compare(a, b *Complaint) int {
	field, desc := f.Order()
	r := SortValue(a, field).Compare(SortValue(b, field))
	if r == 0 {
		r = strings.Compare(a.ID, b.ID)
	}
	if desc {
		return -r
	}
	return r
}

// Match reports whether f selects c: every field of f that is set holds
// ("overdue" judged at f.Now, text searched case-insensitively in the
// code, description and address), and c comes after f.After in f's
// order. It is what a filter means; a Store's query language translates
// it (complaintdb's filterDoc), and a test holds the two equal.
func (f Filter) Match(c *Complaint) bool {
	if len(f.Statuses) > 0 && !slices.Contains(f.Statuses, c.Status) {
		return false
	}
	if len(f.Categories) > 0 && !slices.Contains(f.Categories, c.Category) {
		return false
	}
	switch {
	case f.Category != "" && c.Category != f.Category,
		f.DistrictID != "" && c.Place.DistrictID != f.DistrictID,
		f.StreetID != "" && c.Place.StreetID != f.StreetID,
		f.Department != "" && c.Department != f.Department,
		f.ReporterID != "" && c.ReporterID != f.ReporterID,
		f.NoticeLevel != nil && c.NoticeLevel != *f.NoticeLevel,
		f.Published != nil && c.Published != *f.Published,
		!f.From.IsZero() && c.FiledAt.Before(f.From),
		!f.To.IsZero() && !c.FiledAt.Before(f.To),
		!f.UpdatedFrom.IsZero() && c.UpdatedAt.Before(f.UpdatedFrom),
		!f.UpdatedTo.IsZero() && !c.UpdatedAt.Before(f.UpdatedTo),
		f.AwaitingModeration && !AwaitsModeration(c):
		return false
	}
	if f.Text != "" && !strings.Contains(strings.ToLower(c.ID+" "+c.Description+" "+c.Address), strings.ToLower(f.Text)) {
		return false
	}
	if f.Overdue != nil && (c.Status.Open() && c.DueAt.Before(f.Now)) != *f.Overdue {
		return false
	}
	if f.After != nil {
		field, desc := f.Order()
		cmp := SortValue(c, field).Compare(f.After.Value)
		if cmp == 0 {
			cmp = strings.Compare(c.ID, f.After.ID)
		}
		if desc {
			cmp = -cmp
		}
		if cmp <= 0 {
			return false
		}
	}
	return true
}
