package statscsv_test

import (
	"errors"
	"io"
	"strings"
	"testing"
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
