package portal

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"

	"cleancity/frontend"
	"cleancity/portal/apperr"
)

// Cache policies of the web UI's files.
const (
	// Vite names everything under assets/ by content hash: a changed file
	// is a new URL, so browsers may keep these for a year.
	cacheImmutable = "public, max-age=31536000, immutable"
	// index.html and the service worker must be revalidated on every load,
	// or a deployment would never reach the browsers that have the old one.
	cacheRevalidate = "no-cache"
	// Other files at the root (manifest, icons) change rarely and keep
	// their names: a short cache with revalidation by ETag.
	cacheShort = "public, max-age=3600"
)

// uiFile is one file of the built UI, read once at start.
type uiFile struct {
	body        []byte
	gz          []byte // gzip of body when that is smaller, else nil
	contentType string
	etag        string
	cache       string
}

// uiFiles loads every file of the UI into memory with its headers. The
// build is small (well under 2 MB), so this costs little and saves a
// file-system read per request.
func uiFiles(fsys fs.FS) (map[string]*uiFile, error) {
	files := map[string]*uiFile{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		f := &uiFile{
			body:        body,
			contentType: contentTypeOf(p),
			etag:        `"` + hex.EncodeToString(sum[:12]) + `"`,
			cache:       cacheShort,
		}
		switch {
		case strings.HasPrefix(p, "assets/"):
			f.cache = cacheImmutable
		case p == "index.html" || p == "sw.js":
			f.cache = cacheRevalidate
		}
		if compressible(f.contentType) && len(body) > 512 {
			var buf bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
			_, _ = zw.Write(body)
			_ = zw.Close()
			if buf.Len() < len(body) {
				f.gz = buf.Bytes()
			}
		}
		files[p] = f
		return nil
	})
	return files, err
}

func contentTypeOf(p string) string {
	switch path.Ext(p) {
	case ".webmanifest":
		return "application/manifest+json"
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	}
	if t := mime.TypeByExtension(path.Ext(p)); t != "" {
		return t
	}
	return "application/octet-stream"
}

func compressible(ct string) bool {
	return strings.HasPrefix(ct, "text/") || strings.Contains(ct, "javascript") || strings.Contains(ct, "json") || strings.Contains(ct, "svg") || strings.Contains(ct, "xml")
}

// registerFrontend serves the web UI after every API route. A path naming
// a file serves it; a path without an extension (a client-side route such
// as /track/ABC123) serves index.html; anything else, including unknown
// asset paths and unknown /api or /open311 paths, is a 404.
func (s *Server) registerFrontend(app *fiber.App) {
	files, err := uiFiles(frontend.Dist())
	if err != nil || files["index.html"] == nil {
		s.log.Error("web UI not available", "err", err)
		files = map[string]*uiFile{}
	}
	notFound := func(c *fiber.Ctx) error {
		return apperr.New(apperr.NotFound, msg(languageOf(c), "未找到", "not found"))
	}
	app.Use(func(c *fiber.Ctx) error {
		p := c.Path()
		if c.Method() != fiber.MethodGet && c.Method() != fiber.MethodHead || isAPIPath(p) {
			return notFound(c)
		}
		name := strings.TrimPrefix(path.Clean("/"+p), "/")
		if name == "" {
			name = "index.html"
		}
		f := files[name]
		if f == nil {
			if path.Ext(name) != "" || files["index.html"] == nil {
				return notFound(c)
			}
			f = files["index.html"]
		}
		return serveUIFile(c, f)
	})
}

func serveUIFile(c *fiber.Ctx, f *uiFile) error {
	c.Set(fiber.HeaderCacheControl, f.cache)
	c.Set(fiber.HeaderETag, f.etag)
	c.Set(fiber.HeaderVary, fiber.HeaderAcceptEncoding)
	c.Set(fiber.HeaderContentType, f.contentType)
	if inm := c.Get(fiber.HeaderIfNoneMatch); inm != "" && etagMatches(inm, f.etag) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	body := f.body
	if f.gz != nil && acceptsGzip(c.Get(fiber.HeaderAcceptEncoding)) {
		c.Set(fiber.HeaderContentEncoding, "gzip")
		body = f.gz
	}
	// fasthttp writes Content-Length and leaves the body out for HEAD.
	return c.Send(body)
}

func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == etag {
			return true
		}
	}
	return false
}

func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		fields := strings.Split(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(fields[0]), "gzip") {
			for _, f := range fields[1:] {
				if v := strings.TrimSpace(f); v == "q=0" || v == "q=0.0" || v == "q=0.00" || v == "q=0.000" {
					return false
				}
			}
			return true
		}
	}
	return false
}

// configResponse is what the web UI needs to know about this portal.
type configResponse struct {
	CityID  string `json:"city_id"`
	TileURL string `json:"tile_url"`
}

// registerConfigRoutes serves GET /api/v1/config: public settings of the
// web UI (the map tile URL template, empty for the offline vector map).
func (s *Server) registerConfigRoutes(api fiber.Router) {
	api.Get("/config", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderCacheControl, "public, max-age=300")
		return c.JSON(configResponse{CityID: s.cfg.CityID, TileURL: s.cfg.TileURL})
	})
}
