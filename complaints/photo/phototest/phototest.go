// Package phototest makes hostile and ordinary uploads for tests and
// benchmarks of photo handling, without holding their pixels in memory.
package phototest

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/jpeg"
)

// DeepPNG returns a w x h RGB PNG at 16 bits per channel, all black: a
// few hundred KB that the standard decoder turns into w*h*8 bytes
// (DeepPNG(7000, 7000) is 286 KB and decodes to 392 MB: the upload of
// issue 15 row 6).
// Rows are compressed one at a time, so making it takes little memory.
func DeepPNG(w, h int) []byte {
	var out bytes.Buffer
	out.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = 16, 2 // bit depth 16, truecolour
	chunk(&out, "IHDR", ihdr)
	var idat bytes.Buffer
	z, _ := zlib.NewWriterLevel(&idat, zlib.DefaultCompression)
	row := make([]byte, 1+w*6) // filter byte 0, then black pixels
	for range h {
		_, _ = z.Write(row)
	}
	_ = z.Close()
	chunk(&out, "IDAT", idat.Bytes())
	chunk(&out, "IEND", nil)
	return out.Bytes()
}

func chunk(out *bytes.Buffer, typ string, data []byte) {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(data)))
	out.Write(n[:])
	crc := crc32.NewIEEE()
	crc.Write([]byte(typ))
	crc.Write(data)
	out.WriteString(typ)
	out.Write(data)
	binary.BigEndian.PutUint32(n[:], crc.Sum32())
	out.Write(n[:])
}

// PhoneJPEG returns a w x h baseline 4:2:0 JPEG with some structure, the
// shape of a phone camera's photo (4000 x 3000 for 12 megapixels).
func PhoneJPEG(w, h int) []byte {
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	for y := range h {
		for x := range w {
			img.Y[y*img.YStride+x] = uint8((x/7 + y/5) % 251)
		}
	}
	for i := range img.Cb {
		img.Cb[i], img.Cr[i] = uint8(i%97+80), uint8(i%89+90)
	}
	var b bytes.Buffer
	_ = jpeg.Encode(&b, img, &jpeg.Options{Quality: 85})
	return b.Bytes()
}
