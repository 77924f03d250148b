// Session: the signed-in user and their tokens. The refresh token is kept
// in localStorage so a volunteer whose browser was closed offline can still
// sync the queue later; the access token is short-lived.
import { reactive, computed } from 'vue'
import { api, configureClient } from './client'

export type Role = 'resident' | 'volunteer' | 'department' | 'official' | 'admin'

export interface User {
  id: string
  username: string
  display_name?: string
  role: Role
  scope?: string
}

export interface TokenResponse {
  access_token: string
  refresh_token: string
  token_type?: string
  expires_in?: number
  user?: User
}

interface Stored {
  user: User | null
  access: string | null
  refresh: string | null
}

const KEY = 'cleancity.session'

function load(): Stored {
  try {
    const s = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Stored | null
    if (s && typeof s === 'object') return { user: s.user ?? null, access: s.access ?? null, refresh: s.refresh ?? null }
  } catch {
    /* a damaged entry is the same as none */
  }
  return { user: null, access: null, refresh: null }
}

export const session = reactive<Stored>(load())

function save() {
  localStorage.setItem(KEY, JSON.stringify({ user: session.user, access: session.access, refresh: session.refresh }))
}

export const signedIn = computed(() => session.user !== null && (session.access !== null || session.refresh !== null))

export function hasRole(...roles: Role[]): boolean {
  return session.user !== null && roles.includes(session.user.role)
}

/** homeFor is the landing page of a role. */
export function homeFor(role: Role | undefined): string {
  switch (role) {
    case 'volunteer':
      return '/volunteer'
    case 'department':
      return '/staff/cases'
    case 'official':
    case 'admin':
      return '/staff/dashboard'
    default:
      return '/'
  }
}

function applyTokens(t: TokenResponse) {
  session.access = t.access_token
  session.refresh = t.refresh_token ?? session.refresh
  if (t.user) session.user = t.user
  save()
}

let refreshing: Promise<boolean> | null = null

async function refresh(): Promise<boolean> {
  if (!session.refresh) return false
  if (!refreshing) {
    refreshing = (async () => {
      try {
        const t = await api<TokenResponse>('/auth/refresh', { body: { refresh_token: session.refresh }, auth: false })
        applyTokens(t)
        return true
      } catch (e) {
        // Only a definite answer signs the user out; offline keeps the session.
        if ((e as { status?: number }).status === 401 || (e as { status?: number }).status === 400) clear()
        return false
      } finally {
        refreshing = null
      }
    })()
  }
  return refreshing
}

export function clear() {
  session.user = null
  session.access = null
  session.refresh = null
  save()
}

configureClient({ tokens: { accessToken: () => session.access, refresh } })

export async function login(username: string, password: string): Promise<User | null> {
  const t = await api<TokenResponse>('/auth/login', { body: { username, password }, auth: false })
  applyTokens(t)
  if (!session.user) await loadMe()
  return session.user
}

export interface RegisterInput {
  username: string
  password: string
  display_name: string
  phone?: string
  email?: string
}

export async function register(input: RegisterInput): Promise<User | null> {
  const body: Record<string, string> = { username: input.username, password: input.password, display_name: input.display_name }
  if (input.phone) body.phone = input.phone
  if (input.email) body.email = input.email
  const res = await api<Partial<TokenResponse> & { user?: User }>('/auth/register', { body, auth: false })
  if (res && res.access_token) {
    applyTokens(res as TokenResponse)
    return session.user
  }
  return login(input.username, input.password)
}

export async function loadMe(): Promise<User | null> {
  const me = await api<User | { user: User }>('/me')
  session.user = 'user' in me && me.user ? me.user : (me as User)
  save()
  return session.user
}

export async function logout() {
  const rt = session.refresh
  clear()
  if (rt) {
    try {
      await api('/auth/logout', { body: { refresh_token: rt }, auth: false })
    } catch {
      /* signing out locally is what matters */
    }
  }
}

/** ensureFreshToken refreshes ahead of a background sync when the access token is missing. */
export async function ensureFreshToken(): Promise<boolean> {
  if (session.access) return true
  return refresh()
}

export const sessionRefresh = refresh
