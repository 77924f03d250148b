package portal

import (
	"context"
	"fmt"

	"cleancity/portal/areas"
)

// seedDemo seeds the demo city: areas and departments first, then each
// domain's demo data. Every step is idempotent, so restarting with --demo
// changes nothing that is already there.
func (s *Server) seedDemo(ctx context.Context) error {
	if len(s.Areas.List(areas.Grid, "")) == 0 {
		counts, err := s.Areas.Import(ctx, areas.DemoAreas(), areas.DemoDepartments())
		if err != nil {
			return fmt.Errorf("demo areas: %w", err)
		}
		s.log.Info("demo city seeded", "districts", counts["district"], "streets", counts["street"],
			"communities", counts["community"], "grids", counts["grid"], "departments", counts["departments"])
	}
	for _, step := range s.demoSteps() {
		if err := step(ctx); err != nil {
			return err
		}
	}
	return nil
}

// demoSteps lists the domains' demo seeders, run in order after the areas.
func (s *Server) demoSteps() []func(context.Context) error {
	if s.cfg.DemoCityOnly {
		return []func(context.Context) error{s.demoAccounts, s.demoOpen311Key}
	}
	return []func(context.Context) error{
		s.demoAccounts,
		s.demoComplaints,
		s.demoSurvey,
		s.demoDashboard,
	}
}
