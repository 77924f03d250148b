package portal

import (
	"github.com/gofiber/fiber/v2"

	"cleancity/portal/apperr"
	"cleancity/portal/areas"
)

func (s *Server) registerAreaRoutes(api fiber.Router) {
	api.Get("/areas", s.listAreas)
	api.Get("/areas/locate", s.locate)
	api.Get("/areas/:id", s.getArea)
	api.Get("/departments", s.listDepartments)
}

type listAreasQuery struct {
	Level    string `query:"level" validate:"omitempty,oneof=district street community grid"`
	Parent   string `query:"parent" validate:"omitempty,max=64"`
	Geometry string `query:"geometry" validate:"omitempty,oneof=true false"`
}

// listAreas answers a GeoJSON FeatureCollection of the areas, optionally of
// one level and/or under one parent; geometry=false leaves shapes out.
func (s *Server) listAreas(c *fiber.Ctx) error {
	var q listAreasQuery
	if err := s.BindQuery(c, &q); err != nil {
		return err
	}
	list := s.Areas.List(areas.Level(q.Level), q.Parent)
	features := make([]map[string]any, 0, len(list))
	for _, a := range list {
		f := areas.FeatureOf(a)
		if q.Geometry == "false" {
			f["geometry"] = nil
		}
		features = append(features, f)
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=60")
	if err := c.JSON(map[string]any{"type": "FeatureCollection", "features": features}); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/geo+json")
	return nil
}

func (s *Server) getArea(c *fiber.Ctx) error {
	a, ok := s.Areas.Area(c.Params("id"))
	if !ok {
		return apperr.New(apperr.NotFound, msg(languageOf(c), "没有这个区域", "no such area"))
	}
	return c.JSON(areas.FeatureOf(a))
}

type locateQuery struct {
	Lat *float64 `query:"lat" validate:"required,latitude"`
	Lon *float64 `query:"lon" validate:"required,longitude"`
}

// locate resolves a point to grid, community, street, district and the
// grid's lead department; outside the city is a 404.
func (s *Server) locate(c *fiber.Ctx) error {
	var q locateQuery
	if err := s.BindQuery(c, &q); err != nil {
		return err
	}
	loc, err := s.Areas.Locate(*q.Lat, *q.Lon)
	if areas.IsOutside(err) {
		return apperr.New(apperr.NotFound, msg(languageOf(c), "该位置不在本市网格范围内", "the point is outside the city"))
	}
	if err != nil {
		return err
	}
	return c.JSON(loc)
}

type departmentResponse struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	NameEN   string `json:"name_en"`
	Type     string `json:"type"`
	StreetID string `json:"street_id,omitempty"`
}

func (s *Server) listDepartments(c *fiber.Ctx) error {
	depts := s.Areas.Departments()
	out := make([]departmentResponse, 0, len(depts))
	for _, d := range depts {
		out = append(out, departmentResponse{ID: d.ID, Name: d.Name, NameEN: d.NameEN, Type: d.Type, StreetID: d.StreetID})
	}
	return c.JSON(map[string]any{"departments": out})
}
