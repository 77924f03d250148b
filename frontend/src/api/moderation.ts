// Staff queues of the publication rule and the triage step: the texts that
// await a moderation decision, and the reports whose place the hotline
// operator must choose before they are routed.
import { api } from './client'
import type { Complaint, Ref } from './complaints'

export interface CategoryName {
  code: string
  name: string
  name_en: string
}

export interface ModerationItem {
  id: string
  version: number
  category: CategoryName
  area: { district?: Ref; street?: Ref; community?: Ref }
  status: string
  source: string
  filed_at: string
  description: string
  address?: string
  anonymous: boolean
}

export type Decision = 'approve' | 'redact' | 'withhold'

export function moderationQueue(limit = 50): Promise<ModerationItem[]> {
  return api<{ items: ModerationItem[] }>('/moderation', { query: { limit: String(limit) } }).then((r) => r.items ?? [])
}

export function moderate(id: string, body: { decision: Decision; version: number; description?: string; address?: string }): Promise<Complaint> {
  return api<Complaint>(`/complaints/${encodeURIComponent(id)}/moderation`, { method: 'POST', body })
}

export interface TriageItem {
  id: string
  category: CategoryName
  description: string
  address: string
  attributes?: Record<string, string>
  source: string
  filed_by?: string
  filed_at: string
  private: boolean
  contact?: { name?: string; phone?: string; email?: string }
  hint: { district?: Ref; street?: Ref }
}

export function triageQueue(): Promise<TriageItem[]> {
  return api<{ items: TriageItem[] }>('/triage').then((r) => r.items ?? [])
}

export function placeReport(id: string, body: { community_id?: string; lat?: number; lon?: number; address?: string }): Promise<Complaint> {
  return api<Complaint>(`/triage/${encodeURIComponent(id)}/place`, { method: 'POST', body })
}

/** looksPersonal flags text that seems to hold a phone number or a flat number, for the moderator's attention. */
export function looksPersonal(text: string): boolean {
  return /1[3-9]\d{9}|\d{3,4}-?\d{7,8}|\d+\s*(室|号房|单元|栋\d+)|(flat|room|apt\.?)\s*\d+/i.test(text)
}
