// Excel-friendly copies of the portal's CSV exports (issue 17): Excel on
// Chinese Windows reads a CSV without a byte order mark as GBK and garbles
// it, and officials read column names and values, not codes. The analysis
// CSVs stay exactly as the server sends them (`portal stats estimate` reads
// those); these copies add a UTF-8 BOM, Chinese (or English) headers, and
// names in place of codes, and use CRLF line ends as Excel writes them.

/** parseCsv reads RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0
  for (; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"'
          i++
        } else quoted = false
      } else field += c
      continue
    }
    if (c === '"') quoted = true
    else if (c === ',') {
      row.push(field)
      field = ''
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++
      row.push(field)
      rows.push(row)
      row = []
      field = ''
    } else field += c
  }
  if (field !== '' || row.length) {
    row.push(field)
    rows.push(row)
  }
  return rows
}

const quote = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)

/** Column says how one analysis column reads in the Excel copy. */
export interface Column {
  header: string
  /** value turns a code into what the reader should see (default: as is). */
  value?: (v: string) => string
}

/**
 * toExcelCsv rewrites an analysis CSV for Excel: BOM, the columns' headers
 * and values; columns without a spec keep their name and values.
 */
export function toExcelCsv(csv: string, columns: Record<string, Column>): string {
  const rows = parseCsv(csv)
  if (!rows.length) return '\ufeff'
  const head = rows[0]
  const spec = head.map((h) => columns[h])
  const out = [head.map((h, i) => quote(spec[i]?.header ?? h)).join(',')]
  for (const r of rows.slice(1)) {
    out.push(r.map((v, i) => quote(spec[i]?.value && v !== '' ? spec[i]!.value!(v) : v)).join(','))
  }
  return '\ufeff' + out.join('\r\n') + '\r\n'
}

/** lookup turns a code into a name from a map, keeping unknown codes. */
export const lookup =
  (names: Map<string, string>) =>
  (v: string): string =>
    names.get(v) ?? v

type T = (key: string) => string

/** responseColumns: the survey export (survey.CSVHeader) for Excel; area maps area ids to names. */
export function responseColumns(t: T, area: (id: string) => string): Record<string, Column> {
  const yesNo = (v: string) => (v === '1' ? t('common.yes') : v === '0' ? t('common.no') : v)
  const cols: Record<string, Column> = {}
  for (const k of ['stratum', 'psu', 'district', 'street', 'district_res']) cols[k] = { header: t(`excel.response.${k}`), value: area }
  for (const k of ['weight', 'correct', 'answered', 'age_group', 'years_resident', 'communities_in_stratum', 'residents_in_unit', 'accepted_in_unit', 'response_id'])
    cols[k] = { header: t(`excel.response.${k}`) }
  cols.satisfied = { header: t('excel.response.satisfied'), value: yesNo }
  cols.aware = { header: t('excel.response.aware'), value: yesNo }
  cols.sex = { header: t('excel.response.sex'), value: (v) => (v === 'M' || v === 'F' ? t(`excel.sex.${v}`) : v) }
  cols.age_sex = { header: t('excel.response.age_sex'), value: (v) => v.replace(/\|([MF])$/, (_m, s: string) => ' ' + t(`excel.sex.${s}`)) }
  return cols
}

/** caseColumns: the case export (portal complaints csvHeader) for Excel. */
export function caseColumns(t: T, names: { area: (id: string) => string; category: (code: string) => string; department: (id: string) => string }): Record<string, Column> {
  const yesNo = (v: string) => (v === 'true' ? t('common.yes') : v === 'false' ? t('common.no') : v)
  const cols: Record<string, Column> = {}
  const keys = ['id', 'filed_at', 'due_at', 'accepted_at', 'resolved_at', 'closed_at', 'notice_level', 'supporters', 'rating', 'reopens', 'merged_into', 'address', 'description']
  for (const k of keys) cols[k] = { header: t(`excel.case.${k}`) }
  for (const k of ['district', 'street', 'community']) cols[k] = { header: t(`excel.case.${k}`), value: names.area }
  cols.category = { header: t('excel.case.category'), value: names.category }
  cols.department = { header: t('excel.case.department'), value: names.department }
  cols.status = { header: t('excel.case.status'), value: (v) => t(`status.${v}`) }
  cols.overdue = { header: t('excel.case.overdue'), value: yesNo }
  cols.published = { header: t('excel.case.published'), value: yesNo }
  return cols
}
