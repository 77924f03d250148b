package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"cleancity/portal"
	"cleancity/portal/portaltest"
	"cleancity/portal/store"
)

// testPostgreSQL returns the URL of a fresh PostgreSQL database, dropped
// when the test ends, or skips the test when CLEANCITY_TEST_POSTGRESQL_URL
// is not set.
func testPostgreSQL(t *testing.T) string {
	t.Helper()
	base := os.Getenv("CLEANCITY_TEST_POSTGRESQL_URL")
	if base == "" {
		t.Skip("CLEANCITY_TEST_POSTGRESQL_URL not set: no PostgreSQL to copy through")
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connect to PostgreSQL: %v", err)
	}
	var b [5]byte
	_, _ = rand.Read(b[:])
	name := "cc_copy_" + hex.EncodeToString(b[:])
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		conn.Close(ctx)
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		defer conn.Close(context.Background())
		if _, err := conn.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Logf("drop database %s: %v", name, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// filePhotoCase files an anonymous complaint with one JPEG photo and
// returns the photo's URL.
func filePhotoCase(t *testing.T, srv *portaltest.Server) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for x := 0; x < 64; x++ {
		for y := 0; y < 48; y++ {
			img.Set(x, y, color.RGBA{uint8(x * 4), uint8(y * 5), 90, 255})
		}
	}
	var photo bytes.Buffer
	if err := jpeg.Encode(&photo, img, nil); err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, v := range map[string]string{"category": "garbage", "description": "路口垃圾桶满溢，垃圾散落一地", "lat": "27.885", "lon": "113.09"} {
		_ = w.WriteField(k, v)
	}
	part, err := w.CreatePart(map[string][]string{
		"Content-Disposition": {`form-data; name="photos"; filename="a.jpg"`},
		"Content-Type":        {"image/jpeg"},
	})
	if err != nil {
		t.Fatal(err)
	}
	part.Write(photo.Bytes())
	w.Close()
	resp := srv.Do(portaltest.Request{Method: http.MethodPost, Path: "/api/v1/complaints", Body: body.Bytes(), ContentType: w.FormDataContentType()})
	if resp.Status != http.StatusCreated {
		t.Fatalf("file with photo: %d %s", resp.Status, resp.Body)
	}
	u, _ := portaltest.Lookup(resp.JSON(t), "photos.0.url").(string)
	if u == "" {
		t.Fatalf("no photo url in %s", resp.Body)
	}
	return u
}

// embeddedPortal starts a portal on the embedded store in dir.
func embeddedPortal(t *testing.T, dir string, opts ...portaltest.Option) *portaltest.Server {
	t.Helper()
	return portaltest.NewServer(t, append(opts, portaltest.WithConfig(func(c *portal.Config) {
		c.MongoURI, c.PostgreSQLURL, c.DataDir, c.Database = "", "", dir, ""
	}))...)
}

// TestDBCopyRoundTrip copies the demo city with a filed case and its photo
// from an embedded store to PostgreSQL and back into another embedded
// store, and demands the same documents (counts and checksums of the exact
// BSON of every document of every collection) and the same photo bytes.
func TestDBCopyRoundTrip(t *testing.T) {
	pg := testPostgreSQL(t)
	ctx := context.Background()
	dirA, dirB := t.TempDir(), t.TempDir()

	a := embeddedPortal(t, dirA, portaltest.WithDemo())
	photoURL := filePhotoCase(t, a)
	photo := a.Get(photoURL, "")
	if photo.Status != http.StatusOK || len(photo.Body) == 0 {
		t.Fatalf("photo before copy: %d", photo.Status)
	}
	if err := a.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}

	copyCmd := func(args ...string) (string, error) {
		var out, errOut bytes.Buffer
		err := run(ctx, append([]string{"db", "copy"}, args...), strings.NewReader(""), &out, &errOut)
		return out.String() + errOut.String(), err
	}
	out, err := copyCmd("--from", dirA, "--to", pg)
	if err != nil {
		t.Fatalf("copy to PostgreSQL: %v\n%s", err, out)
	}
	if !strings.Contains(out, "verifying") || !strings.Contains(out, "complaint_photos.chunks") {
		t.Errorf("copy output names no verification or no photo chunks:\n%s", out)
	}
	// A second copy into the same target is refused without --force.
	out, err = copyCmd("--from", dirA, "--to", pg)
	var ue usageError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("copy into a non-empty target: %v\n%s", err, out)
	}
	if out, err = copyCmd("--from", dirA, "--to", pg, "--force"); err != nil {
		t.Fatalf("copy --force: %v\n%s", err, out)
	}
	if out, err = copyCmd("--from", pg, "--to", dirB); err != nil {
		t.Fatalf("copy back to an embedded store: %v\n%s", err, out)
	}

	sums := func(dir string) map[string]store.CollectionSum {
		st, err := store.Open(ctx, store.Config{DataDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close(context.Background())
		all, err := store.Sums(ctx, st.DB)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]store.CollectionSum{}
		for _, s := range all {
			m[s.Name] = s
		}
		return m
	}
	before, after := sums(dirA), sums(dirB)
	if len(before) < 10 {
		t.Fatalf("source has only %d collections", len(before))
	}
	for name, s := range before {
		if after[name] != s {
			t.Errorf("%s: before %+v, after the round trip %+v", name, s, after[name])
		}
	}
	for _, name := range []string{"complaints", "complaint_events", "users", "areas", "complaint_photos.files", "complaint_photos.chunks"} {
		if before[name].Docs == 0 {
			t.Errorf("%s is empty on the source: the round trip proves nothing for it", name)
		}
	}
	// PostgreSQL mode creates every collection the portal uses at start,
	// so the round trip may bring back empty ones; nothing else may appear.
	for name, s := range after {
		if _, ok := before[name]; !ok && s.Docs > 0 {
			t.Errorf("%s: %d documents after the round trip, none before", name, s.Docs)
		}
	}

	b := embeddedPortal(t, dirB)
	got := b.Get(photoURL, "")
	if got.Status != http.StatusOK || !bytes.Equal(got.Body, photo.Body) {
		t.Errorf("photo after the round trip: %d, %d bytes (want %d identical bytes)", got.Status, len(got.Body), len(photo.Body))
	}
}
