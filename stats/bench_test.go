package stats_test

import (
	"fmt"
	"testing"

	"cleancity/stats"
)

// BenchmarkStreamMillion feeds 1,000,000 rows (50 strata x 40 PSUs x 500)
// through a Builder and estimates both indicators overall and in 50
// domains: the in-process cost of the benchmark's CLI run without CSV
// parsing.
func BenchmarkStreamMillion(b *testing.B) {
	strata := make([]string, 50)
	psus := make([]string, 40)
	for i := range strata {
		strata[i] = fmt.Sprintf("D%02d", i+1)
	}
	for i := range psus {
		psus[i] = fmt.Sprintf("C%02d", i+1)
	}
	spec := stats.Spec{Variables: []string{"satisfied", "aware"}, Stratified: true, Clustered: true}
	for b.Loop() {
		bl, err := stats.NewBuilder(spec)
		if err != nil {
			b.Fatal(err)
		}
		row := stats.Row{Values: make([]float64, 2)}
		x := uint32(1)
		for h, s := range strata {
			for c, p := range psus {
				row.Stratum, row.PSU, row.Domain = s, p, s
				row.Weight = float64(100 + h + c)
				for i := 0; i < 500; i++ {
					x ^= x << 13
					x ^= x >> 17
					x ^= x << 5
					row.Values[0] = float64(x & 1)
					row.Values[1] = float64(x >> 1 & 1)
					if err := bl.Add(row); err != nil {
						b.Fatal(err)
					}
				}
			}
		}
		sv, err := bl.Build()
		if err != nil {
			b.Fatal(err)
		}
		for _, v := range []string{"satisfied", "aware"} {
			for _, d := range sv.Domains() {
				if _, _, err := sv.Proportion(v, stats.InDomain(d), stats.CILogit, 0.95); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
}
