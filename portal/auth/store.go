package auth

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Collection names.
const (
	collUsers    = "users"
	collSessions = "auth_sessions"
	collLimits   = "auth_limits"
	collUsed     = "auth_used_tokens"
)

type userDoc struct {
	ID                string    `bson:"_id"`
	Username          string    `bson:"username"`
	DisplayName       string    `bson:"display_name"`
	Phone             string    `bson:"phone,omitempty"`
	Email             string    `bson:"email,omitempty"`
	PasswordHash      string    `bson:"password_hash"`
	Role              string    `bson:"role"`
	Scope             string    `bson:"scope,omitempty"`
	Disabled          bool      `bson:"disabled"`
	TokenVersion      int64     `bson:"token_version"`
	CreatedAt         time.Time `bson:"created_at"`
	UpdatedAt         time.Time `bson:"updated_at"`
	PasswordChangedAt time.Time `bson:"password_changed_at"`
	LastLoginAt       time.Time `bson:"last_login_at,omitempty"`
	KnownAddrs        []string  `bson:"known_addrs,omitempty"`
}

func toUserDoc(u User) userDoc {
	return userDoc{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Phone: u.Phone, Email: u.Email,
		PasswordHash: u.PasswordHash, Role: string(u.Role), Scope: u.Scope, Disabled: u.Disabled,
		TokenVersion: u.TokenVersion, CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt,
		PasswordChangedAt: u.PasswordChangedAt, LastLoginAt: u.LastLoginAt, KnownAddrs: u.KnownAddrs}
}

func toUser(d userDoc) User {
	return User{ID: d.ID, Username: d.Username, DisplayName: d.DisplayName, Phone: d.Phone, Email: d.Email,
		PasswordHash: d.PasswordHash, Role: Role(d.Role), Scope: d.Scope, Disabled: d.Disabled,
		TokenVersion: d.TokenVersion, CreatedAt: d.CreatedAt.UTC(), UpdatedAt: d.UpdatedAt.UTC(),
		PasswordChangedAt: d.PasswordChangedAt.UTC(), LastLoginAt: d.LastLoginAt.UTC(), KnownAddrs: d.KnownAddrs}
}

// sessionDoc is one refresh-token family: a sign-in and every refresh
// token rotated from it. Only hashes of tokens are kept.
type sessionDoc struct {
	ID        string `bson:"_id"`
	UserID    string `bson:"user_id"`
	TokenHash string `bson:"token_hash"`
	// Generation counts rotations.
	Generation   int64     `bson:"generation"`
	Revoked      bool      `bson:"revoked"`
	RevokeReason string    `bson:"revoke_reason,omitempty"`
	CreatedAt    time.Time `bson:"created_at"`
	LastUsedAt   time.Time `bson:"last_used_at"`
	ExpiresAt    time.Time `bson:"expires_at"`
	ClientIP     string    `bson:"client_ip,omitempty"`
	UserAgent    string    `bson:"user_agent,omitempty"`
}

// usedDoc records a refresh token that was rotated away. Its _id is the
// token's hash: inserting it is how a rotation claims the token, because a
// duplicate-key insert is the one write FerretDB v1 makes atomic under
// concurrency (its conditional updates are not). Presenting a token whose
// usedDoc exists is reuse.
type usedDoc struct {
	ID        string    `bson:"_id"`
	SessionID string    `bson:"session_id"`
	ExpiresAt time.Time `bson:"expires_at"`
}

// limitDoc is one fixed-window counter.
type limitDoc struct {
	ID        string    `bson:"_id"`
	Count     int64     `bson:"count"`
	ExpiresAt time.Time `bson:"expires_at"`
}

// throttleDoc is one sign-in throttle: attempts not taken back by a
// success, and when the next attempt may start.
type throttleDoc struct {
	ID        string    `bson:"_id"`
	Count     int64     `bson:"count"`
	Next      time.Time `bson:"next"`
	ExpiresAt time.Time `bson:"expires_at"`
}

// store is the auth data in MongoDB (or FerretDB).
type store struct {
	users    *mongo.Collection
	sessions *mongo.Collection
	limits   *mongo.Collection
	used     *mongo.Collection
}

func newStore(db *mongo.Database) *store {
	return &store{users: db.Collection(collUsers), sessions: db.Collection(collSessions), limits: db.Collection(collLimits), used: db.Collection(collUsed)}
}

// ensureIndexes creates the indexes (idempotent). Each index is created on
// its own: FerretDB v1.24 drops the connection when one createIndexes
// command lists two or more indexes that already exist (every restart).
// FerretDB v1 has no TTL indexes, so Sweep deletes expired documents.
func (st *store) ensureIndexes(ctx context.Context) error {
	for _, ix := range []struct {
		coll  *mongo.Collection
		model mongo.IndexModel
	}{
		{st.users, mongo.IndexModel{Keys: bson.D{{Key: "username", Value: 1}}, Options: options.Index().SetUnique(true).SetName("username_unique")}},
		{st.users, mongo.IndexModel{Keys: bson.D{{Key: "role", Value: 1}, {Key: "username", Value: 1}}, Options: options.Index().SetName("role_username")}},
		{st.sessions, mongo.IndexModel{Keys: bson.D{{Key: "user_id", Value: 1}}, Options: options.Index().SetName("user_id")}},
		{st.sessions, mongo.IndexModel{Keys: bson.D{{Key: "expires_at", Value: 1}}, Options: options.Index().SetName("expires_at")}},
		{st.limits, mongo.IndexModel{Keys: bson.D{{Key: "expires_at", Value: 1}}, Options: options.Index().SetName("expires_at")}},
		{st.used, mongo.IndexModel{Keys: bson.D{{Key: "expires_at", Value: 1}}, Options: options.Index().SetName("expires_at")}},
	} {
		if _, err := ix.coll.Indexes().CreateOne(ctx, ix.model); err != nil {
			return fmt.Errorf("%s index: %w", ix.coll.Name(), err)
		}
	}
	return nil
}

func isDuplicate(err error) bool { return mongo.IsDuplicateKeyError(err) }

func (st *store) insertUser(ctx context.Context, u User) error {
	if _, err := st.users.InsertOne(ctx, toUserDoc(u)); err != nil {
		if isDuplicate(err) {
			return ErrUsernameTaken
		}
		return fmt.Errorf("insert user: %w", err)
	}
	return nil
}

func (st *store) findUser(ctx context.Context, filter bson.D) (User, error) {
	var d userDoc
	err := st.users.FindOne(ctx, filter).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return User{}, ErrUserNotFound
	}
	if err != nil {
		return User{}, fmt.Errorf("find user: %w", err)
	}
	return toUser(d), nil
}

func (st *store) userByID(ctx context.Context, id string) (User, error) {
	return st.findUser(ctx, bson.D{{Key: "_id", Value: id}})
}

func (st *store) userByUsername(ctx context.Context, username string) (User, error) {
	return st.findUser(ctx, bson.D{{Key: "username", Value: username}})
}

// updateUser applies set (and an optional token_version increment) to a
// user and returns the updated user. ErrUserNotFound if there is none.
func (st *store) updateUser(ctx context.Context, id string, set bson.D, bumpTokens bool) (User, error) {
	update := bson.D{{Key: "$set", Value: set}}
	if bumpTokens {
		update = append(update, bson.E{Key: "$inc", Value: bson.D{{Key: "token_version", Value: 1}}})
	}
	var d userDoc
	err := st.users.FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: id}}, update,
		options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return User{}, ErrUserNotFound
	}
	if err != nil {
		return User{}, fmt.Errorf("update user: %w", err)
	}
	return toUser(d), nil
}

// UserFilter selects users for ListUsers.
type UserFilter struct {
	Role Role
	// Query matches the start of the username or any part of the display
	// name (literal text, not a pattern).
	Query  string
	Limit  int
	Offset int
}

func (st *store) listUsers(ctx context.Context, f UserFilter) ([]User, int64, error) {
	filter := bson.D{}
	if f.Role != "" {
		filter = append(filter, bson.E{Key: "role", Value: string(f.Role)})
	}
	if f.Query != "" {
		q := regexp.QuoteMeta(f.Query)
		filter = append(filter, bson.E{Key: "$or", Value: bson.A{
			bson.D{{Key: "username", Value: bson.D{{Key: "$regex", Value: "^" + regexp.QuoteMeta(NormalizeUsername(f.Query))}}}},
			bson.D{{Key: "display_name", Value: bson.D{{Key: "$regex", Value: q}}}},
		}})
	}
	total, err := st.users.CountDocuments(ctx, filter)
	if err != nil {
		return nil, 0, fmt.Errorf("count users: %w", err)
	}
	opts := options.Find().SetSort(bson.D{{Key: "username", Value: 1}}).
		SetSkip(int64(f.Offset)).SetLimit(int64(f.Limit))
	cur, err := st.users.Find(ctx, filter, opts)
	if err != nil {
		return nil, 0, fmt.Errorf("find users: %w", err)
	}
	defer cur.Close(ctx)
	var out []User
	for cur.Next(ctx) {
		var d userDoc
		if err := cur.Decode(&d); err != nil {
			return nil, 0, fmt.Errorf("decode user: %w", err)
		}
		out = append(out, toUser(d))
	}
	if err := cur.Err(); err != nil {
		return nil, 0, fmt.Errorf("list users: %w", err)
	}
	return out, total, nil
}

func (st *store) countUsers(ctx context.Context) (int64, error) {
	n, err := st.users.CountDocuments(ctx, bson.D{})
	if err != nil {
		return 0, fmt.Errorf("count users: %w", err)
	}
	return n, nil
}

func (st *store) insertSession(ctx context.Context, d sessionDoc) error {
	if _, err := st.sessions.InsertOne(ctx, d); err != nil {
		return fmt.Errorf("insert session: %w", err)
	}
	return nil
}

func (st *store) sessionByID(ctx context.Context, id string) (sessionDoc, bool, error) {
	var d sessionDoc
	err := st.sessions.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return d, false, nil
	}
	if err != nil {
		return d, false, fmt.Errorf("find session: %w", err)
	}
	return d, true, nil
}

// claimToken records a refresh token hash as used. It reports false when
// the hash was already claimed: of several requests presenting one token,
// exactly one gets true, on MongoDB and on FerretDB alike.
func (st *store) claimToken(ctx context.Context, hash, sid string, expires time.Time) (bool, error) {
	_, err := st.used.InsertOne(ctx, usedDoc{ID: hash, SessionID: sid, ExpiresAt: expires})
	if isDuplicate(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("claim refresh token: %w", err)
	}
	return true, nil
}

// isUsed reports whether a refresh token hash was rotated away.
func (st *store) isUsed(ctx context.Context, hash string) (bool, error) {
	err := st.used.FindOne(ctx, bson.D{{Key: "_id", Value: hash}}).Err()
	if errors.Is(err, mongo.ErrNoDocuments) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("find used token: %w", err)
	}
	return true, nil
}

// advanceSession stores the family's new current token hash.
func (st *store) advanceSession(ctx context.Context, sid, newHash string, now time.Time) error {
	_, err := st.sessions.UpdateOne(ctx, bson.D{{Key: "_id", Value: sid}}, bson.D{
		{Key: "$set", Value: bson.D{
			{Key: "token_hash", Value: newHash},
			{Key: "last_used_at", Value: now},
			{Key: "expires_at", Value: now.Add(RefreshTokenTTL)},
		}},
		{Key: "$inc", Value: bson.D{{Key: "generation", Value: int64(1)}}},
	})
	if err != nil {
		return fmt.Errorf("advance session: %w", err)
	}
	return nil
}

func (st *store) revokeSession(ctx context.Context, sid, reason string) error {
	_, err := st.sessions.UpdateOne(ctx, bson.D{{Key: "_id", Value: sid}, {Key: "revoked", Value: false}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "revoked", Value: true}, {Key: "revoke_reason", Value: reason}}}})
	if err != nil {
		return fmt.Errorf("revoke session: %w", err)
	}
	return nil
}

func (st *store) revokeUserSessions(ctx context.Context, userID, reason string) error {
	_, err := st.sessions.UpdateMany(ctx, bson.D{{Key: "user_id", Value: userID}, {Key: "revoked", Value: false}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "revoked", Value: true}, {Key: "revoke_reason", Value: reason}}}})
	if err != nil {
		return fmt.Errorf("revoke sessions: %w", err)
	}
	return nil
}

// hit adds one to a fixed-window counter and returns the new count. Two
// processes creating the same window at once race on the upsert; the loser
// gets a duplicate key and simply retries the increment. On MongoDB $inc is
// atomic; FerretDB v1 loses increments that run concurrently, so the
// service serialises hits per key within a process (see Service.hit).
func (st *store) hit(ctx context.Context, id string, expires time.Time) (int64, error) {
	update := bson.D{
		{Key: "$inc", Value: bson.D{{Key: "count", Value: int64(1)}}},
		{Key: "$setOnInsert", Value: bson.D{{Key: "expires_at", Value: expires}}},
	}
	opts := options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)
	var err error
	for range 3 {
		var d limitDoc
		err = st.limits.FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: id}}, update, opts).Decode(&d)
		if err == nil {
			return d.Count, nil
		}
		if !isDuplicate(err) {
			break
		}
	}
	return 0, fmt.Errorf("rate limit counter: %w", err)
}

// count returns a counter's value, 0 when it does not exist.
func (st *store) count(ctx context.Context, id string) (int64, error) {
	var d limitDoc
	err := st.limits.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("rate limit counter: %w", err)
	}
	return d.Count, nil
}

// throttle returns a sign-in throttle; a zero one (empty ID) when none.
func (st *store) throttle(ctx context.Context, id string) (throttleDoc, error) {
	var d throttleDoc
	err := st.limits.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return throttleDoc{}, nil
	}
	if err != nil {
		return throttleDoc{}, fmt.Errorf("sign-in throttle: %w", err)
	}
	return d, nil
}

// saveThrottle writes a throttle whole (the service serialises writers of
// one throttle within a process; across processes the last write wins,
// which can lose an attempt, never add a wait).
func (st *store) saveThrottle(ctx context.Context, d throttleDoc) error {
	opts := options.Replace().SetUpsert(true)
	var err error
	for range 3 {
		if _, err = st.limits.ReplaceOne(ctx, bson.D{{Key: "_id", Value: d.ID}}, d, opts); err == nil || !isDuplicate(err) {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("save sign-in throttle: %w", err)
	}
	return nil
}

func (st *store) deleteThrottle(ctx context.Context, id string) error {
	if _, err := st.limits.DeleteOne(ctx, bson.D{{Key: "_id", Value: id}}); err != nil {
		return fmt.Errorf("clear sign-in throttle: %w", err)
	}
	return nil
}

// sweep deletes expired counters and sessions expired for a week (kept a
// little longer so a late reuse of a stolen token is still recognised).
func (st *store) sweep(ctx context.Context, now time.Time) (int64, int64, error) {
	lr, err := st.limits.DeleteMany(ctx, bson.D{{Key: "expires_at", Value: bson.D{{Key: "$lt", Value: now}}}})
	if err != nil {
		return 0, 0, fmt.Errorf("sweep limits: %w", err)
	}
	old := bson.D{{Key: "expires_at", Value: bson.D{{Key: "$lt", Value: now.Add(-7 * 24 * time.Hour)}}}}
	sr, err := st.sessions.DeleteMany(ctx, old)
	if err != nil {
		return lr.DeletedCount, 0, fmt.Errorf("sweep sessions: %w", err)
	}
	if _, err := st.used.DeleteMany(ctx, old); err != nil {
		return lr.DeletedCount, sr.DeletedCount, fmt.Errorf("sweep used tokens: %w", err)
	}
	return lr.DeletedCount, sr.DeletedCount, nil
}
