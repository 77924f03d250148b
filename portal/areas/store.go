package areas

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"cleancity/portal/store"
)

// Collection names.
const (
	collAreas       = "areas"
	collDepartments = "departments"
	collMeta        = "meta"
	metaAreasID     = "areas"
)

type areaDoc struct {
	ID             string `bson:"_id"`
	Level          string `bson:"level"`
	Name           string `bson:"name"`
	NameEN         string `bson:"name_en,omitempty"`
	ParentID       string `bson:"parent_id,omitempty"`
	Residents      int    `bson:"residents,omitempty"`
	LeadDepartment string `bson:"lead_department,omitempty"`
	// Geometry is GeoJSON MultiPolygon coordinates as a JSON string:
	// FerretDB v1 cannot store nested arrays, and the store never queries
	// shapes (point-in-polygon runs in Go).
	Geometry  string    `bson:"geometry,omitempty"`
	UpdatedAt time.Time `bson:"updated_at"`
}

type departmentDoc struct {
	ID        string    `bson:"_id"`
	Name      string    `bson:"name"`
	NameEN    string    `bson:"name_en,omitempty"`
	Type      string    `bson:"type"`
	StreetID  string    `bson:"street_id,omitempty"`
	UpdatedAt time.Time `bson:"updated_at"`
}

type metaDoc struct {
	ID      string `bson:"_id"`
	Version int64  `bson:"version"`
}

func toAreaDoc(a *Area, now time.Time) areaDoc {
	d := areaDoc{ID: a.ID, Level: string(a.Level), Name: a.Name, NameEN: a.NameEN, ParentID: a.ParentID,
		Residents: a.Residents, LeadDepartment: a.LeadDepartment, UpdatedAt: now}
	if a.Level != Community {
		d.Residents = 0 // derived upwards at load
	}
	if len(a.Geometry) > 0 {
		b, _ := json.Marshal(a.Geometry) // [][][][2]float64 always marshals
		d.Geometry = string(b)
	}
	return d
}

func toArea(d areaDoc) (*Area, error) {
	a := &Area{ID: d.ID, Level: Level(d.Level), Name: d.Name, NameEN: d.NameEN, ParentID: d.ParentID,
		Residents: d.Residents, LeadDepartment: d.LeadDepartment}
	if d.Geometry != "" {
		if err := json.Unmarshal([]byte(d.Geometry), &a.Geometry); err != nil {
			return nil, fmt.Errorf("area %s: geometry: %w", d.ID, err)
		}
	}
	return a, nil
}

func toDepartmentDoc(d Department, now time.Time) departmentDoc {
	return departmentDoc{ID: d.ID, Name: d.Name, NameEN: d.NameEN, Type: d.Type, StreetID: d.StreetID, UpdatedAt: now}
}

func toDepartment(d departmentDoc) Department {
	return Department{ID: d.ID, Name: d.Name, NameEN: d.NameEN, Type: d.Type, StreetID: d.StreetID}
}

// ensureIndexes creates the indexes the area queries use (idempotent).
func ensureIndexes(ctx context.Context, db *mongo.Database) error {
	_, err := db.Collection(collAreas).Indexes().CreateMany(ctx, []mongo.IndexModel{
		{Keys: bson.D{{Key: "level", Value: 1}, {Key: "parent_id", Value: 1}}},
	})
	if err != nil {
		return fmt.Errorf("areas indexes: %w", err)
	}
	_, err = db.Collection(collDepartments).Indexes().CreateMany(ctx, []mongo.IndexModel{
		{Keys: bson.D{{Key: "type", Value: 1}}},
	})
	if err != nil {
		return fmt.Errorf("departments indexes: %w", err)
	}
	return nil
}

// loadAll reads every area and department and the areas version.
func loadAll(ctx context.Context, db *mongo.Database) ([]*Area, []Department, int64, error) {
	version, err := loadVersion(ctx, db)
	if err != nil {
		return nil, nil, 0, err
	}
	cur, err := db.Collection(collAreas).Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, nil, 0, fmt.Errorf("find areas: %w", err)
	}
	defer cur.Close(ctx)
	var list []*Area
	for cur.Next(ctx) {
		var d areaDoc
		if err := cur.Decode(&d); err != nil {
			return nil, nil, 0, fmt.Errorf("decode area: %w", err)
		}
		a, err := toArea(d)
		if err != nil {
			return nil, nil, 0, err
		}
		list = append(list, a)
	}
	if err := cur.Err(); err != nil {
		return nil, nil, 0, fmt.Errorf("read areas: %w", err)
	}
	dcur, err := db.Collection(collDepartments).Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, nil, 0, fmt.Errorf("find departments: %w", err)
	}
	defer dcur.Close(ctx)
	var depts []Department
	for dcur.Next(ctx) {
		var d departmentDoc
		if err := dcur.Decode(&d); err != nil {
			return nil, nil, 0, fmt.Errorf("decode department: %w", err)
		}
		depts = append(depts, toDepartment(d))
	}
	if err := dcur.Err(); err != nil {
		return nil, nil, 0, fmt.Errorf("read departments: %w", err)
	}
	return list, depts, version, nil
}

func loadVersion(ctx context.Context, db *mongo.Database) (int64, error) {
	var m metaDoc
	err := db.Collection(collMeta).FindOne(ctx, bson.D{{Key: "_id", Value: metaAreasID}}).Decode(&m)
	if err == mongo.ErrNoDocuments {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("areas version: %w", err)
	}
	return m.Version, nil
}

// saveAll upserts departments and areas, then bumps the areas version so
// every portal process reloads its cache.
func saveAll(ctx context.Context, db *mongo.Database, list []*Area, depts []Department, now time.Time) error {
	// FerretDB v1 hangs on one update command holding more statements
	// that match existing documents than it has backend connections, so
	// replacements go in small batches.
	const batch = store.UpdateBatch
	for start := 0; start < len(depts); start += batch {
		end := min(start+batch, len(depts))
		models := make([]mongo.WriteModel, 0, end-start)
		for _, d := range depts[start:end] {
			models = append(models, mongo.NewReplaceOneModel().SetFilter(bson.D{{Key: "_id", Value: d.ID}}).
				SetReplacement(toDepartmentDoc(d, now)).SetUpsert(true))
		}
		if _, err := db.Collection(collDepartments).BulkWrite(ctx, models); err != nil {
			return fmt.Errorf("save departments: %w", err)
		}
	}
	for start := 0; start < len(list); start += batch {
		end := min(start+batch, len(list))
		models := make([]mongo.WriteModel, 0, end-start)
		for _, a := range list[start:end] {
			models = append(models, mongo.NewReplaceOneModel().SetFilter(bson.D{{Key: "_id", Value: a.ID}}).
				SetReplacement(toAreaDoc(a, now)).SetUpsert(true))
		}
		if _, err := db.Collection(collAreas).BulkWrite(ctx, models); err != nil {
			return fmt.Errorf("save areas: %w", err)
		}
	}
	_, err := db.Collection(collMeta).UpdateOne(ctx, bson.D{{Key: "_id", Value: metaAreasID}},
		bson.D{{Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}}}, options.UpdateOne().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("bump areas version: %w", err)
	}
	return nil
}
