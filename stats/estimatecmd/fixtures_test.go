package estimatecmd

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"cleancity/stats"
)

// fixtureDir holds the R-made fixtures (see make_fixtures.R there).
const fixtureDir = "../testdata"

type fixtureCase struct {
	Name     string          `json:"name"`
	Data     string          `json:"data"`
	Args     []string        `json:"args"`
	Expected json.RawMessage `json:"expected"`
	Totals   []struct {
		Variable string   `json:"variable"`
		Domain   string   `json:"domain"`
		Estimate float64  `json:"estimate"`
		SE       float64  `json:"se"`
		Deff     *float64 `json:"deff"`
	} `json:"totals"`
}

func loadFixtures(tb testing.TB) []fixtureCase {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(fixtureDir, "cases.json"))
	if err != nil {
		tb.Fatal(err)
	}
	var cases []fixtureCase
	if err := json.Unmarshal(b, &cases); err != nil {
		tb.Fatal(err)
	}
	if len(cases) < 30 {
		tb.Fatalf("only %d fixture cases", len(cases))
	}
	return cases
}

// chdir switches to dir until the test ends; tests using it are not parallel.
func chdir(tb testing.TB, dir string) {
	tb.Helper()
	old, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.Chdir(dir); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { os.Chdir(old) })
}

// TestRFixtures runs every R case through the command and requires every
// number to agree with R to 1e-9 relative.
func TestRFixtures(t *testing.T) {
	cases := loadFixtures(t)
	chdir(t, fixtureDir)
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			args := append([]string{"--data", c.Data}, c.Args...)
			var stdout, stderr bytes.Buffer
			if err := Run(context.Background(), args, &stdout, &stderr); err != nil {
				t.Fatalf("Run: %v\n%s", err, stderr.String())
			}
			var got, want any
			if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(c.Expected, &want); err != nil {
				t.Fatal(err)
			}
			compare(t, "", want, got, 1e-9)
			gotKeys := got.(map[string]any)["estimates"].([]any)
			wantKeys := want.(map[string]any)["estimates"].([]any)
			if len(gotKeys) != len(wantKeys) {
				t.Fatalf("%d estimates, want %d", len(gotKeys), len(wantKeys))
			}
		})
	}
}

// TestRFixtureTotals checks svytotal (with deff) through the package, with
// the designs the command builds from the same flags.
func TestRFixtureTotals(t *testing.T) {
	cases := loadFixtures(t)
	chdir(t, fixtureDir)
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			args := append([]string{"--data", c.Data}, c.Args...)
			for _, tt := range c.Totals {
				args = append(args, "--ratio", tt.Variable+"/"+tt.Variable)
			}
			o, err := parseFlags(args, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			sv, err := load(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			for _, tt := range c.Totals {
				d := stats.Overall
				if o.by != "" {
					d = stats.InDomain(tt.Domain)
				}
				e, err := sv.Total(tt.Variable, d)
				if err != nil {
					t.Fatalf("Total(%s, %q): %v", tt.Variable, tt.Domain, err)
				}
				where := tt.Variable + "[" + tt.Domain + "]"
				near(t, where+".estimate", e.Value, tt.Estimate, 1e-9)
				near(t, where+".se", e.SE, tt.SE, 1e-9)
				if tt.Deff == nil {
					if e.DeffValid {
						t.Errorf("%s.deff: got %v, R has NA", where, e.Deff)
					}
				} else if !e.DeffValid {
					t.Errorf("%s.deff: invalid, R has %v", where, *tt.Deff)
				} else {
					near(t, where+".deff", e.Deff, *tt.Deff, 1e-9)
				}
			}
		})
	}
}

func near(tb testing.TB, what string, got, want, rel float64) {
	tb.Helper()
	if d := math.Abs(got - want); d > rel*math.Abs(want) && d > 1e-15 {
		tb.Errorf("%s: got %.17g, want %.17g (rel diff %.3g)", what, got, want, d/math.Abs(want))
	}
}

// compare checks that got has every key of want, with equal strings,
// booleans and nulls, and numbers within rel.
func compare(tb testing.TB, path string, want, got any, rel float64) {
	tb.Helper()
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			tb.Errorf("%s: got %T, want object", path, got)
			return
		}
		for k, wv := range w {
			gv, ok := g[k]
			if !ok {
				tb.Errorf("%s.%s: missing", path, k)
				continue
			}
			compare(tb, path+"."+k, wv, gv, rel)
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			tb.Errorf("%s: got %d elements, want %d", path, len(g), len(w))
			return
		}
		for i := range w {
			compare(tb, path+"["+strconv.Itoa(i)+"]", w[i], g[i], rel)
		}
	case float64:
		g, ok := got.(float64)
		if !ok {
			tb.Errorf("%s: got %v, want %v", path, got, w)
			return
		}
		near(tb, path, g, w, rel)
	default:
		if want != got {
			tb.Errorf("%s: got %v, want %v", path, got, want)
		}
	}
}
