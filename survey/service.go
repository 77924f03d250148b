package survey

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"cleancity/portal/apperr"
)

// MaxBatch is the most responses one submission request may carry.
const MaxBatch = 500

// clockSkew is how far in the future a phone's clock may put an interview.
const clockSkew = 15 * time.Minute

// Service is the survey loop's application service.
type Service struct {
	store Store
	geo   Geography
	now   func() time.Time

	mu    sync.Mutex
	forms map[string]*Questionnaire // compiled questionnaires by id@version
}

// NewService returns a service over the store and the city's geography.
func NewService(store Store, geo Geography, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: store, geo: geo, now: now, forms: map[string]*Questionnaire{}}
}

// Store returns the service's store (for the demo seeder and tests).
func (s *Service) Store() Store { return s.store }

// CreateQuestionnaire validates and saves a new questionnaire version.
// Versions are immutable: a change is a new version.
func (s *Service) CreateQuestionnaire(ctx context.Context, q Questionnaire) (Questionnaire, error) {
	if q.Version < 1 {
		return Questionnaire{}, apperr.Field("version", "must be 1 or more")
	}
	if p := q.Validate(); p != nil {
		return Questionnaire{}, apperr.Fields("the questionnaire is invalid", p)
	}
	if err := s.store.CreateQuestionnaire(ctx, q); err != nil {
		if IsDuplicate(err) {
			return Questionnaire{}, apperr.Newf(apperr.Conflict, "questionnaire %s version %d exists; versions are immutable, create version %d", q.ID, q.Version, q.Version+1)
		}
		return Questionnaire{}, err
	}
	return q, nil
}

// Questionnaire returns a compiled questionnaire version (cached: versions
// never change).
func (s *Service) Questionnaire(ctx context.Context, id string, version int) (*Questionnaire, error) {
	key := fmt.Sprintf("%s@%d", id, version)
	s.mu.Lock()
	q, ok := s.forms[key]
	s.mu.Unlock()
	if ok {
		return q, nil
	}
	stored, err := s.store.FindQuestionnaire(ctx, id, version)
	if err != nil {
		return nil, err
	}
	if err := stored.Compile(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.forms[key] = &stored
	s.mu.Unlock()
	return &stored, nil
}

// NewRound is what an official gives to create a round.
type NewRound struct {
	ID                   string
	Name, NameEN         string
	QuestionnaireID      string
	QuestionnaireVersion int
	Threshold            float64
	StartsOn, EndsOn     time.Time
	PreviousRoundID      string
	Plan                 *PlanSpec
	Quality              *QualityRules
	By                   string
}

// CreateRound creates a planned round, drawing its plan when one is asked.
func (s *Service) CreateRound(ctx context.Context, in NewRound) (Round, error) {
	if in.ID == "" {
		in.ID = s.now().UTC().Format("2006") + "-" + randomHex(3)
	}
	if !ValidRoundID(in.ID) {
		return Round{}, apperr.Field("id", "1-40 letters, digits, '-' or '_'")
	}
	if in.Threshold == 0 {
		in.Threshold = DefaultThreshold
	}
	if !(in.Threshold > 0 && in.Threshold < 1) {
		return Round{}, apperr.Field("threshold", "must be between 0 and 1")
	}
	if in.EndsOn.Before(in.StartsOn) {
		return Round{}, apperr.Field("ends_on", "must not be before starts_on")
	}
	if _, err := s.Questionnaire(ctx, in.QuestionnaireID, in.QuestionnaireVersion); err != nil {
		if IsNotFound(err) {
			return Round{}, apperr.Field("questionnaire_version", "no such questionnaire version")
		}
		return Round{}, err
	}
	if in.PreviousRoundID != "" {
		if _, err := s.store.FindRound(ctx, in.PreviousRoundID); err != nil {
			if IsNotFound(err) {
				return Round{}, apperr.Field("previous_round_id", "no such round")
			}
			return Round{}, err
		}
	}
	now := s.now().UTC()
	r := Round{ID: in.ID, Name: in.Name, NameEN: in.NameEN, Status: Planned,
		QuestionnaireID: in.QuestionnaireID, QuestionnaireVersion: in.QuestionnaireVersion,
		Threshold: in.Threshold, StartsOn: in.StartsOn, EndsOn: in.EndsOn, PreviousRoundID: in.PreviousRoundID,
		Quality: DefaultQuality, CreatedBy: in.By, CreatedAt: now, UpdatedAt: now, Version: 1}
	if in.Quality != nil {
		r.Quality = *in.Quality
	}
	if in.Plan != nil {
		plan, err := BuildPlan(s.geo, *in.Plan)
		if err != nil {
			return Round{}, err
		}
		r.Plan = plan
	}
	if err := s.store.CreateRound(ctx, r); err != nil {
		if IsDuplicate(err) {
			return Round{}, apperr.Newf(apperr.Conflict, "round %s exists", r.ID)
		}
		return Round{}, err
	}
	return r, nil
}

// Round returns a round.
func (s *Service) Round(ctx context.Context, id string) (Round, error) {
	return s.store.FindRound(ctx, id)
}

// Rounds lists the rounds, newest first.
func (s *Service) Rounds(ctx context.Context) ([]Round, error) { return s.store.ListRounds(ctx) }

// update applies change to the current round and saves it, retrying a few
// times when another request changed the round in between.
func (s *Service) update(ctx context.Context, id string, change func(*Round) error) (Round, error) {
	for attempt := 0; ; attempt++ {
		r, err := s.store.FindRound(ctx, id)
		if err != nil {
			return Round{}, err
		}
		if err := change(&r); err != nil {
			return Round{}, err
		}
		r.UpdatedAt = s.now().UTC()
		saved, err := s.store.UpdateRound(ctx, r)
		if errors.Is(err, ErrVersion) && attempt < 3 {
			continue
		}
		return saved, err
	}
}

// SetPlan replaces a planned round's sampling plan.
func (s *Service) SetPlan(ctx context.Context, id string, spec PlanSpec) (Round, error) {
	plan, err := BuildPlan(s.geo, spec)
	if err != nil {
		return Round{}, err
	}
	return s.update(ctx, id, func(r *Round) error {
		if r.Status != Planned {
			return apperr.New(apperr.Conflict, "the plan can change only while the round is planned")
		}
		r.Plan = keepDraw(r.Plan, plan)
		return nil
	})
}

// keepDraw keeps a drawn plan's method, seed and inclusion probabilities
// when the new plan, listed by hand, has exactly the drawn communities
// (only targets changed): the draw still stands. Any other list is a
// selection by hand.
func keepDraw(old, next Plan) Plan {
	if old.Method == ChosenByHand || next.Method != ChosenByHand || len(old.Units) != len(next.Units) ||
		old.StratumLevel != next.StratumLevel {
		return next
	}
	for i := range next.Units {
		if next.Units[i].ID != old.Units[i].ID {
			return next
		}
	}
	for i := range next.Units {
		next.Units[i].Inclusion = old.Units[i].Inclusion
	}
	next.Method, next.Seed = old.Method, old.Seed
	return next
}

// SetCensus stores the census counts and the calibration mode.
func (s *Service) SetCensus(ctx context.Context, id string, cells []CensusCell, mode Calibration) (Round, error) {
	if err := ValidateCensus(cells); err != nil {
		return Round{}, err
	}
	if mode != CalibrateNone && mode != CalibratePostStratify && mode != CalibrateRake {
		return Round{}, apperr.Field("calibration", "must be none, poststratify or rake")
	}
	if mode != CalibrateNone && len(cells) == 0 {
		return Round{}, apperr.Field("cells", "calibration needs the census cells")
	}
	return s.update(ctx, id, func(r *Round) error {
		r.Census = cells
		r.Calibration = mode
		return nil
	})
}

// SetStatus moves a round to open or closed.
func (s *Service) SetStatus(ctx context.Context, id string, to Status) (Round, error) {
	return s.update(ctx, id, func(r *Round) error {
		if err := r.Transition(to); err != nil {
			return err
		}
		r.Status = to
		switch to {
		case Open:
			r.OpenedAt = s.now().UTC()
		case Closed:
			r.ClosedAt = s.now().UTC()
		}
		return nil
	})
}

// Assign gives volunteers units of a round (existing pairs are kept).
func (s *Service) Assign(ctx context.Context, roundID string, list []Assignment, by string) error {
	r, err := s.store.FindRound(ctx, roundID)
	if err != nil {
		return err
	}
	if r.Status == Closed {
		return apperr.New(apperr.Conflict, "the round is closed")
	}
	now := s.now().UTC()
	for i := range list {
		if _, ok := r.Plan.UnitOf(list[i].Unit); !ok {
			return apperr.Field(fmt.Sprintf("assignments.%d.unit", i), "not a unit of the round's plan")
		}
		list[i].RoundID, list[i].AssignedBy, list[i].AssignedAt = roundID, by, now
	}
	return s.store.AddAssignments(ctx, list)
}

// Unassign removes one assignment.
func (s *Service) Unassign(ctx context.Context, roundID, unit, volunteer string) error {
	return s.store.RemoveAssignment(ctx, roundID, unit, volunteer)
}

// Assignments lists a round's assignments (of one volunteer if given).
func (s *Service) Assignments(ctx context.Context, roundID, volunteer string) ([]Assignment, error) {
	return s.store.ListAssignments(ctx, roundID, volunteer)
}

// Progress is a unit's accepted and submitted counts against its target.
type Progress struct {
	Unit
	Accepted, Submitted, Rejected int
}

// Progress returns every unit's progress.
func (s *Service) Progress(ctx context.Context, r *Round) ([]Progress, error) {
	counts, err := s.store.CountByUnitStatus(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	out := make([]Progress, 0, len(r.Plan.Units))
	for _, u := range r.Plan.Units {
		out = append(out, Progress{Unit: u, Accepted: counts[Accepted][u.ID], Submitted: counts[Submitted][u.ID], Rejected: counts[Rejected][u.ID]})
	}
	return out, nil
}

// Submitter is who sends responses.
type Submitter struct {
	Username string
	// Supervisor may submit for any unit (data entry of paper forms);
	// volunteers only for their assigned units.
	Supervisor bool
	// District limits a district official's submissions to the units of
	// that district, the same scope as reading and reviewing them ("":
	// any unit the rest allows).
	District string
	// AcceptClean stores responses without a quality flag as accepted,
	// reviewed by the submitter (a supervisor entering checked paper
	// forms; the demo seeder). Flagged ones still wait for review.
	AcceptClean bool
}

// Outcome is the answer to one submitted response.
type Outcome struct {
	ClientID string
	// Created is true for a new response, false for a retry that matched
	// the stored one (Err nil in both cases).
	Created  bool
	Response Response
	// Err is an *apperr.Error: Invalid (with per-item fields), Conflict
	// (same client id, other content; or round not open), Forbidden.
	Err error
}

// Submit validates and stores a batch of responses and answers each one.
// A client id already stored with the same content returns the stored
// response (a retry); with other content it is a Conflict. New responses
// are accepted only while the round is open.
func (s *Service) Submit(ctx context.Context, roundID string, who Submitter, subs []Submission) ([]Outcome, error) {
	if len(subs) == 0 || len(subs) > MaxBatch {
		return nil, apperr.Field("responses", fmt.Sprintf("send 1 to %d responses", MaxBatch))
	}
	r, err := s.store.FindRound(ctx, roundID)
	if err != nil {
		return nil, err
	}
	q, err := s.Questionnaire(ctx, r.QuestionnaireID, r.QuestionnaireVersion)
	if err != nil {
		return nil, err
	}
	assigned := map[string]bool{}
	if !who.Supervisor {
		list, err := s.store.ListAssignments(ctx, roundID, who.Username)
		if err != nil {
			return nil, err
		}
		for _, a := range list {
			assigned[a.Unit] = true
		}
	}
	now := s.now().UTC()
	out := make([]Outcome, len(subs))
	fresh := make([]Response, 0, len(subs))
	freshIdx := make([]int, 0, len(subs))
	inBatch := map[string]int{}
	var clientIDs []string
	for i, sub := range subs {
		sub.ClientID = NormalizeClientID(sub.ClientID)
		out[i].ClientID = sub.ClientID
		if !ValidClientID(sub.ClientID) {
			out[i].Err = apperr.Field("client_id", "must be a UUID")
			continue
		}
		resp, err := s.prepare(r, q, who, assigned, sub, now)
		if err != nil {
			out[i].Err = err
			continue
		}
		if j, dup := inBatch[sub.ClientID]; dup {
			// The same interview twice in one batch: answer the second
			// like a retry of the first once the first is stored.
			out[i].Response = resp
			out[i].Err = errSameBatch{j}
			continue
		}
		inBatch[sub.ClientID] = i
		fresh = append(fresh, resp)
		freshIdx = append(freshIdx, i)
		clientIDs = append(clientIDs, sub.ClientID)
	}
	if r.Status != Open {
		// Retries get their stored result even after the round closed.
		stored, err := s.store.FindResponsesByClientID(ctx, roundID, clientIDs)
		if err != nil {
			return nil, err
		}
		for k, resp := range fresh {
			i := freshIdx[k]
			if old, ok := stored[resp.ClientID]; ok {
				out[i] = retryOutcome(old, resp)
				continue
			}
			out[i].Err = apperr.Newf(apperr.Conflict, "round %s is %s; responses are accepted only while it is open", r.ID, r.Status)
		}
	} else if len(fresh) > 0 {
		// Insert first and let the unique key find the retries: cheaper
		// than looking every client id up, and right under races.
		if err := s.flag(ctx, r, q, fresh); err != nil {
			return nil, err
		}
		if who.AcceptClean {
			for k := range fresh {
				if len(fresh[k].Flags) == 0 {
					fresh[k].Status, fresh[k].ReviewedBy, fresh[k].ReviewedAt = Accepted, who.Username, now
				}
			}
		}
		errs := s.store.InsertResponses(ctx, fresh)
		var dups []string
		created := map[string][]int{}
		for k, err := range errs {
			i := freshIdx[k]
			switch {
			case err == nil:
				out[i] = Outcome{ClientID: fresh[k].ClientID, Created: true, Response: fresh[k]}
				created[fresh[k].Volunteer] = append(created[fresh[k].Volunteer], k)
			case IsDuplicate(err):
				dups = append(dups, fresh[k].ClientID)
				out[i] = Outcome{ClientID: fresh[k].ClientID, Response: fresh[k], Err: err}
			default:
				return nil, err
			}
		}
		if len(dups) > 0 {
			stored, err := s.store.FindResponsesByClientID(ctx, roundID, dups)
			if err != nil {
				return nil, err
			}
			for i := range out {
				if IsDuplicate(out[i].Err) {
					old, ok := stored[out[i].ClientID]
					if !ok {
						return nil, fmt.Errorf("response %s: duplicate key but not found", out[i].ClientID)
					}
					out[i] = retryOutcome(old, out[i].Response)
				}
			}
		}
		for vol, idx := range created {
			starts := make([]time.Time, 0, len(idx))
			hashes := make([]string, 0, len(idx))
			for _, k := range idx {
				starts = append(starts, fresh[k].StartedAt)
				hashes = append(hashes, fresh[k].AnswersHash)
			}
			if err := s.store.RecordActivity(ctx, roundID, vol, starts, hashes); err != nil {
				return nil, err
			}
		}
	}
	for i := range out {
		if sb, ok := out[i].Err.(errSameBatch); ok {
			first := out[sb.first]
			switch {
			case first.Err != nil:
				out[i] = Outcome{ClientID: out[i].ClientID, Err: first.Err}
			case first.Response.ContentHash == out[i].Response.ContentHash:
				out[i] = Outcome{ClientID: out[i].ClientID, Response: first.Response}
			default:
				out[i] = Outcome{ClientID: out[i].ClientID, Err: conflictErr(first.Response)}
			}
		}
	}
	return out, nil
}

type errSameBatch struct{ first int }

func (errSameBatch) Error() string { return "same client id earlier in the batch" }

func retryOutcome(old, now Response) Outcome {
	if old.ContentHash == now.ContentHash {
		return Outcome{ClientID: old.ClientID, Response: old}
	}
	return Outcome{ClientID: old.ClientID, Err: conflictErr(old)}
}

func conflictErr(old Response) error {
	e := apperr.New(apperr.Conflict, "a different response with this client_id was already received")
	e.Details = map[string]any{"id": old.ID, "received_at": old.ReceivedAt}
	return e
}

// prepare validates one submission and builds its response (no flags yet).
func (s *Service) prepare(r Round, q *Questionnaire, who Submitter, assigned map[string]bool, sub Submission, now time.Time) (Response, error) {
	fields := map[string]string{}
	u, ok := r.Plan.UnitOf(sub.Unit)
	if !ok {
		fields["unit"] = "not a unit of this round's plan"
	} else if !who.Supervisor && !assigned[sub.Unit] {
		return Response{}, apperr.New(apperr.Forbidden, "you are not assigned to this unit")
	} else if who.District != "" && u.District != who.District {
		return Response{}, apperr.New(apperr.Forbidden, "this unit is outside your district")
	}
	if sub.StartedAt.IsZero() {
		fields["started_at"] = "required"
	}
	if sub.EndedAt.IsZero() {
		fields["ended_at"] = "required"
	}
	if !sub.StartedAt.IsZero() && !sub.EndedAt.IsZero() {
		if sub.EndedAt.Before(sub.StartedAt) {
			fields["ended_at"] = "must not be before started_at"
		} else if sub.EndedAt.Sub(sub.StartedAt) > 12*time.Hour {
			fields["ended_at"] = "an interview cannot last more than 12 hours"
		}
		if sub.EndedAt.After(now.Add(clockSkew)) {
			fields["ended_at"] = "is in the future"
		}
	}
	if g := sub.GPS; g != nil {
		if !(g.Lat >= -90 && g.Lat <= 90) {
			fields["gps.lat"] = "must be between -90 and 90"
		}
		if !(g.Lon >= -180 && g.Lon <= 180) {
			fields["gps.lon"] = "must be between -180 and 180"
		}
		if !(g.Accuracy >= 0 && g.Accuracy <= 100000) {
			fields["gps.accuracy"] = "must be between 0 and 100000 metres"
		}
	}
	scored, probs := q.Score(sub.Answers)
	for id, p := range probs {
		fields["answers."+id] = p.EN
	}
	if len(fields) > 0 {
		e := apperr.Fields("the response is invalid", fields)
		if len(probs) > 0 {
			zh := map[string]string{}
			for id, p := range probs {
				zh["answers."+id] = p.ZH
			}
			e.Details = map[string]any{"fields_zh": zh}
		}
		return Response{}, e
	}
	years := -1
	if y, ok := scored.Answers[itemIDOfRole(q, RoleYearsResident)]; ok {
		fmt.Sscan(y, &years)
	}
	resp := Response{
		ID: ResponseID(r.ID, sub.ClientID), RoundID: r.ID, ClientID: sub.ClientID, Unit: u.ID, Stratum: u.Stratum, District: u.District,
		Volunteer: who.Username, StartedAt: sub.StartedAt.UTC().Truncate(time.Millisecond), EndedAt: sub.EndedAt.UTC().Truncate(time.Millisecond),
		GPS: sub.GPS, Answers: scored.Answers,
		ContentHash: contentHash(who.Username, sub, scored.Answers), AnswersHash: answersHash(scored.Answers),
		Satisfied: scored.Satisfied, Correct: scored.Correct, Answered: scored.Answered, Aware: scored.Aware,
		AgeGroup: scored.Demographics[RoleAgeGroup], Sex: scored.Demographics[RoleSex],
		YearsResident: years, DistrictRes: scored.Demographics[RoleDistrict],
		Status: Submitted, ReceivedAt: now, Version: 1,
	}
	return resp, nil
}

func itemIDOfRole(q *Questionnaire, role Role) string {
	it, _ := q.ItemOfRole(role)
	return it.ID
}

// flag computes the quality flags of new responses against each other and
// the volunteer's stored ones.
func (s *Service) flag(ctx context.Context, r Round, q *Questionnaire, list []Response) error {
	rules := r.Quality
	byVol := map[string][]int{}
	for i := range list {
		resp := &list[i]
		if rules.MinDuration > 0 && resp.EndedAt.Sub(resp.StartedAt) < rules.MinDuration {
			resp.Flags = append(resp.Flags, FlagTooShort)
		}
		if g := resp.GPS; g != nil && s.geo != nil && (rules.MaxGPSAccuracy <= 0 || g.Accuracy <= rules.MaxGPSAccuracy) {
			if !s.geo.Contains(resp.Unit, g.Lat, g.Lon) {
				resp.Flags = append(resp.Flags, FlagOutsideUnit)
			}
		}
		if q.straightLining(resp.Answers) {
			resp.Flags = append(resp.Flags, FlagStraightLining)
		}
		byVol[resp.Volunteer] = append(byVol[resp.Volunteer], i)
	}
	for vol, idx := range byVol {
		act, err := s.store.Activity(ctx, r.ID, vol)
		if err != nil {
			return err
		}
		seen := make(map[string]bool, len(act.Hashes)+len(idx))
		for _, h := range act.Hashes {
			seen[h] = true
		}
		for _, i := range idx {
			h := list[i].AnswersHash
			if seen[h] {
				list[i].Flags = append(list[i].Flags, FlagDuplicateAnswers)
			}
			seen[h] = true
		}
		if rules.MaxPerHour <= 0 {
			continue
		}
		starts := append([]time.Time(nil), act.Starts...)
		for _, i := range idx {
			starts = append(starts, list[i].StartedAt)
		}
		sort.Slice(starts, func(a, b int) bool { return starts[a].Before(starts[b]) })
		for _, i := range idx {
			t := list[i].StartedAt
			// Interviews started in the hour up to and including this one.
			lo := sort.Search(len(starts), func(k int) bool { return starts[k].After(t.Add(-time.Hour)) })
			hi := sort.Search(len(starts), func(k int) bool { return starts[k].After(t) })
			if hi-lo > rules.MaxPerHour {
				list[i].Flags = append(list[i].Flags, FlagTooManyPerHour)
			}
		}
	}
	return nil
}

// ReviewResponse accepts or rejects one response. A rejection needs a
// reason. Decisions can be revised; the version guards against two
// supervisors deciding at once (0 skips the check).
func (s *Service) ReviewResponse(ctx context.Context, roundID, id string, version int64, rv Review) (Response, error) {
	if rv.Status != Accepted && rv.Status != Rejected {
		return Response{}, apperr.Field("decision", "must be accept or reject")
	}
	if rv.Status == Rejected && rv.Reason == "" {
		return Response{}, apperr.Field("reason", "a rejection needs a reason")
	}
	rv.At = s.now().UTC()
	if version == 0 {
		cur, err := s.store.FindResponse(ctx, roundID, id)
		if err != nil {
			return Response{}, err
		}
		version = cur.Version
	}
	return s.store.ReviewResponse(ctx, roundID, id, version, rv)
}

// AcceptUnflagged accepts every submitted response without a quality flag
// (of one district when district is not empty) and returns how many.
func (s *Service) AcceptUnflagged(ctx context.Context, roundID, district, by string) (int, error) {
	no := false
	return s.store.ReviewMatching(ctx, ResponseFilter{RoundID: roundID, Status: Submitted, District: district, Flagged: &no},
		Review{Status: Accepted, By: by, At: s.now().UTC()})
}

// Response returns one response.
func (s *Service) Response(ctx context.Context, roundID, id string) (Response, error) {
	return s.store.FindResponse(ctx, roundID, id)
}

// Responses lists responses for review.
func (s *Service) Responses(ctx context.Context, f ResponseFilter) ([]Response, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	return s.store.ListResponses(ctx, f)
}

// ResponseID is a response's id: its round and client id. Making the key
// from the client id lets the store's primary key catch retries, and
// FerretDB answers _id look-ups without scanning.
func ResponseID(roundID, clientID string) string { return roundID + ":" + clientID }

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
