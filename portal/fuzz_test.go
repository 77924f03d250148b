package portal_test

import (
	"bytes"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"cleancity/portal"
	"cleancity/portal/portaltest"
)

// Fuzz targets for the public decoders, through the real app: whatever a
// client sends, the answer is a 2xx or a 4xx, never a 5xx (a panic, caught
// by the recover middleware, or an internal error). `make fuzz` runs each
// for FUZZTIME; crashers land in testdata/fuzz/<target> and then run as
// regression cases with every `go test`.

// fuzzServer is one real portal per fuzzing process on the demo city,
// with its accounts and the Open311 key "demo".
func fuzzServer(f *testing.F, opts ...portaltest.Option) *portaltest.Server {
	f.Helper()
	return portaltest.NewServer(f, append([]portaltest.Option{portaltest.WithDemo()}, opts...)...)
}

func checkNo5xx(t *testing.T, what string, body []byte, r portaltest.Response) {
	t.Helper()
	if r.Status >= 500 {
		t.Fatalf("%s %q: %d %s", what, body, r.Status, r.Body)
	}
}

// FuzzFileComplaintJSON: JSON filings (POST /api/v1/complaints).
func FuzzFileComplaintJSON(f *testing.F) {
	f.Add([]byte(mustJSON(fileBody(nil))))
	f.Add([]byte(`{"category":"garbage","description":"小区门口的垃圾已经三天没有清运了","community_id":"D01-S01-C01","address":"1号楼"}`))
	f.Add([]byte(`{"category":"pests","description":"小区门口老鼠很多很多很多","lat":27.885,"lon":113.09,"attributes":{"pest_type":"rats"}}`))
	f.Add([]byte(`{"category":"garbage","lat":1e400,"lon":-0,"contact":{"email":"a@b"}}`))
	f.Add([]byte(`[]`))
	srv := fuzzServer(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		r := srv.With(t).Do(portaltest.Request{Method: http.MethodPost, Path: "/api/v1/complaints", Body: body, ContentType: "application/json"})
		checkNo5xx(t, "filing", body, r)
	})
}

// FuzzFileComplaintMultipart: multipart filings with photos (the image
// decoders behind them have their own target, photo.FuzzProcess).
func FuzzFileComplaintMultipart(f *testing.F) {
	var pngBuf bytes.Buffer
	_ = png.Encode(&pngBuf, image.NewGray(image.Rect(0, 0, 4, 4)))
	body, ct := multipartBody(f, map[string]string{"data": mustJSON(fileBody(nil))},
		[]filePart{{field: "photos", name: "a.png", ct: "image/png", data: pngBuf.Bytes()}})
	_, boundary, _ := bytes.Cut([]byte(ct), []byte("boundary="))
	f.Add(body)
	flat, _ := multipartBody(f, map[string]string{"category": "garbage", "description": "小区门口的垃圾已经三天没有清运了",
		"lat": "27.885", "lon": "113.09", "attribute[x]": "y"}, nil)
	f.Add(flat)
	f.Add(bytes.ReplaceAll(flat, flat[2:2+60], boundary[:min(60, len(boundary))]))
	srv := fuzzServer(f)
	ctype := "multipart/form-data; boundary=" + string(boundary)
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest(http.MethodPost, "/api/v1/complaints", bytes.NewReader(body))
		req.Header.Set("Content-Type", ctype)
		resp, err := srv.App().Test(req, -1)
		if err != nil {
			// fasthttp refused the form before the app (it answers 400
			// on a real connection; the test harness reports an error).
			return
		}
		resp.Body.Close()
		if resp.StatusCode >= 500 {
			t.Fatalf("multipart filing %q: %d", body, resp.StatusCode)
		}
	})
}

// FuzzPublicJSON: the other public JSON bodies and queries: "me too",
// feedback, contact confirmation (on a filed case) and duplicate hints.
func FuzzPublicJSON(f *testing.F) {
	srv := fuzzServer(f)
	resp := srv.PostJSON("/api/v1/complaints", "", fileBody(nil))
	id := ""
	if resp.Status == http.StatusCreated {
		id, _ = resp.JSON(f)["id"].(string)
	}
	f.Add(uint8(0), []byte(`{}`))
	f.Add(uint8(1), []byte(`{"secret":"X","confirm":true,"rating":5,"comment":"好"}`))
	f.Add(uint8(2), []byte(`{"secret":"X","code":"123456"}`))
	f.Add(uint8(3), []byte(`category=garbage&lat=27.885&lon=113.09`))
	f.Add(uint8(3), []byte(`category=garbage&community_id=D01-S01-C01&lat=NaN`))
	f.Fuzz(func(t *testing.T, route uint8, body []byte) {
		var r portaltest.Response
		switch route % 4 {
		case 0:
			r = srv.With(t).Do(portaltest.Request{Method: http.MethodPost, Path: "/api/v1/complaints/" + id + "/join", Body: body, ContentType: "application/json"})
		case 1:
			r = srv.With(t).Do(portaltest.Request{Method: http.MethodPost, Path: "/api/v1/track/" + id + "/feedback", Body: body, ContentType: "application/json"})
		case 2:
			r = srv.With(t).Do(portaltest.Request{Method: http.MethodPost, Path: "/api/v1/track/" + id + "/contact/confirm", Body: body, ContentType: "application/json"})
		case 3:
			// Any keys and values, each escaped (a raw control character
			// is no HTTP request at all: the seed in testdata/fuzz crashed
			// an earlier version of this harness, not the portal).
			q := url.Values{}
			for _, kv := range strings.Split(string(body), "&") {
				k, v, _ := strings.Cut(kv, "=")
				q.Add(k, v)
			}
			r = srv.With(t).Get("/api/v1/complaints/duplicates?"+q.Encode(), "")
		}
		checkNo5xx(t, "public route", body, r)
	})
}

// FuzzOpen311Form: Open311 GeoReport v2 form posts (POST
// /open311/v2/requests.json) with the demo key.
func FuzzOpen311Form(f *testing.F) {
	f.Add([]byte(url.Values{"api_key": {"demo"}, "service_code": {"garbage"}, "lat": {"27.885"}, "long": {"113.09"},
		"description": {"小区门口的垃圾已经三天没有清运了"}, "email": {"wang@example.cn"}}.Encode()))
	f.Add([]byte("api_key=demo&service_code=pests&lat=27.885&long=113.09&attribute[pest_type]=rats&description=%E8%80%81%E9%BC%A0%E5%BE%88%E5%A4%9A%E5%BE%88%E5%A4%9A%E5%BE%88%E5%A4%9A"))
	f.Add([]byte("api_key=demo&address_string=%00&lat=1e999"))
	srv := fuzzServer(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		r := srv.With(t).Do(portaltest.Request{Method: http.MethodPost, Path: "/open311/v2/requests.json", Body: body,
			ContentType: "application/x-www-form-urlencoded"})
		checkNo5xx(t, "open311 form", body, r)
	})
}

// FuzzSurveySubmit: a volunteer's survey submission body (single or batch)
// on an open round with the default questionnaire.
func FuzzSurveySubmit(f *testing.F) {
	srv := fuzzServer(f, portaltest.WithClock(portaltest.NewClock(surveyT0)))
	official := srv.Token(f, portal.RoleOfficial, "")
	vol, units, subs := trustRound(f, srv, official)
	one := []byte(mustJSON(subs[units[0].Unit]))
	f.Add(one)
	f.Add([]byte(`{"responses":[` + string(one) + `]}`))
	f.Add([]byte(`{"client_id":"not-a-uuid","unit":"x","started_at":"2025-10-17T01:53:00Z","ended_at":"2025-10-17T01:00:00Z","answers":{"age":[]}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		r := srv.With(t).Do(portaltest.Request{Method: http.MethodPost, Path: "/api/v1/rounds/r1/responses", Body: body,
			ContentType: "application/json", Token: vol})
		checkNo5xx(t, "survey submission", body, r)
	})
}
