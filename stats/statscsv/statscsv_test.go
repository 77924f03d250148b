package statscsv_test

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"

	"cleancity/stats/statscsv"
)

func readAll(tb testing.TB, text string) ([]string, [][]string, error) {
	tb.Helper()
	rd, err := statscsv.NewReader(strings.NewReader(text))
	if err != nil {
		return nil, nil, err
	}
	var recs [][]string
	for {
		rec, err := rd.Next()
		if err == io.EOF {
			return rd.Header(), recs, nil
		}
		if err != nil {
			return rd.Header(), recs, err
		}
		recs = append(recs, append([]string(nil), rec...))
	}
}

func TestReader(t *testing.T) {
	hdr, recs, err := readAll(t, "\ufeff\"district\",\"w\",x\r\n\"D01\",1.5,NA\n\"D,02\",\"2\",\"\"\"q\"\"\"\n")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(hdr, "|") != "district|w|x" {
		t.Errorf("header %q (BOM not stripped?)", hdr)
	}
	if len(recs) != 2 || recs[1][0] != "D,02" || recs[1][2] != `"q"` {
		t.Errorf("records %q", recs)
	}
	if !statscsv.IsMissing(recs[0][2]) || statscsv.IsMissing(recs[0][1]) {
		t.Error("IsMissing")
	}
}

func TestReaderErrors(t *testing.T) {
	cases := []struct{ name, text, want string }{
		{"empty", "", "line 1"},
		{"dup header", "a,b,a\n1,2,3\n", `column "a"`},
		{"empty header", "a,,c\n", "header field 2"},
		{"short row", "a,b\n1,2\n3\n", "line 3"},
		{"bad quote", "a,b\n1,\"2\n3,4\n", "line 2"},
		{"bad utf8", "a,b\n1,\xff\n", `line 2, column "b"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := readAll(t, c.text)
			var e *statscsv.Error
			if !errors.As(err, &e) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want *Error mentioning %q", err, c.want)
			}
		})
	}
}

func TestParseFloat(t *testing.T) {
	for _, s := range []string{"", "NA", " NA "} {
		if _, err := statscsv.ParseFloat(s); !errors.Is(err, statscsv.ErrMissing) {
			t.Errorf("%q: %v", s, err)
		}
	}
	for _, s := range []string{"abc", "Inf", "NaN", "1e400"} {
		if _, err := statscsv.ParseFloat(s); err == nil {
			t.Errorf("%q accepted", s)
		}
	}
	if v, err := statscsv.ParseFloat(" 2.5e3"); err != nil || v != 2500 {
		t.Errorf("got %v %v", v, err)
	}
}

func TestReadTargets(t *testing.T) {
	m, err := statscsv.ReadTargets(strings.NewReader("\"Freq\",\"sex\"\n100,\"F\"\n90,M\n"), "sex")
	if err != nil || m["F"] != 100 || m["M"] != 90 || len(m) != 2 {
		t.Fatalf("%v %v", m, err)
	}
	for _, bad := range []string{
		"sex,N\nF,1\n", "age,Freq\n1,2\n", "sex,Freq\nF,-1\n", "sex,Freq\nF,1\nF,2\n", "sex,Freq\n", "sex,Freq\nF,x\n",
	} {
		if _, err := statscsv.ReadTargets(strings.NewReader(bad), "sex"); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// FuzzReader feeds arbitrary bytes: the reader must never panic, and every
// record it returns has the header's width and is valid UTF-8.
func FuzzReader(f *testing.F) {
	f.Add([]byte("a,b\n1,2\n"))
	f.Add([]byte("\ufeff\"x\",\"y\"\r\n\"1\",\"\"\"\"\n"))
	f.Add([]byte("a\n\"unterminated\n"))
	f.Add([]byte("\xef\xbb"))
	f.Add([]byte("a,b\n1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		sameAsStd(t, string(data), iotest.OneByteReader(strings.NewReader(string(data))))
		rd, err := statscsv.NewReader(strings.NewReader(string(data)))
		if err != nil {
			var e *statscsv.Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v is not *statscsv.Error", err)
			}
			return
		}
		width := len(rd.Header())
		for _, h := range rd.Header() {
			if h == "" || !utf8.ValidString(h) {
				t.Fatalf("bad header %q", rd.Header())
			}
		}
		last := 1
		for {
			rec, err := rd.Next()
			if err == io.EOF {
				return
			}
			if err != nil {
				var e *statscsv.Error
				if !errors.As(err, &e) {
					t.Fatalf("error %v is not *statscsv.Error", err)
				}
				return
			}
			if len(rec) != width {
				t.Fatalf("record %q has %d fields, header %d", rec, len(rec), width)
			}
			for _, f := range rec {
				if !utf8.ValidString(f) {
					t.Fatalf("invalid UTF-8 %q", f)
				}
				_, _ = statscsv.ParseFloat(f)
			}
			if rd.Line() <= last {
				t.Fatalf("line %d after %d", rd.Line(), last)
			}
			last = rd.Line()
		}
	})
}

// readWith reads text through the package (from src) and through
// encoding/csv with the same rules, for a differential check.
func readWith(src io.Reader) (recs [][]string, err error) {
	rd, err := statscsv.NewReader(src)
	if err != nil {
		return nil, err
	}
	recs = append(recs, rd.Header())
	for {
		rec, err := rd.Next()
		if err == io.EOF {
			return recs, nil
		}
		if err != nil {
			return recs, err
		}
		recs = append(recs, append([]string(nil), rec...))
	}
}

func readStd(text string) ([][]string, error) {
	cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(text, "\ufeff")))
	var recs [][]string
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return recs, nil
		}
		if err != nil {
			return recs, err
		}
		for i, f := range rec {
			if !utf8.ValidString(f) {
				return recs, errors.New("invalid UTF-8")
			}
			if len(recs) == 0 {
				rec[i] = strings.TrimSpace(f)
			}
		}
		recs = append(recs, rec)
	}
}

// sameAsStd reports whether the package reads text as encoding/csv does:
// the same records, and an error exactly when it has one (header problems
// the package adds aside).
func sameAsStd(t *testing.T, text string, src io.Reader) {
	t.Helper()
	got, gerr := readWith(src)
	want, werr := readStd(text)
	if gerr != nil && werr == nil {
		if got == nil {
			return // empty file, empty or duplicate header names: the package's own rules
		}
		t.Fatalf("%q: package error %v, encoding/csv read %q", text, gerr, want)
	}
	if werr != nil {
		if gerr == nil {
			t.Fatalf("%q: package read %q, encoding/csv error %v", text, got, werr)
		}
		return
	}
	if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", want) {
		t.Fatalf("%q: package read\n%q\nencoding/csv read\n%q", text, got, want)
	}
}

// TestReaderMatchesEncodingCSV: random documents of commas, quotes, CR, LF,
// multi-byte and invalid bytes read the same as with encoding/csv, also
// when the source hands out one byte at a time (every record then crosses
// a buffer refill).
func TestReaderMatchesEncodingCSV(t *testing.T) {
	alphabet := []string{"a", "b", ",", ",", "\"", "\"", "\n", "\r", "\r\n", "é", "\xff", " ", "1"}
	r := rand.New(rand.NewPCG(9, 9))
	for range 5000 {
		var b strings.Builder
		if r.IntN(10) == 0 {
			b.WriteString("\ufeff")
		}
		for range r.IntN(30) {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		text := b.String()
		sameAsStd(t, text, strings.NewReader(text))
		sameAsStd(t, text, iotest.OneByteReader(strings.NewReader(text)))
	}
}
