package summary

import (
	"slices"
	"sort"
	"time"

	"cleancity/complaints"
)

// Query selects the cases the figures cover. From and To are city days
// (inclusive); empty filters match everything.
type Query struct {
	From, To   string
	District   string
	Category   string
	Department string
	// Now judges overdue and not-yet-due cases.
	Now time.Time
	// MinCases is the volume a department needs to be ranked (league).
	MinCases int
	// TopGrids is the length of the top-grid list.
	TopGrids int
}

func (q *Query) match(district, category, dept string) bool {
	return (q.District == "" || q.District == district) && (q.Category == "" || q.Category == category) &&
		(q.Department == "" || q.Department == dept)
}

// Count is a labelled number.
type Count struct {
	Key   string
	Count int64
}

// Breakdown is one row of a by-X table.
type Breakdown struct {
	Key      string
	Filed    int64
	Resolved int64
	Closed   int64
}

// Rate is a share with its numerator and denominator (Rate is 0 when the
// denominator is).
type Rate struct {
	Num, Den int64
	Rate     float64
}

func rate(num, den int64) Rate {
	r := Rate{Num: num, Den: den}
	if den > 0 {
		r.Rate = float64(num) / float64(den)
	}
	return r
}

// CloseTimes summarises filing-to-close durations of the cases closed in
// the period. Median and P90 are interpolated linearly inside the
// histogram's log-spaced buckets (so they are estimates within a bucket
// whose width is half its lower edge); Mean is exact.
type CloseTimes struct {
	Closed int64
	Mean   time.Duration
	Median time.Duration
	P90    time.Duration
}

// Quantile returns the bucket-interpolated q-quantile of a histogram.
func Quantile(hist []int64, q float64) time.Duration {
	var total int64
	for _, v := range hist {
		total += v
	}
	if total == 0 {
		return 0
	}
	target := q * float64(total)
	var cum float64
	for i, v := range hist {
		if v == 0 {
			continue
		}
		if cum+float64(v) >= target {
			lo := time.Duration(0)
			if i > 0 {
				lo = Buckets[i-1]
			}
			if i >= len(Buckets) {
				return lo
			}
			hi := Buckets[i]
			frac := (target - cum) / float64(v)
			return lo + time.Duration(frac*float64(hi-lo))
		}
		cum += float64(v)
	}
	return Buckets[len(Buckets)-1]
}

func closeTimes(c *Cell) CloseTimes {
	ct := CloseTimes{Closed: c.Closed}
	if c.Closed > 0 {
		ct.Mean = time.Duration(c.CloseSeconds/c.Closed) * time.Second
		ct.Median = Quantile(c.Hist[:], 0.5)
		ct.P90 = Quantile(c.Hist[:], 0.9)
	}
	return ct
}

// Overdue counts open cases past their due time, per supervision stage.
type Overdue struct {
	Department string
	// Level0, Level1, Level2: notice level, not yet published; Published:
	// on the public list.
	Level0, Level1, Level2, Published int64
	Total                             int64
}

func (o *Overdue) add(c OpenCase) {
	switch {
	case c.Published:
		o.Published++
	case c.Level >= 2:
		o.Level2++
	case c.Level == 1:
		o.Level1++
	default:
		o.Level0++
	}
	o.Total++
}

// Ratings summarises the reporters' ratings of handling.
type Ratings struct {
	Count   int64
	Mean    float64
	Share45 float64
}

func ratings(c *Cell) Ratings {
	r := Ratings{Count: c.Ratings}
	if c.Ratings > 0 {
		r.Mean = float64(c.RatingSum) / float64(c.Ratings)
		r.Share45 = float64(c.Rating45) / float64(c.Ratings)
	}
	return r
}

// Figures are the complaint dashboard's numbers.
type Figures struct {
	Filed int64
	// ByStatus is the current status of the cases filed in the period.
	ByStatus map[complaints.Status]int64
	PerDay   []Count
	// PerWeek is keyed by the Monday of each week.
	PerWeek      []Count
	ByCategory   []Breakdown
	ByDistrict   []Breakdown
	ByStreet     []Breakdown
	ByDepartment []Breakdown
	// OnTime: of the cases due in the period whose outcome is known (first
	// answer given, or due time passed), how many got their first final
	// answer (resolve, reject, merge) by the due time.
	OnTime     Rate
	CloseTimes CloseTimes
	// Overdue is now, not over the period.
	Overdue      []Overdue
	OverdueTotal Overdue
	// Reopen: reopenings over resolutions in the period.
	Reopen    Rate
	Ratings   Ratings
	Joins     int64
	Notices1  int64
	Notices2  int64
	Published int64
	TopGrids  []Count
}

// Source is what figures are computed from: the days of the period and
// the open-case sets.
type Source interface {
	// Day returns a day's summary or nil.
	Day(date string) *Day
	// OpenSets returns every department's open cases.
	OpenSets() []*OpenSet
}

// Dates lists the days from..to inclusive (at most 3,700).
func Dates(from, to string) []string {
	a, err1 := time.ParseInLocation(DateLayout, from, Zone)
	b, err2 := time.ParseInLocation(DateLayout, to, Zone)
	if err1 != nil || err2 != nil || b.Before(a) {
		return nil
	}
	var out []string
	for d := a; !d.After(b) && len(out) < 3700; d = d.AddDate(0, 0, 1) {
		out = append(out, d.Format(DateLayout))
	}
	return out
}

// weekOf returns the Monday of a day's week.
func weekOf(date string) string {
	t, _ := time.ParseInLocation(DateLayout, date, Zone)
	wd := (int(t.Weekday()) + 6) % 7
	return t.AddDate(0, 0, -wd).Format(DateLayout)
}

func breakdowns(m map[string]*Cell) []Breakdown {
	out := make([]Breakdown, 0, len(m))
	for _, k := range SortedKeys(m) {
		c := m[k]
		out = append(out, Breakdown{Key: k, Filed: c.Filed, Resolved: c.Resolved, Closed: c.Closed})
	}
	return out
}

// pendingFuture counts unanswered open cases in the query whose
// service-level due time falls in the period but is still ahead.
func pendingFuture(src Source, q *Query, byDept map[string]int64) int64 {
	var n int64
	for _, set := range src.OpenSets() {
		for _, c := range set.Cases {
			if c.Answered || !c.OrigDue.After(q.Now) || !q.match(c.District, c.Category, c.Department) {
				continue
			}
			if d := DayOf(c.OrigDue); d < q.From || d > q.To {
				continue
			}
			n++
			if byDept != nil {
				byDept[c.Department]++
			}
		}
	}
	return n
}

type filterKey struct{ district, category, department string }

// dayAgg is one day's sums under one filter.
type dayAgg struct {
	total                   Cell
	byCat, byDist, byStreet map[string]*Cell
	byDept                  map[string]*Cell
	grids                   map[string]int64
}

// maxAggs bounds the cached filters per day.
const maxAggs = 32

func addTo(m map[string]*Cell, k string, c *Cell) {
	t := m[k]
	if t == nil {
		t = &Cell{}
		m[k] = t
	}
	t.Add(c)
}

// agg returns the day's sums under the query's filters, computing them
// once per filter.
func (d *Day) agg(q *Query) *dayAgg {
	fk := filterKey{q.District, q.Category, q.Department}
	d.aggMu.Lock()
	defer d.aggMu.Unlock()
	if a := d.aggs[fk]; a != nil {
		return a
	}
	a := &dayAgg{byCat: map[string]*Cell{}, byDist: map[string]*Cell{}, byStreet: map[string]*Cell{},
		byDept: map[string]*Cell{}, grids: map[string]int64{}}
	for k, c := range d.Cells {
		if !q.match(k.District, k.Category, k.Department) {
			continue
		}
		a.total.Add(c)
		addTo(a.byCat, k.Category, c)
		addTo(a.byDist, k.District, c)
		addTo(a.byStreet, k.Street, c)
		addTo(a.byDept, k.Department, c)
	}
	for k, n := range d.Grids {
		if q.match(districtOfGrid(k.Grid), k.Category, k.Department) {
			a.grids[k.Grid] += n
		}
	}
	if d.aggs == nil || len(d.aggs) >= maxAggs {
		d.aggs = map[filterKey]*dayAgg{}
	}
	d.aggs[fk] = a
	return a
}

// Compute returns the figures of the query.
func Compute(src Source, q Query) *Figures {
	f := &Figures{ByStatus: map[complaints.Status]int64{}}
	total := &Cell{}
	byCat, byDist, byStreet, byDept := map[string]*Cell{}, map[string]*Cell{}, map[string]*Cell{}, map[string]*Cell{}
	add := func(m map[string]*Cell, k string, c *Cell) {
		t := m[k]
		if t == nil {
			t = &Cell{}
			m[k] = t
		}
		t.Filed += c.Filed
		t.Resolved += c.Resolved
		t.Closed += c.Closed
	}
	weeks := map[string]int64{}
	grids := map[string]int64{}
	for _, date := range Dates(q.From, q.To) {
		var filed int64
		if d := src.Day(date); d != nil {
			a := d.agg(&q)
			total.Add(&a.total)
			filed = a.total.Filed
			for k, c := range a.byCat {
				add(byCat, k, c)
			}
			for k, c := range a.byDist {
				add(byDist, k, c)
			}
			for k, c := range a.byStreet {
				add(byStreet, k, c)
			}
			for k, c := range a.byDept {
				add(byDept, k, c)
			}
			for k, n := range a.grids {
				grids[k] += n
			}
		}
		f.PerDay = append(f.PerDay, Count{Key: date, Count: filed})
		weeks[weekOf(date)] += filed
	}
	for _, w := range SortedKeys(weeks) {
		f.PerWeek = append(f.PerWeek, Count{Key: w, Count: weeks[w]})
	}
	f.Filed = total.Filed
	for _, s := range complaints.Statuses {
		f.ByStatus[s] = total.StatusCount(s)
	}
	f.ByCategory, f.ByDistrict, f.ByStreet, f.ByDepartment = breakdowns(byCat), breakdowns(byDist), breakdowns(byStreet), breakdowns(byDept)
	f.OnTime = rate(total.OnTime, total.Due-pendingFuture(src, &q, nil))
	f.CloseTimes = closeTimes(total)
	f.Reopen = rate(total.Reopened, total.Resolved)
	f.Ratings = ratings(total)
	f.Joins, f.Notices1, f.Notices2, f.Published = total.Joins, total.Notice1, total.Notice2, total.Published
	f.Overdue, f.OverdueTotal = overdue(src, &q)
	for _, g := range SortedKeys(grids) {
		f.TopGrids = append(f.TopGrids, Count{Key: g, Count: grids[g]})
	}
	sort.SliceStable(f.TopGrids, func(i, j int) bool { return f.TopGrids[i].Count > f.TopGrids[j].Count })
	n := q.TopGrids
	if n <= 0 {
		n = 10
	}
	if len(f.TopGrids) > n {
		f.TopGrids = f.TopGrids[:n]
	}
	return f
}

// districtOfGrid reads the district from a grid id ("D01-S02-C03-G1").
func districtOfGrid(id string) string {
	for i := 0; i < len(id); i++ {
		if id[i] == '-' {
			return id[:i]
		}
	}
	return id
}

func overdue(src Source, q *Query) ([]Overdue, Overdue) {
	by := map[string]*Overdue{}
	total := Overdue{}
	for _, set := range src.OpenSets() {
		for _, c := range set.Cases {
			if !c.Open || c.Due.IsZero() || !q.Now.After(c.Due) || !q.match(c.District, c.Category, c.Department) {
				continue
			}
			o := by[c.Department]
			if o == nil {
				o = &Overdue{Department: c.Department}
				by[c.Department] = o
			}
			o.add(c)
			total.add(c)
		}
	}
	out := make([]Overdue, 0, len(by))
	for _, k := range SortedKeys(by) {
		out = append(out, *by[k])
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Total > out[j].Total })
	return out, total
}

// LeagueRow is one department in the league table.
type LeagueRow struct {
	Department string
	// Volume is the cases the department received in the period (filed
	// to it or reassigned to it).
	Volume     int64
	Resolved   int64
	OnTime     Rate
	CloseTimes CloseTimes
	Notices1   int64
	Notices2   int64
	// Penalty weighs notices: level 1 counts 1, level 2 counts 2.
	Penalty int64
	Ratings Ratings
	// Rank is 1-based among departments with at least MinCases; 0 = not
	// ranked.
	Rank int
}

// DefaultMinCases is the volume a department needs to be ranked.
const DefaultMinCases = 20

// League returns the department league table of the query: ranked by
// on-time rate (higher first), then median time to close (shorter first),
// then volume; departments under the minimum volume follow unranked.
func League(src Source, q Query) []LeagueRow {
	if q.MinCases <= 0 {
		q.MinCases = DefaultMinCases
	}
	cells := map[string]*Cell{}
	for _, date := range Dates(q.From, q.To) {
		d := src.Day(date)
		if d == nil {
			continue
		}
		for k, c := range d.agg(&q).byDept {
			addTo(cells, k, c)
		}
	}
	pending := map[string]int64{}
	pendingFuture(src, &q, pending)
	out := make([]LeagueRow, 0, len(cells))
	for _, dept := range SortedKeys(cells) {
		c := cells[dept]
		out = append(out, LeagueRow{Department: dept, Volume: c.Filed + c.ReassignIn, Resolved: c.Resolved,
			OnTime: rate(c.OnTime, c.Due-pending[dept]), CloseTimes: closeTimes(c), Notices1: c.Notice1,
			Notices2: c.Notice2, Penalty: c.Notice1 + 2*c.Notice2, Ratings: ratings(c)})
	}
	ranked := func(r LeagueRow) bool { return r.Volume >= int64(q.MinCases) }
	slices.SortStableFunc(out, func(a, b LeagueRow) int {
		ra, rb := ranked(a), ranked(b)
		switch {
		case ra != rb:
			if ra {
				return -1
			}
			return 1
		case a.OnTime.Rate != b.OnTime.Rate:
			if a.OnTime.Rate > b.OnTime.Rate {
				return -1
			}
			return 1
		case a.CloseTimes.Median != b.CloseTimes.Median:
			if a.CloseTimes.Closed == 0 || b.CloseTimes.Closed == 0 {
				if a.CloseTimes.Closed > 0 {
					return -1
				}
				return 1
			}
			if a.CloseTimes.Median < b.CloseTimes.Median {
				return -1
			}
			return 1
		case a.Volume != b.Volume:
			if a.Volume > b.Volume {
				return -1
			}
			return 1
		}
		return 0
	})
	for i := range out {
		if ranked(out[i]) {
			out[i].Rank = i + 1
		}
	}
	return out
}

// FiledByDistrict counts the cases filed in [from, to] per district (the
// complaints-per-residents column of the satisfaction series).
func FiledByDistrict(src Source, from, to string) map[string]int64 {
	out := map[string]int64{}
	for _, date := range Dates(from, to) {
		if d := src.Day(date); d != nil {
			for k, c := range d.agg(&Query{}).byDist {
				out[k] += c.Filed
			}
		}
	}
	return out
}
