// Package apperr is the portal's one application error type.
//
// It is a leaf package (standard library only) so that the domain packages
// (complaints, survey) can return coded errors without importing the HTTP
// layer; portal's Fiber ErrorHandler is the single place that maps codes to
// HTTP statuses.
package apperr

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Code classifies an error for clients. Anything without a code is Internal.
type Code string

// The small, closed set of error codes.
const (
	Invalid      Code = "invalid"
	NotFound     Code = "not_found"
	Conflict     Code = "conflict"
	Unauthorized Code = "unauthorized"
	Forbidden    Code = "forbidden"
	RateLimited  Code = "rate_limited"
	TooLarge     Code = "too_large"
	Unsupported  Code = "unsupported_media_type"
	Internal     Code = "internal"
)

// Error is an application error: a code, a message safe to show to the
// client, optional per-field messages, and an optional cause that is logged
// but never shown.
type Error struct {
	Code    Code
	Message string
	// Fields maps an input field (JSON name, dotted for nested) to a message.
	Fields map[string]string
	// Details carries extra machine-readable data for the client (for
	// example the allowed actions on a 409), shown as-is.
	Details map[string]any
	// RetryAfter is the number of seconds a rate-limited client should wait.
	RetryAfter int
	Err        error
}

// Error returns the message, with the cause if any.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(string(e.Code))
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if len(e.Fields) > 0 {
		keys := make([]string, 0, len(e.Fields))
		for k := range e.Fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteString(" (")
		for i, k := range keys {
			if i > 0 {
				b.WriteString("; ")
			}
			b.WriteString(k + ": " + e.Fields[k])
		}
		b.WriteString(")")
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// New returns an error with the code and message.
func New(code Code, message string) *Error {
	return &Error{Code: code, Message: message}
}

// Newf returns an error with the code and a formatted message.
func Newf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an error with the code and message that keeps err as its cause.
func Wrap(code Code, err error, message string) *Error {
	return &Error{Code: code, Message: message, Err: err}
}

// Fields returns an Invalid error with per-field messages.
func Fields(message string, fields map[string]string) *Error {
	return &Error{Code: Invalid, Message: message, Fields: fields}
}

// Field returns an Invalid error for one field.
func Field(field, message string) *Error {
	return Fields("invalid input", map[string]string{field: message})
}

// CodeOf returns the code of the first *Error in err's chain, Internal when
// there is none, and "" for a nil error.
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// Is reports whether err carries the code.
func Is(err error, code Code) bool { return CodeOf(err) == code }

// As returns the first *Error in err's chain, if any.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}
