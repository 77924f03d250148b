// Questionnaire logic for the volunteer's interview screen: which items are
// relevant given the answers so far (skip logic), whether an answer meets
// its item's type, options, required flag and constraint, and the answers
// to send (relevant ones only). Expressions follow survey/expr.go through
// the port in expr.ts, so the phone and the server agree.
import { parseExpr, type Expr } from './expr'

export interface Option {
  value: string
  label: string
  label_en?: string
}

export interface Item {
  id: string
  type: string
  label: string
  label_en?: string
  hint?: string
  hint_en?: string
  options?: Option[]
  required?: boolean
  relevant?: string
  constraint?: string
  constraint_message?: string
  constraint_message_en?: string
}

export type Answer = string | number | boolean | string[] | null | undefined
export type Answers = Record<string, Answer>

export type Kind = 'single' | 'multiple' | 'integer' | 'decimal' | 'text' | 'note'

/** choices lists an item's options; a true_false item has the implicit yes/no pair. */
export function choices(item: Item, yes: string, no: string): Option[] {
  if (item.type === 'true_false' && (!item.options || item.options.length === 0)) {
    return [
      { value: 'true', label: yes },
      { value: 'false', label: no },
    ]
  }
  return item.options ?? []
}

/** kindOf maps the item types the server uses to the input the phone shows. */
export function kindOf(type: string): Kind {
  switch (type) {
    case 'select_one':
    case 'single':
    case 'single_choice':
    case 'likert':
    case 'true_false':
    case 'boolean':
    case 'quiz':
      return 'single'
    case 'select_multiple':
    case 'multiple':
    case 'multiple_choice':
      return 'multiple'
    case 'integer':
    case 'int':
      return 'integer'
    case 'decimal':
    case 'number':
      return 'decimal'
    case 'note':
      return 'note'
    default:
      return 'text'
  }
}

/** asString renders an answer the way expressions read it: a multiple choice is its values separated by spaces. */
export function asString(a: Answer): string {
  if (a === null || a === undefined) return ''
  if (Array.isArray(a)) return a.join(' ')
  if (typeof a === 'boolean') return a ? 'true' : 'false'
  return String(a)
}

export function isEmpty(a: Answer): boolean {
  return asString(a).trim() === ''
}

/** Compiled is a questionnaire with its expressions parsed once. */
export interface Compiled {
  items: Item[]
  relevant: Map<string, Expr | null>
  constraint: Map<string, Expr | null>
}

/** compile parses every expression; a broken one throws ExprError naming the item. */
export function compile(items: Item[]): Compiled {
  const relevant = new Map<string, Expr | null>()
  const constraint = new Map<string, Expr | null>()
  for (const it of items) {
    try {
      relevant.set(it.id, parseExpr(it.relevant))
      constraint.set(it.id, parseExpr(it.constraint))
    } catch (e) {
      throw new Error(`${it.id}: ${(e as Error).message}`)
    }
  }
  return { items, relevant, constraint }
}

/**
 * relevantIds walks the items in order: an item is shown when its
 * `relevant` expression is true, reading only answers of items that are
 * themselves relevant (a hidden item's stale answer counts as unanswered).
 */
export function relevantIds(q: Compiled, answers: Answers): Set<string> {
  const shown = new Set<string>()
  const lookup = (id: string) => (shown.has(id) ? asString(answers[id]) : '')
  for (const it of q.items) {
    const expr = q.relevant.get(it.id) ?? null
    if (expr === null || expr.eval({ lookup })) shown.add(it.id)
  }
  return shown
}

export type Problem =
  | { key: 'required' }
  | { key: 'integer' }
  | { key: 'number' }
  | { key: 'option' }
  | { key: 'constraint'; message?: string; message_en?: string }

/** check validates one answer in the context of all answers; null when fine. */
export function check(q: Compiled, item: Item, answers: Answers, shown = relevantIds(q, answers)): Problem | null {
  if (!shown.has(item.id)) return null
  const kind = kindOf(item.type)
  if (kind === 'note') return null
  const a = answers[item.id]
  if (isEmpty(a)) return item.required ? { key: 'required' } : null
  const s = asString(a).trim()
  let self = s
  if (kind === 'integer') {
    // The server accepts any integral number and normalises it ("+07" is "7").
    const n = Number(s)
    if (!/^[+-]?\d+(\.0*)?$/.test(s) || !Number.isInteger(n) || Math.abs(n) > 1e9) return { key: 'integer' }
    self = String(n)
  }
  if (item.type === 'true_false' && s !== 'true' && s !== 'false') return { key: 'option' }
  if (kind === 'decimal' && !/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(s)) return { key: 'number' }
  if ((kind === 'single' || kind === 'multiple') && item.options && item.options.length > 0) {
    const values = new Set(item.options.map((o) => o.value))
    const picked = kind === 'single' ? [s] : s.split(/\s+/)
    if (!picked.every((v) => values.has(v))) return { key: 'option' }
  }
  const expr = q.constraint.get(item.id) ?? null
  if (expr !== null) {
    const lookup = (id: string) => (shown.has(id) ? asString(answers[id]) : '')
    if (!expr.eval({ self, lookup })) {
      return { key: 'constraint', message: item.constraint_message, message_en: item.constraint_message_en }
    }
  }
  return null
}

/** problems checks every relevant item. */
export function problems(q: Compiled, answers: Answers): Map<string, Problem> {
  const shown = relevantIds(q, answers)
  const out = new Map<string, Problem>()
  for (const it of q.items) {
    const p = check(q, it, answers, shown)
    if (p) out.set(it.id, p)
  }
  return out
}

/** nextIndex is the next relevant item after index i, or items.length at the end. */
export function nextIndex(q: Compiled, answers: Answers, i: number): number {
  const shown = relevantIds(q, answers)
  for (let j = i + 1; j < q.items.length; j++) if (shown.has(q.items[j].id)) return j
  return q.items.length
}

/** prevIndex is the previous relevant item before index i, or -1. */
export function prevIndex(q: Compiled, answers: Answers, i: number): number {
  const shown = relevantIds(q, answers)
  for (let j = Math.min(i, q.items.length) - 1; j >= 0; j--) if (shown.has(q.items[j].id)) return j
  return -1
}

/** firstIndex is the first relevant item. */
export function firstIndex(q: Compiled, answers: Answers): number {
  return nextIndex(q, answers, -1)
}

/** finalAnswers keeps the answers of relevant, answered items, as the server expects them. */
export function finalAnswers(q: Compiled, answers: Answers): Record<string, string | string[] | number> {
  const shown = relevantIds(q, answers)
  const out: Record<string, string | string[] | number> = {}
  for (const it of q.items) {
    if (!shown.has(it.id) || kindOf(it.type) === 'note') continue
    const a = answers[it.id]
    if (isEmpty(a)) continue
    if (Array.isArray(a)) out[it.id] = [...a]
    else if (kindOf(it.type) === 'integer') out[it.id] = String(Number(asString(a).trim()))
    else if (kindOf(it.type) === 'decimal') out[it.id] = Number(asString(a))
    else out[it.id] = asString(a)
  }
  return out
}

/** progress is (answered relevant items, relevant items) for the progress bar. */
export function progress(q: Compiled, answers: Answers): { done: number; total: number } {
  const shown = relevantIds(q, answers)
  let done = 0
  let total = 0
  for (const it of q.items) {
    if (!shown.has(it.id) || kindOf(it.type) === 'note') continue
    total++
    if (!isEmpty(answers[it.id])) done++
  }
  return { done, total }
}

/**
 * expectedTotal is how many questions the interview will have, seen from
 * the question at index `at`: the shown ones so far, and after it every
 * question that is shown or could still be (its condition reads an answer
 * not given yet). So the count only falls as skip logic rules questions
 * out; it never jumps up mid-interview the way the relevant count does.
 */
export function expectedTotal(q: Compiled, answers: Answers, at: number): number {
  const shown = relevantIds(q, answers)
  const pos = new Map(q.items.map((it, i) => [it.id, i]))
  let n = 0
  q.items.forEach((it, i) => {
    if (kindOf(it.type) === 'note') return
    if (shown.has(it.id)) n++
    else if (i > at && it.relevant) {
      const refs = [...it.relevant.matchAll(/\$\{([^}]+)\}/g)].map((m) => m[1].trim())
      if (refs.some((r) => (pos.get(r) ?? -1) >= at)) n++
    }
  })
  return n
}
