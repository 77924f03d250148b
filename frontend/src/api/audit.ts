// Audit log of staff and administrator actions (issue 15):
// portal/audit_http.go. Read only: the API has no way to change an entry.
import { api } from './client'

export type AuditOutcome = 'ok' | 'refused' | 'rejected' | 'failed'

export interface AuditEntry {
  id: string
  at: string
  user_id: string
  username: string
  role: string
  scope?: string
  /** action is the route as registered, "POST /api/v1/users/:id". */
  action: string
  target?: Record<string, string>
  details?: Record<string, string>
  status: number
  outcome: AuditOutcome
  error_code?: string
  client_ip: string
  request_id?: string
}

export interface AuditPage {
  items: AuditEntry[]
  next?: string
}

export interface AuditQuery {
  username?: string
  action?: string
  outcome?: string
  target?: string
  from?: string
  to?: string
  before?: string
  limit?: number
}

export function listAudit(q: AuditQuery): Promise<AuditPage> {
  return api<AuditPage>('/audit', { query: { ...q } })
}
