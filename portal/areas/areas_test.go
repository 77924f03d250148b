package areas

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"cleancity/portal/apperr"
	"cleancity/portal/store/storetest"
)

func demoService(t *testing.T) *Service {
	t.Helper()
	svc := NewService(storetest.DB(t), slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	ctx := context.Background()
	if err := svc.Init(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Import(ctx, DemoAreas(), DemoDepartments()); err != nil {
		t.Fatal(err)
	}
	return svc
}

func TestDemoCityShape(t *testing.T) {
	counts := map[Level]int{}
	residents := 0
	for _, a := range DemoAreas() {
		counts[a.Level]++
		residents += a.Residents
	}
	if counts[District] != 4 || counts[Street] < 12 || counts[Community] < 60 || counts[Grid] < 120 {
		t.Fatalf("demo city counts = %v", counts)
	}
	if residents < 60*2800 {
		t.Errorf("demo residents = %d", residents)
	}
}

// TestDemoGridsTileTheBox samples the demo box on a fine lattice (offset so
// no sample sits exactly on a lattice vertex) plus random points: every
// point must fall in exactly one grid, and the grid's community, street and
// district shapes must contain it too.
func TestDemoGridsTileTheBox(t *testing.T) {
	list := DemoAreas()
	byID := map[string]*Area{}
	var grids []*Area
	for i := range list {
		byID[list[i].ID] = &list[i]
		if list[i].Level == Grid {
			grids = append(grids, &list[i])
		}
	}
	check := func(lon, lat float64) {
		var in []string
		for _, g := range grids {
			if g.Geometry.Contains(lon, lat) {
				in = append(in, g.ID)
			}
		}
		if len(in) != 1 {
			t.Fatalf("point (%.6f, %.6f) is in %d grids: %v", lat, lon, len(in), in)
		}
		g := byID[in[0]]
		c := byID[g.ParentID]
		st := byID[c.ParentID]
		d := byID[st.ParentID]
		for _, a := range []*Area{c, st, d} {
			if !a.Geometry.Contains(lon, lat) {
				t.Fatalf("point (%.6f, %.6f) in grid %s but not in its %s %s", lat, lon, g.ID, a.Level, a.ID)
			}
		}
	}
	const steps = 150
	for i := 0; i < steps; i++ {
		for j := 0; j < steps; j++ {
			lon := DemoMinLon + (DemoMaxLon-DemoMinLon)*(float64(i)+0.37)/steps
			lat := DemoMinLat + (DemoMaxLat-DemoMinLat)*(float64(j)+0.61)/steps
			check(lon, lat)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for k := 0; k < 5000; k++ {
		check(DemoMinLon+(DemoMaxLon-DemoMinLon)*r.Float64(), DemoMinLat+(DemoMaxLat-DemoMinLat)*r.Float64())
	}
}

func TestLocate(t *testing.T) {
	svc := demoService(t)
	loc, err := svc.Locate(27.8412, 113.1437)
	if err != nil {
		t.Fatal(err)
	}
	if loc.Grid.ID == "" || loc.Community.ID == "" || loc.Street.ID == "" || loc.District.ID == "" {
		t.Fatalf("incomplete location %+v", loc)
	}
	if !strings.HasPrefix(loc.Grid.ID, loc.Community.ID) || !strings.HasPrefix(loc.Community.ID, loc.Street.ID) ||
		!strings.HasPrefix(loc.Street.ID, loc.District.ID) {
		t.Errorf("location levels do not nest: %+v", loc)
	}
	if loc.Department.ID != "office-"+loc.Street.ID {
		t.Errorf("grid lead department = %s, want the street office office-%s", loc.Department.ID, loc.Street.ID)
	}
	// North-west quadrant is D01, south-east D04.
	if l, _ := svc.Locate(27.89, 113.09); l.District.ID != "D01" {
		t.Errorf("NW point in %s, want D01", l.District.ID)
	}
	if l, _ := svc.Locate(27.79, 113.21); l.District.ID != "D04" {
		t.Errorf("SE point in %s, want D04", l.District.ID)
	}
	for _, p := range [][2]float64{{27.7799, 113.15}, {27.9001, 113.15}, {27.85, 113.0799}, {27.85, 113.2201}, {0, 0}, {-90, 180}} {
		if _, err := svc.Locate(p[0], p[1]); !IsOutside(err) {
			t.Errorf("Locate(%v) = %v, want outside", p, err)
		}
	}
	// Residents are summed upwards.
	d, _ := svc.Area("D01")
	sum := 0
	for _, st := range svc.List(Street, "D01") {
		sum += st.Residents
	}
	if d.Residents == 0 || d.Residents != sum {
		t.Errorf("district residents %d, streets sum %d", d.Residents, sum)
	}
}

func TestImportIsIdempotentAndReloadsOtherProcesses(t *testing.T) {
	db := storetest.DB(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx := context.Background()
	a := NewService(db, log, nil)
	b := NewService(db, log, nil) // a second portal process on the same store
	for _, s := range []*Service{a, b} {
		if err := s.Init(ctx); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 2; i++ {
		if _, err := a.Import(ctx, DemoAreas(), DemoDepartments()); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(a.List(Grid, "")); n != 120 {
		t.Fatalf("grids after two imports = %d, want 120", n)
	}
	if _, err := b.Locate(27.85, 113.15); !IsOutside(err) {
		t.Fatalf("b located before refresh: %v", err)
	}
	if err := b.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Locate(27.85, 113.15); err != nil {
		t.Fatalf("b after refresh: %v", err)
	}
}

func TestImportRejectsBrokenGeography(t *testing.T) {
	svc := demoService(t)
	square := MultiPolygon{{{{113.3, 27.9}, {113.31, 27.9}, {113.31, 27.91}, {113.3, 27.91}, {113.3, 27.9}}}}
	cases := []struct {
		name string
		area Area
		want string
	}{
		{"unknown parent", Area{ID: "X1", Level: Street, Name: "x", ParentID: "D99"}, "parent D99 does not exist"},
		{"wrong parent level", Area{ID: "X2", Level: Grid, Name: "x", ParentID: "D01", LeadDepartment: "sanitation", Geometry: square}, "is a district, want a community"},
		{"grid without geometry", Area{ID: "X3", Level: Grid, Name: "x", ParentID: "D01-S01-C01", LeadDepartment: "sanitation"}, "geometry is required"},
		{"unknown department", Area{ID: "X4", Level: Grid, Name: "x", ParentID: "D01-S01-C01", LeadDepartment: "nobody", Geometry: square}, `lead_department "nobody" does not exist`},
		{"bad level", Area{ID: "X5", Level: "county", Name: "x"}, `level "county"`},
		{"bad id", Area{ID: "a b", Level: District, Name: "x"}, "area id"},
		{"no name", Area{ID: "X6", Level: District}, "name is required"},
		{"open ring", Area{ID: "X7", Level: District, Name: "x", Geometry: MultiPolygon{{{{1, 1}, {2, 1}, {2, 2}, {1, 2}}}}}, "not closed"},
		{"negative residents", Area{ID: "X8", Level: Community, Name: "x", ParentID: "D01-S01", Residents: -5}, "must not be negative"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := svc.Import(context.Background(), []Area{tc.area}, nil)
			if !apperr.Is(err, apperr.Invalid) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want invalid containing %q", err, tc.want)
			}
			if _, ok := svc.Area(tc.area.ID); ok {
				t.Fatalf("rejected area %s was stored", tc.area.ID)
			}
		})
	}
}

func TestParseFeatureCollection(t *testing.T) {
	fc := map[string]any{
		"type": "FeatureCollection",
		"departments": []any{
			map[string]any{"id": "sanitation", "name": "环卫处", "type": "sanitation"},
		},
		"features": []any{
			map[string]any{"type": "Feature", "properties": map[string]any{"id": "D1", "level": "district", "name": "一区"}, "geometry": nil},
			map[string]any{"type": "Feature", "properties": map[string]any{"id": "G1", "level": "grid", "name": "网格", "parent_id": "C1", "lead_department": "sanitation"},
				"geometry": map[string]any{"type": "Polygon", "coordinates": [][][]float64{{{1, 1}, {2, 1}, {2, 2}, {1, 1}}}}},
		},
	}
	data, _ := json.Marshal(fc)
	list, depts, err := ParseFeatureCollection(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || len(depts) != 1 || len(list[1].Geometry) != 1 || len(list[1].Geometry[0][0]) != 4 {
		t.Fatalf("parsed %d areas %d departments: %+v", len(list), len(depts), list)
	}
	bad := []string{
		`{"type":"Feature"}`,
		`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"G"},"geometry":{"type":"Point","coordinates":[1,2]}}]}`,
		`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"G"},"geometry":{"type":"Polygon","coordinates":[[[1,1],[2,2],[1,1]]]}}]}`,
		`{"type":"FeatureCollection","departments":[{"id":"x","name":"x","type":"police"}],"features":[]}`,
		`not json`,
	}
	for _, b := range bad {
		if _, _, err := ParseFeatureCollection([]byte(b)); err == nil {
			t.Errorf("accepted %s", b)
		}
	}
}

func FuzzParseFeatureCollection(f *testing.F) {
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"G1","level":"grid"},"geometry":{"type":"Polygon","coordinates":[[[1,1],[2,1],[2,2],[1,1]]]}}]}`))
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"geometry":{"type":"MultiPolygon","coordinates":[[[[1e308,1],[2,1],[2,2],[1e308,1]]]]}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		list, _, err := ParseFeatureCollection(data)
		if err != nil {
			return
		}
		for _, a := range list {
			// Whatever parsed must be safe to test points against.
			a.Geometry.Contains(1.5, 1.5)
			if len(a.Geometry) > 0 {
				b := a.Geometry.bbox()
				if math.IsNaN(b.minLon) {
					t.Fatalf("NaN bbox from %s", data)
				}
			}
		}
	})
}

// syntheticCity builds n square grids on a lattice (for the benchmark).
func syntheticCity(n int) []*Area {
	side := int(math.Ceil(math.Sqrt(float64(n))))
	const size = 0.002
	grids := make([]*Area, 0, n)
	for i := 0; i < n; i++ {
		c, r := i%side, i/side
		x, y := 113.0+float64(c)*size, 27.0+float64(r)*size
		grids = append(grids, &Area{ID: fmt.Sprintf("G%05d", i), Level: Grid,
			Geometry: MultiPolygon{{{{x, y}, {x + size, y}, {x + size, y + size}, {x + size*0.5, y + size*1.1}, {x, y + size}, {x, y}}}}})
	}
	return grids
}

func TestSyntheticIndexFindsEveryGrid(t *testing.T) {
	grids := syntheticCity(2500)
	ix := newGridIndex(grids)
	for _, g := range grids {
		b := g.Geometry.bbox()
		lon, lat := (b.minLon+b.maxLon)/2, b.minLat+(b.maxLat-b.minLat)*0.3
		if got := ix.find(lon, lat); got != g {
			t.Fatalf("find(centre of %s) = %v", g.ID, got)
		}
	}
}

// BenchmarkLocate10000Grids measures point-in-polygon look-ups with 10,000
// grids in the index.
func BenchmarkLocate10000Grids(b *testing.B) {
	grids := syntheticCity(10000)
	ix := newGridIndex(grids)
	ext := ix.extent
	r := rand.New(rand.NewPCG(3, 4))
	pts := make([][2]float64, 4096)
	for i := range pts {
		pts[i] = [2]float64{ext.minLon + (ext.maxLon-ext.minLon)*r.Float64(), ext.minLat + (ext.maxLat-ext.minLat)*r.Float64()}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p := pts[i&4095]
		ix.find(p[0], p[1])
	}
}

// BenchmarkLocateDemoCity is the same on the demo city through the service.
func BenchmarkLocateDemoCity(b *testing.B) {
	grids := make([]*Area, 0)
	for _, a := range DemoAreas() {
		if a.Level == Grid {
			a := a
			grids = append(grids, &a)
		}
	}
	ix := newGridIndex(grids)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		ix.find(113.08+0.14*float64(i%997)/997, 27.78+0.12*float64(i%991)/991)
	}
}
