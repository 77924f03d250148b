// Package statscsv reads the CSV files the stats command takes: a header
// row, UTF-8 text with an optional byte-order mark, fields quoted as R's
// write.csv quotes them, "" or NA for a missing value. Errors name the line
// and the column.
package statscsv

import (
	"bytes"
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

// Reader streams the records of a CSV file after its header. It parses
// the bytes itself (encoding/csv's rules: RFC 4180 quoting, "\r\n" read as
// "\n", blank lines skipped, every record as wide as the header) without
// allocating per field, since parsing is most of the cost of a
// million-interview file.
type Reader struct {
	src    io.Reader
	buf    []byte // buf[pos:end] is unread input
	pos    int
	end    int
	eof    bool
	err    error // read error after the buffered input
	header []string
	index  map[string]int
	line   int // line of the record returned last
	next   int // line the unread input starts on
	fields [][]byte
	// escaped lists the fields of the record being parsed that have ""
	// or "\r\n" inside quotes.
	escaped []int
	start   int  // where the record being parsed starts in the input
	valid   bool // the record's bytes are valid UTF-8
	rec     []string
}

// readSize is how much the reader asks its source for at a time, once the
// input proves long.
const readSize = 1 << 20

// NewReader reads the header. It fails on an empty file, an invalid or
// duplicate header, or text that is not UTF-8.
func NewReader(r io.Reader) (*Reader, error) {
	rd := &Reader{src: r, buf: make([]byte, 4096), index: map[string]int{}, next: 1}
	for rd.end < 3 && rd.fill() {
	}
	if rd.end >= 3 && bytes.HasPrefix(rd.buf[:rd.end], []byte{0xEF, 0xBB, 0xBF}) {
		rd.pos = 3
	}
	hdr, err := rd.record(-1)
	if err == io.EOF {
		return nil, &Error{Line: 1, Err: errors.New("empty file: want a header row")}
	}
	if err != nil {
		return nil, err
	}
	for i, h := range hdr {
		if !utf8.Valid(h) {
			return nil, &Error{Line: rd.line, Err: fmt.Errorf("header field %d is not valid UTF-8", i+1)}
		}
		name := strings.TrimSpace(string(h))
		rd.header = append(rd.header, name)
		if name == "" {
			return nil, &Error{Line: rd.line, Err: fmt.Errorf("header field %d is empty", i+1)}
		}
		if _, dup := rd.index[name]; dup {
			return nil, &Error{Line: rd.line, Column: name, Err: errors.New("duplicate column name")}
		}
		rd.index[name] = i
	}
	rd.rec = make([]string, len(rd.header))
	return rd, nil
}

// fill moves the unread input to the front of the buffer (growing it when
// full) and reads more; it reports whether anything new arrived.
func (r *Reader) fill() bool {
	if r.eof {
		return false
	}
	if r.pos > 0 {
		r.end = copy(r.buf, r.buf[r.pos:r.end])
		r.pos = 0
	}
	// Grow towards readSize while the input keeps coming (small files
	// stay small), and beyond it only for a record longer than the buffer.
	if r.end == len(r.buf) || len(r.buf) < readSize && r.end > 0 {
		r.buf = append(r.buf[:r.end], make([]byte, len(r.buf))...)
		r.buf = r.buf[:cap(r.buf)]
	}
	for {
		n, err := r.src.Read(r.buf[r.end:])
		r.end += n
		if err != nil {
			r.eof = true
			if err != io.EOF {
				r.err = err
			}
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
}

var (
	errBareQuote  = errors.New(`bare " in non-quoted field`)
	errQuote      = errors.New(`extraneous or missing " in quoted field`)
	errFieldCount = errors.New("wrong number of fields")
)

// record parses the next record into r.fields, reading more input until a
// whole record is buffered. width is the wanted number of fields (-1: any).
func (r *Reader) record(width int) ([][]byte, error) {
	for {
		fields, n, lines, err := r.parse(r.buf[r.pos:r.end], r.eof)
		if err == errIncomplete {
			if r.fill() {
				continue
			}
			if r.err != nil {
				return nil, r.err
			}
			fields, n, lines, err = r.parse(r.buf[r.pos:r.end], true)
		}
		if err != nil {
			if err == io.EOF {
				if r.err != nil {
					return nil, r.err
				}
				return nil, io.EOF
			}
			return nil, err
		}
		r.pos += n
		r.next += lines
		if width >= 0 && len(fields) != width {
			return nil, &Error{Line: r.line, Err: fmt.Errorf("%w: %d, want %d", errFieldCount, len(fields), width)}
		}
		return fields, nil
	}
}

var errIncomplete = errors.New("incomplete record")

// parse reads one record from b. It returns the fields (slices of b, with
// quotes removed in place), the bytes consumed and the newlines in them.
// Without final, a record running to the end of b is errIncomplete, since
// more input may continue it. Blank lines before the record are skipped.
func (r *Reader) parse(b []byte, final bool) ([][]byte, int, int, error) {
	i, lines := 0, 0
	// Blank lines ("\n" or "\r\n" alone) are not records.
	for {
		if i < len(b) && b[i] == '\n' {
			i++
			lines++
			continue
		}
		if i+1 < len(b) && b[i] == '\r' && b[i+1] == '\n' {
			i += 2
			lines++
			continue
		}
		if final && i+1 == len(b) && b[i] == '\r' {
			i++ // a last line of just "\r" is blank too
			continue
		}
		break
	}
	if i == len(b) || (!final && i+1 == len(b) && b[i] == '\r') {
		if final && i == len(b) {
			return nil, i, lines, io.EOF
		}
		if !final {
			return nil, 0, 0, errIncomplete
		}
	}
	r.line = r.next + lines
	r.start = i
	fields := r.fields[:0]
	r.escaped = r.escaped[:0]
	for {
		if i < len(b) && b[i] == '"' {
			// Quoted field: "" is a quote; ends at a quote followed by
			// a comma or the end of the line. Nothing is rewritten until
			// the record is whole (an incomplete one is parsed again).
			i++
			fstart := i
			escaped := false
			for {
				if i >= len(b) {
					if !final {
						return nil, 0, 0, errIncomplete
					}
					return nil, 0, 0, &Error{Line: r.line, Err: fmt.Errorf("%w (the field runs to the end of the file)", errQuote)}
				}
				c := b[i]
				if c == '"' {
					if i+1 >= len(b) && !final {
						return nil, 0, 0, errIncomplete
					}
					if i+1 < len(b) && b[i+1] == '"' {
						escaped = true
						i += 2
						continue
					}
					i++
					break
				}
				if c == '\r' && i+1 < len(b) && b[i+1] == '\n' {
					escaped = true // "\r\n" in a quoted field reads as "\n"
				}
				if c == '\n' {
					lines++
				}
				i++
			}
			w := i - 1
			if escaped {
				r.escaped = append(r.escaped, len(fields))
			}
			fields = append(fields, b[fstart:w])
			switch {
			case i >= len(b):
				if !final {
					return nil, 0, 0, errIncomplete
				}
				return r.done(b, i, fields), i, lines, nil
			case b[i] == ',':
				i++
				continue
			case b[i] == '\n':
				return r.done(b, i+1, fields), i + 1, lines + 1, nil
			case b[i] == '\r' && i+1 < len(b) && b[i+1] == '\n':
				return r.done(b, i+2, fields), i + 2, lines + 1, nil
			case b[i] == '\r' && i+1 >= len(b) && !final:
				return nil, 0, 0, errIncomplete
			case b[i] == '\r' && i+1 >= len(b):
				return r.done(b, i+1, fields), i + 1, lines, nil // a last line ending in "\r"
			default:
				return nil, 0, 0, &Error{Line: r.line, Err: fmt.Errorf("%w (at line %d)", errQuote, r.line+lines)}
			}
		}
		// Unquoted field: up to a comma or the end of the line.
		fstart := i
		for i < len(b) && b[i] != ',' && b[i] != '\n' {
			if b[i] == '"' {
				return nil, 0, 0, &Error{Line: r.line, Err: fmt.Errorf("%w (at line %d)", errBareQuote, r.line+lines)}
			}
			i++
		}
		if i >= len(b) && !final {
			return nil, 0, 0, errIncomplete
		}
		f := b[fstart:i]
		atEOL := i >= len(b) || b[i] == '\n'
		if atEOL && len(f) > 0 && f[len(f)-1] == '\r' {
			f = f[:len(f)-1] // "\r\n" ends the line
		}
		fields = append(fields, f)
		if i < len(b) && b[i] == ',' {
			i++
			continue
		}
		if i >= len(b) {
			return r.done(b, i, fields), i, lines, nil
		}
		return r.done(b, i+1, fields), i + 1, lines + 1, nil
	}
}

// done rewrites the quoted fields that need it ("" to ", "\r\n" to "\n")
// in place, now that the record is whole.
func (r *Reader) done(b []byte, end int, fields [][]byte) [][]byte {
	// One check of the record's bytes as they came (the common case);
	// NextBytes checks field by field only when it fails.
	r.valid = utf8.Valid(b[r.start:end])
	for _, k := range r.escaped {
		f := fields[k]
		w := 0
		for j := 0; j < len(f); j++ {
			c := f[j]
			if c == '"' || c == '\r' && j+1 < len(f) && f[j+1] == '\n' {
				j++ // the doubled quote, or the "\n" after "\r"
				c = f[j]
			}
			f[w] = c
			w++
		}
		fields[k] = f[:w]
	}
	r.fields = fields
	return fields
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

// NextBytes returns the next record's fields, or io.EOF after the last.
// The slices point into the reader's buffer and are valid only until the
// following call. Records must have as many fields as the header and be
// valid UTF-8.
func (r *Reader) NextBytes() ([][]byte, error) {
	fields, err := r.record(len(r.header))
	if err != nil {
		return nil, err
	}
	if !r.valid {
		for i, f := range fields {
			if !utf8.Valid(f) {
				return nil, &Error{Line: r.line, Column: r.header[i], Err: errors.New("not valid UTF-8")}
			}
		}
	}
	return fields, nil
}

// Next returns the next record, or io.EOF after the last. The slice is
// reused by the following call. Records must have as many fields as the
// header and be valid UTF-8.
func (r *Reader) Next() ([]string, error) {
	fields, err := r.NextBytes()
	if err != nil {
		return nil, err
	}
	for i, f := range fields {
		r.rec[i] = string(f)
	}
	return r.rec, nil
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

// IsMissingBytes is IsMissing for a field as bytes.
func IsMissingBytes(b []byte) bool {
	if len(b) > 2 && b[0] > ' ' && b[len(b)-1] > ' ' {
		return false // the common case, without trimming
	}
	b = bytes.TrimSpace(b)
	return len(b) == 0 || len(b) == 2 && b[0] == 'N' && b[1] == 'A'
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
