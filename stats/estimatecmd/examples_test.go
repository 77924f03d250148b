package estimatecmd_test

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"cleancity/stats/estimatecmd"
)

// examplesDir is ../shared/examples/stats seen from the module root, which is
// two levels above this package.
const examplesDir = "../../../shared/examples/stats"

// TestSharedExamples runs every case in the shared examples folder from
// inside that folder, as the README says, and compares every number with R's
// output to 1e-6 relative (1e-9 absolute).
func TestSharedExamples(t *testing.T) {
	abs, err := filepath.Abs(examplesDir)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(abs)
	if os.IsNotExist(err) {
		t.Skipf("%s not present", abs)
	}
	if err != nil {
		t.Fatal(err)
	}
	ran := 0
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		dir := filepath.Join(abs, e.Name())
		if _, err := os.Stat(filepath.Join(dir, "args")); err != nil {
			continue
		}
		ran++
		t.Run(e.Name(), func(t *testing.T) {
			args := append([]string{"--data", "data.csv", "--format", "json"}, strings.Fields(string(mustRead(t, filepath.Join(dir, "args"))))...)
			got := runIn(t, dir, args)
			var want any
			if err := json.Unmarshal(mustRead(t, filepath.Join(dir, "expected.json")), &want); err != nil {
				t.Fatal(err)
			}
			compareJSON(t, "", want, got, 1e-6, 1e-9)
		})
	}
	if ran == 0 {
		t.Fatalf("no example cases in %s", abs)
	}
}

// runIn runs the command with dir as the working directory and returns the
// decoded JSON. Tests that call it must not run in parallel.
func runIn(tb testing.TB, dir string, args []string) any {
	tb.Helper()
	old, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.Chdir(dir); err != nil {
		tb.Fatal(err)
	}
	defer os.Chdir(old)
	var stdout, stderr bytes.Buffer
	if err := estimatecmd.Run(context.Background(), args, &stdout, &stderr); err != nil {
		tb.Fatalf("Run(%q): %v\nstderr: %s", args, err, stderr.String())
	}
	var got any
	if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
		tb.Fatalf("output is not JSON: %v\n%s", err, stdout.String())
	}
	return got
}

func mustRead(tb testing.TB, path string) []byte {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// compareJSON checks that got has every key of want with equal strings,
// booleans and nulls and numbers within rel (relative) or abs (absolute).
func compareJSON(tb testing.TB, path string, want, got any, rel, abs float64) {
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
			compareJSON(tb, path+"."+k, wv, gv, rel, abs)
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			tb.Errorf("%s: got %v, want %d elements", path, got, len(w))
			return
		}
		for i := range w {
			compareJSON(tb, path+"["+strconv.Itoa(i)+"]", w[i], g[i], rel, abs)
		}
	case float64:
		g, ok := got.(float64)
		if !ok {
			tb.Errorf("%s: got %v, want %v", path, got, w)
			return
		}
		if d := math.Abs(g - w); d > abs && d > rel*math.Abs(w) {
			tb.Errorf("%s: got %.17g, want %.17g (rel diff %.3g)", path, g, w, d/math.Abs(w))
		}
	default:
		if want != got {
			tb.Errorf("%s: got %v, want %v", path, got, want)
		}
	}
}
