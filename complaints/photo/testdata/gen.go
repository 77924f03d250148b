//go:build ignore

// gen writes marker.png (48 x 32: red, green and blue 16 x 16 blocks at
// the top-left, top-right and bottom-left corners, grey elsewhere) and
// marker.exif (a big-endian EXIF TIFF block with a camera make, an
// orientation of 1 and a GPS latitude reference) for make.sh.
package main

import (
	"encoding/binary"
	"image"
	"image/color"
	"image/png"
	"os"
)

func main() {
	img := image.NewRGBA(image.Rect(0, 0, 48, 32))
	for y := range 32 {
		for x := range 48 {
			c := color.RGBA{128, 128, 128, 255}
			switch {
			case x < 16 && y < 16:
				c = color.RGBA{255, 0, 0, 255}
			case x >= 32 && y < 16:
				c = color.RGBA{0, 255, 0, 255}
			case x < 16 && y >= 16:
				c = color.RGBA{0, 0, 255, 255}
			}
			img.Set(x, y, c)
		}
	}
	f, err := os.Create("marker.png")
	if err != nil {
		panic(err)
	}
	if err := png.Encode(f, img); err != nil {
		panic(err)
	}
	f.Close()

	// TIFF header, IFD0 at 8 with 3 entries, then the make string.
	be := binary.BigEndian
	t := []byte("MM\x00*\x00\x00\x00\x08")
	t = be.AppendUint16(t, 3)
	camera := "CleanCityTestCamera\x00"
	dataAt := uint32(8 + 2 + 3*12 + 4)
	entry := func(tag, typ uint16, count, value uint32) {
		t = be.AppendUint16(t, tag)
		t = be.AppendUint16(t, typ)
		t = be.AppendUint32(t, count)
		t = be.AppendUint32(t, value)
	}
	entry(0x010F, 2, uint32(len(camera)), dataAt) // Make
	entry(0x0112, 3, 1, 1<<16)                    // Orientation = 1 (left-justified SHORT)
	entry(0x8825, 4, 1, 0)                        // GPS IFD pointer (empty)
	t = be.AppendUint32(t, 0)                     // no IFD1
	t = append(t, camera...)
	if err := os.WriteFile("marker.exif", t, 0o644); err != nil {
		panic(err)
	}
}
