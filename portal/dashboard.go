package portal

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"cleancity/complaints/summary"
	"cleancity/complaints/summary/summarydb"
	"cleancity/survey"
)

// Background intervals of the dashboard.
const (
	// dashboardApplyInterval folds queued facts in; with the readers'
	// one-second refresh, figures are at most about 2 s behind a change.
	// (The catch-up sweep's interval depends on the store: see
	// summarydb.ForMode.)
	dashboardApplyInterval = time.Second
	// surveyResultsPoll is how often every round's response revision is
	// checked; a round whose responses changed has its estimates
	// recomputed (from the per-unit tallies: tens of milliseconds at
	// 50,000 responses), so the satisfaction figures follow accepted
	// responses within a few seconds.
	surveyResultsPoll = 2 * time.Second
	// surveyResultsOpenTTL and surveyResultsClosedTTL recompute estimates
	// even when no revision moved (a calibration or plan change shows in
	// the round's version; this is the safety net).
	surveyResultsOpenTTL   = 2 * time.Minute
	surveyResultsClosedTTL = 30 * time.Minute
	// surveyResultsWait is how long a request waits for estimates that
	// are not cached yet before answering without them.
	surveyResultsWait = 3 * time.Second
)

// dashboardRuntime is the dashboard's wiring inside the server.
type dashboardRuntime struct {
	store  *summarydb.Runtime
	rounds *roundResultsCache
}

// initDashboard builds the summary service on the shared store and hooks
// it to every complaint change. It must run after initComplaints.
func (s *Server) initDashboard(ctx context.Context) error {
	if s.Complaints == nil {
		return fmt.Errorf("dashboard: the complaint service is not set up")
	}
	st := summarydb.ForMode(s.store.DB, s.store.Mode)
	rt := &dashboardRuntime{store: st, rounds: newRoundResultsCache(s)}
	s.Dashboard = summary.NewService(st.Store, s.Complaints, s.now, s.log)
	s.Complaints.OnEvent(s.Dashboard.Hook)
	s.dashboard = rt
	return nil
}

// runDashboard folds queued facts in and sweeps (only in the process
// holding the applier lease), and prunes old lease claims.
func (s *Server) runDashboard(ctx context.Context) {
	go func() {
		t := time.NewTicker(10 * time.Minute)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if err := s.dashboard.store.PruneLeases(ctx, time.Now().Add(-time.Hour)); err != nil && ctx.Err() == nil {
					s.log.Warn("dashboard: prune leases failed", "err", err)
				}
			}
		}
	}()
	s.sweepAfterCrash(ctx)
	s.Dashboard.Run(ctx, dashboardApplyInterval, s.dashboard.store.SweepInterval)
}

// sweepAfterCrash runs the catch-up sweep at once, in the background, when
// the previous process held facts in memory and did not stop cleanly: they
// are lost, and the periodic sweep would find their events only after
// its interval.
func (s *Server) sweepAfterCrash(ctx context.Context) {
	lost, err := s.dashboard.store.Started(ctx, time.Now())
	if err != nil {
		s.log.Warn("dashboard: recording the process state failed", "err", err)
		return
	}
	if !lost {
		return
	}
	s.log.Warn("dashboard: the previous process did not stop cleanly; sweeping for changes it had not summarised")
	go func() {
		n, err := s.Dashboard.Sweep(ctx)
		if err != nil && ctx.Err() == nil {
			s.log.Warn("dashboard: sweep after an unclean stop failed", "err", err)
			return
		}
		s.log.Info("dashboard: sweep after an unclean stop done", "events", n)
	}()
}

// flushDashboardFacts saves what the dashboard holds only in memory (the
// facts the applier has not folded in yet, on the embedded store) for the
// next start (Shutdown, after the requests and the applier stopped).
func (s *Server) flushDashboardFacts(ctx context.Context) {
	if s.dashboard == nil {
		return
	}
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := s.dashboard.store.Stopped(fctx, time.Now()); err != nil {
		s.log.Warn("dashboard: saving the held facts at stop failed (the catch-up sweep will find them)", "err", err)
	}
}

// runSurveyResults keeps the rounds' cached estimates warm, and loads the
// summaries into memory at start, so first requests find them ready.
func (s *Server) runSurveyResults(ctx context.Context) {
	if _, err := s.Dashboard.View(ctx); err != nil && ctx.Err() == nil {
		s.log.Warn("dashboard: first load failed", "err", err)
	}
	t := time.NewTicker(surveyResultsPoll)
	defer t.Stop()
	for {
		s.dashboard.rounds.warm(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// WarmSurveyResults computes every round's estimates now (tests).
func (s *Server) WarmSurveyResults(ctx context.Context) { s.dashboard.rounds.warm(ctx) }

// demoDashboard summarises the demo cases: seeded cases are bulk-inserted
// without hooks, so the first run rebuilds the summaries from them; later
// runs fold in whatever is queued.
func (s *Server) demoDashboard(ctx context.Context) error {
	empty, err := s.Dashboard.Empty(ctx)
	if err != nil {
		return err
	}
	if empty {
		res, err := s.Dashboard.Rebuild(ctx)
		if err != nil {
			return fmt.Errorf("dashboard rebuild: %w", err)
		}
		s.log.Info("dashboard summaries built", "cases", res.Cases, "events", res.Events, "days", res.Days)
		return nil
	}
	return s.Dashboard.Sync(ctx)
}

// DashboardSync folds in every queued change now (tests, demo).
func (s *Server) DashboardSync(ctx context.Context) error { return s.Dashboard.Sync(ctx) }

// roundResultsCache keeps each round's estimates (overall and by
// district) and the list of rounds for the satisfaction dashboard. The
// background loop (warm, every surveyResultsPoll) recomputes a round's
// estimates when its responses' revision moved, once more on the next
// poll (the write that moved it may still have been running), and when
// they are older than the TTL; requests answer from the cache.
type roundResultsCache struct {
	s  *Server
	mu sync.Mutex
	m  map[string]*roundResults
	// rounds is the list warm read last, at roundsAt.
	rounds   []survey.Round
	roundsAt time.Time
}

type roundResults struct {
	// version is the round document's, rev the responses' revision read
	// before the estimates were computed.
	version int64
	rev     int64
	// recheck counts recomputations still due after the revision moved.
	recheck  int
	at       time.Time
	res      *survey.Results
	err      error
	updating bool
	// done is closed when the first computation ends.
	done chan struct{}
}

// errResultsPending means the estimates are being computed.
var errResultsPending = errors.New("estimates are being computed")

func newRoundResultsCache(s *Server) *roundResultsCache {
	return &roundResultsCache{s: s, m: map[string]*roundResults{}}
}

func ttlOf(r *survey.Round) time.Duration {
	if r.Status == survey.Closed {
		return surveyResultsClosedTTL
	}
	return surveyResultsOpenTTL
}

// list returns the rounds, from warm's last read when it is recent (the
// background loop runs), else from the store.
func (rc *roundResultsCache) list(ctx context.Context) ([]survey.Round, error) {
	rc.mu.Lock()
	fresh := rc.rounds != nil && time.Since(rc.roundsAt) < 2*surveyResultsPoll
	rounds := rc.rounds
	rc.mu.Unlock()
	if fresh {
		return rounds, nil
	}
	return rc.s.Survey.Rounds(ctx)
}

// get returns a round's results: fresh ones from the cache, stale ones
// while a background update runs, or, on first use, the result of a
// computation started now if it ends within surveyResultsWait
// (errResultsPending otherwise).
func (rc *roundResultsCache) get(ctx context.Context, r survey.Round) (*survey.Results, error) {
	rc.mu.Lock()
	e := rc.m[r.ID]
	if e == nil || e.version != r.Version {
		if e == nil || !e.updating {
			e = &roundResults{version: r.Version, updating: true, done: make(chan struct{}), err: errResultsPending}
			rc.m[r.ID] = e
			go rc.update(context.WithoutCancel(ctx), r, e)
		}
		done := e.done
		rc.mu.Unlock()
		select {
		case <-done:
		case <-time.After(surveyResultsWait):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		rc.mu.Lock()
		defer rc.mu.Unlock()
		return e.res, e.err
	}
	if time.Since(e.at) > ttlOf(&r) && !e.updating {
		e.updating = true
		go rc.update(context.WithoutCancel(ctx), r, e)
	}
	rc.mu.Unlock()
	return e.res, e.err
}

// update computes a round's results into e, noting the responses'
// revision read before.
func (rc *roundResultsCache) update(ctx context.Context, r survey.Round, e *roundResults) {
	rev, revErr := rc.s.Survey.DataRevision(ctx, r.ID)
	res, err := rc.s.Survey.Results(ctx, &r, survey.ColDistrict)
	rc.mu.Lock()
	e.res, e.err, e.at, e.updating = res, err, time.Now(), false
	if revErr == nil {
		e.rev = rev
	} else {
		// Unknown: the next poll sees a move and recomputes.
		e.rev = -1
	}
	if e.done != nil {
		close(e.done)
		e.done = nil
	}
	rc.mu.Unlock()
}

// warm lists the rounds and recomputes the estimates that are due.
func (rc *roundResultsCache) warm(ctx context.Context) {
	rounds, err := rc.s.Survey.Rounds(ctx)
	if err != nil {
		return
	}
	rc.mu.Lock()
	rc.rounds, rc.roundsAt = rounds, time.Now()
	rc.mu.Unlock()
	for _, r := range rounds {
		if r.Status == survey.Planned {
			continue
		}
		rev, err := rc.s.Survey.DataRevision(ctx, r.ID)
		if err != nil {
			continue
		}
		rc.mu.Lock()
		old := rc.m[r.ID]
		due := old == nil || (!old.updating && (old.version != r.Version || old.rev != rev || old.recheck > 0 ||
			time.Since(old.at) > ttlOf(&r)/2))
		var e *roundResults
		if due {
			e = &roundResults{version: r.Version, updating: true, err: errResultsPending}
			if old != nil && old.version == r.Version {
				e.res, e.err, e.at = old.res, old.err, old.at
				switch {
				case old.rev != rev:
					e.recheck = 1
				case old.recheck > 0:
					e.recheck = old.recheck - 1
				}
			}
			rc.m[r.ID] = e
		}
		rc.mu.Unlock()
		if due {
			rc.update(ctx, r, e)
		}
		if ctx.Err() != nil {
			return
		}
	}
}
