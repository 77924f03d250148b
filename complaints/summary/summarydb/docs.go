package summarydb

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"cleancity/complaints"
	"cleancity/complaints/summary"
)

// The bson shapes, joined to the domain types by the converters below.

// packedFormat is the current format of day and open-set documents: their
// many small records are one JSON string (packed) instead of arrays of
// objects. FerretDB v1 stores a type schema beside every value, which made
// the unpacked form (format 1, still read) about 3.5 times the data: a
// busy day was 430 KB and took about 70 ms to read, so loading a year of
// days at a million cases took 26 s. Packed, a day is about a quarter of
// that. MongoDB users see readable JSON in the string.
const packedFormat = 2

type dayDoc struct {
	Date   string `bson:"_id"`
	Format int    `bson:"fmt,omitempty"`
	// Packed is the JSON of packedDay (format 2).
	Packed string `bson:"packed,omitempty"`
	// AppliedIDs are the remembered event ids, space-separated (format 2).
	AppliedIDs string `bson:"applied_ids,omitempty"`

	// Format 1, read only.
	Cells   []cellDoc `bson:"cells,omitempty"`
	Grids   []gridDoc `bson:"grids,omitempty"`
	Applied []string  `bson:"applied,omitempty"`
}

type packedDay struct {
	Cells []cellDoc `json:"cells"`
	Grids []gridDoc `json:"grids,omitempty"`
}

type cellDoc struct {
	District     string           `bson:"d" json:"d"`
	Street       string           `bson:"s" json:"s"`
	Category     string           `bson:"c" json:"c"`
	Department   string           `bson:"p" json:"p"`
	Filed        int64            `bson:"filed,omitempty" json:"filed,omitempty"`
	ReassignIn   int64            `bson:"rin,omitempty" json:"rin,omitempty"`
	ReassignOut  int64            `bson:"rout,omitempty" json:"rout,omitempty"`
	Accepted     int64            `bson:"acc,omitempty" json:"acc,omitempty"`
	Resolved     int64            `bson:"res,omitempty" json:"res,omitempty"`
	Rejected     int64            `bson:"rej,omitempty" json:"rej,omitempty"`
	Merged       int64            `bson:"mrg,omitempty" json:"mrg,omitempty"`
	Closed       int64            `bson:"cls,omitempty" json:"cls,omitempty"`
	Reopened     int64            `bson:"reo,omitempty" json:"reo,omitempty"`
	Joins        int64            `bson:"join,omitempty" json:"join,omitempty"`
	Notice1      int64            `bson:"n1,omitempty" json:"n1,omitempty"`
	Notice2      int64            `bson:"n2,omitempty" json:"n2,omitempty"`
	Published    int64            `bson:"pub,omitempty" json:"pub,omitempty"`
	Ratings      int64            `bson:"rc,omitempty" json:"rc,omitempty"`
	RatingSum    int64            `bson:"rsum,omitempty" json:"rsum,omitempty"`
	Rating45     int64            `bson:"r45,omitempty" json:"r45,omitempty"`
	CloseSeconds int64            `bson:"csec,omitempty" json:"csec,omitempty"`
	Hist         []int64          `bson:"hist,omitempty" json:"hist,omitempty"`
	Due          int64            `bson:"due,omitempty" json:"due,omitempty"`
	OnTime       int64            `bson:"ot,omitempty" json:"ot,omitempty"`
	Status       map[string]int64 `bson:"st,omitempty" json:"st,omitempty"`
}

type gridDoc struct {
	Grid       string `bson:"g" json:"g"`
	Category   string `bson:"c" json:"c"`
	Department string `bson:"p" json:"p"`
	N          int64  `bson:"n" json:"n"`
}

type openDoc struct {
	Department string `bson:"_id"`
	Format     int    `bson:"fmt,omitempty"`
	// Packed is the JSON array of the cases (format 2).
	Packed string `bson:"packed,omitempty"`
	// Format 1, read only.
	Cases []openCaseDoc `bson:"cases,omitempty"`
}

type openCaseDoc struct {
	ID         string    `bson:"id" json:"id"`
	Version    int       `bson:"v" json:"v"`
	District   string    `bson:"d" json:"d"`
	Street     string    `bson:"s" json:"s"`
	Category   string    `bson:"c" json:"c"`
	Department string    `bson:"p" json:"p"`
	Due        time.Time `bson:"due" json:"due"`
	OrigDue    time.Time `bson:"od" json:"od"`
	Level      int       `bson:"lv,omitempty" json:"lv,omitempty"`
	Published  bool      `bson:"pub,omitempty" json:"pub,omitempty"`
	Answered   bool      `bson:"ans,omitempty" json:"ans,omitempty"`
}

type headDoc struct {
	ID        string           `bson:"_id"`
	Rev       int64            `bson:"rev"`
	Docs      map[string]int64 `bson:"docs"`
	Watermark time.Time        `bson:"watermark"`
}

type factDoc struct {
	EventID        string       `bson:"_id"`
	CaseID         string       `bson:"case_id"`
	Seq            int          `bson:"seq"`
	At             time.Time    `bson:"at"`
	Action         string       `bson:"action"`
	From           string       `bson:"from,omitempty"`
	To             string       `bson:"to,omitempty"`
	Department     string       `bson:"department"`
	PrevDepartment string       `bson:"prev_department,omitempty"`
	Rating         int          `bson:"rating,omitempty"`
	NoticeLevel    int          `bson:"notice_level,omitempty"`
	Category       string       `bson:"category"`
	District       string       `bson:"district"`
	Street         string       `bson:"street"`
	Grid           string       `bson:"grid,omitempty"`
	FiledAt        time.Time    `bson:"filed_at"`
	OrigDue        time.Time    `bson:"orig_due"`
	FirstAnswer    bool         `bson:"first_answer,omitempty"`
	Answered       bool         `bson:"answered,omitempty"`
	Snap           *openCaseDoc `bson:"snap,omitempty"`
	Open           bool         `bson:"open,omitempty"`
}

// caseDoc is the part of the complaint store's document a rebuild reads.
type caseDoc struct {
	ID          string     `bson:"_id"`
	Category    string     `bson:"category"`
	GridID      string     `bson:"grid_id"`
	StreetID    string     `bson:"street_id"`
	DistrictID  string     `bson:"district_id"`
	Department  string     `bson:"department"`
	Status      string     `bson:"status"`
	Version     int        `bson:"version"`
	FiledAt     time.Time  `bson:"filed_at"`
	DueAt       time.Time  `bson:"due_at"`
	NoticeLevel int        `bson:"notice_level"`
	Published   bool       `bson:"published"`
	Events      []eventDoc `bson:"events"`
}

type eventDoc struct {
	ID             string    `bson:"_id"`
	Seq            int       `bson:"seq"`
	At             time.Time `bson:"at"`
	Action         string    `bson:"action"`
	From           string    `bson:"from"`
	To             string    `bson:"to"`
	Department     string    `bson:"department"`
	PrevDepartment string    `bson:"prev_department"`
	NoticeLevel    int       `bson:"notice_level"`
	Rating         int       `bson:"rating"`
}

func toCellDoc(k summary.Key, c *summary.Cell) cellDoc {
	d := cellDoc{District: k.District, Street: k.Street, Category: k.Category, Department: k.Department,
		Filed: c.Filed, ReassignIn: c.ReassignIn, ReassignOut: c.ReassignOut, Accepted: c.Accepted,
		Resolved: c.Resolved, Rejected: c.Rejected, Merged: c.Merged, Closed: c.Closed, Reopened: c.Reopened,
		Joins: c.Joins, Notice1: c.Notice1, Notice2: c.Notice2, Published: c.Published, Ratings: c.Ratings,
		RatingSum: c.RatingSum, Rating45: c.Rating45, CloseSeconds: c.CloseSeconds, Due: c.Due, OnTime: c.OnTime}
	if c.Hist != [summary.NumBuckets]int64{} {
		d.Hist = c.Hist[:]
	}
	for i, n := range c.Status {
		if n != 0 {
			if d.Status == nil {
				d.Status = map[string]int64{}
			}
			d.Status[string(complaints.Statuses[i])] = n
		}
	}
	return d
}

func toCell(d *cellDoc) (summary.Key, *summary.Cell) {
	c := &summary.Cell{Filed: d.Filed, ReassignIn: d.ReassignIn, ReassignOut: d.ReassignOut, Accepted: d.Accepted,
		Resolved: d.Resolved, Rejected: d.Rejected, Merged: d.Merged, Closed: d.Closed, Reopened: d.Reopened,
		Joins: d.Joins, Notice1: d.Notice1, Notice2: d.Notice2, Published: d.Published, Ratings: d.Ratings,
		RatingSum: d.RatingSum, Rating45: d.Rating45, CloseSeconds: d.CloseSeconds, Due: d.Due, OnTime: d.OnTime}
	copy(c.Hist[:], d.Hist)
	for s, n := range d.Status {
		for i, v := range complaints.Statuses {
			if string(v) == s {
				c.Status[i] = n
			}
		}
	}
	return summary.Key{District: d.District, Street: d.Street, Category: d.Category, Department: d.Department}, c
}

func toDayDoc(d *summary.Day) (dayDoc, error) {
	var p packedDay
	p.Cells = make([]cellDoc, 0, len(d.Cells))
	keys := make([]summary.Key, 0, len(d.Cells))
	for k := range d.Cells {
		keys = append(keys, k)
	}
	summary.SortKeys(keys)
	for _, k := range keys {
		p.Cells = append(p.Cells, toCellDoc(k, d.Cells[k]))
	}
	gks := make([]summary.GridKey, 0, len(d.Grids))
	for k := range d.Grids {
		gks = append(gks, k)
	}
	summary.SortGridKeys(gks)
	for _, k := range gks {
		p.Grids = append(p.Grids, gridDoc{Grid: k.Grid, Category: k.Category, Department: k.Department, N: d.Grids[k]})
	}
	b, err := json.Marshal(p)
	if err != nil {
		return dayDoc{}, fmt.Errorf("pack day %s: %w", d.Date, err)
	}
	// Event ids are "<case>/<seq>": no spaces.
	return dayDoc{Date: d.Date, Format: packedFormat, Packed: string(b), AppliedIDs: strings.Join(d.Applied, " ")}, nil
}

func toDay(doc *dayDoc) (*summary.Day, error) {
	cells, grids, applied := doc.Cells, doc.Grids, doc.Applied
	if doc.Format >= packedFormat {
		var p packedDay
		if err := json.Unmarshal([]byte(doc.Packed), &p); err != nil {
			return nil, fmt.Errorf("unpack day %s: %w", doc.Date, err)
		}
		cells, grids, applied = p.Cells, p.Grids, nil
		if doc.AppliedIDs != "" {
			applied = strings.Split(doc.AppliedIDs, " ")
		}
	}
	d := summary.NewDay(doc.Date)
	for i := range cells {
		k, c := toCell(&cells[i])
		d.Cells[k] = c
	}
	for _, g := range grids {
		d.Grids[summary.GridKey{Grid: g.Grid, Category: g.Category, Department: g.Department}] = g.N
	}
	d.Applied = applied
	return d, nil
}

func toOpenCaseDoc(c *summary.OpenCase) openCaseDoc {
	return openCaseDoc{ID: c.ID, Version: c.Version, District: c.District, Street: c.Street, Category: c.Category,
		Department: c.Department, Due: c.Due.UTC(), OrigDue: c.OrigDue.UTC(), Level: c.Level, Published: c.Published,
		Answered: c.Answered}
}

func toOpenCase(d *openCaseDoc, open bool) summary.OpenCase {
	return summary.OpenCase{ID: d.ID, Version: d.Version, Open: open, District: d.District, Street: d.Street,
		Category: d.Category, Department: d.Department, Due: d.Due.UTC(), OrigDue: d.OrigDue.UTC(), Level: d.Level,
		Published: d.Published, Answered: d.Answered}
}

func toOpenDoc(o *summary.OpenSet) (openDoc, error) {
	cases := make([]openCaseDoc, 0, len(o.Cases))
	for _, id := range summary.SortedKeys(o.Cases) {
		c := o.Cases[id]
		cases = append(cases, toOpenCaseDoc(&c))
	}
	b, err := json.Marshal(cases)
	if err != nil {
		return openDoc{}, fmt.Errorf("pack open set %s: %w", o.Department, err)
	}
	return openDoc{Department: o.Department, Format: packedFormat, Packed: string(b)}, nil
}

func toOpenSet(d *openDoc) (*summary.OpenSet, error) {
	cases := d.Cases
	if d.Format >= packedFormat {
		cases = nil
		if err := json.Unmarshal([]byte(d.Packed), &cases); err != nil {
			return nil, fmt.Errorf("unpack open set %s: %w", d.Department, err)
		}
	}
	o := summary.NewOpenSet(d.Department)
	for i := range cases {
		o.Cases[cases[i].ID] = toOpenCase(&cases[i], true)
	}
	return o, nil
}

func toHeadDoc(h summary.Head) headDoc {
	return headDoc{ID: headID, Rev: h.Rev, Docs: h.Docs, Watermark: h.Watermark.UTC()}
}

func toHead(d *headDoc) summary.Head {
	h := summary.Head{Rev: d.Rev, Docs: d.Docs, Watermark: d.Watermark.UTC()}
	if h.Docs == nil {
		h.Docs = map[string]int64{}
	}
	return h
}

func toFactDoc(f *summary.Fact) factDoc {
	d := factDoc{EventID: f.EventID, CaseID: f.CaseID, Seq: f.Seq, At: f.At.UTC(), Action: string(f.Action),
		From: string(f.From), To: string(f.To), Department: f.Department, PrevDepartment: f.PrevDepartment,
		Rating: f.Rating, NoticeLevel: f.NoticeLevel, Category: f.Category, District: f.District, Street: f.Street,
		Grid: f.Grid, FiledAt: f.FiledAt.UTC(), OrigDue: f.OrigDue.UTC(), FirstAnswer: f.FirstAnswer, Answered: f.Answered}
	if f.Snap != nil {
		s := toOpenCaseDoc(f.Snap)
		d.Snap, d.Open = &s, f.Snap.Open
	}
	return d
}

func toFact(d *factDoc) summary.Fact {
	f := summary.Fact{EventID: d.EventID, CaseID: d.CaseID, Seq: d.Seq, At: d.At.UTC(), Action: complaints.Action(d.Action),
		From: complaints.Status(d.From), To: complaints.Status(d.To), Department: d.Department, PrevDepartment: d.PrevDepartment,
		Rating: d.Rating, NoticeLevel: d.NoticeLevel, Category: d.Category, District: d.District, Street: d.Street,
		Grid: d.Grid, FiledAt: d.FiledAt.UTC(), OrigDue: d.OrigDue.UTC(), FirstAnswer: d.FirstAnswer, Answered: d.Answered}
	if d.Snap != nil {
		s := toOpenCase(d.Snap, d.Open)
		f.Snap = &s
	}
	return f
}

// toComplaint rebuilds the parts of a complaint the summaries read.
func toComplaint(d *caseDoc) *complaints.Complaint {
	c := &complaints.Complaint{ID: d.ID, Category: d.Category, Department: d.Department,
		Place:  complaints.Place{GridID: d.GridID, StreetID: d.StreetID, DistrictID: d.DistrictID},
		Status: complaints.Status(d.Status), Version: d.Version, FiledAt: d.FiledAt.UTC(), DueAt: d.DueAt.UTC(),
		NoticeLevel: d.NoticeLevel, Published: d.Published}
	c.Events = make([]complaints.Event, 0, len(d.Events))
	for _, e := range d.Events {
		c.Events = append(c.Events, complaints.Event{ID: e.ID, CaseID: d.ID, Seq: e.Seq, At: e.At.UTC(),
			Action: complaints.Action(e.Action), From: complaints.Status(e.From), To: complaints.Status(e.To),
			Department: e.Department, PrevDepartment: e.PrevDepartment, NoticeLevel: e.NoticeLevel, Rating: e.Rating,
			Category: d.Category, DistrictID: d.DistrictID})
	}
	return c
}
