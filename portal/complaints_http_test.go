package portal_test

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"cleancity/portal"
	"cleancity/portal/portaltest"
)

// A point in grid D01-S01-C01 of the demo city, and one outside it.
const (
	inLat, inLon   = 27.885, 113.09
	outLat, outLon = 30.0, 120.0
)

func fileBody(over map[string]any) map[string]any {
	b := map[string]any{
		"category":    "garbage",
		"description": "小区门口的垃圾已经三天没有清运了",
		"lat":         inLat,
		"lon":         inLon,
		"contact":     map[string]any{"name": "王女士", "phone": "13800138000"},
	}
	for k, v := range over {
		if v == nil {
			delete(b, k)
		} else {
			b[k] = v
		}
	}
	return b
}

func mustFileHTTP(t *testing.T, srv *portaltest.Server, token string, over map[string]any) map[string]any {
	t.Helper()
	resp := srv.PostJSON("/api/v1/complaints", token, fileBody(over))
	if resp.Status != http.StatusCreated {
		t.Fatalf("file: %d %s", resp.Status, resp.Body)
	}
	return resp.JSON(t)
}

func TestCategoriesListed(t *testing.T) {
	srv := newCityServer(t)
	resp := srv.Get("/api/v1/categories", "")
	if resp.Status != http.StatusOK {
		t.Fatalf("%d %s", resp.Status, resp.Body)
	}
	m := resp.JSON(t)
	cats, _ := m["categories"].([]any)
	if len(cats) != 12 {
		t.Fatalf("got %d categories, want 12", len(cats))
	}
	hours := map[string]float64{}
	for _, c := range cats {
		cm := c.(map[string]any)
		hours[cm["code"].(string)] = cm["service_hours"].(float64)
		if cm["code"] == "pests" && portaltest.Lookup(cm, "attributes.0.code") != "pest_type" {
			t.Errorf("pests has no pest_type attribute: %v", cm["attributes"])
		}
	}
	for code, h := range map[string]float64{"garbage": 24, "flyers": 48, "small_shops": 72, "other": 72, "sewage": 48} {
		if hours[code] != h {
			t.Errorf("%s: %v hours, want %v", code, hours[code], h)
		}
	}

	// Admins add and edit categories.
	admin := srv.Token(t, portal.RoleAdmin, "")
	put := func(code string, body map[string]any) portaltest.Response {
		return srv.Do(portaltest.Request{Method: http.MethodPut, Path: "/api/v1/categories/" + code, Body: body, Token: admin})
	}
	bulky := map[string]any{"name": "大件垃圾", "name_en": "Bulky waste", "service_hours": 12, "route": "grid_lead", "active": true,
		"duplicate_radius": 100}
	if r := put("bulky_waste", bulky); r.Status != 200 || r.JSON(t)["service_hours"] != float64(12) {
		t.Fatalf("create category: %d %s", r.Status, r.Body)
	}
	filed := mustFileHTTP(t, srv, "", map[string]any{"category": "bulky_waste"})
	if portaltest.Lookup(filed, "department.id") != "office-D01-S01" {
		t.Errorf("grid-lead routing: %v", filed["department"])
	}
	for name, body := range map[string]map[string]any{
		"bad route":       {"name": "x", "name_en": "x", "service_hours": 12, "route": "anywhere", "active": true},
		"unknown type":    {"name": "x", "name_en": "x", "service_hours": 12, "route": "department_type", "department_type": "police", "active": true},
		"radius too big":  {"name": "x", "name_en": "x", "service_hours": 12, "route": "grid_lead", "duplicate_radius": 500, "active": true},
		"no active field": {"name": "x", "name_en": "x", "service_hours": 12, "route": "grid_lead"},
	} {
		if r := put("bad_one", body); r.Status != 400 {
			t.Errorf("%s: %d %s", name, r.Status, r.Body)
		}
	}
	if r := put("Bad-Code", bulky); r.Status != 400 {
		t.Errorf("bad code: %d", r.Status)
	}
	bulky["active"] = false
	if r := put("bulky_waste", bulky); r.Status != 200 {
		t.Fatalf("deactivate: %d", r.Status)
	}
	if r := srv.PostJSON("/api/v1/complaints", "", fileBody(map[string]any{"category": "bulky_waste"})); r.Status != 400 {
		t.Errorf("filed into an inactive category: %d", r.Status)
	}
}

func TestFileComplaintRoutesAndHidesContact(t *testing.T) {
	clock := portaltest.NewClock(time.Date(2026, 6, 1, 5, 5, 0, 0, time.UTC))
	srv := newCityServer(t, portaltest.WithClock(clock))
	cases := []struct {
		category, wantDept string
		attrs              map[string]any
	}{
		{"garbage", "sanitation", nil},
		{"flyers", "citymgmt", nil},
		{"construction_dust", "housing", nil},
		{"small_shops", "market", nil},
		{"pests", "aiweiban", map[string]any{"pest_type": "rats"}},
		{"sewage", "water", nil},
		{"smoking", "health", nil},
		{"other", "office-D01-S01", nil},
	}
	for _, tc := range cases {
		t.Run(tc.category, func(t *testing.T) {
			over := map[string]any{"category": tc.category}
			if tc.attrs != nil {
				over["attributes"] = tc.attrs
			}
			m := mustFileHTTP(t, srv, "", over)
			if got := portaltest.Lookup(m, "department.id"); got != tc.wantDept {
				t.Errorf("department %v, want %s", got, tc.wantDept)
			}
			if m["follow_up_secret"] == "" || m["follow_up_secret"] == nil {
				t.Error("anonymous filing has no follow-up secret")
			}
			if m["id"] != m["tracking_code"] || len(m["tracking_code"].(string)) != 10 {
				t.Errorf("tracking code %v", m["tracking_code"])
			}
			if portaltest.Lookup(m, "area.district.id") != "D01" || portaltest.Lookup(m, "area.grid.id") == nil {
				t.Errorf("area %v", m["area"])
			}
			tr := srv.Get("/api/v1/track/"+m["tracking_code"].(string), "")
			if tr.Status != http.StatusOK {
				t.Fatalf("track: %d %s", tr.Status, tr.Body)
			}
			for _, secret := range []string{"13800138000", "王女士", "contact", "secret", "reporter"} {
				if bytes.Contains(tr.Body, []byte(secret)) {
					t.Errorf("public view leaks %q: %s", secret, tr.Body)
				}
			}
		})
	}
	// The due time follows the category's service level.
	m := mustFileHTTP(t, srv, "", map[string]any{"category": "flyers"})
	if m["due_at"] != "2026-06-03T05:05:00Z" {
		t.Errorf("due_at %v", m["due_at"])
	}
	// A signed-in resident's case is linked to the account, without a secret.
	resident, tok := srv.UserToken(t, portal.RoleResident, "")
	m = mustFileHTTP(t, srv, tok, nil)
	if _, ok := m["follow_up_secret"]; ok {
		t.Error("signed-in filing got a follow-up secret")
	}
	got := srv.Get("/api/v1/complaints/"+m["id"].(string), tok)
	if got.Status != http.StatusOK || got.JSON(t)["reporter_id"] != resident.ID {
		t.Errorf("resident view: %d %s", got.Status, got.Body)
	}
	// Another resident does not see it.
	if r := srv.Get("/api/v1/complaints/"+m["id"].(string), srv.Token(t, portal.RoleResident, "")); r.Status != http.StatusNotFound {
		t.Errorf("other resident: %d", r.Status)
	}
}

func TestFileComplaintRejectsHostileInput(t *testing.T) {
	srv := newCityServer(t)
	admin := srv.Token(t, portal.RoleAdmin, "")
	tests := []struct {
		name       string
		body       any
		ct         string
		wantStatus int
		wantField  string
	}{
		{"outside the city", fileBody(map[string]any{"lat": outLat, "lon": outLon}), "", 400, "lat"},
		{"no location", fileBody(map[string]any{"lat": nil, "lon": nil}), "", 400, "lat"},
		{"lat without lon", fileBody(map[string]any{"lon": nil}), "", 400, "lon"},
		{"latitude out of range", fileBody(map[string]any{"lat": 91.0}), "", 400, "lat"},
		{"wrong type", fileBody(map[string]any{"lat": "27.8"}), "", 400, "lat"},
		{"operator object", fileBody(map[string]any{"category": map[string]any{"$ne": ""}}), "", 400, "category"},
		{"operator in description", fileBody(map[string]any{"description": map[string]any{"$gt": ""}}), "", 400, "description"},
		{"html", fileBody(map[string]any{"description": "<script>alert(1)</script> 垃圾很多很多"}), "", 400, "description"},
		{"too short", fileBody(map[string]any{"description": "垃圾"}), "", 400, "description"},
		{"too long", fileBody(map[string]any{"description": strings.Repeat("脏", 4001)}), "", 400, "description"},
		{"unknown category", fileBody(map[string]any{"category": "unicorns"}), "", 400, "category"},
		{"unknown field", fileBody(map[string]any{"status": "closed"}), "", 400, "status"},
		{"bad email", fileBody(map[string]any{"contact": map[string]any{"email": "not-an-email"}}), "", 400, "contact.email"},
		{"missing required attribute", fileBody(map[string]any{"category": "pests"}), "", 400, "attributes.pest_type"},
		{"bad attribute value", fileBody(map[string]any{"category": "pests", "attributes": map[string]any{"pest_type": "dragons"}}), "", 400, "attributes.pest_type"},
		{"unknown community", fileBody(map[string]any{"lat": nil, "lon": nil, "community_id": "X99", "address": "某某路1号"}), "", 400, "community_id"},
		{"community without address", fileBody(map[string]any{"lat": nil, "lon": nil, "community_id": "D01-S01-C01"}), "", 400, "address"},
		{"trailing data", `{"category":"garbage","description":"垃圾三天没有清运了啊","lat":27.885,"lon":113.09} {}`, "application/json", 400, "body"},
		{"not json", "category=garbage", "text/plain", 415, ""},
		{"huge json", `{"description":"` + strings.Repeat("a", 100<<10) + `"}`, "application/json", 413, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := srv.Do(portaltest.Request{Method: http.MethodPost, Path: "/api/v1/complaints", Body: tc.body, ContentType: tc.ct})
			if resp.Status != tc.wantStatus {
				t.Fatalf("status %d, want %d: %s", resp.Status, tc.wantStatus, resp.Body)
			}
			if tc.wantField != "" {
				if fieldMsg(t, resp, tc.wantField) == "" {
					t.Errorf("no message for %s: %s", tc.wantField, resp.Body)
				}
			}
		})
	}
	// English messages on request.
	resp := srv.Do(portaltest.Request{Method: http.MethodPost, Path: "/api/v1/complaints",
		Body: fileBody(map[string]any{"lat": outLat, "lon": outLon}), Header: map[string]string{"Accept-Language": "en"}})
	if got := portaltest.Lookup(resp.JSON(t), "error.fields.lat"); got != "the point is outside the city" {
		t.Errorf("en message %v", got)
	}
	// A fake image (text with a .jpg name and an image content type).
	body, ct := multipartBody(t, map[string]string{"data": mustJSON(fileBody(nil))},
		[]filePart{{"photos", "x.jpg", "image/jpeg", []byte("this is not really a jpeg at all")}})
	resp = srv.Do(portaltest.Request{Method: http.MethodPost, Path: "/api/v1/complaints", Body: body, ContentType: ct})
	if resp.Status != 400 || fieldMsg(t, resp, "photos.0") == "" {
		t.Errorf("fake image: %d %s", resp.Status, resp.Body)
	}
	// Nothing was stored.
	list := srv.Get("/api/v1/complaints", admin)
	if items, _ := list.JSON(t)["items"].([]any); list.Status != 200 || len(items) != 0 {
		t.Fatalf("stored after rejected input: %d %s", list.Status, list.Body)
	}
}

// TestFileComplaintBodyOverCap sends a multipart filing larger than the
// 36 MiB cap (five photo parts of 7.5 MiB, each under the 8 MiB photo
// limit) over a real connection: the answer is 413 with the error JSON,
// and nothing is stored. fasthttp refuses the body from its declared length
// before any handler runs, answers and closes while the client is still
// sending, so the test writes the request on a raw connection and reads the
// answer meanwhile (net/http's client may report the reset of its write
// instead; the in-process app.Test reports the refusal as an error).
func TestFileComplaintBodyOverCap(t *testing.T) {
	srv := newCityServer(t)
	admin := srv.Token(t, portal.RoleAdmin, "")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	part := bytes.Repeat([]byte{0xFF, 0xD8, 0xFF, 0xE0}, (15<<20)/8)
	var files []filePart
	for i := range 5 {
		files = append(files, filePart{"photos", fmt.Sprintf("p%d.jpg", i), "image/jpeg", part})
	}
	body, ct := multipartBody(t, map[string]string{"data": mustJSON(fileBody(nil))}, files)
	if len(body) <= 36<<20 {
		t.Fatalf("body of %d bytes is not over the cap", len(body))
	}
	for _, lang := range []string{"zh", "en"} {
		conn, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		head := fmt.Sprintf("POST /api/v1/complaints HTTP/1.1\r\nHost: portal.test\r\nContent-Type: %s\r\n"+
			"Content-Length: %d\r\nAccept-Language: %s\r\n\r\n", ct, len(body), lang)
		go func() {
			// The server stops reading after the headers; the write
			// ends with a reset, which is expected.
			if _, err := conn.Write([]byte(head)); err == nil {
				_, _ = conn.Write(body)
			}
		}()
		_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second))
		hr, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			conn.Close()
			t.Fatalf("%s: read the answer: %v", lang, err)
		}
		data, _ := io.ReadAll(hr.Body)
		hr.Body.Close()
		conn.Close()
		resp := portaltest.Response{Status: hr.StatusCode, Header: hr.Header, Body: data}
		if resp.Status != http.StatusRequestEntityTooLarge {
			t.Fatalf("%s: status %d, want 413: %.300s", lang, resp.Status, resp.Body)
		}
		m := resp.JSON(t)
		if code := portaltest.Lookup(m, "error.code"); code != "too_large" {
			t.Errorf("%s: error code %v: %s", lang, code, resp.Body)
		}
		if msg, _ := portaltest.Lookup(m, "error.message").(string); msg == "" {
			t.Errorf("%s: no error message: %s", lang, resp.Body)
		}
		t.Logf("%s: %s", lang, resp.Body)
	}
	// The same filing under the cap is taken (the cap, not the parts, was
	// refused): one real photo.
	small, ct := multipartBody(t, map[string]string{"data": mustJSON(fileBody(nil))},
		[]filePart{{"photos", "a.jpg", "image/jpeg", jpegWithGPS(t)}})
	if resp := srv.Do(portaltest.Request{Method: http.MethodPost, Path: "/api/v1/complaints", Body: small, ContentType: ct}); resp.Status != http.StatusCreated {
		t.Fatalf("filing under the cap: %d %s", resp.Status, resp.Body)
	}
	list := srv.Get("/api/v1/complaints", admin)
	if items, _ := list.JSON(t)["items"].([]any); list.Status != 200 || len(items) != 1 {
		t.Fatalf("want only the filing under the cap stored: %d %.500s", list.Status, list.Body)
	}
}

// fieldMsg returns the error message of a field (names may hold dots).
func fieldMsg(t *testing.T, r portaltest.Response, field string) string {
	t.Helper()
	fields, _ := portaltest.Lookup(r.JSON(t), "error.fields").(map[string]any)
	s, _ := fields[field].(string)
	return s
}

type filePart struct {
	field, name, ct string
	data            []byte
}

func multipartBody(t testing.TB, fields map[string]string, files []filePart) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		if err := w.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range files {
		h := make(map[string][]string)
		h["Content-Disposition"] = []string{fmt.Sprintf(`form-data; name=%q; filename=%q`, f.field, f.name)}
		h["Content-Type"] = []string{f.ct}
		pw, err := w.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		pw.Write(f.data)
	}
	w.Close()
	return buf.Bytes(), w.FormDataContentType()
}

func mustJSON(v any) string {
	var b bytes.Buffer
	if err := jsonEncoder(&b).Encode(v); err != nil {
		panic(err)
	}
	return b.String()
}

// jpegWithGPS returns a JPEG carrying an EXIF APP1 segment with a GPS IFD.
func jpegWithGPS(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for x := 0; x < 64; x++ {
		for y := 0; y < 48; y++ {
			img.Set(x, y, color.RGBA{uint8(x * 4), uint8(y * 5), 90, 255})
		}
	}
	var plain bytes.Buffer
	if err := jpeg.Encode(&plain, img, nil); err != nil {
		t.Fatal(err)
	}
	// TIFF header, IFD0 with one entry: GPSInfo (0x8825) -> offset 26; GPS
	// IFD with GPSLatitudeRef "N".
	var tiff bytes.Buffer
	le := binary.LittleEndian
	tiff.WriteString("II")
	binary.Write(&tiff, le, uint16(42))
	binary.Write(&tiff, le, uint32(8))
	binary.Write(&tiff, le, uint16(1))
	binary.Write(&tiff, le, [4]uint16{0x8825, 4, 1, 0})
	binary.Write(&tiff, le, uint32(26))
	binary.Write(&tiff, le, uint32(0))
	binary.Write(&tiff, le, uint16(1))
	binary.Write(&tiff, le, [2]uint16{0x0001, 2})
	binary.Write(&tiff, le, uint32(2))
	tiff.WriteString("N\x00\x00\x00")
	binary.Write(&tiff, le, uint32(0))
	tiff.WriteString("GPS 27.885N 113.09E")
	payload := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	var out bytes.Buffer
	out.Write(plain.Bytes()[:2]) // SOI
	out.Write([]byte{0xFF, 0xE1})
	binary.Write(&out, binary.BigEndian, uint16(len(payload)+2))
	out.Write(payload)
	out.Write(plain.Bytes()[2:])
	return out.Bytes()
}

func TestPhotoMetadataStripped(t *testing.T) {
	srv := newCityServer(t)
	in := jpegWithGPS(t)
	if !bytes.Contains(in, []byte("Exif")) || !bytes.Contains(in, []byte("GPS 27.885N")) {
		t.Fatal("test image has no EXIF")
	}
	var pngBuf bytes.Buffer
	png.Encode(&pngBuf, image.NewGray(image.Rect(0, 0, 3000, 10)))
	body, ct := multipartBody(t, map[string]string{
		"category": "garbage", "description": "垃圾堆放在路边很久了", "lat": fmt.Sprint(inLat), "lon": fmt.Sprint(inLon),
	}, []filePart{{"photos", "a.jpg", "image/jpeg", in}, {"photos", "b.bin", "application/octet-stream", pngBuf.Bytes()}})
	resp := srv.Do(portaltest.Request{Method: http.MethodPost, Path: "/api/v1/complaints", Body: body, ContentType: ct})
	if resp.Status != http.StatusCreated {
		t.Fatalf("file with photos: %d %s", resp.Status, resp.Body)
	}
	m := resp.JSON(t)
	photos, _ := m["photos"].([]any)
	if len(photos) != 2 {
		t.Fatalf("photos %v", m["photos"])
	}
	for i, p := range photos {
		pm := p.(map[string]any)
		for _, key := range []string{"url", "thumb_url"} {
			got := srv.Get(pm[key].(string), "")
			if got.Status != http.StatusOK || got.Header.Get("Content-Type") != "image/jpeg" {
				t.Fatalf("photo %d %s: %d %s", i, key, got.Status, got.Header.Get("Content-Type"))
			}
			if bytes.Contains(got.Body, []byte("Exif")) || bytes.Contains(got.Body, []byte("GPS")) || bytes.Contains(got.Body, []byte{0xFF, 0xE1}) {
				t.Errorf("photo %d %s still carries metadata", i, key)
			}
			cfg, err := jpeg.DecodeConfig(bytes.NewReader(got.Body))
			if err != nil {
				t.Fatalf("photo %d %s is not a JPEG: %v", i, key, err)
			}
			if key == "thumb_url" && (cfg.Width > 320 || cfg.Height > 320) {
				t.Errorf("thumbnail %dx%d", cfg.Width, cfg.Height)
			}
		}
	}
	if w := portaltest.Lookup(m, "photos.1.width"); w != float64(2560) {
		t.Errorf("large PNG not scaled to 2560: %v", w)
	}
}
