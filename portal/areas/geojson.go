package areas

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// FeatureCollection is the GeoJSON document `portal areas import` reads and
// GET /api/v1/areas writes. Departments travel as a foreign member.
type FeatureCollection struct {
	Type        string          `json:"type"`
	Features    []Feature       `json:"features"`
	Departments []DepartmentDoc `json:"departments,omitempty"`
}

// Feature is one area.
type Feature struct {
	Type       string          `json:"type"`
	ID         string          `json:"id,omitempty"`
	Properties FeatureProps    `json:"properties"`
	Geometry   json.RawMessage `json:"geometry"`
}

// FeatureProps are an area's properties in GeoJSON.
type FeatureProps struct {
	ID             string `json:"id"`
	Level          Level  `json:"level"`
	Name           string `json:"name"`
	NameEN         string `json:"name_en,omitempty"`
	ParentID       string `json:"parent_id,omitempty"`
	DistrictID     string `json:"district_id,omitempty"`
	StreetID       string `json:"street_id,omitempty"`
	CommunityID    string `json:"community_id,omitempty"`
	Residents      int    `json:"residents,omitempty"`
	LeadDepartment string `json:"lead_department,omitempty"`
}

// DepartmentDoc is a department in the GeoJSON foreign member and the API.
type DepartmentDoc struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	NameEN   string `json:"name_en,omitempty"`
	Type     string `json:"type"`
	StreetID string `json:"street_id,omitempty"`
}

type geometryJSON struct {
	Type        string          `json:"type"`
	Coordinates json.RawMessage `json:"coordinates"`
}

var idPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)

// ParseFeatureCollection reads and checks a GeoJSON FeatureCollection of
// areas. Every problem found is reported, each prefixed with the feature.
func ParseFeatureCollection(data []byte) ([]Area, []Department, error) {
	var fc FeatureCollection
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&fc); err != nil {
		return nil, nil, fmt.Errorf("not a GeoJSON FeatureCollection: %w", err)
	}
	if fc.Type != "FeatureCollection" {
		return nil, nil, fmt.Errorf(`type is %q, want "FeatureCollection"`, fc.Type)
	}
	var problems []string
	depts := make([]Department, 0, len(fc.Departments))
	for i, d := range fc.Departments {
		dep := Department{ID: d.ID, Name: d.Name, NameEN: d.NameEN, Type: d.Type, StreetID: d.StreetID}
		if err := dep.validate(); err != nil {
			problems = append(problems, fmt.Sprintf("departments[%d]: %v", i, err))
		}
		depts = append(depts, dep)
	}
	list := make([]Area, 0, len(fc.Features))
	for i, f := range fc.Features {
		p := f.Properties
		if p.ID == "" {
			p.ID = f.ID
		}
		a := Area{ID: p.ID, Level: p.Level, Name: p.Name, NameEN: p.NameEN, ParentID: p.ParentID,
			Residents: p.Residents, LeadDepartment: p.LeadDepartment}
		where := fmt.Sprintf("features[%d] (%s)", i, p.ID)
		if len(bytes.TrimSpace(f.Geometry)) > 0 && !bytes.Equal(bytes.TrimSpace(f.Geometry), []byte("null")) {
			g, err := parseGeometry(f.Geometry)
			if err != nil {
				problems = append(problems, where+": "+err.Error())
			}
			a.Geometry = g
		}
		list = append(list, a)
	}
	if len(problems) > 0 {
		return nil, nil, errors.New(strings.Join(problems, "\n"))
	}
	return list, depts, nil
}

func parseGeometry(raw json.RawMessage) (MultiPolygon, error) {
	var g geometryJSON
	if err := json.Unmarshal(raw, &g); err != nil {
		return nil, fmt.Errorf("geometry: %w", err)
	}
	var m MultiPolygon
	switch g.Type {
	case "Polygon":
		var p Polygon
		if err := json.Unmarshal(g.Coordinates, &p); err != nil {
			return nil, fmt.Errorf("polygon coordinates: %w", err)
		}
		m = MultiPolygon{p}
	case "MultiPolygon":
		if err := json.Unmarshal(g.Coordinates, &m); err != nil {
			return nil, fmt.Errorf("multipolygon coordinates: %w", err)
		}
	default:
		return nil, fmt.Errorf("geometry type %q, want Polygon or MultiPolygon", g.Type)
	}
	if err := m.validate(); err != nil {
		return nil, err
	}
	return m, nil
}

// geometryValue renders a multipolygon as GeoJSON (a Polygon when it has one part).
func geometryValue(m MultiPolygon) any {
	if len(m) == 0 {
		return nil
	}
	if len(m) == 1 {
		return map[string]any{"type": "Polygon", "coordinates": m[0]}
	}
	return map[string]any{"type": "MultiPolygon", "coordinates": m}
}

// FeatureOf renders an area as a GeoJSON feature.
func FeatureOf(a *Area) map[string]any {
	props := map[string]any{
		"id":      a.ID,
		"level":   a.Level,
		"name":    a.Name,
		"name_en": a.NameEN,
	}
	if a.ParentID != "" {
		props["parent_id"] = a.ParentID
	}
	for k, v := range map[string]string{"district_id": a.DistrictID, "street_id": a.StreetID, "community_id": a.CommunityID, "lead_department": a.LeadDepartment} {
		if v != "" {
			props[k] = v
		}
	}
	if a.Level != Grid {
		props["residents"] = a.Residents
	}
	return map[string]any{"type": "Feature", "id": a.ID, "properties": props, "geometry": geometryValue(a.Geometry)}
}

func (d Department) validate() error {
	if !idPattern.MatchString(d.ID) {
		return fmt.Errorf("id %q: use 1-64 letters, digits, '-', '_' or '.'", d.ID)
	}
	if strings.TrimSpace(d.Name) == "" {
		return fmt.Errorf("department %s: name is required", d.ID)
	}
	for _, t := range DepartmentTypes {
		if d.Type == t {
			if t == DeptStreetOffice && d.StreetID == "" {
				return fmt.Errorf("department %s: a street office needs street_id", d.ID)
			}
			return nil
		}
	}
	return fmt.Errorf("department %s: type %q, want one of %s", d.ID, d.Type, strings.Join(DepartmentTypes, ", "))
}
