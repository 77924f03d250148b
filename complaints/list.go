package complaints

import (
	"context"
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
	items, err := s.find(ctx, f)
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
	items, err := s.find(ctx, f)
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
	return s.find(ctx, f)
}

// find answers a filter from the memory copy when there is one, else
// from the store.
func (s *Service) find(ctx context.Context, f Filter) ([]*Complaint, error) {
	if m := s.memory(); m != nil {
		return m.list(f), nil
	}
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
