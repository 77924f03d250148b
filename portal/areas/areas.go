// Package areas holds the city's geography and departments: districts >
// streets (街道) > communities (社区, with adult resident counts, the survey
// frame) > grids (网格, each a polygon with a lead department). It imports
// GeoJSON, keeps everything in the store, and answers point-in-polygon
// look-ups in memory from a cached spatial index.
package areas

import (
	"fmt"
	"math"
)

// Level is an area's place in the hierarchy.
type Level string

// The four levels, outermost first.
const (
	District  Level = "district"
	Street    Level = "street"
	Community Level = "community"
	Grid      Level = "grid"
)

// parentLevel says which level each level's parent has.
var parentLevel = map[Level]Level{Street: District, Community: Street, Grid: Community}

// Valid reports whether l is one of the four levels.
func (l Level) Valid() bool {
	return l == District || l == Street || l == Community || l == Grid
}

// Area is one district, street, community or grid.
type Area struct {
	ID       string
	Level    Level
	Name     string // Simplified Chinese
	NameEN   string
	ParentID string
	// Ancestors, filled from the parent chain.
	DistrictID  string
	StreetID    string
	CommunityID string
	// Residents is the adult resident count (communities; summed upwards).
	Residents int
	// LeadDepartment is the department id that leads a grid.
	LeadDepartment string
	// Geometry is a MultiPolygon (a Polygon is stored as one polygon).
	Geometry MultiPolygon
}

// Department is a body that handles cases.
type Department struct {
	ID     string
	Name   string
	NameEN string
	// Type groups departments for routing (sanitation, city_management,
	// market, health, patriotic_health, housing, ecology, water, street_office).
	Type string
	// StreetID is set for a street office.
	StreetID string
}

// Department types used by the routing rules.
const (
	DeptSanitation      = "sanitation"
	DeptCityManagement  = "city_management"
	DeptMarket          = "market"
	DeptHealth          = "health"
	DeptPatrioticHealth = "patriotic_health"
	DeptHousing         = "housing"
	DeptEcology         = "ecology"
	DeptWater           = "water"
	DeptStreetOffice    = "street_office"
)

// DepartmentTypes lists the valid department types.
var DepartmentTypes = []string{DeptSanitation, DeptCityManagement, DeptMarket, DeptHealth,
	DeptPatrioticHealth, DeptHousing, DeptEcology, DeptWater, DeptStreetOffice}

// Point is a longitude/latitude pair, in GeoJSON order.
type Point [2]float64

// Ring is a closed linear ring (first point equals last).
type Ring []Point

// Polygon is an outer ring followed by holes.
type Polygon []Ring

// MultiPolygon is a set of polygons.
type MultiPolygon []Polygon

// Ref names an area or department in answers.
type Ref struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	NameEN string `json:"name_en"`
}

// Location is what a point resolves to.
type Location struct {
	Grid       Ref `json:"grid"`
	Community  Ref `json:"community"`
	Street     Ref `json:"street"`
	District   Ref `json:"district"`
	Department Ref `json:"department"`
}

// bbox is an axis-aligned bounding box.
type bbox struct{ minLon, minLat, maxLon, maxLat float64 }

func emptyBBox() bbox {
	return bbox{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
}

func (b *bbox) extend(p Point) {
	b.minLon = math.Min(b.minLon, p[0])
	b.maxLon = math.Max(b.maxLon, p[0])
	b.minLat = math.Min(b.minLat, p[1])
	b.maxLat = math.Max(b.maxLat, p[1])
}

func (b bbox) contains(lon, lat float64) bool {
	return lon >= b.minLon && lon <= b.maxLon && lat >= b.minLat && lat <= b.maxLat
}

func (m MultiPolygon) bbox() bbox {
	b := emptyBBox()
	for _, poly := range m {
		if len(poly) > 0 {
			for _, p := range poly[0] {
				b.extend(p)
			}
		}
	}
	return b
}

// Contains reports whether the point lies inside the multipolygon (even-odd
// rule over each polygon's rings, so holes are excluded).
func (m MultiPolygon) Contains(lon, lat float64) bool {
	for _, poly := range m {
		if poly.contains(lon, lat) {
			return true
		}
	}
	return false
}

func (p Polygon) contains(lon, lat float64) bool {
	if len(p) == 0 || !ringContains(p[0], lon, lat) {
		return false
	}
	for _, hole := range p[1:] {
		if ringContains(hole, lon, lat) {
			return false
		}
	}
	return true
}

// ringContains is the crossing-number test with half-open edges, so a point
// on an edge shared by two tiles belongs to exactly one of them.
func ringContains(r Ring, lon, lat float64) bool {
	in := false
	n := len(r)
	for i, j := 0, n-1; i < n; j, i = i, i+1 {
		xi, yi := r[i][0], r[i][1]
		xj, yj := r[j][0], r[j][1]
		if (yi > lat) != (yj > lat) {
			x := (xj-xi)*(lat-yi)/(yj-yi) + xi
			if lon < x {
				in = !in
			}
		}
	}
	return in
}

// validate checks the geometry is usable: at least one polygon, closed rings
// of four or more points, coordinates within range.
func (m MultiPolygon) validate() error {
	if len(m) == 0 {
		return fmt.Errorf("geometry has no polygon")
	}
	for pi, poly := range m {
		if len(poly) == 0 {
			return fmt.Errorf("polygon %d has no ring", pi)
		}
		for ri, ring := range poly {
			if len(ring) < 4 {
				return fmt.Errorf("polygon %d ring %d has %d points, need at least 4", pi, ri, len(ring))
			}
			if ring[0] != ring[len(ring)-1] {
				return fmt.Errorf("polygon %d ring %d is not closed", pi, ri)
			}
			for _, p := range ring {
				if math.IsNaN(p[0]) || math.IsNaN(p[1]) || p[0] < -180 || p[0] > 180 || p[1] < -90 || p[1] > 90 {
					return fmt.Errorf("polygon %d ring %d has a coordinate out of range", pi, ri)
				}
			}
		}
	}
	return nil
}
