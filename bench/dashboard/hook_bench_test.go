package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"

	"cleancity/complaints"
	"cleancity/complaints/complaintdb"
	"cleancity/complaints/summary"
	"cleancity/complaints/summary/summarydb"
	"cleancity/portal/areas"
	"cleancity/portal/store/storetest"
)

// The summary maintenance cost per action: filing and a transition with
// and without the dashboard hook (which queues one fact: one insert), and
// the applier's cost per fact folded in. Run:
//
//	go test ./bench/dashboard -run XXX -bench . -benchtime 300x

type locator struct{ a *areas.Service }

func (l locator) Locate(lat, lon float64) (complaints.Place, error) {
	loc, err := l.a.Locate(lat, lon)
	if err != nil {
		return complaints.Place{}, err
	}
	return complaints.Place{GridID: loc.Grid.ID, CommunityID: loc.Community.ID, StreetID: loc.Street.ID,
		DistrictID: loc.District.ID, LeadDepartment: loc.Department.ID}, nil
}
func (l locator) Community(string) (complaints.Place, bool) { return complaints.Place{}, false }
func (l locator) DepartmentOfType(typ, street string) (string, bool) {
	d, ok := l.a.DepartmentOfType(typ, street)
	return d.ID, ok
}
func (l locator) DepartmentDistrict(id string) (string, bool) {
	_, ok := l.a.Department(id)
	return "", ok // the bench never reassigns
}
func (l locator) Outside(err error) bool { return areas.IsOutside(err) }

func setup(b *testing.B, hook bool) (*complaints.Service, *summary.Service) {
	b.Helper()
	ctx := context.Background()
	db := storetest.DB(b)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	geo := areas.NewService(db, log, nil)
	if err := geo.Init(ctx); err != nil {
		b.Fatal(err)
	}
	if _, err := geo.Import(ctx, areas.DemoAreas(), areas.DemoDepartments()); err != nil {
		b.Fatal(err)
	}
	svc := complaints.NewService(complaintdb.New(db), locator{geo}, nil, log)
	if err := svc.Init(ctx); err != nil {
		b.Fatal(err)
	}
	sum := summary.NewService(summarydb.New(db), svc, nil, log)
	if hook {
		svc.OnEvent(sum.Hook)
	}
	return svc, sum
}

var anon = complaints.Actor{Role: complaints.RoleAnonymous}

func fileOne(b *testing.B, svc *complaints.Service, i int) string {
	p := &complaints.Point{Lat: areas.DemoMinLat + 0.001 + float64(i%100)*0.001, Lon: areas.DemoMinLon + 0.001 + float64(i%130)*0.001}
	f, err := svc.File(context.Background(), anon, complaints.FileInput{Category: "garbage", Description: fmt.Sprintf("benchmark case number %d", i), Point: p})
	if err != nil {
		b.Fatal(err)
	}
	return f.Complaint.ID
}

func BenchmarkFile(b *testing.B) {
	for _, hook := range []bool{false, true} {
		b.Run(fmt.Sprintf("hook=%v", hook), func(b *testing.B) {
			svc, _ := setup(b, hook)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				fileOne(b, svc, i)
			}
		})
	}
}

func BenchmarkTransition(b *testing.B) {
	staff := complaints.Actor{ID: "admin", Name: "admin", Role: complaints.RoleAdmin}
	for _, hook := range []bool{false, true} {
		b.Run(fmt.Sprintf("hook=%v", hook), func(b *testing.B) {
			svc, _ := setup(b, hook)
			ids := make([]string, b.N)
			for i := range ids {
				ids[i] = fileOne(b, svc, i)
			}
			ctx := context.Background()
			b.ResetTimer()
			for _, id := range ids {
				if _, err := svc.Act(ctx, staff, id, complaints.ActInput{Action: complaints.ActionAccept, Version: 1}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkApply measures folding queued facts in (per fact), the work of
// the one applier process.
func BenchmarkApply(b *testing.B) {
	svc, sum := setup(b, true)
	for i := 0; i < b.N; i++ {
		fileOne(b, svc, i)
	}
	b.ResetTimer()
	if err := sum.Sync(context.Background()); err != nil {
		b.Fatal(err)
	}
}
