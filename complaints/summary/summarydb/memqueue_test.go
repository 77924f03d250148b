package summarydb_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"cleancity/complaints"
	"cleancity/complaints/summary"
	"cleancity/complaints/summary/summarydb"
	"cleancity/portal/store/storetest"
)

func fact(id string) summary.Fact {
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	return summary.Fact{EventID: id + "/1", CaseID: id, Seq: 1, At: at, Action: complaints.ActionFile,
		To: complaints.StatusSubmitted, Department: "sanitation", Category: "garbage", District: "D01", FiledAt: at}
}

func eventIDs(fs []summary.Fact) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.EventID)
	}
	return out
}

// TestMemQueue checks the in-memory queue of facts: held facts are read
// after those left in the stored queue, unqueueing removes them from
// wherever they are, and a flush moves the rest into the stored queue.
func TestMemQueue(t *testing.T) {
	ctx := context.Background()
	st := summarydb.New(storetest.DB(t))
	// A fact left in the stored queue by an earlier process.
	if err := st.Queue(ctx, []summary.Fact{fact("OLD")}); err != nil {
		t.Fatal(err)
	}
	q := summarydb.NewMemQueue(st)
	if err := q.Queue(ctx, []summary.Fact{fact("A"), fact("B"), fact("A")}); err != nil {
		t.Fatal(err)
	}
	if err := q.Queue(ctx, []summary.Fact{fact("C"), fact("B")}); err != nil {
		t.Fatal(err)
	}
	if q.Held() != 3 {
		t.Fatalf("held %d facts, want 3 (duplicates skipped)", q.Held())
	}
	// Nothing new reached the store.
	if got, err := st.Queued(ctx, 100); err != nil || !slices.Equal(eventIDs(got), []string{"OLD/1"}) {
		t.Fatalf("stored queue %v (%v)", eventIDs(got), err)
	}
	got, err := q.Queued(ctx, 3)
	if err != nil || !slices.Equal(eventIDs(got), []string{"OLD/1", "A/1", "B/1"}) {
		t.Fatalf("queued(3) = %v (%v)", eventIDs(got), err)
	}
	if got[1].Department != "sanitation" || !got[1].At.Equal(fact("A").At) {
		t.Fatalf("held fact changed: %+v", got[1])
	}
	if err := q.Unqueue(ctx, []string{"OLD/1", "A/1"}); err != nil {
		t.Fatal(err)
	}
	if got, err := q.Queued(ctx, 100); err != nil || !slices.Equal(eventIDs(got), []string{"B/1", "C/1"}) {
		t.Fatalf("after unqueue: %v (%v)", eventIDs(got), err)
	}
	if got, err := st.Queued(ctx, 100); err != nil || len(got) != 0 {
		t.Fatalf("stored queue after unqueue: %v (%v)", eventIDs(got), err)
	}
	// A fact unqueued may be queued again (the catch-up sweep).
	if err := q.Queue(ctx, []summary.Fact{fact("A")}); err != nil || q.Held() != 3 {
		t.Fatalf("requeue: held %d (%v)", q.Held(), err)
	}
	if err := q.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if q.Held() != 0 {
		t.Fatalf("held %d after flush", q.Held())
	}
	got, err = st.Queued(ctx, 100)
	ids := eventIDs(got)
	slices.Sort(ids)
	if err != nil || !slices.Equal(ids, []string{"A/1", "B/1", "C/1"}) {
		t.Fatalf("stored queue after flush: %v (%v)", ids, err)
	}
	// The next process reads them through its own queue.
	q2 := summarydb.NewMemQueue(st)
	if got, err := q2.Queued(ctx, 100); err != nil || len(got) != 3 {
		t.Fatalf("next process reads %v (%v)", eventIDs(got), err)
	}
}
