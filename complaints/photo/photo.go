// Package photo turns an uploaded image into what the portal stores: the
// type is recognised by content (JPEG, PNG or WebP, never by name or
// declared type), the pixels are decoded, turned upright by a JPEG's EXIF
// orientation, and re-encoded as JPEG so that EXIF, GPS and every other
// metadata block is dropped, large images are scaled down, and a
// thumbnail is made.
package photo

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"

	"golang.org/x/image/draw"
	"golang.org/x/image/webp"
)

// Limits of an accepted upload.
const (
	MaxBytes  = 8 << 20
	MaxPixels = 50_000_000
	MaxSide   = 2560 // stored images are scaled to fit this box
	ThumbSide = 320
	quality   = 85
)

// Errors of Process.
var (
	ErrNotImage  = errors.New("the photo is not a JPEG, PNG or WebP image")
	ErrTooLarge  = errors.New("the photo is larger than 8 MiB")
	ErrTooBig    = errors.New("the photo is too large in pixels")
	ErrUndecoded = errors.New("the photo cannot be decoded")
)

// Processed is a cleaned photo and its thumbnail, both JPEG.
type Processed struct {
	JPEG          []byte
	Thumb         []byte
	Width, Height int
	// Source is the recognised input type: image/jpeg, image/png or image/webp.
	Source string
}

// Sniff returns the image type recognised from the first bytes, or "".
func Sniff(data []byte) string {
	switch {
	case len(data) >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF:
		return "image/jpeg"
	case len(data) >= 8 && bytes.Equal(data[:8], []byte("\x89PNG\r\n\x1a\n")):
		return "image/png"
	case len(data) >= 12 && bytes.Equal(data[:4], []byte("RIFF")) && bytes.Equal(data[8:12], []byte("WEBP")):
		return "image/webp"
	}
	return ""
}

// Process validates, decodes, scales and re-encodes one upload. It bounds
// the memory of this photo alone; a server decodes through a Decoder,
// which also bounds the photos decoded at once.
func Process(data []byte) (*Processed, error) {
	in, err := inspect(data)
	if err != nil {
		return nil, err
	}
	return in.process()
}

// upload is a photo whose header passed the checks.
type upload struct {
	data   []byte
	kind   string
	cfg    image.Config
	decode func([]byte) (image.Image, error)
	// decoded is what decoding will allocate.
	decoded int64
}

// inspect checks the type, the declared size and the decoded size of an
// upload from its header, before any pixel is allocated (decompression
// bombs, deep pixels).
func inspect(data []byte) (*upload, error) {
	if len(data) > MaxBytes {
		return nil, ErrTooLarge
	}
	in := &upload{data: data, kind: Sniff(data)}
	var config func([]byte) (image.Config, error)
	switch in.kind {
	case "image/jpeg":
		in.decode = func(b []byte) (image.Image, error) { return jpeg.Decode(bytes.NewReader(b)) }
		config = func(b []byte) (image.Config, error) { return jpeg.DecodeConfig(bytes.NewReader(b)) }
	case "image/png":
		in.decode = func(b []byte) (image.Image, error) { return png.Decode(bytes.NewReader(b)) }
		config = func(b []byte) (image.Config, error) { return png.DecodeConfig(bytes.NewReader(b)) }
	case "image/webp":
		in.decode = func(b []byte) (image.Image, error) { return webp.Decode(bytes.NewReader(b)) }
		config = func(b []byte) (image.Config, error) { return webp.DecodeConfig(bytes.NewReader(b)) }
	default:
		return nil, ErrNotImage
	}
	cfg, err := config(data)
	if err != nil {
		return nil, ErrUndecoded
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return nil, ErrTooBig
	}
	in.cfg = cfg
	in.decoded = decodedBytes(in.kind, cfg, data)
	if in.decoded > MaxDecodedBytes {
		return nil, ErrTooDeep
	}
	return in, nil
}

// workingBytes is the memory processing takes at its peak: the decoded
// pixels, the scaled RGBA copy, the thumbnail and the encoders' buffers.
func (in *upload) workingBytes() int64 {
	w, h := fitSize(in.cfg.Width, in.cfg.Height, MaxSide)
	return in.decoded + int64(w)*int64(h)*4 + ThumbSide*ThumbSide*4 + 1<<20
}

// process decodes, scales and re-encodes an inspected upload.
func (in *upload) process() (*Processed, error) {
	img, err := in.decode(in.data)
	if err != nil {
		return nil, ErrUndecoded
	}
	full := fit(img, MaxSide)
	if in.kind == "image/jpeg" {
		// The EXIF block is dropped on re-encoding, so apply its
		// orientation to the pixels, or a phone photo taken upright
		// would come out lying on its side. After scaling: the box is
		// square, and turning the smaller image costs less.
		full = orient(full, Orientation(in.data))
	}
	thumb := fit(full, ThumbSide)
	out := &Processed{Source: in.kind, Width: full.Bounds().Dx(), Height: full.Bounds().Dy()}
	if out.JPEG, err = encode(full); err != nil {
		return nil, err
	}
	if out.Thumb, err = encode(thumb); err != nil {
		return nil, err
	}
	return out, nil
}

// fitSize is the size of a w x h image scaled down to fit a side x side box.
func fitSize(w, h, side int) (int, int) {
	if w > side || h > side {
		if w >= h {
			return side, max(1, h*side/w)
		}
		return max(1, w*side/h), side
	}
	return w, h
}

// fit scales img down to fit a side x side box (never up), and flattens
// transparency onto white since JPEG has no alpha.
func fit(img image.Image, side int) image.Image {
	b := img.Bounds()
	w, h := fitSize(b.Dx(), b.Dy(), side)
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(dst, dst.Bounds(), &image.Uniform{C: color.White}, image.Point{}, draw.Src)
	if w == b.Dx() && h == b.Dy() {
		draw.Draw(dst, dst.Bounds(), img, b.Min, draw.Over)
	} else {
		draw.ApproxBiLinear.Scale(dst, dst.Bounds(), img, b, draw.Over, nil)
	}
	return dst
}

func encode(img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
