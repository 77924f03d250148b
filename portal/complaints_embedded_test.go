package portal_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"cleancity/complaints"
	"cleancity/portal"
	"cleancity/portal/areas"
	"cleancity/portal/portaltest"
	"cleancity/portal/store"
	"cleancity/portal/store/storetest"
)

// TestEmbeddedFilingsThenSharedStore files on the embedded store, where
// this process is the only writer (duplicate checks from the memory copy,
// no cell updates; dashboard facts held in memory for the applier), then
// serves the same data to a portal without those shortcuts, as `portal db
// serve` would: the second portal must find the first one's filings as
// duplicates (the cells are rebuilt at its start) and count every filing
// on the dashboard (facts not folded in before the stop were queued by
// Shutdown).
func TestEmbeddedFilingsThenSharedStore(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two embedded stores")
	}
	storetest.SkipOnPostgreSQL(t, "it runs the embedded store and then serves its files with `portal db serve`")
	ctx := context.Background()
	dir := t.TempDir()
	const db = "embedded_then_shared"
	clock := portaltest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.FixedZone("CST", 8*3600)))
	day := "from=2026-03-02&to=2026-03-02"

	first := portaltest.NewServer(t, portaltest.WithClock(clock), portaltest.WithConfig(func(c *portal.Config) {
		c.MongoURI, c.DataDir, c.Database = "", dir, db
	}))
	if first.Store().Mode != store.ModeEmbedded {
		t.Fatal("first portal is not on the embedded store")
	}
	if _, err := first.Areas.Import(ctx, areas.DemoAreas(), areas.DemoDepartments()); err != nil {
		t.Fatal(err)
	}
	admin := first.Token(t, portal.RoleAdmin, "")
	a := mustFileHTTP(t, first, "", nil)
	if err := first.DashboardSync(ctx); err != nil {
		t.Fatal(err)
	}
	checkJSON(t, first.Get("/api/v1/dashboard/complaints?"+day, admin).JSON(t), map[string]any{"totals.filed": 1.0})
	clock.Advance(time.Minute)
	b := mustFileHTTP(t, first, "", nil)
	if d := portaltest.Lookup(b, "possible_duplicates.0.id"); d != a["id"] {
		t.Fatalf("embedded duplicate check: %v, want %v", b["possible_duplicates"], a["id"])
	}
	// Stop with b's dashboard fact still in memory.
	if err := first.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}

	emb, err := store.StartEmbedded(ctx, store.EmbeddedConfig{Addr: "127.0.0.1:0", DataDir: dir,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(emb.Stop)
	second := portaltest.NewServer(t, portaltest.WithClock(clock), portaltest.WithConfig(func(c *portal.Config) {
		c.MongoURI, c.Database = emb.URI(), db
	}))
	if second.Store().Mode == store.ModeEmbedded {
		t.Fatal("second portal runs its own store")
	}
	clock.Advance(time.Minute)
	resp := second.PostJSON("/api/v1/complaints", "", fileBody(nil))
	if resp.Status != http.StatusCreated {
		t.Fatalf("file on the shared store: %d %s", resp.Status, resp.Body)
	}
	c := resp.JSON(t)
	got := map[any]bool{}
	for _, d := range c["possible_duplicates"].([]any) {
		got[d.(map[string]any)["id"]] = true
	}
	if !got[a["id"]] || !got[b["id"]] {
		t.Fatalf("shared-store duplicate check missed the embedded filings %v, %v: %v", a["id"], b["id"], c["possible_duplicates"])
	}
	// b's fact was queued in the store by the first portal's Shutdown, c's
	// by the second portal's hook; the first portal still holds the
	// applier lease for a few seconds, so look at the queue itself.
	ids, err := second.Store().DB.Collection("summary_queue").Distinct(ctx, "_id", bson.D{}).Raw()
	if err != nil {
		t.Fatal(err)
	}
	queued := map[string]bool{}
	vals, _ := ids.Values()
	for _, v := range vals {
		queued[v.StringValue()] = true
	}
	if len(queued) != 2 || !queued[complaints.EventID(b["id"].(string), 1)] || !queued[complaints.EventID(c["id"].(string), 1)] {
		t.Fatalf("queued facts %v, want the filings of %v and %v", queued, b["id"], c["id"])
	}
}
