// Command photos measures the peak memory of a real portal process under
// the photo attack of issue 15 row 6 and under ordinary phone photos.
//
//	go build -o bin/portal ./cmd/portal
//	go run ./bench/photos -portal bin/portal [-filings 3] [-photos 4] [-kind deep|phone]
//
// It starts `portal serve --demo` on a loopback port in a temporary data
// directory, waits for it, resets the process's peak resident set (Linux
// /proc/PID/clear_refs), sends the filings at once (anonymous multipart,
// each with the photos), and reports the answers, the time, and VmHWM.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"cleancity/complaints/photo/phototest"
)

func main() {
	bin := flag.String("portal", "bin/portal", "portal binary")
	filings := flag.Int("filings", 3, "filings sent at once")
	photos := flag.Int("photos", 4, "photos per filing")
	kind := flag.String("kind", "deep", "deep: 7000 x 7000 16-bit PNGs (the attack); phone: 4000 x 3000 JPEGs; "+
		"cap: 4000 x 3000 16-bit PNGs (the largest decoding accepted)")
	flag.Parse()

	var img []byte
	var ct string
	switch *kind {
	case "deep":
		img, ct = phototest.DeepPNG(7000, 7000), "image/png"
	case "phone":
		img, ct = phototest.PhoneJPEG(4000, 3000), "image/jpeg"
	case "cap":
		img, ct = phototest.DeepPNG(4000, 3000), "image/png"
	default:
		log.Fatalf("-kind %q: want deep or phone", *kind)
	}
	dir, err := os.MkdirTemp("", "photos-bench-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	cmd := exec.Command(*bin, "serve", "--demo", "--addr", "127.0.0.1:0", "--data-dir", dir, "--log-level", "info")
	out, err := cmd.StdoutPipe()
	if err != nil {
		log.Fatal(err)
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		log.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	base := ""
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if _, url, ok := strings.Cut(sc.Text(), "listening on "); ok {
			base = strings.TrimSuffix(url, "/")
			break
		}
	}
	if base == "" {
		log.Fatal("the portal did not start")
	}
	go func() { _, _ = io.Copy(io.Discard, out) }()
	time.Sleep(5 * time.Second) // let the start-up work (dashboard, sweeps) settle
	pid := cmd.Process.Pid
	if err := os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0); err != nil {
		log.Fatalf("reset peak RSS: %v", err)
	}
	fmt.Printf("portal pid %d at %s; %d filings x %d %s photos of %d KB\n", pid, base, *filings, *photos, *kind, len(img)>>10)
	fmt.Printf("before: %s\n", memory(pid))

	data, _ := json.Marshal(map[string]any{"category": "garbage", "description": "小区门口的垃圾已经三天没有清运了",
		"lat": 27.885, "lon": 113.09})
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("data", string(data))
	for i := range *photos {
		h := map[string][]string{
			"Content-Disposition": {fmt.Sprintf(`form-data; name="photos"; filename="p%d"`, i)},
			"Content-Type":        {ct},
		}
		pw, _ := w.CreatePart(h)
		_, _ = pw.Write(img)
	}
	_ = w.Close()

	start := time.Now()
	var wg sync.WaitGroup
	answers := make([]string, *filings)
	for i := range *filings {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t0 := time.Now()
			resp, err := http.Post(base+"/api/v1/complaints", w.FormDataContentType(), bytes.NewReader(body.Bytes()))
			if err != nil {
				answers[i] = err.Error()
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			answers[i] = fmt.Sprintf("%d in %.1f s: %.160s", resp.StatusCode, time.Since(t0).Seconds(), b)
		}()
	}
	wg.Wait()
	fmt.Printf("filings took %.1f s\n", time.Since(start).Seconds())
	for i, a := range answers {
		fmt.Printf("  filing %d: %s\n", i+1, a)
	}
	fmt.Printf("after: %s\n", memory(pid))
}

// memory reads the resident set and its peak from /proc/PID/status.
func memory(pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return err.Error()
	}
	var parts []string
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmRSS:") || strings.HasPrefix(line, "VmHWM:") {
			parts = append(parts, strings.Join(strings.Fields(line), " "))
		}
	}
	return strings.Join(parts, ", ")
}
