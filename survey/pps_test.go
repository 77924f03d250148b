package survey

import (
	"fmt"
	"math"
	"reflect"
	"testing"
)

// ppsFrame is a stratum of 12 communities of very different sizes; C01 is
// so large that with n=4 it must be a certainty unit (4*9000/16470 > 1).
func ppsFrame() []Community {
	sizes := []int{9000, 3000, 1200, 800, 600, 450, 400, 300, 250, 200, 150, 120}
	out := make([]Community, len(sizes))
	for i, s := range sizes {
		out[i] = Community{ID: fmt.Sprintf("C%02d", i+1), StreetID: "S1", DistrictID: "D1", Residents: s}
	}
	return out
}

// wantInclusion is the textbook inclusion probability: certainty units
// removed one pass after another, then n'*size/total' of the rest.
func wantInclusion(frame []Community, n int) map[string]float64 {
	want := map[string]float64{}
	rest := append([]Community(nil), frame...)
	left := n
	for {
		total := 0
		for _, c := range rest {
			total += c.Residents
		}
		var next []Community
		for _, c := range rest {
			if float64(left)*float64(c.Residents)/float64(total) >= 1 {
				want[c.ID] = 1
			} else {
				next = append(next, c)
			}
		}
		if len(next) == len(rest) {
			for _, c := range rest {
				want[c.ID] = float64(left) * float64(c.Residents) / float64(total)
			}
			return want
		}
		left -= len(rest) - len(next)
		rest = next
	}
}

func TestDrawPPSInclusionProbabilities(t *testing.T) {
	frame := ppsFrame()
	const n = 4
	want := wantInclusion(frame, n)
	if want["C01"] != 1 {
		t.Fatalf("C01 should be a certainty unit, got %v", want["C01"])
	}
	// The stated probabilities: n'*size/total' for every drawn unit, 1 for
	// certainty units, and exactly n units.
	const draws = 20000
	hits := map[string]int{}
	for seed := uint64(1); seed <= draws; seed++ {
		got := DrawPPS(frame, n, seed)
		if len(got) != n {
			t.Fatalf("seed %d: %d units drawn, want %d", seed, len(got), n)
		}
		for _, d := range got {
			if math.Abs(d.Inclusion-want[d.Community.ID]) > 1e-12 {
				t.Fatalf("seed %d: %s inclusion %v, want %v", seed, d.Community.ID, d.Inclusion, want[d.Community.ID])
			}
			if d.Certain != (want[d.Community.ID] == 1) {
				t.Fatalf("seed %d: %s certain=%v", seed, d.Community.ID, d.Certain)
			}
			hits[d.Community.ID]++
		}
	}
	// Observed frequencies match the probabilities: each within 4.5
	// binomial standard errors (the whole table fails by chance about once
	// in 10^4 runs; it is deterministic anyway, the seeds are fixed).
	sum := 0.0
	for _, c := range frame {
		p := want[c.ID]
		sum += p
		freq := float64(hits[c.ID]) / draws
		se := math.Sqrt(p * (1 - p) / draws)
		if math.Abs(freq-p) > 4.5*se+1e-9 {
			t.Errorf("%s (size %d): drawn %.4f of the time, inclusion probability %.4f", c.ID, c.Residents, freq, p)
		}
	}
	if math.Abs(sum-n) > 1e-9 {
		t.Errorf("inclusion probabilities sum to %v, want %d", sum, n)
	}
}

func TestDrawPPSReproducibleBySeed(t *testing.T) {
	frame := ppsFrame()
	a := DrawPPS(frame, 5, 20260104)
	b := DrawPPS(frame, 5, 20260104)
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("same seed, different draws:\n%v\n%v", a, b)
	}
	// The frame's order does not matter, only its content.
	rev := append([]Community(nil), frame...)
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	if c := DrawPPS(rev, 5, 20260104); !reflect.DeepEqual(a, c) {
		t.Fatalf("reordered frame, different draw:\n%v\n%v", a, c)
	}
	differ := false
	for seed := uint64(1); seed < 50 && !differ; seed++ {
		differ = !reflect.DeepEqual(a, DrawPPS(frame, 5, seed))
	}
	if !differ {
		t.Fatal("49 other seeds all gave the same draw")
	}
}

func TestDrawPPSEdges(t *testing.T) {
	frame := ppsFrame()
	if got := DrawPPS(frame, 0, 1); len(got) != 0 {
		t.Errorf("n=0 drew %d", len(got))
	}
	all := DrawPPS(frame, 20, 1)
	if len(all) != len(frame) {
		t.Fatalf("n above the frame drew %d of %d", len(all), len(frame))
	}
	for _, d := range all {
		if d.Inclusion != 1 || !d.Certain {
			t.Errorf("%s: inclusion %v when every unit is taken", d.Community.ID, d.Inclusion)
		}
	}
	withEmpty := append(ppsFrame(), Community{ID: "C99", Residents: 0})
	for seed := uint64(1); seed < 200; seed++ {
		for _, d := range DrawPPS(withEmpty, 11, seed) {
			if d.Community.ID == "C99" {
				t.Fatalf("seed %d drew a community without residents", seed)
			}
		}
	}
	// Several certainty passes: after C01 leaves, C02 becomes certain too.
	want := wantInclusion(frame, 6)
	if want["C02"] != 1 {
		t.Fatalf("test frame: C02 should be certain at n=6, got %v", want["C02"])
	}
	got := DrawPPS(frame, 6, 7)
	certain := 0
	for _, d := range got {
		if d.Certain {
			certain++
		}
		if math.Abs(d.Inclusion-want[d.Community.ID]) > 1e-12 {
			t.Errorf("n=6: %s inclusion %v, want %v", d.Community.ID, d.Inclusion, want[d.Community.ID])
		}
	}
	if certain < 2 || len(got) != 6 {
		t.Errorf("n=6: %d certainty units of %d drawn", certain, len(got))
	}
}

// TestPPSPlanWeights checks that a PPS plan's design weights are the
// inverse inclusion probabilities times residents per interview, and that a
// simple random sample's formula is unchanged.
func TestPPSPlanWeights(t *testing.T) {
	p := Plan{Strata: []Stratum{{ID: "D1", Communities: 12}}, Units: []Unit{
		{ID: "A", Stratum: "D1", Residents: 9000, Target: 10, Inclusion: 1},
		{ID: "B", Stratum: "D1", Residents: 800, Target: 10, Inclusion: 0.4},
		{ID: "C", Stratum: "D1", Residents: 300, Target: 10, Inclusion: 0.15},
	}}
	acc := map[string]int{"A": 10, "B": 8, "C": 5}
	for id, want := range map[string]float64{"A": 900, "B": 800 / 0.4 / 8, "C": 300 / 0.15 / 5} {
		if w, ok := DesignWeight(&p, id, acc); !ok || math.Abs(w-want) > 1e-9 {
			t.Errorf("unit %s: weight %v, want %v", id, w, want)
		}
	}
	// C without an accepted interview: the other two carry its share (3/2).
	acc["C"] = 0
	if w, _ := DesignWeight(&p, "B", acc); math.Abs(w-1.5*800/0.4/8) > 1e-9 {
		t.Errorf("non-response adjustment: B weight %v", w)
	}
	for i := range p.Units {
		p.Units[i].Inclusion = 0
	}
	if w, _ := DesignWeight(&p, "B", map[string]int{"A": 1, "B": 8, "C": 1}); math.Abs(w-12.0/3*800/8) > 1e-9 {
		t.Errorf("simple random sample: B weight %v", w)
	}
}

type fakeGeo []Community

func (g fakeGeo) Communities() []Community { return g }
func (g fakeGeo) AreaName(id string) (string, string, bool) {
	return "区" + id, "District " + id, true
}
func (g fakeGeo) Contains(string, float64, float64) bool { return true }

func TestBuildPlanPPS(t *testing.T) {
	var geo fakeGeo
	for _, d := range []string{"D1", "D2"} {
		for _, c := range ppsFrame() {
			c.ID, c.DistrictID = d+c.ID, d
			geo = append(geo, c)
		}
	}
	spec := PlanSpec{StratumLevel: ByDistrict, UnitsPerStratum: 3, TargetPerUnit: 20, Seed: 42, Method: SamplePPS}
	a, err := BuildPlan(geo, spec)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := BuildPlan(geo, spec)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("the same seed drew two different plans")
	}
	if a.Method != SamplePPS || a.Seed != 42 || len(a.Units) != 6 || len(a.Strata) != 2 {
		t.Fatalf("plan: method %q seed %d, %d units in %d strata", a.Method, a.Seed, len(a.Units), len(a.Strata))
	}
	want := wantInclusion(ppsFrame(), 3)
	for _, u := range a.Units {
		if math.Abs(u.Inclusion-want[u.ID[2:]]) > 1e-12 {
			t.Errorf("%s: inclusion %v, want %v", u.ID, u.Inclusion, want[u.ID[2:]])
		}
	}
	if _, err := BuildPlan(geo, PlanSpec{StratumLevel: ByDistrict, UnitsPerStratum: 3, TargetPerUnit: 20, Method: "cluster"}); err == nil {
		t.Error("an unknown method was accepted")
	}
	// Changing only targets keeps the draw; changing the list drops it.
	var same []UnitSpec
	for _, u := range a.Units {
		same = append(same, UnitSpec{ID: u.ID, Target: 35})
	}
	hand, _ := BuildPlan(geo, PlanSpec{StratumLevel: ByDistrict, TargetPerUnit: 20, Units: same})
	kept := keepDraw(a, hand)
	if kept.Method != SamplePPS || kept.Units[0].Inclusion != a.Units[0].Inclusion || kept.Units[0].Target != 35 {
		t.Errorf("targets changed: draw not kept (%q, %v)", kept.Method, kept.Units[0].Inclusion)
	}
	other, _ := BuildPlan(geo, PlanSpec{StratumLevel: ByDistrict, TargetPerUnit: 20, Units: same[1:]})
	if got := keepDraw(a, other); got.Method != ChosenByHand || got.Units[0].Inclusion != 0 {
		t.Errorf("list changed: draw kept (%q, %v)", got.Method, got.Units[0].Inclusion)
	}
}
