package portal_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"cleancity/frontend"
	"cleancity/portal"
	"cleancity/portal/portaltest"
)

// someAsset returns the name of one built JavaScript file under assets/.
func someAsset(t *testing.T) string {
	t.Helper()
	entries, err := fs.ReadDir(frontend.Dist(), "assets")
	if err != nil {
		t.Fatalf("read dist/assets: %v", err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".js") {
			return "/assets/" + e.Name()
		}
	}
	t.Fatal("no JavaScript file in dist/assets")
	return ""
}

func TestFrontendServing(t *testing.T) {
	srv := portaltest.NewServer(t)
	asset := someAsset(t)
	indexBody, err := fs.ReadFile(frontend.Dist(), "index.html")
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name        string
		method      string
		path        string
		header      map[string]string
		wantStatus  int
		wantType    string
		wantCache   string
		wantIndex   bool // body is index.html
		wantJSONErr bool // body is the API's JSON error
		notIndex    bool // body must not be index.html (protocols with their own error shape)
	}{
		{name: "root serves index", path: "/", wantStatus: 200, wantType: "text/html", wantCache: "no-cache", wantIndex: true},
		{name: "index.html by name", path: "/index.html", wantStatus: 200, wantType: "text/html", wantCache: "no-cache", wantIndex: true},
		{name: "deep link loads the app", path: "/track/AB12CD34", wantStatus: 200, wantType: "text/html", wantCache: "no-cache", wantIndex: true},
		{name: "nested deep link loads the app", path: "/staff/cases/123", wantStatus: 200, wantType: "text/html", wantIndex: true},
		{name: "hashed asset is immutable", path: asset, wantStatus: 200, wantType: "text/javascript", wantCache: "public, max-age=31536000, immutable"},
		{name: "unknown asset is 404", path: "/assets/index-XXXXXXXX.js", wantStatus: 404, wantJSONErr: true},
		{name: "unknown root file is 404", path: "/favicon.ico", wantStatus: 404, wantJSONErr: true},
		{name: "unknown file in a route-like path is 404", path: "/track/logo.png", wantStatus: 404, wantJSONErr: true},
		{name: "service worker revalidates", path: "/sw.js", wantStatus: 200, wantType: "text/javascript", wantCache: "no-cache"},
		{name: "manifest", path: "/manifest.webmanifest", wantStatus: 200, wantType: "application/manifest+json", wantCache: "public, max-age=3600"},
		{name: "icon", path: "/icon.svg", wantStatus: 200, wantType: "image/svg+xml"},
		{name: "unknown API route is a JSON 404, not the app", path: "/api/v1/nothing-here", wantStatus: 404, wantJSONErr: true},
		{name: "bare /api is not the app", path: "/api", wantStatus: 404, wantJSONErr: true},
		{name: "open311 paths are never the app", path: "/open311/v2/nothing", wantStatus: 404, notIndex: true},
		{name: "POST to a page is 404", method: http.MethodPost, path: "/report", wantStatus: 404, wantJSONErr: true},
		{name: "HEAD of the root", method: http.MethodHead, path: "/", wantStatus: 200, wantType: "text/html"},
		{name: "path traversal stays inside dist", path: "/assets/../../embed.go", wantStatus: 404, wantJSONErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method := tt.method
			if method == "" {
				method = http.MethodGet
			}
			resp := srv.Do(portaltest.Request{Method: method, Path: tt.path, Header: tt.header})
			if resp.Status != tt.wantStatus {
				t.Fatalf("status %d, want %d; body %.200s", resp.Status, tt.wantStatus, resp.Body)
			}
			if got := resp.Header.Get("Content-Security-Policy"); !strings.Contains(got, "script-src 'self'") {
				t.Errorf("CSP = %q", got)
			}
			if tt.wantType != "" && !strings.HasPrefix(resp.Header.Get("Content-Type"), tt.wantType) {
				t.Errorf("Content-Type = %q, want %s", resp.Header.Get("Content-Type"), tt.wantType)
			}
			if tt.wantCache != "" && resp.Header.Get("Cache-Control") != tt.wantCache {
				t.Errorf("Cache-Control = %q, want %q", resp.Header.Get("Cache-Control"), tt.wantCache)
			}
			if tt.wantIndex && method == http.MethodGet && !bytes.Equal(resp.Body, indexBody) {
				t.Errorf("body is not index.html: %.120s", resp.Body)
			}
			if tt.notIndex && bytes.Equal(resp.Body, indexBody) {
				t.Error("answered with index.html")
			}
			if tt.wantJSONErr {
				m := resp.JSON(t)
				if portaltest.Lookup(m, "error.code") != "not_found" {
					t.Errorf("error body %s", resp.Body)
				}
			}
		})
	}
}

func TestFrontendIndexHasNoInlineCode(t *testing.T) {
	body, err := fs.ReadFile(frontend.Dist(), "index.html")
	if err != nil {
		t.Fatal(err)
	}
	html := string(body)
	// Every <script> must load a file: the CSP allows no inline script.
	for _, m := range regexp.MustCompile(`(?is)<script([^>]*)>(.*?)</script>`).FindAllStringSubmatch(html, -1) {
		if !strings.Contains(m[1], "src=") || strings.TrimSpace(m[2]) != "" {
			t.Errorf("inline script in index.html: %s", m[0])
		}
	}
	if regexp.MustCompile(`(?i)<style|\sstyle=|\son[a-z]+=`).MatchString(html) {
		t.Errorf("inline style or event handler in index.html")
	}
	if !strings.Contains(html, `rel="manifest"`) {
		t.Errorf("index.html does not link the web app manifest")
	}
}

func TestFrontendCachingHeaders(t *testing.T) {
	srv := portaltest.NewServer(t)
	asset := someAsset(t)

	first := srv.Get(asset, "")
	etag := first.Header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	again := srv.Do(portaltest.Request{Path: asset, Header: map[string]string{"If-None-Match": etag}})
	if again.Status != http.StatusNotModified || len(again.Body) != 0 {
		t.Errorf("If-None-Match: status %d, %d bytes; want 304, empty", again.Status, len(again.Body))
	}

	gz := srv.Do(portaltest.Request{Path: asset, Header: map[string]string{"Accept-Encoding": "gzip, br"}})
	if gz.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("Content-Encoding = %q, want gzip", gz.Header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz.Body))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(plain, first.Body) {
		t.Error("gzip body does not decompress to the file")
	}
	if len(gz.Body) >= len(first.Body) {
		t.Errorf("gzip %d bytes, plain %d", len(gz.Body), len(first.Body))
	}
	if vary := gz.Header.Get("Vary"); !strings.Contains(vary, "Accept-Encoding") {
		t.Errorf("Vary = %q", vary)
	}
	refused := srv.Do(portaltest.Request{Path: asset, Header: map[string]string{"Accept-Encoding": "gzip;q=0"}})
	if refused.Header.Get("Content-Encoding") != "" {
		t.Error("gzip sent although refused with q=0")
	}
}

func TestConfigEndpoint(t *testing.T) {
	tile := "https://{s}.tiles.example.org/{z}/{x}/{y}.png"
	srv := portaltest.NewServer(t, portaltest.WithConfig(func(c *portal.Config) {
		c.CityID = "test.city"
		c.TileURL = tile
	}))
	resp := srv.Get("/api/v1/config", "")
	if resp.Status != 200 {
		t.Fatalf("status %d: %s", resp.Status, resp.Body)
	}
	m := resp.JSON(t)
	if m["city_id"] != "test.city" || m["tile_url"] != tile {
		t.Errorf("config = %v", m)
	}
	// The tile server may serve images under the CSP.
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "img-src 'self' data: blob: https://*.tiles.example.org") {
		t.Errorf("CSP = %q", csp)
	}

	plain := portaltest.NewServer(t)
	if m := plain.Get("/api/v1/config", "").JSON(t); m["tile_url"] != "" || m["city_id"] != "cleancity.demo" {
		t.Errorf("default config = %v", m)
	}
}
