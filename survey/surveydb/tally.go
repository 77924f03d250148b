package surveydb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"cleancity/portal/store"
	"cleancity/survey"
)

// Tallies: one small document per (round, unit), _id "<round>:<unit>",
// with the unit's response counts per status and its accepted responses
// counted per analysis key (survey.RowGroup without N). Results, progress
// and the export's weights read them by _id instead of walking the
// responses, which on FerretDB v1 means scanning and decoding every stored
// response of every round.
//
// A round's head document, _id "<round>", holds a write sequence, the units
// that have tallies, and whether the tallies are built (complete).
//
// Every write that changes responses goes through tallied:
//
//  1. insert a pending marker (survey_tally_pending, _id "<round>:<random>");
//  2. bump the head's sequence ($inc, atomic on MongoDB);
//  3. write the responses and learn exactly what changed;
//  4. $inc the unit documents by the change;
//  5. delete the marker.
//
// A marker left behind (process killed, store error between 3 and 5) is
// stale: the next read of the round's tallies rebuilds them from a full
// scan of its responses and deletes the stale markers. On the embedded
// store this process is the only writer, so writes and rebuilds are
// serialised by a mutex (FerretDB v1 loses concurrent $inc on one
// document) and every marker not in flight here is stale. On MongoDB
// several processes write: $inc is atomic; another process's marker is
// stale once it is abandoned or older than staleAfter; and a rebuild
// counts only if the head's sequence did not move while it scanned and no
// write was in flight when it started (otherwise the head stays unbuilt
// and the next read tries again, falling back to a scan meanwhile).
// Several processes on one FerretDB (PostgreSQL mode, `portal db serve`)
// serialise a round's writes and rebuilds with a lock document claimed by
// insert, and then work as with a single writer. ForMode (mode.go) picks
// which of the three the store does.

// Collection names of the tallies.
const (
	CollTallies      = "survey_tallies"
	CollTallyPending = "survey_tally_pending"
	CollTallyLocks   = "survey_tally_locks"
)

// lockStale is when a round lock (shared FerretDB) is taken for a crashed
// holder's: longer than any write under it (the write and then the tally
// update are each bounded by tallyTimeout).
const lockStale = 5 * time.Minute

// staleAfter is when another process's pending marker is taken for a
// crash: far longer than any write (they run under a 2-minute deadline).
const staleAfter = 10 * time.Minute

// tallyTimeout bounds the tally update that follows a response write; it
// runs detached from the request, so a client hanging up cannot leave the
// response written and the tally not.
const tallyTimeout = 2 * time.Minute

type tallyHeadDoc struct {
	ID        string    `bson:"_id"`
	RoundID   string    `bson:"round_id"`
	Seq       int64     `bson:"seq"`
	Built     bool      `bson:"built"`
	Units     []string  `bson:"units"`
	RebuiltAt time.Time `bson:"rebuilt_at,omitempty"`
}

type tallyDoc struct {
	ID      string         `bson:"_id"`
	RoundID string         `bson:"round_id"`
	Unit    string         `bson:"unit"`
	Status  map[string]int `bson:"status"`
	Groups  map[string]int `bson:"groups"`
}

type lockDoc struct {
	ID    string    `bson:"_id"`
	Token string    `bson:"token"`
	At    time.Time `bson:"at"`
}

type pendingDoc struct {
	ID        string    `bson:"_id"`
	RoundID   string    `bson:"round_id"`
	Owner     string    `bson:"owner"`
	At        time.Time `bson:"at"`
	Abandoned bool      `bson:"abandoned"`
}

func tallyID(roundID, unit string) string { return roundID + ":" + unit }

// keyEscaper keeps group keys usable as field names: no '.', no '$', and
// '|' free to separate the parts.
var keyEscaper = strings.NewReplacer("%", "%25", "|", "%7C", ".", "%2E", "$", "%24")

var keyUnescaper = strings.NewReplacer("%7C", "|", "%2E", ".", "%24", "$", "%25", "%")

// groupKey is a RowGroup's analysis values as a field name.
func groupKey(g survey.RowGroup) string {
	parts := []string{g.Stratum, g.District, strconv.Itoa(g.Satisfied), strconv.Itoa(g.Aware),
		strconv.Itoa(g.Correct), strconv.Itoa(g.Answered), g.AgeGroup, g.Sex}
	for i, p := range parts {
		parts[i] = keyEscaper.Replace(p)
	}
	return strings.Join(parts, "|")
}

func parseGroupKey(unit, key string) (survey.RowGroup, error) {
	parts := strings.Split(key, "|")
	if len(parts) != 8 {
		return survey.RowGroup{}, fmt.Errorf("tally key %q: %d parts", key, len(parts))
	}
	for i, p := range parts {
		parts[i] = keyUnescaper.Replace(p)
	}
	var n [4]int
	for i := range n {
		v, err := strconv.Atoi(parts[2+i])
		if err != nil {
			return survey.RowGroup{}, fmt.Errorf("tally key %q: %w", key, err)
		}
		n[i] = v
	}
	return survey.RowGroup{Unit: unit, Stratum: parts[0], District: parts[1], Satisfied: n[0], Aware: n[1],
		Correct: n[2], Answered: n[3], AgeGroup: parts[6], Sex: parts[7]}, nil
}

// rowOf is a response's analysis key.
func rowOf(unit, stratum, district string, satisfied, aware, correct, answered int, age, sex string) survey.RowGroup {
	return survey.RowGroup{Unit: unit, Stratum: stratum, District: district, Satisfied: satisfied, Aware: aware,
		Correct: correct, Answered: answered, AgeGroup: age, Sex: sex}
}

// Tally is one unit's counts: responses per status, and accepted ones per
// analysis key.
type Tally struct {
	Status map[survey.ResponseStatus]int
	Groups map[survey.RowGroup]int
}

// tallies are a round's per-unit counts, by unit.
type tallies map[string]*Tally

func (t tallies) unit(u string) *Tally {
	x := t[u]
	if x == nil {
		x = &Tally{Status: map[survey.ResponseStatus]int{}, Groups: map[survey.RowGroup]int{}}
		t[u] = x
	}
	return x
}

// add counts k responses with key g in status st (k may be negative).
func (t tallies) add(g survey.RowGroup, st survey.ResponseStatus, k int) {
	x := t.unit(g.Unit)
	x.Status[st] += k
	if st == survey.Accepted {
		x.Groups[g] += k
	}
}

// clean drops zero counts, so scans and tallies compare equal.
func (t tallies) clean() tallies {
	for u, x := range t {
		for k, n := range x.Status {
			if n == 0 {
				delete(x.Status, k)
			}
		}
		for k, n := range x.Groups {
			if n == 0 {
				delete(x.Groups, k)
			}
		}
		if len(x.Status) == 0 && len(x.Groups) == 0 {
			delete(t, u)
		}
	}
	return t
}

// tallyState is the process-local part of the tallies: the write lock
// (embedded store) and the markers in flight here.
type tallyState struct {
	instance string
	wmu      sync.Mutex
	mu       sync.Mutex
	inflight map[string]bool
}

func newTallyState() *tallyState {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return &tallyState{instance: hex.EncodeToString(b), inflight: map[string]bool{}}
}

// lockRound serialises writes to the round's responses: a mutex with one
// writer, the round lock with locked writers, nothing on MongoDB.
func (s *Store) lockRound(ctx context.Context, roundID string) (func(), error) {
	switch s.writers {
	case oneWriter:
		s.ts.wmu.Lock()
		return s.ts.wmu.Unlock, nil
	case lockedWriters:
		return s.lockDocument(ctx, roundID)
	}
	return func() {}, nil
}

// lockDocument claims the round's lock document by insert (the one write
// FerretDB v1 makes atomic across processes), waiting while another
// process holds it, and takes over a crashed holder's after lockStale.
func (s *Store) lockDocument(ctx context.Context, roundID string) (func(), error) {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	me := lockDoc{ID: roundID, Token: hex.EncodeToString(b)}
	for wait := time.Millisecond; ; wait = min(2*wait, 50*time.Millisecond) {
		me.At = time.Now().UTC()
		_, err := s.locks.InsertOne(ctx, me)
		if err == nil {
			return func() {
				dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
				defer cancel()
				_, _ = s.locks.DeleteOne(dctx, bson.D{{Key: "_id", Value: me.ID}, {Key: "token", Value: me.Token}})
			}, nil
		}
		if !mongo.IsDuplicateKeyError(err) {
			return nil, translate("round lock", err)
		}
		var held lockDoc
		if err := s.locks.FindOne(ctx, bson.D{{Key: "_id", Value: roundID}}).Decode(&held); err == nil && time.Since(held.At) > lockStale {
			// A crashed holder: remove its lock; the insert decides who
			// takes it next.
			_, _ = s.locks.DeleteOne(ctx, bson.D{{Key: "_id", Value: roundID}, {Key: "token", Value: held.Token}})
			continue
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(wait):
		}
	}
}

// tallied runs write, which changes responses of the round and returns the
// exact change of counts (exact false when it cannot tell), under the
// pending-marker protocol described at the top of this file. units are
// the units the write may add to the round's tallies.
func (s *Store) tallied(ctx context.Context, roundID string, units []string, write func(ctx context.Context) (tallies, bool, error)) error {
	if s.writers == lockedWriters {
		// The round lock is taken for crashed after lockStale: keep every
		// write under it well inside that.
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, tallyTimeout)
		defer cancel()
	}
	unlock, err := s.lockRound(ctx, roundID)
	if err != nil {
		return err
	}
	defer unlock()
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	m := pendingDoc{ID: roundID + ":" + hex.EncodeToString(b), RoundID: roundID, Owner: s.ts.instance, At: time.Now().UTC()}
	// In flight before the marker exists, so no reader here takes it for
	// a crashed write's.
	s.ts.mu.Lock()
	s.ts.inflight[m.ID] = true
	s.ts.mu.Unlock()
	defer func() {
		s.ts.mu.Lock()
		delete(s.ts.inflight, m.ID)
		s.ts.mu.Unlock()
	}()
	if _, err := s.pending.InsertOne(ctx, m); err != nil {
		return translate("tally marker", err)
	}
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), tallyTimeout)
	defer cancel()
	abandon := func() {
		// Best effort: a marker that stays is stale anyway (not in flight
		// here; for other processes after staleAfter).
		_, _ = s.pending.UpdateOne(dctx, bson.D{{Key: "_id", Value: m.ID}}, bson.D{{Key: "$set", Value: bson.D{{Key: "abandoned", Value: true}}}})
	}
	head := bson.D{{Key: "$inc", Value: bson.D{{Key: "seq", Value: int64(1)}}},
		{Key: "$setOnInsert", Value: bson.D{{Key: "round_id", Value: roundID}}}}
	if len(units) > 0 {
		head = append(head, bson.E{Key: "$addToSet", Value: bson.D{{Key: "units", Value: bson.D{{Key: "$each", Value: units}}}}})
	}
	if _, err := s.tallies.UpdateOne(ctx, bson.D{{Key: "_id", Value: roundID}}, head, options.UpdateOne().SetUpsert(true)); err != nil {
		abandon()
		return translate("tally head", err)
	}
	delta, exact, err := write(ctx)
	if err != nil {
		// exact with an error: nothing was written (a lost version race,
		// a missing response), so the marker can go.
		if exact {
			_, _ = s.pending.DeleteOne(dctx, bson.D{{Key: "_id", Value: m.ID}})
		} else {
			abandon()
		}
		return err
	}
	if err := s.applyTallies(dctx, roundID, delta); err != nil {
		abandon()
		return err
	}
	if !exact {
		abandon()
		return nil
	}
	if _, err := s.pending.DeleteOne(dctx, bson.D{{Key: "_id", Value: m.ID}}); err != nil {
		return translate("tally marker", err)
	}
	return nil
}

// applyTallies adds the change to the unit documents: one $inc upsert per
// unit, at most store.UpdateBatch per command (FerretDB v1 limit).
func (s *Store) applyTallies(ctx context.Context, roundID string, delta tallies) error {
	var models []mongo.WriteModel
	units := make([]string, 0, len(delta))
	for u := range delta {
		units = append(units, u)
	}
	sort.Strings(units)
	for _, u := range units {
		x := delta[u]
		inc := bson.D{}
		for st, n := range x.Status {
			if n != 0 {
				inc = append(inc, bson.E{Key: "status." + string(st), Value: n})
			}
		}
		for g, n := range x.Groups {
			if n != 0 {
				inc = append(inc, bson.E{Key: "groups." + groupKey(g), Value: n})
			}
		}
		if len(inc) == 0 {
			continue
		}
		models = append(models, mongo.NewUpdateOneModel().
			SetFilter(bson.D{{Key: "_id", Value: tallyID(roundID, u)}}).
			SetUpdate(bson.D{{Key: "$inc", Value: inc},
				{Key: "$setOnInsert", Value: bson.D{{Key: "round_id", Value: roundID}, {Key: "unit", Value: u}}}}).
			SetUpsert(true))
	}
	for i := 0; i < len(models); i += store.UpdateBatch {
		if _, err := s.tallies.BulkWrite(ctx, models[i:min(i+store.UpdateBatch, len(models))], options.BulkWrite().SetOrdered(false)); err != nil {
			return translate("update tallies", err)
		}
	}
	return nil
}

// staleMarkers returns the round's pending markers that no running write
// will remove, and whether a write is in flight (fresh markers).
func (s *Store) staleMarkers(ctx context.Context, roundID string, underLock bool) ([]string, bool, error) {
	// The pending collection holds only writes in flight and crashed
	// ones: scanning it is cheap.
	cur, err := s.pending.Find(ctx, bson.D{{Key: "round_id", Value: roundID}})
	if err != nil {
		return nil, false, translate("tally markers", err)
	}
	var list []pendingDoc
	if err := cur.All(ctx, &list); err != nil {
		return nil, false, translate("tally markers", err)
	}
	var stale []string
	fresh := false
	now := time.Now()
	s.ts.mu.Lock()
	defer s.ts.mu.Unlock()
	for _, m := range list {
		mine := m.Owner == s.ts.instance
		switch {
		case underLock && s.serialised():
			// Every write holds the lock while its marker exists.
			stale = append(stale, m.ID)
		case m.Abandoned,
			mine && !s.ts.inflight[m.ID],
			!mine && (s.writers == oneWriter || now.Sub(m.At) > staleAfter):
			stale = append(stale, m.ID)
		default:
			fresh = true
		}
	}
	return stale, fresh, nil
}

var errRaced = errors.New("responses changed during the tally rebuild")

// roundTallies returns the round's tallies, rebuilding them first when a
// write crashed or they were never built (rounds stored before tallies).
// When a rebuild keeps racing with writes (MongoDB only), it answers from
// a scan and leaves the rebuild to a later read.
func (s *Store) roundTallies(ctx context.Context, roundID string) (tallies, error) {
	for attempt := 0; attempt < 3; attempt++ {
		var head tallyHeadDoc
		err := s.tallies.FindOne(ctx, bson.D{{Key: "_id", Value: roundID}}).Decode(&head)
		if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
			return nil, translate("tally head", err)
		}
		stale, fresh, err := s.staleMarkers(ctx, roundID, false)
		if err != nil {
			return nil, err
		}
		// On a shared FerretDB another process's marker is either a write
		// holding the round lock or a crash: the rebuild takes the lock
		// and tells them apart.
		if head.Built && len(stale) == 0 && !(s.writers == lockedWriters && fresh) {
			return s.readTallies(ctx, roundID, head.Units)
		}
		t, err := s.rebuildRound(ctx, roundID, false)
		if errors.Is(err, errRaced) {
			time.Sleep(time.Duration(50*(attempt+1)) * time.Millisecond)
			continue
		}
		return t, err
	}
	return s.ScanTallies(ctx, roundID)
}

// readTallies reads the units' documents by _id (the only look-up
// FerretDB v1 does without a scan).
func (s *Store) readTallies(ctx context.Context, roundID string, units []string) (tallies, error) {
	out := tallies{}
	for _, u := range units {
		var d tallyDoc
		err := s.tallies.FindOne(ctx, bson.D{{Key: "_id", Value: tallyID(roundID, u)}}).Decode(&d)
		if errors.Is(err, mongo.ErrNoDocuments) {
			continue
		}
		if err != nil {
			return nil, translate("read tallies", err)
		}
		x := out.unit(u)
		for st, n := range d.Status {
			x.Status[survey.ResponseStatus(st)] = n
		}
		for k, n := range d.Groups {
			g, err := parseGroupKey(u, k)
			if err != nil {
				return nil, err
			}
			x.Groups[g] = n
		}
	}
	return out.clean(), nil
}

// ScanTallies counts the round's responses from a full scan of them (what
// the tallies must equal).
func (s *Store) ScanTallies(ctx context.Context, roundID string) (map[string]*Tally, error) {
	cur, err := s.responses.Find(ctx, bson.D{{Key: "round_id", Value: roundID}}, options.Find().SetBatchSize(5000).
		SetProjection(bson.D{{Key: "unit", Value: 1}, {Key: "status", Value: 1}, {Key: "stratum", Value: 1}, {Key: "district", Value: 1},
			{Key: "satisfied", Value: 1}, {Key: "aware", Value: 1}, {Key: "correct", Value: 1}, {Key: "answered", Value: 1},
			{Key: "age_group", Value: 1}, {Key: "sex", Value: 1}}))
	if err != nil {
		return nil, translate("scan responses", err)
	}
	defer cur.Close(ctx)
	out := tallies{}
	for cur.Next(ctx) {
		var d responseDoc
		if err := cur.Decode(&d); err != nil {
			return nil, translate("decode response", err)
		}
		out.add(rowOf(d.Unit, d.Stratum, d.District, d.Satisfied, d.Aware, d.Correct, d.Answered, d.AgeGroup, d.Sex), survey.ResponseStatus(d.Status), 1)
	}
	if err := cur.Err(); err != nil {
		return nil, translate("scan responses", err)
	}
	return out.clean(), nil
}

// RebuildTallies recomputes a round's tallies from its responses (`portal
// survey rebuild-tallies`; also done on read after a crashed write).
func (s *Store) RebuildTallies(ctx context.Context, roundID string) error {
	for attempt := 0; ; attempt++ {
		_, err := s.rebuildRound(ctx, roundID, true)
		if errors.Is(err, errRaced) && attempt < 10 {
			time.Sleep(time.Duration(100*(attempt+1)) * time.Millisecond)
			continue
		}
		return err
	}
}

// rebuildRound scans the round's responses and replaces its tallies. The
// head is marked unbuilt first and built again only if no write ran
// meanwhile (sequence unchanged, no write in flight at the start), so a
// rebuild that raced a write is never trusted.
func (s *Store) rebuildRound(ctx context.Context, roundID string, force bool) (tallies, error) {
	unlock, err := s.lockRound(ctx, roundID)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if !force && s.serialised() {
		// Another rebuild, or the write whose marker was seen, may have
		// finished while this waited for the lock.
		var head tallyHeadDoc
		err := s.tallies.FindOne(ctx, bson.D{{Key: "_id", Value: roundID}}).Decode(&head)
		if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
			return nil, translate("tally head", err)
		}
		left, _, err := s.staleMarkers(ctx, roundID, true)
		if err != nil {
			return nil, err
		}
		if head.Built && len(left) == 0 {
			return s.readTallies(ctx, roundID, head.Units)
		}
	}
	if _, err := s.tallies.UpdateOne(ctx, bson.D{{Key: "_id", Value: roundID}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "built", Value: false}}},
			{Key: "$setOnInsert", Value: bson.D{{Key: "round_id", Value: roundID}, {Key: "seq", Value: int64(0)}}}},
		options.UpdateOne().SetUpsert(true)); err != nil {
		return nil, translate("tally head", err)
	}
	var head tallyHeadDoc
	if err := s.tallies.FindOne(ctx, bson.D{{Key: "_id", Value: roundID}}).Decode(&head); err != nil {
		return nil, translate("tally head", err)
	}
	stale, fresh, err := s.staleMarkers(ctx, roundID, true)
	if err != nil {
		return nil, err
	}
	if fresh {
		return nil, errRaced
	}
	scanned, err := s.ScanTallies(ctx, roundID)
	if err != nil {
		return nil, err
	}
	units := map[string]bool{}
	for _, u := range head.Units {
		units[u] = true
	}
	for u := range scanned {
		units[u] = true
	}
	list := make([]string, 0, len(units))
	for u := range units {
		list = append(list, u)
	}
	sort.Strings(list)
	var models []mongo.WriteModel
	for _, u := range list {
		d := tallyDoc{ID: tallyID(roundID, u), RoundID: roundID, Unit: u, Status: map[string]int{}, Groups: map[string]int{}}
		if x := scanned[u]; x != nil {
			for st, n := range x.Status {
				d.Status[string(st)] = n
			}
			for g, n := range x.Groups {
				d.Groups[groupKey(g)] = n
			}
		}
		models = append(models, mongo.NewReplaceOneModel().SetFilter(bson.D{{Key: "_id", Value: d.ID}}).SetReplacement(d).SetUpsert(true))
	}
	for i := 0; i < len(models); i += store.UpdateBatch {
		if _, err := s.tallies.BulkWrite(ctx, models[i:min(i+store.UpdateBatch, len(models))], options.BulkWrite().SetOrdered(false)); err != nil {
			return nil, translate("write tallies", err)
		}
	}
	res, err := s.tallies.UpdateOne(ctx, bson.D{{Key: "_id", Value: roundID}, {Key: "seq", Value: head.Seq}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "built", Value: true}, {Key: "units", Value: list}, {Key: "rebuilt_at", Value: time.Now().UTC()}}}})
	if err != nil {
		return nil, translate("tally head", err)
	}
	if res.MatchedCount == 0 {
		// A write ran meanwhile, so the documents just written may have
		// missed it; another rebuilder may have marked the head built in
		// between: unmark it, the next read rebuilds.
		if _, err := s.tallies.UpdateOne(ctx, bson.D{{Key: "_id", Value: roundID}}, bson.D{{Key: "$set", Value: bson.D{{Key: "built", Value: false}}}}); err != nil {
			return nil, translate("tally head", err)
		}
		return nil, errRaced
	}
	if len(stale) > 0 {
		if _, err := s.pending.DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: stale}}}}); err != nil {
			return nil, translate("tally markers", err)
		}
	}
	return scanned, nil
}

// RebuildAllTallies rebuilds every round's tallies and returns the round
// ids.
func (s *Store) RebuildAllTallies(ctx context.Context) ([]string, error) {
	rounds, err := s.ListRounds(ctx)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, r := range rounds {
		if err := s.RebuildTallies(ctx, r.ID); err != nil {
			return ids, fmt.Errorf("round %s: %w", r.ID, err)
		}
		ids = append(ids, r.ID)
	}
	return ids, nil
}

// DataRevision implements survey.Store: the tally head's write sequence,
// bumped (by _id) before each write to the round's responses.
func (s *Store) DataRevision(ctx context.Context, roundID string) (int64, error) {
	var head tallyHeadDoc
	err := s.tallies.FindOne(ctx, bson.D{{Key: "_id", Value: roundID}},
		options.FindOne().SetProjection(bson.D{{Key: "seq", Value: 1}})).Decode(&head)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return 0, nil
	}
	if err != nil {
		return 0, translate("tally head", err)
	}
	return head.Seq, nil
}

// Tallies returns the round's stored tallies by unit (repairing them
// first if a write crashed), for checks against ScanTallies.
func (s *Store) Tallies(ctx context.Context, roundID string) (map[string]*Tally, error) {
	return s.roundTallies(ctx, roundID)
}
