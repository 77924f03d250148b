package portal

import (
	"context"

	"github.com/gofiber/fiber/v2"
)

// registerRoutes registers each domain area's routes under /api/v1. Each
// area lives in its own file with its own register function.
func (s *Server) registerRoutes(api fiber.Router) {
	s.registerAuthRoutes(api)
	s.registerConfigRoutes(api)
	s.registerComplaintCountRoutes(api)
	s.registerComplaintRoutes(api)
	s.registerModerationRoutes(api)
	s.registerTriageRoutes(api)
	s.registerSurveyRoutes(api)
	s.registerVolunteerRoutes(api)
	s.registerDashboardRoutes(api)
	s.registerAuditRoutes(api)
}

// domainJobs lists the domains' background loops (sweepers, outboxes).
func (s *Server) domainJobs() []func(context.Context) {
	return []func(context.Context){
		func(ctx context.Context) { s.Auth.RunSweeper(ctx, authSweepInterval) },
		func(ctx context.Context) { s.Complaints.RunSweeper(ctx, complaintSweepInterval) },
		func(ctx context.Context) {
			s.Complaints.RunRetention(ctx, s.cfg.ContactRetention, complaintRetentionInterval)
		},
		func(ctx context.Context) { s.complaints.deliverer.Run(ctx, complaintOutboxInterval) },
		s.runDashboard,
		s.runSurveyResults,
	}
}
