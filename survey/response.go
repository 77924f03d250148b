package survey

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ResponseStatus is a response's review state; only accepted ones count.
type ResponseStatus string

// The response statuses.
const (
	Submitted ResponseStatus = "submitted"
	Accepted  ResponseStatus = "accepted"
	Rejected  ResponseStatus = "rejected"
)

// Flag is a quality warning for the supervisor.
type Flag string

// The quality flags.
const (
	// FlagTooShort: the interview took less than the round's minimum.
	FlagTooShort Flag = "too_short"
	// FlagOutsideUnit: the GPS fix is outside the unit's polygon.
	FlagOutsideUnit Flag = "outside_unit"
	// FlagStraightLining: every rating item has the same answer.
	FlagStraightLining Flag = "straight_lining"
	// FlagDuplicateAnswers: the volunteer sent another response with
	// exactly the same answers in this round.
	FlagDuplicateAnswers Flag = "duplicate_answers"
	// FlagTooManyPerHour: the volunteer started more interviews in the
	// hour before this one than the round allows.
	FlagTooManyPerHour Flag = "too_many_per_hour"
)

// GPS is a position fix with its accuracy in metres.
type GPS struct {
	Lat, Lon, Accuracy float64
}

// Submission is a response as a volunteer's phone sends it.
type Submission struct {
	ClientID  string
	Unit      string
	StartedAt time.Time
	EndedAt   time.Time
	GPS       *GPS
	Answers   map[string]any
}

// Response is a stored interview.
type Response struct {
	ID        string
	RoundID   string
	ClientID  string
	Unit      string
	Stratum   string
	District  string
	Volunteer string
	StartedAt time.Time
	EndedAt   time.Time
	GPS       *GPS
	Answers   map[string]string
	// ContentHash identifies the submitted content: the same client id
	// with another hash is a conflicting resubmission.
	ContentHash string
	// AnswersHash identifies the answer pattern alone (duplicate check).
	AnswersHash string
	Satisfied   int
	Correct     int
	Answered    int
	Aware       int
	AgeGroup    string
	Sex         string
	// YearsResident is -1 when not asked.
	YearsResident int
	DistrictRes   string
	Flags         []Flag
	Status        ResponseStatus
	Reason        string
	ReviewedBy    string
	ReviewedAt    time.Time
	ReceivedAt    time.Time
	Version       int64
}

var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// ValidClientID reports whether id is a UUID in its canonical text form.
func ValidClientID(id string) bool { return uuidPattern.MatchString(id) }

// NormalizeClientID lowercases a client id so retries match whatever case
// the phone's UUID library prints.
func NormalizeClientID(id string) string { return strings.ToLower(id) }

// contentHash is a SHA-256 over the submission's canonical form: volunteer,
// unit, times (UTC, to the millisecond), GPS and the normalised answers in
// key order. Two sends of the same interview agree on it even if the phone
// reorders JSON keys or sends true for "true".
func contentHash(volunteer string, sub Submission, answers map[string]string) string {
	h := sha256.New()
	w := func(parts ...string) {
		for _, p := range parts {
			h.Write([]byte(strconv.Itoa(len(p))))
			h.Write([]byte{':'})
			h.Write([]byte(p))
		}
	}
	ms := func(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }
	w("v1", volunteer, sub.Unit, ms(sub.StartedAt), ms(sub.EndedAt))
	if sub.GPS != nil {
		f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
		w("gps", f(sub.GPS.Lat), f(sub.GPS.Lon), f(sub.GPS.Accuracy))
	}
	w(answersKey(answers))
	return hex.EncodeToString(h.Sum(nil))
}

// answersKey is the answers in key order, length-prefixed.
func answersKey(answers map[string]string) string {
	keys := make([]string, 0, len(answers))
	for k := range answers {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(strconv.Itoa(len(k)) + ":" + k + strconv.Itoa(len(answers[k])) + ":" + answers[k])
	}
	return b.String()
}

func answersHash(answers map[string]string) string {
	sum := sha256.Sum256([]byte(answersKey(answers)))
	return hex.EncodeToString(sum[:16])
}

// straightLining reports whether the overall and every answered
// sub-satisfaction item share one value (at least four rating answers).
func (q *Questionnaire) straightLining(answers map[string]string) bool {
	first, n := "", 0
	for _, it := range q.Items {
		if it.Role != RoleSatisfaction && it.Role != RoleSubSatisfaction {
			continue
		}
		a, ok := answers[it.ID]
		if !ok {
			continue
		}
		if n == 0 {
			first = a
		} else if a != first {
			return false
		}
		n++
	}
	return n >= 4
}
