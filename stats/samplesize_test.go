package stats_test

import (
	"errors"
	"math"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"

	"cleancity/stats"
)

func TestPlanSampleSizePrecision(t *testing.T) {
	// z^2 p(1-p)/e^2 = 1.959964^2 * 0.09 / 0.0009 = 384.15; times deff 2.
	p, err := stats.PlanSampleSize(stats.PlanSpec{ExpectedRate: 0.9, Deff: 2, HalfWidth: 0.03})
	if err != nil {
		t.Fatal(err)
	}
	z := distuv.UnitNormal.Quantile(0.975)
	n0 := z * z * 0.09 / 0.0009
	closeTo(t, "n0", p.N0, n0, 1e-12)
	if p.Total != int(math.Ceil(2*n0)) || p.Total != 769 {
		t.Errorf("total %d, want 769", p.Total)
	}
	// With a population of 5000 the FPC shrinks it.
	q, err := stats.PlanSampleSize(stats.PlanSpec{ExpectedRate: 0.9, Deff: 2, HalfWidth: 0.03, Population: 5000})
	if err != nil {
		t.Fatal(err)
	}
	if want := int(math.Ceil(2 * n0 / (1 + (2*n0-1)/5000))); q.Total != want {
		t.Errorf("with FPC %d, want %d", q.Total, want)
	}
}

// At the planned size the interval's lower end clears the threshold with
// the asked power (normal approximation, deff 1).
func TestPlanSampleSizePower(t *testing.T) {
	spec := stats.PlanSpec{ExpectedRate: 0.94, Threshold: 0.9, Power: 0.8, Level: 0.95}
	p, err := stats.PlanSampleSize(spec)
	if err != nil {
		t.Fatal(err)
	}
	z := distuv.UnitNormal.Quantile(0.975)
	se := math.Sqrt(0.94 * 0.06 / p.N0)
	power := distuv.UnitNormal.CDF((0.94-0.9)/se - z)
	closeTo(t, "power at N0", power, 0.8, 1e-9)
	if _, err := stats.PlanSampleSize(stats.PlanSpec{ExpectedRate: 0.88, Threshold: 0.9, Power: 0.8}); !errors.Is(err, stats.ErrInvalid) {
		t.Errorf("rate below threshold: %v", err)
	}
}

func TestPlanSampleSizeAllocation(t *testing.T) {
	strata := []stats.PlanStratum{
		{Name: "D1", Population: 120000, ExpectedRate: 0.95},
		{Name: "D2", Population: 80000, ExpectedRate: 0.80},
		{Name: "D3", Population: 1000, ExpectedRate: 0.90},
	}
	prop, err := stats.PlanSampleSize(stats.PlanSpec{ExpectedRate: 0.9, Deff: 1.5, HalfWidth: 0.02, Strata: strata, MinPerStratum: 30})
	if err != nil {
		t.Fatal(err)
	}
	ney, err := stats.PlanSampleSize(stats.PlanSpec{ExpectedRate: 0.9, Deff: 1.5, HalfWidth: 0.02, Strata: strata, Allocation: stats.Neyman, MinPerStratum: 30})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []stats.Plan{prop, ney} {
		sum := 0
		for _, s := range p.Strata {
			sum += s.N
			if s.N < 30 {
				t.Errorf("%s got %d < minimum", s.Name, s.N)
			}
		}
		if sum != p.Total {
			t.Errorf("strata sum %d, total %d", sum, p.Total)
		}
	}
	// Proportional: D1/D2 = 1.5; Neyman gives D2 (p = 0.8, more variable) more.
	if r := float64(prop.Strata[0].N) / float64(prop.Strata[1].N); math.Abs(r-1.5) > 0.01 {
		t.Errorf("proportional ratio %v", r)
	}
	if ney.Strata[1].N <= prop.Strata[1].N || ney.Strata[0].N >= prop.Strata[0].N {
		t.Errorf("neyman %v vs proportional %v", ney.Strata, prop.Strata)
	}
	if prop.Strata[2].N != 30 {
		t.Errorf("small stratum raised to %d", prop.Strata[2].N)
	}
}

func TestPlanSampleSizeErrors(t *testing.T) {
	for _, s := range []stats.PlanSpec{
		{ExpectedRate: 0, HalfWidth: 0.03},
		{ExpectedRate: 1, HalfWidth: 0.03},
		{ExpectedRate: 0.9},
		{ExpectedRate: 0.9, HalfWidth: 2},
		{ExpectedRate: 0.9, HalfWidth: 0.03, Deff: -1},
		{ExpectedRate: 0.9, HalfWidth: 0.03, Level: 1.5},
		{ExpectedRate: 0.95, Threshold: 0.9, Power: 1},
		{ExpectedRate: 0.9, HalfWidth: 0.03, Strata: []stats.PlanStratum{{Name: "x"}}},
		{ExpectedRate: 0.9, HalfWidth: 0.03, Strata: []stats.PlanStratum{{Name: "x", Population: 10, ExpectedRate: 3}}},
	} {
		if _, err := stats.PlanSampleSize(s); !errors.Is(err, stats.ErrInvalid) {
			t.Errorf("%+v: err = %v", s, err)
		}
	}
}
