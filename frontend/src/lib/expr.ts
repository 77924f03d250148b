// A TypeScript port of the portal's questionnaire expression language
// (survey/expr.go): the XPath subset that ODK XLSForm and KoboToolbox use
// for `relevant` (skip logic) and `constraint`. It must give the same
// answers as the server, so the rules below mirror expr.go line by line:
// values are numbers, strings or booleans; ${id} reads an earlier answer
// as a string ("" when unanswered); "." is the item's own answer;
// relational operators compare numbers (an empty answer is NaN, so every
// comparison with it is false); = and != follow XPath 1.0.

export class ExprError extends Error {
  constructor(message: string) {
    super(`invalid expression: ${message}`)
    this.name = 'ExprError'
  }
}

const MAX_EXPR_LEN = 1000
const MAX_EXPR_DEPTH = 32
const MAX_REGEX_LEN = 200

export interface Env {
  self?: string
  lookup?: (id: string) => string
}

type Value = { kind: 'n'; num: number } | { kind: 's'; str: string } | { kind: 'b'; b: boolean }

const numV = (num: number): Value => ({ kind: 'n', num })
const strV = (str: string): Value => ({ kind: 's', str })
const boolV = (b: boolean): Value => ({ kind: 'b', b })

// goFloat parses like Go's strconv.ParseFloat on a trimmed string: decimal
// numbers with an optional exponent, and inf/infinity/nan; anything else
// (including "") is NaN.
const FLOAT_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/
function goFloat(s: string): number {
  const t = s.trim()
  if (FLOAT_RE.test(t)) return Number(t)
  const l = t.toLowerCase()
  if (l === 'inf' || l === '+inf' || l === 'infinity' || l === '+infinity') return Infinity
  if (l === '-inf' || l === '-infinity') return -Infinity
  if (l === 'nan') return NaN
  return NaN
}

function toBool(v: Value): boolean {
  switch (v.kind) {
    case 'n':
      return v.num !== 0 && !Number.isNaN(v.num)
    case 's':
      return v.str !== ''
    default:
      return v.b
  }
}

function toNum(v: Value): number {
  switch (v.kind) {
    case 'n':
      return v.num
    case 's':
      return goFloat(v.str)
    default:
      return v.b ? 1 : 0
  }
}

function formatNum(n: number): string {
  if (Number.isNaN(n)) return 'NaN'
  if (n === Infinity) return '+Inf'
  if (n === -Infinity) return '-Inf'
  if (Object.is(n, -0)) return '-0'
  // Go's FormatFloat(f, 'f', -1, 64) never uses an exponent.
  if (Math.abs(n) >= 1e21 || (n !== 0 && Math.abs(n) < 1e-6)) {
    return n.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 20 })
  }
  return String(n)
}

function toStr(v: Value): string {
  switch (v.kind) {
    case 'n':
      return formatNum(v.num)
    case 's':
      return v.str
    default:
      return v.b ? 'true' : 'false'
  }
}

function equal(l: Value, r: Value): boolean {
  if (l.kind === 'b' || r.kind === 'b') return toBool(l) === toBool(r)
  if (l.kind === 'n' || r.kind === 'n') return toNum(l) === toNum(r)
  return (l as { str: string }).str === (r as { str: string }).str
}

type Node =
  | { t: 'lit'; v: Value }
  | { t: 'ref'; id: string }
  | { t: 'self' }
  | { t: 'neg'; x: Node }
  | { t: 'bin'; op: string; l: Node; r: Node }
  | { t: 'call'; fn: string; args: Node[]; re?: RegExp }

const ARITY: Record<string, number> = {
  true: 0,
  false: 0,
  not: 1,
  number: 1,
  'string-length': 1,
  selected: 2,
  'count-selected': 1,
  regex: 2,
}

function compileRegex(pat: string): RegExp | null {
  try {
    return new RegExp(pat, 'u')
  } catch {
    return null
  }
}

function evalNode(n: Node, e: Env): Value {
  switch (n.t) {
    case 'lit':
      return n.v
    case 'ref':
      return strV(e.lookup ? e.lookup(n.id) : '')
    case 'self':
      return strV(e.self ?? '')
    case 'neg':
      return numV(-toNum(evalNode(n.x, e)))
    case 'bin':
      return evalBin(n, e)
    case 'call':
      return evalCall(n, e)
  }
}

function evalBin(n: { op: string; l: Node; r: Node }, e: Env): Value {
  if (n.op === 'or') return boolV(toBool(evalNode(n.l, e)) || toBool(evalNode(n.r, e)))
  if (n.op === 'and') return boolV(toBool(evalNode(n.l, e)) && toBool(evalNode(n.r, e)))
  const l = evalNode(n.l, e)
  const r = evalNode(n.r, e)
  switch (n.op) {
    case '+':
      return numV(toNum(l) + toNum(r))
    case '-':
      return numV(toNum(l) - toNum(r))
    case '*':
      return numV(toNum(l) * toNum(r))
    case 'div':
      return numV(toNum(l) / toNum(r))
    case 'mod': {
      // Go's math.Mod: result has the sign of the dividend, like JS %.
      return numV(toNum(l) % toNum(r))
    }
    case '=':
      return boolV(equal(l, r))
    case '!=':
      return boolV(!equal(l, r))
  }
  const a = toNum(l)
  const b = toNum(r)
  switch (n.op) {
    case '<':
      return boolV(a < b)
    case '<=':
      return boolV(a <= b)
    case '>':
      return boolV(a > b)
    case '>=':
      return boolV(a >= b)
  }
  return boolV(false)
}

function fields(s: string): string[] {
  return s.split(/[\s\u0085\u00a0]+/u).filter((f) => f !== '')
}

function evalCall(n: { fn: string; args: Node[]; re?: RegExp }, e: Env): Value {
  const arg = (i: number) => evalNode(n.args[i], e)
  switch (n.fn) {
    case 'true':
      return boolV(true)
    case 'false':
      return boolV(false)
    case 'not':
      return boolV(!toBool(arg(0)))
    case 'number':
      return numV(toNum(arg(0)))
    case 'string-length':
      return numV([...toStr(arg(0))].length)
    case 'selected': {
      const want = toStr(arg(1))
      return boolV(fields(toStr(arg(0))).includes(want))
    }
    case 'count-selected':
      return numV(fields(toStr(arg(0))).length)
    case 'regex': {
      let re = n.re ?? null
      if (!re) {
        const pat = toStr(arg(1))
        if (pat.length > MAX_REGEX_LEN) return boolV(false)
        re = compileRegex(pat)
        if (!re) return boolV(false)
      }
      return boolV(re.test(toStr(arg(0))))
    }
  }
  return boolV(false)
}

type TokKind = 'eof' | 'num' | 'str' | 'ref' | 'self' | 'name' | 'op' | '(' | ')' | ','
interface Token {
  kind: TokKind
  text: string
  num?: number
  pos: number
}

// Item ids as survey/questionnaire.go's itemIDPattern.
const ID_RE = /^[A-Za-z_][A-Za-z0-9_]{0,39}$/

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9'
}
function isAlpha(c: string | undefined): boolean {
  return c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
}

function lex(src: string): Token[] {
  const toks: Token[] = []
  let i = 0
  while (i < src.length) {
    const c = src[i]
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++
    } else if (c === '(' || c === ')' || c === ',') {
      toks.push({ kind: c, text: c, pos: i })
      i++
    } else if (c === "'" || c === '"') {
      const j = src.indexOf(c, i + 1)
      if (j < 0) throw new ExprError(`unterminated string at ${i}`)
      toks.push({ kind: 'str', text: src.slice(i + 1, j), pos: i })
      i = j + 1
    } else if (c === '$') {
      if (src[i + 1] !== '{') throw new ExprError(`'$' must start \${item} at ${i}`)
      const j = src.indexOf('}', i)
      if (j < 0) throw new ExprError(`unterminated \${ at ${i}`)
      const id = src.slice(i + 2, j)
      if (!ID_RE.test(id)) throw new ExprError(`bad item reference \${${id}} at ${i}`)
      toks.push({ kind: 'ref', text: id, pos: i })
      i = j + 1
    } else if (isDigit(c) || (c === '.' && isDigit(src[i + 1]))) {
      let j = i
      while (j < src.length && (isDigit(src[j]) || src[j] === '.')) j++
      const text = src.slice(i, j)
      if (!/^(\d+\.?\d*|\.\d+)$/.test(text)) throw new ExprError(`bad number "${text}" at ${i}`)
      toks.push({ kind: 'num', text, num: Number(text), pos: i })
      i = j
    } else if (c === '.') {
      toks.push({ kind: 'self', text: '.', pos: i })
      i++
    } else if (c === '!' || c === '<' || c === '>') {
      if (src[i + 1] === '=') {
        toks.push({ kind: 'op', text: src.slice(i, i + 2), pos: i })
        i += 2
      } else if (c === '!') {
        throw new ExprError(`'!' must be '!=' at ${i}`)
      } else {
        toks.push({ kind: 'op', text: c, pos: i })
        i++
      }
    } else if (c === '=' || c === '+' || c === '-' || c === '*') {
      toks.push({ kind: 'op', text: c, pos: i })
      i++
    } else if (isAlpha(c)) {
      let j = i
      while (j < src.length && (isAlpha(src[j]) || isDigit(src[j]) || src[j] === '-')) j++
      const word = src.slice(i, j)
      if (word === 'and' || word === 'or' || word === 'div' || word === 'mod') toks.push({ kind: 'op', text: word, pos: i })
      else toks.push({ kind: 'name', text: word, pos: i })
      i = j
    } else {
      throw new ExprError(`unexpected "${String.fromCodePoint(src.codePointAt(i) ?? 0)}" at ${i}`)
    }
  }
  toks.push({ kind: 'eof', text: '', pos: src.length })
  return toks
}

class Parser {
  i = 0
  refs: string[] = []
  constructor(private toks: Token[]) {}

  peek(): Token {
    return this.toks[this.i]
  }
  next(): Token {
    const t = this.toks[this.i]
    if (t.kind !== 'eof') this.i++
    return t
  }
  isOp(ops: string[]): boolean {
    const t = this.peek()
    return t.kind === 'op' && ops.includes(t.text)
  }
  deep(d: number) {
    if (d > MAX_EXPR_DEPTH) throw new ExprError(`nested deeper than ${MAX_EXPR_DEPTH}`)
  }
  binary(d: number, ops: string[], sub: (d: number) => Node): Node {
    this.deep(d)
    let l = sub(d + 1)
    while (this.isOp(ops)) {
      const op = this.next().text
      const r = sub(d + 1)
      l = { t: 'bin', op, l, r }
    }
    return l
  }
  parseOr = (d: number): Node => this.binary(d, ['or'], this.parseAnd)
  parseAnd = (d: number): Node => this.binary(d, ['and'], this.parseEq)
  parseEq = (d: number): Node => this.binary(d, ['=', '!='], this.parseRel)
  parseRel = (d: number): Node => this.binary(d, ['<', '<=', '>', '>='], this.parseAdd)
  parseAdd = (d: number): Node => this.binary(d, ['+', '-'], this.parseMul)
  parseMul = (d: number): Node => this.binary(d, ['*', 'div', 'mod'], this.parseUnary)
  parseUnary = (d: number): Node => {
    this.deep(d)
    if (this.isOp(['-'])) {
      this.next()
      return { t: 'neg', x: this.parseUnary(d + 1) }
    }
    return this.parsePrimary(d + 1)
  }
  parsePrimary(d: number): Node {
    this.deep(d)
    const t = this.next()
    switch (t.kind) {
      case 'num':
        return { t: 'lit', v: numV(t.num ?? NaN) }
      case 'str':
        return { t: 'lit', v: strV(t.text) }
      case 'self':
        return { t: 'self' }
      case 'ref':
        if (!this.refs.includes(t.text)) this.refs.push(t.text)
        return { t: 'ref', id: t.text }
      case '(': {
        const x = this.parseOr(d + 1)
        if (this.next().kind !== ')') throw new ExprError(`missing ')' for '(' at ${t.pos}`)
        return x
      }
      case 'name': {
        const n = ARITY[t.text]
        if (n === undefined) throw new ExprError(`unknown function "${t.text}" at ${t.pos}`)
        if (this.next().kind !== '(') throw new ExprError(`${t.text} needs '(' at ${t.pos}`)
        const call: { t: 'call'; fn: string; args: Node[]; re?: RegExp } = { t: 'call', fn: t.text, args: [] }
        if (this.peek().kind !== ')') {
          for (;;) {
            call.args.push(this.parseOr(d + 1))
            if (this.peek().kind !== ',') break
            this.next()
          }
        }
        if (this.next().kind !== ')') throw new ExprError(`missing ')' after ${t.text} arguments`)
        if (call.args.length !== n) throw new ExprError(`${t.text} takes ${n} argument(s), got ${call.args.length}`)
        if (call.fn === 'regex') {
          const a = call.args[1]
          if (a.t === 'lit') {
            const pat = toStr(a.v)
            if (pat.length > MAX_REGEX_LEN) throw new ExprError(`regex pattern longer than ${MAX_REGEX_LEN} bytes`)
            const re = compileRegex(pat)
            if (!re) throw new ExprError(`regex "${pat}" does not compile`)
            call.re = re
          }
        }
        return call
      }
      case 'eof':
        throw new ExprError('unexpected end')
    }
    throw new ExprError(`unexpected "${t.text}" at ${t.pos}`)
  }
}

/** Expr is a parsed expression. */
export class Expr {
  constructor(
    readonly src: string,
    private root: Node,
    readonly refs: string[],
  ) {}

  /** eval evaluates the expression as a boolean, the way forms use it. */
  eval(env: Env): boolean {
    return toBool(evalNode(this.root, env))
  }

  /** value evaluates the expression to its string value. */
  value(env: Env): string {
    return toStr(evalNode(this.root, env))
  }
}

/** parseExpr parses src; an empty src gives null, which means "no condition". */
export function parseExpr(src: string | undefined | null): Expr | null {
  if (!src || src.trim() === '') return null
  if (new TextEncoder().encode(src).length > MAX_EXPR_LEN) throw new ExprError(`longer than ${MAX_EXPR_LEN} bytes`)
  const p = new Parser(lex(src))
  const root = p.parseOr(0)
  if (p.peek().kind !== 'eof') throw new ExprError(`unexpected "${p.peek().text}" at ${p.peek().pos}`)
  return new Expr(src, root, p.refs)
}

/** evalCondition evaluates an optional expression; no expression is true. */
export function evalCondition(e: Expr | null, env: Env): boolean {
  return e === null ? true : e.eval(env)
}
