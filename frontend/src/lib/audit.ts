// Plain-language names of the audited routes, for the audit page.

/** auditActions maps a recorded route to its message key under audit.actions. */
export const auditActions: Record<string, string> = {
  'POST /api/v1/auth/login': 'login',
  'POST /api/v1/auth/logout': 'logout',
  'PATCH /api/v1/me': 'profile',
  'POST /api/v1/users': 'userCreate',
  'PATCH /api/v1/users/:id': 'userUpdate',
  'POST /api/v1/complaints': 'caseFile',
  'POST /api/v1/complaints/:id/actions': 'caseAction',
  'POST /api/v1/complaints/:id/join': 'caseJoin',
  'PUT /api/v1/categories/:code': 'category',
  'POST /api/v1/apikeys': 'keyCreate',
  'DELETE /api/v1/apikeys/:id': 'keyRevoke',
  'POST /api/v1/questionnaires': 'questionnaire',
  'POST /api/v1/rounds': 'roundCreate',
  'PUT /api/v1/rounds/:id/plan': 'roundPlan',
  'POST /api/v1/rounds/:id/open': 'roundOpen',
  'POST /api/v1/rounds/:id/close': 'roundClose',
  'PUT /api/v1/rounds/:id/census': 'roundCensus',
  'POST /api/v1/rounds/:id/assignments': 'assign',
  'DELETE /api/v1/rounds/:id/assignments/:unit/:volunteer': 'unassign',
  'POST /api/v1/rounds/:id/responses': 'responses',
  'POST /api/v1/rounds/:id/responses/:rid/review': 'review',
  'POST /api/v1/rounds/:id/reviews': 'bulkReview',
  // Reads of personal data
  'GET /api/v1/complaints/:id': 'caseView',
  'GET /api/v1/complaints/export.csv': 'caseExport',
  'GET /api/v1/users': 'userList',
  'GET /api/v1/users/:id': 'userView',
  'GET /api/v1/rounds/:id/responses': 'responseList',
  'GET /api/v1/rounds/:id/responses/:rid': 'responseView',
  'GET /api/v1/rounds/:id/responses.csv': 'responseExport',
}

/** actionKey is the message key of a recorded route, or null for one without a name. */
export function actionKey(action: string): string | null {
  return auditActions[action] ?? null
}

/** detailText renders recorded fields as "key: value" pairs, sorted, for one table cell. */
export function detailText(details: Record<string, string> | undefined, skip: string[] = []): string {
  if (!details) return ''
  return Object.keys(details)
    .filter((k) => !skip.includes(k))
    .sort()
    .map((k) => `${k}: ${details[k]}`)
    .join('; ')
}

/** targetText renders a route's parameters ("C-2026-000123", "round r1 · unit U3"). */
export function targetText(target: Record<string, string> | undefined): string {
  if (!target) return ''
  const keys = Object.keys(target)
  if (keys.length === 1) return target[keys[0]]
  return keys.map((k) => `${k} ${target[k]}`).join(' · ')
}
