package complaintdb

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Collections are every collection this store uses, GridFS's two
// included (PostgreSQL mode creates them all at start).
func Collections() []string {
	return []string{CasesCollection, EventsCollection, CategoriesCollection, CellsCollection,
		OutboxCollection, LeasesCollection, IntakeCollection, ClaimsCollection, PhotoBucket + ".files", PhotoBucket + ".chunks"}
}

// ensurePhotoIndexes creates the two indexes the driver's GridFS bucket
// creates before its first upload, so it finds them and creates nothing.
// In PostgreSQL mode a process that read FerretDB's catalogue before
// another process's first upload would otherwise try to create them again
// and fail the upload (see portal/store/postgresql.go).
func (s *Store) ensurePhotoIndexes(ctx context.Context) error {
	for _, ix := range []struct {
		coll  string
		model mongo.IndexModel
	}{
		{PhotoBucket + ".files", mongo.IndexModel{Keys: bson.D{{Key: "filename", Value: int32(1)}, {Key: "uploadDate", Value: int32(1)}}}},
		{PhotoBucket + ".chunks", mongo.IndexModel{Keys: bson.D{{Key: "files_id", Value: int32(1)}, {Key: "n", Value: int32(1)}},
			Options: options.Index().SetUnique(true)}},
	} {
		if _, err := s.db.Collection(ix.coll).Indexes().CreateOne(ctx, ix.model); err != nil {
			return fmt.Errorf("create photo index on %s: %w", ix.coll, err)
		}
	}
	return nil
}
