package portal_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"cleancity/portal"
	"cleancity/portal/portaltest"
)

// TestFilingLimit: anonymous filings and "me too" joins from one address
// share a bucket of FilingLimit an hour; the next one is a 429 with
// Retry-After and stores nothing; a spoofed X-Forwarded-For from an
// untrusted peer does not get a fresh bucket; residents are counted by
// account; staff are not counted; tokens come back with time.
func TestFilingLimit(t *testing.T) {
	clock := portaltest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	srv := newCityServer(t, portaltest.WithClock(clock), portaltest.WithConfig(func(c *portal.Config) { c.FilingLimit = 3 }))
	ctx := context.Background()
	stored := func() int64 {
		t.Helper()
		n, err := srv.Store().DB.Collection("complaints").CountDocuments(ctx, map[string]any{})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	first := mustFileHTTP(t, srv, "", nil)
	mustFileHTTP(t, srv, "", map[string]any{"category": "flyers"})
	// A join takes a token too.
	if r := srv.PostJSON("/api/v1/complaints/"+first["tracking_code"].(string)+"/join", "", nil); r.Status != http.StatusOK {
		t.Fatalf("join: %d %s", r.Status, r.Body)
	}
	before := stored()
	for _, lang := range []string{"zh-CN", "en"} {
		r := srv.Do(portaltest.Request{Method: http.MethodPost, Path: "/api/v1/complaints", Body: fileBody(nil),
			Header: map[string]string{"Accept-Language": lang, "X-Forwarded-For": "203.0.113.9"}})
		if r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") != "1200" {
			t.Fatalf("%s: over the limit: %d, Retry-After %q: %s", lang, r.Status, r.Header.Get("Retry-After"), r.Body)
		}
		m := r.JSON(t)
		want := map[string]string{"zh-CN": "提交过于频繁，请稍后再试", "en": "too many reports from this address or account; try again later"}[lang]
		if portaltest.Lookup(m, "error.code") != "rate_limited" || portaltest.Lookup(m, "error.message") != want {
			t.Errorf("%s: error %v", lang, m["error"])
		}
	}
	if r := srv.PostJSON("/api/v1/complaints/"+first["tracking_code"].(string)+"/join", "", nil); r.Status != http.StatusTooManyRequests {
		t.Errorf("join over the limit: %d", r.Status)
	}
	if n := stored(); n != before {
		t.Errorf("refused filings stored: %d cases, want %d", n, before)
	}
	// A resident has a bucket of their own; staff have none.
	resident := srv.Token(t, portal.RoleResident, "")
	for i := 0; i < 3; i++ {
		mustFileHTTP(t, srv, resident, nil)
	}
	if r := srv.PostJSON("/api/v1/complaints", resident, fileBody(nil)); r.Status != http.StatusTooManyRequests {
		t.Errorf("resident's 4th filing: %d", r.Status)
	}
	official := srv.Token(t, portal.RoleOfficial, "")
	for i := 0; i < 5; i++ {
		mustFileHTTP(t, srv, official, nil)
	}
	// 3 an hour: one token back every 20 minutes.
	clock.Advance(20 * time.Minute)
	mustFileHTTP(t, srv, "", nil)
	if r := srv.PostJSON("/api/v1/complaints", "", fileBody(nil)); r.Status != http.StatusTooManyRequests {
		t.Errorf("second filing after 20 minutes: %d", r.Status)
	}
}
