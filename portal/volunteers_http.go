package portal

import (
	"github.com/gofiber/fiber/v2"

	"cleancity/portal/auth"
)

// maxVolunteers bounds the picker's list; a city with more volunteers
// narrows it with ?q=.
const maxVolunteers = 1000

// registerVolunteerRoutes registers the volunteer picker of the round
// planner (issue 17): officials assign units to volunteers chosen from the
// active accounts instead of typing usernames. Only the username and the
// display name leave the server.
func (s *Server) registerVolunteerRoutes(api fiber.Router) {
	api.Get("/volunteers", requireRoles(RoleOfficial, RoleAdmin), s.listVolunteers)
}

type volunteersQuery struct {
	Q string `query:"q" validate:"omitempty,max=64"`
}

type volunteerItem struct {
	Username    string `json:"username"`
	DisplayName string `json:"display_name,omitempty"`
}

// listVolunteers answers the enabled volunteer accounts by username,
// {"volunteers": [...], "truncated": bool}.
func (s *Server) listVolunteers(c *fiber.Ctx) error {
	var q volunteersQuery
	if err := s.BindQuery(c, &q); err != nil {
		return err
	}
	out := []volunteerItem{}
	truncated := false
	const page = 200
	for offset := 0; ; offset += page {
		list, total, err := s.Auth.ListUsers(c.UserContext(), auth.UserFilter{Role: auth.RoleVolunteer, Query: q.Q, Limit: page, Offset: offset})
		if err != nil {
			return authErr(c, err)
		}
		for _, u := range list {
			if u.Disabled {
				continue
			}
			if len(out) == maxVolunteers {
				truncated = true
				break
			}
			out = append(out, volunteerItem{Username: u.Username, DisplayName: u.DisplayName})
		}
		if truncated || len(list) < page || int64(offset+page) >= total {
			break
		}
	}
	noStore(c)
	return c.JSON(fiber.Map{"volunteers": out, "truncated": truncated})
}
