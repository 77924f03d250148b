package photo_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"slices"
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
	f.Add(withEXIF(j.Bytes(), exifTIFF(6, binary.BigEndian)))
	if w, err := os.ReadFile("testdata/marker-exif.webp"); err == nil {
		f.Add(w)
	}
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

// The test picture, upright: 48 x 32, red, green and blue 16 x 16 blocks
// at the top-left, top-right and bottom-left corners, grey elsewhere (the
// same as testdata/gen.go draws).
const upW, upH = 48, 32

func uprightColor(x, y int) color.RGBA {
	switch {
	case x < 16 && y < 16:
		return color.RGBA{255, 0, 0, 255}
	case x >= 32 && y < 16:
		return color.RGBA{0, 255, 0, 255}
	case x < 16 && y >= 16:
		return color.RGBA{0, 0, 255, 255}
	}
	return color.RGBA{128, 128, 128, 255}
}

// storedFor returns the pixels a camera stores for the upright picture
// with EXIF orientation o, from the standard's wording: which side of the
// picture the stored row 0 and column 0 show.
func storedFor(o int) *image.RGBA {
	rowSide := map[int]string{1: "top", 2: "top", 3: "bottom", 4: "bottom", 5: "left", 6: "right", 7: "right", 8: "left"}[o]
	colSide := map[int]string{1: "left", 2: "right", 3: "right", 4: "left", 5: "top", 6: "top", 7: "bottom", 8: "bottom"}[o]
	w, h := upW, upH
	if o >= 5 {
		w, h = upH, upW // stored rows run top to bottom of the picture
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for sy := range h {
		for sx := range w {
			var vx, vy int
			switch rowSide {
			case "top":
				vy = sy
			case "bottom":
				vy = upH - 1 - sy
			case "left":
				vx = sy
			case "right":
				vx = upW - 1 - sy
			}
			switch colSide {
			case "left":
				vx = sx
			case "right":
				vx = upW - 1 - sx
			case "top":
				vy = sx
			case "bottom":
				vy = upH - 1 - sx
			}
			img.Set(sx, sy, uprightColor(vx, vy))
		}
	}
	return img
}

// exifTIFF builds an EXIF TIFF block in the byte order: a camera make (a
// value stored out of line), the orientation, and a GPS IFD pointer.
func exifTIFF(o int, bo binary.AppendByteOrder) []byte {
	t := []byte("II*\x00")
	if bo == binary.AppendByteOrder(binary.BigEndian) {
		t = []byte("MM\x00*")
	}
	t = bo.AppendUint32(t, 8)
	t = bo.AppendUint16(t, 3)
	camera := "CleanCityTestCamera\x00"
	entry := func(tag, typ uint16, count uint32, value []byte) {
		t = bo.AppendUint16(t, tag)
		t = bo.AppendUint16(t, typ)
		t = bo.AppendUint32(t, count)
		t = append(t, value...)
	}
	entry(0x010F, 2, uint32(len(camera)), bo.AppendUint32(nil, 8+2+3*12+4))
	entry(0x0112, 3, 1, append(bo.AppendUint16(nil, uint16(o)), 0, 0))
	entry(0x8825, 4, 1, bo.AppendUint32(nil, 0))
	t = bo.AppendUint32(t, 0)
	return append(t, camera...)
}

// withEXIF inserts an APP1 EXIF segment holding tiff after the JPEG's SOI.
func withEXIF(jpg, tiff []byte) []byte {
	payload := append([]byte("Exif\x00\x00"), tiff...)
	seg := []byte{0xFF, 0xE1}
	seg = binary.BigEndian.AppendUint16(seg, uint16(len(payload)+2))
	seg = append(seg, payload...)
	return slices.Concat(jpg[:2], seg, jpg[2:])
}

func encodeJPEG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 100}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// checkUpright decodes a processed JPEG and checks it is the upright test
// picture: its size and the colour at the middle of each block.
func checkUpright(t *testing.T, name string, out *photo.Processed) {
	t.Helper()
	img, err := jpeg.Decode(bytes.NewReader(out.JPEG))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if b := img.Bounds(); b.Dx() != upW || b.Dy() != upH || out.Width != upW || out.Height != upH {
		t.Fatalf("%s: %v (%dx%d), want %dx%d", name, b, out.Width, out.Height, upW, upH)
	}
	for _, p := range []image.Point{{8, 8}, {40, 8}, {8, 24}, {40, 24}, {24, 8}, {24, 24}} {
		r, g, b, _ := img.At(p.X, p.Y).RGBA()
		want := uprightColor(p.X, p.Y)
		near := func(got uint32, want uint8) bool { d := int(got>>8) - int(want); return d > -40 && d < 40 }
		if !near(r, want.R) || !near(g, want.G) || !near(b, want.B) {
			t.Errorf("%s: pixel %v is %d,%d,%d, want %v", name, p, r>>8, g>>8, b>>8, want)
		}
	}
	if bytes.Contains(out.JPEG, []byte("Exif")) || bytes.Contains(out.JPEG, []byte("CleanCityTestCamera")) ||
		bytes.Contains(out.JPEG, []byte{0xFF, 0xE1}) {
		t.Errorf("%s: metadata left in the output", name)
	}
}

// TestEXIFOrientation files a JPEG for each of the 8 EXIF orientations, in
// both byte orders, each stored the way a camera would store the upright
// picture: every one must come out upright, without EXIF.
func TestEXIFOrientation(t *testing.T) {
	for o := 1; o <= 8; o++ {
		for _, bo := range []binary.AppendByteOrder{binary.LittleEndian, binary.BigEndian} {
			name := fmt.Sprintf("orientation %d %v", o, bo)
			data := withEXIF(encodeJPEG(t, storedFor(o)), exifTIFF(o, bo))
			if got := photo.Orientation(data); got != o {
				t.Errorf("%s: read %d", name, got)
			}
			out, err := photo.Process(data)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			checkUpright(t, name, out)
			th, err := jpeg.DecodeConfig(bytes.NewReader(out.Thumb))
			if err != nil || th.Width != upW || th.Height != upH {
				t.Errorf("%s: thumbnail %+v %v", name, th, err)
			}
		}
	}
	// A stored image turned to the side without a tag stays as stored.
	out, err := photo.Process(encodeJPEG(t, storedFor(6)))
	if err != nil || out.Width != upH || out.Height != upW {
		t.Errorf("untagged: %+v %v", out, err)
	}
}

func TestOrientationMalformed(t *testing.T) {
	good := withEXIF(encodeJPEG(t, storedFor(1)), exifTIFF(6, binary.BigEndian))
	at := bytes.Index(good, []byte("MM\x00*"))
	for name, data := range map[string][]byte{
		"no exif":        encodeJPEG(t, storedFor(1)),
		"not a jpeg":     encodePNG(t, 4, 4),
		"empty":          nil,
		"truncated":      good[:at+20],
		"bad byte order": bytes.Replace(slices.Clone(good), []byte("MM\x00*"), []byte("XX\x00*"), 1),
		"value 9":        withEXIF(encodeJPEG(t, storedFor(1)), exifTIFF(9, binary.BigEndian)),
		"value 0":        withEXIF(encodeJPEG(t, storedFor(1)), exifTIFF(0, binary.LittleEndian)),
		"ifd past end": func() []byte {
			b := slices.Clone(good)
			binary.BigEndian.PutUint32(b[at+4:], 1<<30)
			return b
		}(),
		"segment length past end": func() []byte {
			b := slices.Clone(good)
			binary.BigEndian.PutUint16(b[4:], 0xFFFF)
			return b
		}(),
	} {
		if got := photo.Orientation(data); got != 1 {
			t.Errorf("%s: orientation %d, want 1", name, got)
		}
	}
}

// TestWebP processes real WebP files made by cwebp and webpmux (see
// testdata/make.sh): lossless, lossy, and one with an EXIF chunk; each is
// accepted, re-encoded as a metadata-free JPEG, and keeps its pixels.
func TestWebP(t *testing.T) {
	for _, file := range []string{"marker.webp", "marker-lossy.webp", "marker-exif.webp"} {
		data, err := os.ReadFile(filepath.Join("testdata", file))
		if err != nil {
			t.Fatal(err)
		}
		if photo.Sniff(data) != "image/webp" {
			t.Fatalf("%s: sniffed %q", file, photo.Sniff(data))
		}
		if file == "marker-exif.webp" && !bytes.Contains(data, []byte("CleanCityTestCamera")) {
			t.Fatalf("%s: fixture lacks its EXIF chunk", file)
		}
		out, err := photo.Process(data)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if out.Source != "image/webp" {
			t.Errorf("%s: source %q", file, out.Source)
		}
		if !bytes.HasPrefix(out.JPEG, []byte{0xFF, 0xD8, 0xFF}) || !bytes.HasPrefix(out.Thumb, []byte{0xFF, 0xD8, 0xFF}) {
			t.Errorf("%s: output is not JPEG", file)
		}
		checkUpright(t, file, out)
	}
}
