// Command testreport reads `go test -json` on stdin and writes what a
// plain `go test` run shows (package results, and the whole output of
// every test that failed), then one line counting the tests that ran on
// the named store. It exits 1 if anything failed or did not build.
//
//	go test -json ./... | go run ./internal/testreport embedded
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// event is one line of test2json output.
type event struct {
	Action     string
	Package    string
	ImportPath string
	Test       string
	Elapsed    float64
	Output     string
}

func main() {
	store := "the store"
	if len(os.Args) > 1 {
		store = os.Args[1]
	}
	// Output per test ("" = the package's own) until the test ends.
	pending := map[string][]string{}
	key := func(e event) string { return e.Package + "\x00" + e.Test }
	var passed, skipped, failed, subtests int
	var failures []string
	bad := false
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 16<<20)
	for in.Scan() {
		line := in.Bytes()
		var e event
		if json.Unmarshal(line, &e) != nil || e.Action == "" {
			fmt.Println(string(line)) // not JSON: the go command's own message
			continue
		}
		switch e.Action {
		case "build-output":
			fmt.Print(e.Output)
		case "build-fail":
			bad = true
		case "output":
			pending[key(e)] = append(pending[key(e)], e.Output)
		case "pass", "skip", "fail":
			out := pending[key(e)]
			delete(pending, key(e))
			if e.Test == "" {
				// The package's summary line ("ok ...", "FAIL ...").
				if e.Action == "fail" {
					bad = true
					fmt.Print(strings.Join(out, ""))
				}
				fmt.Printf("%-4s %s (%.1fs)\n", map[string]string{"pass": "ok", "skip": "ok", "fail": "FAIL"}[e.Action], e.Package, e.Elapsed)
				continue
			}
			if strings.Contains(e.Test, "/") {
				subtests++
				if e.Action == "fail" {
					fmt.Print(strings.Join(out, ""))
				}
				continue
			}
			switch e.Action {
			case "pass":
				passed++
			case "skip":
				skipped++
				for _, l := range out { // the reason
					if !strings.HasPrefix(l, "=== ") {
						fmt.Print(l)
					}
				}
			case "fail":
				failed++
				failures = append(failures, e.Package+"."+e.Test)
				fmt.Print(strings.Join(out, ""))
			}
		}
	}
	fmt.Printf("tests on %s: %d ran (%d passed, %d failed), %d skipped, %d subtests\n",
		store, passed+failed, passed, failed, skipped, subtests)
	for _, f := range failures {
		fmt.Println("  FAIL", f)
	}
	if bad || failed > 0 {
		os.Exit(1)
	}
}
