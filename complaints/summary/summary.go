// Package summary is the dashboard's read model of the complaint domain:
// which counters each recorded event changes, kept per city day and per
// (district, street, category, department) cell, plus the set of open cases
// with their due times (overdue is a matter of the clock, not of events).
//
// It is pure domain code: Fact turns a complaint and one of its events into
// what the summaries need, Day.Apply and OpenSet.Apply fold a fact in
// (idempotently per event id), and Figures computes the dashboard's numbers
// from the folded documents. The Service (service.go) runs it against a
// Store: hooks queue facts, one leased applier per cluster folds them in,
// and every process answers from an in-memory copy refreshed by revision.
package summary

import (
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"cleancity/complaints"
)

// Zone is the city's calendar: days and weeks of the dashboard are China
// Standard Time days.
var Zone = time.FixedZone("CST", 8*3600)

// DateLayout is the form of a day key.
const DateLayout = "2006-01-02"

// DayOf returns the city day of t as a key ("2025-03-14").
func DayOf(t time.Time) string { return t.In(Zone).Format(DateLayout) }

// MaxApplied is how many recent event ids a day document remembers, so
// re-applying a batch after a crash changes nothing. Re-application happens
// within seconds; 2,000 covers hours of a busy day.
const MaxApplied = 2000

// Fact is one event with what the summaries need from its case, so folding
// it in needs no second read.
type Fact struct {
	EventID string
	CaseID  string
	Seq     int
	At      time.Time
	Action  complaints.Action
	From    complaints.Status
	To      complaints.Status
	// Department after the event; PrevDepartment before a reassignment.
	Department     string
	PrevDepartment string
	Rating         int
	NoticeLevel    int

	Category string
	District string
	Street   string
	Grid     string
	FiledAt  time.Time
	// OrigDue is the service-level promise: filed + the category's hours.
	OrigDue time.Time
	// FirstAnswer marks the case's first final staff answer (resolve,
	// reject or merge); Answered says one happened before this event.
	FirstAnswer bool
	Answered    bool

	// Snap is the case after the event, for the open-case set; nil when
	// the fact carries none (rebuild passes it only with the last event).
	Snap *OpenCase
}

// OpenCase is an open case as the overdue figures need it. Open is false
// for a case that is no longer open (it leaves the set).
type OpenCase struct {
	ID         string
	Version    int
	Open       bool
	District   string
	Street     string
	Category   string
	Department string
	Due        time.Time
	OrigDue    time.Time
	Level      int
	Published  bool
	Answered   bool
}

// final reports whether an action is a final staff answer.
func final(a complaints.Action) bool {
	return a == complaints.ActionResolve || a == complaints.ActionReject || a == complaints.ActionMerge
}

// FactOf builds the fact of ev, the event of c with that sequence number
// (c.Events must hold the history up to it); sl is the category's service
// level. snap says whether to carry c's state as the open-case snapshot
// (only right when c is the state right after ev, or later).
func FactOf(c *complaints.Complaint, ev complaints.Event, sl time.Duration, snap bool) Fact {
	f := Fact{
		EventID: ev.ID, CaseID: c.ID, Seq: ev.Seq, At: ev.At.UTC(), Action: ev.Action, From: ev.From, To: ev.To,
		Department: ev.Department, PrevDepartment: ev.PrevDepartment, Rating: ev.Rating, NoticeLevel: ev.NoticeLevel,
		Category: c.Category, District: c.Place.DistrictID, Street: c.Place.StreetID, Grid: c.Place.GridID,
		FiledAt: c.FiledAt.UTC(), OrigDue: c.FiledAt.Add(sl).UTC(),
	}
	if f.Department == "" {
		f.Department = c.Department
	}
	for _, e := range c.Events {
		if e.Seq >= ev.Seq {
			break
		}
		if final(e.Action) {
			f.Answered = true
			break
		}
	}
	f.FirstAnswer = final(ev.Action) && !f.Answered
	if snap {
		f.Snap = SnapshotOf(c, sl)
	}
	return f
}

// SnapshotOf is the open-case entry of c.
func SnapshotOf(c *complaints.Complaint, sl time.Duration) *OpenCase {
	answered := false
	for _, e := range c.Events {
		if final(e.Action) {
			answered = true
			break
		}
	}
	return &OpenCase{ID: c.ID, Version: c.Version, Open: c.Status.Open(), District: c.Place.DistrictID,
		Street: c.Place.StreetID, Category: c.Category, Department: c.Department, Due: c.DueAt.UTC(),
		OrigDue: c.FiledAt.Add(sl).UTC(), Level: c.NoticeLevel, Published: c.Published, Answered: answered}
}

// Key is one cell of a day: where and whose.
type Key struct {
	District, Street, Category, Department string
}

// GridKey counts filings per grid (with category and department, so the
// top-grid list honours the same filters).
type GridKey struct {
	Grid, Category, Department string
}

// NumBuckets is the time-to-close histogram's length: 23 edges plus the
// open end.
const NumBuckets = 24

// Buckets are the upper edges of the time-to-close histogram: 15 minutes
// times 1.5^i, i = 0..22 (about 117 days); the last bucket is open-ended.
var Buckets = func() []time.Duration {
	out := make([]time.Duration, NumBuckets-1)
	for i := range out {
		out[i] = time.Duration(float64(15*time.Minute) * math.Pow(1.5, float64(i)))
	}
	return out
}()

// statusIndex maps a status to its slot in Cell.Status (-1 if unknown).
func statusIndex(s complaints.Status) int {
	for i, v := range complaints.Statuses {
		if v == s {
			return i
		}
	}
	return -1
}

// NumStatuses is the length of Cell.Status.
const NumStatuses = 7

// StatusCount returns the cohort count of a status.
func (c *Cell) StatusCount(s complaints.Status) int64 {
	if i := statusIndex(s); i >= 0 {
		return c.Status[i]
	}
	return 0
}

// BucketOf returns the histogram bucket of a duration.
func BucketOf(d time.Duration) int {
	for i, e := range Buckets {
		if d <= e {
			return i
		}
	}
	return len(Buckets)
}

// Cell holds one cell's counters. Flow counters count events of the day;
// Status counts the current status of the cases filed that day (cohort);
// Due and OnTime count cases whose service-level due time falls on the day
// and how many of them got their first final answer by then (a case merged
// into another before any answer leaves Due).
type Cell struct {
	Filed       int64
	ReassignIn  int64
	ReassignOut int64
	Accepted    int64
	Resolved    int64
	Rejected    int64
	Merged      int64
	Closed      int64
	Reopened    int64
	Joins       int64
	Notice1     int64
	Notice2     int64
	Published   int64
	Ratings     int64
	RatingSum   int64
	Rating45    int64
	// CloseSeconds sums filing-to-close durations; Hist counts them.
	CloseSeconds int64
	Hist         [NumBuckets]int64
	Due          int64
	OnTime       int64
	// Status is indexed like complaints.Statuses.
	Status [NumStatuses]int64
}

func (c *Cell) clone() *Cell {
	n := *c
	return &n
}

// Zero reports whether every counter is zero.
func (c *Cell) Zero() bool {
	for _, v := range []int64{c.Filed, c.ReassignIn, c.ReassignOut, c.Accepted, c.Resolved, c.Rejected, c.Merged,
		c.Closed, c.Reopened, c.Joins, c.Notice1, c.Notice2, c.Published, c.Ratings, c.RatingSum, c.Rating45,
		c.CloseSeconds, c.Due, c.OnTime} {
		if v != 0 {
			return false
		}
	}
	return c.Hist == [NumBuckets]int64{} && c.Status == [NumStatuses]int64{}
}

// Add adds o's counters to c.
func (c *Cell) Add(o *Cell) {
	c.Filed += o.Filed
	c.ReassignIn += o.ReassignIn
	c.ReassignOut += o.ReassignOut
	c.Accepted += o.Accepted
	c.Resolved += o.Resolved
	c.Rejected += o.Rejected
	c.Merged += o.Merged
	c.Closed += o.Closed
	c.Reopened += o.Reopened
	c.Joins += o.Joins
	c.Notice1 += o.Notice1
	c.Notice2 += o.Notice2
	c.Published += o.Published
	c.Ratings += o.Ratings
	c.RatingSum += o.RatingSum
	c.Rating45 += o.Rating45
	c.CloseSeconds += o.CloseSeconds
	c.Due += o.Due
	c.OnTime += o.OnTime
	for i, v := range o.Hist {
		c.Hist[i] += v
	}
	for i, v := range o.Status {
		c.Status[i] += v
	}
}

// Day is the summary document of one city day.
type Day struct {
	Date  string
	Cells map[Key]*Cell
	Grids map[GridKey]int64
	// Applied are the ids of the events most recently folded in (at most
	// MaxApplied), oldest first.
	Applied []string
	applied map[string]bool

	// aggs caches the day's sums per filter (a published day never
	// changes; the applier works on clones).
	aggMu sync.Mutex
	aggs  map[filterKey]*dayAgg
}

// NewDay returns an empty day.
func NewDay(date string) *Day {
	return &Day{Date: date, Cells: map[Key]*Cell{}, Grids: map[GridKey]int64{}}
}

// Clone returns a deep copy (the applier changes copies, readers keep the
// published ones).
func (d *Day) Clone() *Day {
	n := &Day{Date: d.Date, Cells: make(map[Key]*Cell, len(d.Cells)), Grids: make(map[GridKey]int64, len(d.Grids)),
		Applied: slices.Clone(d.Applied)}
	for k, c := range d.Cells {
		n.Cells[k] = c.clone()
	}
	for k, v := range d.Grids {
		n.Grids[k] = v
	}
	return n
}

// Has reports whether the event was folded into this day.
func (d *Day) Has(eventID string) bool {
	if d.applied == nil {
		d.applied = make(map[string]bool, len(d.Applied))
		for _, id := range d.Applied {
			d.applied[id] = true
		}
	}
	return d.applied[eventID]
}

func (d *Day) remember(eventID string) {
	d.Has(eventID)
	d.Applied = append(d.Applied, eventID)
	d.applied[eventID] = true
	if over := len(d.Applied) - MaxApplied; over > 0 {
		for _, id := range d.Applied[:over] {
			delete(d.applied, id)
		}
		d.Applied = slices.Clone(d.Applied[over:])
	}
}

func (d *Day) cell(k Key) *Cell {
	c := d.Cells[k]
	if c == nil {
		c = &Cell{}
		d.Cells[k] = c
	}
	return c
}

// Prune drops cells and grids whose counters are all zero.
func (d *Day) Prune() {
	for k, c := range d.Cells {
		if c.Zero() {
			delete(d.Cells, k)
		}
	}
	for k, v := range d.Grids {
		if v == 0 {
			delete(d.Grids, k)
		}
	}
}

// Days returns the day keys a fact changes: the event's day (flows), the
// filing day (status cohort) and, when the due counters move, the due day.
func (f *Fact) Days() []string {
	out := []string{DayOf(f.At)}
	add := func(d string) {
		if !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	if f.From != f.To || f.Action == complaints.ActionFile {
		add(DayOf(f.FiledAt))
	}
	if f.Action == complaints.ActionFile || f.FirstAnswer || (f.Action == complaints.ActionReassign && !f.Answered) {
		add(DayOf(f.OrigDue))
	}
	return out
}

func (f *Fact) key(dept string) Key {
	return Key{District: f.District, Street: f.Street, Category: f.Category, Department: dept}
}

// Apply folds the fact into day d (one of f.Days()). It returns false and
// changes nothing when d already holds the event.
func (d *Day) Apply(f *Fact) bool {
	if d.Has(f.EventID) {
		return false
	}
	d.remember(f.EventID)
	dept := f.Department
	if d.Date == DayOf(f.At) {
		c := d.cell(f.key(dept))
		switch f.Action {
		case complaints.ActionFile:
			c.Filed++
			d.Grids[GridKey{Grid: f.Grid, Category: f.Category, Department: dept}]++
		case complaints.ActionAccept:
			c.Accepted++
		case complaints.ActionResolve:
			c.Resolved++
		case complaints.ActionReject:
			c.Rejected++
		case complaints.ActionMerge:
			c.Merged++
		case complaints.ActionReassign:
			c.ReassignIn++
			d.cell(f.key(f.PrevDepartment)).ReassignOut++
		case complaints.ActionJoin:
			c.Joins++
		case complaints.ActionReopen:
			c.Reopened++
		case complaints.ActionNotice:
			if f.NoticeLevel >= 2 {
				c.Notice2++
			} else {
				c.Notice1++
			}
		case complaints.ActionPublish:
			c.Published++
		}
		if f.To == complaints.StatusClosed && f.From != complaints.StatusClosed {
			c.Closed++
			dur := f.At.Sub(f.FiledAt)
			if dur < 0 {
				dur = 0
			}
			c.CloseSeconds += int64(dur / time.Second)
			c.Hist[BucketOf(dur)]++
		}
		if f.Rating > 0 {
			c.Ratings++
			c.RatingSum += int64(f.Rating)
			if f.Rating >= 4 {
				c.Rating45++
			}
		}
	}
	if d.Date == DayOf(f.FiledAt) {
		switch {
		case f.Action == complaints.ActionFile:
			bump(d.cell(f.key(dept)), f.To, 1)
		case f.Action == complaints.ActionReassign:
			bump(d.cell(f.key(f.PrevDepartment)), f.From, -1)
			bump(d.cell(f.key(dept)), f.To, 1)
		case f.From != f.To:
			bump(d.cell(f.key(dept)), f.From, -1)
			bump(d.cell(f.key(dept)), f.To, 1)
		}
	}
	if d.Date == DayOf(f.OrigDue) {
		switch {
		case f.Action == complaints.ActionFile:
			d.cell(f.key(dept)).Due++
		case f.Action == complaints.ActionReassign && !f.Answered:
			d.cell(f.key(f.PrevDepartment)).Due--
			d.cell(f.key(dept)).Due++
		case f.FirstAnswer && f.Action == complaints.ActionMerge:
			// A duplicate is answered by the case it was merged into,
			// which keeps its own due time: merging is no answer in time
			// (issue 15 row 4), so the duplicate leaves the figures.
			d.cell(f.key(dept)).Due--
		case f.FirstAnswer && !f.At.After(f.OrigDue):
			d.cell(f.key(dept)).OnTime++
		}
	}
	return true
}

func bump(c *Cell, s complaints.Status, n int64) {
	if i := statusIndex(s); i >= 0 {
		c.Status[i] += n
	}
}

// OpenSet is the open cases of one department.
type OpenSet struct {
	Department string
	Cases      map[string]OpenCase
}

// NewOpenSet returns an empty set.
func NewOpenSet(dept string) *OpenSet {
	return &OpenSet{Department: dept, Cases: map[string]OpenCase{}}
}

// Clone returns a copy.
func (o *OpenSet) Clone() *OpenSet {
	n := &OpenSet{Department: o.Department, Cases: make(map[string]OpenCase, len(o.Cases))}
	for k, v := range o.Cases {
		n.Cases[k] = v
	}
	return n
}

// SortedKeys returns the map's keys in order (stable output).
func SortedKeys[K ~string, V any](m map[K]V) []K {
	out := make([]K, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// SortKeys orders cell keys (stable documents and output).
func SortKeys(keys []Key) {
	slices.SortFunc(keys, func(a, b Key) int {
		return strings.Compare(a.District+"|"+a.Street+"|"+a.Category+"|"+a.Department,
			b.District+"|"+b.Street+"|"+b.Category+"|"+b.Department)
	})
}

// SortGridKeys orders grid keys.
func SortGridKeys(keys []GridKey) {
	slices.SortFunc(keys, func(a, b GridKey) int {
		return strings.Compare(a.Grid+"|"+a.Category+"|"+a.Department, b.Grid+"|"+b.Category+"|"+b.Department)
	})
}
