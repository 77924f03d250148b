package photo

import (
	"context"
	"encoding/binary"
	"errors"
	"image"
	"image/color"

	"golang.org/x/sync/semaphore"
)

// Memory bounds of decoding (issue 15 row 6: a 381 KB 7000 x 7000 16-bit
// PNG is under MaxPixels but decodes to about 400 MB, and three filings of
// four such photos took a process to 2.57 GB).
const (
	// MaxDecodedBytes is the most one photo may take once decoded: a
	// 12-megapixel photo at 16 bits per channel with alpha (4000 x 3000 x
	// 8 bytes), or as a progressive JPEG, still fits.
	MaxDecodedBytes = 128 << 20
	// DefaultBudget is the working memory all photos decoded at once in
	// one process may take (decoded pixels, the scaled copy, the
	// thumbnail); more wait their turn.
	DefaultBudget = 160 << 20
	// DefaultConcurrency is how many photos one process decodes at once.
	DefaultConcurrency = 2
)

// ErrTooDeep refuses a photo whose pixels would take more than
// MaxDecodedBytes to decode.
var ErrTooDeep = errors.New("the photo would take too much memory to process; send it at 8 bits per channel or smaller")

// Decoder processes photos within a memory budget: at most a number at
// once, and at most a number of bytes of working memory among them. One
// process keeps one Decoder.
type Decoder struct {
	slots  *semaphore.Weighted
	bytes  *semaphore.Weighted
	budget int64
}

// NewDecoder returns a decoder of concurrent photos at once within budget
// bytes of working memory.
func NewDecoder(concurrent int, budget int64) *Decoder {
	return &Decoder{slots: semaphore.NewWeighted(int64(max(1, concurrent))), bytes: semaphore.NewWeighted(budget), budget: budget}
}

// Process is the package's Process within the decoder's bounds: it
// checks the photo's declared size and depth, waits for its share of the
// budget (or ctx), then decodes.
func (d *Decoder) Process(ctx context.Context, data []byte) (*Processed, error) {
	in, err := inspect(data)
	if err != nil {
		return nil, err
	}
	cost := in.workingBytes()
	if cost > d.budget {
		return nil, ErrTooDeep
	}
	if err := d.slots.Acquire(ctx, 1); err != nil {
		return nil, err
	}
	defer d.slots.Release(1)
	if err := d.bytes.Acquire(ctx, cost); err != nil {
		return nil, err
	}
	defer d.bytes.Release(cost)
	return in.process()
}

// decodedBytes is what the standard decoders allocate for the image
// described by cfg, read from the header before any pixel is decoded. It
// errs on the large side where the header does not say.
func decodedBytes(kind string, cfg image.Config, data []byte) int64 {
	px := int64(cfg.Width) * int64(cfg.Height)
	switch kind {
	case "image/png":
		return px * pngBytesPerPixel(data)
	case "image/jpeg":
		return jpegBytes(data, px)
	default: // WebP
		switch cfg.ColorModel {
		case color.YCbCrModel:
			return px * 2 // 4:2:0 planes, 1.5 bytes a pixel
		case color.NYCbCrAModel:
			return px * 3 // plus alpha
		}
		return px * 8 // lossless: NRGBA plus the decoder's ARGB words
	}
}

// pngBytesPerPixel reads the IHDR chunk: bit depth and colour type decide
// the Go image type (Gray16, RGBA64, NRGBA64 take 2 or 8 bytes a pixel);
// an interlaced image is decoded pass by pass into a second buffer.
func pngBytesPerPixel(data []byte) int64 {
	if len(data) < 29 {
		return 8
	}
	depth, ctype, interlace := data[24], data[25], data[28]
	var n int64
	switch {
	case ctype == 3:
		n = 1 // paletted
	case ctype == 0 && depth <= 8:
		n = 4 // gray, or NRGBA with a transparent colour
	case depth <= 8:
		n = 4
	default:
		n = 8 // 16 bits a channel: Gray16 is 2, with tRNS or colour 8
	}
	if interlace == 1 {
		n *= 2
	}
	return n
}

// jpegBytes reads the frame header (SOFn): each component's plane at its
// sampling, and for a progressive JPEG the int32 coefficients the
// decoder keeps for every block as well.
func jpegBytes(data []byte, px int64) int64 {
	for i := 2; i+4 <= len(data); {
		if data[i] != 0xFF {
			break
		}
		m := data[i+1]
		if m == 0xFF {
			i++
			continue
		}
		n := int(binary.BigEndian.Uint16(data[i+2:]))
		if n < 2 {
			break
		}
		if m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC {
			seg := data[i+4 : min(len(data), i+2+n)]
			if len(seg) < 6 {
				break
			}
			comps := int(seg[5])
			if comps < 1 || comps > 4 || len(seg) < 6+3*comps {
				break
			}
			hmax, vmax := 1, 1
			for c := range comps {
				f := seg[6+3*c+1]
				hmax, vmax = max(hmax, int(f>>4)), max(vmax, int(f&15))
			}
			var planes int64
			for c := range comps {
				f := seg[6+3*c+1]
				h, v := max(1, int(f>>4)), max(1, int(f&15))
				planes += px * int64(h*v) / int64(hmax*vmax)
			}
			planes += planes / 16 // planes are padded to whole MCUs
			if m == 0xC2 || m == 0xC6 || m == 0xCA || m == 0xCE {
				return planes * 5 // planes plus an int32 a coefficient
			}
			return planes
		}
		i += 2 + n
	}
	return px * 4 // CMYK or an unreadable header: the most a baseline takes
}
