package complaints

import (
	"context"
	"fmt"
	"time"

	"cleancity/portal/apperr"
)

// NoticePenalty is the penalty weight of a notice level: a second notice on
// the same case doubles it.
func NoticePenalty(level int) int {
	switch level {
	case 1:
		return 1
	case 2:
		return 2
	}
	return 0
}

// NoticeNumber is the number printed on a supervision notice: year, case
// and level. It needs no counter, so concurrent sweepers cannot hand out
// the same number twice.
func NoticeNumber(at time.Time, caseID string, level int) string {
	return fmt.Sprintf("督办〔%d〕%s-%d", at.Year(), caseID, level)
}

// SweepResult counts what one sweep did.
type SweepResult struct {
	Notices    int
	Published  int
	AutoClosed int
	Lost       int // changes another process made first
}

// Sweep escalates overdue complaints and closes unanswered resolutions. An
// overdue open case gets notice level 1 (to its department, due again in
// half its service level), then level 2, then is published on the public
// overdue list; a resolution unanswered for 7 days is closed. Each step is
// an event whose number is claimed in the store, so when several processes
// sweep at once exactly one of them records each step.
func (s *Service) Sweep(ctx context.Context) (SweepResult, error) {
	var res SweepResult
	now := s.now()
	ids, err := s.store.SweepCandidates(ctx, now, now.Add(-AutoCloseAfter))
	if err != nil {
		return res, err
	}
	for _, id := range ids {
		if ctx.Err() != nil {
			return res, ctx.Err()
		}
		c, err := s.load(ctx, id)
		if IsNotFound(err) {
			continue
		}
		if err != nil {
			return res, err
		}
		next, ev, kind := s.escalation(c, now)
		if next == nil {
			continue
		}
		if _, err := s.apply(ctx, c, next, ev); err != nil {
			if apperr.Is(err, apperr.Conflict) {
				res.Lost++
				continue
			}
			return res, err
		}
		switch kind {
		case ActionNotice:
			res.Notices++
		case ActionPublish:
			res.Published++
		case ActionAutoClose:
			res.AutoClosed++
		}
	}
	return res, nil
}

// escalation decides the next sweeper step for c at now, or nil.
func (s *Service) escalation(c *Complaint, now time.Time) (*Complaint, Event, Action) {
	ev := Event{ActorID: System.ID, ActorName: System.Name, Role: RoleSystem, At: now}
	switch {
	case c.Status == StatusResolved && !c.ResolvedAt.IsZero() && now.Sub(c.ResolvedAt) >= AutoCloseAfter:
		next := c.clone()
		next.Status = StatusClosed
		next.ClosedAt = now
		ev.Action = ActionAutoClose
		ev.Note = "closed automatically: no answer 7 days after the resolution"
		return next, ev, ActionAutoClose
	case c.Overdue(now) && c.NoticeLevel < 2:
		cat, _ := s.Category(c.Category)
		sl := cat.ServiceLevel()
		if sl <= 0 {
			sl = 72 * time.Hour
		}
		level := c.NoticeLevel + 1
		next := c.clone()
		next.NoticeLevel = level
		next.DueAt = now.Add(sl / 2)
		n := Notice{Level: level, Number: NoticeNumber(now, c.ID, level), IssuedAt: now, Department: c.Department, DueAt: next.DueAt}
		next.Notices = append(next.Notices, n)
		ev.Action = ActionNotice
		ev.NoticeLevel = level
		ev.Note = n.Number
		return next, ev, ActionNotice
	case c.Overdue(now) && c.NoticeLevel >= 2 && !c.Published:
		next := c.clone()
		next.Published = true
		ev.Action = ActionPublish
		ev.NoticeLevel = c.NoticeLevel
		return next, ev, ActionPublish
	}
	return nil, Event{}, ""
}

// RunSweeper sweeps every interval until ctx ends.
func (s *Service) RunSweeper(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			res, err := s.Sweep(ctx)
			if err != nil && ctx.Err() == nil {
				s.log.Warn("complaints: sweep failed", "err", err)
			}
			if res.Notices+res.Published+res.AutoClosed > 0 {
				s.log.Info("complaints: sweep", "notices", res.Notices, "published", res.Published,
					"auto_closed", res.AutoClosed, "lost", res.Lost)
			}
		}
	}
}
