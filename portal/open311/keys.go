// Package open311 holds what the Open311 GeoReport v2 adapter keeps of its
// own: API keys (stored hashed) and a per-key rate limiter. The adapter's
// routes (portal/open311_http.go) file and read complaints through the
// complaint service, the same door as the portal's own API.
package open311

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"cleancity/portal/apperr"
)

// KeysCollection holds the API keys.
const KeysCollection = "open311_keys"

// ErrBadKey is a missing, unknown or revoked API key.
var ErrBadKey = apperr.New(apperr.Forbidden, "invalid api_key")

// Key is an API key's record; the key itself is shown once, at creation.
type Key struct {
	ID        string
	Name      string
	CreatedAt time.Time
	RevokedAt time.Time
}

type keyDoc struct {
	Hash      string     `bson:"_id"`
	ID        string     `bson:"id"`
	Name      string     `bson:"name"`
	CreatedAt time.Time  `bson:"created_at"`
	RevokedAt *time.Time `bson:"revoked_at,omitempty"`
}

func toKey(d keyDoc) Key {
	k := Key{ID: d.ID, Name: d.Name, CreatedAt: d.CreatedAt.UTC()}
	if d.RevokedAt != nil {
		k.RevokedAt = d.RevokedAt.UTC()
	}
	return k
}

func hashKey(key string) string {
	h := sha256.Sum256([]byte(key))
	return hex.EncodeToString(h[:])
}

// Keys stores API keys by the SHA-256 of the key, so a check is one read by _id.
type Keys struct {
	c   *mongo.Collection
	now func() time.Time
}

// NewKeys returns the key store over db.
func NewKeys(db *mongo.Database, now func() time.Time) *Keys {
	return &Keys{c: db.Collection(KeysCollection), now: now}
}

// Create makes a new key and returns it with its record.
func (k *Keys) Create(ctx context.Context, name string) (string, Key, error) {
	var b [18]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", Key{}, err
	}
	key := "o311_" + hex.EncodeToString(b[:])
	rec, err := k.put(ctx, key, name)
	return key, rec, err
}

// Ensure stores a key with a chosen value (the demo key) unless it exists.
func (k *Keys) Ensure(ctx context.Context, key, name string) error {
	_, err := k.put(ctx, key, name)
	if mongo.IsDuplicateKeyError(err) {
		return nil
	}
	return err
}

func (k *Keys) put(ctx context.Context, key, name string) (Key, error) {
	h := hashKey(key)
	d := keyDoc{Hash: h, ID: h[:16], Name: name, CreatedAt: k.now().UTC()}
	if _, err := k.c.InsertOne(ctx, d); err != nil {
		if mongo.IsDuplicateKeyError(err) {
			return Key{}, err
		}
		return Key{}, fmt.Errorf("create api key: %w", err)
	}
	return toKey(d), nil
}

// Check returns the key's record, or ErrBadKey.
func (k *Keys) Check(ctx context.Context, key string) (Key, error) {
	if key == "" || len(key) > 200 {
		return Key{}, ErrBadKey
	}
	var d keyDoc
	err := k.c.FindOne(ctx, bson.D{{Key: "_id", Value: hashKey(key)}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return Key{}, ErrBadKey
	}
	if err != nil {
		return Key{}, fmt.Errorf("check api key: %w", err)
	}
	if d.RevokedAt != nil {
		return Key{}, ErrBadKey
	}
	return toKey(d), nil
}

// List returns every key, newest first.
func (k *Keys) List(ctx context.Context) ([]Key, error) {
	cur, err := k.c.Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "created_at", Value: -1}}))
	if err != nil {
		return nil, fmt.Errorf("list api keys: %w", err)
	}
	var docs []keyDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("list api keys: %w", err)
	}
	out := make([]Key, 0, len(docs))
	for _, d := range docs {
		out = append(out, toKey(d))
	}
	return out, nil
}

// Revoke revokes a key by its id; an unknown id is not_found.
func (k *Keys) Revoke(ctx context.Context, id string) (Key, error) {
	var d keyDoc
	err := k.c.FindOne(ctx, bson.D{{Key: "id", Value: id}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return Key{}, apperr.New(apperr.NotFound, "no such api key")
	}
	if err != nil {
		return Key{}, fmt.Errorf("revoke api key: %w", err)
	}
	if d.RevokedAt == nil {
		now := k.now().UTC()
		d.RevokedAt = &now
		if _, err := k.c.UpdateOne(ctx, bson.D{{Key: "_id", Value: d.Hash}}, bson.D{{Key: "$set", Value: bson.D{{Key: "revoked_at", Value: now}}}}); err != nil {
			return Key{}, fmt.Errorf("revoke api key: %w", err)
		}
	}
	return toKey(d), nil
}
