// Package statscsv reads the CSV files the stats command takes: a header
// row, UTF-8 text with an optional byte-order mark, fields quoted as R's
// write.csv quotes them, "" or NA for a missing value. Errors name the line
// and the column.
package statscsv

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ErrMissing reports a missing value ("" or NA) where one is required.
var ErrMissing = errors.New("missing value")

// Error locates a problem in the file. Line is 1-based and counts the
// header; Column is the column's header name, or "" when the problem is the
// whole line.
type Error struct {
	// Line is the 1-based line number.
	Line int
	// Column is the header name of the offending column, if any.
	Column string
	// Err is the reason.
	Err error
}

// Error formats the location and the reason.
func (e *Error) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("line %d: %v", e.Line, e.Err)
	}
	return fmt.Sprintf("line %d, column %q: %v", e.Line, e.Column, e.Err)
}

// Unwrap returns the reason.
func (e *Error) Unwrap() error { return e.Err }

// Reader streams the records of a CSV file after its header.
type Reader struct {
	cr     *csv.Reader
	header []string
	index  map[string]int
	line   int
	rec    []string
}

// NewReader reads the header. It fails on an empty file, an invalid or
// duplicate header, or text that is not UTF-8.
func NewReader(r io.Reader) (*Reader, error) {
	br := &bomSkipper{r: r}
	cr := csv.NewReader(br)
	cr.ReuseRecord = true
	hdr, err := cr.Read()
	if err == io.EOF {
		return nil, &Error{Line: 1, Err: errors.New("empty file: want a header row")}
	}
	if err != nil {
		return nil, wrapCSV(err)
	}
	rd := &Reader{cr: cr, header: append([]string(nil), hdr...), index: map[string]int{}, line: 1}
	for i, h := range rd.header {
		if !utf8.ValidString(h) {
			return nil, &Error{Line: 1, Err: fmt.Errorf("header field %d is not valid UTF-8", i+1)}
		}
		h = strings.TrimSpace(h)
		rd.header[i] = h
		if h == "" {
			return nil, &Error{Line: 1, Err: fmt.Errorf("header field %d is empty", i+1)}
		}
		if _, dup := rd.index[h]; dup {
			return nil, &Error{Line: 1, Column: h, Err: errors.New("duplicate column name")}
		}
		rd.index[h] = i
	}
	return rd, nil
}

// Header returns the column names.
func (r *Reader) Header() []string { return append([]string(nil), r.header...) }

// Column returns the index of the named column.
func (r *Reader) Column(name string) (int, bool) {
	i, ok := r.index[name]
	return i, ok
}

// Line returns the line number of the record Next returned last.
func (r *Reader) Line() int { return r.line }

// Next returns the next record, or io.EOF after the last. The slice is
// reused by the following call. Records must have as many fields as the
// header and be valid UTF-8.
func (r *Reader) Next() ([]string, error) {
	rec, err := r.cr.Read()
	if err != nil {
		if err == io.EOF {
			return nil, io.EOF
		}
		return nil, wrapCSV(err)
	}
	r.line, _ = r.cr.FieldPos(0)
	for i, f := range rec {
		if !utf8.ValidString(f) {
			return nil, &Error{Line: r.line, Column: r.header[i], Err: errors.New("not valid UTF-8")}
		}
	}
	r.rec = rec
	return rec, nil
}

// Errorf builds an *Error for column col of the current record.
func (r *Reader) Errorf(col int, err error) error {
	name := ""
	if col >= 0 && col < len(r.header) {
		name = r.header[col]
	}
	return &Error{Line: r.line, Column: name, Err: err}
}

// IsMissing reports whether a field is R's missing value: empty or NA.
func IsMissing(s string) bool {
	s = strings.TrimSpace(s)
	return s == "" || s == "NA"
}

// ParseFloat parses a finite number; missing values give ErrMissing.
func ParseFloat(s string) (float64, error) {
	if IsMissing(s) {
		return 0, ErrMissing
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		return 0, fmt.Errorf("not a number: %q", s)
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("not a finite number: %q", s)
	}
	return v, nil
}

// ReadTargets reads a calibration file with columns col and Freq (in any
// order, other columns ignored) into cell label -> population count.
func ReadTargets(r io.Reader, col string) (map[string]float64, error) {
	rd, err := NewReader(r)
	if err != nil {
		return nil, err
	}
	ci, ok := rd.Column(col)
	if !ok {
		return nil, &Error{Line: 1, Err: fmt.Errorf("no column %q", col)}
	}
	fi, ok := rd.Column("Freq")
	if !ok {
		return nil, &Error{Line: 1, Err: errors.New(`no column "Freq"`)}
	}
	out := map[string]float64{}
	for {
		rec, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		lv := rec[ci]
		if IsMissing(lv) {
			return nil, rd.Errorf(ci, ErrMissing)
		}
		f, err := ParseFloat(rec[fi])
		if err != nil {
			return nil, rd.Errorf(fi, err)
		}
		if f < 0 {
			return nil, rd.Errorf(fi, fmt.Errorf("negative count %v", f))
		}
		if _, dup := out[lv]; dup {
			return nil, rd.Errorf(ci, fmt.Errorf("cell %q listed twice", lv))
		}
		out[lv] = f
	}
	if len(out) == 0 {
		return nil, &Error{Line: rd.Line(), Err: errors.New("no target rows")}
	}
	return out, nil
}

func wrapCSV(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		if pe.StartLine != 0 && pe.StartLine != pe.Line {
			return &Error{Line: pe.StartLine, Err: fmt.Errorf("%v (record starting here, at line %d character %d)", pe.Err, pe.Line, pe.Column)}
		}
		return &Error{Line: pe.Line, Err: fmt.Errorf("%v (at character %d)", pe.Err, pe.Column)}
	}
	return err
}

// bomSkipper drops a leading UTF-8 byte-order mark.
type bomSkipper struct {
	r    io.Reader
	done bool
	buf  []byte
}

func (b *bomSkipper) Read(p []byte) (int, error) {
	if !b.done {
		b.done = true
		head := make([]byte, 3)
		n, err := io.ReadFull(b.r, head)
		head = head[:n]
		if bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}) {
			head = head[3:]
		}
		b.buf = head
		if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
			return 0, err
		}
	}
	if len(b.buf) > 0 {
		n := copy(p, b.buf)
		b.buf = b.buf[n:]
		return n, nil
	}
	return b.r.Read(p)
}
