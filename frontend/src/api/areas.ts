// City areas and portal configuration, fetched once per page load.
import { api } from './client'

export interface PortalConfig {
  city_id: string
  tile_url: string
  tile_attribution?: string
}

export interface AreaProps {
  id: string
  level: 'district' | 'street' | 'community' | 'grid'
  name: string
  name_en: string
  parent_id?: string
  district_id?: string
  street_id?: string
  community_id?: string
  lead_department?: string
  residents?: number
}

export interface AreaFeature {
  type: 'Feature'
  id: string
  properties: AreaProps
  geometry: GeoJSON.Geometry | null
}

export interface Department {
  id: string
  name: string
  name_en: string
  type: string
  street_id?: string
}

export interface Location {
  grid?: { id: string; name: string; name_en?: string }
  community?: { id: string; name: string; name_en?: string }
  street?: { id: string; name: string; name_en?: string }
  district?: { id: string; name: string; name_en?: string }
  department?: { id: string; name: string; name_en?: string }
  [k: string]: unknown
}

let config: Promise<PortalConfig> | null = null
const byLevel = new Map<string, Promise<AreaFeature[]>>()
let depts: Promise<Department[]> | null = null

export function getConfig(): Promise<PortalConfig> {
  if (!config) {
    config = api<PortalConfig>('/config').catch((e) => {
      config = null
      throw e
    })
  }
  return config
}

/** getAreas returns the areas of one level (with shapes unless geometry is false). */
export function getAreas(level: AreaProps['level'], geometry = true): Promise<AreaFeature[]> {
  const key = `${level}:${geometry}`
  let p = byLevel.get(key)
  if (!p) {
    p = api<{ features: AreaFeature[] }>('/areas', { query: { level, geometry: geometry ? undefined : 'false' } }).then((fc) => fc.features ?? [])
    p.catch(() => byLevel.delete(key))
    byLevel.set(key, p)
  }
  return p
}

export function getDepartments(): Promise<Department[]> {
  if (!depts) {
    depts = api<{ departments: Department[] }>('/departments').then((r) => r.departments ?? [])
    depts.catch(() => (depts = null))
  }
  return depts
}

export function locate(lat: number, lon: number): Promise<Location> {
  return api<Location>('/areas/locate', { query: { lat: lat.toFixed(6), lon: lon.toFixed(6) } })
}
