package stats

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Domain selects the rows an estimate covers: Overall, or one level of
// Row.Domain via InDomain.
type Domain struct {
	level string
	sub   bool
}

// Overall selects every row.
var Overall = Domain{}

// InDomain selects the rows whose Row.Domain equals level. Estimates keep
// the full design, as svyby does: PSUs without rows in the domain count as
// zeros, and degrees of freedom count the PSUs and strata the domain has.
func InDomain(level string) Domain { return Domain{level: level, sub: true} }

// In reports whether a row whose Row.Domain is level belongs to d.
func (d Domain) In(level string) bool { return !d.sub || d.level == level }

// String returns the level, or "" for Overall.
func (d Domain) String() string { return d.level }

// Estimate is a point estimate with its linearised variance.
type Estimate struct {
	// Value is the point estimate.
	Value float64
	// SE is the standard error, sqrt(Var).
	SE float64
	// Var is the Taylor-linearised variance.
	Var float64
	// Deff is the design effect as svymean(..., deff = TRUE) computes it
	// (without-replacement SRS variance in the denominator); valid only
	// when DeffValid.
	Deff float64
	// DeffValid is false when R would report NA or a non-finite deff: the
	// weights sum to no more than the number of rows, or the SRS variance
	// is zero.
	DeffValid bool
	// DF is the degrees of freedom: PSUs minus strata among the rows the
	// estimate covers.
	DF int
	// N is the number of rows the estimate covers.
	N int
	// PSUs is the number of PSUs with rows in the estimate's scope.
	PSUs int
	// DesignRows is nrow() of the design R would use for the domain: the
	// domain's rows for uncalibrated designs (R subsets them), all rows
	// for calibrated ones (R zeroes weights instead). svyciprop's beta
	// method uses it.
	DesignRows int
}

// scope is the resolved domain: which cells and strata take part.
type scope struct {
	d       int32 // -1 for overall
	cells   []int32
	present []bool // nil: every stratum
	n       int
	df      int
	rows    int
	psus    int
}

func (s *Survey) scope(d Domain) (scope, error) {
	if !d.sub {
		return scope{d: -1, n: s.n, df: len(s.psuStratum) - len(s.strata), rows: s.n, psus: len(s.psuStratum)}, nil
	}
	di, ok := s.domainIdx[d.level]
	if !ok || s.domN[di] == 0 {
		return scope{}, fmt.Errorf("%w: %q", ErrEmptyDomain, d.level)
	}
	sc := scope{d: di, cells: s.domCells[di], n: s.domN[di], df: s.domPSUs[di] - s.domNStr[di], rows: s.domN[di], psus: s.domPSUs[di]}
	if s.cal == nil {
		// R drops the other rows, so strata without domain rows vanish.
		sc.present = s.domStrata[di]
	} else {
		sc.rows = s.n
	}
	return sc, nil
}

func (s *Survey) variable(name string) (int, error) {
	k, ok := s.varIdx[name]
	if !ok {
		return 0, fmt.Errorf("%w: unknown variable %q", ErrInvalid, name)
	}
	return k, nil
}

// moments returns, over the scope, sum w, sum w*y_k and sum w*y_k^2.
func (s *Survey) moments(sc scope, k int) (w, wy, wyy float64) {
	add := func(c int) {
		base := c * s.stride
		w += s.sums[base+1]
		wy += s.sums[base+2+k]
		wyy += s.sums[base+2+s.nvar+k]
	}
	if sc.d < 0 {
		for c := range s.cellPSU {
			add(c)
		}
	} else {
		for _, c := range sc.cells {
			add(int(c))
		}
	}
	return
}

func (s *Survey) weightTotal(sc scope) float64 {
	var w float64
	if sc.d < 0 {
		for c := range s.cellPSU {
			w += s.sums[c*s.stride+1]
		}
	} else {
		for _, c := range sc.cells {
			w += s.sums[int(c)*s.stride+1]
		}
	}
	return w
}

// linear is an influence function z_i = w_i * (c0 + sum_k coef[k]*y_ik) on
// the scope's rows and 0 elsewhere.
type linear struct {
	c0    float64
	terms []term
}

type term struct {
	k int
	a float64
}

func (s *Survey) linearVariance(sc scope, lf linear) (float64, error) {
	z := make([]float64, len(s.psuStratum))
	if s.cal == nil {
		add := func(c int) {
			base := c * s.stride
			v := lf.c0 * s.sums[base+1]
			for _, t := range lf.terms {
				v += t.a * s.sums[base+2+t.k]
			}
			z[s.cellPSU[c]] += v
		}
		if sc.d < 0 {
			for c := range s.cellPSU {
				add(c)
			}
		} else {
			for _, c := range sc.cells {
				add(int(c))
			}
		}
		return s.strataVariance(z, sc.present)
	}
	cal := s.cal
	zr := make([]float64, len(cal.w))
	for i, w := range cal.w {
		if sc.d >= 0 && cal.dom[i] != sc.d {
			continue
		}
		v := lf.c0
		for _, t := range lf.terms {
			v += t.a * cal.vals[i*s.nvar+t.k]
		}
		zr[i] = w * v
	}
	cal.project(zr)
	for i, v := range zr {
		z[cal.psu[i]] += v
	}
	return s.strataVariance(z, sc.present)
}

// Mean estimates the weighted mean of variable over the domain, as
// svymean (or svyby(..., svymean)) with deff = TRUE.
func (s *Survey) Mean(variable string, d Domain) (Estimate, error) {
	k, err := s.variable(variable)
	if err != nil {
		return Estimate{}, err
	}
	sc, err := s.scope(d)
	if err != nil {
		return Estimate{}, err
	}
	w, wy, wyy := s.moments(sc, k)
	mean := wy / w
	v, err := s.linearVariance(sc, linear{c0: -mean / w, terms: []term{{k, 1 / w}}})
	if err != nil {
		return Estimate{}, err
	}
	e := Estimate{Value: mean, Var: v, SE: math.Sqrt(v), DF: sc.df, N: sc.n, DesignRows: sc.rows, PSUs: sc.psus}
	// svyvar: n/(n-1) * weighted mean of squared deviations; then the SRS
	// variance of a mean without replacement from a population of sum(w).
	n := float64(sc.n)
	if sc.n > 1 && w > n {
		m2 := math.Max(wyy-mean*wy, 0)
		s2 := m2 / w * n / (n - 1)
		vsrs := s2 * (w - n) / (w * n)
		if vsrs > 0 {
			e.Deff, e.DeffValid = v/vsrs, true
		}
	}
	return e, nil
}

// Total estimates the weighted total of variable over the domain, as
// svytotal with deff = TRUE.
func (s *Survey) Total(variable string, d Domain) (Estimate, error) {
	k, err := s.variable(variable)
	if err != nil {
		return Estimate{}, err
	}
	sc, err := s.scope(d)
	if err != nil {
		return Estimate{}, err
	}
	w, wy, wyy := s.moments(sc, k)
	v, err := s.linearVariance(sc, linear{terms: []term{{k, 1}}})
	if err != nil {
		return Estimate{}, err
	}
	e := Estimate{Value: wy, Var: v, SE: math.Sqrt(v), DF: sc.df, N: sc.n, DesignRows: sc.rows, PSUs: sc.psus}
	n := float64(sc.n)
	if sc.n > 1 && w > n {
		mean := wy / w
		s2 := math.Max(wyy-mean*wy, 0) / w * n / (n - 1)
		vsrs := s2 * w * w * (w - n) / (w * n)
		if vsrs > 0 {
			e.Deff, e.DeffValid = v/vsrs, true
		}
	}
	return e, nil
}

// crossMoment returns sum w*y_k*y_l over the scope.
func (s *Survey) crossMoment(sc scope, k, l int) float64 {
	if k == l {
		_, _, wyy := s.moments(sc, k)
		return wyy
	}
	if k > l {
		k, l = l, k
	}
	off := 2 + 2*s.nvar + pairIndex(s.nvar, k, l)
	var v float64
	if sc.d < 0 {
		for c := range s.cellPSU {
			v += s.sums[c*s.stride+off]
		}
	} else {
		for _, c := range sc.cells {
			v += s.sums[int(c)*s.stride+off]
		}
	}
	return v
}

// Ratio estimates sum(w*num)/sum(w*den) over the domain, as svyratio with
// deff = TRUE. It is the per-question awareness rate: correct answers over
// questions answered. The design effect is R's: that of the total of the
// ratio's linearised variable r = (num - R*den)/sum(w*den), against the
// without-replacement SRS variance (svytotal(r, design, deff = TRUE)).
func (s *Survey) Ratio(num, den string, d Domain) (Estimate, error) {
	kn, err := s.variable(num)
	if err != nil {
		return Estimate{}, err
	}
	kd, err := s.variable(den)
	if err != nil {
		return Estimate{}, err
	}
	sc, err := s.scope(d)
	if err != nil {
		return Estimate{}, err
	}
	w, tn, snn := s.moments(sc, kn)
	_, td, sdd := s.moments(sc, kd)
	if td == 0 {
		return Estimate{}, fmt.Errorf("%w: ratio %s/%s: denominator total is zero", ErrUndefined, num, den)
	}
	r := tn / td
	lf := linear{terms: []term{{kn, 1 / td}, {kd, -r / td}}}
	v, err := s.linearVariance(sc, lf)
	if err != nil {
		return Estimate{}, err
	}
	e := Estimate{Value: r, Var: v, SE: math.Sqrt(v), DF: sc.df, N: sc.n, DesignRows: sc.rows, PSUs: sc.psus}
	n := float64(sc.n)
	if sc.n > 1 && w > n {
		// r has weighted mean zero, so its svyvar is n/(n-1) times the
		// weighted mean of r^2.
		snd := s.crossMoment(sc, kn, kd)
		m2 := math.Max(snn-2*r*snd+r*r*sdd, 0) / (td * td)
		s2 := m2 / w * n / (n - 1)
		vsrs := s2 * w * w * (w - n) / (w * n)
		if vsrs > 0 {
			e.Deff, e.DeffValid = v/vsrs, true
		}
	}
	return e, nil
}

// RatioInterval is the Wald interval of a ratio as confint(svyratio(...))
// gives it with its default df = Inf: estimate ± z·se, z the standard
// normal quantile (not t on the design degrees of freedom, unlike the
// proportions' svyciprop intervals). Method is CIMean (a Wald interval).
func RatioInterval(e Estimate, level float64) (Interval, error) {
	if !(level > 0 && level < 1) {
		return Interval{}, fmt.Errorf("%w: level %v", ErrInvalid, level)
	}
	if math.IsNaN(e.SE) || math.IsInf(e.SE, 0) {
		return Interval{}, fmt.Errorf("%w: ratio standard error %v", ErrUndefined, e.SE)
	}
	z := distuv.UnitNormal.Quantile(1 - (1-level)/2)
	return Interval{Low: e.Value - z*e.SE, High: e.Value + z*e.SE, Method: CIMean, Level: level}, nil
}

// RatioJudgeable reports whether a ratio's interval supports a verdict
// against a threshold. R's confint(svyratio(...)) uses the normal quantile
// whatever the design's degrees of freedom, so a domain inside a single
// sampled community (0 df, its variance from the lonely-PSU adjustment
// alone) still gets an interval; the proportions get none there (svyciprop
// uses the t quantile), and a verdict from that interval would claim what
// one community cannot show.
func RatioJudgeable(e Estimate) bool { return e.DF >= 1 }

// Proportion estimates the share of rows with indicator = 1 (every value
// must be 0 or 1) with a confidence interval as svyciprop computes it on
// the domain's subset of the design.
func (s *Survey) Proportion(indicator string, d Domain, method CIMethod, level float64) (Estimate, Interval, error) {
	k, err := s.variable(indicator)
	if err != nil {
		return Estimate{}, Interval{}, err
	}
	if !s.binary[k] {
		return Estimate{}, Interval{}, fmt.Errorf("%w: variable %q", ErrNotIndicator, indicator)
	}
	e, err := s.Mean(indicator, d)
	if err != nil {
		return Estimate{}, Interval{}, err
	}
	ci, err := ConfidenceInterval(method, CIInput{Estimate: e.Value, Var: e.Var, DF: e.DF, DesignRows: e.DesignRows, Level: level})
	if err != nil {
		return e, Interval{}, fmt.Errorf("%s: %w", indicator, err)
	}
	return e, ci, nil
}
