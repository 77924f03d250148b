package complaintdb

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"cleancity/complaints"
)

// IntakeCollection holds the triage queue (reports waiting to be placed).
const IntakeCollection = "complaint_intake"

type intakeDoc struct {
	ID          string            `bson:"_id"`
	Category    string            `bson:"category"`
	Description string            `bson:"description"`
	Address     string            `bson:"address"`
	Contact     *contactDoc       `bson:"contact,omitempty"`
	Attributes  map[string]string `bson:"attributes,omitempty"`
	Source      string            `bson:"source"`
	Private     bool              `bson:"private,omitempty"`
	MediaURL    string            `bson:"media_url,omitempty"`
	FiledAt     time.Time         `bson:"filed_at"`
	FilerID     string            `bson:"filer_id,omitempty"`
	FilerName   string            `bson:"filer_name,omitempty"`
	FilerRole   string            `bson:"filer_role"`
	DistrictID  string            `bson:"district_id,omitempty"`
	StreetID    string            `bson:"street_id,omitempty"`
}

func toIntakeDoc(it *complaints.Intake) intakeDoc {
	d := intakeDoc{ID: it.ID, Category: it.Category, Description: it.Description, Address: it.Address,
		Attributes: it.Attributes, Source: it.Source, Private: it.Private, MediaURL: it.MediaURL, FiledAt: it.FiledAt.UTC(),
		FilerID: it.Filer.ID, FilerName: it.Filer.Name, FilerRole: string(it.Filer.Role),
		DistrictID: it.Hint.DistrictID, StreetID: it.Hint.StreetID}
	if !it.Contact.Empty() {
		d.Contact = &contactDoc{Name: it.Contact.Name, Phone: it.Contact.Phone, Email: it.Contact.Email}
	}
	return d
}

func toIntake(d intakeDoc) *complaints.Intake {
	it := &complaints.Intake{ID: d.ID, Category: d.Category, Description: d.Description, Address: d.Address,
		Attributes: d.Attributes, Source: d.Source, Private: d.Private, MediaURL: d.MediaURL, FiledAt: d.FiledAt.UTC(),
		Filer: complaints.Actor{ID: d.FilerID, Name: d.FilerName, Role: complaints.Role(d.FilerRole)},
		Hint:  complaints.Place{DistrictID: d.DistrictID, StreetID: d.StreetID}}
	if d.Contact != nil {
		it.Contact = complaints.Contact{Name: d.Contact.Name, Phone: d.Contact.Phone, Email: d.Contact.Email}
	}
	return it
}

// CreateIntake stores a report to place.
func (s *Store) CreateIntake(ctx context.Context, it *complaints.Intake) error {
	defer s.enter()()
	_, err := s.intake.InsertOne(ctx, toIntakeDoc(it))
	if mongo.IsDuplicateKeyError(err) {
		return complaints.ErrCodeTaken
	}
	if err != nil {
		return fmt.Errorf("insert intake: %w", err)
	}
	return nil
}

// Intake returns one queued report by id.
func (s *Store) Intake(ctx context.Context, id string) (*complaints.Intake, error) {
	var d intakeDoc
	err := s.intake.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, complaints.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("get intake: %w", err)
	}
	return toIntake(d), nil
}

// Intakes returns the queue, oldest first. The queue stays short (the
// hotline works it daily), so the scan is cheap on either engine.
func (s *Store) Intakes(ctx context.Context, limit int) ([]*complaints.Intake, error) {
	opts := options.Find().SetSort(bson.D{{Key: "filed_at", Value: 1}, {Key: "_id", Value: 1}})
	if limit > 0 {
		opts.SetLimit(int64(limit))
	}
	cur, err := s.intake.Find(ctx, bson.D{}, opts)
	if err != nil {
		return nil, fmt.Errorf("list intake: %w", err)
	}
	defer cur.Close(ctx)
	var out []*complaints.Intake
	for cur.Next(ctx) {
		var d intakeDoc
		if err := cur.Decode(&d); err != nil {
			return nil, fmt.Errorf("decode intake: %w", err)
		}
		out = append(out, toIntake(d))
	}
	return out, cur.Err()
}

// DeleteIntake removes a placed report.
func (s *Store) DeleteIntake(ctx context.Context, id string) error {
	defer s.enter()()
	if _, err := s.intake.DeleteOne(ctx, bson.D{{Key: "_id", Value: id}}); err != nil {
		return fmt.Errorf("delete intake: %w", err)
	}
	return nil
}
