package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// SecretsCollection keeps secrets generated once and shared by every
// process on the store (SharedSecret).
const SecretsCollection = "secrets"

// SharedSecret returns the random secret stored under name, generating it
// on first use: the first process to insert it wins (an insert is atomic
// on every store) and every other process reads the winner's. Portals
// sharing a store thus sign with one key without configuration.
func (s *Store) SharedSecret(ctx context.Context, name string) (string, error) {
	c := s.DB.Collection(SecretsCollection)
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", err
	}
	_, err := c.InsertOne(ctx, bson.D{{Key: "_id", Value: name}, {Key: "value", Value: hex.EncodeToString(raw[:])},
		{Key: "created_at", Value: time.Now().UTC()}})
	if err != nil && !mongo.IsDuplicateKeyError(err) {
		return "", fmt.Errorf("store secret %s: %w", name, err)
	}
	var doc struct {
		Value string `bson:"value"`
	}
	if err := c.FindOne(ctx, bson.D{{Key: "_id", Value: name}}).Decode(&doc); err != nil {
		return "", fmt.Errorf("read secret %s: %w", name, err)
	}
	if len(doc.Value) < 32 {
		return "", fmt.Errorf("stored secret %s is shorter than 32 characters", name)
	}
	return doc.Value, nil
}
