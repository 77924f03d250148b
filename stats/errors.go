package stats

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every error the package returns wraps one of these, so
// callers can map them with errors.Is.
var (
	// ErrInvalid reports a malformed specification or argument.
	ErrInvalid = errors.New("invalid argument")
	// ErrEmpty reports that there are no rows to estimate from.
	ErrEmpty = errors.New("no rows")
	// ErrWeight reports a zero, negative, missing or non-finite weight.
	ErrWeight = errors.New("weight must be a positive finite number")
	// ErrValue reports a missing or non-finite analysis value.
	ErrValue = errors.New("value must be a finite number")
	// ErrNotIndicator reports an indicator value outside {0, 1}.
	ErrNotIndicator = errors.New("indicator values must be 0 or 1")
	// ErrLonelyPSU reports a stratum with a single PSU under LonelyFail, or
	// a design in which no stratum can contribute to the variance.
	ErrLonelyPSU = errors.New("stratum has only one PSU")
	// ErrFPC reports an inconsistent finite population correction.
	ErrFPC = errors.New("invalid finite population correction")
	// ErrEmptyDomain reports a domain with no rows.
	ErrEmptyDomain = errors.New("domain has no rows")
	// ErrCalibration reports calibration targets that do not match the
	// sample's cells.
	ErrCalibration = errors.New("calibration targets do not match the sample")
	// ErrNoConvergence reports raking that did not converge.
	ErrNoConvergence = errors.New("raking did not converge")
	// ErrUndefined reports a statistic that is undefined for the data, for
	// example a logit interval for an estimate of exactly 0 or 1, or an
	// interval with zero degrees of freedom.
	ErrUndefined = errors.New("statistic undefined for these data")
)

// FieldError is returned by Builder.Add when one field of a row is bad. Field
// names the Row field ("Weight", "Stratum", "PSU", "FPC", "Domain") or the
// variable or calibration margin name.
type FieldError struct {
	// Field is the Row field, variable or margin name that is wrong.
	Field string
	// Err is the reason; it wraps one of the package's sentinels.
	Err error
}

// Error reports the field and the reason.
func (e *FieldError) Error() string { return fmt.Sprintf("%s: %v", e.Field, e.Err) }

// Unwrap returns the reason.
func (e *FieldError) Unwrap() error { return e.Err }

func fieldErr(field string, err error, format string, args ...any) error {
	if format == "" {
		return &FieldError{Field: field, Err: err}
	}
	return &FieldError{Field: field, Err: fmt.Errorf("%w: "+format, append([]any{err}, args...)...)}
}
