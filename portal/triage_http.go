package portal

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"cleancity/complaints"
)

// The triage queue: reports whose place could not be read from their
// address (Open311 address_string naming no community) wait here until the
// hotline operator places them; placing files the case and routes it.

func (s *Server) registerTriageRoutes(api fiber.Router) {
	operators := requireRoles(RoleOfficial, RoleAdmin)
	api.Get("/triage", operators, s.triageQueue)
	api.Post("/triage/:id/place", operators, s.placeReport)
}

type triageItem struct {
	ID          string            `json:"id"`
	Category    categoryRef       `json:"category"`
	Description string            `json:"description"`
	Address     string            `json:"address"`
	Attributes  map[string]string `json:"attributes,omitempty"`
	Source      string            `json:"source"`
	FiledBy     string            `json:"filed_by,omitempty"`
	FiledAt     time.Time         `json:"filed_at"`
	Private     bool              `json:"private"`
	Contact     *contactResponse  `json:"contact,omitempty"`
	// Hint is the street or district the address names, if any.
	Hint areaRefs `json:"hint"`
}

// triageQueue lists the reports waiting for a place, oldest first.
func (s *Server) triageQueue(c *fiber.Ctx) error {
	list, err := s.Complaints.Intakes(c.UserContext(), actorOf(principalOf(c)), 0)
	if err != nil {
		return cerr(c, err)
	}
	items := make([]triageItem, 0, len(list))
	for _, it := range list {
		ti := triageItem{ID: it.ID, Category: s.categoryRef(it.Category), Description: it.Description, Address: it.Address,
			Attributes: it.Attributes, Source: it.Source, FiledBy: it.Filer.Name, FiledAt: it.FiledAt, Private: it.Private,
			Hint: areaRefs{District: s.areaRef(it.Hint.DistrictID), Street: s.areaRef(it.Hint.StreetID)}}
		if !it.Contact.Empty() {
			ti.Contact = &contactResponse{Name: it.Contact.Name, Phone: it.Contact.Phone, Email: it.Contact.Email}
		}
		items = append(items, ti)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"items": items, "count": len(items)})
}

type placeRequest struct {
	CommunityID string   `json:"community_id" validate:"required_without=Lat,omitempty,max=64"`
	Lat         *float64 `json:"lat" validate:"required_with=Lon,omitempty,latitude"`
	Lon         *float64 `json:"lon" validate:"required_with=Lat,omitempty,longitude"`
	Address     string   `json:"address" validate:"max=200,plaintext"`
}

// placeReport files a queued report at the community or point the
// operator chose; the answer is the new case (routed, with its due time).
func (s *Server) placeReport(c *fiber.Ctx) error {
	var req placeRequest
	if err := s.BindJSON(c, &req); err != nil {
		return err
	}
	in := complaints.PlaceInput{CommunityID: req.CommunityID, Address: req.Address}
	if req.Lat != nil && req.Lon != nil {
		in.Point = &complaints.Point{Lat: *req.Lat, Lon: *req.Lon}
	}
	actor := actorOf(principalOf(c))
	filed, err := s.Complaints.Place(c.UserContext(), actor, c.Params("id"), in)
	if err != nil {
		return cerr(c, err)
	}
	s.complaints.public.clear()
	return c.Status(fiber.StatusCreated).JSON(s.toComplaintResponse(filed.Complaint, actor))
}
