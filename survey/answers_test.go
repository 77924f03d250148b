package survey

import (
	"encoding/json"
	"strings"
	"testing"
)

func defaultForm(t testing.TB) *Questionnaire {
	t.Helper()
	q := DefaultQuestionnaire([]Option{{"D01", "清源区", "Qingyuan"}, {"D02", "东湖区", "Donghu"}})
	if p := q.Validate(); p != nil {
		t.Fatalf("default questionnaire invalid: %v", p)
	}
	return &q
}

// goodAnswers is a complete, valid set of answers to the default form with
// every quiz item right.
func goodAnswers() map[string]any {
	return map[string]any{
		"age_group": "35-59", "sex": "F", "years_resident": float64(12), "district_res": "D01",
		"sat_overall": "4", "sat_streets": "4", "sat_alleys": "3", "visits_market": true, "sat_market": "2",
		"uses_toilets": "false", "sat_garbage": "5", "sat_pests": "3",
		"q_handwash": "20s", "q_handwash_when": true, "q_mosquito": "water", "q_pests": true, "q_smoke_ban": true,
		"q_low_tar": false, "q_food_sep": "separate", "q_leftovers": false, "q_boil": true, "q_cough": true,
	}
}

func TestScoreIndicators(t *testing.T) {
	q := defaultForm(t)
	tests := []struct {
		name                                string
		change                              map[string]any
		satisfied, correct, answered, aware int
	}{
		{"all right, satisfied", nil, 1, 10, 10, 1},
		{"very satisfied", map[string]any{"sat_overall": "5"}, 1, 10, 10, 1},
		{"neutral is not satisfied", map[string]any{"sat_overall": "3"}, 0, 10, 10, 1},
		{"8 of 10 is aware at the 0.8 cut-off", map[string]any{"q_handwash": "dk", "q_low_tar": true}, 1, 8, 10, 1},
		{"7 of 10 is not aware", map[string]any{"q_handwash": "dk", "q_low_tar": true, "q_boil": false}, 1, 7, 10, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := goodAnswers()
			for k, v := range tt.change {
				a[k] = v
			}
			s, probs := q.Score(a)
			if probs != nil {
				t.Fatalf("problems: %v", probs)
			}
			if s.Satisfied != tt.satisfied || s.Correct != tt.correct || s.Answered != tt.answered || s.Aware != tt.aware {
				t.Fatalf("got satisfied=%d correct=%d answered=%d aware=%d, want %d %d %d %d",
					s.Satisfied, s.Correct, s.Answered, s.Aware, tt.satisfied, tt.correct, tt.answered, tt.aware)
			}
			if s.Demographics[RoleAgeGroup] != "35-59" || s.Answers["years_resident"] != "12" || s.Answers["visits_market"] != "true" {
				t.Fatalf("normalised answers wrong: %v", s.Answers)
			}
		})
	}
}

func TestScoreProblems(t *testing.T) {
	q := defaultForm(t)
	tests := []struct {
		name   string
		change map[string]any
		drop   []string
		item   string
	}{
		{"unknown item", map[string]any{"bogus": "1"}, nil, "bogus"},
		{"required missing", nil, []string{"sat_overall"}, "sat_overall"},
		{"not an option", map[string]any{"sat_overall": "6"}, nil, "sat_overall"},
		{"wrong type", map[string]any{"sat_overall": float64(4)}, nil, "sat_overall"},
		{"constraint", map[string]any{"years_resident": float64(120)}, nil, "years_resident"},
		{"not an integer", map[string]any{"years_resident": 1.5}, nil, "years_resident"},
		{"skip logic: answer to a skipped item", map[string]any{"sat_toilets": "4"}, nil, "sat_toilets"},
		{"skip logic: relevant item required", nil, []string{"sat_market"}, "sat_market"},
		{"true_false type", map[string]any{"q_boil": "yes"}, nil, "q_boil"},
		{"text too long", map[string]any{"comments": strings.Repeat("好", 201)}, nil, "comments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := goodAnswers()
			for k, v := range tt.change {
				a[k] = v
			}
			for _, k := range tt.drop {
				delete(a, k)
			}
			_, probs := q.Score(a)
			if _, ok := probs[tt.item]; !ok {
				t.Fatalf("want a problem on %s, got %v", tt.item, probs)
			}
			if probs[tt.item].ZH == "" || probs[tt.item].EN == "" {
				t.Fatalf("problem lacks a message: %+v", probs[tt.item])
			}
		})
	}
}

func TestValidateQuestionnaire(t *testing.T) {
	q := defaultForm(t)
	bad := *q
	bad.Items = append([]Item(nil), q.Items...)
	bad.Items[0].Relevant = "${sat_overall} = '4'" // refers forward
	bad.Items[1].ID = "age_group"                  // duplicate
	p := bad.Validate()
	if p["items.0.relevant"] == "" || p["items.1.id"] == "" {
		t.Fatalf("want forward reference and duplicate id problems, got %v", p)
	}
}

// FuzzScore feeds arbitrary JSON answer objects (what phones send) to the
// validator: it must never panic, and whatever it accepts must score
// within bounds.
func FuzzScore(f *testing.F) {
	q := defaultForm(f)
	f.Add(`{"age_group":"35-59","sex":"F","sat_overall":"4"}`)
	f.Add(`{"years_resident":1e300,"visits_market":"true","sat_market":"5"}`)
	f.Add(`{"comments":"<b>x</b>","q_boil":[true],"x":{"$gt":""}}`)
	f.Fuzz(func(t *testing.T, body string) {
		var raw map[string]any
		if json.Unmarshal([]byte(body), &raw) != nil {
			return
		}
		s, probs := q.Score(raw)
		if probs != nil {
			return
		}
		if s.Correct > s.Answered || s.Answered > len(q.QuizItems()) || s.Satisfied > 1 || s.Aware > 1 {
			t.Fatalf("out of bounds: %+v", s)
		}
	})
}
