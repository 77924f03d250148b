package portal

import (
	"github.com/gofiber/fiber/v2"

	"cleancity/complaints"
)

// registerComplaintCountRoutes registers the staff queue's result count
// (issue 17): the list pages with a cursor and so cannot say how many cases
// match. It must come before /complaints/:id.
func (s *Server) registerComplaintCountRoutes(api fiber.Router) {
	api.Get("/complaints/count", requireRoles(staffRoles...), s.countComplaints)
}

// countComplaints answers {"total": n, "capped": bool} for the list's
// filters and the caller's scope; capped says n stopped at
// complaints.MaxExport.
func (s *Server) countComplaints(c *fiber.Ctx) error {
	f, err := s.filterOf(c)
	if err != nil {
		return err
	}
	f.After = nil
	n := 0
	err = s.Complaints.Export(c.UserContext(), actorOf(principalOf(c)), f, func(*complaints.Complaint) error {
		n++
		return nil
	})
	if err != nil {
		return cerr(c, err)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"total": n, "capped": n >= complaints.MaxExport})
}
