package survey

import (
	"errors"
	"strings"
	"testing"
)

func TestExprEval(t *testing.T) {
	answers := map[string]string{"age": "30", "tf": "true", "pick": "a b c", "name": "张三", "empty": ""}
	env := Env{Lookup: func(id string) string { return answers[id] }}
	tests := []struct {
		src  string
		self string
		want bool
	}{
		{"${age} >= 18", "", true},
		{"${age} = 30", "", true},
		{"${age} = '30'", "", true},
		{"${age} != 30", "", false},
		{"${age} > 30 or ${tf} = 'true'", "", true},
		{"${age} > 30 and ${tf} = 'true'", "", false},
		{"not(${tf} = 'true')", "", false},
		{"${empty} = ''", "", true},
		{"${missing} = ''", "", true},
		{"${missing} > 0", "", false},
		{"${missing} < 0", "", false},
		{"selected(${pick}, 'b')", "", true},
		{"selected(${pick}, 'd')", "", false},
		{"count-selected(${pick}) = 3", "", true},
		{"string-length(${name}) = 2", "", true},
		{". >= 0 and . <= 100", "42", true},
		{". >= 0 and . <= 100", "101", false},
		{". >= 0 and . <= 100", "abc", false},
		{"regex(., '^1[0-9]{10}$')", "13800000000", true},
		{"regex(., '^1[0-9]{10}$')", "1380000", false},
		{"(1 + 2) * 3 = 9", "", true},
		{"10 div 4 = 2.5", "", true},
		{"10 mod 4 = 2", "", true},
		{"-${age} = -30", "", true},
		{"true() and not(false())", "", true},
		{"number(${age}) + 1 = 31", "", true},
		{`"x" = 'x'`, "", true},
	}
	for _, tt := range tests {
		e, err := ParseExpr(tt.src)
		if err != nil {
			t.Errorf("ParseExpr(%q): %v", tt.src, err)
			continue
		}
		env.Self = tt.self
		if got := e.Eval(env); got != tt.want {
			t.Errorf("%q with .=%q = %v, want %v", tt.src, tt.self, got, tt.want)
		}
	}
}

func TestExprRefs(t *testing.T) {
	e := MustParseExpr("${a} = 1 and (${b} = 2 or ${a} = 3)")
	if got := strings.Join(e.Refs(), ","); got != "a,b" {
		t.Fatalf("refs = %s, want a,b", got)
	}
	var nilExpr *Expr
	if !nilExpr.Eval(Env{}) {
		t.Fatal("an empty expression must be true")
	}
}

func TestExprErrors(t *testing.T) {
	bad := []string{
		"${a} =", "(${a} = 1", "${a} = 1)", "foo(1)", "not(1, 2)", "${a b} = 1", "$a = 1",
		"'unterminated", "1 ! 2", "regex(., '(')", "${a} = 1 ; drop", "eval('x')",
		strings.Repeat("(", 40) + "1" + strings.Repeat(")", 40),
		strings.Repeat("1 + ", 300) + "1",
	}
	for _, src := range bad {
		if _, err := ParseExpr(src); !errors.Is(err, ErrExpr) {
			t.Errorf("ParseExpr(%q) = %v, want ErrExpr", src, err)
		}
	}
}

func FuzzParseExpr(f *testing.F) {
	for _, s := range []string{"${a} = 'x'", ". >= 0 and . <= 100", "selected(${p}, 'a')", "regex(., '^[0-9]+$')", "not((1))"} {
		f.Add(s, "5")
	}
	f.Fuzz(func(t *testing.T, src, self string) {
		e, err := ParseExpr(src)
		if err != nil {
			return
		}
		// Evaluation of any parsed expression must terminate without panicking.
		_ = e.Eval(Env{Self: self, Lookup: func(string) string { return self }})
	})
}
