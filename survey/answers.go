package survey

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxTextAnswer bounds a free-text answer, in characters.
const MaxTextAnswer = 500

// Scored is a validated set of answers with the indicators computed from it.
type Scored struct {
	// Answers holds the normalised answer of every relevant, answered item.
	Answers map[string]string
	// Satisfied is 1 when the overall satisfaction answer is one of the
	// satisfied values, else 0.
	Satisfied int
	// Correct and Answered count quiz items answered correctly and answered
	// at all (relevant and not empty); Aware is 1 when Correct reaches the
	// questionnaire's cut-off share of Answered.
	Correct, Answered, Aware int
	// Demographics by role (age group, sex, years resident, district).
	Demographics map[Role]string
}

// AnswerProblem is one item's problem, in both languages.
type AnswerProblem struct {
	ZH, EN string
}

// Score validates raw answers (string, float64, bool or nil values, as
// decoded from JSON) against the questionnaire: unknown items, types,
// option values, required items, skip logic (an answer to an item that is
// not relevant is refused, as the form would not have shown it) and
// constraints. It returns the scored answers, or the problems by item id.
func (q *Questionnaire) Score(raw map[string]any) (Scored, map[string]AnswerProblem) {
	probs := map[string]AnswerProblem{}
	for id := range raw {
		if _, ok := q.compiled[id]; !ok {
			probs[id] = AnswerProblem{"问卷中没有这一题", "no such item in the questionnaire"}
		}
	}
	s := Scored{Answers: make(map[string]string, len(raw)), Demographics: map[Role]string{}}
	lookup := func(id string) string { return s.Answers[id] }
	for _, it := range q.Items {
		c := q.compiled[it.ID]
		v, given := raw[it.ID]
		if v == nil {
			given = false
		}
		relevant := c.relevant.Eval(Env{Lookup: lookup})
		if !relevant {
			if given {
				probs[it.ID] = AnswerProblem{"根据跳题逻辑本题不应作答", "this item is skipped by the form's logic; leave it out"}
			}
			continue
		}
		var ans string
		if given {
			var p *AnswerProblem
			ans, p = normalise(it, v)
			if p != nil {
				probs[it.ID] = *p
				continue
			}
		}
		if ans == "" {
			if it.Required {
				probs[it.ID] = AnswerProblem{"必答题", "required"}
			}
			continue
		}
		if c.constraint != nil && !c.constraint.Eval(Env{Self: ans, Lookup: lookup}) {
			p := AnswerProblem{it.ConstraintMsg, it.ConstraintMsgEN}
			if p.ZH == "" {
				p.ZH = "答案不符合要求"
			}
			if p.EN == "" {
				p.EN = "the answer does not meet the item's constraint"
			}
			probs[it.ID] = p
			continue
		}
		s.Answers[it.ID] = ans
		switch it.Role {
		case RoleSatisfaction:
			for _, v := range it.Satisfied {
				if ans == v {
					s.Satisfied = 1
				}
			}
		case RoleQuiz:
			s.Answered++
			if ans == it.Answer {
				s.Correct++
			}
		case RoleAgeGroup, RoleSex, RoleYearsResident, RoleDistrict:
			s.Demographics[it.Role] = ans
		}
	}
	if len(probs) > 0 {
		return Scored{}, probs
	}
	s.Aware = q.aware(s.Correct, s.Answered)
	return s, nil
}

// aware applies the respondent-level cut-off. A tiny tolerance keeps
// 8/10 at a 0.8 cut-off aware despite binary floating point.
func (q *Questionnaire) aware(correct, answered int) int {
	if answered == 0 {
		return 0
	}
	if float64(correct)+1e-9 >= q.QuizCutoff*float64(answered) {
		return 1
	}
	return 0
}

func normalise(it Item, v any) (string, *AnswerProblem) {
	switch it.Type {
	case SelectOne:
		s, ok := v.(string)
		if !ok {
			return "", &AnswerProblem{"应为选项值（字符串）", "expected an option value (string)"}
		}
		if s == "" {
			return "", nil
		}
		for _, o := range it.Options {
			if o.Value == s {
				return s, nil
			}
		}
		return "", &AnswerProblem{"不是本题的选项", "not one of the item's options"}
	case TrueFalse:
		switch x := v.(type) {
		case bool:
			return strconv.FormatBool(x), nil
		case string:
			if x == "true" || x == "false" || x == "" {
				return x, nil
			}
		}
		return "", &AnswerProblem{"应为 true 或 false", "expected true or false"}
	case Integer:
		var f float64
		switch x := v.(type) {
		case float64:
			f = x
		case string:
			if x == "" {
				return "", nil
			}
			var err error
			if f, err = strconv.ParseFloat(x, 64); err != nil {
				return "", &AnswerProblem{"应为整数", "expected an integer"}
			}
		default:
			return "", &AnswerProblem{"应为整数", "expected an integer"}
		}
		if f != math.Trunc(f) || math.Abs(f) > 1e9 {
			return "", &AnswerProblem{"应为整数", "expected an integer"}
		}
		return strconv.FormatInt(int64(f), 10), nil
	case Text:
		s, ok := v.(string)
		if !ok {
			return "", &AnswerProblem{"应为文本", "expected text"}
		}
		s = strings.TrimSpace(s)
		if !utf8.ValidString(s) || utf8.RuneCountInString(s) > MaxTextAnswer {
			return "", &AnswerProblem{"文本过长或编码无效", "text too long or not UTF-8"}
		}
		for _, r := range s {
			if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f {
				return "", &AnswerProblem{"不能包含控制字符", "must not contain control characters"}
			}
		}
		return s, nil
	}
	return "", &AnswerProblem{"未知题型", "unknown item type"}
}
