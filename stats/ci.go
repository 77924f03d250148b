package stats

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// CIMethod is a svyciprop interval method.
type CIMethod int

const (
	// CILogit is a Wald interval on the logit scale with t on the design
	// degrees of freedom, back-transformed (svyciprop "logit", which for
	// linearised designs equals "xlogit").
	CILogit CIMethod = iota
	// CIMean is the Wald interval p ± t·se (svyciprop "mean").
	CIMean
	// CIAsin is a Wald interval on the arcsine-square-root scale
	// (svyciprop "asin").
	CIAsin
	// CIBeta is the Korn–Graubard interval from the beta distribution with
	// the effective sample size adjusted by the degrees of freedom
	// (svyciprop "beta").
	CIBeta
	// CIWilson is the Wilson score interval with the effective sample size
	// and t on the design degrees of freedom (svyciprop "wilson", survey
	// 4.5 and later).
	CIWilson
)

var ciNames = [...]string{"logit", "mean", "asin", "beta", "wilson"}

// String returns the method's svyciprop name.
func (m CIMethod) String() string {
	if m < 0 || int(m) >= len(ciNames) {
		return fmt.Sprintf("CIMethod(%d)", int(m))
	}
	return ciNames[m]
}

// ParseCIMethod reads a method by its svyciprop name; "xlogit" is accepted
// as CILogit.
func ParseCIMethod(s string) (CIMethod, error) {
	if s == "xlogit" {
		return CILogit, nil
	}
	for i, n := range ciNames {
		if s == n {
			return CIMethod(i), nil
		}
	}
	return 0, fmt.Errorf("%w: CI method %q (want logit, mean, asin, beta or wilson)", ErrInvalid, s)
}

// Interval is a confidence interval for a proportion.
type Interval struct {
	// Low is the lower end.
	Low float64
	// High is the upper end.
	High float64
	// Method is how it was computed.
	Method CIMethod
	// Level is the confidence level, in (0, 1).
	Level float64
}

// CIInput is what ConfidenceInterval needs: the estimate and its variance
// from Mean, the degrees of freedom, and for CIBeta the number of rows of
// the design (Estimate.DesignRows).
type CIInput struct {
	// Estimate is the estimated proportion, in [0, 1].
	Estimate float64
	// Var is its linearised variance.
	Var float64
	// DF is the design degrees of freedom, at least 1.
	DF int
	// DesignRows is nrow(design), used by CIBeta.
	DesignRows int
	// Level is the confidence level, in (0, 1).
	Level float64
}

// ConfidenceInterval computes a svyciprop interval. It returns ErrUndefined
// where R would return NaN: zero degrees of freedom, or an estimate of
// exactly 0 or 1 (zero variance) for the methods that divide by it.
func ConfidenceInterval(m CIMethod, in CIInput) (Interval, error) {
	p, v, level := in.Estimate, in.Var, in.Level
	if !(level > 0 && level < 1) {
		return Interval{}, fmt.Errorf("%w: level %v must be in (0, 1)", ErrInvalid, level)
	}
	if !(p >= 0 && p <= 1) || !(v >= 0) || math.IsInf(v, 0) {
		return Interval{}, fmt.Errorf("%w: estimate %v with variance %v is not a proportion", ErrInvalid, p, v)
	}
	if in.DF < 1 {
		return Interval{}, fmt.Errorf("%w: %d degrees of freedom (a domain in a single PSU per stratum)", ErrUndefined, in.DF)
	}
	alpha := 1 - level
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(in.DF)}
	tq := t.Quantile(1 - alpha/2) // > 0
	se := math.Sqrt(v)
	out := Interval{Method: m, Level: level}
	degenerate := func() error {
		return fmt.Errorf("%w: %s interval for an estimate of %v with variance %v", ErrUndefined, m, p, v)
	}
	switch m {
	case CIMean:
		out.Low, out.High = p-tq*se, p+tq*se
	case CILogit:
		if p <= 0 || p >= 1 || v == 0 {
			return Interval{}, degenerate()
		}
		eta := math.Log(p / (1 - p))
		seEta := se / (p * (1 - p))
		out.Low, out.High = expit(eta-tq*seEta), expit(eta+tq*seEta)
	case CIAsin:
		if p <= 0 || p >= 1 {
			return Interval{}, degenerate()
		}
		x := math.Asin(math.Sqrt(p))
		seX := se / (2 * math.Sqrt(p*(1-p)))
		lo, hi := math.Sin(x-tq*seX), math.Sin(x+tq*seX)
		out.Low, out.High = lo*lo, hi*hi
	case CIBeta:
		if v == 0 || p <= 0 || p >= 1 {
			return Interval{}, degenerate()
		}
		if in.DesignRows < 2 {
			return Interval{}, fmt.Errorf("%w: beta interval needs at least 2 rows", ErrUndefined)
		}
		neff := p * (1 - p) / v
		tn := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(in.DesignRows - 1)}.Quantile(alpha / 2)
		td := t.Quantile(alpha / 2)
		neff *= (tn / td) * (tn / td)
		out.Low = distuv.Beta{Alpha: neff * p, Beta: neff*(1-p) + 1}.Quantile(alpha / 2)
		out.High = distuv.Beta{Alpha: neff*p + 1, Beta: neff * (1 - p)}.Quantile(1 - alpha/2)
	case CIWilson:
		if v == 0 {
			return Interval{}, degenerate()
		}
		neff := p * (1 - p) / v
		t2 := tq * tq
		denom := 1 + t2/neff
		root := math.Sqrt(4*neff*p*(1-p) + t2)
		out.Low = (p + t2/(2*neff) - tq/(2*neff)*root) / denom
		out.High = (p + t2/(2*neff) + tq/(2*neff)*root) / denom
	default:
		return Interval{}, fmt.Errorf("%w: CI method %d", ErrInvalid, m)
	}
	if math.IsNaN(out.Low) || math.IsNaN(out.High) {
		return Interval{}, degenerate()
	}
	return out, nil
}

// expit is the inverse logit, written so that neither tail overflows.
func expit(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

// Verdict is the comparison of an interval with a threshold.
type Verdict string

const (
	// Meets means the interval's lower end is at or above the threshold.
	Meets Verdict = "meets"
	// Below means the interval's upper end is under the threshold.
	Below Verdict = "below"
	// Inconclusive means the interval straddles the threshold.
	Inconclusive Verdict = "inconclusive"
)

// DefaultThreshold is the satisfaction rate the sanitary city standard asks
// for.
const DefaultThreshold = 0.90

// Judgement is a verdict with the point comparison beside it.
type Judgement struct {
	// Threshold is what the rate was compared with.
	Threshold float64
	// PointMeets reports estimate >= threshold.
	PointMeets bool
	// Verdict compares the interval with the threshold.
	Verdict Verdict
}

// Judge compares an estimate and its interval with threshold: Meets when
// ci.Low >= threshold, Below when ci.High < threshold, Inconclusive
// otherwise; PointMeets when estimate >= threshold.
func Judge(estimate float64, ci Interval, threshold float64) Judgement {
	j := Judgement{Threshold: threshold, PointMeets: estimate >= threshold, Verdict: Inconclusive}
	switch {
	case ci.Low >= threshold:
		j.Verdict = Meets
	case ci.High < threshold:
		j.Verdict = Below
	}
	return j
}
