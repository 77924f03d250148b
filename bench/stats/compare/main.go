// Command compare checks the stats benchmark's portal output against R's:
// every overall and per-district estimate, standard error, design effect
// and interval end, printing the largest relative differences.
//
//	go run ./bench/stats/compare R.csv PORTAL.json
package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strconv"

	"cleancity/stats/estimatecmd"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: compare R.csv PORTAL.json")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "compare:", err)
		os.Exit(1)
	}
}

func run(rPath, pPath string) error {
	f, err := os.Open(rPath)
	if err != nil {
		return err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return err
	}
	b, err := os.ReadFile(pPath)
	if err != nil {
		return err
	}
	var out estimatecmd.Output
	if err := json.Unmarshal(b, &out); err != nil {
		return err
	}
	portal := map[string]estimatecmd.Row{}
	for _, r := range append(append([]estimatecmd.Row(nil), out.Overall...), out.Estimates...) {
		portal[r.Indicator+"@"+r.Domain] = r
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	maxRel := map[string]float64{}
	names := []string{"estimate", "se", "deff", "ci_low", "ci_high"}
	overall := 0
	for _, rec := range recs[1:] {
		key := rec[col["indicator"]] + "@" + rec[col["domain"]]
		p, ok := portal[key]
		if !ok || p.Deff == nil || p.CILow == nil {
			return fmt.Errorf("portal has no full estimate %s", key)
		}
		if rec[col["domain"]] == "" {
			overall++
		}
		got := map[string]float64{"estimate": p.Estimate, "se": p.SE, "deff": *p.Deff, "ci_low": *p.CILow, "ci_high": *p.CIHigh}
		for _, n := range names {
			want, err := strconv.ParseFloat(rec[col[n]], 64)
			if err != nil {
				return fmt.Errorf("%s %s: %v", key, n, err)
			}
			maxRel[n] = math.Max(maxRel[n], math.Abs(got[n]-want)/math.Abs(want))
		}
	}
	if n := len(recs) - 1; n != len(portal) || overall != 2 {
		return fmt.Errorf("R has %d estimates (%d overall), the portal %d", n, overall, len(portal))
	}
	fmt.Printf("compared %d estimates (%d overall, %d by district); max relative difference:", len(recs)-1, overall, len(recs)-1-overall)
	for _, n := range names {
		fmt.Printf(" %s %.2g", n, maxRel[n])
	}
	fmt.Println()
	return nil
}
