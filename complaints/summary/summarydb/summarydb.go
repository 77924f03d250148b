// Package summarydb stores the dashboard summaries on MongoDB (and the
// embedded FerretDB): one document per city day, one per department's open
// cases, a head document with their revisions, the queue of facts, and the
// applier's lease claims.
//
// Every read the dashboard makes is by exact _id (the only filter FerretDB
// v1 answers from an index), and documents are written whole by the one
// lease holder, because FerretDB v1 loses concurrent updates of a document
// (even $inc). Queueing and lease claims are inserts keyed by _id, which
// are atomic on both stores.
package summarydb

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"cleancity/complaints"
	"cleancity/complaints/complaintdb"
	"cleancity/complaints/summary"
)

// Collection names.
const (
	DaysCollection   = "summary_days"
	OpenCollection   = "summary_open"
	MetaCollection   = "summary_meta"
	QueueCollection  = "summary_queue"
	LeasesCollection = "summary_leases"
)

const headID = "head"

// Store implements summary.Store.
type Store struct {
	db     *mongo.Database
	days   *mongo.Collection
	open   *mongo.Collection
	meta   *mongo.Collection
	queue  *mongo.Collection
	leases *mongo.Collection
	cases  *mongo.Collection
}

var _ summary.Store = (*Store)(nil)

// New returns the store over db.
func New(db *mongo.Database) *Store {
	return &Store{db: db, days: db.Collection(DaysCollection), open: db.Collection(OpenCollection),
		meta: db.Collection(MetaCollection), queue: db.Collection(QueueCollection),
		leases: db.Collection(LeasesCollection), cases: db.Collection(complaintdb.CasesCollection)}
}

// Queue inserts facts keyed by event id; existing ones are skipped.
func (s *Store) Queue(ctx context.Context, facts []summary.Fact) error {
	if len(facts) == 0 {
		return nil
	}
	docs := make([]any, 0, len(facts))
	for i := range facts {
		docs = append(docs, toFactDoc(&facts[i]))
	}
	_, err := s.queue.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	if err != nil && !allDuplicates(err) {
		return fmt.Errorf("queue facts: %w", err)
	}
	return nil
}

// allDuplicates reports whether every write error of a bulk insert is a
// duplicate key (the facts were queued already).
func allDuplicates(err error) bool {
	var bwe mongo.BulkWriteException
	if errors.As(err, &bwe) {
		if bwe.WriteConcernError != nil {
			return false
		}
		for _, we := range bwe.WriteErrors {
			if we.Code != 11000 {
				return false
			}
		}
		return len(bwe.WriteErrors) > 0
	}
	return mongo.IsDuplicateKeyError(err)
}

// Queued returns up to limit queued facts.
func (s *Store) Queued(ctx context.Context, limit int) ([]summary.Fact, error) {
	cur, err := s.queue.Find(ctx, bson.D{}, options.Find().SetLimit(int64(limit)))
	if err != nil {
		return nil, fmt.Errorf("read queue: %w", err)
	}
	var docs []factDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("read queue: %w", err)
	}
	out := make([]summary.Fact, 0, len(docs))
	for i := range docs {
		out = append(out, toFact(&docs[i]))
	}
	return out, nil
}

// Unqueue deletes queued facts.
func (s *Store) Unqueue(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	a := bson.A{}
	for _, id := range ids {
		a = append(a, id)
	}
	if _, err := s.queue.DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: a}}}}); err != nil {
		return fmt.Errorf("unqueue: %w", err)
	}
	return nil
}

// Head reads the head document.
func (s *Store) Head(ctx context.Context) (summary.Head, error) {
	var d headDoc
	err := s.meta.FindOne(ctx, bson.D{{Key: "_id", Value: headID}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return summary.Head{Docs: map[string]int64{}}, nil
	}
	if err != nil {
		return summary.Head{}, fmt.Errorf("read head: %w", err)
	}
	return toHead(&d), nil
}

// Days reads days one by one by _id (an $in would scan on FerretDB).
func (s *Store) Days(ctx context.Context, dates []string) ([]*summary.Day, error) {
	var out []*summary.Day
	for _, date := range dates {
		var d dayDoc
		err := s.days.FindOne(ctx, bson.D{{Key: "_id", Value: date}}).Decode(&d)
		if errors.Is(err, mongo.ErrNoDocuments) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read day: %w", err)
		}
		day, err := toDay(&d)
		if err != nil {
			return nil, err
		}
		out = append(out, day)
	}
	return out, nil
}

// OpenSets reads departments' open sets by _id.
func (s *Store) OpenSets(ctx context.Context, depts []string) ([]*summary.OpenSet, error) {
	var out []*summary.OpenSet
	for _, dept := range depts {
		var d openDoc
		err := s.open.FindOne(ctx, bson.D{{Key: "_id", Value: dept}}).Decode(&d)
		if errors.Is(err, mongo.ErrNoDocuments) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read open set: %w", err)
		}
		o, err := toOpenSet(&d)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}

// All reads every day and open set.
func (s *Store) All(ctx context.Context) ([]*summary.Day, []*summary.OpenSet, error) {
	return s.find(ctx, bson.D{})
}

// find reads the days and open sets that match filter.
func (s *Store) find(ctx context.Context, filter bson.D) ([]*summary.Day, []*summary.OpenSet, error) {
	cur, err := s.days.Find(ctx, filter, options.Find().SetBatchSize(50))
	if err != nil {
		return nil, nil, fmt.Errorf("read days: %w", err)
	}
	var days []*summary.Day
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var d dayDoc
		if err := cur.Decode(&d); err != nil {
			return nil, nil, fmt.Errorf("decode day: %w", err)
		}
		day, err := toDay(&d)
		if err != nil {
			return nil, nil, err
		}
		days = append(days, day)
	}
	if err := cur.Err(); err != nil {
		return nil, nil, fmt.Errorf("read days: %w", err)
	}
	oc, err := s.open.Find(ctx, filter)
	if err != nil {
		return nil, nil, fmt.Errorf("read open sets: %w", err)
	}
	var odocs []openDoc
	if err := oc.All(ctx, &odocs); err != nil {
		return nil, nil, fmt.Errorf("read open sets: %w", err)
	}
	sets := make([]*summary.OpenSet, 0, len(odocs))
	for i := range odocs {
		o, err := toOpenSet(&odocs[i])
		if err != nil {
			return nil, nil, err
		}
		sets = append(sets, o)
	}
	return days, sets, nil
}

// Save replaces each given document by _id, then the head.
func (s *Store) Save(ctx context.Context, days []*summary.Day, sets []*summary.OpenSet, head summary.Head) error {
	if _, err := s.replace(ctx, days, sets, true); err != nil {
		return err
	}
	if _, err := s.meta.ReplaceOne(ctx, bson.D{{Key: "_id", Value: headID}}, toHeadDoc(head), options.Replace().SetUpsert(true)); err != nil {
		return fmt.Errorf("save head: %w", err)
	}
	return nil
}

// replace writes each day and open set whole, by _id, in the current
// format (upsert: create missing ones), and returns how many it wrote.
func (s *Store) replace(ctx context.Context, days []*summary.Day, sets []*summary.OpenSet, upsert bool) (int, error) {
	opts := options.Replace().SetUpsert(upsert)
	n := 0
	for _, d := range days {
		doc, err := toDayDoc(d)
		if err != nil {
			return n, err
		}
		if _, err := s.days.ReplaceOne(ctx, bson.D{{Key: "_id", Value: d.Date}}, doc, opts); err != nil {
			return n, fmt.Errorf("save day: %w", err)
		}
		n++
	}
	for _, o := range sets {
		doc, err := toOpenDoc(o)
		if err != nil {
			return n, err
		}
		if _, err := s.open.ReplaceOne(ctx, bson.D{{Key: "_id", Value: o.Department}}, doc, opts); err != nil {
			return n, fmt.Errorf("save open set: %w", err)
		}
		n++
	}
	return n, nil
}

// Replace deletes every day and open set and inserts the given ones.
func (s *Store) Replace(ctx context.Context, days []*summary.Day, sets []*summary.OpenSet, head summary.Head) error {
	if _, err := s.days.DeleteMany(ctx, bson.D{}); err != nil {
		return fmt.Errorf("clear days: %w", err)
	}
	if _, err := s.open.DeleteMany(ctx, bson.D{}); err != nil {
		return fmt.Errorf("clear open sets: %w", err)
	}
	var docs []any
	flush := func(c *mongo.Collection) error {
		if len(docs) == 0 {
			return nil
		}
		_, err := c.InsertMany(ctx, docs)
		docs = docs[:0]
		return err
	}
	for _, d := range days {
		doc, err := toDayDoc(d)
		if err != nil {
			return err
		}
		docs = append(docs, doc)
		if len(docs) >= 20 {
			if err := flush(s.days); err != nil {
				return fmt.Errorf("insert days: %w", err)
			}
		}
	}
	if err := flush(s.days); err != nil {
		return fmt.Errorf("insert days: %w", err)
	}
	for _, o := range sets {
		doc, err := toOpenDoc(o)
		if err != nil {
			return err
		}
		docs = append(docs, doc)
		if len(docs) >= 5 {
			if err := flush(s.open); err != nil {
				return fmt.Errorf("insert open sets: %w", err)
			}
		}
	}
	if err := flush(s.open); err != nil {
		return fmt.Errorf("insert open sets: %w", err)
	}
	if _, err := s.meta.ReplaceOne(ctx, bson.D{{Key: "_id", Value: headID}}, toHeadDoc(head), options.Replace().SetUpsert(true)); err != nil {
		return fmt.Errorf("save head: %w", err)
	}
	return nil
}

// Upgrade rewrites day and open-set documents stored in an older format
// in the current one, with the same content, and returns how many it
// rewrote. Only the applier lease holder may call it (it writes whole
// documents, like Save); the head is unchanged, since the figures are.
func (s *Store) Upgrade(ctx context.Context) (int, error) {
	days, sets, err := s.find(ctx, bson.D{{Key: "fmt", Value: bson.D{{Key: "$ne", Value: packedFormat}}}})
	if err != nil {
		return 0, fmt.Errorf("find old documents: %w", err)
	}
	return s.replace(ctx, days, sets, false)
}

// processID is the meta document that says whether the embedded store's
// process stopped cleanly.
const processID = "process"

type processDoc struct {
	ID        string    `bson:"_id"`
	Clean     bool      `bson:"clean"`
	StartedAt time.Time `bson:"started_at"`
	StoppedAt time.Time `bson:"stopped_at,omitempty"`
}

// MarkRunning records that the store's one process (the embedded store's)
// is running, and reports whether the previous one recorded a clean stop;
// known is false when no process recorded anything yet.
func (s *Store) MarkRunning(ctx context.Context, at time.Time) (clean, known bool, err error) {
	var d processDoc
	err = s.meta.FindOne(ctx, bson.D{{Key: "_id", Value: processID}}).Decode(&d)
	switch {
	case errors.Is(err, mongo.ErrNoDocuments):
	case err != nil:
		return false, false, fmt.Errorf("read process state: %w", err)
	default:
		clean, known = d.Clean, true
	}
	_, err = s.meta.ReplaceOne(ctx, bson.D{{Key: "_id", Value: processID}},
		processDoc{ID: processID, StartedAt: at.UTC()}, options.Replace().SetUpsert(true))
	if err != nil {
		return false, false, fmt.Errorf("save process state: %w", err)
	}
	return clean, known, nil
}

// MarkStopped records a clean stop (after the held facts were queued).
func (s *Store) MarkStopped(ctx context.Context, at time.Time) error {
	_, err := s.meta.UpdateOne(ctx, bson.D{{Key: "_id", Value: processID}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "clean", Value: true}, {Key: "stopped_at", Value: at.UTC()}}}})
	if err != nil {
		return fmt.Errorf("save process state: %w", err)
	}
	return nil
}

// Claim inserts the claim of a lease slot.
func (s *Store) Claim(ctx context.Context, name string, slot int64, owner string) (bool, error) {
	id := fmt.Sprintf("%s/%d", name, slot)
	_, err := s.leases.InsertOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "owner", Value: owner},
		{Key: "at", Value: time.Now().UTC()}})
	if mongo.IsDuplicateKeyError(err) {
		var d struct {
			Owner string `bson:"owner"`
		}
		if err := s.leases.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d); err != nil {
			return false, fmt.Errorf("read lease: %w", err)
		}
		return d.Owner == owner, nil
	}
	if err != nil {
		return false, fmt.Errorf("claim lease: %w", err)
	}
	return true, nil
}

// PruneLeases deletes lease claims older than before.
func (s *Store) PruneLeases(ctx context.Context, before time.Time) error {
	_, err := s.leases.DeleteMany(ctx, bson.D{{Key: "at", Value: bson.D{{Key: "$lt", Value: before.UTC()}}}})
	if err != nil {
		return fmt.Errorf("prune leases: %w", err)
	}
	return nil
}

// EachCase streams every complaint, with the fields the summaries need
// and its history, from the complaint store's collection (read-only).
func (s *Store) EachCase(ctx context.Context, fn func(*complaints.Complaint) error) error {
	proj := bson.D{}
	for _, k := range []string{"category", "grid_id", "street_id", "district_id", "department", "status", "version",
		"filed_at", "due_at", "notice_level", "published", "events"} {
		proj = append(proj, bson.E{Key: k, Value: 1})
	}
	cur, err := s.cases.Find(ctx, bson.D{}, options.Find().SetProjection(proj).SetBatchSize(1000))
	if err != nil {
		return fmt.Errorf("read complaints: %w", err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var d caseDoc
		if err := cur.Decode(&d); err != nil {
			return fmt.Errorf("decode complaint: %w", err)
		}
		if err := fn(toComplaint(&d)); err != nil {
			return err
		}
	}
	if err := cur.Err(); err != nil {
		return fmt.Errorf("read complaints: %w", err)
	}
	return nil
}
