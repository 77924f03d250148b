// Package survey is the survey loop's domain: versioned questionnaires with
// skip logic and constraints, rounds with sampling plans and volunteer
// assignments, offline-safe responses with validation, indicators and
// quality flags, and design weights. It holds types, rules and the store
// interface; the Mongo store lives in survey/surveydb, HTTP in portal, and
// the estimation in stats.
package survey

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// ItemType is the kind of answer an item takes. Answers travel and are
// stored as strings, as in ODK: a select_one is the option value, a
// true_false is "true" or "false", an integer its decimal form.
type ItemType string

// The item types.
const (
	SelectOne ItemType = "select_one"
	TrueFalse ItemType = "true_false"
	Integer   ItemType = "integer"
	Text      ItemType = "text"
)

// Role says what an item measures, so indicators and the CSV do not depend
// on item ids.
type Role string

// The item roles.
const (
	RoleNone Role = ""
	// Demographics, exported to the CSV and used for calibration.
	RoleAgeGroup      Role = "age_group"
	RoleSex           Role = "sex"
	RoleYearsResident Role = "years_resident"
	RoleDistrict      Role = "district_of_residence"
	// RoleSatisfaction is the overall sanitation satisfaction item (one per
	// questionnaire); its top two options mean "satisfied".
	RoleSatisfaction Role = "satisfaction"
	// RoleSubSatisfaction are the sub-items (streets, alleys, markets ...).
	RoleSubSatisfaction Role = "sub_satisfaction"
	// RoleQuiz are health-knowledge items with an answer key.
	RoleQuiz Role = "quiz"
)

// Option is one choice of a select_one item.
type Option struct {
	Value   string
	Label   string
	LabelEN string
}

// Item is one question.
type Item struct {
	ID       string
	Type     ItemType
	Role     Role
	Label    string
	LabelEN  string
	Options  []Option
	Required bool
	// Relevant is the skip logic: the item is asked only when it is true.
	Relevant string
	// Constraint must hold for an answer ("." is the answer).
	Constraint      string
	ConstraintMsg   string
	ConstraintMsgEN string
	// Answer is the answer key of a quiz item; never sent to volunteers.
	Answer string
	// Satisfied lists, for the overall satisfaction item, the option values
	// that count as satisfied (the top two of the five-point scale).
	Satisfied []string
}

// Questionnaire is one immutable version of a form. A new version is a new
// document; rounds name the version they use.
type Questionnaire struct {
	ID      string
	Version int
	Title   string
	TitleEN string
	Items   []Item
	// QuizCutoff is the share of quiz items a respondent must answer
	// correctly to count as aware (default 0.8).
	QuizCutoff float64

	compiled map[string]compiledItem
}

type compiledItem struct {
	relevant, constraint *Expr
}

// DefaultQuizCutoff is the respondent-level awareness cut-off.
const DefaultQuizCutoff = 0.8

var itemIDPattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,39}$`)

func validItemID(id string) bool { return itemIDPattern.MatchString(id) }

// Validate checks a questionnaire is usable and compiles its expressions.
// Problems come back as a map from a dotted path ("items.3.relevant") to a
// message, nil when there are none.
func (q *Questionnaire) Validate() map[string]string {
	p := map[string]string{}
	if !validItemID(q.ID) {
		p["id"] = "use 1-40 letters, digits or '_', starting with a letter"
	}
	if strings.TrimSpace(q.Title) == "" {
		p["title"] = "required"
	}
	if q.QuizCutoff == 0 {
		q.QuizCutoff = DefaultQuizCutoff
	}
	if !(q.QuizCutoff > 0 && q.QuizCutoff <= 1) {
		p["quiz_cutoff"] = "must be in (0, 1]"
	}
	if len(q.Items) == 0 || len(q.Items) > 200 {
		p["items"] = "give 1-200 items"
	}
	seen := map[string]int{}
	roles := map[Role]int{}
	q.compiled = map[string]compiledItem{}
	for i, it := range q.Items {
		at := func(f string) string { return "items." + strconv.Itoa(i) + "." + f }
		if !validItemID(it.ID) {
			p[at("id")] = "use 1-40 letters, digits or '_', starting with a letter"
		} else if _, dup := seen[it.ID]; dup {
			p[at("id")] = "duplicate item id " + it.ID
		}
		seen[it.ID] = i
		if strings.TrimSpace(it.Label) == "" {
			p[at("label")] = "required"
		}
		switch it.Type {
		case SelectOne:
			if len(it.Options) < 2 {
				p[at("options")] = "a select_one needs at least two options"
			}
			vals := map[string]bool{}
			for j, o := range it.Options {
				if o.Value == "" || strings.ContainsAny(o.Value, " \t\n") || len(o.Value) > 40 {
					p[at("options."+strconv.Itoa(j)+".value")] = "1-40 characters without spaces"
				}
				if vals[o.Value] {
					p[at("options."+strconv.Itoa(j)+".value")] = "duplicate option value"
				}
				vals[o.Value] = true
			}
			if it.Answer != "" && !vals[it.Answer] {
				p[at("answer")] = "not one of the options"
			}
			for _, s := range it.Satisfied {
				if !vals[s] {
					p[at("satisfied")] = "not one of the options"
				}
			}
		case TrueFalse:
			if len(it.Options) > 0 {
				p[at("options")] = "a true_false item has no options"
			}
			if it.Answer != "" && it.Answer != "true" && it.Answer != "false" {
				p[at("answer")] = "must be true or false"
			}
		case Integer, Text:
			if len(it.Options) > 0 {
				p[at("options")] = "only choice items have options"
			}
		default:
			p[at("type")] = "must be select_one, true_false, integer or text"
		}
		roles[it.Role]++
		switch it.Role {
		case RoleQuiz:
			if it.Type != SelectOne && it.Type != TrueFalse {
				p[at("type")] = "a quiz item is select_one or true_false"
			}
			if it.Answer == "" {
				p[at("answer")] = "a quiz item needs its answer key"
			}
		case RoleSatisfaction:
			if it.Type != SelectOne || len(it.Satisfied) == 0 {
				p[at("satisfied")] = "the satisfaction item is a select_one listing its satisfied values"
			}
			if !it.Required {
				p[at("required")] = "the satisfaction item must be required"
			}
		case RoleNone, RoleSubSatisfaction, RoleAgeGroup, RoleSex, RoleYearsResident, RoleDistrict:
		default:
			p[at("role")] = "unknown role " + string(it.Role)
		}
		if it.Role != RoleQuiz && it.Answer != "" {
			p[at("answer")] = "only quiz items have an answer key"
		}
		var c compiledItem
		var err error
		if c.relevant, err = ParseExpr(it.Relevant); err != nil {
			p[at("relevant")] = err.Error()
		} else if msg := checkRefs(c.relevant, it.ID, seen, i); msg != "" {
			p[at("relevant")] = msg
		}
		if c.constraint, err = ParseExpr(it.Constraint); err != nil {
			p[at("constraint")] = err.Error()
		} else if msg := checkRefs(c.constraint, it.ID, seen, i); msg != "" {
			p[at("constraint")] = msg
		}
		q.compiled[it.ID] = c
	}
	for _, r := range []Role{RoleSatisfaction, RoleAgeGroup, RoleSex, RoleYearsResident, RoleDistrict} {
		if roles[r] > 1 {
			p["items"] = fmt.Sprintf("role %s appears %d times; at most once", r, roles[r])
		}
	}
	if roles[RoleSatisfaction] != 1 {
		p["items"] = "exactly one item must have role satisfaction"
	}
	if len(p) == 0 {
		return nil
	}
	q.compiled = nil
	return p
}

// checkRefs allows references only to items that come earlier, so skip
// logic cannot loop and is evaluated in form order.
func checkRefs(e *Expr, self string, seen map[string]int, pos int) string {
	if e == nil {
		return ""
	}
	for _, r := range e.Refs() {
		j, ok := seen[r]
		if !ok || r == self || j >= pos {
			return fmt.Sprintf("${%s} must name an earlier item", r)
		}
	}
	return ""
}

// Compile prepares a stored questionnaire for use; it is Validate that
// fails on any problem.
func (q *Questionnaire) Compile() error {
	if p := q.Validate(); p != nil {
		return fmt.Errorf("questionnaire %s v%d is invalid: %v", q.ID, q.Version, p)
	}
	return nil
}

// Item returns the item with the id.
func (q *Questionnaire) Item(id string) (Item, bool) {
	for _, it := range q.Items {
		if it.ID == id {
			return it, true
		}
	}
	return Item{}, false
}

// ItemOfRole returns the first item with the role.
func (q *Questionnaire) ItemOfRole(r Role) (Item, bool) {
	for _, it := range q.Items {
		if it.Role == r {
			return it, true
		}
	}
	return Item{}, false
}

// QuizItems returns the quiz items in form order.
func (q *Questionnaire) QuizItems() []Item {
	var out []Item
	for _, it := range q.Items {
		if it.Role == RoleQuiz {
			out = append(out, it)
		}
	}
	return out
}
