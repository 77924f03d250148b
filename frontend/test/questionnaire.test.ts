import { describe, expect, it } from 'vitest'
import { compile, relevantIds, check, problems, nextIndex, prevIndex, firstIndex, finalAnswers, progress, expectedTotal, type Item, type Answers } from '../src/lib/questionnaire'

const items: Item[] = [
  { id: 'intro', type: 'note', label: '您好' },
  { id: 'age', type: 'select_one', label: '年龄', required: true, options: [{ value: '15-17', label: '15-17' }, { value: '18-59', label: '18-59' }, { value: '60+', label: '60+' }] },
  { id: 'years', type: 'integer', label: '居住年限', required: true, constraint: '. >= 0 and . <= 100', constraint_message: '请输入0到100之间的年数', constraint_message_en: 'Enter 0 to 100 years' },
  { id: 'sat', type: 'select_one', label: '满意度', required: true, options: ['1', '2', '3', '4', '5'].map((v) => ({ value: v, label: v })) },
  { id: 'why', type: 'text', label: '不满意原因', required: true, relevant: '${sat} >= 4' },
  { id: 'topics', type: 'select_multiple', label: '关注', options: [{ value: 'toilets', label: 'a' }, { value: 'markets', label: 'b' }] },
  { id: 'toilet_detail', type: 'text', label: '厕所', relevant: "selected(${topics}, 'toilets')" },
  { id: 'guardian', type: 'text', label: '监护人', required: true, relevant: "${age} = '15-17'" },
]
const q = compile(items)

describe('skip logic', () => {
  it('hides items whose relevant is false', () => {
    const shown = relevantIds(q, { sat: '2' })
    expect(shown.has('why')).toBe(false)
    expect(shown.has('guardian')).toBe(false)
    expect(shown.has('sat')).toBe(true)
  })

  it('shows items when the condition holds', () => {
    const shown = relevantIds(q, { sat: '5', topics: ['toilets'], age: '15-17' })
    expect([...shown]).toEqual(['intro', 'age', 'years', 'sat', 'why', 'topics', 'toilet_detail', 'guardian'])
  })

  it('ignores stale answers of hidden items down the chain', () => {
    const items2: Item[] = [
      { id: 'a', type: 'select_one', label: 'a', options: [{ value: 'y', label: 'y' }, { value: 'n', label: 'n' }] },
      { id: 'b', type: 'select_one', label: 'b', relevant: "${a} = 'y'", options: [{ value: 'y', label: 'y' }] },
      { id: 'c', type: 'text', label: 'c', relevant: "${b} = 'y'" },
    ]
    const q2 = compile(items2)
    expect(relevantIds(q2, { a: 'y', b: 'y' }).has('c')).toBe(true)
    expect(relevantIds(q2, { a: 'n', b: 'y' }).has('c')).toBe(false)
  })

  it('navigates relevant items only', () => {
    const a: Answers = { age: '18-59', years: '3', sat: '2' }
    expect(firstIndex(q, a)).toBe(0)
    expect(nextIndex(q, a, 3)).toBe(5) // skips "why"
    expect(nextIndex(q, a, 5)).toBe(8) // skips toilet_detail and guardian: end
    expect(prevIndex(q, a, 5)).toBe(3)
    expect(prevIndex(q, a, 0)).toBe(-1)
  })
})

describe('checks', () => {
  const cases: [string, string, Answers, string | null][] = [
    ['required missing', 'age', {}, 'required'],
    ['required given', 'age', { age: '60+' }, null],
    ['unknown option', 'age', { age: '99' }, 'option'],
    ['integer type', 'years', { years: '2.5' }, 'integer'],
    ['constraint violated', 'years', { years: '120' }, 'constraint'],
    ['constraint met', 'years', { years: '0' }, null],
    ['hidden required item is fine', 'why', { sat: '1' }, null],
    ['shown required item must be answered', 'why', { sat: '5' }, 'required'],
    ['multiple choice values checked', 'topics', { topics: ['toilets', 'nope'] }, 'option'],
    ['multiple choice ok', 'topics', { topics: ['toilets', 'markets'] }, null],
    ['optional empty is fine', 'topics', {}, null],
    ['notes never fail', 'intro', {}, null],
  ]
  for (const [name, id, answers, want] of cases) {
    it(name, () => {
      const item = items.find((i) => i.id === id)!
      const p = check(q, item, answers)
      expect(p?.key ?? null).toBe(want)
    })
  }

  it('carries the constraint message in both languages', () => {
    const p = check(q, items[2], { years: '-1' })
    expect(p).toEqual({ key: 'constraint', message: '请输入0到100之间的年数', message_en: 'Enter 0 to 100 years' })
  })

  it('lists every problem of a whole interview', () => {
    const ps = problems(q, { sat: '5' })
    expect([...ps.keys()]).toEqual(['age', 'years', 'why'])
  })
})

describe('final answers', () => {
  it('drops hidden and empty answers and types numbers', () => {
    const out = finalAnswers(q, { intro: 'x', age: '18-59', years: '12', sat: '2', why: 'stale', topics: ['markets'], toilet_detail: 'stale' })
    expect(out).toEqual({ age: '18-59', years: '12', sat: '2', topics: ['markets'] })
  })

  it('counts progress over relevant questions', () => {
    expect(progress(q, { age: '18-59', sat: '5' })).toEqual({ done: 2, total: 5 }) // age, years, sat, why, topics
  })

  it('gives a question total that never grows mid-interview', () => {
    // At "sat" unanswered, "why" (needs sat >= 4) and "toilet_detail" could still come; "guardian" cannot (age answered).
    const before = expectedTotal(q, { age: '18-59', years: '3' }, 3)
    expect(before).toBe(6) // age, years, sat, why, topics, toilet_detail
    // The relevant count alone goes from 4 to 5 when sat = 5; the expected total stays.
    expect(progress(q, { age: '18-59', years: '3' }).total).toBe(4)
    expect(progress(q, { age: '18-59', years: '3', sat: '5' }).total).toBe(5)
    expect(expectedTotal(q, { age: '18-59', years: '3', sat: '5' }, 3)).toBe(before)
    // Answers that rule questions out only lower it.
    expect(expectedTotal(q, { age: '18-59', years: '3', sat: '2' }, 4)).toBe(5)
    expect(expectedTotal(q, { age: '18-59', years: '3', sat: '2', topics: ['markets'] }, 6)).toBe(4)
  })

  it('names the item with a broken expression', () => {
    expect(() => compile([{ id: 'x', type: 'text', label: 'x', relevant: '${' }])).toThrow(/^x: /)
  })
})

describe('server item types', () => {
  // survey/questionnaire.go: select_one, true_false, integer, text; answers travel as strings.
  const q3 = compile([
    { id: 'heard', type: 'true_false', label: '听说过吗', required: true },
    { id: 'n', type: 'integer', label: '人数', constraint: '. <= 10', relevant: "${heard} = 'true'" },
  ])
  it('accepts true and false for true_false only', () => {
    expect(check(q3, q3.items[0], { heard: 'true' })).toBeNull()
    expect(check(q3, q3.items[0], { heard: 'yes' })?.key).toBe('option')
  })
  it('normalises integers before the constraint, like the server', () => {
    expect(check(q3, q3.items[1], { heard: 'true', n: '+07' })).toBeNull()
    expect(check(q3, q3.items[1], { heard: 'true', n: '10.0' })).toBeNull()
    expect(check(q3, q3.items[1], { heard: 'true', n: '11' })?.key).toBe('constraint')
    expect(check(q3, q3.items[1], { heard: 'true', n: '1.5' })?.key).toBe('integer')
    expect(finalAnswers(q3, { heard: 'true', n: '+07' })).toEqual({ heard: 'true', n: '7' })
  })
  it('never sends an answer to a skipped item (the server refuses it)', () => {
    expect(finalAnswers(q3, { heard: 'false', n: '3' })).toEqual({ heard: 'false' })
  })
})
