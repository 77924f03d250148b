package store

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// ErrTargetNotEmpty is returned by Copy when the target already holds
// documents and CopyOptions.Force is not set.
var ErrTargetNotEmpty = errors.New("the target store is not empty")

// CopyOptions tune Copy.
type CopyOptions struct {
	// Force drops the target's collections before copying into a target
	// that is not empty.
	Force bool
	// Progress, when set, is called after every batch and once at the end
	// of each collection.
	Progress func(CopyProgress)
	// BatchDocs and BatchBytes bound one insertMany (defaults 1,000
	// documents and 16 MiB; photo chunks are up to 8 MiB each).
	BatchDocs  int
	BatchBytes int
}

// CopyProgress is where a copy stands.
type CopyProgress struct {
	Collection string
	// Index and Collections count the collections (1-based).
	Index, Collections int
	// Done and Total count the collection's documents.
	Done, Total int64
	// Bytes is the size of the documents copied so far.
	Bytes   int64
	Elapsed time.Duration
	// Finished is set on the last call for the collection.
	Finished bool
}

// CollectionSum is the content of one collection: its document count and
// an order-independent checksum of the documents' exact BSON bytes, so two
// stores that hold the same documents (same ids, fields, order and types)
// have equal sums whatever order they return them in.
type CollectionSum struct {
	Name     string
	Docs     int64
	Bytes    int64
	Checksum string
}

// Copy copies every collection of src's database (the complaint photos'
// GridFS files and chunks included) into dst's, preserving ids, field order
// and types, and creates the source's indexes on the target. It refuses a
// target with documents unless opt.Force. It does not verify: call
// Verify afterwards.
func Copy(ctx context.Context, src, dst *Store, opt CopyOptions) error {
	if opt.BatchDocs <= 0 {
		opt.BatchDocs = 1000
	}
	if opt.BatchBytes <= 0 {
		opt.BatchBytes = 16 << 20
	}
	names, err := collectionNames(ctx, src.DB)
	if err != nil {
		return fmt.Errorf("list source collections: %w", err)
	}
	existing, err := collectionNames(ctx, dst.DB)
	if err != nil {
		return fmt.Errorf("list target collections: %w", err)
	}
	for _, name := range existing {
		n, err := dst.DB.Collection(name).EstimatedDocumentCount(ctx)
		if err != nil {
			return fmt.Errorf("count target %s: %w", name, err)
		}
		if n == 0 {
			continue
		}
		if !opt.Force {
			return fmt.Errorf("%w: collection %s holds %d documents (use --force to replace them)", ErrTargetNotEmpty, name, n)
		}
		break
	}
	if opt.Force {
		for _, name := range existing {
			if err := dst.DB.Collection(name).Drop(ctx); err != nil {
				return fmt.Errorf("drop target %s: %w", name, err)
			}
		}
	}
	// A few collections at a time: one collection's copy waits on the
	// source's reads and the target's commits in turn, so running several
	// keeps both stores busy.
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		errs  []error
		next  = make(chan int)
		cctx  context.Context
		abort context.CancelFunc
	)
	cctx, abort = context.WithCancel(ctx)
	defer abort()
	var progressMu sync.Mutex
	if opt.Progress != nil {
		report := opt.Progress
		opt.Progress = func(p CopyProgress) {
			progressMu.Lock()
			defer progressMu.Unlock()
			report(p)
		}
	}
	for w := 0; w < copyWorkers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				name := names[i]
				err := copyCollection(cctx, src.DB.Collection(name), dst.DB.Collection(name), i+1, len(names), opt)
				if err == nil {
					if err = copyIndexes(cctx, src.DB.Collection(name), dst.DB.Collection(name)); err != nil {
						err = fmt.Errorf("indexes of %s: %w", name, err)
					}
				} else {
					err = fmt.Errorf("copy %s: %w", name, err)
				}
				if err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
					abort()
				}
			}
		}()
	}
	for i := range names {
		if cctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	return errors.Join(errs...)
}

// copyWorkers is how many collections Copy copies at once.
const copyWorkers = 3

func copyCollection(ctx context.Context, from, to *mongo.Collection, index, count int, opt CopyOptions) error {
	start := time.Now()
	total, err := from.EstimatedDocumentCount(ctx)
	if err != nil {
		return err
	}
	// Create the collection even when it is empty, so the target has the
	// same set of collections.
	if err := to.Database().CreateCollection(ctx, to.Name()); err != nil && !isNamespaceExists(err) {
		return err
	}
	cur, err := from.Find(ctx, bson.D{}, options.Find().SetBatchSize(int32(opt.BatchDocs)))
	if err != nil {
		return err
	}
	defer cur.Close(ctx)
	p := CopyProgress{Collection: from.Name(), Index: index, Collections: count, Total: total}
	batch := make([]any, 0, opt.BatchDocs)
	size := 0
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if _, err := to.InsertMany(ctx, batch, options.InsertMany().SetOrdered(true)); err != nil {
			return err
		}
		p.Done += int64(len(batch))
		p.Bytes += int64(size)
		p.Elapsed = time.Since(start)
		if opt.Progress != nil {
			opt.Progress(p)
		}
		batch, size = batch[:0], 0
		return nil
	}
	for cur.Next(ctx) {
		doc := slices.Clone([]byte(cur.Current))
		if len(batch) > 0 && (len(batch) >= opt.BatchDocs || size+len(doc) > opt.BatchBytes) {
			if err := flush(); err != nil {
				return err
			}
		}
		batch = append(batch, bson.Raw(doc))
		size += len(doc)
	}
	if err := cur.Err(); err != nil {
		return err
	}
	if err := flush(); err != nil {
		return err
	}
	if p.Total < p.Done {
		p.Total = p.Done
	}
	p.Elapsed, p.Finished = time.Since(start), true
	if opt.Progress != nil {
		opt.Progress(p)
	}
	return nil
}

// copyIndexes creates the source's indexes (other than _id) on the target,
// one per call: FerretDB v1 drops the connection when one createIndexes
// names two that exist.
func copyIndexes(ctx context.Context, from, to *mongo.Collection) error {
	cur, err := from.Indexes().List(ctx)
	if err != nil {
		return err
	}
	var specs []struct {
		Name   string `bson:"name"`
		Key    bson.D `bson:"key"`
		Unique bool   `bson:"unique"`
		Sparse bool   `bson:"sparse"`
	}
	if err := cur.All(ctx, &specs); err != nil {
		return err
	}
	for _, spec := range specs {
		if spec.Name == "_id_" || len(spec.Key) == 0 {
			continue
		}
		io := options.Index().SetName(spec.Name)
		if spec.Unique {
			io.SetUnique(true)
		}
		if spec.Sparse {
			io.SetSparse(true)
		}
		if _, err := to.Indexes().CreateOne(ctx, mongo.IndexModel{Keys: spec.Key, Options: io}); err != nil {
			return fmt.Errorf("create index %s: %w", spec.Name, err)
		}
	}
	return nil
}

// Sums returns the count and checksum of every collection of db, by name.
func Sums(ctx context.Context, db *mongo.Database) ([]CollectionSum, error) {
	names, err := collectionNames(ctx, db)
	if err != nil {
		return nil, err
	}
	sums := make([]CollectionSum, 0, len(names))
	for _, name := range names {
		s, err := Sum(ctx, db.Collection(name))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		sums = append(sums, s)
	}
	return sums, nil
}

// Sum reads every document of c once and returns its CollectionSum. The
// checksum adds the documents' SHA-256 digests lane by lane (four 64-bit
// lanes, modulo 2^64): a multiset hash, so the order a store returns
// documents in does not matter, while any changed, missing or extra
// document changes it.
func Sum(ctx context.Context, c *mongo.Collection) (CollectionSum, error) {
	cur, err := c.Find(ctx, bson.D{}, options.Find().SetBatchSize(1000))
	if err != nil {
		return CollectionSum{}, err
	}
	defer cur.Close(ctx)
	s := CollectionSum{Name: c.Name()}
	var lanes [4]uint64
	for cur.Next(ctx) {
		d := sha256.Sum256(cur.Current)
		for i := range lanes {
			lanes[i] += binary.BigEndian.Uint64(d[i*8:])
		}
		s.Docs++
		s.Bytes += int64(len(cur.Current))
	}
	if err := cur.Err(); err != nil {
		return CollectionSum{}, err
	}
	var out [32]byte
	for i, l := range lanes {
		binary.BigEndian.PutUint64(out[i*8:], l)
	}
	s.Checksum = hex.EncodeToString(out[:])
	return s, nil
}

// Verify compares every collection of src and dst by count and checksum
// and returns one line per difference (none when they hold the same
// documents), with both sides' sums.
func Verify(ctx context.Context, src, dst *Store) (diffs []string, sums []CollectionSum, err error) {
	// Both sides at once: each is one full read of its store.
	var b []CollectionSum
	var errB error
	done := make(chan struct{})
	go func() {
		defer close(done)
		b, errB = Sums(ctx, dst.DB)
	}()
	a, err := Sums(ctx, src.DB)
	<-done
	if err != nil {
		return nil, nil, fmt.Errorf("source: %w", err)
	}
	if errB != nil {
		return nil, nil, fmt.Errorf("target: %w", errB)
	}
	byName := map[string]CollectionSum{}
	for _, s := range b {
		byName[s.Name] = s
	}
	for _, s := range a {
		t, ok := byName[s.Name]
		delete(byName, s.Name)
		switch {
		case !ok:
			diffs = append(diffs, fmt.Sprintf("%s: missing on the target (%d documents on the source)", s.Name, s.Docs))
		case t.Docs != s.Docs:
			diffs = append(diffs, fmt.Sprintf("%s: %d documents on the source, %d on the target", s.Name, s.Docs, t.Docs))
		case t.Checksum != s.Checksum:
			diffs = append(diffs, fmt.Sprintf("%s: %d documents on both sides but their contents differ", s.Name, s.Docs))
		}
	}
	for _, t := range b {
		if _, extra := byName[t.Name]; extra && t.Docs > 0 {
			diffs = append(diffs, fmt.Sprintf("%s: only on the target (%d documents)", t.Name, t.Docs))
		}
	}
	return diffs, a, nil
}

// collectionNames lists db's collections, sorted, without system ones.
func collectionNames(ctx context.Context, db *mongo.Database) ([]string, error) {
	names, err := db.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		return nil, err
	}
	names = slices.DeleteFunc(names, func(n string) bool { return strings.HasPrefix(n, "system.") })
	slices.Sort(names)
	return names, nil
}

func isNamespaceExists(err error) bool {
	var ce mongo.CommandError
	return errors.As(err, &ce) && (ce.Code == 48 || ce.Name == "NamespaceExists")
}
