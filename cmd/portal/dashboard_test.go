package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"cleancity/complaints"
	"cleancity/complaints/complaintdb"
	"cleancity/complaints/summary"
	"cleancity/complaints/summary/summarydb"
	"cleancity/portal/store/storetest"
)

func TestDashboardRebuildCommand(t *testing.T) {
	cs := storetest.NewCommandStore(t)
	db := cs.DB(t)
	ctx := context.Background()
	filed := time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)
	c := &complaints.Complaint{ID: "CC-TEST-0001", Category: "garbage", Department: "sanitation",
		Place:  complaints.Place{GridID: "D01-S01-C01-G1", CommunityID: "D01-S01-C01", StreetID: "D01-S01", DistrictID: "D01"},
		Status: complaints.StatusAccepted, Version: 2, FiledAt: filed, UpdatedAt: filed.Add(time.Hour), DueAt: filed.Add(24 * time.Hour)}
	c.Events = []complaints.Event{
		{ID: complaints.EventID(c.ID, 1), CaseID: c.ID, Seq: 1, At: filed, Action: complaints.ActionFile, To: complaints.StatusSubmitted, Department: "sanitation"},
		{ID: complaints.EventID(c.ID, 2), CaseID: c.ID, Seq: 2, At: filed.Add(time.Hour), Action: complaints.ActionAccept,
			From: complaints.StatusSubmitted, To: complaints.StatusAccepted, Department: "sanitation"},
	}
	if err := complaintdb.New(db).CreateMany(ctx, []*complaints.Complaint{c}); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if err := run(ctx, append([]string{"dashboard", "rebuild"}, cs.Flags...), strings.NewReader(""), &out, &errOut); err != nil {
		t.Fatalf("rebuild: %v\n%s", err, errOut.String())
	}
	if !strings.Contains(out.String(), "1 cases, 2 events, 2 days, 1 open cases") {
		t.Errorf("output %q", out.String())
	}
	// A new handle: on PostgreSQL the command created the collections.
	days, err := summarydb.New(cs.DB(t)).Days(ctx, []string{"2026-03-02"})
	if err != nil || len(days) != 1 {
		t.Fatalf("days %v %v", days, err)
	}
	cell := days[0].Cells[summary.Key{District: "D01", Street: "D01-S01", Category: "garbage", Department: "sanitation"}]
	if cell == nil || cell.Filed != 1 || cell.Accepted != 1 || cell.StatusCount(complaints.StatusAccepted) != 1 || cell.Due != 0 {
		t.Errorf("cell %+v", cell)
	}
	if err := run(ctx, []string{"dashboard"}, strings.NewReader(""), &out, &errOut); err == nil {
		t.Error("no subcommand accepted")
	}
}
