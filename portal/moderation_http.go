package portal

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"cleancity/complaints"
)

// The moderation queue: officials decide what of a case's free text the
// public sees (complaints.PublicText is the rule every public surface
// follows). Department staff work the cases but do not publish.

func (s *Server) registerModerationRoutes(api fiber.Router) {
	moderators := requireRoles(RoleOfficial, RoleAdmin)
	api.Get("/moderation", moderators, s.moderationQueue)
	api.Post("/complaints/:id/moderation", moderators, s.moderateComplaint)
}

// publicTextResponse is the decided public version, for staff.
type publicTextResponse struct {
	State       string     `json:"state"`
	Description string     `json:"description,omitempty"`
	Address     string     `json:"address,omitempty"`
	Redacted    bool       `json:"redacted"`
	By          string     `json:"by,omitempty"`
	At          *time.Time `json:"at,omitempty"`
}

// staffPublication is the part of the staff view about publication: the
// reporter's choice and the decided public version.
type staffPublication struct {
	Private bool                `json:"private"`
	Public  *publicTextResponse `json:"public_text"`
}

func toStaffPublication(cs *complaints.Complaint) staffPublication {
	p := cs.Publication
	return staffPublication{Private: cs.Private, Public: &publicTextResponse{State: complaints.PublicationState(cs),
		Description: p.Description, Address: p.Address, Redacted: p.Redacted, By: p.By, At: tp(p.At)}}
}

// moderationItem is one case awaiting a decision: its text as filed.
type moderationItem struct {
	ID          string      `json:"id"`
	Version     int         `json:"version"`
	Category    categoryRef `json:"category"`
	Area        areaRefs    `json:"area"`
	Status      string      `json:"status"`
	Source      string      `json:"source"`
	FiledAt     time.Time   `json:"filed_at"`
	Description string      `json:"description"`
	Address     string      `json:"address,omitempty"`
	Anonymous   bool        `json:"anonymous"`
}

type moderationQuery struct {
	Limit int `query:"limit" validate:"min=0,max=200"`
}

// moderationQueue lists the oldest cases in the caller's scope whose text
// awaits a decision (private ones never do).
func (s *Server) moderationQueue(c *fiber.Ctx) error {
	var q moderationQuery
	if err := s.BindQuery(c, &q); err != nil {
		return err
	}
	list, err := s.Complaints.ModerationQueue(c.UserContext(), actorOf(principalOf(c)), q.Limit)
	if err != nil {
		return cerr(c, err)
	}
	items := make([]moderationItem, 0, len(list))
	for _, cs := range list {
		items = append(items, moderationItem{ID: cs.ID, Version: cs.Version, Category: s.categoryRef(cs.Category),
			Area: s.areasOf(cs.Place, false), Status: string(cs.Status), Source: cs.Source, FiledAt: cs.FiledAt,
			Description: cs.Description, Address: cs.Address, Anonymous: cs.ReporterID == ""})
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"items": items, "count": len(items)})
}

type moderateRequest struct {
	Decision    string `json:"decision" validate:"required,oneof=approve redact withhold"`
	Description string `json:"description" validate:"max=4000,plaintext"`
	Address     string `json:"address" validate:"max=200,plaintext"`
	Version     int    `json:"version" validate:"required,min=1"`
}

// moderateComplaint records a decision: approve as filed, publish an
// edited (redacted) version, or keep the text private.
func (s *Server) moderateComplaint(c *fiber.Ctx) error {
	var req moderateRequest
	if err := s.BindJSON(c, &req); err != nil {
		return err
	}
	actor := actorOf(principalOf(c))
	cs, err := s.Complaints.Moderate(c.UserContext(), actor, complaints.NormalizeCode(c.Params("id")), complaints.ModerateInput{
		Decision: complaints.ModerationDecision(req.Decision), Description: req.Description, Address: req.Address, Version: req.Version})
	if err != nil {
		return cerr(c, err)
	}
	s.complaints.public.clear()
	return c.JSON(s.toComplaintResponse(cs, actor))
}
