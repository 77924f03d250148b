package estimatecmd

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFile(tb testing.TB, dir, name, text string) {
	tb.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
		tb.Fatal(err)
	}
}

const goodCSV = `"district","community","weight","satisfied","correct","answered","sex","fpc"
"D1","C1",10,1,3,5,"F",20
"D1","C1",12,0,4,5,"M",20
"D1","C2",11,1,5,5,"F",20
"D2","C3",9,1,2,4,"M",10
"D2","C4",10,1,1,4,"F",10
"D2","C4",8,0,4,4,"M",10
`

// TestBadInput checks that bad flags and bad data fail with a message that
// names the flag, or the CSV line and column.
func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "good.csv", goodCSV)
	writeFile(t, dir, "sex.csv", "sex,Freq\nF,100\nM,90\n")
	writeFile(t, dir, "sex_extra.csv", "sex,Freq\nF,100\nM,90\nX,5\n")
	bad := func(old, new string) string { return strings.Replace(goodCSV, old, new, 1) }
	writeFile(t, dir, "zero_weight.csv", bad(`"D1","C1",12,`, `"D1","C1",0,`))
	writeFile(t, dir, "neg_weight.csv", bad(`"D1","C1",12,`, `"D1","C1",-1,`))
	writeFile(t, dir, "na_weight.csv", bad(`"D1","C1",12,`, `"D1","C1",NA,`))
	writeFile(t, dir, "not01.csv", bad(`"D2","C3",9,1,`, `"D2","C3",9,2,`))
	writeFile(t, dir, "text.csv", bad(`"D2","C3",9,1,`, `"D2","C3",9,yes,`))
	writeFile(t, dir, "lonely.csv", bad(`"D1","C2"`, `"D1","C1"`))
	writeFile(t, dir, "empty.csv", `"district","community","weight","satisfied"`+"\n")
	writeFile(t, dir, "ragged.csv", goodCSV+"\"D3\",\"C9\",1\n")
	writeFile(t, dir, "small_fpc.csv", strings.ReplaceAll(goodCSV, ",20\n", ",1.5\n"))
	chdir(t, dir)

	base := []string{"--data", "good.csv", "--weight", "weight", "--strata", "district", "--cluster", "community"}
	cases := []struct {
		name string
		args []string
		want []string
	}{
		{"no data", []string{"--indicator", "satisfied"}, []string{"--data"}},
		{"missing file", []string{"--data", "nope.csv", "--indicator", "satisfied"}, []string{"--data", "nope.csv"}},
		{"nothing to estimate", base, []string{"--indicator"}},
		{"unknown column", append(base, "--indicator", "happy"), []string{"--indicator", `"happy"`}},
		{"unknown weight", []string{"--data", "good.csv", "--indicator", "satisfied", "--weight", "wt"}, []string{"--weight", `"wt"`}},
		{"bad ci", append(base, "--indicator", "satisfied", "--ci", "exact"), []string{"--ci"}},
		{"bad level", append(base, "--indicator", "satisfied", "--level", "95"), []string{"--level"}},
		{"bad threshold", append(base, "--indicator", "satisfied", "--threshold", "high"), []string{"--threshold"}},
		{"bad lonely", append(base, "--indicator", "satisfied", "--lonely-psu", "scale"), []string{"--lonely-psu"}},
		{"bad format", append(base, "--indicator", "satisfied", "--format", "xml"), []string{"--format"}},
		{"bad ratio", append(base, "--ratio", "correct"), []string{"--ratio"}},
		{"bad rake", append(base, "--indicator", "satisfied", "--rake", "sex"), []string{"--rake"}},
		{"rake file missing", append(base, "--indicator", "satisfied", "--rake", "sex=nope.csv"), []string{"--rake", "nope.csv"}},
		{"rake cell not in sample", append(base, "--indicator", "satisfied", "--rake", "sex=sex_extra.csv"), []string{"--poststratify/--rake", `"X"`}},
		{"unknown flag", append(base, "--indicator", "satisfied", "--strata2", "x"), []string{"strata2"}},
		{"stray argument", append(base, "--indicator", "satisfied", "extra"), []string{`"extra"`}},
		{"zero weight", []string{"--data", "zero_weight.csv", "--weight", "weight", "--indicator", "satisfied"}, []string{"line 3", `column "weight"`}},
		{"negative weight", []string{"--data", "neg_weight.csv", "--weight", "weight", "--indicator", "satisfied"}, []string{"line 3", `column "weight"`}},
		{"missing weight", []string{"--data", "na_weight.csv", "--weight", "weight", "--indicator", "satisfied"}, []string{"line 3", `column "weight"`, "missing"}},
		{"indicator not 0/1", []string{"--data", "not01.csv", "--indicator", "satisfied"}, []string{"line 5", `column "satisfied"`, "0 or 1"}},
		{"indicator not a number", []string{"--data", "text.csv", "--indicator", "satisfied"}, []string{"line 5", `column "satisfied"`}},
		{"lonely psu fail", []string{"--data", "lonely.csv", "--weight", "weight", "--strata", "district", "--cluster", "community", "--indicator", "satisfied"}, []string{"--lonely-psu", `"D1"`}},
		{"empty data", []string{"--data", "empty.csv", "--indicator", "satisfied"}, []string{"--data", "no rows"}},
		{"ragged data", []string{"--data", "ragged.csv", "--indicator", "satisfied"}, []string{"line 8"}},
		{"fpc too small", []string{"--data", "small_fpc.csv", "--strata", "district", "--cluster", "community", "--fpc", "fpc", "--indicator", "satisfied"}, []string{"--fpc", `"D1"`}},
		{"fpc varies", append(base, "--indicator", "satisfied", "--fpc", "correct"), []string{"line 3", `column "correct"`, "FPC"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := Run(context.Background(), c.args, &stdout, &stderr)
			if err == nil {
				t.Fatalf("Run succeeded: %s", stdout.String())
			}
			for _, w := range c.want {
				if !strings.Contains(stderr.String(), w) {
					t.Errorf("stderr %q does not mention %q", stderr.String(), w)
				}
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout not empty: %q", stdout.String())
			}
		})
	}
}

func TestOutputShape(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "good.csv", "\ufeff"+goodCSV)
	chdir(t, dir)
	args := []string{"--data", "good.csv", "--weight", "weight", "--strata", "district", "--cluster", "community",
		"--indicator", "satisfied", "--ratio", "correct/answered", "--by", "sex", "--ci", "mean", "--lonely-psu", "remove"}
	var stdout, stderr bytes.Buffer
	if err := Run(context.Background(), args, &stdout, &stderr); err != nil {
		t.Fatalf("%v: %s", err, stderr.String())
	}
	var out map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	design := out["design"].(map[string]any)
	if design["n"] != 6.0 || design["strata"] != 2.0 || design["psus"] != 4.0 || design["df"] != 2.0 {
		t.Errorf("design %v", design)
	}
	ests := out["estimates"].([]any)
	if len(ests) != 4 {
		t.Fatalf("%d estimates, want 4 (2 domains x indicator and ratio)", len(ests))
	}
	keys := []string{"indicator", "domain", "estimate", "se", "ci_low", "ci_high", "deff", "threshold", "point_meets", "verdict"}
	for i, e := range ests {
		m := e.(map[string]any)
		for _, k := range keys {
			if _, ok := m[k]; !ok {
				t.Errorf("estimate %d lacks %q", i, k)
			}
		}
		if len(m) != len(keys) {
			t.Errorf("estimate %d has extra keys: %v", i, m)
		}
	}
	first, ratio := ests[0].(map[string]any), ests[2].(map[string]any)
	if first["indicator"] != "satisfied" || first["domain"] != "F" || ests[1].(map[string]any)["domain"] != "M" {
		t.Errorf("order: %v", ests)
	}
	// A ratio has its Wald interval (z), deff and verdict like the
	// proportions (values checked against R in TestRFixtures).
	lo, _ := ratio["ci_low"].(float64)
	hi, _ := ratio["ci_high"].(float64)
	est, _ := ratio["estimate"].(float64)
	if ratio["indicator"] != "correct/answered" || !(lo < est && est < hi) || ratio["deff"] == nil || ratio["verdict"] != "inconclusive" {
		t.Errorf("ratio row %v", ratio)
	}
	if first["threshold"] != 0.9 {
		t.Errorf("default threshold %v", first["threshold"])
	}

	stdout.Reset()
	if err := Run(context.Background(), append(args, "--format", "table"), &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"design: n=6 strata=2 psus=4 df=2", "satisfied", "correct/answered", "verdict"} {
		if !strings.Contains(stdout.String(), w) {
			t.Errorf("table lacks %q:\n%s", w, stdout.String())
		}
	}
}

// TestRatioVerdictNeedsDF: a ratio over a domain inside one sampled
// community keeps R's interval (confint(svyratio) uses z whatever the
// degrees of freedom) but gets no verdict: here that interval has zero
// width and would call every community "below" with certainty.
func TestRatioVerdictNeedsDF(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "good.csv", goodCSV)
	chdir(t, dir)
	args := []string{"--data", "good.csv", "--weight", "weight", "--strata", "district", "--cluster", "community",
		"--ratio", "correct/answered", "--by", "community"}
	var stdout, stderr bytes.Buffer
	if err := Run(context.Background(), args, &stdout, &stderr); err != nil {
		t.Fatalf("%v: %s", err, stderr.String())
	}
	var out struct {
		Estimates []struct {
			Domain  string   `json:"domain"`
			CILow   *float64 `json:"ci_low"`
			Verdict *string  `json:"verdict"`
		} `json:"estimates"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	if len(out.Estimates) != 4 {
		t.Fatalf("%d estimates, want one per community", len(out.Estimates))
	}
	for _, e := range out.Estimates {
		if e.CILow == nil || e.Verdict != nil {
			t.Errorf("community %s: ci_low %v, verdict %v; want an interval and no verdict", e.Domain, e.CILow, e.Verdict)
		}
	}
}
