package surveydb_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"cleancity/portal/store"
	"cleancity/portal/store/storetest"
	"cleancity/survey"
	"cleancity/survey/surveydb"
)

// randomMix submits, retries, conflicts and reviews at random, from
// several goroutines when workers > 1, and returns how many responses
// were created.
func randomMix(t *testing.T, svc *survey.Service, r survey.Round, seed uint64, workers, steps int) int {
	t.Helper()
	ctx := context.Background()
	var (
		mu      sync.Mutex
		created = map[string]survey.Response{}
		sent    [][]survey.Submission
		next    = 1000 * int(seed)
		wg      sync.WaitGroup
	)
	// record notes the responses a submission created.
	record := func(out []survey.Outcome) {
		mu.Lock()
		defer mu.Unlock()
		for _, o := range out {
			if o.Err == nil && o.Created {
				created[o.Response.ID] = o.Response
			}
		}
	}
	districts := []string{"", "D01", "D02"}
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(seed, uint64(w)))
			for step := 0; step < steps; step++ {
				switch k := rng.IntN(10); {
				case k < 4: // a new batch
					mu.Lock()
					var batch []survey.Submission
					for i := 0; i < 1+rng.IntN(12); i++ {
						next++
						u := r.Plan.Units[rng.IntN(len(r.Plan.Units))]
						sat := []string{"1", "2", "3", "4", "5"}[rng.IntN(5)]
						a := answers(sat, rng.IntN(5))
						a["years_resident"] = float64(next % 70)
						a["age_group"] = []string{"18-34", "35-59", "60+"}[rng.IntN(3)]
						a["sex"] = []string{"F", "M"}[rng.IntN(2)]
						start := t0.Add(time.Duration(next%1500) * 11 * time.Minute)
						end := start.Add(time.Duration(2+rng.IntN(10)) * time.Minute)
						batch = append(batch, survey.Submission{ClientID: uuid(next), Unit: u.ID, StartedAt: start, EndedAt: end, Answers: a})
					}
					sent = append(sent, batch)
					mu.Unlock()
					out, err := svc.Submit(ctx, r.ID, survey.Submitter{Username: fmt.Sprintf("vol%d", w), Supervisor: true, AcceptClean: rng.IntN(3) == 0}, batch)
					if err != nil {
						t.Error(err)
						return
					}
					record(out)
				case k < 5: // a retry of an earlier batch, one item changed (conflict)
					mu.Lock()
					if len(sent) == 0 {
						mu.Unlock()
						continue
					}
					batch := append([]survey.Submission(nil), sent[rng.IntN(len(sent))]...)
					mu.Unlock()
					if rng.IntN(2) == 0 {
						c := batch[0]
						c.Answers = answers("1", 4)
						batch[0] = c
					}
					out, err := svc.Submit(ctx, r.ID, survey.Submitter{Username: fmt.Sprintf("vol%d", w), Supervisor: true}, batch)
					if err != nil {
						t.Error(err)
						return
					}
					// A "retry" may overtake the first send still in flight.
					record(out)
				case k < 9: // single reviews, some with a stale version
					mu.Lock()
					var ids []string
					for id := range created {
						ids = append(ids, id)
						if len(ids) == 5 {
							break
						}
					}
					mu.Unlock()
					for _, id := range ids {
						rv := survey.Review{Status: survey.Accepted, By: "sup"}
						if rng.IntN(3) == 0 {
							rv = survey.Review{Status: survey.Rejected, Reason: "check", By: "sup"}
						}
						_, err := svc.ReviewResponse(ctx, r.ID, id, int64(rng.IntN(2)), rv)
						if err != nil && !survey.IsNotFound(err) && !errors.Is(err, survey.ErrVersion) {
							t.Error(err)
							return
						}
					}
				default: // accept every unflagged one (of a district)
					if _, err := svc.AcceptUnflagged(ctx, r.ID, districts[rng.IntN(3)], "sup"); err != nil {
						t.Error(err)
						return
					}
				}
			}
		}(w)
	}
	wg.Wait()
	return len(created)
}

// TestTalliesEqualScanAfterRandomMix: after concurrent inserts, retries,
// conflicts, single reviews and review-matching, the kept tallies equal a
// full scan, and results from them equal results from rebuilt ones.
func TestTalliesEqualScanAfterRandomMix(t *testing.T) {
	for _, tc := range []struct {
		name    string
		mode    store.Mode
		workers int
	}{
		// The embedded store's path, with concurrent requests.
		{"single writer, 4 goroutines", store.ModeEmbedded, 4},
		// MongoDB's path (conditional updates, atomic $inc); FerretDB
		// loses concurrent $inc, so one goroutine here.
		{"several writers' path, 1 goroutine", store.ModeMongoDB, 1},
		// Two processes on one FerretDB server, 3 goroutines each.
		{"shared FerretDB, 2 stores x 3 goroutines", store.ModeSharedFerretDB, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := storetest.DB(t)
			svc, st, _ := newServiceOn(t, db, tc.mode)
			r := openRound(t, svc)
			var n int
			if tc.mode == store.ModeSharedFerretDB {
				other := surveydb.ForMode(db, store.ModeSharedFerretDB)
				svc2 := survey.NewService(other, geo{}, func() time.Time { return t0.Add(20 * 24 * time.Hour) })
				var wg sync.WaitGroup
				var n2 int
				wg.Add(1)
				go func() { defer wg.Done(); n2 = randomMix(t, svc2, r, 4, tc.workers, 30) }()
				n = randomMix(t, svc, r, 3, tc.workers, 30)
				wg.Wait()
				n += n2
			} else {
				n = randomMix(t, svc, r, 3, tc.workers, 40)
			}
			if n < 50 {
				t.Fatalf("only %d responses created", n)
			}
			ctx := context.Background()
			// Kept, not repaired: no write left its marker.
			if left, err := db.Collection(surveydb.CollTallyPending).CountDocuments(ctx, bson.D{}); err != nil || left != 0 {
				t.Fatalf("%d pending markers left (%v)", left, err)
			}
			mustTalliesMatchScan(t, st, r.ID)
			counts, err := st.CountByUnitStatus(ctx, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			total := 0
			for _, m := range counts {
				for _, k := range m {
					total += k
				}
			}
			if total != n || len(counts[survey.Accepted]) == 0 || len(counts[survey.Rejected]) == 0 {
				t.Fatalf("counts %v add up to %d, want %d responses with accepted and rejected ones", counts, total, n)
			}
			before, err := svc.Results(ctx, &r, "district")
			if err != nil {
				t.Fatal(err)
			}
			if err := st.RebuildTallies(ctx, r.ID); err != nil {
				t.Fatal(err)
			}
			after, err := svc.Results(ctx, &r, "district")
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(before) != fmt.Sprint(after) {
				t.Fatalf("results from kept tallies\n%+v\nand rebuilt ones\n%+v", before, after)
			}
		})
	}
}

// TestTalliesRepairAfterCrash: a write that died between the responses and
// the tallies leaves its marker; the next read rebuilds the round's
// tallies from the responses. A round stored before tallies existed (no
// head) is built on first read too.
func TestTalliesRepairAfterCrash(t *testing.T) {
	db := storetest.DB(t)
	svc, st, _ := newServiceOn(t, db, store.ModeEmbedded)
	r := openRound(t, svc)
	randomMix(t, svc, r, 5, 1, 20)
	mustTalliesMatchScan(t, st, r.ID)
	ctx := context.Background()
	tallies := db.Collection(surveydb.CollTallies)
	pending := db.Collection(surveydb.CollTallyPending)
	unit := r.Plan.Units[0].ID

	// A killed process: responses written, the tally not (simulated by a
	// tally off by some), its marker left behind.
	corrupt := func() {
		t.Helper()
		if _, err := tallies.UpdateOne(ctx, bson.D{{Key: "_id", Value: r.ID + ":" + unit}},
			bson.D{{Key: "$inc", Value: bson.D{{Key: "status.accepted", Value: 7}}}}); err != nil {
			t.Fatal(err)
		}
	}
	corrupt()
	if _, err := pending.InsertOne(ctx, bson.D{{Key: "_id", Value: r.ID + ":crashed"}, {Key: "round_id", Value: r.ID},
		{Key: "owner", Value: "a-dead-process"}, {Key: "at", Value: time.Now().UTC()}}); err != nil {
		t.Fatal(err)
	}
	// A new store is a restarted process (single writer: the old
	// process's marker is stale at once).
	restarted := surveydb.ForMode(db, store.ModeEmbedded)
	mustTalliesMatchScan(t, restarted, r.ID)
	if n, err := pending.CountDocuments(ctx, bson.D{}); err != nil || n != 0 {
		t.Fatalf("markers left after the repair: %d %v", n, err)
	}

	// With several writers, another process's fresh marker is a write in
	// flight: trusted as is; once older than the lease it is repaired.
	multi := surveydb.New(db)
	corrupt()
	if _, err := pending.InsertOne(ctx, bson.D{{Key: "_id", Value: r.ID + ":slow"}, {Key: "round_id", Value: r.ID},
		{Key: "owner", Value: "another-process"}, {Key: "at", Value: time.Now().UTC()}}); err != nil {
		t.Fatal(err)
	}
	kept, err := multi.Tallies(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	scanned, _ := multi.ScanTallies(ctx, r.ID)
	if kept[unit].Status[survey.Accepted] != scanned[unit].Status[survey.Accepted]+7 {
		t.Fatalf("a fresh marker of another process triggered a repair")
	}
	if _, err := pending.UpdateOne(ctx, bson.D{{Key: "_id", Value: r.ID + ":slow"}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "at", Value: time.Now().Add(-time.Hour).UTC()}}}}); err != nil {
		t.Fatal(err)
	}
	mustTalliesMatchScan(t, multi, r.ID)

	// A round from before tallies: no head, no unit documents.
	if _, err := tallies.DeleteMany(ctx, bson.D{}); err != nil {
		t.Fatal(err)
	}
	mustTalliesMatchScan(t, st, r.ID)
	prog, err := svc.Progress(ctx, &r)
	if err != nil {
		t.Fatal(err)
	}
	sum := 0
	for _, p := range prog {
		sum += p.Accepted + p.Submitted + p.Rejected
	}
	if sum == 0 {
		t.Fatal("progress after the rebuild is empty")
	}
}
