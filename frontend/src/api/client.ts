// API client for the portal's JSON API. Every failure becomes an ApiError
// carrying the portal's {"error":{code,message,fields,details}} shape, so
// views can show the message and per-field messages next to their inputs.

export interface ErrorShape {
  code: string
  message: string
  fields?: Record<string, string>
  details?: Record<string, unknown>
  request_id?: string
}

export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly fields: Record<string, string>
  readonly details: Record<string, unknown>
  readonly requestId?: string

  constructor(status: number, e: ErrorShape) {
    super(e.message)
    this.name = 'ApiError'
    this.status = status
    this.code = e.code
    this.fields = e.fields ?? {}
    this.details = e.details ?? {}
    this.requestId = e.request_id
  }

  /** offline reports whether the request never reached the server. */
  get offline(): boolean {
    return this.code === 'network'
  }
}

/** parseError turns any response body into an ApiError. */
export function parseError(status: number, body: unknown, fallback: string): ApiError {
  if (body && typeof body === 'object' && 'error' in body) {
    const e = (body as { error: unknown }).error
    if (e && typeof e === 'object' && typeof (e as ErrorShape).message === 'string') {
      const shape = e as ErrorShape
      const fields: Record<string, string> = {}
      if (shape.fields && typeof shape.fields === 'object') {
        for (const [k, v] of Object.entries(shape.fields)) {
          if (typeof v === 'string') fields[k] = v
        }
      }
      return new ApiError(status, {
        code: typeof shape.code === 'string' ? shape.code : 'internal',
        message: shape.message,
        fields,
        details: shape.details,
        request_id: shape.request_id,
      })
    }
  }
  return new ApiError(status, { code: status >= 500 ? 'internal' : 'invalid', message: fallback })
}

export interface TokenSource {
  /** accessToken returns the current access token or null when signed out. */
  accessToken(): string | null
  /** refresh tries to get a new access token; false when it cannot. */
  refresh(): Promise<boolean>
}

export interface RequestOptions {
  method?: string
  body?: unknown
  form?: FormData
  query?: Record<string, string | number | boolean | undefined | null>
  signal?: AbortSignal
  /** onUploadProgress reports 0..1 for multipart uploads (uses XHR). */
  onUploadProgress?: (fraction: number) => void
  /** auth: false sends no token even when signed in. */
  auth?: boolean
}

let tokens: TokenSource | null = null
let language = 'zh'
let networkMessage = '网络不可用，请稍后重试'

/** configureClient wires the token source and UI language into the client. */
export function configureClient(opts: { tokens?: TokenSource; language?: string; networkMessage?: string }) {
  if (opts.tokens) tokens = opts.tokens
  if (opts.language) language = opts.language
  if (opts.networkMessage) networkMessage = opts.networkMessage
}

export const API_BASE = '/api/v1'

export function buildURL(path: string, query?: RequestOptions['query']): string {
  const url = path.startsWith('/api/') || path.startsWith('http') ? path : API_BASE + path
  if (!query) return url
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue
    params.set(k, String(v))
  }
  const qs = params.toString()
  return qs ? `${url}${url.includes('?') ? '&' : '?'}${qs}` : url
}

interface RawResponse {
  status: number
  body: unknown
  text: string
  contentType: string
}

function headersFor(opts: RequestOptions): Record<string, string> {
  const h: Record<string, string> = { Accept: 'application/json', 'Accept-Language': language === 'en' ? 'en' : 'zh-CN' }
  if (opts.body !== undefined) h['Content-Type'] = 'application/json'
  const tok = opts.auth === false ? null : tokens?.accessToken()
  if (tok) h.Authorization = `Bearer ${tok}`
  return h
}

async function sendFetch(path: string, opts: RequestOptions): Promise<RawResponse> {
  let res: Response
  try {
    res = await fetch(buildURL(path, opts.query), {
      method: opts.method ?? (opts.body !== undefined || opts.form ? 'POST' : 'GET'),
      headers: headersFor(opts),
      body: opts.form ?? (opts.body !== undefined ? JSON.stringify(opts.body) : undefined),
      signal: opts.signal,
      credentials: 'same-origin',
    })
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e
    throw new ApiError(0, { code: 'network', message: networkMessage })
  }
  const contentType = res.headers.get('Content-Type') ?? ''
  const text = await res.text()
  let body: unknown = null
  if (contentType.includes('json') && text) {
    try {
      body = JSON.parse(text)
    } catch {
      body = null
    }
  }
  return { status: res.status, body, text, contentType }
}

function sendXHR(path: string, opts: RequestOptions): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open(opts.method ?? 'POST', buildURL(path, opts.query))
    for (const [k, v] of Object.entries(headersFor(opts))) xhr.setRequestHeader(k, v)
    xhr.upload.onprogress = (ev) => {
      if (ev.lengthComputable && opts.onUploadProgress) opts.onUploadProgress(ev.loaded / ev.total)
    }
    xhr.onload = () => {
      const contentType = xhr.getResponseHeader('Content-Type') ?? ''
      let body: unknown = null
      if (contentType.includes('json') && xhr.responseText) {
        try {
          body = JSON.parse(xhr.responseText)
        } catch {
          body = null
        }
      }
      opts.onUploadProgress?.(1)
      resolve({ status: xhr.status, body, text: xhr.responseText, contentType })
    }
    xhr.onerror = () => reject(new ApiError(0, { code: 'network', message: networkMessage }))
    opts.signal?.addEventListener('abort', () => xhr.abort())
    xhr.send(opts.form ?? null)
  })
}

async function raw(path: string, opts: RequestOptions): Promise<RawResponse> {
  const send = opts.onUploadProgress && opts.form ? sendXHR : sendFetch
  let res = await send(path, opts)
  if (res.status === 401 && opts.auth !== false && tokens?.accessToken()) {
    // The access token expired: rotate once and retry.
    if (await tokens.refresh()) res = await send(path, opts)
  }
  return res
}

/** api sends a request and returns the decoded JSON body, or throws ApiError. */
export async function api<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const res = await raw(path, opts)
  if (res.status >= 200 && res.status < 300) return res.body as T
  throw parseError(res.status, res.body, res.text && !res.contentType.includes('json') ? `HTTP ${res.status}` : `HTTP ${res.status}`)
}

/** apiText fetches a non-JSON resource (CSV) with the same auth and errors. */
export async function apiText(path: string, opts: RequestOptions = {}): Promise<string> {
  const res = await raw(path, opts)
  if (res.status >= 200 && res.status < 300) return res.text
  throw parseError(res.status, res.body, `HTTP ${res.status}`)
}

/** toApiError turns anything thrown into an ApiError for display. */
export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e
  return new ApiError(0, { code: 'internal', message: e instanceof Error ? e.message : String(e) })
}
