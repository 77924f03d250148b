package summarydb

import (
	"context"
	"reflect"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"cleancity/complaints/summary"
	"cleancity/portal/store/storetest"
)

func sampleDay(date string, salt int64) *summary.Day {
	d := summary.NewDay(date)
	k1 := summary.Key{District: "D01", Street: "D01-S01", Category: "garbage", Department: "sanitation"}
	k2 := summary.Key{District: "D02", Street: "D02-S03", Category: "pests", Department: "aiweiban"}
	c1 := &summary.Cell{Filed: 12 + salt, Accepted: 9, Resolved: 7, Closed: 5, Ratings: 4, RatingSum: 17, Rating45: 3,
		CloseSeconds: 86400 + salt, Due: 6, OnTime: 4, Notice1: 1}
	c1.Hist[0], c1.Hist[5] = 2, 3+salt
	c1.Status[1] = 4
	c2 := &summary.Cell{Filed: 1, Joins: 2, Notice2: 1, Published: 1, ReassignIn: 1, ReassignOut: 1, Rejected: 1, Merged: 1, Reopened: 1}
	d.Cells[k1], d.Cells[k2] = c1, c2
	d.Grids[summary.GridKey{Grid: "D01-S01-C01-G1", Category: "garbage", Department: "sanitation"}] = 7 + salt
	d.Grids[summary.GridKey{Grid: "D02-S03-C02-G2", Category: "pests", Department: "aiweiban"}] = 1
	d.Applied = []string{"c1/1", "c1/2", "c2/1"}
	return d
}

func sampleSet(dept string) *summary.OpenSet {
	o := summary.NewOpenSet(dept)
	due := time.Date(2026, 3, 14, 6, 0, 0, 0, time.UTC)
	o.Cases["c1"] = summary.OpenCase{ID: "c1", Version: 3, Open: true, District: "D01", Street: "D01-S01", Category: "garbage",
		Department: dept, Due: due, OrigDue: due.Add(-12 * time.Hour), Level: 1, Answered: true}
	o.Cases["c9"] = summary.OpenCase{ID: "c9", Version: 1, Open: true, District: "D01", Street: "D01-S02", Category: "garbage",
		Department: dept, Due: due.Add(time.Hour), OrigDue: due.Add(time.Hour), Published: true}
	return o
}

func sameDay(t *testing.T, got, want *summary.Day) {
	t.Helper()
	if got.Date != want.Date || !reflect.DeepEqual(got.Cells, want.Cells) || !reflect.DeepEqual(got.Grids, want.Grids) ||
		!reflect.DeepEqual(got.Applied, want.Applied) {
		t.Errorf("day %s:\n got %+v %v %v\nwant %+v %v %v", want.Date, got.Cells, got.Grids, got.Applied, want.Cells, want.Grids, want.Applied)
	}
}

// TestPackedRoundTrip: what Save writes, Days, OpenSets and All read back
// exactly, and the stored document is the packed format.
func TestPackedRoundTrip(t *testing.T) {
	ctx := context.Background()
	st := New(storetest.DB(t))
	d1, d2 := sampleDay("2026-03-13", 0), sampleDay("2026-03-14", 5)
	d2.Applied = nil
	set := sampleSet("sanitation")
	head := summary.Head{Rev: 3, Docs: map[string]int64{summary.DayDoc(d1.Date): 1, summary.DayDoc(d2.Date): 2, summary.SetDoc("sanitation"): 3}}
	if err := st.Save(ctx, []*summary.Day{d1, d2}, []*summary.OpenSet{set}, head); err != nil {
		t.Fatal(err)
	}
	got, err := st.Days(ctx, []string{d2.Date, "2026-01-01", d1.Date})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("days: %d, want 2", len(got))
	}
	sameDay(t, got[0], d2)
	sameDay(t, got[1], d1)
	sets, err := st.OpenSets(ctx, []string{"sanitation"})
	if err != nil {
		t.Fatal(err)
	}
	if len(sets) != 1 || !reflect.DeepEqual(sets[0], set) {
		t.Errorf("open set: got %+v, want %+v", sets, set)
	}
	var raw bson.M
	if err := st.days.FindOne(ctx, bson.D{{Key: "_id", Value: d1.Date}}).Decode(&raw); err != nil {
		t.Fatal(err)
	}
	if raw["fmt"] != int32(packedFormat) || raw["cells"] != nil || raw["applied_ids"] != "c1/1 c1/2 c2/1" {
		t.Errorf("stored day is not packed: %v", raw)
	}
	if n, err := st.Upgrade(ctx); err != nil || n != 0 {
		t.Errorf("upgrade of current documents: %d, %v; want 0", n, err)
	}
}

// TestUpgradeLegacyFormat: documents of format 1 (arrays of objects) are
// read as before, and Upgrade rewrites them packed with the same content.
func TestUpgradeLegacyFormat(t *testing.T) {
	ctx := context.Background()
	st := New(storetest.DB(t))
	day := sampleDay("2026-03-12", 2)
	set := sampleSet("aiweiban")
	// The format 1 shapes, as the previous version wrote them.
	legacyDay := dayDoc{Date: day.Date, Applied: day.Applied}
	for _, k := range []summary.Key{
		{District: "D01", Street: "D01-S01", Category: "garbage", Department: "sanitation"},
		{District: "D02", Street: "D02-S03", Category: "pests", Department: "aiweiban"},
	} {
		legacyDay.Cells = append(legacyDay.Cells, toCellDoc(k, day.Cells[k]))
	}
	for k, n := range day.Grids {
		legacyDay.Grids = append(legacyDay.Grids, gridDoc{Grid: k.Grid, Category: k.Category, Department: k.Department, N: n})
	}
	legacySet := openDoc{Department: set.Department}
	for _, id := range summary.SortedKeys(set.Cases) {
		c := set.Cases[id]
		legacySet.Cases = append(legacySet.Cases, toOpenCaseDoc(&c))
	}
	if _, err := st.days.InsertOne(ctx, legacyDay); err != nil {
		t.Fatal(err)
	}
	if _, err := st.open.InsertOne(ctx, legacySet); err != nil {
		t.Fatal(err)
	}
	check := func(stage string) {
		t.Helper()
		days, sets, err := st.All(ctx)
		if err != nil {
			t.Fatalf("%s: %v", stage, err)
		}
		if len(days) != 1 || len(sets) != 1 {
			t.Fatalf("%s: %d days, %d sets", stage, len(days), len(sets))
		}
		sameDay(t, days[0], day)
		if !reflect.DeepEqual(sets[0], set) {
			t.Errorf("%s: open set %+v, want %+v", stage, sets[0], set)
		}
	}
	check("legacy")
	n, err := st.Upgrade(ctx)
	if err != nil || n != 2 {
		t.Fatalf("upgrade: %d, %v; want 2 documents", n, err)
	}
	check("upgraded")
	var raw bson.M
	if err := st.open.FindOne(ctx, bson.D{{Key: "_id", Value: set.Department}}).Decode(&raw); err != nil {
		t.Fatal(err)
	}
	if raw["fmt"] != int32(packedFormat) || raw["cases"] != nil {
		t.Errorf("open set not rewritten packed: %v", raw)
	}
	if n, err := st.Upgrade(ctx); err != nil || n != 0 {
		t.Errorf("second upgrade: %d, %v; want 0", n, err)
	}
}

// TestProcessMarker: a start reports whether the previous process stopped
// cleanly (unknown on a fresh store), and only MarkStopped makes it clean.
func TestProcessMarker(t *testing.T) {
	ctx := context.Background()
	st := New(storetest.DB(t))
	at := time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)
	steps := []struct {
		name         string
		stopBefore   bool
		clean, known bool
	}{
		{"fresh store", false, false, false},
		{"after a crash", false, false, true},
		{"after a clean stop", true, true, true},
		{"after a crash again", false, false, true},
	}
	for i, step := range steps {
		if step.stopBefore {
			if err := st.MarkStopped(ctx, at.Add(time.Duration(i)*time.Minute)); err != nil {
				t.Fatal(err)
			}
		}
		clean, known, err := st.MarkRunning(ctx, at.Add(time.Duration(i)*time.Hour))
		if err != nil || clean != step.clean || known != step.known {
			t.Errorf("%s: clean %v known %v (%v); want %v %v", step.name, clean, known, err, step.clean, step.known)
		}
	}
}
