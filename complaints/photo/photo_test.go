package photo_test

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"

	"cleancity/complaints/photo"
)

func encodePNG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		img.Set(x, 0, color.NRGBA{R: 200, A: 128})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestProcess(t *testing.T) {
	out, err := photo.Process(encodePNG(t, 4000, 1000))
	if err != nil {
		t.Fatal(err)
	}
	if out.Source != "image/png" || out.Width != 2560 || out.Height != 640 {
		t.Errorf("got %s %dx%d", out.Source, out.Width, out.Height)
	}
	th, err := jpeg.DecodeConfig(bytes.NewReader(out.Thumb))
	if err != nil || th.Width != 320 || th.Height != 80 {
		t.Errorf("thumb %+v %v", th, err)
	}
	for name, data := range map[string][]byte{
		"text":          []byte("hello, not an image"),
		"truncated png": encodePNG(t, 50, 50)[:60],
		"gif":           []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
		"empty":         nil,
	} {
		if _, err := photo.Process(data); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := photo.Process(make([]byte, photo.MaxBytes+1)); !errors.Is(err, photo.ErrTooLarge) {
		t.Errorf("oversize: %v", err)
	}
	// A PNG header that declares 100000 x 100000 pixels is refused before decoding.
	bomb := encodePNG(t, 1, 1)
	copy(bomb[16:24], []byte{0, 1, 0x86, 0xa0, 0, 1, 0x86, 0xa0})
	if _, err := photo.Process(bomb); !errors.Is(err, photo.ErrTooBig) && !errors.Is(err, photo.ErrUndecoded) {
		t.Errorf("bomb: %v", err)
	}
}

// FuzzProcess: uploads are hostile; Process must never panic and must
// return JPEGs when it accepts.
func FuzzProcess(f *testing.F) {
	f.Add(encodePNG(f, 8, 8))
	var j bytes.Buffer
	_ = jpeg.Encode(&j, image.NewGray(image.Rect(0, 0, 8, 8)), nil)
	f.Add(j.Bytes())
	f.Add([]byte("RIFF\x00\x00\x00\x00WEBPVP8 "))
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := photo.Process(data)
		if err != nil {
			return
		}
		if _, err := jpeg.DecodeConfig(bytes.NewReader(out.JPEG)); err != nil {
			t.Fatalf("accepted input gave a bad JPEG: %v", err)
		}
	})
}
