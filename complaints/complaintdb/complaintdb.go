// Package complaintdb is the MongoDB store of the complaint domain. It uses
// only what both MongoDB and FerretDB v1 (SQLite) support.
//
// FerretDB v1's SQLite backend answers only a filter that is exactly
// {_id: <string>} from an index; every other filter scans the collection,
// and its updates are read-modify-write without a lock, so two conditional
// updates of one document can both succeed. Hence the design: every hot
// read is by _id (the case id is its tracking code; duplicate candidates
// come from cell documents keyed by _id), and every exclusive step is
// claimed by inserting a document with a unique _id (the event
// "<case>/<seq>" for a change, "<message>/<attempt>/<slot>" for an outbox
// delivery), which is atomic on both stores.
//
// What differs per store mode is picked in one place, ForMode (mode.go):
// the write queue and group commit (group.go), the skipped indexes, and on
// the embedded store the Memory copy (memory.go) with the duplicate-index
// cells (cells.go) left to it.
package complaintdb

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"cleancity/complaints"
	"cleancity/portal/apperr"
)

// Collection names.
const (
	CasesCollection      = "complaints"
	EventsCollection     = "complaint_events"
	CategoriesCollection = "complaint_categories"
	CellsCollection      = "complaint_cells"
	OutboxCollection     = "complaint_outbox"
	LeasesCollection     = "complaint_outbox_leases"
	ClaimsCollection     = "complaint_claims"
	PhotoBucket          = "complaint_photos"
)

// rollForwardAfter is how old an event must be before a writer that finds
// the case snapshot behind it completes the snapshot itself (the writer that
// recorded the event died between its two writes).
const rollForwardAfter = 10 * time.Second

// Store implements complaints.Store on a MongoDB database.
type Store struct {
	db     *mongo.Database
	cases  *mongo.Collection
	events *mongo.Collection
	cats   *mongo.Collection
	cells  *mongo.Collection
	outbox *mongo.Collection
	leases *mongo.Collection
	intake *mongo.Collection
	claims *mongo.Collection
	photos *mongo.GridFSBucket
	// gate, when set, limits this process's concurrent writes (see
	// SerializeWrites).
	gate chan struct{}
	// group, when set, batches concurrent filings (see GroupFilings).
	group     *batcher[newCase]
	cellGroup *batcher[mongo.WriteModel]
	// secondary is whether EnsureIndexes makes the list indexes, and
	// skipCells whether Create leaves the duplicate index alone (a
	// memory copy answers duplicate checks): see ForMode.
	secondary bool
	skipCells bool
	log       *slog.Logger
}

// SerializeWrites limits this process's concurrent writes to n. On the
// embedded store SQLite takes one writer at a time and makes the others
// sleep and retry (busy timeout), so queueing them here instead raises
// throughput and cuts the latency tail.
func (s *Store) SerializeWrites(n int) {
	if n > 0 {
		s.gate = make(chan struct{}, n)
	}
}

func (s *Store) enter() func() {
	if s.gate == nil {
		return func() {}
	}
	s.gate <- struct{}{}
	return func() { <-s.gate }
}

var _ complaints.Store = (*Store)(nil)

// New returns a store over db as MongoDB needs it: every index, every
// write on its own. ForMode returns the store for another store mode.
func New(db *mongo.Database) *Store {
	return &Store{
		secondary: true,
		log:       slog.Default(),
		db:        db,
		cases:     db.Collection(CasesCollection),
		events:    db.Collection(EventsCollection),
		cats:      db.Collection(CategoriesCollection),
		cells:     db.Collection(CellsCollection),
		outbox:    db.Collection(OutboxCollection),
		leases:    db.Collection(LeasesCollection),
		intake:    db.Collection(IntakeCollection),
		claims:    db.Collection(ClaimsCollection),
		// One chunk per photo: stored photos are at most a few MiB.
		photos: db.GridFSBucket(options.GridFSBucket().SetName(PhotoBucket).SetChunkSizeBytes(8 << 20)),
	}
}

// EnsureIndexes creates the indexes behind every list filter and sweep.
//
// On FerretDB v1 they only cost: it answers every filter but {_id: x}
// without them (a scan on SQLite, jsonb containment on PostgreSQL that its
// btree indexes do not serve), and each secondary index makes every insert
// and update slower (filing throughput fell by about a third with them),
// so ForMode leaves them off there.
func (s *Store) EnsureIndexes(ctx context.Context) error {
	if err := s.ensurePhotoIndexes(ctx); err != nil {
		return err
	}
	if !s.secondary {
		return nil
	}
	idx := func(keys ...string) mongo.IndexModel {
		d := bson.D{}
		for _, k := range keys {
			dir := 1
			if strings.HasPrefix(k, "-") {
				dir, k = -1, k[1:]
			}
			d = append(d, bson.E{Key: k, Value: dir})
		}
		return mongo.IndexModel{Keys: d}
	}
	sets := []struct {
		c      *mongo.Collection
		models []mongo.IndexModel
	}{
		{s.cases, []mongo.IndexModel{
			idx("status", "due_at"),
			idx("-filed_at", "-_id"),
			idx("category", "-filed_at"),
			idx("district_id", "-filed_at"),
			idx("street_id", "-filed_at"),
			idx("department", "status", "-filed_at"),
			idx("notice_level", "published"),
			idx("reporter_id", "-filed_at"),
			idx("status", "resolved_at"),
		}},
		{s.events, []mongo.IndexModel{idx("at", "_id"), idx("case_id", "seq")}},
		{s.outbox, []mongo.IndexModel{idx("status", "next_at")}},
	}
	// One index per createIndexes: FerretDB v1.24 drops the connection on
	// a createIndexes of several indexes that exist already.
	for _, set := range sets {
		for _, m := range set.models {
			if _, err := set.c.Indexes().CreateOne(ctx, m); err != nil {
				return fmt.Errorf("create indexes on %s: %w", set.c.Name(), err)
			}
		}
	}
	return nil
}

// Categories returns every category sorted by code.
func (s *Store) Categories(ctx context.Context) ([]complaints.Category, error) {
	cur, err := s.cats.Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, fmt.Errorf("find categories: %w", err)
	}
	var docs []categoryDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("read categories: %w", err)
	}
	out := make([]complaints.Category, 0, len(docs))
	for _, d := range docs {
		out = append(out, toCategory(d))
	}
	return out, nil
}

// PutCategory creates or replaces a category.
func (s *Store) PutCategory(ctx context.Context, c complaints.Category) error {
	_, err := s.cats.ReplaceOne(ctx, bson.D{{Key: "_id", Value: c.Code}}, toCategoryDoc(c), options.Replace().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("put category: %w", err)
	}
	return nil
}

// SeedCategories inserts the categories that are missing.
func (s *Store) SeedCategories(ctx context.Context, cats []complaints.Category) (int, error) {
	n := 0
	for _, c := range cats {
		_, err := s.cats.InsertOne(ctx, toCategoryDoc(c))
		if mongo.IsDuplicateKeyError(err) {
			continue
		}
		if err != nil {
			return n, fmt.Errorf("seed category: %w", err)
		}
		n++
	}
	return n, nil
}

// Create stores a new complaint and its first event, and indexes it for
// duplicate checks.
func (s *Store) Create(ctx context.Context, c *complaints.Complaint) error {
	if err := s.create(ctx, c); err != nil {
		return err
	}
	if !s.skipCells {
		s.indexCase(ctx, c)
	}
	return nil
}

func (s *Store) create(ctx context.Context, c *complaints.Complaint) error {
	if s.group != nil {
		return s.createGrouped(ctx, c)
	}
	defer s.enter()()
	_, err := s.cases.InsertOne(ctx, toDoc(c))
	if mongo.IsDuplicateKeyError(err) {
		return complaints.ErrCodeTaken
	}
	if err != nil {
		return fmt.Errorf("insert complaint: %w", err)
	}
	if len(c.Events) > 0 {
		if _, err := s.events.InsertOne(ctx, toEventDoc(c.Events[0])); err != nil && !mongo.IsDuplicateKeyError(err) {
			return fmt.Errorf("insert event: %w", err)
		}
	}
	return nil
}

// CreateMany stores complaints and all their events in batches.
func (s *Store) CreateMany(ctx context.Context, cs []*complaints.Complaint) error {
	const batch = 500
	var docs, evs []any
	flush := func() error {
		if len(docs) > 0 {
			if _, err := s.cases.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false)); err != nil {
				return fmt.Errorf("insert complaints: %w", err)
			}
		}
		if len(evs) > 0 {
			if _, err := s.events.InsertMany(ctx, evs, options.InsertMany().SetOrdered(false)); err != nil {
				return fmt.Errorf("insert events: %w", err)
			}
		}
		docs, evs = docs[:0], evs[:0]
		return nil
	}
	for _, c := range cs {
		docs = append(docs, toDoc(c))
		for _, e := range c.Events {
			evs = append(evs, toEventDoc(e))
		}
		if len(docs) >= batch || len(evs) >= 4*batch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// Get returns one complaint.
func (s *Store) Get(ctx context.Context, id string) (*complaints.Complaint, error) {
	var d caseDoc
	err := s.cases.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, complaints.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("get complaint: %w", err)
	}
	return toComplaint(&d), nil
}

// Reload is Get: nothing here is a copy.
func (s *Store) Reload(ctx context.Context, id string) (*complaints.Complaint, error) {
	return s.Get(ctx, id)
}

// Apply claims the event number by inserting the event, then stores the
// new snapshot.
func (s *Store) Apply(ctx context.Context, prev, next *complaints.Complaint, ev complaints.Event) error {
	if ev.Seq != prev.Version+1 || next.Version != ev.Seq {
		return fmt.Errorf("apply: event %d does not follow version %d", ev.Seq, prev.Version)
	}
	nextDoc := toDoc(next)
	set, unset, err := diff(toDoc(prev), nextDoc)
	if err != nil {
		return err
	}
	defer s.enter()()
	rec := toEventDoc(ev)
	now := time.Now().UTC()
	rec.Set, rec.Unset, rec.RecordedAt = set, unset, &now
	if _, err := s.events.InsertOne(ctx, rec); err != nil {
		if mongo.IsDuplicateKeyError(err) {
			s.rollForward(ctx, ev.ID, prev.ID, ev.Seq)
			return complaints.ErrStale
		}
		return fmt.Errorf("record event: %w", err)
	}
	// The event number is ours alone, so no other writer stores this
	// version; the filter is {_id} only because that is the one filter
	// FerretDB answers without scanning.
	if _, err := s.cases.ReplaceOne(ctx, bson.D{{Key: "_id", Value: prev.ID}}, nextDoc); err != nil {
		return fmt.Errorf("store complaint: %w", err)
	}
	return nil
}

// rollForward completes a snapshot that stopped one event short because
// its writer died between recording the event and storing the snapshot.
func (s *Store) rollForward(ctx context.Context, eventID, caseID string, seq int) {
	var rec eventDoc
	if err := s.events.FindOne(ctx, bson.D{{Key: "_id", Value: eventID}}).Decode(&rec); err != nil {
		return
	}
	if rec.RecordedAt == nil || time.Since(*rec.RecordedAt) < rollForwardAfter {
		return // its writer is probably still at work
	}
	var cur bson.M
	if err := s.cases.FindOne(ctx, bson.D{{Key: "_id", Value: caseID}}).Decode(&cur); err != nil {
		return
	}
	var v int64
	switch n := cur["version"].(type) {
	case int32:
		v = int64(n)
	case int64:
		v = n
	}
	if int(v) != seq-1 {
		return
	}
	var set bson.M
	if len(rec.Set) > 0 {
		_ = bson.Unmarshal(rec.Set, &set)
	}
	for k, v := range set {
		cur[k] = v
	}
	for _, k := range rec.Unset {
		delete(cur, k)
	}
	events, _ := cur["events"].(bson.A)
	rec.Set, rec.Unset, rec.RecordedAt = nil, nil, nil
	cur["events"] = append(events, rec)
	cur["version"] = seq
	_, _ = s.cases.ReplaceOne(ctx, bson.D{{Key: "_id", Value: caseID}}, cur)
}

// diff returns the top-level fields of next that differ from prev (as a
// document) and the fields prev has that next lacks; events, version and
// the search text are left out.
func diff(prev, next *caseDoc) (bson.Raw, []string, error) {
	pb, err := bson.Marshal(prev)
	if err != nil {
		return nil, nil, err
	}
	nb, err := bson.Marshal(next)
	if err != nil {
		return nil, nil, err
	}
	pr, nr := bson.Raw(pb), bson.Raw(nb)
	skip := map[string]bool{"events": true, "version": true, "_id": true}
	set := bson.D{}
	nels, err := nr.Elements()
	if err != nil {
		return nil, nil, err
	}
	for _, e := range nels {
		k := e.Key()
		if skip[k] {
			continue
		}
		old, err := pr.LookupErr(k)
		if err == nil && old.Type == e.Value().Type && bytes.Equal(old.Value, e.Value().Value) {
			continue
		}
		set = append(set, bson.E{Key: k, Value: e.Value()})
	}
	var unset []string
	pels, err := pr.Elements()
	if err != nil {
		return nil, nil, err
	}
	for _, e := range pels {
		if skip[e.Key()] {
			continue
		}
		if _, err := nr.LookupErr(e.Key()); err != nil {
			unset = append(unset, e.Key())
		}
	}
	raw, err := bson.Marshal(set)
	return raw, unset, err
}

var openStatuses = func() bson.A {
	a := bson.A{}
	for _, s := range complaints.OpenStatuses {
		a = append(a, string(s))
	}
	return a
}()

var closedStatuses = bson.A{string(complaints.StatusResolved), string(complaints.StatusClosed), string(complaints.StatusRejected)}

// filterDoc translates a Filter into a query and its sort: the query
// selects what f.Match does (TestFiltersMatchOnEveryStore holds them
// equal).
func filterDoc(f complaints.Filter) (bson.D, bson.D) {
	and := bson.A{}
	q := bson.D{}
	add := func(k string, v any) { q = append(q, bson.E{Key: k, Value: v}) }
	if len(f.Statuses) > 0 {
		a := bson.A{}
		for _, st := range f.Statuses {
			a = append(a, string(st))
		}
		if len(a) == 1 {
			// Equality, not $in: FerretDB's PostgreSQL handler pushes only
			// scalar equality down to PostgreSQL (a staff list by one
			// status scanned every case).
			add("status", a[0])
		} else {
			add("status", bson.D{{Key: "$in", Value: a}})
		}
	}
	for k, v := range map[string]string{"category": f.Category, "district_id": f.DistrictID, "street_id": f.StreetID,
		"department": f.Department, "reporter_id": f.ReporterID} {
		if v != "" {
			add(k, v)
		}
	}
	if len(f.Categories) > 0 {
		a := bson.A{}
		for _, c := range f.Categories {
			a = append(a, c)
		}
		and = append(and, bson.D{{Key: "category", Value: bson.D{{Key: "$in", Value: a}}}})
	}
	if f.NoticeLevel != nil {
		add("notice_level", *f.NoticeLevel)
	}
	if f.Published != nil {
		add("published", *f.Published)
	}
	if !f.From.IsZero() || !f.To.IsZero() {
		r := bson.D{}
		if !f.From.IsZero() {
			r = append(r, bson.E{Key: "$gte", Value: f.From.UTC()})
		}
		if !f.To.IsZero() {
			r = append(r, bson.E{Key: "$lt", Value: f.To.UTC()})
		}
		add("filed_at", r)
	}
	if !f.UpdatedFrom.IsZero() || !f.UpdatedTo.IsZero() {
		r := bson.D{}
		if !f.UpdatedFrom.IsZero() {
			r = append(r, bson.E{Key: "$gte", Value: f.UpdatedFrom.UTC()})
		}
		if !f.UpdatedTo.IsZero() {
			r = append(r, bson.E{Key: "$lt", Value: f.UpdatedTo.UTC()})
		}
		add("updated_at", r)
	}
	if f.AwaitingModeration {
		add("private", bson.D{{Key: "$ne", Value: true}})
		and = append(and, bson.D{{Key: "$or", Value: bson.A{
			bson.D{{Key: "moderation", Value: string(complaints.ModerationPending)}},
			bson.D{{Key: "moderation", Value: bson.D{{Key: "$exists", Value: false}}}},
		}}})
	}
	if f.Text != "" {
		add("search", bson.D{{Key: "$regex", Value: regexp.QuoteMeta(strings.ToLower(f.Text))}})
	}
	if f.Overdue != nil {
		if *f.Overdue {
			and = append(and, bson.D{{Key: "status", Value: bson.D{{Key: "$in", Value: openStatuses}}},
				{Key: "due_at", Value: bson.D{{Key: "$lt", Value: f.Now.UTC()}}}})
		} else {
			and = append(and, bson.D{{Key: "$or", Value: bson.A{
				bson.D{{Key: "status", Value: bson.D{{Key: "$in", Value: closedStatuses}}}},
				bson.D{{Key: "due_at", Value: bson.D{{Key: "$gte", Value: f.Now.UTC()}}}},
			}}})
		}
	}
	field, desc := f.Order()
	dir := 1
	if desc {
		dir = -1
	}
	if f.After != nil {
		op := "$gt"
		if dir < 0 {
			op = "$lt"
		}
		v := f.After.Value.UTC()
		and = append(and, bson.D{{Key: "$or", Value: bson.A{
			bson.D{{Key: field, Value: bson.D{{Key: op, Value: v}}}},
			bson.D{{Key: field, Value: v}, {Key: "_id", Value: bson.D{{Key: op, Value: f.After.ID}}}},
		}}})
	}
	if len(and) > 0 {
		add("$and", and)
	}
	return q, bson.D{{Key: field, Value: dir}, {Key: "_id", Value: dir}}
}

// List returns the complaints matching f.
func (s *Store) List(ctx context.Context, f complaints.Filter) ([]*complaints.Complaint, error) {
	q, sort := filterDoc(f)
	opts := options.Find().SetSort(sort)
	if f.Limit > 0 {
		opts.SetLimit(int64(f.Limit))
	}
	if f.Summary {
		opts.SetProjection(bson.D{{Key: "events", Value: 0}, {Key: "supporter_ids", Value: 0}, {Key: "supporter_devices", Value: 0}, {Key: "search", Value: 0}})
	}
	cur, err := s.cases.Find(ctx, q, opts)
	if err != nil {
		return nil, fmt.Errorf("list complaints: %w", err)
	}
	defer cur.Close(ctx)
	var out []*complaints.Complaint
	for cur.Next(ctx) {
		var d caseDoc
		if err := cur.Decode(&d); err != nil {
			return nil, fmt.Errorf("decode complaint: %w", err)
		}
		out = append(out, toComplaint(&d))
	}
	if err := cur.Err(); err != nil {
		return nil, fmt.Errorf("list complaints: %w", err)
	}
	return out, nil
}

// SweepCandidates returns ids of overdue unpublished open cases and of old resolutions.
func (s *Store) SweepCandidates(ctx context.Context, now, resolvedBefore time.Time) ([]string, error) {
	q := bson.D{{Key: "$or", Value: bson.A{
		bson.D{{Key: "status", Value: bson.D{{Key: "$in", Value: openStatuses}}},
			{Key: "due_at", Value: bson.D{{Key: "$lt", Value: now.UTC()}}},
			{Key: "published", Value: false}},
		bson.D{{Key: "status", Value: string(complaints.StatusResolved)},
			{Key: "resolved_at", Value: bson.D{{Key: "$lte", Value: resolvedBefore.UTC()}}}},
	}}}
	return s.caseIDs(ctx, q, "sweep query")
}

// ContactCandidates returns ids of closed cases that still hold a contact.
func (s *Store) ContactCandidates(ctx context.Context, closedBefore time.Time) ([]string, error) {
	q := bson.D{
		{Key: "status", Value: bson.D{{Key: "$in", Value: bson.A{string(complaints.StatusClosed), string(complaints.StatusRejected)}}}},
		{Key: "closed_at", Value: bson.D{{Key: "$lt", Value: closedBefore.UTC()}}},
		{Key: "$or", Value: bson.A{
			bson.D{{Key: "contact", Value: bson.D{{Key: "$exists", Value: true}}}},
			bson.D{{Key: "contact_code", Value: bson.D{{Key: "$exists", Value: true}}}},
		}},
	}
	return s.caseIDs(ctx, q, "contact sweep query")
}

// Claim inserts the claim document; a duplicate key means someone else has it.
func (s *Store) Claim(ctx context.Context, key string, at time.Time) (bool, error) {
	defer s.enter()()
	_, err := s.claims.InsertOne(ctx, bson.D{{Key: "_id", Value: key}, {Key: "at", Value: at.UTC()}})
	if mongo.IsDuplicateKeyError(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("claim %s: %w", key, err)
	}
	return true, nil
}

// ForgetMessages deletes a case's messages.
func (s *Store) ForgetMessages(ctx context.Context, caseID string) error {
	defer s.enter()()
	_, err := s.outbox.DeleteMany(ctx, bson.D{{Key: "case_id", Value: caseID}})
	if err != nil {
		return fmt.Errorf("forget messages of %s: %w", caseID, err)
	}
	return nil
}

// PruneClaims deletes old claims.
func (s *Store) PruneClaims(ctx context.Context, before time.Time) error {
	defer s.enter()()
	if _, err := s.claims.DeleteMany(ctx, bson.D{{Key: "at", Value: bson.D{{Key: "$lt", Value: before.UTC()}}}}); err != nil {
		return fmt.Errorf("prune claims: %w", err)
	}
	return nil
}

// Events returns events after the cursor in (at, _id) order.
func (s *Store) Events(ctx context.Context, after complaints.EventCursor, limit int) ([]complaints.Event, error) {
	q := bson.D{}
	if !after.At.IsZero() || after.ID != "" {
		t := after.At.UTC()
		q = bson.D{{Key: "$or", Value: bson.A{
			bson.D{{Key: "at", Value: bson.D{{Key: "$gt", Value: t}}}},
			bson.D{{Key: "at", Value: t}, {Key: "_id", Value: bson.D{{Key: "$gt", Value: after.ID}}}},
		}}}
	}
	opts := options.Find().SetSort(bson.D{{Key: "at", Value: 1}, {Key: "_id", Value: 1}}).SetLimit(int64(limit)).
		SetProjection(bson.D{{Key: "set", Value: 0}, {Key: "unset", Value: 0}, {Key: "recorded_at", Value: 0}})
	cur, err := s.events.Find(ctx, q, opts)
	if err != nil {
		return nil, fmt.Errorf("find events: %w", err)
	}
	var docs []eventDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("read events: %w", err)
	}
	out := make([]complaints.Event, 0, len(docs))
	for _, d := range docs {
		out = append(out, toEvent(d))
	}
	return out, nil
}

// PutPhoto stores a JPEG in GridFS.
func (s *Store) PutPhoto(ctx context.Context, name string, data []byte) (string, error) {
	id, err := s.photos.UploadFromStream(ctx, name, bytes.NewReader(data))
	if err != nil {
		return "", fmt.Errorf("store photo: %w", err)
	}
	return id.Hex(), nil
}

var errBadPhotoID = apperr.New(apperr.NotFound, "no such photo")

// Photo reads a stored JPEG.
func (s *Store) Photo(ctx context.Context, id string) ([]byte, error) {
	oid, err := bson.ObjectIDFromHex(id)
	if err != nil {
		return nil, errBadPhotoID
	}
	stream, err := s.photos.OpenDownloadStream(ctx, oid)
	if errors.Is(err, mongo.ErrFileNotFound) {
		return nil, errBadPhotoID
	}
	if err != nil {
		return nil, fmt.Errorf("open photo: %w", err)
	}
	defer stream.Close()
	data, err := io.ReadAll(stream)
	if err != nil {
		return nil, fmt.Errorf("read photo: %w", err)
	}
	return data, nil
}

// DeletePhoto removes a stored photo.
func (s *Store) DeletePhoto(ctx context.Context, id string) error {
	oid, err := bson.ObjectIDFromHex(id)
	if err != nil {
		return nil
	}
	if err := s.photos.Delete(ctx, oid); err != nil && !errors.Is(err, mongo.ErrFileNotFound) {
		return fmt.Errorf("delete photo: %w", err)
	}
	return nil
}

// Enqueue stores messages, skipping those that exist.
func (s *Store) Enqueue(ctx context.Context, msgs []complaints.Message) error {
	docs := make([]any, 0, len(msgs))
	for _, m := range msgs {
		docs = append(docs, toMessageDoc(m))
	}
	if len(docs) == 0 {
		return nil
	}
	_, err := s.outbox.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	if err != nil && !mongo.IsDuplicateKeyError(err) {
		return fmt.Errorf("enqueue: %w", err)
	}
	return nil
}

// DueMessages returns pending messages due at now.
func (s *Store) DueMessages(ctx context.Context, now time.Time, limit int) ([]complaints.Message, error) {
	cur, err := s.outbox.Find(ctx, bson.D{{Key: "status", Value: complaints.MessagePending},
		{Key: "next_at", Value: bson.D{{Key: "$lte", Value: now.UTC()}}}},
		options.Find().SetSort(bson.D{{Key: "next_at", Value: 1}, {Key: "_id", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, fmt.Errorf("due messages: %w", err)
	}
	var docs []messageDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("read messages: %w", err)
	}
	out := make([]complaints.Message, 0, len(docs))
	for _, d := range docs {
		out = append(out, toMessage(d))
	}
	return out, nil
}

// ClaimMessage inserts the lease claim of one attempt in one slot.
func (s *Store) ClaimMessage(ctx context.Context, id string, attempt int, slot int64, owner string, now time.Time) (bool, error) {
	_, err := s.leases.InsertOne(ctx, bson.D{
		{Key: "_id", Value: fmt.Sprintf("%s/%d/%d", id, attempt, slot)},
		{Key: "owner", Value: owner}, {Key: "at", Value: now.UTC()},
	})
	if mongo.IsDuplicateKeyError(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("claim message: %w", err)
	}
	return true, nil
}

// MessageDone marks a message sent.
func (s *Store) MessageDone(ctx context.Context, id string, now time.Time) error {
	_, err := s.outbox.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{{Key: "$set", Value: bson.D{
		{Key: "status", Value: complaints.MessageSent}, {Key: "sent_at", Value: now.UTC()}}}, {Key: "$inc", Value: bson.D{{Key: "attempts", Value: 1}}}})
	if err != nil {
		return fmt.Errorf("message done: %w", err)
	}
	return nil
}

// MessageFailed records a failed attempt.
func (s *Store) MessageFailed(ctx context.Context, id string, attempts int, next time.Time, lastErr string, dead bool) error {
	status := complaints.MessagePending
	if dead {
		status = complaints.MessageDead
	}
	_, err := s.outbox.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{{Key: "$set", Value: bson.D{
		{Key: "status", Value: status}, {Key: "attempts", Value: attempts}, {Key: "next_at", Value: next.UTC()},
		{Key: "last_error", Value: lastErr}}}})
	if err != nil {
		return fmt.Errorf("message failed: %w", err)
	}
	return nil
}

// Message returns one outbox message.
func (s *Store) Message(ctx context.Context, id string) (complaints.Message, error) {
	var d messageDoc
	err := s.outbox.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return complaints.Message{}, apperr.New(apperr.NotFound, "no such message")
	}
	if err != nil {
		return complaints.Message{}, fmt.Errorf("get message: %w", err)
	}
	return toMessage(d), nil
}

// PruneLeases deletes lease claims, and messages sent, before a time.
func (s *Store) PruneLeases(ctx context.Context, before time.Time) error {
	if _, err := s.leases.DeleteMany(ctx, bson.D{{Key: "at", Value: bson.D{{Key: "$lt", Value: before.UTC()}}}}); err != nil {
		return fmt.Errorf("prune leases: %w", err)
	}
	if _, err := s.outbox.DeleteMany(ctx, bson.D{{Key: "status", Value: complaints.MessageSent},
		{Key: "sent_at", Value: bson.D{{Key: "$lt", Value: before.UTC()}}}}); err != nil {
		return fmt.Errorf("prune messages: %w", err)
	}
	return nil
}

// caseIDs returns the ids of the cases q selects, sorted.
func (s *Store) caseIDs(ctx context.Context, q bson.D, what string) ([]string, error) {
	cur, err := s.cases.Find(ctx, q, options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}}).SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer cur.Close(ctx)
	var ids []string
	for cur.Next(ctx) {
		var d struct {
			ID string `bson:"_id"`
		}
		if err := cur.Decode(&d); err != nil {
			return nil, err
		}
		ids = append(ids, d.ID)
	}
	return ids, cur.Err()
}
