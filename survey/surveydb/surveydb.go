// Package surveydb is the survey store on MongoDB (and the embedded
// FerretDB): questionnaires, rounds, assignments and responses. It uses
// only what both support (see DESIGN.md): unique compound indexes,
// conditional single-document updates with a version field, insertMany,
// and $match/$group($sum) aggregation.
package surveydb

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"cleancity/portal/store"
	"cleancity/survey"
)

// Collection names.
const (
	CollQuestionnaires = "survey_questionnaires"
	CollRounds         = "survey_rounds"
	CollAssignments    = "survey_assignments"
	CollResponses      = "survey_responses"
	CollActivity       = "survey_activity"
)

// Store implements survey.Store.
type Store struct {
	db          *mongo.Database
	forms       *mongo.Collection
	rounds      *mongo.Collection
	assignments *mongo.Collection
	responses   *mongo.Collection
	activity    *mongo.Collection
	tallies     *mongo.Collection
	pending     *mongo.Collection

	locks *mongo.Collection

	// writers and secondary are the store mode's adaptations (ForMode).
	writers   writers
	secondary bool
	ts        *tallyState
}

var _ survey.Store = (*Store)(nil)

// New returns the store over db for MongoDB: several writers, atomic
// updates, every index. ForMode returns it as another store mode needs
// it. Call EnsureIndexes once at start.
func New(db *mongo.Database) *Store {
	return &Store{
		db:          db,
		forms:       db.Collection(CollQuestionnaires),
		rounds:      db.Collection(CollRounds),
		assignments: db.Collection(CollAssignments),
		responses:   db.Collection(CollResponses),
		activity:    db.Collection(CollActivity),
		tallies:     db.Collection(CollTallies),
		pending:     db.Collection(CollTallyPending),
		locks:       db.Collection(CollTallyLocks),
		ts:          newTallyState(),
		secondary:   true,
	}
}

// EnsureIndexes creates the collections' indexes (idempotent). On FerretDB
// (see ForMode) only the small collections' unique keys are made: FerretDB
// v1 answers every filter but {_id: x} without them anyway (a scan on
// SQLite, jsonb containment on PostgreSQL) and each extra index slows
// every insert.
func (s *Store) EnsureIndexes(ctx context.Context) error {
	type ix struct {
		c      *mongo.Collection
		keys   bson.D
		name   string
		unique bool
		// always: created on the embedded store too.
		always bool
	}
	list := []ix{
		{s.forms, bson.D{{Key: "qid", Value: 1}, {Key: "version", Value: 1}}, "qid_version", true, true},
		{s.assignments, bson.D{{Key: "round_id", Value: 1}, {Key: "unit", Value: 1}, {Key: "volunteer", Value: 1}}, "round_unit_volunteer", true, true},
		{s.assignments, bson.D{{Key: "round_id", Value: 1}, {Key: "volunteer", Value: 1}}, "round_volunteer", false, false},
		// Offline phones retry: one response per (round, client id). The
		// primary key _id = "round:client_id" already guarantees it, so
		// this index is an explicit second guard, kept off the embedded
		// store where each unique index slows every insert.
		{s.responses, bson.D{{Key: "round_id", Value: 1}, {Key: "client_id", Value: 1}}, "round_client", true, false},
		{s.responses, bson.D{{Key: "round_id", Value: 1}, {Key: "status", Value: 1}, {Key: "unit", Value: 1}}, "round_status_unit", false, false},
		{s.responses, bson.D{{Key: "round_id", Value: 1}, {Key: "district", Value: 1}, {Key: "_id", Value: 1}}, "round_district_id", false, false},
	}
	for _, i := range list {
		if !s.secondary && !i.always {
			continue
		}
		opts := options.Index().SetName(i.name)
		if i.unique {
			opts.SetUnique(true)
		}
		if _, err := i.c.Indexes().CreateOne(ctx, mongo.IndexModel{Keys: i.keys, Options: opts}); err != nil {
			return fmt.Errorf("create index %s.%s: %w", i.c.Name(), i.name, err)
		}
	}
	return nil
}

// translate maps driver errors to the survey sentinels.
func translate(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, mongo.ErrNoDocuments):
		return fmt.Errorf("%s: %w", op, survey.ErrNotFound)
	case mongo.IsDuplicateKeyError(err):
		return fmt.Errorf("%s: %w", op, survey.ErrDuplicate)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// CreateQuestionnaire implements survey.Store.
func (s *Store) CreateQuestionnaire(ctx context.Context, q survey.Questionnaire) error {
	_, err := s.forms.InsertOne(ctx, toFormDoc(q))
	return translate("create questionnaire", err)
}

// FindQuestionnaire implements survey.Store.
func (s *Store) FindQuestionnaire(ctx context.Context, id string, version int) (survey.Questionnaire, error) {
	var d formDoc
	err := s.forms.FindOne(ctx, bson.D{{Key: "qid", Value: id}, {Key: "version", Value: version}}).Decode(&d)
	if err != nil {
		return survey.Questionnaire{}, translate("find questionnaire", err)
	}
	return d.toQuestionnaire(), nil
}

// ListQuestionnaires implements survey.Store.
func (s *Store) ListQuestionnaires(ctx context.Context) ([]survey.Questionnaire, error) {
	cur, err := s.forms.Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "qid", Value: 1}, {Key: "version", Value: 1}}))
	if err != nil {
		return nil, translate("list questionnaires", err)
	}
	var docs []formDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate("list questionnaires", err)
	}
	out := make([]survey.Questionnaire, 0, len(docs))
	for _, d := range docs {
		out = append(out, d.toQuestionnaire())
	}
	return out, nil
}

// CreateRound implements survey.Store.
func (s *Store) CreateRound(ctx context.Context, r survey.Round) error {
	if _, err := s.rounds.InsertOne(ctx, toRoundDoc(r)); err != nil {
		return translate("create round", err)
	}
	// A new round has no responses: its (empty) tallies are built. The
	// head is written after the round, so a clash with an existing round
	// never marks that round's tallies built.
	_, err := s.tallies.InsertOne(ctx, tallyHeadDoc{ID: r.ID, RoundID: r.ID, Built: true, Units: []string{}})
	if mongo.IsDuplicateKeyError(err) {
		return nil
	}
	return translate("create round tallies", err)
}

// FindRound implements survey.Store.
func (s *Store) FindRound(ctx context.Context, id string) (survey.Round, error) {
	var d roundDoc
	if err := s.rounds.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d); err != nil {
		return survey.Round{}, translate("find round", err)
	}
	return d.toRound(), nil
}

// ListRounds implements survey.Store.
func (s *Store) ListRounds(ctx context.Context) ([]survey.Round, error) {
	cur, err := s.rounds.Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "starts_on", Value: -1}, {Key: "created_at", Value: -1}}))
	if err != nil {
		return nil, translate("list rounds", err)
	}
	var docs []roundDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate("list rounds", err)
	}
	out := make([]survey.Round, 0, len(docs))
	for _, d := range docs {
		out = append(out, d.toRound())
	}
	return out, nil
}

// UpdateRound implements survey.Store.
func (s *Store) UpdateRound(ctx context.Context, r survey.Round) (survey.Round, error) {
	prev := r.Version
	r.Version++
	res, err := s.rounds.ReplaceOne(ctx, bson.D{{Key: "_id", Value: r.ID}, {Key: "version", Value: prev}}, toRoundDoc(r))
	if err != nil {
		return survey.Round{}, translate("update round", err)
	}
	if res.MatchedCount == 0 {
		if _, err := s.FindRound(ctx, r.ID); err != nil {
			return survey.Round{}, err
		}
		return survey.Round{}, fmt.Errorf("update round: %w", survey.ErrVersion)
	}
	return r, nil
}

// AddAssignments implements survey.Store.
func (s *Store) AddAssignments(ctx context.Context, list []survey.Assignment) error {
	if len(list) == 0 {
		return nil
	}
	models := make([]mongo.WriteModel, 0, len(list))
	for _, a := range list {
		models = append(models, mongo.NewUpdateOneModel().
			SetFilter(bson.D{{Key: "round_id", Value: a.RoundID}, {Key: "unit", Value: a.Unit}, {Key: "volunteer", Value: a.Volunteer}}).
			SetUpdate(bson.D{{Key: "$setOnInsert", Value: bson.D{
				{Key: "assigned_by", Value: a.AssignedBy}, {Key: "assigned_at", Value: a.AssignedAt}}}}).
			SetUpsert(true))
	}
	// At most store.UpdateBatch statements per command (FerretDB v1).
	for i := 0; i < len(models); i += store.UpdateBatch {
		_, err := s.assignments.BulkWrite(ctx, models[i:min(i+store.UpdateBatch, len(models))], options.BulkWrite().SetOrdered(false))
		if mongo.IsDuplicateKeyError(err) {
			// Two requests upserted the same pair at once: it exists, as asked.
			continue
		}
		if err != nil {
			return translate("add assignments", err)
		}
	}
	return nil
}

// RemoveAssignment implements survey.Store.
func (s *Store) RemoveAssignment(ctx context.Context, roundID, unit, volunteer string) error {
	res, err := s.assignments.DeleteOne(ctx, bson.D{{Key: "round_id", Value: roundID}, {Key: "unit", Value: unit}, {Key: "volunteer", Value: volunteer}})
	if err != nil {
		return translate("remove assignment", err)
	}
	if res.DeletedCount == 0 {
		return fmt.Errorf("remove assignment: %w", survey.ErrNotFound)
	}
	return nil
}

// ListAssignments implements survey.Store.
func (s *Store) ListAssignments(ctx context.Context, roundID, volunteer string) ([]survey.Assignment, error) {
	f := bson.D{{Key: "round_id", Value: roundID}}
	if volunteer != "" {
		f = append(f, bson.E{Key: "volunteer", Value: volunteer})
	}
	cur, err := s.assignments.Find(ctx, f, options.Find().SetSort(bson.D{{Key: "unit", Value: 1}, {Key: "volunteer", Value: 1}}))
	if err != nil {
		return nil, translate("list assignments", err)
	}
	var docs []assignmentDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate("list assignments", err)
	}
	out := make([]survey.Assignment, 0, len(docs))
	for _, d := range docs {
		out = append(out, survey.Assignment{RoundID: d.RoundID, Unit: d.Unit, Volunteer: d.Volunteer, AssignedBy: d.AssignedBy, AssignedAt: d.AssignedAt})
	}
	return out, nil
}

// InsertResponses implements survey.Store with one unordered insertMany:
// duplicates fail alone and the rest are stored and counted in the
// round's tallies.
func (s *Store) InsertResponses(ctx context.Context, list []survey.Response) []error {
	errs := make([]error, len(list))
	if len(list) == 0 {
		return errs
	}
	// Callers insert one round's responses at a time; group anyway.
	byRound := map[string][]int{}
	for i, r := range list {
		byRound[r.RoundID] = append(byRound[r.RoundID], i)
	}
	for roundID, idx := range byRound {
		units := map[string]bool{}
		for _, i := range idx {
			units[list[i].Unit] = true
		}
		unitList := make([]string, 0, len(units))
		for u := range units {
			unitList = append(unitList, u)
		}
		sort.Strings(unitList)
		err := s.tallied(ctx, roundID, unitList, func(ctx context.Context) (tallies, bool, error) {
			sub := make([]survey.Response, len(idx))
			for k, i := range idx {
				sub[k] = list[i]
			}
			subErrs := s.insertResponses(ctx, sub)
			delta := tallies{}
			for k, r := range sub {
				errs[idx[k]] = subErrs[k]
				if subErrs[k] == nil {
					delta.add(rowOf(r.Unit, r.Stratum, r.District, r.Satisfied, r.Aware, r.Correct, r.Answered, r.AgeGroup, r.Sex), r.Status, 1)
				}
			}
			// Exact unless the store failed in a way that hides which
			// documents were written.
			for _, e := range subErrs {
				if e != nil && !survey.IsDuplicate(e) {
					return delta, false, nil
				}
			}
			return delta, true, nil
		})
		if err != nil {
			for _, i := range idx {
				if errs[i] == nil {
					errs[i] = err
				}
			}
		}
	}
	return errs
}

func (s *Store) insertResponses(ctx context.Context, list []survey.Response) []error {
	errs := make([]error, len(list))
	docs := make([]any, len(list))
	for i, r := range list {
		docs[i] = toResponseDoc(r)
	}
	_, err := s.responses.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	if err == nil {
		return errs
	}
	var bwe mongo.BulkWriteException
	if !errors.As(err, &bwe) || bwe.WriteConcernError != nil && len(bwe.WriteErrors) == 0 {
		for i := range errs {
			errs[i] = translate("insert responses", err)
		}
		return errs
	}
	for _, we := range bwe.WriteErrors {
		if we.Index < 0 || we.Index >= len(errs) {
			continue
		}
		if we.Code == 11000 || we.Code == 11001 || we.Code == 12582 {
			errs[we.Index] = fmt.Errorf("insert response: %w", survey.ErrDuplicate)
		} else {
			errs[we.Index] = fmt.Errorf("insert response: %w", we)
		}
	}
	return errs
}

// FindResponsesByClientID implements survey.Store. A few ids are read one
// by one by primary key (FerretDB v1 pushes only _id equality down to
// SQLite); many are read with one $in query.
func (s *Store) FindResponsesByClientID(ctx context.Context, roundID string, clientIDs []string) (map[string]survey.Response, error) {
	out := map[string]survey.Response{}
	if len(clientIDs) == 0 {
		return out, nil
	}
	ids := make([]string, len(clientIDs))
	for i, c := range clientIDs {
		ids[i] = survey.ResponseID(roundID, c)
	}
	if len(ids) <= 20 {
		for _, id := range ids {
			var d responseDoc
			err := s.responses.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d)
			if errors.Is(err, mongo.ErrNoDocuments) {
				continue
			}
			if err != nil {
				return nil, translate("find response", err)
			}
			out[d.ClientID] = d.toResponse()
		}
		return out, nil
	}
	cur, err := s.responses.Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}})
	if err != nil {
		return nil, translate("find responses", err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var d responseDoc
		if err := cur.Decode(&d); err != nil {
			return nil, translate("decode response", err)
		}
		out[d.ClientID] = d.toResponse()
	}
	return out, translate("find responses", cur.Err())
}

// FindResponse implements survey.Store (by primary key alone, then the
// round is checked, so FerretDB does not scan).
func (s *Store) FindResponse(ctx context.Context, roundID, id string) (survey.Response, error) {
	var d responseDoc
	if err := s.responses.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d); err != nil {
		return survey.Response{}, translate("find response", err)
	}
	if d.RoundID != roundID {
		return survey.Response{}, fmt.Errorf("find response: %w", survey.ErrNotFound)
	}
	return d.toResponse(), nil
}

// ListResponses implements survey.Store.
func (s *Store) ListResponses(ctx context.Context, f survey.ResponseFilter) ([]survey.Response, error) {
	q := bson.D{{Key: "round_id", Value: f.RoundID}}
	if f.Status != "" {
		q = append(q, bson.E{Key: "status", Value: string(f.Status)})
	}
	if f.Unit != "" {
		q = append(q, bson.E{Key: "unit", Value: f.Unit})
	}
	if f.Volunteer != "" {
		q = append(q, bson.E{Key: "volunteer", Value: f.Volunteer})
	}
	if f.District != "" {
		q = append(q, bson.E{Key: "district", Value: f.District})
	}
	if f.Flagged != nil {
		q = append(q, bson.E{Key: "flagged", Value: *f.Flagged})
	}
	if f.After != "" {
		q = append(q, bson.E{Key: "_id", Value: bson.D{{Key: "$gt", Value: f.After}}})
	}
	cur, err := s.responses.Find(ctx, q, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(f.Limit)))
	if err != nil {
		return nil, translate("list responses", err)
	}
	var docs []responseDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate("list responses", err)
	}
	out := make([]survey.Response, 0, len(docs))
	for _, d := range docs {
		out = append(out, d.toResponse())
	}
	return out, nil
}

// reviewSet is the update a decision makes.
func reviewSet(rv survey.Review) bson.D {
	return bson.D{
		{Key: "$set", Value: bson.D{{Key: "status", Value: string(rv.Status)}, {Key: "reason", Value: rv.Reason},
			{Key: "reviewed_by", Value: rv.By}, {Key: "reviewed_at", Value: rv.At}}},
		{Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}},
	}
}

func rowOfDoc(d responseDoc) survey.RowGroup {
	return rowOf(d.Unit, d.Stratum, d.District, d.Satisfied, d.Aware, d.Correct, d.Answered, d.AgeGroup, d.Sex)
}

// ReviewResponse implements survey.Store. On MongoDB one atomic
// findOneAndUpdate on (id, round, version) returns the state before, which
// gives the tally change. With a single writer (or a shared FerretDB) the
// response is read and updated by _id alone under the round's write lock
// (FerretDB v1 scans the collection for any other filter).
func (s *Store) ReviewResponse(ctx context.Context, roundID, id string, version int64, rv survey.Review) (survey.Response, error) {
	var out survey.Response
	err := s.tallied(ctx, roundID, nil, func(ctx context.Context) (tallies, bool, error) {
		var before responseDoc
		if s.serialised() {
			if err := s.responses.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&before); err != nil {
				return nil, true, translate("review response", err)
			}
			if before.RoundID != roundID {
				return nil, true, fmt.Errorf("review response: %w", survey.ErrNotFound)
			}
			if before.Version != version {
				return nil, true, fmt.Errorf("review response: %w", survey.ErrVersion)
			}
			res, err := s.responses.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, reviewSet(rv))
			if err != nil {
				return nil, false, translate("review response", err)
			}
			if res.MatchedCount != 1 {
				return nil, false, fmt.Errorf("review response: %w", survey.ErrNotFound)
			}
		} else {
			err := s.responses.FindOneAndUpdate(ctx,
				bson.D{{Key: "_id", Value: id}, {Key: "round_id", Value: roundID}, {Key: "version", Value: version}},
				reviewSet(rv), options.FindOneAndUpdate().SetReturnDocument(options.Before)).Decode(&before)
			if errors.Is(err, mongo.ErrNoDocuments) {
				if _, ferr := s.FindResponse(ctx, roundID, id); ferr != nil {
					return nil, true, ferr
				}
				return nil, true, fmt.Errorf("review response: %w", survey.ErrVersion)
			}
			if err != nil {
				// Unknown whether it was applied.
				return nil, false, translate("review response", err)
			}
		}
		out = before.toResponse()
		out.Status, out.Reason, out.ReviewedBy, out.ReviewedAt, out.Version = rv.Status, rv.Reason, rv.By, rv.At.UTC().Truncate(time.Millisecond), before.Version+1
		delta := tallies{}
		delta.add(rowOfDoc(before), survey.ResponseStatus(before.Status), -1)
		delta.add(rowOfDoc(before), rv.Status, 1)
		return delta, true, nil
	})
	return out, err
}

// ReviewMatching implements survey.Store: the matching responses are read
// once (projected), then updated by _id in commands of 50 statements, each
// conditioned on the version and status read on MongoDB (with a single
// writer or a shared FerretDB the round's write lock already excludes
// changes in between). The tally
// change is known per response; on MongoDB a batch where a response
// changed in between leaves the round's tallies to be rebuilt.
func (s *Store) ReviewMatching(ctx context.Context, f survey.ResponseFilter, rv survey.Review) (int, error) {
	q := bson.D{{Key: "round_id", Value: f.RoundID}}
	if f.Status != "" {
		q = append(q, bson.E{Key: "status", Value: string(f.Status)})
	}
	if f.District != "" {
		q = append(q, bson.E{Key: "district", Value: f.District})
	}
	if f.Flagged != nil {
		q = append(q, bson.E{Key: "flagged", Value: *f.Flagged})
	}
	changed := 0
	err := s.tallied(ctx, f.RoundID, nil, func(ctx context.Context) (tallies, bool, error) {
		cur, err := s.responses.Find(ctx, q, options.Find().SetBatchSize(5000).
			SetProjection(bson.D{{Key: "unit", Value: 1}, {Key: "status", Value: 1}, {Key: "version", Value: 1}, {Key: "stratum", Value: 1},
				{Key: "district", Value: 1}, {Key: "satisfied", Value: 1}, {Key: "aware", Value: 1}, {Key: "correct", Value: 1},
				{Key: "answered", Value: 1}, {Key: "age_group", Value: 1}, {Key: "sex", Value: 1}}))
		if err != nil {
			return nil, true, translate("review responses", err)
		}
		var docs []responseDoc
		if err := cur.All(ctx, &docs); err != nil {
			return nil, true, translate("review responses", err)
		}
		delta := tallies{}
		exact := true
		update := reviewSet(rv)
		for i := 0; i < len(docs); i += store.UpdateBatch {
			batch := docs[i:min(i+store.UpdateBatch, len(docs))]
			models := make([]mongo.WriteModel, 0, len(batch))
			for _, d := range batch {
				filter := bson.D{{Key: "_id", Value: d.ID}}
				if !s.serialised() {
					filter = append(filter, bson.E{Key: "version", Value: d.Version}, bson.E{Key: "status", Value: d.Status})
				}
				models = append(models, mongo.NewUpdateOneModel().SetFilter(filter).SetUpdate(update))
			}
			res, err := s.responses.BulkWrite(ctx, models, options.BulkWrite().SetOrdered(false))
			if err != nil {
				return delta, false, translate("review responses", err)
			}
			changed += int(res.ModifiedCount)
			if int(res.MatchedCount) != len(batch) {
				// Some response changed since it was read: which ones is
				// unknown, so count none of the batch and rebuild later.
				exact = false
				continue
			}
			for _, d := range batch {
				delta.add(rowOfDoc(d), survey.ResponseStatus(d.Status), -1)
				delta.add(rowOfDoc(d), rv.Status, 1)
			}
		}
		return delta, exact, nil
	})
	return changed, err
}

// CountByUnitStatus implements survey.Store from the round's tallies.
func (s *Store) CountByUnitStatus(ctx context.Context, roundID string) (map[survey.ResponseStatus]map[string]int, error) {
	t, err := s.roundTallies(ctx, roundID)
	if err != nil {
		return nil, err
	}
	out := map[survey.ResponseStatus]map[string]int{}
	for u, x := range t {
		for st, n := range x.Status {
			if out[st] == nil {
				out[st] = map[string]int{}
			}
			out[st][u] = n
		}
	}
	return out, nil
}

// CountByUnit implements survey.Store from the round's tallies.
func (s *Store) CountByUnit(ctx context.Context, roundID string, status survey.ResponseStatus) (map[string]int, error) {
	c, err := s.CountByUnitStatus(ctx, roundID)
	if err != nil {
		return nil, err
	}
	if c[status] == nil {
		return map[string]int{}, nil
	}
	return c[status], nil
}

type activityDoc struct {
	ID     string      `bson:"_id"`
	Starts []time.Time `bson:"starts"`
	Hashes []string    `bson:"hashes"`
}

func activityID(roundID, volunteer string) string { return roundID + ":" + volunteer }

// Activity implements survey.Store.
func (s *Store) Activity(ctx context.Context, roundID, volunteer string) (survey.Activity, error) {
	var d activityDoc
	err := s.activity.FindOne(ctx, bson.D{{Key: "_id", Value: activityID(roundID, volunteer)}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return survey.Activity{}, nil
	}
	if err != nil {
		return survey.Activity{}, translate("volunteer activity", err)
	}
	a := survey.Activity{Starts: make([]time.Time, len(d.Starts)), Hashes: d.Hashes}
	for i, t := range d.Starts {
		a.Starts[i] = t.UTC()
	}
	return a, nil
}

// Activity keeps this many recent starts and answer hashes per volunteer:
// far more than anyone interviews in an hour, and than a phone would
// duplicate by accident.
const (
	keepStarts = 500
	keepHashes = 5000
)

// RecordActivity implements survey.Store: on MongoDB one upsert with
// $push/$slice. FerretDB v1 ignores $slice (the arrays grew by every
// interview: a 2 MB document read and rewritten per batch after 50,000
// interviews), so with a single writer (or on a shared FerretDB) the
// document is read, trimmed in Go and replaced by _id under the round's
// write lock.
func (s *Store) RecordActivity(ctx context.Context, roundID, volunteer string, starts []time.Time, hashes []string) error {
	id := activityID(roundID, volunteer)
	if s.serialised() {
		unlock, err := s.lockRound(ctx, roundID)
		if err != nil {
			return err
		}
		defer unlock()
		var d activityDoc
		err = s.activity.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d)
		if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
			return translate("record activity", err)
		}
		d.ID = id
		d.Starts = append(d.Starts, starts...)
		d.Hashes = append(d.Hashes, hashes...)
		if n := len(d.Starts); n > keepStarts {
			d.Starts = d.Starts[n-keepStarts:]
		}
		if n := len(d.Hashes); n > keepHashes {
			d.Hashes = d.Hashes[n-keepHashes:]
		}
		_, err = s.activity.ReplaceOne(ctx, bson.D{{Key: "_id", Value: id}}, d, options.Replace().SetUpsert(true))
		return translate("record activity", err)
	}
	_, err := s.activity.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}},
		bson.D{{Key: "$push", Value: bson.D{
			{Key: "starts", Value: bson.D{{Key: "$each", Value: starts}, {Key: "$slice", Value: -keepStarts}}},
			{Key: "hashes", Value: bson.D{{Key: "$each", Value: hashes}, {Key: "$slice", Value: -keepHashes}}},
		}}}, options.UpdateOne().SetUpsert(true))
	return translate("record activity", err)
}

// EachAcceptedGroup implements survey.Store from the round's tallies.
func (s *Store) EachAcceptedGroup(ctx context.Context, roundID string, fn func(survey.RowGroup) error) error {
	t, err := s.roundTallies(ctx, roundID)
	if err != nil {
		return err
	}
	units := make([]string, 0, len(t))
	for u := range t {
		units = append(units, u)
	}
	sort.Strings(units)
	for _, u := range units {
		// In key order, so the estimates' sums add up the same way on
		// every call.
		groups := make([]survey.RowGroup, 0, len(t[u].Groups))
		for g, n := range t[u].Groups {
			if n > 0 {
				g.N = n
				groups = append(groups, g)
			}
		}
		sort.Slice(groups, func(i, j int) bool { return groupKey(groups[i]) < groupKey(groups[j]) })
		for _, g := range groups {
			if err := fn(g); err != nil {
				return err
			}
		}
	}
	return nil
}

// EachAccepted implements survey.Store: a projected cursor, so memory stays
// flat however large the round.
func (s *Store) EachAccepted(ctx context.Context, roundID string, fn func(survey.Response) error) error {
	cur, err := s.responses.Find(ctx,
		bson.D{{Key: "round_id", Value: roundID}, {Key: "status", Value: string(survey.Accepted)}},
		options.Find().SetBatchSize(2000).
			SetProjection(bson.D{{Key: "answers", Value: 0}, {Key: "gps", Value: 0}, {Key: "content_hash", Value: 0}, {Key: "answers_hash", Value: 0}}))
	if err != nil {
		return translate("stream responses", err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var d responseDoc
		if err := cur.Decode(&d); err != nil {
			return translate("decode response", err)
		}
		if err := fn(d.toResponse()); err != nil {
			return err
		}
	}
	return translate("stream responses", cur.Err())
}
