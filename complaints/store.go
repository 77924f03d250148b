package complaints

import (
	"context"
	"time"
)

// Store keeps complaints, categories, photos and the outbox. Methods return
// *apperr.Error values: not_found for unknown ids, conflict for a taken id or
// an event sequence number someone else claimed; anything else is internal.
type Store interface {
	CategoryStore
	CaseStore
	PhotoStore
	OutboxStore
	IntakeStore
	ClaimStore
}

// ClaimStore keeps one-time claims: the first writer of a key wins, in
// any number of processes (an insert, the one atomic step FerretDB v1 has).
type ClaimStore interface {
	// Claim records key at at and reports whether this call made it; a
	// key claimed before answers false.
	Claim(ctx context.Context, key string, at time.Time) (bool, error)
	// PruneClaims deletes claims made before before.
	PruneClaims(ctx context.Context, before time.Time) error
}

// CategoryStore keeps the categories.
type CategoryStore interface {
	// Categories returns every category, sorted by code.
	Categories(ctx context.Context) ([]Category, error)
	// PutCategory creates or replaces a category.
	PutCategory(ctx context.Context, c Category) error
	// SeedCategories inserts the categories that do not exist yet and
	// returns how many it inserted.
	SeedCategories(ctx context.Context, cats []Category) (int, error)
}

// CaseStore keeps the complaints and their events.
type CaseStore interface {
	// Create stores a new complaint whose Events hold its first event.
	// A taken id is ErrCodeTaken (conflict).
	Create(ctx context.Context, c *Complaint) error
	// CreateMany stores complaints in bulk (demo data, imports); ids must be new.
	CreateMany(ctx context.Context, cs []*Complaint) error
	// Get returns one complaint; an unknown id is ErrNotFound.
	Get(ctx context.Context, id string) (*Complaint, error)
	// Reload is Get from the stored state itself: Get may answer from a
	// copy this process keeps, which another process's change can leave
	// behind (the caller saw a newer version).
	Reload(ctx context.Context, id string) (*Complaint, error)
	// Apply records ev, the event number prev.Version+1, and stores next as
	// the complaint's state. Recording the event is the claim: when another
	// change took that number first, Apply returns ErrStale (conflict) and
	// stores nothing.
	Apply(ctx context.Context, prev, next *Complaint, ev Event) error
	// List returns the complaints f.Match selects, in f.Compare order, at
	// most f.Limit of them (0: all); with f.Summary without their
	// history and supporter ids.
	List(ctx context.Context, f Filter) ([]*Complaint, error)
	// SweepCandidates returns the ids, sorted, of the complaints
	// SweepDue(c, now, resolvedBefore) selects.
	SweepCandidates(ctx context.Context, now, resolvedBefore time.Time) ([]string, error)
	// ContactCandidates returns the ids of closed or rejected complaints,
	// closed before closedBefore, that still hold contact details.
	ContactCandidates(ctx context.Context, closedBefore time.Time) ([]string, error)
	// Events returns events in (At, ID) order after the cursor, at most limit.
	Events(ctx context.Context, after EventCursor, limit int) ([]Event, error)
	// Candidates returns the complaints q matches (q.Match), in any
	// order; Create indexes each new complaint for it, IndexDuplicates
	// those stored by CreateMany.
	Candidates(ctx context.Context, q DuplicateQuery) ([]Candidate, error)
	// IndexDuplicates indexes complaints stored by CreateMany for
	// Candidates (bulk loads index only the recent ones).
	IndexDuplicates(ctx context.Context, cs []*Complaint) error
}

// PhotoStore keeps photo files.
type PhotoStore interface {
	// PutPhoto stores a JPEG and returns its id.
	PutPhoto(ctx context.Context, name string, data []byte) (string, error)
	// Photo returns a stored JPEG; an unknown id is not_found.
	Photo(ctx context.Context, id string) ([]byte, error)
	// DeletePhoto removes a stored photo (best effort clean-up).
	DeletePhoto(ctx context.Context, id string) error
}

// OutboxStore keeps notifications until they are delivered.
type OutboxStore interface {
	// Enqueue stores messages; a message whose id exists is skipped, so
	// enqueueing is idempotent.
	Enqueue(ctx context.Context, msgs []Message) error
	// DueMessages returns pending messages due at now, oldest first.
	DueMessages(ctx context.Context, now time.Time, limit int) ([]Message, error)
	// ClaimMessage claims one delivery attempt of a message in a lease
	// slot; false means another process has it.
	ClaimMessage(ctx context.Context, id string, attempt int, slot int64, owner string, now time.Time) (bool, error)
	// MessageDone records a delivery; MessageFailed a failed attempt, with
	// the next try (or dead).
	MessageDone(ctx context.Context, id string, now time.Time) error
	MessageFailed(ctx context.Context, id string, attempts int, next time.Time, lastErr string, dead bool) error
	// Message returns one message (tests, admin).
	Message(ctx context.Context, id string) (Message, error)
	// ForgetMessages deletes a case's messages, whatever their state
	// (their payloads may name the reporter's contact).
	ForgetMessages(ctx context.Context, caseID string) error
	// PruneLeases deletes lease claims older than before.
	PruneLeases(ctx context.Context, before time.Time) error
}

// EventCursor is a position in the event feed.
type EventCursor struct {
	At time.Time
	ID string
}

// Filter selects complaints for lists and exports.
type Filter struct {
	Statuses []Status
	Category string
	// Categories selects any of several categories (with Category, both apply).
	Categories  []string
	DistrictID  string
	StreetID    string
	Department  string
	ReporterID  string
	Overdue     *bool
	NoticeLevel *int
	Published   *bool
	From, To    time.Time // filed in [From, To)
	// UpdatedFrom and UpdatedTo select the last change in [UpdatedFrom, UpdatedTo).
	UpdatedFrom, UpdatedTo time.Time
	// AwaitingModeration selects the cases whose text awaits a decision
	// (AwaitsModeration).
	AwaitingModeration bool
	Text               string
	// Now is the time "overdue" is judged at.
	Now time.Time
	// Sort is a field (filed_at, due_at, updated_at) with an optional "-"
	// for descending; the id breaks ties in the same direction.
	Sort  string
	After *Cursor
	Limit int
	// Fields limits the loaded fields to the list view (no history).
	Summary bool
}

// Cursor is the position after the last row of a page.
type Cursor struct {
	Value time.Time
	ID    string
}
