import { describe, expect, it } from 'vitest'
import { parseExpr, ExprError } from '../src/lib/expr'

// Cases mirror survey/expr.go semantics (XPath 1.0 subset).
const answers: Record<string, string> = { age: '30', sex: 'f', topics: 'toilets markets', empty: '', tf: 'true', name: '张三' }
const lookup = (id: string) => answers[id] ?? ''

describe('expressions', () => {
  const cases: [string, string, boolean][] = [
    ['number equality on a string answer', '${age} = 30', true],
    ['string equality', "${sex} = 'f'", true],
    ['string inequality', "${sex} != 'f'", false],
    ['relational', '${age} >= 18 and ${age} < 65', true],
    ['empty answer is NaN for relations', '${empty} > 0', false],
    ['empty answer is NaN for <= too', '${empty} <= 0', false],
    ['empty string equals empty literal', "${empty} = ''", true],
    ['unanswered reference is empty', "${missing} = ''", true],
    ['selected', "selected(${topics}, 'markets')", true],
    ['selected is whole-word', "selected(${topics}, 'market')", false],
    ['count-selected', 'count-selected(${topics}) = 2', true],
    ['not', "not(${tf} = 'true')", false],
    ['or precedence', '1 = 2 or 2 = 2 and 3 = 3', true],
    ['arithmetic', '${age} div 2 + 1 = 16', true],
    ['mod', '7 mod 3 = 1', true],
    ['unary minus', '-${age} < 0', true],
    ['string-length counts characters', 'string-length(${name}) = 2', true],
    ['regex unanchored like Go', "regex('abc123', '[0-9]+')", true],
    ['regex anchored', "regex('13800138000', '^1[0-9]{10}$')", true],
    ['true()', 'true()', true],
    ['false()', 'false()', false],
    ['boolean vs string compares as booleans', "true() = 'x'", true],
    ['number()', "number('2.5') * 2 = 5", true],
    ['number of garbage is NaN', "number('abc') = number('abc')", false],
    ['nested parentheses', '((${age} > 1))', true],
    ['string literal is truthy', "'x'", true],
    ['zero is falsy', '0', false],
    ['double-quoted strings', '${sex} = "f"', true],
  ]
  for (const [name, src, want] of cases) {
    it(name, () => {
      expect(parseExpr(src)!.eval({ lookup })).toBe(want)
    })
  }

  it('reads the item own answer with "."', () => {
    const e = parseExpr('. >= 0 and . <= 120')!
    expect(e.eval({ self: '30' })).toBe(true)
    expect(e.eval({ self: '130' })).toBe(false)
    expect(e.eval({ self: '' })).toBe(false)
    expect(e.eval({ self: 'abc' })).toBe(false)
  })

  it('lists references in order of first use', () => {
    expect(parseExpr('${b} = 1 and ${a} = 2 or ${b} = 3')!.refs).toEqual(['b', 'a'])
  })

  it('treats an empty source as no condition', () => {
    expect(parseExpr('')).toBeNull()
    expect(parseExpr('   ')).toBeNull()
  })

  it('renders values like Go', () => {
    expect(parseExpr('1 div 4')!.value({})).toBe('0.25')
    expect(parseExpr('1 div 0')!.value({})).toBe('+Inf')
    expect(parseExpr('3 = 3')!.value({})).toBe('true')
  })

  const bad: [string, string][] = [
    ['unknown function', 'eval(1)'],
    ['wrong arity', "selected(${a})"],
    ['unterminated string', "'abc"],
    ['lone bang', '!1'],
    ['dollar without brace', '$a'],
    ['bad reference', '${a b}'],
    ['trailing tokens', '1 2'],
    ['unclosed paren', '(1 = 1'],
    ['bad number', '1.2.3'],
    ['unexpected end', '1 ='],
    ['bad regex literal', "regex(., '(')"],
    ['non-ascii operator', '1 ＝ 1'],
  ]
  for (const [name, src] of bad) {
    it(`rejects ${name}`, () => {
      expect(() => parseExpr(src)).toThrow(ExprError)
    })
  }

  it('bounds nesting depth', () => {
    expect(() => parseExpr('('.repeat(40) + '1' + ')'.repeat(40))).toThrow(/deeper/)
  })

  it('bounds length', () => {
    expect(() => parseExpr('1 = 1 and '.repeat(120) + '1')).toThrow(/longer/)
  })
})
