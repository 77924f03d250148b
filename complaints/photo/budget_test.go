package photo

import (
	"context"
	"errors"
	"testing"
	"time"

	"cleancity/complaints/photo/phototest"
)

func TestDeepPixelsRefusedFromTheHeader(t *testing.T) {
	deep := phototest.DeepPNG(7000, 7000)
	in, err := inspect(deep)
	if !errors.Is(err, ErrTooDeep) {
		t.Fatalf("7000 x 7000 16-bit PNG: %v (decoded estimate %v)", err, in)
	}
	// The same pixels at 16 bits but 12 megapixels fit; so does a phone JPEG.
	if in, err := inspect(phototest.DeepPNG(4000, 3000)); err != nil || in.decoded != 4000*3000*8 {
		t.Fatalf("4000 x 3000 16-bit PNG: %+v %v", in, err)
	}
	phone := phototest.PhoneJPEG(4000, 3000)
	in, err = inspect(phone)
	if err != nil {
		t.Fatal(err)
	}
	// 4:2:0 planes: 1.5 bytes a pixel, plus MCU padding.
	if want := int64(4000 * 3000 * 3 / 2); in.decoded < want || in.decoded > want*9/8 {
		t.Errorf("phone JPEG decoded estimate %d, want about %d", in.decoded, want)
	}
	out, err := Process(phone)
	if err != nil || out.Width != MaxSide {
		t.Fatalf("phone JPEG: %+v %v", out, err)
	}
}

func TestDecoderWaitsForItsBudget(t *testing.T) {
	phone := phototest.PhoneJPEG(1200, 900)
	in, _ := inspect(phone)
	d := NewDecoder(2, in.workingBytes())
	if _, err := NewDecoder(2, in.workingBytes()-1).Process(context.Background(), phone); !errors.Is(err, ErrTooDeep) {
		t.Fatalf("photo over the whole budget: %v", err)
	}
	// While another photo holds the budget, this one waits (here until
	// its context ends), then runs once the budget is back.
	if err := d.bytes.Acquire(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := d.Process(ctx, phone); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("over budget: %v, want to wait", err)
	}
	d.bytes.Release(1)
	if _, err := d.Process(context.Background(), phone); err != nil {
		t.Fatal(err)
	}
}
