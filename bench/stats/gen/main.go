// Command gen writes the stats benchmark's interview file: 1,000,000 rows in
// 50 strata (districts) of 40 communities (PSUs) each, 500 interviews per
// community, with design weights and two 0/1 indicators. The output is the
// same for the same seed.
//
//	go run ./bench/stats/gen -out /tmp/bench_stats.csv
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
)

func main() {
	out := flag.String("out", "bench_stats.csv", "output CSV")
	strata := flag.Int("strata", 50, "districts")
	psus := flag.Int("psus", 40, "communities per district")
	per := flag.Int("per", 500, "interviews per community")
	seed := flag.Uint64("seed", 20240611, "random seed")
	flag.Parse()
	if err := run(*out, *strata, *psus, *per, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(path string, nstrata, npsu, per int, seed uint64) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	r := rand.New(rand.NewPCG(seed, 1))
	fmt.Fprintln(w, `"district","community","weight","satisfied","aware"`)
	buf := make([]byte, 0, 64)
	for h := 1; h <= nstrata; h++ {
		communities := npsu * (3 + r.IntN(4)) // communities in the district
		base := 0.3 * r.NormFloat64()
		for c := 1; c <= npsu; c++ {
			residents := 2000 + r.IntN(8000)
			weight := float64(communities) / float64(npsu) * float64(residents) / float64(per)
			eff := base + 0.5*r.NormFloat64()
			ps := 1 / (1 + math.Exp(-(2.1 + eff)))
			pa := 1 / (1 + math.Exp(-(1.2 + 0.5*eff)))
			for i := 0; i < per; i++ {
				buf = buf[:0]
				buf = fmt.Appendf(buf, "\"D%02d\",\"D%02d-C%02d\",", h, h, c)
				buf = strconv.AppendFloat(buf, weight, 'g', -1, 64)
				buf = append(buf, ',', bit(r.Float64() < ps), ',', bit(r.Float64() < pa), '\n')
				if _, err := w.Write(buf); err != nil {
					return err
				}
			}
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

func bit(b bool) byte {
	if b {
		return '1'
	}
	return '0'
}
