package complaintdb

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"cleancity/complaints"
)

// The duplicate index: one document per cell (complaints.DuplicateCell),
// _id the cell key, holding the newest 30 complaints filed under it with
// their point and filing time. A duplicate check reads the four cells of
// complaints.DuplicateQuery.Cells by _id, the one look-up FerretDB v1
// answers without a scan, instead of querying the cases by position.

// CellEntry is one complaint in the duplicate index.
type CellEntry struct {
	ID      string
	Point   *complaints.Point
	FiledAt time.Time
}

// maxCellEntries is how many entries a cell keeps (the newest).
const maxCellEntries = 30

func cellEntryOf(c *complaints.Complaint) CellEntry {
	return CellEntry{ID: c.ID, Point: c.Point, FiledAt: c.FiledAt}
}

// Candidates implements complaints.Store: the entries of the query's
// cells that may match, then each case read by _id and matched.
func (s *Store) Candidates(ctx context.Context, q complaints.DuplicateQuery) ([]complaints.Candidate, error) {
	entries, err := s.CellEntries(ctx, q.Cells())
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []complaints.Candidate
	for _, e := range entries {
		if _, near := q.Near(e.Point, e.FiledAt); seen[e.ID] || !near {
			continue
		}
		seen[e.ID] = true
		c, err := s.Get(ctx, e.ID)
		if complaints.IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if cand, ok := q.Match(c); ok {
			out = append(out, cand)
		}
	}
	return out, nil
}

// indexCase adds a new complaint to its cell; a failure only costs future
// duplicate hints, so it is logged, not returned.
func (s *Store) indexCase(ctx context.Context, c *complaints.Complaint) {
	if err := s.AddCellEntry(ctx, complaints.DuplicateCell(c), cellEntryOf(c)); err != nil {
		s.log.Warn("complaints: duplicate index update failed", "case", c.ID, "err", err)
	}
}

// IndexDuplicates implements complaints.Store: the complaints' entries,
// written in bulk, one update per cell.
func (s *Store) IndexDuplicates(ctx context.Context, cs []*complaints.Complaint) error {
	cells := map[string][]CellEntry{}
	for _, c := range cs {
		key := complaints.DuplicateCell(c)
		cells[key] = append(cells[key], cellEntryOf(c))
	}
	return s.AddCellEntries(ctx, cells)
}

// RepairCells rebuilds the cells from the complaints filed since then when
// they are marked stale (a process with the memory copy filed without
// updating them, see ForMode), and clears the mark. It returns how many
// complaints it indexed (0 when nothing was stale).
//
// Each rebuilt cell keeps the entries it holds: a filing racing the repair
// from another process can lose its entry only between the cell's read and
// its replacement.
func (s *Store) RepairCells(ctx context.Context, since time.Time) (int, error) {
	stale, err := s.CellsStale(ctx)
	if err != nil || !stale {
		return 0, err
	}
	recent, err := s.List(ctx, complaints.Filter{From: since, Sort: "filed_at", Summary: true})
	if err != nil {
		return 0, fmt.Errorf("repair duplicate index: %w", err)
	}
	cells := map[string][]CellEntry{}
	for _, c := range recent {
		key := complaints.DuplicateCell(c)
		cells[key] = append(cells[key], cellEntryOf(c))
	}
	for key, list := range cells {
		held, err := s.CellEntries(ctx, []string{key})
		if err != nil {
			return 0, fmt.Errorf("repair duplicate index: %w", err)
		}
		cells[key] = mergeCellEntries(held, list)
	}
	if err := s.PutCells(ctx, cells); err != nil {
		return 0, fmt.Errorf("repair duplicate index: %w", err)
	}
	if err := s.SetCellsStale(ctx, false); err != nil {
		return 0, err
	}
	return len(recent), nil
}

// mergeCellEntries unites two entry lists by id, oldest first, keeping the
// newest maxCellEntries.
func mergeCellEntries(a, b []CellEntry) []CellEntry {
	seen := map[string]bool{}
	var out []CellEntry
	for _, e := range slices.Concat(a, b) {
		if !seen[e.ID] {
			seen[e.ID] = true
			out = append(out, e)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].FiledAt.Before(out[j].FiledAt) })
	if len(out) > maxCellEntries {
		out = out[len(out)-maxCellEntries:]
	}
	return out
}

// CellEntries reads the duplicate-index cells by _id.
func (s *Store) CellEntries(ctx context.Context, keys []string) ([]CellEntry, error) {
	var out []CellEntry
	for _, k := range keys {
		var d cellDoc
		err := s.cells.FindOne(ctx, bson.D{{Key: "_id", Value: k}}).Decode(&d)
		if errors.Is(err, mongo.ErrNoDocuments) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read cell: %w", err)
		}
		for _, e := range d.Entries {
			ce := CellEntry{ID: e.ID, FiledAt: e.At.UTC()}
			if e.Lat != nil && e.Lon != nil {
				ce.Point = &complaints.Point{Lat: *e.Lat, Lon: *e.Lon}
			}
			out = append(out, ce)
		}
	}
	return out, nil
}

// AddCellEntry pushes an entry to a cell, keeping the newest 30.
func (s *Store) AddCellEntry(ctx context.Context, key string, e CellEntry) error {
	ed := toCellEntryDoc(e)
	upd := bson.D{{Key: "$push", Value: bson.D{{Key: "entries", Value: bson.D{
		{Key: "$each", Value: bson.A{ed}}, {Key: "$slice", Value: -30}}}}}}
	if s.cellGroup != nil {
		return s.addCellGrouped(ctx, mongo.NewUpdateOneModel().SetFilter(bson.D{{Key: "_id", Value: key}}).SetUpdate(upd).SetUpsert(true))
	}
	defer s.enter()()
	var err error
	for range 3 {
		_, err = s.cells.UpdateOne(ctx, bson.D{{Key: "_id", Value: key}}, upd, options.UpdateOne().SetUpsert(true))
		if !mongo.IsDuplicateKeyError(err) {
			break // two upserts raced to create the cell: the loser retries as an update
		}
	}
	if err != nil {
		return fmt.Errorf("update cell: %w", err)
	}
	return nil
}

// AddCellEntries indexes many complaints at once (demo data): one document
// per cell, written in bulk.
func (s *Store) AddCellEntries(ctx context.Context, entries map[string][]CellEntry) error {
	var models []mongo.WriteModel
	for key, list := range entries {
		var eds bson.A
		if len(list) > 30 {
			list = list[len(list)-30:]
		}
		for _, e := range list {
			eds = append(eds, toCellEntryDoc(e))
		}
		models = append(models, mongo.NewUpdateOneModel().SetFilter(bson.D{{Key: "_id", Value: key}}).
			SetUpdate(bson.D{{Key: "$push", Value: bson.D{{Key: "entries", Value: bson.D{
				{Key: "$each", Value: eds}, {Key: "$slice", Value: -30}}}}}}).SetUpsert(true))
	}
	// At most cellBatch (store.UpdateBatch) statements per command (FerretDB v1).
	for i := 0; i < len(models); i += cellBatch {
		end := min(i+cellBatch, len(models))
		if _, err := s.cells.BulkWrite(ctx, models[i:end], options.BulkWrite().SetOrdered(false)); err != nil {
			return fmt.Errorf("bulk cells: %w", err)
		}
	}
	return nil
}

// PutCells replaces the entries of each given cell (upserting it), at most
// cellBatch statements per command.
func (s *Store) PutCells(ctx context.Context, entries map[string][]CellEntry) error {
	models := make([]mongo.WriteModel, 0, len(entries))
	for key, list := range entries {
		d := cellDoc{Key: key, Entries: make([]cellEntryDoc, 0, len(list))}
		for _, e := range list {
			d.Entries = append(d.Entries, toCellEntryDoc(e))
		}
		models = append(models, mongo.NewReplaceOneModel().SetFilter(bson.D{{Key: "_id", Value: key}}).
			SetReplacement(d).SetUpsert(true))
	}
	for i := 0; i < len(models); i += cellBatch {
		end := min(i+cellBatch, len(models))
		if _, err := s.cells.BulkWrite(ctx, models[i:end], options.BulkWrite().SetOrdered(false)); err != nil {
			return fmt.Errorf("put cells: %w", err)
		}
	}
	return nil
}

// cellsStaleID is the _id of the cells collection's stale mark; cell keys
// start with a category code, never with "!".
const cellsStaleID = "!stale"

// CellsStale reports whether the cells are marked stale.
func (s *Store) CellsStale(ctx context.Context) (bool, error) {
	err := s.cells.FindOne(ctx, bson.D{{Key: "_id", Value: cellsStaleID}}).Err()
	if errors.Is(err, mongo.ErrNoDocuments) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read cells mark: %w", err)
	}
	return true, nil
}

// SetCellsStale sets or clears the cells' stale mark.
func (s *Store) SetCellsStale(ctx context.Context, stale bool) error {
	var err error
	if stale {
		_, err = s.cells.ReplaceOne(ctx, bson.D{{Key: "_id", Value: cellsStaleID}},
			bson.D{{Key: "_id", Value: cellsStaleID}, {Key: "since", Value: time.Now().UTC()}}, options.Replace().SetUpsert(true))
	} else {
		_, err = s.cells.DeleteOne(ctx, bson.D{{Key: "_id", Value: cellsStaleID}})
	}
	if err != nil {
		return fmt.Errorf("mark cells: %w", err)
	}
	return nil
}
