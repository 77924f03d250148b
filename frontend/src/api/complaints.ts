// Complaints API (issue 5). Shapes follow portal/complaints_http.go.
import { api, apiText, type RequestOptions } from './client'

export interface Category {
  code: string
  name: string
  name_en: string
  description?: string
  description_en?: string
  group?: string
  service_hours?: number
  attributes?: { code: string; name: string; name_en?: string; datatype: string; required?: boolean; values?: { key: string; name: string; name_en?: string }[] }[]
}

export interface Ref {
  id: string
  name?: string
  name_en?: string
}

export interface Candidate {
  id: string
  tracking_code?: string
  category?: string
  status?: string
  description?: string
  // within_m bands the distance (50, 100, 200 or 300 m), judged from the
  // case's public, rounded position; absent when matched by community.
  within_m?: number
  filed_at?: string
  supporters?: number
}

export interface Filed {
  id: string
  tracking_code: string
  status: string
  department?: string | Ref
  due_at?: string
  possible_duplicates?: Candidate[]
  follow_up_secret?: string
  // "sent": a code went to the contact given; "limited": that contact got
  // one today already (it is not used until confirmed).
  contact_confirmation?: string
}

export interface Event {
  id?: string
  seq?: number
  at: string
  action: string
  from?: string
  to?: string
  note?: string
  role?: string
  actor?: string
  actor_name?: string
}

export interface PhotoRef {
  id?: string
  url?: string
  thumb_url?: string
  kind?: string
}

export interface CategoryRef {
  code: string
  name: string
  name_en: string
}

export interface Complaint {
  id: string
  tracking_code?: string
  category: string | CategoryRef
  description?: string
  status: string
  address?: string
  lat?: number
  lon?: number
  point?: { lat: number; lon: number }
  place?: Record<string, string | undefined>
  area?: Record<string, string | Ref | undefined>
  department?: string | Ref
  filed_at?: string
  due_at?: string
  resolved_at?: string
  closed_at?: string
  overdue?: boolean
  /** On the public overdue list: the supervision deadline missed, and whole days since (server clock). */
  missed_due_at?: string
  days_overdue?: number
  /** On the public overdue list: the reporter reopened it; due_at is its new deadline. */
  reopened?: boolean
  notice_level?: number
  published?: boolean
  supporters?: number
  version?: number
  events?: Event[]
  history?: Event[]
  photos?: PhotoRef[]
  contact?: { name?: string; phone?: string; email?: string }
  feedback?: { confirmed: boolean; rating: number; comment?: string; at?: string }[]
  merged_into?: string
  location?: { lat: number; lon: number }
  updated_at?: string
  district_id?: string
  street_id?: string
  community_id?: string
  resolution_note?: string
  reject_reason?: string
  rating?: number
  allowed_actions?: string[]
  /** publication: approved, pending, withheld or private (public views). */
  publication?: string
  notices?: { level: number; number: string; issued_at: string; department: string; due_at: string; penalty_weight?: number }[]
}

export interface ListPage {
  items: Complaint[]
  next?: string
  total?: number
}

let categories: Promise<Category[]> | null = null
export function getCategories(): Promise<Category[]> {
  if (!categories) {
    categories = api<{ categories: Category[] } | Category[]>('/categories').then((r) => (Array.isArray(r) ? r : (r.categories ?? [])))
    categories.catch(() => (categories = null))
  }
  return categories
}

export interface FileInput {
  category: string
  description: string
  lat?: number
  lon?: number
  community_id?: string
  address?: string
  contact?: { name?: string; phone?: string }
  attributes?: Record<string, string>
  /** private keeps the description and address off every public page. */
  private?: boolean
}

/** fileComplaint sends JSON, or multipart when there are photos (with upload progress). */
export function fileComplaint(input: FileInput, photos: Blob[], onProgress?: (f: number) => void): Promise<Filed> {
  if (photos.length === 0) return api<Filed>('/complaints', { body: input })
  const form = new FormData()
  form.set('category', input.category)
  form.set('description', input.description)
  if (input.lat !== undefined && input.lon !== undefined) {
    form.set('lat', String(input.lat))
    form.set('lon', String(input.lon))
  }
  if (input.community_id) form.set('community_id', input.community_id)
  if (input.address) form.set('address', input.address)
  if (input.contact?.name) form.set('contact_name', input.contact.name)
  if (input.contact?.phone) form.set('contact_phone', input.contact.phone)
  for (const [k, v] of Object.entries(input.attributes ?? {})) form.set(`attribute[${k}]`, v)
  if (input.private) form.set('private', 'true')
  photos.forEach((p, i) => form.append('photos', p, `photo-${i + 1}.jpg`))
  return api<Filed>('/complaints', { form, onUploadProgress: onProgress, method: 'POST' })
}

export function duplicates(category: string, lat?: number, lon?: number, community?: string): Promise<Candidate[]> {
  return api<{ candidates?: Candidate[]; possible_duplicates?: Candidate[] } | Candidate[]>('/complaints/duplicates', {
    query: { category, lat: lat?.toFixed(6), lon: lon?.toFixed(6), community_id: community },
  }).then((r) => (Array.isArray(r) ? r : (r.candidates ?? r.possible_duplicates ?? [])))
}

export function joinCase(id: string): Promise<unknown> {
  return api(`/complaints/${encodeURIComponent(id)}/join`, { method: 'POST', body: {} })
}

export function track(code: string): Promise<Complaint> {
  return api<Complaint>(`/track/${encodeURIComponent(code)}`)
}

export function sendFeedback(code: string, body: { secret?: string; confirm: boolean; rating: number; comment?: string }): Promise<Complaint> {
  return api<Complaint>(`/track/${encodeURIComponent(code)}/feedback`, { body })
}

export function confirmContact(code: string, body: { secret?: string; code: string }): Promise<{ id: string; contact_confirmed: boolean }> {
  return api(`/track/${encodeURIComponent(code)}/contact/confirm`, { body })
}

export function publicCases(query: RequestOptions['query'] = {}): Promise<Complaint[]> {
  return api<{ items?: Complaint[]; complaints?: Complaint[] } | Complaint[]>('/complaints/public', { query }).then((r) =>
    Array.isArray(r) ? r : (r.items ?? r.complaints ?? []),
  )
}

export function overdueList(): Promise<Complaint[]> {
  return api<{ items?: Complaint[]; complaints?: Complaint[] } | Complaint[]>('/complaints/overdue').then((r) => (Array.isArray(r) ? r : (r.items ?? r.complaints ?? [])))
}

export function listCases(query: RequestOptions['query']): Promise<ListPage> {
  return api<ListPage & { complaints?: Complaint[]; next_cursor?: string }>('/complaints', { query }).then((r) => ({
    items: r.items ?? r.complaints ?? [],
    next: r.next ?? r.next_cursor,
    total: r.total,
  }))
}

/** countCases answers how many cases the list's filters match (GET /complaints/count). */
export function countCases(query: RequestOptions['query']): Promise<number> {
  return api<{ total: number }>('/complaints/count', { query }).then((r) => r.total)
}

export function exportCases(query: RequestOptions['query']): Promise<string> {
  return apiText('/complaints/export.csv', { query })
}

export function getCase(id: string): Promise<Complaint> {
  return api<Complaint>(`/complaints/${encodeURIComponent(id)}`)
}

export interface ActionInput {
  action: string
  version?: number
  note?: string
  department?: string
  into?: string
}

export function act(id: string, input: ActionInput, photo?: Blob, onProgress?: (f: number) => void): Promise<Complaint> {
  if (!photo) return api<Complaint>(`/complaints/${encodeURIComponent(id)}/actions`, { body: input })
  const form = new FormData()
  for (const [k, v] of Object.entries(input)) if (v !== undefined && v !== '') form.set(k, String(v))
  form.append('photos', photo, 'after.jpg')
  return api<Complaint>(`/complaints/${encodeURIComponent(id)}/actions`, { form, method: 'POST', onUploadProgress: onProgress })
}

/** photoURL resolves a photo reference to a URL the page can show. */
export function photoURL(p: PhotoRef, thumb = false): string {
  if (thumb && p.thumb_url) return p.thumb_url
  if (p.url) return p.url
  return `/api/v1/photos/${encodeURIComponent(p.id ?? '')}`
}

/** refName names a reference (department, area) in the UI language, falling back to a lookup table by id. */
export function refName(r: string | Ref | undefined | null, pick: (zh?: string, en?: string) => string, table: { id: string; name: string; name_en?: string }[] = []): string {
  if (!r) return ''
  if (typeof r === 'object') return pick(r.name, r.name_en) || r.id
  const found = table.find((x) => x.id === r)
  return found ? pick(found.name, found.name_en) : r
}

/** categoryName names a complaint's category (object or code). */
export function categoryName(c: string | CategoryRef | undefined, pick: (zh?: string, en?: string) => string, cats: Category[] = []): string {
  if (!c) return ''
  if (typeof c === 'object') return pick(c.name, c.name_en) || c.code
  const found = cats.find((x) => x.code === c)
  return found ? pick(found.name, found.name_en) : c
}

export function categoryCode(c: string | CategoryRef | undefined): string {
  return !c ? '' : typeof c === 'object' ? c.code : c
}
