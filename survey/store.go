package survey

import (
	"context"
	"errors"
	"time"

	"cleancity/portal/apperr"
)

// Sentinel errors the store returns (wrapped in *apperr.Error with the
// matching code, so they reach clients as 404 and 409).
var (
	ErrNotFound = apperr.New(apperr.NotFound, "not found")
	// ErrDuplicate is a unique key clash: the same questionnaire version,
	// round id, or (round, client id) of a response.
	ErrDuplicate = apperr.New(apperr.Conflict, "already exists")
	// ErrVersion is a lost optimistic-concurrency race.
	ErrVersion = apperr.New(apperr.Conflict, "changed by someone else; reload and retry")
)

// IsDuplicate reports whether err is a unique key clash.
func IsDuplicate(err error) bool { return errors.Is(err, ErrDuplicate) }

// IsNotFound reports whether err means a missing document.
func IsNotFound(err error) bool { return errors.Is(err, ErrNotFound) }

// Assignment gives a volunteer (by username) one unit of a round.
type Assignment struct {
	RoundID    string
	Unit       string
	Volunteer  string
	AssignedBy string
	AssignedAt time.Time
}

// Activity is what the quality flags need to know about a volunteer's
// earlier interviews in a round: kept in one small document per volunteer
// and round, so flagging a batch reads one document by key instead of
// searching the responses (FerretDB v1 pushes only _id look-ups down to
// SQLite; any other filter scans the collection).
type Activity struct {
	Starts []time.Time
	Hashes []string
}

// ResponseFilter selects responses of a round for review.
type ResponseFilter struct {
	RoundID   string
	Status    ResponseStatus
	Unit      string
	Volunteer string
	District  string
	Flagged   *bool
	// After is the last id of the previous page; results are in id order.
	After string
	Limit int
}

// Review is a supervisor's decision on one response.
type Review struct {
	Status ResponseStatus
	Reason string
	By     string
	At     time.Time
}

// Store keeps questionnaires, rounds, assignments and responses.
type Store interface {
	// CreateQuestionnaire saves a new questionnaire version; ErrDuplicate
	// when that (id, version) exists.
	CreateQuestionnaire(ctx context.Context, q Questionnaire) error
	// FindQuestionnaire returns one version; ErrNotFound.
	FindQuestionnaire(ctx context.Context, id string, version int) (Questionnaire, error)
	// ListQuestionnaires returns every version, by id and version.
	ListQuestionnaires(ctx context.Context) ([]Questionnaire, error)

	// CreateRound saves a new round; ErrDuplicate when the id exists.
	CreateRound(ctx context.Context, r Round) error
	// FindRound returns a round; ErrNotFound.
	FindRound(ctx context.Context, id string) (Round, error)
	// ListRounds returns every round, newest first.
	ListRounds(ctx context.Context) ([]Round, error)
	// UpdateRound replaces a round whose stored version is r.Version and
	// stores r.Version+1; ErrVersion when it changed meanwhile, ErrNotFound.
	UpdateRound(ctx context.Context, r Round) (Round, error)

	// AddAssignments saves assignments, ignoring ones that exist.
	AddAssignments(ctx context.Context, list []Assignment) error
	// RemoveAssignment deletes one; ErrNotFound.
	RemoveAssignment(ctx context.Context, roundID, unit, volunteer string) error
	// ListAssignments returns a round's assignments, of one volunteer when
	// volunteer is not empty, by unit.
	ListAssignments(ctx context.Context, roundID, volunteer string) ([]Assignment, error)

	// InsertResponses inserts new responses and returns one error per
	// response: nil, ErrDuplicate for a (round, client id) that exists, or
	// another error.
	InsertResponses(ctx context.Context, list []Response) []error
	// FindResponsesByClientID returns the stored responses of the round
	// with those client ids, keyed by client id.
	FindResponsesByClientID(ctx context.Context, roundID string, clientIDs []string) (map[string]Response, error)
	// FindResponse returns one response by id; ErrNotFound.
	FindResponse(ctx context.Context, roundID, id string) (Response, error)
	// ListResponses returns a page of responses.
	ListResponses(ctx context.Context, f ResponseFilter) ([]Response, error)
	// ReviewResponse records a decision on a response whose version is
	// version; ErrVersion, ErrNotFound.
	ReviewResponse(ctx context.Context, roundID, id string, version int64, rv Review) (Response, error)
	// ReviewMatching records one decision on every response the filter
	// selects (RoundID, Status, District, Flagged; paging ignored) and
	// returns how many changed.
	ReviewMatching(ctx context.Context, f ResponseFilter, rv Review) (int, error)
	// CountByUnitStatus returns the number of responses per status and
	// unit. Stores keep these as per-unit tallies updated with every
	// insert and review, so this reads a few small documents however many
	// responses the round has.
	CountByUnitStatus(ctx context.Context, roundID string) (map[ResponseStatus]map[string]int, error)
	// CountByUnit returns the number of responses with the status per unit.
	CountByUnit(ctx context.Context, roundID string, status ResponseStatus) (map[string]int, error)
	// Activity returns a volunteer's recent interview starts and answer
	// hashes in the round (empty when none).
	Activity(ctx context.Context, roundID, volunteer string) (Activity, error)
	// RecordActivity appends starts and answer hashes to the volunteer's
	// activity, keeping the most recent ones.
	RecordActivity(ctx context.Context, roundID, volunteer string, starts []time.Time, hashes []string) error
	// EachAcceptedGroup streams the round's accepted responses grouped by
	// unit, stratum, district, indicators and age group x sex, with counts
	// (from the same per-unit tallies as CountByUnitStatus).
	EachAcceptedGroup(ctx context.Context, roundID string, fn func(RowGroup) error) error
	// EachAccepted streams the accepted responses of a round (answers left
	// out) to fn, in no particular order, stopping at fn's first error.
	EachAccepted(ctx context.Context, roundID string, fn func(Response) error) error
	// DataRevision returns a number that changes when a write to the
	// round's responses starts (insert or review); 0 before the first.
	// Results computed after a write ends reflect it.
	DataRevision(ctx context.Context, roundID string) (int64, error)
}
