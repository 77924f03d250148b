package stats

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// LonelyPSU is the policy for a stratum that has a single PSU, with the
// semantics of R's options(survey.lonely.psu = ...) in survey 4.1.
type LonelyPSU int

const (
	// LonelyFail makes the variance an error (R's default "fail").
	LonelyFail LonelyPSU = iota
	// LonelyRemove drops the stratum's contribution ("remove").
	LonelyRemove
	// LonelyCertainty treats the PSU as sampled with certainty, contributing
	// nothing ("certainty").
	LonelyCertainty
	// LonelyAdjust uses the PSU's deviation from zero, which for a mean is
	// the deviation from the grand mean ("adjust", survey 4.1 semantics).
	LonelyAdjust
	// LonelyAverage replaces the stratum's contribution by the average of
	// the other strata ("average").
	LonelyAverage
)

var lonelyNames = [...]string{"fail", "remove", "certainty", "adjust", "average"}

// String returns the policy's R name.
func (l LonelyPSU) String() string {
	if l < 0 || int(l) >= len(lonelyNames) {
		return fmt.Sprintf("LonelyPSU(%d)", int(l))
	}
	return lonelyNames[l]
}

// ParseLonelyPSU reads a policy by its R name.
func ParseLonelyPSU(s string) (LonelyPSU, error) {
	for i, n := range lonelyNames {
		if s == n {
			return LonelyPSU(i), nil
		}
	}
	return 0, fmt.Errorf("%w: lonely PSU policy %q (want fail, remove, certainty, adjust or average)", ErrInvalid, s)
}

// CalibrationKind says how a Calibration adjusts the weights.
type CalibrationKind int

const (
	// PostStratify scales the weights within the cells of one margin so
	// they sum to the population counts (R's postStratify).
	PostStratify CalibrationKind = iota + 1
	// Rake post-stratifies to each margin in turn until the weights
	// converge (R's rake).
	Rake
)

// Margin is one calibration variable with its population counts.
type Margin struct {
	// Name identifies the margin in errors.
	Name string
	// Population maps each cell label to its population count.
	Population map[string]float64
}

// Calibration is one post-stratification or raking step. Steps apply in the
// order given, as successive calls to postStratify and rake would in R.
type Calibration struct {
	// Kind is PostStratify (exactly one margin) or Rake (one or more).
	Kind CalibrationKind
	// Margins are the calibration variables; every Row carries one cell
	// label per margin of every step, in order (Row.Cells).
	Margins []Margin
	// MaxIter bounds raking sweeps; 0 means R's default of 10.
	MaxIter int
	// Epsilon is raking's convergence tolerance with R's meaning: below 1
	// it is a fraction of the total weight before raking, otherwise an
	// absolute change in any cell of the joint table. 0 means R's default 1.
	Epsilon float64
}

// Spec describes the sampling design and the analysis variables.
type Spec struct {
	// Variables names the numeric values each Row carries, in order.
	Variables []string
	// Stratified says Row.Stratum is meaningful; otherwise one stratum.
	Stratified bool
	// Clustered says Row.PSU is meaningful; otherwise each row is a PSU.
	Clustered bool
	// FPC says Row.FPC carries the finite population correction at the PSU
	// stage: all values >= 1 are population sizes (PSUs in the stratum, or
	// units when unclustered); all values <= 1 are sampling fractions.
	FPC bool
	// Unweighted says Row.Weight is not given: weights are N_h/n_h from
	// the FPC, as R derives them, or 1 without an FPC.
	Unweighted bool
	// Lonely is the policy for strata with one PSU.
	Lonely LonelyPSU
	// Calibrations are applied in order after the design weights. Any
	// calibration makes the Builder keep the rows.
	Calibrations []Calibration
}

// Row is one interview as the design sees it.
type Row struct {
	// Weight is the sampling weight, > 0 (ignored when Spec.Unweighted).
	Weight float64
	// Stratum labels the row's stratum (when Spec.Stratified).
	Stratum string
	// PSU labels the row's primary sampling unit within its stratum (when
	// Spec.Clustered).
	PSU string
	// FPC is the stratum's population size or sampling fraction (when
	// Spec.FPC); it must be the same on every row of a stratum.
	FPC float64
	// Domain labels the row's domain for domain estimates; "" is a level
	// like any other.
	Domain string
	// Values holds one finite value per Spec.Variables entry.
	Values []float64
	// Cells holds one cell label per margin of every calibration step, in
	// Spec order; it is ignored when Spec has no calibrations.
	Cells []string
}

// DesignInfo summarises a design as R prints it.
type DesignInfo struct {
	// N is the number of rows.
	N int
	// Strata is the number of strata.
	Strata int
	// PSUs is the number of primary sampling units.
	PSUs int
	// DF is the design degrees of freedom, PSUs minus strata.
	DF int
}

type psuKey struct {
	stratum int32
	label   string
}

type stratumInfo struct {
	name    string
	fpc     float64 // raw value from the rows
	fpcSet  bool
	popsize float64 // +Inf without FPC
	weight  float64 // derived weight when Spec.Unweighted
	psus    []int32
}

// RowSink takes rows one at a time, for example from a database cursor.
// Add returns a *FieldError wrapping ErrWeight, ErrValue, ErrFPC or
// ErrInvalid for a bad row. *Builder implements it.
type RowSink interface {
	Add(row Row) error
}

var _ RowSink = (*Builder)(nil)

// Builder accumulates rows one at a time. For uncalibrated designs it keeps
// only sums per (PSU, domain) cell: weight, weighted values and weighted
// squares, so memory grows with PSUs x domains, not with rows. A Builder is
// not safe for concurrent use.
type Builder struct {
	spec    Spec
	nvar    int
	nmargin int
	stride  int

	stratumIdx map[string]int32
	strata     []stratumInfo
	psuIdx     map[psuKey]int32
	psuStratum []int32
	domainIdx  map[string]int32
	domains    []string

	cellIdx  map[uint64]int32
	cellPSU  []int32
	cellDom  []int32
	sums     []float64 // per cell: count, sum w, sum w*y_k, sum w*y_k^2, sum w*y_k*y_l (k < l)
	lastKey  uint64
	lastCell int32

	binary []bool // per variable: every value seen is 0 or 1
	n      int

	// The previous row's stratum, PSU and domain.
	lastStratum, lastPSU, lastDomain       int32
	lastStratumName, lastDomainName        string
	lastPSUKey                             psuKey
	lastStratumOK, lastPSUOK, lastDomainOK bool

	rows *rowStore // calibrated designs only
	done bool
}

type rowStore struct {
	w       []float64
	psu     []int32
	dom     []int32
	vals    []float64 // n*nvar
	cells   []int32   // n*nmargin
	levels  []map[string]int32
	lvNames [][]string
}

// NewBuilder checks spec and returns an empty Builder.
func NewBuilder(spec Spec) (*Builder, error) {
	if spec.Lonely < LonelyFail || spec.Lonely > LonelyAverage {
		return nil, fmt.Errorf("%w: lonely PSU policy %d", ErrInvalid, spec.Lonely)
	}
	seen := map[string]bool{}
	for _, v := range spec.Variables {
		if seen[v] {
			return nil, fmt.Errorf("%w: variable %q named twice", ErrInvalid, v)
		}
		seen[v] = true
	}
	nmargin := 0
	for i, c := range spec.Calibrations {
		switch c.Kind {
		case PostStratify:
			if len(c.Margins) != 1 {
				return nil, fmt.Errorf("%w: post-stratification step %d needs exactly one margin", ErrInvalid, i+1)
			}
		case Rake:
			if len(c.Margins) == 0 {
				return nil, fmt.Errorf("%w: raking step %d has no margins", ErrInvalid, i+1)
			}
			if c.MaxIter < 0 || c.Epsilon < 0 || math.IsNaN(c.Epsilon) {
				return nil, fmt.Errorf("%w: raking step %d: negative control", ErrInvalid, i+1)
			}
		default:
			return nil, fmt.Errorf("%w: calibration step %d has unknown kind", ErrInvalid, i+1)
		}
		for _, m := range c.Margins {
			if len(m.Population) == 0 {
				return nil, fmt.Errorf("%w: margin %q has no population counts", ErrCalibration, m.Name)
			}
			for lv, f := range m.Population {
				if !(f >= 0) || math.IsInf(f, 0) {
					return nil, fmt.Errorf("%w: margin %q cell %q: population count %v", ErrCalibration, m.Name, lv, f)
				}
			}
		}
		nmargin += len(c.Margins)
	}
	nvar := len(spec.Variables)
	b := &Builder{
		spec:       spec,
		nvar:       nvar,
		nmargin:    nmargin,
		stride:     2 + 2*nvar + nvar*(nvar-1)/2,
		stratumIdx: map[string]int32{},
		psuIdx:     map[psuKey]int32{},
		domainIdx:  map[string]int32{},
		cellIdx:    map[uint64]int32{},
		binary:     make([]bool, nvar),
		lastCell:   -1,
	}
	for i := range b.binary {
		b.binary[i] = true
	}
	if nmargin > 0 {
		b.rows = &rowStore{levels: make([]map[string]int32, nmargin), lvNames: make([][]string, nmargin)}
		for i := range b.rows.levels {
			b.rows.levels[i] = map[string]int32{}
		}
	}
	return b, nil
}

// Add validates one row and folds it into the sums. The error is a
// *FieldError naming the bad field; the row is then not added.
func (b *Builder) Add(r Row) error {
	if b.done {
		return fmt.Errorf("%w: Add after Build", ErrInvalid)
	}
	w := 1.0
	if !b.spec.Unweighted {
		w = r.Weight
		if !(w > 0) || math.IsInf(w, 0) {
			return fieldErr("Weight", ErrWeight, "got %v", w)
		}
	}
	if len(r.Values) != b.nvar {
		return fieldErr("Values", ErrInvalid, "got %d values for %d variables", len(r.Values), b.nvar)
	}
	for k, v := range r.Values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fieldErr(b.spec.Variables[k], ErrValue, "got %v", v)
		}
	}
	if b.nmargin > 0 && len(r.Cells) != b.nmargin {
		return fieldErr("Cells", ErrInvalid, "got %d cell labels for %d margins", len(r.Cells), b.nmargin)
	}
	stratumName := ""
	if b.spec.Stratified {
		stratumName = r.Stratum
		if stratumName == "" {
			return fieldErr("Stratum", ErrInvalid, "missing stratum")
		}
	}
	if b.spec.Clustered && r.PSU == "" {
		return fieldErr("PSU", ErrInvalid, "missing PSU")
	}
	if b.spec.FPC && (!(r.FPC >= 0) || math.IsInf(r.FPC, 0)) {
		return fieldErr("FPC", ErrFPC, "got %v", r.FPC)
	}

	// Rows come grouped by stratum, PSU and domain: the last one's indexes
	// save the map look-ups.
	h, ok := b.lastStratum, b.lastStratumOK && stratumName == b.lastStratumName
	if !ok {
		h, ok = b.stratumIdx[stratumName]
		if !ok {
			h = int32(len(b.strata))
			b.stratumIdx[stratumName] = h
			b.strata = append(b.strata, stratumInfo{name: stratumName})
		}
		b.lastStratum, b.lastStratumName, b.lastStratumOK = h, stratumName, true
	}
	st := &b.strata[h]
	if b.spec.FPC {
		if !st.fpcSet {
			st.fpc, st.fpcSet = r.FPC, true
		} else if st.fpc != r.FPC {
			return fieldErr("FPC", ErrFPC, "stratum %q has FPC %v and %v", stratumName, st.fpc, r.FPC)
		}
	}
	var psu int32
	if b.spec.Clustered {
		key := psuKey{h, r.PSU}
		p, ok := b.lastPSU, b.lastPSUOK && key == b.lastPSUKey
		if !ok {
			p, ok = b.psuIdx[key]
			if !ok {
				p = int32(len(b.psuStratum))
				b.psuIdx[key] = p
				b.psuStratum = append(b.psuStratum, h)
			}
			b.lastPSU, b.lastPSUKey, b.lastPSUOK = p, key, true
		}
		psu = p
	} else {
		psu = int32(len(b.psuStratum))
		b.psuStratum = append(b.psuStratum, h)
	}
	d, ok := b.lastDomain, b.lastDomainOK && r.Domain == b.lastDomainName
	if !ok {
		d, ok = b.domainIdx[r.Domain]
		if !ok {
			d = int32(len(b.domains))
			b.domainIdx[r.Domain] = d
			b.domains = append(b.domains, r.Domain)
		}
		b.lastDomain, b.lastDomainName, b.lastDomainOK = d, r.Domain, true
	}
	for k, v := range r.Values {
		if v != 0 && v != 1 {
			b.binary[k] = false
		}
	}
	b.n++
	if b.rows != nil {
		rs := b.rows
		for m, lv := range r.Cells {
			c, ok := rs.levels[m][lv]
			if !ok {
				c = int32(len(rs.lvNames[m]))
				rs.levels[m][lv] = c
				rs.lvNames[m] = append(rs.lvNames[m], lv)
			}
			rs.cells = append(rs.cells, c)
		}
		rs.w = append(rs.w, w)
		rs.psu = append(rs.psu, psu)
		rs.dom = append(rs.dom, d)
		rs.vals = append(rs.vals, r.Values...)
		return nil
	}
	b.accumulate(psu, d, w, r.Values)
	return nil
}

// pairIndex is the position of the pair k < l among nv variables' pairs.
func pairIndex(nv, k, l int) int { return k*(2*nv-k-1)/2 + (l - k - 1) }

func (b *Builder) accumulate(psu, d int32, w float64, vals []float64) {
	key := uint64(uint32(psu))<<32 | uint64(uint32(d))
	c := b.lastCell
	if !b.spec.Clustered {
		// Every row is a new PSU, so it is a new cell: no index needed.
		c = int32(len(b.cellPSU))
		b.cellPSU = append(b.cellPSU, psu)
		b.cellDom = append(b.cellDom, d)
		b.sums = append(b.sums, make([]float64, b.stride)...)
	} else if c < 0 || key != b.lastKey {
		var ok bool
		c, ok = b.cellIdx[key]
		if !ok {
			c = int32(len(b.cellPSU))
			b.cellIdx[key] = c
			b.cellPSU = append(b.cellPSU, psu)
			b.cellDom = append(b.cellDom, d)
			b.sums = append(b.sums, make([]float64, b.stride)...)
		}
		b.lastKey, b.lastCell = key, c
	}
	b.addToCell(c, w, vals, 1)
}

// addToCell adds k identical rows to cell c's sums.
func (b *Builder) addToCell(c int32, w float64, vals []float64, k float64) {
	s := b.sums[int(c)*b.stride : int(c+1)*b.stride]
	s[0] += k
	s[1] += k * w
	nv := b.nvar
	cross := s[2+2*nv:]
	for j, v := range vals {
		wv := k * w * v
		s[2+j] += wv
		s[2+nv+j] += wv * v
		// Cross products of every pair, for the design effect of ratios.
		for l := j + 1; l < nv; l++ {
			cross[pairIndex(nv, j, l)] += wv * vals[l]
		}
	}
}

// AddN adds n identical rows, as n calls of Add would, but for a clustered
// uncalibrated design in one step (identical rows share their PSU's cell).
func (b *Builder) AddN(r Row, n int) error {
	if n < 1 {
		return fieldErr("N", ErrInvalid, "got %d rows", n)
	}
	if err := b.Add(r); err != nil {
		return err
	}
	if n == 1 {
		return nil
	}
	if !b.spec.Clustered || b.rows != nil {
		for range n - 1 {
			if err := b.Add(r); err != nil {
				return err
			}
		}
		return nil
	}
	w := 1.0
	if !b.spec.Unweighted {
		w = r.Weight
	}
	b.n += n - 1
	b.addToCell(b.lastCell, w, r.Values, float64(n-1))
	return nil
}

// Survey is a finished design with its sums, ready for estimates. Its
// methods are safe for concurrent use.
type Survey struct {
	spec       Spec
	varIdx     map[string]int
	nvar       int
	stride     int
	n          int
	strata     []stratumInfo
	psuStratum []int32
	domains    []string // in first-seen order
	domainIdx  map[string]int32
	sorted     []string

	cellPSU []int32
	cellDom []int32
	sums    []float64
	binary  []bool

	domCells  [][]int32
	domN      []int
	domPSUs   []int
	domStrata [][]bool
	domNStr   []int

	cal *calibrated // nil unless calibrated
}

// NewSurvey builds a Survey from a slice of rows; it is Builder.Add for each
// row followed by Build. Errors name the row by its 0-based index.
func NewSurvey(spec Spec, rows []Row) (*Survey, error) {
	b, err := NewBuilder(spec)
	if err != nil {
		return nil, err
	}
	for i, r := range rows {
		if err := b.Add(r); err != nil {
			return nil, fmt.Errorf("row %d: %w", i, err)
		}
	}
	return b.Build()
}

// Build finishes the design: resolves the FPC, derives weights when
// Spec.Unweighted, calibrates, and indexes domains. The Builder cannot be
// used afterwards.
func (b *Builder) Build() (*Survey, error) {
	if b.done {
		return nil, fmt.Errorf("%w: Build called twice", ErrInvalid)
	}
	b.done = true
	if b.n == 0 {
		return nil, ErrEmpty
	}
	if len(b.psuStratum) < 2 {
		return nil, fmt.Errorf("%w: the design has only one PSU", ErrLonelyPSU)
	}
	for p, h := range b.psuStratum {
		b.strata[h].psus = append(b.strata[h].psus, int32(p))
	}
	if err := b.resolveFPC(); err != nil {
		return nil, err
	}
	s := &Survey{
		spec:       b.spec,
		varIdx:     map[string]int{},
		nvar:       b.nvar,
		stride:     b.stride,
		n:          b.n,
		strata:     b.strata,
		psuStratum: b.psuStratum,
		domains:    b.domains,
		domainIdx:  b.domainIdx,
		binary:     b.binary,
	}
	for i, v := range b.spec.Variables {
		s.varIdx[v] = i
	}
	if b.rows != nil {
		rs := b.rows
		if b.spec.Unweighted {
			for i, p := range rs.psu {
				rs.w[i] = b.strata[b.psuStratum[p]].weight
			}
		}
		cal, err := calibrate(b.spec.Calibrations, rs, b.nmargin)
		if err != nil {
			return nil, err
		}
		s.cal = cal
		b.rows = nil
		for i := range rs.w {
			b.accumulate(rs.psu[i], rs.dom[i], cal.w[i], rs.vals[i*b.nvar:(i+1)*b.nvar])
		}
		cal.psu, cal.dom, cal.vals = rs.psu, rs.dom, rs.vals
	} else if b.spec.Unweighted {
		for c, p := range b.cellPSU {
			w := b.strata[b.psuStratum[p]].weight
			sc := b.sums[c*b.stride+1 : (c+1)*b.stride]
			for k := range sc {
				sc[k] *= w
			}
		}
	}
	s.cellPSU, s.cellDom, s.sums = b.cellPSU, b.cellDom, b.sums
	b.cellIdx = nil

	nd := len(s.domains)
	s.domCells = make([][]int32, nd)
	s.domN = make([]int, nd)
	s.domPSUs = make([]int, nd)
	s.domStrata = make([][]bool, nd)
	s.domNStr = make([]int, nd)
	for d := range s.domStrata {
		s.domStrata[d] = make([]bool, len(s.strata))
	}
	for c, d := range s.cellDom {
		s.domCells[d] = append(s.domCells[d], int32(c))
		cnt := int(s.sums[c*s.stride])
		s.domN[d] += cnt
		if cnt > 0 {
			s.domPSUs[d]++
			h := s.psuStratum[s.cellPSU[c]]
			if !s.domStrata[d][h] {
				s.domStrata[d][h] = true
				s.domNStr[d]++
			}
		}
	}
	s.sorted = sortLevels(s.domains)
	return s, nil
}

func (b *Builder) resolveFPC() error {
	for h := range b.strata {
		b.strata[h].popsize = math.Inf(1)
		b.strata[h].weight = 1
	}
	if !b.spec.FPC {
		return nil
	}
	anyBig, allAtLeast1 := false, true
	for _, st := range b.strata {
		if st.fpc > 1 {
			anyBig = true
		}
		if st.fpc < 1 {
			allAtLeast1 = false
		}
	}
	if anyBig != allAtLeast1 {
		return fmt.Errorf("%w: FPC values must be all >= 1 (population sizes) or all <= 1 (sampling fractions), not all equal to 1", ErrFPC)
	}
	for h := range b.strata {
		st := &b.strata[h]
		n := float64(len(st.psus))
		if anyBig {
			st.popsize = st.fpc
		} else {
			st.popsize = n / st.fpc // fraction 0 gives +Inf: no correction
		}
		if st.popsize < n {
			return fmt.Errorf("%w: stratum %q: population size %v is smaller than its %v sampled PSUs", ErrFPC, st.name, st.popsize, n)
		}
		if b.spec.Unweighted {
			if math.IsInf(st.popsize, 1) || st.popsize > 1e12 {
				return fmt.Errorf("%w: stratum %q: weights not given and cannot be derived from the FPC", ErrFPC, st.name)
			}
			st.weight = st.popsize / n
		}
	}
	return nil
}

// sortLevels sorts domain labels numerically when all parse as numbers (as R
// sorts the levels of a numeric column) and bytewise otherwise (R in the C
// locale).
func sortLevels(levels []string) []string {
	out := append([]string(nil), levels...)
	nums := make(map[string]float64, len(out))
	numeric := true
	for _, l := range out {
		v, err := strconv.ParseFloat(strings.TrimSpace(l), 64)
		if err != nil || math.IsNaN(v) {
			numeric = false
			break
		}
		nums[l] = v
	}
	if numeric {
		sort.SliceStable(out, func(i, j int) bool { return nums[out[i]] < nums[out[j]] })
	} else {
		sort.Strings(out)
	}
	return out
}

// Info returns the design summary: rows, strata, PSUs and degrees of
// freedom.
func (s *Survey) Info() DesignInfo {
	return DesignInfo{N: s.n, Strata: len(s.strata), PSUs: len(s.psuStratum), DF: len(s.psuStratum) - len(s.strata)}
}

// Domains returns the domain levels seen, sorted as R's svyby sorts them.
func (s *Survey) Domains() []string { return append([]string(nil), s.sorted...) }

// Variables returns the analysis variable names.
func (s *Survey) Variables() []string { return append([]string(nil), s.spec.Variables...) }

// Calibrated reports whether the weights were post-stratified or raked.
func (s *Survey) Calibrated() bool { return s.cal != nil }

// Weights returns the calibrated weights in row order for a calibrated
// design, and nil otherwise (an uncalibrated Survey does not hold rows).
func (s *Survey) Weights() []float64 {
	if s.cal == nil {
		return nil
	}
	return append([]float64(nil), s.cal.w...)
}

// strataVariance combines PSU totals z into the with-replacement variance,
// as svyrecvar/onestage/onestrat do in survey 4.1. present marks the strata
// that take part (nil: all), which matters for LonelyAverage.
func (s *Survey) strataVariance(z []float64, present []bool) (float64, error) {
	var total float64
	nstrat, nok := 0, 0
	for h := range s.strata {
		if present != nil && !present[h] {
			continue
		}
		nstrat++
		st := &s.strata[h]
		n := float64(len(st.psus))
		f := 1.0
		if !math.IsInf(st.popsize, 1) {
			f = (st.popsize - n) / st.popsize
		}
		if f < 1e-7 { // self-representing stratum
			nok++
			continue
		}
		if len(st.psus) > 1 {
			var sum float64
			for _, p := range st.psus {
				sum += z[p]
			}
			mean := sum / n
			var ss float64
			for _, p := range st.psus {
				d := z[p] - mean
				ss += d * d
			}
			total += f * n / (n - 1) * ss
			nok++
			continue
		}
		switch s.spec.Lonely {
		case LonelyFail:
			return 0, fmt.Errorf("%w: stratum %q (lonely PSU policy fail)", ErrLonelyPSU, st.name)
		case LonelyRemove, LonelyCertainty:
			nok++
		case LonelyAdjust:
			zz := z[st.psus[0]]
			total += f * zz * zz
			nok++
		case LonelyAverage:
			// contributes the average of the others below
		}
	}
	if nok == 0 {
		return 0, fmt.Errorf("%w: no stratum has two or more PSUs (lonely PSU policy %s)", ErrLonelyPSU, s.spec.Lonely)
	}
	return total * float64(nstrat) / float64(nok), nil
}
