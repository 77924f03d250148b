package complaints_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"cleancity/complaints"
	"cleancity/complaints/complaintdb"
)

// TestPublicationFiltersAndFeedMatchTheStore: the moderation queue and the
// updated-time window are answered alike by the store's query (FerretDB
// here: $ne, $exists) and the memory copy, and so is the updates feed.
func TestPublicationFiltersAndFeedMatchTheStore(t *testing.T) {
	ctx := context.Background()
	svc, clk, st := newService(t)
	opts := complaints.DemoOptions{Now: clk.Now(), Days: 10, PerDay: 20, MinLat: 27.8, MaxLat: 27.9, MinLon: 113.1, MaxLon: 113.2, Seed: 5}
	if _, err := svc.SeedDemo(ctx, opts); err != nil {
		t.Fatal(err)
	}
	memStore, err := complaintdb.NewMemory(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	mem := complaints.NewService(memStore, fakeLocator{}, clk.Now, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := mem.Init(ctx); err != nil {
		t.Fatal(err)
	}
	admin := complaints.Actor{ID: "a", Name: "管理员", Role: complaints.RoleAdmin}
	// One case of each publication state beyond the demo's.
	private, err := svc.File(ctx, complaints.Actor{Role: complaints.RoleAnonymous}, complaints.FileInput{Category: "garbage",
		Description: "楼下垃圾三天没有清运", Point: &complaints.Point{Lat: 27.85, Lon: 113.15}, Private: true})
	if err != nil {
		t.Fatal(err)
	}
	queued, err := mem.ModerationQueue(ctx, admin, 200)
	if err != nil || len(queued) == 0 {
		t.Fatalf("queue: %v, %d", err, len(queued))
	}
	for _, c := range queued {
		if !complaints.AwaitsModeration(c) || c.ID == private.Complaint.ID {
			t.Fatalf("queued %s: private %v, state %q", c.ID, c.Private, c.Publication.State)
		}
	}
	if _, err := mem.Moderate(ctx, admin, private.Complaint.ID, complaints.ModerateInput{Decision: complaints.DecisionApprove, Version: 1}); !complaints.IsConflict(err) {
		t.Errorf("approving a private case: %v", err)
	}
	w, err := mem.Moderate(ctx, admin, queued[0].ID, complaints.ModerateInput{Decision: complaints.DecisionWithhold, Version: queued[0].Version})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := complaints.PublicText(w); ok {
		t.Error("withheld text is public")
	}
	r, err := mem.Moderate(ctx, admin, queued[1].ID, complaints.ModerateInput{Decision: complaints.DecisionRedact, Description: "门口垃圾", Version: queued[1].Version})
	if err != nil {
		t.Fatal(err)
	}
	if p, ok := complaints.PublicText(r); !ok || p.Description != "门口垃圾" || p.Address != "" {
		t.Errorf("redacted %+v %v", p, ok)
	}
	for i, f := range []complaints.Filter{
		{AwaitingModeration: true, Sort: "filed_at"},
		{AwaitingModeration: true, DistrictID: "D01"},
		{UpdatedFrom: clk.Now().Add(-72 * time.Hour), Sort: "-updated_at"},
		{UpdatedFrom: clk.Now().Add(-9 * 24 * time.Hour), UpdatedTo: clk.Now().Add(-5 * 24 * time.Hour)},
	} {
		f.Limit = 500
		a, err1 := svc.List(ctx, admin, f)
		b, err2 := mem.List(ctx, admin, f)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if ids(a.Items) != ids(b.Items) || len(a.Items) == 0 {
			t.Errorf("filter %d: store %d cases, memory %d", i, len(a.Items), len(b.Items))
		}
	}
	from, to := clk.Now().Add(-4*24*time.Hour), clk.Now().Add(-2*24*time.Hour)
	a, err1 := svc.EventsBetween(ctx, from, to, 10000)
	b, err2 := mem.EventsBetween(ctx, from, to, 10000)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	if len(a) == 0 || len(a) != len(b) {
		t.Fatalf("events: store %d, memory %d", len(a), len(b))
	}
	for i := range a {
		if a[i].ID != b[i].ID || a[i].At.Before(from) || a[i].At.After(to) {
			t.Fatalf("event %d: store %s at %v, memory %s", i, a[i].ID, a[i].At, b[i].ID)
		}
	}
	if few, _ := svc.EventsBetween(ctx, from, to, 3); len(few) != 3 || few[2].ID != a[2].ID {
		t.Errorf("limit: %d events", len(few))
	}
}
