package estimatecmd

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"cleancity/stats"
)

func runJSON(tb testing.TB, args ...string) Output {
	tb.Helper()
	var stdout, stderr bytes.Buffer
	if err := Run(context.Background(), args, &stdout, &stderr); err != nil {
		tb.Fatalf("Run %v: %v\n%s", args, err, stderr.String())
	}
	var out Output
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		tb.Fatal(err)
	}
	return out
}

// withoutBy drops "--by COL" from args.
func withoutBy(args []string) ([]string, bool) {
	i := slices.Index(args, "--by")
	if i < 0 {
		return args, false
	}
	return append(append([]string(nil), args[:i]...), args[i+2:]...), true
}

// TestByReportsOverallAsR: with --by the command also prints the overall
// estimates, from the same pass; they are R's overall estimates of the
// fixture with the same design and no --by.
func TestByReportsOverallAsR(t *testing.T) {
	cases := loadFixtures(t)
	chdir(t, fixtureDir)
	overall := map[string]fixtureCase{}
	for _, c := range cases {
		if _, by := withoutBy(c.Args); !by {
			overall[c.Data+" "+strings.Join(c.Args, " ")] = c
		}
	}
	checked := 0
	for _, c := range cases {
		rest, by := withoutBy(c.Args)
		if !by {
			continue
		}
		out := runJSON(t, append([]string{"--data", c.Data}, c.Args...)...)
		if len(out.Overall) == 0 {
			t.Fatalf("%s: no overall estimates with --by", c.Name)
		}
		ref, ok := overall[c.Data+" "+strings.Join(rest, " ")]
		if !ok {
			continue
		}
		var want struct {
			Estimates json.RawMessage `json:"estimates"`
		}
		if err := json.Unmarshal(ref.Expected, &want); err != nil {
			t.Fatal(err)
		}
		got, _ := json.Marshal(out.Overall)
		var g, w any
		json.Unmarshal(got, &g)
		json.Unmarshal(want.Estimates, &w)
		compare(t, c.Name+".overall", w, g, 1e-9)
		checked++
	}
	if checked < 2 {
		t.Fatalf("only %d --by cases have an overall twin among the fixtures", checked)
	}
}

// TestForecastFromRNumbers: --forecast's interim verdicts and counts are
// stats.Sequential.Monitor applied to R's estimates, standard errors and
// design effects (fixture by_district_logit), with each district's
// degrees of freedom counted from the file.
func TestForecastFromRNumbers(t *testing.T) {
	var fx fixtureCase
	for _, c := range loadFixtures(t) {
		if c.Name == "by_district_logit" {
			fx = c
		}
	}
	chdir(t, fixtureDir)
	const target = 1500
	args := append([]string{"--data", fx.Data}, fx.Args...)
	args = append(args, "--forecast", "--target-n", "1500", "--target-n", "D01=300")
	out := runJSON(t, args...)

	f, err := os.Open(fx.Data)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	psus := map[string]map[string]bool{}
	rows := map[string]int{}
	for _, r := range recs[1:] {
		d := r[col["district"]]
		if psus[d] == nil {
			psus[d] = map[string]bool{}
		}
		psus[d][r[col["community"]]] = true
		rows[d]++
	}
	var want struct {
		Estimates []Row `json:"estimates"`
	}
	if err := json.Unmarshal(fx.Expected, &want); err != nil {
		t.Fatal(err)
	}
	seq, _ := stats.NewSequential(stats.DefaultLooks, 0.95)
	n := len(recs) - 1
	checked, forecast := 0, 0
	for i, r := range want.Estimates {
		if strings.Contains(r.Indicator, "/") {
			continue
		}
		got := out.Estimates[i]
		if got.Indicator != r.Indicator || got.Domain != r.Domain || got.Forecast == nil {
			t.Fatalf("row %d: %s %s (forecast %v), want %s %s", i, got.Indicator, got.Domain, got.Forecast, r.Indicator, r.Domain)
		}
		k := len(psus[r.Domain])
		tgt := int(math.Round(float64(target) * float64(rows[r.Domain]) / float64(n)))
		if r.Domain == "D01" {
			tgt = 300
		}
		in, fc, _, err := seq.Monitor(stats.MonitorSpec{Scale: stats.CILogit, Value: r.Estimate, SE: r.SE, N: rows[r.Domain],
			PSUs: k, Deff: *r.Deff, DF: k - 1, QuantileDF: k - 1, Target: tgt, Threshold: 0.90, MinRoh: stats.DefaultMinRoh})
		if err != nil {
			t.Fatal(err)
		}
		where := r.Indicator + "@" + r.Domain
		if *got.Verdict != string(in.Verdict) || got.Interim.Look != in.Look || got.Forecast.Target != tgt {
			t.Errorf("%s: verdict %s look %d target %d, want %s %d %d", where, *got.Verdict, got.Interim.Look, got.Forecast.Target, in.Verdict, in.Look, tgt)
		}
		near(t, where+".critical", got.Interim.Critical, in.Critical, 1e-9)
		near(t, where+".interim_low", got.Interim.CILow, in.Low, 1e-7)
		wantNeeded := fc.Needed
		gotNeeded := stats.Never
		if got.Forecast.Needed != nil {
			gotNeeded = *got.Forecast.Needed
		}
		if gotNeeded != wantNeeded || got.Forecast.TooEarly != fc.TooEarly || got.Forecast.Reachable != fc.Reachable {
			t.Errorf("%s: needed %d early %t reachable %t, from R's numbers %d %t %t", where, gotNeeded, got.Forecast.TooEarly,
				got.Forecast.Reachable, wantNeeded, fc.TooEarly, fc.Reachable)
		}
		checked++
		if !fc.TooEarly {
			forecast++
		}
	}
	if checked != 12 || forecast < 3 {
		t.Fatalf("checked %d rows, %d with a count forecast", checked, forecast)
	}
}

// TestForecastFlags: --forecast and --target-n are checked and named.
func TestForecastFlags(t *testing.T) {
	chdir(t, fixtureDir)
	base := []string{"--data", "main.csv", "--indicator", "satisfied", "--weight", "weight", "--strata", "district", "--cluster", "community"}
	for _, tc := range []struct {
		extra []string
		want  string
	}{
		{[]string{"--forecast"}, "--target-n: --forecast needs"},
		{[]string{"--target-n", "100"}, "--target-n: only with --forecast"},
		{[]string{"--forecast", "--target-n", "0"}, "--target-n: \"0\""},
		{[]string{"--forecast", "--target-n", "x"}, "--target-n: \"x\""},
		{[]string{"--forecast", "--target-n", "100", "--target-n", "200"}, "given twice"},
		{[]string{"--forecast", "--target-n", "100", "--target-n", "D01=20"}, "needs --by"},
		{[]string{"--forecast", "--target-n", "100", "--by", "district", "--target-n", "D99=20"}, "no --by level \"D99\""},
	} {
		var stdout, stderr bytes.Buffer
		err := Run(context.Background(), append(append([]string(nil), base...), tc.extra...), &stdout, &stderr)
		if err == nil || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("%v: error %v, stderr %q, want %q", tc.extra, err, stderr.String(), tc.want)
		}
	}
	// The table prints the forecast and the allocation.
	file := synthCSV(t)
	var stdout, stderr bytes.Buffer
	if err := Run(context.Background(), []string{"--data", file, "--indicator", "satisfied", "--weight", "weight", "--strata", "district",
		"--cluster", "community", "--forecast", "--target-n", "3000", "--format", "table"}, &stdout, &stderr); err != nil {
		t.Fatal(err, stderr.String())
	}
	for _, want := range []string{"forecast (verdicts above are interim", "satisfied  (overall)", "allocation of satisfied:"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, stdout.String())
		}
	}
}

// synthCSV writes 4 strata x 6 communities x 30 interviews with a
// satisfaction rate near 0.92 and returns the file's path.
func synthCSV(tb testing.TB) string {
	tb.Helper()
	var b strings.Builder
	b.WriteString("district,community,weight,satisfied\n")
	x := uint64(12345)
	for h := 1; h <= 4; h++ {
		for c := 1; c <= 6; c++ {
			for i := 0; i < 30; i++ {
				x = x*6364136223846793005 + 1442695040888963407
				sat := 0
				if float64(x>>11)/(1<<53) < 0.94+0.01*float64(h)-0.004*float64(c) {
					sat = 1
				}
				fmt.Fprintf(&b, "D%d,D%d-C%d,%d,%d\n", h, h, c, 100+10*h+c, sat)
			}
		}
	}
	path := filepath.Join(tb.TempDir(), "synth.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
}
