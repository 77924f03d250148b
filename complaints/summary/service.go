package summary

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"cleancity/complaints"
)

// Store keeps the summaries. It is written by one applier at a time (the
// holder of the lease), because FerretDB v1 loses concurrent updates of one
// document; any process may queue facts, since queueing is an insert with
// the event id as key (atomic on both stores, duplicates skipped).
type Store interface {
	// Queue stores facts to fold in; a fact whose event is queued already
	// is skipped.
	Queue(ctx context.Context, facts []Fact) error
	// Queued returns up to limit queued facts.
	Queued(ctx context.Context, limit int) ([]Fact, error)
	// Unqueue deletes queued facts by event id.
	Unqueue(ctx context.Context, ids []string) error
	// Head returns the revision document (zero when none).
	Head(ctx context.Context) (Head, error)
	// Days returns the stored days with these dates (missing ones left out).
	Days(ctx context.Context, dates []string) ([]*Day, error)
	// OpenSets returns the stored sets of these departments.
	OpenSets(ctx context.Context, depts []string) ([]*OpenSet, error)
	// All returns every stored day and set (first load).
	All(ctx context.Context) ([]*Day, []*OpenSet, error)
	// Save writes whole days and sets, then the head.
	Save(ctx context.Context, days []*Day, sets []*OpenSet, head Head) error
	// Replace deletes every day and set, stores these and the head (rebuild).
	Replace(ctx context.Context, days []*Day, sets []*OpenSet, head Head) error
	// Upgrade rewrites documents stored in an older format in the current
	// one, unchanged in content (the lease holder calls it once).
	Upgrade(ctx context.Context) (int, error)
	// Claim claims a lease slot by insert; false when another owner has it.
	Claim(ctx context.Context, name string, slot int64, owner string) (bool, error)
	// EachCase streams every complaint with its history (rebuild).
	EachCase(ctx context.Context, fn func(*complaints.Complaint) error) error
}

// Cases is what the catch-up sweep needs from the complaint domain.
type Cases interface {
	// Events returns recorded events in (At, ID) order after the cursor.
	Events(ctx context.Context, after complaints.EventCursor, limit int) ([]complaints.Event, error)
	// Get returns a complaint (the system actor sees every case).
	Get(ctx context.Context, actor complaints.Actor, id string) (*complaints.Complaint, error)
	// Category returns a category (for its service level).
	Category(code string) (complaints.Category, bool)
}

// Head is the summaries' revision: a counter per stored document, so each
// process reloads only the documents that changed.
type Head struct {
	Rev  int64
	Docs map[string]int64
	// Watermark: every event recorded before it has been queued or folded
	// in (the catch-up sweep starts a little before it).
	Watermark time.Time
}

// DayDoc and SetDoc name documents in Head.Docs.
func DayDoc(date string) string { return "day:" + date }

// SetDoc names a department's open set in Head.Docs.
func SetDoc(dept string) string { return "open:" + dept }

// Timing of the applier and the readers.
const (
	// LeaseSlot is the length of one applier lease slot.
	LeaseSlot = 10 * time.Second
	// DefaultRefresh is how stale a process's in-memory copy may be.
	DefaultRefresh = time.Second
	// batchSize is how many queued facts one batch folds in.
	batchSize = 500
	// sweepLag leaves the hooks this long before the sweep looks at an
	// event; sweepMargin re-reads this much before the watermark.
	sweepLag    = 5 * time.Second
	sweepMargin = 2 * time.Minute
)

// Service maintains and serves the summaries.
type Service struct {
	store Store
	cases Cases
	now   func() time.Time
	log   *slog.Logger
	owner string
	// Refresh is how stale the in-memory copy may be before a read
	// checks the head again.
	Refresh time.Duration

	// loadMu makes concurrent first loads wait for one.
	loadMu    sync.Mutex
	mu        sync.RWMutex
	head      Head
	days      map[string]*Day
	sets      map[string]*OpenSet
	loaded    bool
	checkedAt time.Time // wall clock of the last head check

	// applyMu makes this process's applier, sweep and rebuild exclusive.
	applyMu sync.Mutex
	owned   map[int64]bool
	// upgraded: this process, as lease holder, has rewritten documents of
	// older formats.
	upgraded bool
}

// NewService returns the service; now is the business clock (overdue,
// not-yet-due), leases use the wall clock.
func NewService(store Store, cases Cases, now func() time.Time, log *slog.Logger) *Service {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.Default()
	}
	return &Service{store: store, cases: cases, now: now, log: log, owner: rand.Text()[:12],
		Refresh: DefaultRefresh, days: map[string]*Day{}, sets: map[string]*OpenSet{}, owned: map[int64]bool{}}
}

func (s *Service) serviceLevel(category string) time.Duration {
	if c, ok := s.cases.Category(category); ok && c.ServiceLevel() > 0 {
		return c.ServiceLevel()
	}
	return 72 * time.Hour
}

// Hook is the complaints event hook: it queues the event's fact (one
// insert). A process dying before it runs loses nothing: the catch-up
// sweep queues events it finds neither queued nor folded in.
func (s *Service) Hook(ctx context.Context, c *complaints.Complaint, ev complaints.Event) {
	f := FactOf(c, ev, s.serviceLevel(c.Category), true)
	if err := s.store.Queue(ctx, []Fact{f}); err != nil {
		s.log.Warn("summary: queue fact failed (the sweep will catch up)", "event", ev.ID, "err", err)
	}
}

// lease reports whether this process holds the applier lease now,
// claiming the current slot (and the next one near the end of a slot, so
// a working applier keeps it).
func (s *Service) lease(ctx context.Context) (bool, error) {
	now := time.Now()
	slot := now.UnixNano() / int64(LeaseSlot)
	if !s.owned[slot] {
		ok, err := s.store.Claim(ctx, "applier", slot, s.owner)
		if err != nil || !ok {
			return false, err
		}
		s.owned[slot] = true
	}
	if now.Add(3*time.Second).UnixNano()/int64(LeaseSlot) > slot && !s.owned[slot+1] {
		if ok, err := s.store.Claim(ctx, "applier", slot+1, s.owner); err == nil && ok {
			s.owned[slot+1] = true
		}
	}
	for k := range s.owned {
		if k < slot-1 {
			delete(s.owned, k)
		}
	}
	return true, nil
}

// refresh brings the in-memory copy up to the stored head, unless it was
// checked less than maxAge ago (0: always).
func (s *Service) refresh(ctx context.Context, maxAge time.Duration) error {
	s.mu.RLock()
	fresh := s.loaded && time.Since(s.checkedAt) < maxAge
	s.mu.RUnlock()
	if fresh {
		return nil
	}
	head, err := s.store.Head(ctx)
	if err != nil {
		return err
	}
	s.mu.RLock()
	loaded, cur := s.loaded, s.head
	s.mu.RUnlock()
	if !loaded {
		s.loadMu.Lock()
		defer s.loadMu.Unlock()
		s.mu.RLock()
		loaded = s.loaded
		s.mu.RUnlock()
		if loaded {
			return nil
		}
		days, sets, err := s.store.All(ctx)
		if err != nil {
			return err
		}
		s.mu.Lock()
		s.days, s.sets = map[string]*Day{}, map[string]*OpenSet{}
		for _, d := range days {
			s.days[d.Date] = d
		}
		for _, o := range sets {
			s.sets[o.Department] = o
		}
		s.head, s.loaded, s.checkedAt = head, true, time.Now()
		s.mu.Unlock()
		return nil
	}
	if head.Rev == cur.Rev {
		s.mu.Lock()
		s.head.Watermark, s.checkedAt = head.Watermark, time.Now()
		s.mu.Unlock()
		return nil
	}
	var dates, depts []string
	var goneDays, goneSets []string
	for id, rev := range head.Docs {
		if cur.Docs[id] == rev {
			continue
		}
		if len(id) > 4 && id[:4] == "day:" {
			dates = append(dates, id[4:])
		} else if len(id) > 5 && id[:5] == "open:" {
			depts = append(depts, id[5:])
		}
	}
	for id := range cur.Docs {
		if _, ok := head.Docs[id]; !ok {
			if len(id) > 4 && id[:4] == "day:" {
				goneDays = append(goneDays, id[4:])
			} else if len(id) > 5 && id[:5] == "open:" {
				goneSets = append(goneSets, id[5:])
			}
		}
	}
	days, err := s.store.Days(ctx, dates)
	if err != nil {
		return err
	}
	sets, err := s.store.OpenSets(ctx, depts)
	if err != nil {
		return err
	}
	s.mu.Lock()
	nd := make(map[string]*Day, len(s.days)+len(days))
	for k, v := range s.days {
		nd[k] = v
	}
	ns := make(map[string]*OpenSet, len(s.sets)+len(sets))
	for k, v := range s.sets {
		ns[k] = v
	}
	for _, k := range goneDays {
		delete(nd, k)
	}
	for _, k := range goneSets {
		delete(ns, k)
	}
	for _, d := range days {
		nd[d.Date] = d
	}
	for _, o := range sets {
		ns[o.Department] = o
	}
	s.days, s.sets, s.head, s.checkedAt = nd, ns, head, time.Now()
	s.mu.Unlock()
	return nil
}

// view is an immutable snapshot of the in-memory copy.
type view struct {
	days map[string]*Day
	sets []*OpenSet
}

func (v *view) Day(date string) *Day { return v.days[date] }
func (v *view) OpenSets() []*OpenSet { return v.sets }
func (s *Service) snapshot() *view {
	s.mu.RLock()
	defer s.mu.RUnlock()
	v := &view{days: s.days}
	for _, k := range SortedKeys(s.sets) {
		v.sets = append(v.sets, s.sets[k])
	}
	return v
}

// View returns the current figures' source. While Run keeps the copy
// fresh (every Refresh), View answers from memory without touching the
// store, so a busy store cannot slow the dashboard down; a copy older than
// maxBehind (Run is not running: tools, tests) is refreshed first.
func (s *Service) View(ctx context.Context) (Source, error) {
	s.mu.RLock()
	current := s.loaded && time.Since(s.checkedAt) < maxBehind*s.Refresh
	s.mu.RUnlock()
	if !current {
		if err := s.refresh(ctx, s.Refresh); err != nil {
			return nil, err
		}
	}
	return s.snapshot(), nil
}

// maxBehind is how many Refresh intervals a reader's copy may be old before
// View refreshes it inline.
const maxBehind = 3

// Figures computes the complaint figures of a query.
func (s *Service) Figures(ctx context.Context, q Query) (*Figures, error) {
	v, err := s.View(ctx)
	if err != nil {
		return nil, err
	}
	if q.Now.IsZero() {
		q.Now = s.now()
	}
	return Compute(v, q), nil
}

// League computes the department league table of a query.
func (s *Service) League(ctx context.Context, q Query) ([]LeagueRow, error) {
	v, err := s.View(ctx)
	if err != nil {
		return nil, err
	}
	if q.Now.IsZero() {
		q.Now = s.now()
	}
	return League(v, q), nil
}

// Now is the service's business clock.
func (s *Service) Now() time.Time { return s.now() }

// work is the applier's working copies of the documents a batch changes.
type work struct {
	s     *Service
	days  map[string]*Day
	sets  map[string]*OpenSet
	where map[string]string // case -> department of its open entry
}

func (s *Service) newWork() *work {
	w := &work{s: s, days: map[string]*Day{}, sets: map[string]*OpenSet{}, where: map[string]string{}}
	s.mu.RLock()
	for dept, set := range s.sets {
		for id := range set.Cases {
			w.where[id] = dept
		}
	}
	s.mu.RUnlock()
	return w
}

func (w *work) day(date string) *Day {
	if d := w.days[date]; d != nil {
		return d
	}
	w.s.mu.RLock()
	cur := w.s.days[date]
	w.s.mu.RUnlock()
	var d *Day
	if cur != nil {
		d = cur.Clone()
	} else {
		d = NewDay(date)
	}
	w.days[date] = d
	return d
}

func (w *work) set(dept string) *OpenSet {
	if o := w.sets[dept]; o != nil {
		return o
	}
	w.s.mu.RLock()
	cur := w.s.sets[dept]
	w.s.mu.RUnlock()
	var o *OpenSet
	if cur != nil {
		o = cur.Clone()
	} else {
		o = NewOpenSet(dept)
	}
	w.sets[dept] = o
	return o
}

// apply folds one fact into the working copies.
func (w *work) apply(f *Fact) {
	for _, date := range f.Days() {
		w.day(date).Apply(f)
	}
	if f.Snap == nil {
		return
	}
	sn := *f.Snap
	if dept, ok := w.where[sn.ID]; ok {
		set := w.set(dept)
		if cur, ok := set.Cases[sn.ID]; ok && cur.Version > sn.Version {
			return
		}
		delete(set.Cases, sn.ID)
		delete(w.where, sn.ID)
	}
	if sn.Open {
		w.set(sn.Department).Cases[sn.ID] = sn
		w.where[sn.ID] = sn.Department
	}
}

// commit saves the working copies with a new head and publishes them.
func (w *work) commit(ctx context.Context, watermark time.Time) error {
	s := w.s
	s.mu.RLock()
	head := Head{Rev: s.head.Rev + 1, Docs: make(map[string]int64, len(s.head.Docs)+len(w.days)+len(w.sets)), Watermark: s.head.Watermark}
	for k, v := range s.head.Docs {
		head.Docs[k] = v
	}
	s.mu.RUnlock()
	if watermark.After(head.Watermark) {
		head.Watermark = watermark
	}
	days := make([]*Day, 0, len(w.days))
	for _, k := range SortedKeys(w.days) {
		d := w.days[k]
		d.Prune()
		days = append(days, d)
		head.Docs[DayDoc(k)] = head.Rev
	}
	sets := make([]*OpenSet, 0, len(w.sets))
	for _, k := range SortedKeys(w.sets) {
		sets = append(sets, w.sets[k])
		head.Docs[SetDoc(k)] = head.Rev
	}
	if err := s.store.Save(ctx, days, sets, head); err != nil {
		return err
	}
	s.mu.Lock()
	nd := make(map[string]*Day, len(s.days)+len(days))
	for k, v := range s.days {
		nd[k] = v
	}
	for _, d := range days {
		nd[d.Date] = d
	}
	ns := make(map[string]*OpenSet, len(s.sets)+len(sets))
	for k, v := range s.sets {
		ns[k] = v
	}
	for _, o := range sets {
		ns[o.Department] = o
	}
	s.days, s.sets, s.head = nd, ns, head
	s.mu.Unlock()
	return nil
}

func sortFacts(fs []Fact) {
	sort.Slice(fs, func(i, j int) bool {
		if !fs[i].At.Equal(fs[j].At) {
			return fs[i].At.Before(fs[j].At)
		}
		return fs[i].EventID < fs[j].EventID
	})
}

// applyQueued folds queued facts in, batch by batch, while this process
// holds the lease; it returns how many it folded in.
func (s *Service) applyQueued(ctx context.Context) (int, error) {
	total := 0
	for {
		ok, err := s.lease(ctx)
		if err != nil || !ok {
			return total, err
		}
		if !s.upgraded {
			n, err := s.store.Upgrade(ctx)
			if err != nil {
				return total, err
			}
			if n > 0 {
				s.log.Info("summary: documents rewritten in the current format", "documents", n)
			}
			s.upgraded = true
		}
		if err := s.refresh(ctx, 0); err != nil {
			return total, err
		}
		facts, err := s.store.Queued(ctx, batchSize)
		if err != nil || len(facts) == 0 {
			return total, err
		}
		sortFacts(facts)
		w := s.newWork()
		ids := make([]string, 0, len(facts))
		for i := range facts {
			w.apply(&facts[i])
			ids = append(ids, facts[i].EventID)
		}
		if err := w.commit(ctx, time.Time{}); err != nil {
			return total, err
		}
		// A crash before this delete re-applies the batch: each day
		// remembers the events it holds, and snapshots carry versions.
		if err := s.store.Unqueue(ctx, ids); err != nil {
			return total, err
		}
		total += len(facts)
		if len(facts) < batchSize {
			return total, nil
		}
	}
}

// Sync folds in everything queued now (when this process can hold the
// lease) and refreshes the in-memory copy; tests and the demo seeder call
// it to see their changes at once.
func (s *Service) Sync(ctx context.Context) error {
	s.applyMu.Lock()
	defer s.applyMu.Unlock()
	if _, err := s.applyQueued(ctx); err != nil {
		return err
	}
	return s.refresh(ctx, 0)
}

// Sweep queues recorded events that are neither queued nor folded in
// (their process died before its hook ran), from a little before the
// watermark up to a few seconds ago, and moves the watermark. Only the
// lease holder sweeps.
func (s *Service) Sweep(ctx context.Context) (int, error) {
	// The event query may be slow (FerretDB scans the events), so the
	// applier keeps working meanwhile: the lock is taken only to check
	// the lease and, at the end, to queue and move the watermark.
	s.applyMu.Lock()
	ok, err := s.lease(ctx)
	if err == nil && ok {
		err = s.refresh(ctx, 0)
	}
	s.applyMu.Unlock()
	if err != nil || !ok {
		return 0, err
	}
	s.mu.RLock()
	wm := s.head.Watermark
	s.mu.RUnlock()
	upto := s.now().Add(-sweepLag)
	from := wm.Add(-sweepMargin)
	if wm.IsZero() {
		from = upto.Add(-10 * time.Minute)
	}
	queued, err := s.store.Queued(ctx, 100000)
	if err != nil {
		return 0, err
	}
	inQueue := make(map[string]bool, len(queued))
	for _, f := range queued {
		inQueue[f.EventID] = true
		// The watermark must not pass a fact that is queued but not
		// folded in yet: the queue may be in memory (summarydb.MemQueue)
		// and lost with the process, and then only a sweep from before it
		// finds its event again. Queued facts are folded in within a
		// second or so, so this rarely holds the watermark back.
		if f.At.Before(upto) {
			upto = f.At
		}
	}
	cursor := complaints.EventCursor{At: from}
	var missing []complaints.Event
	held := map[string]*Day{}
	folded := func(ev complaints.Event) bool {
		date := DayOf(ev.At)
		d, ok := held[date]
		if !ok {
			s.mu.RLock()
			if cur := s.days[date]; cur != nil {
				d = &Day{Date: date, Applied: cur.Applied}
			}
			s.mu.RUnlock()
			held[date] = d
		}
		return d != nil && d.Has(ev.ID)
	}
	for page := 0; page < 20; page++ {
		evs, err := s.cases.Events(ctx, cursor, 1000)
		if err != nil {
			return 0, err
		}
		for _, ev := range evs {
			if ev.At.After(upto) {
				break
			}
			if inQueue[ev.ID] {
				continue
			}
			if folded(ev) {
				continue
			}
			missing = append(missing, ev)
		}
		if len(evs) < 1000 || evs[len(evs)-1].At.After(upto) {
			break
		}
		last := evs[len(evs)-1]
		cursor = complaints.EventCursor{At: last.At, ID: last.ID}
	}
	s.applyMu.Lock()
	defer s.applyMu.Unlock()
	if ok, err := s.lease(ctx); err != nil || !ok {
		return 0, err
	}
	var facts []Fact
	cache := map[string]*complaints.Complaint{}
	for _, ev := range missing {
		c := cache[ev.CaseID]
		if c == nil {
			c, err = s.cases.Get(ctx, complaints.System, ev.CaseID)
			if err != nil {
				return 0, fmt.Errorf("sweep: case %s: %w", ev.CaseID, err)
			}
			cache[ev.CaseID] = c
		}
		facts = append(facts, FactOf(c, ev, s.serviceLevel(c.Category), true))
	}
	if len(facts) > 0 {
		s.log.Warn("summary: catch-up sweep queued events whose hook never ran", "events", len(facts))
		if err := s.store.Queue(ctx, facts); err != nil {
			return 0, err
		}
	}
	// Move the watermark (an empty commit writes only the head).
	w := s.newWork()
	if err := w.commit(ctx, upto); err != nil {
		return 0, err
	}
	return len(facts), nil
}

// Run folds queued facts in every interval, refreshes this process's copy,
// and sweeps every sweepEvery, until ctx ends. Safe in several processes:
// only the lease holder folds and sweeps.
func (s *Service) Run(ctx context.Context, interval, sweepEvery time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	lastSweep := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		s.applyMu.Lock()
		_, err := s.applyQueued(ctx)
		s.applyMu.Unlock()
		if err != nil && ctx.Err() == nil {
			s.log.Warn("summary: apply failed", "err", err)
		}
		// Every process, applier or not, keeps its copy fresh here, so
		// readers never wait for the store (the applier refreshed just
		// now when it folded facts in).
		if err := s.refresh(ctx, interval/2); err != nil && ctx.Err() == nil {
			s.log.Warn("summary: refresh failed", "err", err)
		}
		if sweepEvery > 0 && time.Since(lastSweep) >= sweepEvery {
			lastSweep = time.Now()
			if _, err := s.Sweep(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("summary: sweep failed", "err", err)
			}
		}
	}
}

// RebuildResult counts what a rebuild did.
type RebuildResult struct {
	Cases, Events, Days, OpenCases int
	Unqueued                       int
}

// Builder folds whole case histories into fresh summaries (rebuild, bulk
// loads).
type Builder struct {
	sl         func(category string) time.Duration
	recentFrom time.Time
	days       map[string]*Day
	sets       map[string]*OpenSet
	versions   map[string]int
	recents    []recent
	res        RebuildResult
}

type recent struct {
	id    string
	at    time.Time
	dates []string
}

// NewBuilder returns a builder; events at or after recentFrom are
// remembered in their days (the catch-up sweep may still look at them).
func NewBuilder(sl func(category string) time.Duration, recentFrom time.Time) *Builder {
	return &Builder{sl: sl, recentFrom: recentFrom, days: map[string]*Day{}, sets: map[string]*OpenSet{}, versions: map[string]int{}}
}

// Add folds one case with its whole history in.
func (b *Builder) Add(c *complaints.Complaint) {
	b.res.Cases++
	b.versions[c.ID] = c.Version
	sl := b.sl(c.Category)
	for i, ev := range c.Events {
		f := FactOf(c, ev, sl, i == len(c.Events)-1)
		dates := f.Days()
		for _, date := range dates {
			d := b.days[date]
			if d == nil {
				d = NewDay(date)
				b.days[date] = d
			}
			d.Apply(&f)
		}
		if f.Snap != nil && f.Snap.Open {
			o := b.sets[f.Snap.Department]
			if o == nil {
				o = NewOpenSet(f.Snap.Department)
				b.sets[f.Snap.Department] = o
			}
			o.Cases[c.ID] = *f.Snap
			b.res.OpenCases++
		}
		if !ev.At.Before(b.recentFrom) {
			b.recents = append(b.recents, recent{ev.ID, ev.At, dates})
		}
		b.res.Events++
	}
}

// finish returns the days and sets, each day remembering only the recent
// events, oldest first.
func (b *Builder) finish() ([]*Day, []*OpenSet) {
	sort.Slice(b.recents, func(i, j int) bool {
		if !b.recents[i].at.Equal(b.recents[j].at) {
			return b.recents[i].at.Before(b.recents[j].at)
		}
		return b.recents[i].id < b.recents[j].id
	})
	for _, d := range b.days {
		d.Applied, d.applied = nil, nil
		d.Prune()
	}
	for _, r := range b.recents {
		for _, date := range r.dates {
			b.days[date].remember(r.id)
		}
	}
	dl := make([]*Day, 0, len(b.days))
	for _, k := range SortedKeys(b.days) {
		dl = append(dl, b.days[k])
	}
	ol := make([]*OpenSet, 0, len(b.sets))
	for _, k := range SortedKeys(b.sets) {
		ol = append(ol, b.sets[k])
	}
	return dl, ol
}

// Rebuild recomputes every summary from the complaints and their
// histories and replaces the stored ones. It holds the applier lease for
// its whole run, so live appliers wait and queue meanwhile; queued facts
// the rebuild covered are dropped, the rest are folded in afterwards.
func (s *Service) Rebuild(ctx context.Context) (RebuildResult, error) {
	start := s.now()
	return s.Replace(ctx, func(b *Builder) error {
		return s.store.EachCase(ctx, func(c *complaints.Complaint) error {
			b.Add(c)
			return nil
		})
	}, start)
}

// Replace builds summaries with fill (which adds cases to the builder)
// and stores them in place of the current ones, holding the applier lease
// meanwhile. start is when the cases were read (the new watermark).
func (s *Service) Replace(ctx context.Context, fill func(*Builder) error, start time.Time) (RebuildResult, error) {
	s.applyMu.Lock()
	defer s.applyMu.Unlock()
	// Hold the lease: claim the current slot (waiting for it) and keep
	// claiming the next ones until done.
	deadline := time.Now().Add(2 * LeaseSlot)
	for {
		ok, err := s.lease(ctx)
		if err != nil {
			return RebuildResult{}, err
		}
		if ok {
			break
		}
		if time.Now().After(deadline) {
			return RebuildResult{}, fmt.Errorf("rebuild: another process holds the applier lease")
		}
		select {
		case <-ctx.Done():
			return RebuildResult{}, ctx.Err()
		case <-time.After(time.Second):
		}
	}
	hold, stop := context.WithCancel(ctx)
	defer stop()
	go func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-hold.Done():
				return
			case <-t.C:
				slot := time.Now().UnixNano() / int64(LeaseSlot)
				for _, sl := range []int64{slot, slot + 1} {
					_, _ = s.store.Claim(hold, "applier", sl, s.owner)
				}
			}
		}
	}()
	b := NewBuilder(s.serviceLevel, start.Add(-10*time.Minute))
	if err := fill(b); err != nil {
		return b.res, err
	}
	res := b.res
	dl, ol := b.finish()
	s.mu.RLock()
	rev := s.head.Rev + 1
	s.mu.RUnlock()
	if h, err := s.store.Head(ctx); err == nil && h.Rev >= rev {
		rev = h.Rev + 1
	}
	head := Head{Rev: rev, Docs: map[string]int64{}, Watermark: start.Add(-sweepLag)}
	for _, d := range dl {
		head.Docs[DayDoc(d.Date)] = rev
	}
	for _, o := range ol {
		head.Docs[SetDoc(o.Department)] = rev
	}
	if err := s.store.Replace(ctx, dl, ol, head); err != nil {
		return res, err
	}
	res.Days = len(dl)
	s.mu.Lock()
	s.loaded = false
	s.mu.Unlock()
	if err := s.refresh(ctx, 0); err != nil {
		return res, err
	}
	// Drop queued facts the rebuild covered.
	queued, err := s.store.Queued(ctx, 1000000)
	if err != nil {
		return res, err
	}
	var covered []string
	for _, f := range queued {
		if v, ok := b.versions[f.CaseID]; ok && v >= f.Seq {
			covered = append(covered, f.EventID)
		}
	}
	for i := 0; i < len(covered); i += 1000 {
		if err := s.store.Unqueue(ctx, covered[i:min(i+1000, len(covered))]); err != nil {
			return res, err
		}
	}
	res.Unqueued = len(covered)
	return res, nil
}

// Empty reports whether no summary has been stored yet.
func (s *Service) Empty(ctx context.Context) (bool, error) {
	h, err := s.store.Head(ctx)
	if err != nil {
		return false, err
	}
	return h.Rev == 0, nil
}

// Snapshot returns copies of every stored day's counters and open set
// (tests compare a rebuild with the live summaries).
func (s *Service) Snapshot(ctx context.Context) (map[string]*Day, map[string]*OpenSet, error) {
	if err := s.refresh(ctx, 0); err != nil {
		return nil, nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	days := make(map[string]*Day, len(s.days))
	for k, d := range s.days {
		c := d.Clone()
		c.Applied = nil
		c.Prune()
		if len(c.Cells) > 0 || len(c.Grids) > 0 {
			days[k] = c
		}
	}
	sets := make(map[string]*OpenSet, len(s.sets))
	for k, o := range s.sets {
		if len(o.Cases) > 0 {
			sets[k] = o.Clone()
		}
	}
	return days, sets, nil
}
