// Command complaints-bench measures complaint filing and public tracking
// on the embedded store, over real HTTP on a loopback port:
//
//   - the store's raw rate of single-document inserts (the baseline),
//   - filings (POST /api/v1/complaints, JSON) with 32 concurrent clients:
//     throughput, p50 and p99 latency, and the ratio to the raw insert rate
//     (target >= 0.33: a filing costs about three single-document writes,
//     duplicate check and routing included),
//   - public tracking reads (GET /api/v1/track/{code}) against /healthz
//     (target ratio >= 0.3).
//
// Run: go run ./bench/complaints [-clients 32] [-filings 3000] [-reads 10s]
// [-cpuprofile f] [-mutexprofile f] [-blockprofile f] (profiles cover the
// filing phase).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"cleancity/portal"
	"cleancity/portal/areas"
)

func main() {
	clients := flag.Int("clients", 32, "concurrent clients")
	filings := flag.Int("filings", 3000, "filings to send")
	inserts := flag.Int("inserts", 3000, "raw inserts for the baseline")
	readFor := flag.Duration("reads", 10*time.Second, "how long each read test runs")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the filing phase to this file")
	mutexProfile := flag.String("mutexprofile", "", "write a mutex contention profile of the filing phase to this file")
	blockProfile := flag.String("blockprofile", "", "write a blocking profile of the filing phase to this file")
	flag.Parse()
	prof := profiles{cpu: *cpuProfile, mutex: *mutexProfile, block: *blockProfile}
	if err := run(*clients, *filings, *inserts, *readFor, prof); err != nil {
		fmt.Fprintln(os.Stderr, "complaints-bench:", err)
		os.Exit(1)
	}
}

// profiles names the profile files to write; the portal runs in this
// process, so one profile covers HTTP, the services, the driver and the
// embedded FerretDB.
type profiles struct{ cpu, mutex, block string }

// start begins profiling and returns the function that stops it and
// writes the files.
func (p profiles) start() (func() error, error) {
	if p.mutex != "" {
		runtime.SetMutexProfileFraction(5)
	}
	if p.block != "" {
		runtime.SetBlockProfileRate(int(10 * time.Microsecond))
	}
	var cpu *os.File
	if p.cpu != "" {
		f, err := os.Create(p.cpu)
		if err != nil {
			return nil, err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return nil, err
		}
		cpu = f
	}
	return func() error {
		var errs []error
		if cpu != nil {
			pprof.StopCPUProfile()
			errs = append(errs, cpu.Close())
		}
		write := func(name, file string) {
			if file == "" {
				return
			}
			f, err := os.Create(file)
			if err != nil {
				errs = append(errs, err)
				return
			}
			errs = append(errs, pprof.Lookup(name).WriteTo(f, 0), f.Close())
		}
		write("mutex", p.mutex)
		write("block", p.block)
		runtime.SetMutexProfileFraction(0)
		runtime.SetBlockProfileRate(0)
		return errors.Join(errs...)
	}, nil
}

func run(clients, filings, inserts int, readFor time.Duration, prof profiles) error {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "complaints-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	cfg := portal.Defaults()
	cfg.DataDir = dir
	cfg.Addr = "127.0.0.1:0"
	cfg.JWTSecret = "bench-secret-0123456789abcdef0123456789abcdef"
	// 32 clients from one address: the filing limit would stop them.
	cfg.FilingLimit = 0
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv, err := portal.New(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer srv.Shutdown(context.Background())
	if _, err := srv.Areas.Import(ctx, areas.DemoAreas(), areas.DemoDepartments()); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	go srv.Serve(ln)
	base := "http://" + ln.Addr().String()
	client := &http.Client{Transport: &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256}, Timeout: 30 * time.Second}

	fmt.Printf("clients: %d, filings: %d, raw inserts: %d, reads: %v each\n\n", clients, filings, inserts, readFor)

	// 1. Raw single-document inserts into a scratch collection.
	coll := srv.Store().DB.Collection("bench_raw")
	var seq atomic.Int64
	rawRate, _, err := load(clients, inserts, func() error {
		n := seq.Add(1)
		_, err := coll.InsertOne(ctx, bson.D{{Key: "_id", Value: fmt.Sprintf("raw-%08d", n)},
			{Key: "category", Value: "garbage"}, {Key: "description", Value: "小区门口的垃圾已经三天没有清运了"},
			{Key: "lat", Value: 27.85}, {Key: "lon", Value: 113.15}, {Key: "status", Value: "submitted"},
			{Key: "filed_at", Value: time.Now()}, {Key: "version", Value: 1}})
		return err
	})
	if err != nil {
		return fmt.Errorf("raw inserts: %w", err)
	}
	fmt.Printf("raw single-document inserts: %8.0f /s\n", rawRate)

	// 2. Filings over HTTP, spread over the city (some near each other, so
	// the duplicate check finds candidates).
	cats := []string{"garbage", "street_cleaning", "flyers", "street_occupation", "sewage", "public_toilet"}
	var codesMu sync.Mutex
	var codes []string
	stopProfiles, err := prof.start()
	if err != nil {
		return err
	}
	fileRate, lat, err := load(clients, filings, func() error {
		r := rand.New(rand.NewPCG(uint64(seq.Add(1)), 1))
		body, _ := json.Marshal(map[string]any{
			"category":    cats[r.IntN(len(cats))],
			"description": "小区门口的垃圾已经三天没有清运了，气味很大",
			"lat":         areas.DemoMinLat + 0.005 + r.Float64()*(areas.DemoMaxLat-areas.DemoMinLat-0.01),
			"lon":         areas.DemoMinLon + 0.005 + r.Float64()*(areas.DemoMaxLon-areas.DemoMinLon-0.01),
			"contact":     map[string]any{"phone": "13800138000"},
		})
		resp, err := client.Post(base+"/api/v1/complaints", "application/json", bytes.NewReader(body))
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		var out struct {
			TrackingCode string `json:"tracking_code"`
		}
		if resp.StatusCode != http.StatusCreated {
			b, _ := io.ReadAll(resp.Body)
			return fmt.Errorf("filing: %d %s", resp.StatusCode, b)
		}
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
			return err
		}
		codesMu.Lock()
		codes = append(codes, out.TrackingCode)
		codesMu.Unlock()
		return nil
	})
	if perr := stopProfiles(); perr != nil && err == nil {
		err = perr
	}
	if err != nil {
		return err
	}
	fmt.Printf("filings (HTTP, JSON):        %8.0f /s   p50 %6.1f ms   p99 %6.1f ms   ratio to raw inserts %.2f (target >= 0.33)\n",
		fileRate, ms(lat, 0.50), ms(lat, 0.99), fileRate/rawRate)

	// 3. Public tracking reads against /healthz.
	get := func(path func() string) func() error {
		return func() error {
			resp, err := client.Get(base + path())
			if err != nil {
				return err
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				return fmt.Errorf("GET: %d", resp.StatusCode)
			}
			return nil
		}
	}
	healthRate, hlat, err := loadFor(clients, readFor, get(func() string { return "/healthz" }))
	if err != nil {
		return err
	}
	var pick atomic.Uint64
	trackRate, tlat, err := loadFor(clients, readFor, get(func() string {
		return "/api/v1/track/" + codes[int(pick.Add(7919)%uint64(len(codes)))]
	}))
	if err != nil {
		return err
	}
	fmt.Printf("GET /healthz:                %8.0f /s   p50 %6.1f ms   p99 %6.1f ms\n", healthRate, ms(hlat, 0.5), ms(hlat, 0.99))
	fmt.Printf("GET /api/v1/track/{code}:    %8.0f /s   p50 %6.1f ms   p99 %6.1f ms   ratio to /healthz %.2f (target >= 0.3)\n",
		trackRate, ms(tlat, 0.5), ms(tlat, 0.99), trackRate/healthRate)
	return nil
}

// load runs n calls of fn over the clients and returns calls per second
// and the sorted latencies.
func load(clients, n int, fn func() error) (float64, []time.Duration, error) {
	var next atomic.Int64
	lat := make([]time.Duration, n)
	var firstErr error
	var once sync.Once
	var wg sync.WaitGroup
	start := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(n) {
					return
				}
				t := time.Now()
				if err := fn(); err != nil {
					once.Do(func() { firstErr = err })
					return
				}
				lat[i] = time.Since(t)
			}
		}()
	}
	wg.Wait()
	el := time.Since(start)
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	return float64(n) / el.Seconds(), lat, firstErr
}

// loadFor runs fn over the clients for a duration.
func loadFor(clients int, d time.Duration, fn func() error) (float64, []time.Duration, error) {
	var mu sync.Mutex
	var all []time.Duration
	var firstErr error
	var wg sync.WaitGroup
	deadline := time.Now().Add(d)
	start := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for time.Now().Before(deadline) {
				t := time.Now()
				if err := fn(); err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					return
				}
				mine = append(mine, time.Since(t))
			}
			mu.Lock()
			all = append(all, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	el := time.Since(start)
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	return float64(len(all)) / el.Seconds(), all, firstErr
}

func ms(lat []time.Duration, q float64) float64 {
	if len(lat) == 0 {
		return 0
	}
	return float64(lat[int(q*float64(len(lat)-1))].Microseconds()) / 1000
}
