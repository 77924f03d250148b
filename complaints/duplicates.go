package complaints

import (
	"sort"
	"time"
)

// DuplicateQuery is the duplicate-candidate rule for one prospective
// filing: open complaints of the category filed since Since, within Radius
// metres of Point, or, for a filing by community (no point), filed by
// community in the same one. Match is the rule; every Store answers
// Candidates with it, reading only the complaints filed under Cells.
type DuplicateQuery struct {
	Category    string
	Radius      float64
	Point       *Point
	CommunityID string
	Since       time.Time
}

// duplicateQuery is the query of a filing of cat at p (or in community)
// at now.
func duplicateQuery(cat Category, p *Point, community string, now time.Time) DuplicateQuery {
	return DuplicateQuery{Category: cat.Code, Radius: cat.Radius(), Point: p, CommunityID: community, Since: now.Add(-DuplicateWindow)}
}

// Cells returns the duplicate-index cells (see DuplicateCell) that hold
// every complaint the query can match.
func (q DuplicateQuery) Cells() []string {
	if q.Point != nil {
		return cellKeys(q.Category, *q.Point)
	}
	return []string{communityCell(q.Category, q.CommunityID)}
}

// Near is the part of the rule an index entry answers: whether a
// complaint at p (nil: filed by community) filed at filedAt may match,
// and its distance in metres (-1 when matched by community).
func (q DuplicateQuery) Near(p *Point, filedAt time.Time) (float64, bool) {
	if filedAt.Before(q.Since) {
		return 0, false
	}
	if q.Point == nil {
		return -1, p == nil
	}
	if p == nil {
		return 0, false
	}
	// Judged from the case's public position only (see publicDistance).
	return publicDistance(*q.Point, *p, q.Radius)
}

// Match returns c as a candidate when the rule holds for it.
func (q DuplicateQuery) Match(c *Complaint) (Candidate, bool) {
	if c.Category != q.Category || !c.Status.Open() || q.Point == nil && c.Place.CommunityID != q.CommunityID {
		return Candidate{}, false
	}
	dist, ok := q.Near(c.Point, c.FiledAt)
	if !ok {
		return Candidate{}, false
	}
	return Candidate{ID: c.ID, Status: c.Status, Distance: dist, FiledAt: c.FiledAt, Supporters: c.Supporters}, true
}

// DuplicateCell is the one duplicate-index cell a complaint is filed
// under: its point's, or its community's when it has no point.
func DuplicateCell(c *Complaint) string {
	if c.Point != nil {
		return homeCell(c.Category, *c.Point)
	}
	return communityCell(c.Category, c.Place.CommunityID)
}

// maxCandidates is how many duplicate candidates a filing is shown.
const maxCandidates = 5

// bestCandidates orders candidates nearest first (the id breaks ties) and
// keeps the first maxCandidates.
func bestCandidates(list []Candidate) []Candidate {
	sort.Slice(list, func(i, j int) bool {
		if list[i].Distance != list[j].Distance {
			return list[i].Distance < list[j].Distance
		}
		return list[i].ID < list[j].ID
	})
	if len(list) > maxCandidates {
		list = list[:maxCandidates]
	}
	return list
}

// SweepDue reports whether the sweeper must look at c at now: open, due
// before now and not yet published, or resolved no later than
// resolvedBefore. Every Store answers SweepCandidates with it.
func SweepDue(c *Complaint, now, resolvedBefore time.Time) bool {
	return c.Status.Open() && c.DueAt.Before(now) && !c.Published ||
		c.Status == StatusResolved && !c.ResolvedAt.IsZero() && !c.ResolvedAt.After(resolvedBefore)
}
