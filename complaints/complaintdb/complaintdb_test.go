package complaintdb_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"cleancity/complaints"
	"cleancity/complaints/complaintdb"
	"cleancity/portal/store/storetest"
)

// fixture is a set of complaints chosen to sit on the edges of the filter
// rules: ties in every sort field, upper-case text, cases at the From/To
// bounds, open and closed ones due before and after now, cases filed by
// community (no point), notice levels and published flags.
func fixture(now time.Time) []*complaints.Complaint {
	statuses := complaints.Statuses
	cats := []string{"garbage", "sewage", "flyers"}
	var out []*complaints.Complaint
	for i := range 60 {
		filed := now.Add(-time.Duration(i/2) * 6 * time.Hour) // pairs share a filing time
		c := &complaints.Complaint{
			ID:          fmt.Sprintf("CC%04d", 60-i),
			Category:    cats[i%3],
			Description: []string{"小区门口垃圾没有清运", "Sewage BLOCKED near the market", "墙上小广告很多"}[i%3],
			Address:     fmt.Sprintf("建设路%d号", i),
			Place: complaints.Place{CommunityID: fmt.Sprintf("C%d", i%4), StreetID: fmt.Sprintf("S%d", i%2),
				DistrictID: fmt.Sprintf("D%d", i%2+1)},
			Department:  []string{"sanitation", "citymgmt"}[i%2],
			Status:      statuses[i%len(statuses)],
			FiledAt:     filed,
			UpdatedAt:   now.Add(-time.Duration(i%5) * time.Hour),
			DueAt:       now.Add(time.Duration(i%7-3) * 24 * time.Hour),
			NoticeLevel: i % 3,
			Published:   i%5 == 0,
			Version:     1,
		}
		if i%6 != 5 {
			c.Point = &complaints.Point{Lat: 27.85 + float64(i%4)*0.0004, Lon: 113.15 + float64(i%3)*0.0006}
		}
		if i%4 == 1 {
			c.ReporterID = "u1"
		}
		if c.Status == complaints.StatusResolved {
			c.ResolvedAt = now.Add(-time.Duration(i) * 24 * time.Hour / 4)
		}
		c.Events = []complaints.Event{{ID: complaints.EventID(c.ID, 1), CaseID: c.ID, Seq: 1, At: filed,
			Action: complaints.ActionFile, To: complaints.StatusSubmitted}}
		out = append(out, c)
	}
	return out
}

func listIDs(list []*complaints.Complaint) []string {
	out := make([]string, len(list))
	for i, c := range list {
		out[i] = c.ID
	}
	return out
}

func candidateIDs(list []complaints.Candidate) []string {
	var out []string
	for _, c := range list {
		out = append(out, fmt.Sprintf("%s@%.1f", c.ID, c.Distance))
	}
	slices.Sort(out)
	return out
}

// TestRulesHoldOnEveryStore runs one table of filters, duplicate queries
// and sweeps against the store's queries and the memory copy, and demands
// both give exactly what the domain's rules (Filter.Match and Compare,
// DuplicateQuery.Match, SweepDue) select from every stored case.
func TestRulesHoldOnEveryStore(t *testing.T) {
	ctx := context.Background()
	db := storetest.DB(t)
	now := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	st := complaintdb.New(db)
	cases := fixture(now)
	if err := st.CreateMany(ctx, cases); err != nil {
		t.Fatal(err)
	}
	if err := st.IndexDuplicates(ctx, cases); err != nil {
		t.Fatal(err)
	}
	mem, err := complaintdb.NewMemory(ctx, complaintdb.New(db))
	if err != nil {
		t.Fatal(err)
	}
	all, err := st.List(ctx, complaints.Filter{})
	if err != nil || len(all) != len(cases) {
		t.Fatalf("stored %d of %d (%v)", len(all), len(cases), err)
	}
	stores := []struct {
		name string
		s    complaints.Store
	}{{"queries", st}, {"memory", mem}}

	yes, no, one := true, false, 1
	filters := []complaints.Filter{
		{}, {Sort: "filed_at"}, {Sort: "-filed_at"}, {Sort: "due_at"}, {Sort: "-due_at"}, {Sort: "updated_at"}, {Sort: "-updated_at"},
		{Sort: "nonsense"},
		{Statuses: []complaints.Status{complaints.StatusSubmitted, complaints.StatusReopened}},
		{Category: "sewage"}, {Categories: []string{"garbage", "flyers"}}, {Category: "garbage", Categories: []string{"sewage"}},
		{DistrictID: "D1"}, {StreetID: "S1", Sort: "due_at"}, {Department: "citymgmt"}, {ReporterID: "u1"},
		{Overdue: &yes}, {Overdue: &no}, {Overdue: &yes, Department: "sanitation", Sort: "-due_at"},
		{NoticeLevel: &one}, {Published: &yes}, {Published: &no, NoticeLevel: &one},
		{From: now.Add(-48 * time.Hour)}, {To: now.Add(-48 * time.Hour)},
		{From: now.Add(-72 * time.Hour), To: now.Add(-24 * time.Hour), Sort: "filed_at"},
		{Text: "blocked"}, {Text: "BLOCKED"}, {Text: "垃圾"}, {Text: "cc005"}, {Text: "建设路1"}, {Text: "none such"},
		{Limit: 7}, {Limit: 7, Sort: "due_at"}, {Limit: 5, Sort: "updated_at", Overdue: &no},
	}
	for i, f := range filters {
		f.Now = now
		// Every page by cursor, as the lists page.
		for page := 0; page < 20; page++ {
			var want []*complaints.Complaint
			for _, c := range all {
				if f.Match(c) {
					want = append(want, c)
				}
			}
			slices.SortFunc(want, f.Compare)
			if f.Limit > 0 && len(want) > f.Limit {
				want = want[:f.Limit]
			}
			for _, s := range stores {
				got, err := s.s.List(ctx, f)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(listIDs(got), listIDs(want)) {
					t.Fatalf("filter %d %+v page %d, %s:\n got %v\nwant %v", i, f, page, s.name, listIDs(got), listIDs(want))
				}
			}
			if f.Limit == 0 || len(want) < f.Limit {
				break
			}
			field, _ := f.Order()
			last := want[len(want)-1]
			f.After = &complaints.Cursor{Value: complaints.SortValue(last, field), ID: last.ID}
		}
	}

	queries := []complaints.DuplicateQuery{
		{Category: "garbage", Radius: 100, Point: &complaints.Point{Lat: 27.8501, Lon: 113.1501}, Since: now.Add(-7 * 24 * time.Hour)},
		{Category: "sewage", Radius: 300, Point: &complaints.Point{Lat: 27.851, Lon: 113.151}, Since: now.Add(-7 * 24 * time.Hour)},
		{Category: "flyers", Radius: 50, Point: &complaints.Point{Lat: 27.8512, Lon: 113.1512}, Since: now.Add(-3 * 24 * time.Hour)},
		{Category: "sewage", CommunityID: "C1", Since: now.Add(-10 * 24 * time.Hour)},
		{Category: "flyers", CommunityID: "C0", Since: now.Add(-10 * 24 * time.Hour)},
	}
	found := 0
	for i, q := range queries {
		var want []complaints.Candidate
		for _, c := range all {
			if cand, ok := q.Match(c); ok {
				want = append(want, cand)
			}
		}
		for _, s := range stores {
			got, err := s.s.Candidates(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(candidateIDs(got), candidateIDs(want)) {
				t.Fatalf("duplicate query %d, %s:\n got %v\nwant %v", i, s.name, candidateIDs(got), candidateIDs(want))
			}
		}
		found += len(want)
	}
	if found < 5 {
		t.Fatalf("the duplicate queries found only %d candidates: the comparison proves little", found)
	}

	for _, at := range []time.Time{now, now.Add(5 * 24 * time.Hour)} {
		resolvedBefore := at.Add(-complaints.AutoCloseAfter)
		var want []string
		for _, c := range all {
			if complaints.SweepDue(c, at, resolvedBefore) {
				want = append(want, c.ID)
			}
		}
		slices.Sort(want)
		for _, s := range stores {
			got, err := s.s.SweepCandidates(ctx, at, resolvedBefore)
			if err != nil || !slices.Equal(got, want) {
				t.Fatalf("sweep at %v, %s: got %v (%v), want %v", at, s.name, got, err, want)
			}
		}
		if len(want) == 0 {
			t.Fatalf("no sweep candidates at %v", at)
		}
	}
}
