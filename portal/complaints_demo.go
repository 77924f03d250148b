package portal

import (
	"context"
	"fmt"

	"cleancity/complaints"
	"cleancity/portal/areas"
)

// demoComplaints creates the Open311 API key "demo" and seeds 90 days of complaint history over the demo city
// (about 3,700 cases in every state). It is idempotent: the history is
// repeatable and is not stored again when its first case exists. Another
// city (imported areas) gets no demo complaints.
func (s *Server) demoComplaints(ctx context.Context) error {
	if err := s.demoOpen311Key(ctx); err != nil {
		return fmt.Errorf("demo open311 key: %w", err)
	}
	if _, ok := s.Areas.Area("D01-S01-C01-G1"); !ok {
		return nil
	}
	n, err := s.Complaints.SeedDemo(ctx, complaints.DemoOptions{
		Now: s.now(), Days: 90, PerDay: 45, Seed: 2026,
		MinLat: areas.DemoMinLat, MaxLat: areas.DemoMaxLat, MinLon: areas.DemoMinLon, MaxLon: areas.DemoMaxLon,
	})
	if err != nil {
		return fmt.Errorf("demo complaints: %w", err)
	}
	if n > 0 {
		s.log.Info("demo complaints seeded", "cases", n)
	}
	return nil
}
