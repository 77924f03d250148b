package survey

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Expressions are the `relevant` (skip logic) and `constraint` formulas of a
// questionnaire item, in the small XPath subset that ODK XLSForm and
// KoboToolbox forms use:
//
//	${age_group} != '18-24' and ${years} >= 1
//	. >= 0 and . <= 80
//	selected(${topics}, 'toilets') or not(${q_tf1} = 'true')
//	string-length(.) <= 200 and regex(., '^[0-9]{11}$')
//
// Operands are numbers, quoted strings, references ${item} to an earlier
// answer, and "." for the item's own answer (constraints). Operators are
// or, and, = != < <= > >=, + - * div mod, unary -, and parentheses.
// Functions: not, selected, count-selected, string-length, regex, number,
// true, false. An unanswered item is the empty string. Nothing else runs:
// the evaluator walks a parsed tree with bounded size and depth, and regex
// uses Go's linear-time engine, so a form cannot hang the server.

// Limits keep a hostile form cheap to parse and to evaluate.
const (
	maxExprLen   = 1000
	maxExprDepth = 32
	maxRegexLen  = 200
)

// ErrExpr reports an expression that does not parse.
var ErrExpr = errors.New("invalid expression")

// Expr is a parsed expression, safe for concurrent use.
type Expr struct {
	src  string
	root node
	refs []string
}

// String returns the source text.
func (e *Expr) String() string { return e.src }

// Refs returns the item ids the expression reads through ${...}, in order
// of first use.
func (e *Expr) Refs() []string { return e.refs }

// Env gives an expression the answers it reads. Self is the item's own
// answer ("."); Lookup returns an answer by item id, "" when unanswered.
type Env struct {
	Self   string
	Lookup func(id string) string
}

// Eval evaluates the expression as a boolean, the way forms use it.
func (e *Expr) Eval(env Env) bool {
	if e == nil || e.root == nil {
		return true
	}
	return e.root.eval(env).boolean()
}

// Value evaluates the expression and returns its value as a string (for
// tests and debugging).
func (e *Expr) Value(env Env) string { return e.root.eval(env).String() }

// ParseExpr parses src. An empty src gives a nil *Expr, which evaluates to
// true (no condition).
func ParseExpr(src string) (*Expr, error) {
	if strings.TrimSpace(src) == "" {
		return nil, nil
	}
	if len(src) > maxExprLen {
		return nil, fmt.Errorf("%w: longer than %d bytes", ErrExpr, maxExprLen)
	}
	if !utf8.ValidString(src) {
		return nil, fmt.Errorf("%w: not UTF-8", ErrExpr)
	}
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	root, err := p.parseOr(0)
	if err != nil {
		return nil, err
	}
	if p.peek().kind != tEOF {
		return nil, fmt.Errorf("%w: unexpected %q at %d", ErrExpr, p.peek().text, p.peek().pos)
	}
	return &Expr{src: src, root: root, refs: p.refs}, nil
}

// MustParseExpr is ParseExpr for expressions known to be valid (seed data).
func MustParseExpr(src string) *Expr {
	e, err := ParseExpr(src)
	if err != nil {
		panic(err)
	}
	return e
}

// value is an XPath 1.0 value: a number, a string or a boolean.
type value struct {
	kind byte // 'n', 's', 'b'
	num  float64
	str  string
	b    bool
}

func numV(f float64) value { return value{kind: 'n', num: f} }
func strV(s string) value  { return value{kind: 's', str: s} }
func boolV(b bool) value   { return value{kind: 'b', b: b} }

func (v value) boolean() bool {
	switch v.kind {
	case 'n':
		return v.num != 0 && !math.IsNaN(v.num)
	case 's':
		return v.str != ""
	}
	return v.b
}

func (v value) number() float64 {
	switch v.kind {
	case 'n':
		return v.num
	case 's':
		f, err := strconv.ParseFloat(strings.TrimSpace(v.str), 64)
		if err != nil {
			return math.NaN()
		}
		return f
	}
	if v.b {
		return 1
	}
	return 0
}

// String renders the value as XPath's string() does.
func (v value) String() string {
	switch v.kind {
	case 'n':
		if math.IsNaN(v.num) {
			return "NaN"
		}
		return strconv.FormatFloat(v.num, 'f', -1, 64)
	case 's':
		return v.str
	}
	return strconv.FormatBool(v.b)
}

type node interface{ eval(Env) value }

type (
	litNode  struct{ v value }
	refNode  struct{ id string }
	selfNode struct{}
	negNode  struct{ x node }
	binNode  struct {
		op   string
		l, r node
	}
	callNode struct {
		fn   string
		args []node
		re   *regexp.Regexp // regex with a literal pattern, compiled at parse time
	}
)

func (n litNode) eval(Env) value { return n.v }
func (n refNode) eval(e Env) value {
	if e.Lookup == nil {
		return strV("")
	}
	return strV(e.Lookup(n.id))
}
func (selfNode) eval(e Env) value  { return strV(e.Self) }
func (n negNode) eval(e Env) value { return numV(-n.x.eval(e).number()) }

func (n binNode) eval(e Env) value {
	switch n.op {
	case "or":
		return boolV(n.l.eval(e).boolean() || n.r.eval(e).boolean())
	case "and":
		return boolV(n.l.eval(e).boolean() && n.r.eval(e).boolean())
	}
	l, r := n.l.eval(e), n.r.eval(e)
	switch n.op {
	case "+":
		return numV(l.number() + r.number())
	case "-":
		return numV(l.number() - r.number())
	case "*":
		return numV(l.number() * r.number())
	case "div":
		return numV(l.number() / r.number())
	case "mod":
		return numV(math.Mod(l.number(), r.number()))
	case "=", "!=":
		eq := equal(l, r)
		if n.op == "!=" {
			return boolV(!eq)
		}
		return boolV(eq)
	}
	// Relational operators compare numbers, as in XPath; an empty answer
	// is NaN and every comparison with it is false.
	a, b := l.number(), r.number()
	switch n.op {
	case "<":
		return boolV(a < b)
	case "<=":
		return boolV(a <= b)
	case ">":
		return boolV(a > b)
	case ">=":
		return boolV(a >= b)
	}
	return boolV(false)
}

// equal follows XPath 1.0: booleans compare as booleans, then numbers as
// numbers, else strings as strings. A string operand that parses as a
// number meets a number as a number, so ${age} = 30 works on "30".
func equal(l, r value) bool {
	switch {
	case l.kind == 'b' || r.kind == 'b':
		return l.boolean() == r.boolean()
	case l.kind == 'n' || r.kind == 'n':
		return l.number() == r.number()
	}
	return l.str == r.str
}

func (n callNode) eval(e Env) value {
	arg := func(i int) value { return n.args[i].eval(e) }
	switch n.fn {
	case "true":
		return boolV(true)
	case "false":
		return boolV(false)
	case "not":
		return boolV(!arg(0).boolean())
	case "number":
		return numV(arg(0).number())
	case "string-length":
		return numV(float64(utf8.RuneCountInString(arg(0).String())))
	case "selected":
		want := arg(1).String()
		for _, f := range strings.Fields(arg(0).String()) {
			if f == want {
				return boolV(true)
			}
		}
		return boolV(false)
	case "count-selected":
		return numV(float64(len(strings.Fields(arg(0).String()))))
	case "regex":
		re := n.re
		if re == nil {
			pat := arg(1).String()
			if len(pat) > maxRegexLen {
				return boolV(false)
			}
			var err error
			if re, err = regexp.Compile(pat); err != nil {
				return boolV(false)
			}
		}
		return boolV(re.MatchString(arg(0).String()))
	}
	return boolV(false)
}

// arity lists the functions and their argument counts.
var arity = map[string]int{
	"true": 0, "false": 0, "not": 1, "number": 1, "string-length": 1,
	"selected": 2, "count-selected": 1, "regex": 2,
}

type tokKind int

const (
	tEOF tokKind = iota
	tNum
	tStr
	tRef
	tSelf
	tName
	tOp
	tLParen
	tRParen
	tComma
)

type token struct {
	kind tokKind
	text string
	num  float64
	pos  int
}

func lex(src string) ([]token, error) {
	var toks []token
	i := 0
	for i < len(src) {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(':
			toks = append(toks, token{kind: tLParen, text: "(", pos: i})
			i++
		case c == ')':
			toks = append(toks, token{kind: tRParen, text: ")", pos: i})
			i++
		case c == ',':
			toks = append(toks, token{kind: tComma, text: ",", pos: i})
			i++
		case c == '\'' || c == '"':
			j := strings.IndexByte(src[i+1:], c)
			if j < 0 {
				return nil, fmt.Errorf("%w: unterminated string at %d", ErrExpr, i)
			}
			toks = append(toks, token{kind: tStr, text: src[i+1 : i+1+j], pos: i})
			i += j + 2
		case c == '$':
			if i+1 >= len(src) || src[i+1] != '{' {
				return nil, fmt.Errorf("%w: '$' must start ${item} at %d", ErrExpr, i)
			}
			j := strings.IndexByte(src[i:], '}')
			if j < 0 {
				return nil, fmt.Errorf("%w: unterminated ${ at %d", ErrExpr, i)
			}
			id := src[i+2 : i+j]
			if !validItemID(id) {
				return nil, fmt.Errorf("%w: bad item reference ${%s} at %d", ErrExpr, id, i)
			}
			toks = append(toks, token{kind: tRef, text: id, pos: i})
			i += j + 1
		case c >= '0' && c <= '9' || c == '.' && i+1 < len(src) && src[i+1] >= '0' && src[i+1] <= '9':
			j := i
			for j < len(src) && (src[j] >= '0' && src[j] <= '9' || src[j] == '.') {
				j++
			}
			f, err := strconv.ParseFloat(src[i:j], 64)
			if err != nil {
				return nil, fmt.Errorf("%w: bad number %q at %d", ErrExpr, src[i:j], i)
			}
			toks = append(toks, token{kind: tNum, text: src[i:j], num: f, pos: i})
			i = j
		case c == '.':
			toks = append(toks, token{kind: tSelf, text: ".", pos: i})
			i++
		case c == '!' || c == '<' || c == '>':
			if i+1 < len(src) && src[i+1] == '=' {
				toks = append(toks, token{kind: tOp, text: src[i : i+2], pos: i})
				i += 2
			} else if c == '!' {
				return nil, fmt.Errorf("%w: '!' must be '!=' at %d", ErrExpr, i)
			} else {
				toks = append(toks, token{kind: tOp, text: string(c), pos: i})
				i++
			}
		case c == '=' || c == '+' || c == '-' || c == '*':
			toks = append(toks, token{kind: tOp, text: string(c), pos: i})
			i++
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			j := i
			for j < len(src) && (src[j] >= 'a' && src[j] <= 'z' || src[j] >= 'A' && src[j] <= 'Z' || src[j] == '-' || src[j] >= '0' && src[j] <= '9') {
				j++
			}
			word := src[i:j]
			switch word {
			case "and", "or", "div", "mod":
				toks = append(toks, token{kind: tOp, text: word, pos: i})
			default:
				toks = append(toks, token{kind: tName, text: word, pos: i})
			}
			i = j
		default:
			r, _ := utf8.DecodeRuneInString(src[i:])
			return nil, fmt.Errorf("%w: unexpected %q at %d", ErrExpr, r, i)
		}
	}
	return append(toks, token{kind: tEOF, pos: len(src)}), nil
}

type parser struct {
	toks []token
	i    int
	refs []string
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

func (p *parser) isOp(ops ...string) bool {
	t := p.peek()
	if t.kind != tOp {
		return false
	}
	for _, o := range ops {
		if t.text == o {
			return true
		}
	}
	return false
}

func (p *parser) deep(depth int) error {
	if depth > maxExprDepth {
		return fmt.Errorf("%w: nested deeper than %d", ErrExpr, maxExprDepth)
	}
	return nil
}

func (p *parser) binary(depth int, ops []string, sub func(int) (node, error)) (node, error) {
	if err := p.deep(depth); err != nil {
		return nil, err
	}
	l, err := sub(depth + 1)
	if err != nil {
		return nil, err
	}
	for p.isOp(ops...) {
		op := p.next().text
		r, err := sub(depth + 1)
		if err != nil {
			return nil, err
		}
		l = binNode{op: op, l: l, r: r}
	}
	return l, nil
}

func (p *parser) parseOr(d int) (node, error) {
	return p.binary(d, []string{"or"}, p.parseAnd)
}
func (p *parser) parseAnd(d int) (node, error) {
	return p.binary(d, []string{"and"}, p.parseEq)
}
func (p *parser) parseEq(d int) (node, error) {
	return p.binary(d, []string{"=", "!="}, p.parseRel)
}
func (p *parser) parseRel(d int) (node, error) {
	return p.binary(d, []string{"<", "<=", ">", ">="}, p.parseAdd)
}
func (p *parser) parseAdd(d int) (node, error) {
	return p.binary(d, []string{"+", "-"}, p.parseMul)
}
func (p *parser) parseMul(d int) (node, error) {
	return p.binary(d, []string{"*", "div", "mod"}, p.parseUnary)
}

func (p *parser) parseUnary(d int) (node, error) {
	if err := p.deep(d); err != nil {
		return nil, err
	}
	if p.isOp("-") {
		p.next()
		x, err := p.parseUnary(d + 1)
		if err != nil {
			return nil, err
		}
		return negNode{x: x}, nil
	}
	return p.parsePrimary(d + 1)
}

func (p *parser) parsePrimary(d int) (node, error) {
	if err := p.deep(d); err != nil {
		return nil, err
	}
	t := p.next()
	switch t.kind {
	case tNum:
		return litNode{numV(t.num)}, nil
	case tStr:
		return litNode{strV(t.text)}, nil
	case tSelf:
		return selfNode{}, nil
	case tRef:
		seen := false
		for _, r := range p.refs {
			seen = seen || r == t.text
		}
		if !seen {
			p.refs = append(p.refs, t.text)
		}
		return refNode{id: t.text}, nil
	case tLParen:
		x, err := p.parseOr(d + 1)
		if err != nil {
			return nil, err
		}
		if p.next().kind != tRParen {
			return nil, fmt.Errorf("%w: missing ')' for '(' at %d", ErrExpr, t.pos)
		}
		return x, nil
	case tName:
		n, ok := arity[t.text]
		if !ok {
			return nil, fmt.Errorf("%w: unknown function %q at %d", ErrExpr, t.text, t.pos)
		}
		if p.next().kind != tLParen {
			return nil, fmt.Errorf("%w: %s needs '(' at %d", ErrExpr, t.text, t.pos)
		}
		call := callNode{fn: t.text}
		if p.peek().kind != tRParen {
			for {
				a, err := p.parseOr(d + 1)
				if err != nil {
					return nil, err
				}
				call.args = append(call.args, a)
				if p.peek().kind != tComma {
					break
				}
				p.next()
			}
		}
		if p.next().kind != tRParen {
			return nil, fmt.Errorf("%w: missing ')' after %s arguments", ErrExpr, t.text)
		}
		if len(call.args) != n {
			return nil, fmt.Errorf("%w: %s takes %d argument(s), got %d", ErrExpr, t.text, n, len(call.args))
		}
		if call.fn == "regex" {
			if lit, ok := call.args[1].(litNode); ok {
				pat := lit.v.String()
				if len(pat) > maxRegexLen {
					return nil, fmt.Errorf("%w: regex pattern longer than %d bytes", ErrExpr, maxRegexLen)
				}
				re, err := regexp.Compile(pat)
				if err != nil {
					return nil, fmt.Errorf("%w: regex %q: %v", ErrExpr, pat, err)
				}
				call.re = re
			}
		}
		return call, nil
	case tEOF:
		return nil, fmt.Errorf("%w: unexpected end", ErrExpr)
	}
	return nil, fmt.Errorf("%w: unexpected %q at %d", ErrExpr, t.text, t.pos)
}
