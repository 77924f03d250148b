package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"cleancity/portal"
	"cleancity/portal/store"
	"cleancity/portal/store/storetest"
)

// The demo point from the foundation issue: inside the demo city.
const demoLat, demoLon = "27.8412", "113.1437"

// readyTimeout bounds start-up with the full demo seed, generous because
// CI runs the tests with -race on two cores.
const readyTimeout = 5 * time.Minute

var urlPattern = regexp.MustCompile(`listening on (http://\S+/)`)

// syncBuffer is an io.Writer safe to read while run writes to it.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// runningPortal is the real binary's run() serving in this process.
type runningPortal struct {
	url    string
	cancel context.CancelFunc
	done   chan error
	stderr *syncBuffer
}

// startPortal runs `portal serve` in-process on port 0 and waits for its URL.
func startPortal(t *testing.T, args ...string) *runningPortal {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	p := &runningPortal{cancel: cancel, done: make(chan error, 1), stderr: stderr}
	full := append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)
	go func() { p.done <- run(ctx, full, strings.NewReader(""), stdout, stderr) }()
	deadline := time.Now().Add(readyTimeout)
	for {
		if m := urlPattern.FindStringSubmatch(stdout.String()); m != nil {
			p.url = m[1]
			break
		}
		select {
		case err := <-p.done:
			t.Fatalf("portal exited before ready: %v\n%s", err, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("portal not ready in time\n%s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Cleanup(func() { p.stop(t) })
	return p
}

// stop cancels the context (as SIGINT would) and waits for a clean exit.
func (p *runningPortal) stop(t *testing.T) {
	t.Helper()
	if p.cancel == nil {
		return
	}
	p.cancel()
	p.cancel = nil
	select {
	case err := <-p.done:
		if err != nil {
			t.Errorf("portal exit: %v\n%s", err, p.stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Errorf("portal did not stop within 30 s")
	}
}

func getJSON(t *testing.T, url string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	var m map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		t.Fatalf("GET %s: not JSON: %v", url, err)
	}
	return resp.StatusCode, m
}

func locateDemoPoint(t *testing.T, base string) map[string]any {
	t.Helper()
	status, body := getJSON(t, base+"api/v1/areas/locate?lat="+demoLat+"&lon="+demoLon)
	if status != http.StatusOK {
		t.Fatalf("locate: status %d, body %v", status, body)
	}
	return body
}

func field(m map[string]any, path ...string) string {
	var v any = m
	for _, p := range path {
		mm, ok := v.(map[string]any)
		if !ok {
			return ""
		}
		v = mm[p]
	}
	s, _ := v.(string)
	return s
}

// storeArgs selects the test's store for `portal serve`: the embedded
// store in a fresh data dir, or on the PostgreSQL pass a fresh PostgreSQL
// database (PostgreSQL mode), and names the mode /readyz should report.
func storeArgs(t *testing.T) (args []string, mode string) {
	t.Helper()
	dir := t.TempDir()
	if storetest.PostgreSQLURL() == "" {
		return []string{"--data-dir", dir}, "embedded"
	}
	return append(storetest.NewCommandStore(t).Flags, "--data-dir", dir), "postgresql"
}

func TestServeDemoReadyLocateAndRestart(t *testing.T) {
	args, mode := storeArgs(t)
	p := startPortal(t, append([]string{"--demo"}, args...)...)

	status, ready := getJSON(t, p.url+"readyz")
	if status != http.StatusOK || ready["status"] != "ready" || ready["store"] != mode {
		t.Fatalf("readyz = %d %v, want store %s", status, ready, mode)
	}
	status, health := getJSON(t, p.url+"healthz")
	if status != http.StatusOK || health["status"] != "ok" {
		t.Fatalf("healthz = %d %v", status, health)
	}
	loc := locateDemoPoint(t, p.url)
	grid, dept := field(loc, "grid", "id"), field(loc, "department", "id")
	if grid == "" || dept == "" || field(loc, "district", "id") == "" {
		t.Fatalf("locate names no grid/department/district: %v", loc)
	}
	// The embedded store's JWT secret was generated into the data dir,
	// readable by the owner only (PostgreSQL mode keeps it in the store).
	dir := args[len(args)-1]
	info, err := os.Stat(filepath.Join(dir, "jwt-secret"))
	switch {
	case mode != "embedded":
		if err == nil {
			t.Errorf("PostgreSQL mode wrote a jwt secret into the data dir")
		}
	case err != nil:
		t.Fatalf("jwt secret not kept: %v", err)
	case info.Mode().Perm() != 0o600:
		t.Errorf("jwt secret mode = %o, want 600", info.Mode().Perm())
	}
	p.stop(t)

	// Restart on the same store, without --demo: the city is still there.
	p2 := startPortal(t, args...)
	loc2 := locateDemoPoint(t, p2.url)
	if field(loc2, "grid", "id") != grid || field(loc2, "department", "id") != dept {
		t.Fatalf("after restart locate = %v, want grid %s department %s", loc2, grid, dept)
	}
}

func TestServeRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"serve", "--log-format", "xml"},
		{"serve", "--log-level", "trace"},
		{"serve", "--jwt-secret", "short"},
		{"serve", "--body-limit", "ten"},
		{"serve", "--filing-limit", "-1"},
		{"serve", "--filing-limit", "many"},
		{"serve", "--trusted-proxies", "10.0.0.0/8,spoof"},
		{"serve", "--trusted-proxies", "10.0.0.0/33"},
		{"serve", "extra"},
		{"nonsense"},
		{},
	} {
		var stderr syncBuffer
		err := run(context.Background(), args, strings.NewReader(""), io.Discard, &stderr)
		if _, ok := err.(usageError); !ok {
			t.Errorf("run(%q) = %v, want a usage error", args, err)
		}
	}
}

func TestEnvironmentConfiguresServe(t *testing.T) {
	t.Setenv("PORTAL_ADDR", "127.0.0.1:9999")
	t.Setenv("PORTAL_DEMO", "true")
	t.Setenv("MONGODB_URI", "mongodb://db.example:27017/city")
	cfg, err := serveConfig([]string{"--addr", "127.0.0.1:7777"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != "127.0.0.1:7777" {
		t.Errorf("flag should win over env: addr = %s", cfg.Addr)
	}
	if !cfg.Demo || cfg.MongoURI != "mongodb://db.example:27017/city" {
		t.Errorf("env not applied: demo=%v uri=%q", cfg.Demo, cfg.MongoURI)
	}
	if cfg.FilingLimit != portal.DefaultFilingLimit {
		t.Errorf("default filing limit %d, want %d", cfg.FilingLimit, portal.DefaultFilingLimit)
	}
	t.Setenv("PORTAL_FILING_LIMIT", "0")
	if cfg, err := serveConfig(nil, io.Discard); err != nil || cfg.FilingLimit != 0 {
		t.Errorf("PORTAL_FILING_LIMIT=0: limit %d, %v", cfg.FilingLimit, err)
	}
	if len(cfg.TrustedProxies) != 0 {
		t.Errorf("trusted proxies by default: %v", cfg.TrustedProxies)
	}
	t.Setenv("PORTAL_TRUSTED_PROXIES", "10.0.0.0/8, 192.0.2.7 2001:db8::/32")
	if cfg, err := serveConfig(nil, io.Discard); err != nil || fmt.Sprint(cfg.TrustedProxies) != "[10.0.0.0/8 192.0.2.7/32 2001:db8::/32]" {
		t.Errorf("PORTAL_TRUSTED_PROXIES: %v, %v", cfg.TrustedProxies, err)
	}
	if cfg, err := serveConfig([]string{"--trusted-proxies", "127.0.0.1"}, io.Discard); err != nil || fmt.Sprint(cfg.TrustedProxies) != "[127.0.0.1/32]" {
		t.Errorf("--trusted-proxies should win over env: %v, %v", cfg.TrustedProxies, err)
	}
	t.Setenv("PORTAL_DEMO", "maybe")
	if _, err := serveConfig(nil, io.Discard); err == nil {
		t.Error("PORTAL_DEMO=maybe accepted")
	}
}

func TestMaskURI(t *testing.T) {
	got := store.MaskURL("mongodb://app:s3cret@db1:27017,db2:27017/city?replicaSet=rs0")
	if strings.Contains(got, "s3cret") || !strings.Contains(got, "app:****@db1") {
		t.Errorf("MaskURL = %s", got)
	}
}

func TestVersion(t *testing.T) {
	var out syncBuffer
	if err := run(context.Background(), []string{"version"}, nil, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "portal ") {
		t.Errorf("version printed %q", out.String())
	}
}

// TestHelperProcess is not a test: TestKill9 re-executes the test binary
// with this test selected to run the real serve command in a child process
// that it can kill -9.
func TestHelperProcess(t *testing.T) {
	if os.Getenv("PORTAL_TEST_HELPER") != "1" {
		t.Skip("helper process for TestKill9")
	}
	args := strings.Split(os.Getenv("PORTAL_TEST_ARGS"), "\x1f")
	if err := run(context.Background(), args, os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(0)
}

// startChild runs `portal serve` in a child process and returns it with its URL.
func startChild(t *testing.T, args ...string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), "PORTAL_TEST_HELPER=1",
		"PORTAL_TEST_ARGS="+strings.Join(append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), "\x1f"))
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr syncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := urlPattern.FindStringSubmatch(sc.Text()); m != nil {
				urls <- m[1]
			}
		}
		close(urls)
	}()
	select {
	case url, ok := <-urls:
		if !ok {
			t.Fatalf("child exited before ready:\n%s", stderr.String())
		}
		return cmd, url
	case <-time.After(readyTimeout):
		t.Fatalf("child not ready:\n%s", stderr.String())
	}
	return nil, ""
}

// TestKill9KeepsAcknowledgedWrites kills the serving process without any
// chance to clean up and checks that what it acknowledged is still there.
func TestKill9KeepsAcknowledgedWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	args, _ := storeArgs(t)
	cmd, url := startChild(t, append([]string{"--demo"}, args...)...)
	before := locateDemoPoint(t, url)
	writes := acknowledgedWrites(t, url)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()

	p := startPortal(t, args...)
	after := locateDemoPoint(t, p.url)
	if field(after, "grid", "id") != field(before, "grid", "id") {
		t.Fatalf("after kill -9 locate = %v, want %v", after, before)
	}
	for _, check := range writes {
		check(t, p.url)
	}
}

// TestStatsEstimateWired runs one shared example through `portal stats
// estimate` as the binary dispatches it.
func TestStatsEstimateWired(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "examples", "stats", "strat_cluster_logit")
	args, err := os.ReadFile(filepath.Join(dir, "args"))
	if err != nil {
		t.Skipf("shared examples not present: %v", err)
	}
	wantRaw, err := os.ReadFile(filepath.Join(dir, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var out, errOut syncBuffer
	full := append([]string{"stats", "estimate", "--data", filepath.Join(dir, "data.csv")}, strings.Fields(string(args))...)
	if err := run(context.Background(), full, nil, &out, &errOut); err != nil {
		t.Fatalf("run: %v\n%s", err, errOut.String())
	}
	var got, want struct {
		Estimates []struct {
			Indicator string  `json:"indicator"`
			Estimate  float64 `json:"estimate"`
			Verdict   string  `json:"verdict"`
		} `json:"estimates"`
	}
	if err := json.Unmarshal([]byte(out.String()), &got); err != nil {
		t.Fatal(err)
	}
	_ = json.Unmarshal(wantRaw, &want)
	if len(got.Estimates) != len(want.Estimates) || len(got.Estimates) == 0 {
		t.Fatalf("got %d estimates, want %d", len(got.Estimates), len(want.Estimates))
	}
	for i := range want.Estimates {
		g, w := got.Estimates[i], want.Estimates[i]
		if g.Indicator != w.Indicator || g.Verdict != w.Verdict || math.Abs(g.Estimate-w.Estimate) > 1e-9 {
			t.Errorf("estimate %d = %+v, want %+v", i, g, w)
		}
	}
	// A missing file is a failure with the reason on stderr, not a panic.
	errOut = syncBuffer{}
	if err := run(context.Background(), []string{"stats", "estimate", "--data", "missing.csv", "--indicator", "x"}, nil, io.Discard, &errOut); err == nil || errOut.String() == "" {
		t.Errorf("missing file: err=%v stderr=%q", err, errOut.String())
	}
}
