// Package audit is the append-only record of what staff and
// administrators did: who (account, role, scope), what (the route, its
// target and the non-secret fields of the request), when, from where (the
// client address) and with what outcome. The portal writes one entry per
// staff write request from a single middleware; administrators read the
// log page by page. The package has no way to change or remove an entry,
// and the portal has no route that would.
package audit

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"regexp"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Collection holds the entries.
const Collection = "audit_log"

// Outcomes of an entry.
const (
	OK       = "ok"       // 2xx and 3xx
	Refused  = "refused"  // 401, 403, 429: not allowed
	Rejected = "rejected" // other 4xx: invalid, not found, conflict
	Failed   = "failed"   // 5xx
)

// OutcomeOf classifies an HTTP status.
func OutcomeOf(status int) string {
	switch {
	case status >= 500:
		return Failed
	case status == 401 || status == 403 || status == 429:
		return Refused
	case status >= 400:
		return Rejected
	}
	return OK
}

// Entry is one recorded action.
type Entry struct {
	ID    string
	At    time.Time
	Actor Actor
	// Action is the route as registered, "POST /api/v1/complaints/:id/actions".
	Action string
	// Target holds the route's parameters ("id": "C-2026-000123").
	Target map[string]string
	// Details are the request's non-secret fields ("action": "merge",
	// "into": "..."); secrets are recorded only as "set".
	Details   map[string]string
	Status    int
	Outcome   string
	ErrorCode string
	ClientIP  string
	RequestID string
}

// Actor is who acted, as they were at the time.
type Actor struct {
	UserID   string
	Username string
	Role     string
	Scope    string
}

type entryDoc struct {
	ID        string            `bson:"_id"`
	At        time.Time         `bson:"at"`
	UserID    string            `bson:"user_id"`
	Username  string            `bson:"username"`
	Role      string            `bson:"role"`
	Scope     string            `bson:"scope,omitempty"`
	Action    string            `bson:"action"`
	Target    map[string]string `bson:"target,omitempty"`
	Details   map[string]string `bson:"details,omitempty"`
	Status    int               `bson:"status"`
	Outcome   string            `bson:"outcome"`
	ErrorCode string            `bson:"error_code,omitempty"`
	ClientIP  string            `bson:"client_ip"`
	RequestID string            `bson:"request_id,omitempty"`
}

func toDoc(e Entry) entryDoc {
	return entryDoc{ID: e.ID, At: e.At, UserID: e.Actor.UserID, Username: e.Actor.Username, Role: e.Actor.Role,
		Scope: e.Actor.Scope, Action: e.Action, Target: e.Target, Details: e.Details, Status: e.Status,
		Outcome: e.Outcome, ErrorCode: e.ErrorCode, ClientIP: e.ClientIP, RequestID: e.RequestID}
}

func toEntry(d entryDoc) Entry {
	return Entry{ID: d.ID, At: d.At.UTC(), Actor: Actor{UserID: d.UserID, Username: d.Username, Role: d.Role, Scope: d.Scope},
		Action: d.Action, Target: d.Target, Details: d.Details, Status: d.Status, Outcome: d.Outcome,
		ErrorCode: d.ErrorCode, ClientIP: d.ClientIP, RequestID: d.RequestID}
}

// Log is the audit log in the store. Entries are only ever inserted.
type Log struct {
	c   *mongo.Collection
	now func() time.Time
}

// NewLog returns the log on db.
func NewLog(db *mongo.Database, now func() time.Time) *Log {
	if now == nil {
		now = time.Now
	}
	return &Log{c: db.Collection(Collection), now: now}
}

// Init creates the indexes (one per call: FerretDB v1).
func (l *Log) Init(ctx context.Context) error {
	for _, keys := range []bson.D{{{Key: "username", Value: 1}}, {{Key: "at", Value: 1}}} {
		if _, err := l.c.Indexes().CreateOne(ctx, mongo.IndexModel{Keys: keys}); err != nil {
			return fmt.Errorf("audit indexes: %w", err)
		}
	}
	return nil
}

// newID orders entries by time: 16 hex digits of Unix nanoseconds, then
// random ones so that two entries of one nanosecond do not collide.
func newID(at time.Time) string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%016x", at.UnixNano()) + hex.EncodeToString(b[:])
}

// Record inserts an entry, setting its ID and time.
func (l *Log) Record(ctx context.Context, e Entry) (Entry, error) {
	e.At = l.now().UTC()
	e.ID = newID(e.At)
	if _, err := l.c.InsertOne(ctx, toDoc(e)); err != nil {
		return Entry{}, fmt.Errorf("record audit entry: %w", err)
	}
	return e, nil
}

// Filter selects entries; zero fields match everything.
type Filter struct {
	Username string
	// Action is a route ("POST /api/v1/users/:id") or its method ("DELETE").
	Action  string
	Outcome string
	// Target matches any of an entry's route parameters.
	Target   string
	From, To time.Time
	// Before is the ID of the last entry of the previous page.
	Before string
	Limit  int
}

// MaxPage is the largest page List returns.
const MaxPage = 200

var methodOnly = regexp.MustCompile(`^[A-Z]+$`)

// List returns the newest entries matching f, newest first, and the
// cursor of the next page ("" when this is the last).
func (l *Log) List(ctx context.Context, f Filter) ([]Entry, string, error) {
	if f.Limit <= 0 || f.Limit > MaxPage {
		f.Limit = 50
	}
	filter := bson.D{}
	if f.Username != "" {
		filter = append(filter, bson.E{Key: "username", Value: f.Username})
	}
	if f.Action != "" {
		if methodOnly.MatchString(f.Action) {
			filter = append(filter, bson.E{Key: "action", Value: bson.D{{Key: "$regex", Value: "^" + f.Action + " "}}})
		} else {
			filter = append(filter, bson.E{Key: "action", Value: f.Action})
		}
	}
	if f.Outcome != "" {
		filter = append(filter, bson.E{Key: "outcome", Value: f.Outcome})
	}
	at := bson.D{}
	if !f.From.IsZero() {
		at = append(at, bson.E{Key: "$gte", Value: f.From.UTC()})
	}
	if !f.To.IsZero() {
		at = append(at, bson.E{Key: "$lt", Value: f.To.UTC()})
	}
	if len(at) > 0 {
		filter = append(filter, bson.E{Key: "at", Value: at})
	}
	if f.Before != "" {
		filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$lt", Value: f.Before}}})
	}
	opts := options.Find().SetSort(bson.D{{Key: "_id", Value: -1}})
	if f.Target == "" {
		opts.SetLimit(int64(f.Limit + 1))
	}
	cur, err := l.c.Find(ctx, filter, opts)
	if err != nil {
		return nil, "", fmt.Errorf("list audit entries: %w", err)
	}
	defer cur.Close(ctx)
	var out []Entry
	for cur.Next(ctx) {
		var d entryDoc
		if err := cur.Decode(&d); err != nil {
			return nil, "", fmt.Errorf("decode audit entry: %w", err)
		}
		// A target is any parameter's value, matched here: the parameter
		// names differ per route.
		if f.Target != "" && !hasValue(d.Target, f.Target) {
			continue
		}
		out = append(out, toEntry(d))
		if len(out) > f.Limit {
			break
		}
	}
	if err := cur.Err(); err != nil {
		return nil, "", fmt.Errorf("list audit entries: %w", err)
	}
	next := ""
	if len(out) > f.Limit {
		out = out[:f.Limit]
		next = out[len(out)-1].ID
	}
	return out, next, nil
}

func hasValue(m map[string]string, v string) bool {
	for _, x := range m {
		if x == v {
			return true
		}
	}
	return false
}

// Truncate shortens a recorded value to n bytes on a rune boundary.
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }

// ParseCursor checks a page cursor's shape.
func ParseCursor(s string) bool {
	if len(s) != 24 {
		return false
	}
	_, err := strconv.ParseUint(s[:16], 16, 64)
	if err != nil {
		return false
	}
	_, err = hex.DecodeString(s[16:])
	return err == nil
}
