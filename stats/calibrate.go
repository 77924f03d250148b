package stats

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// calibrated holds the rows of a calibrated design and what svyrecvar needs
// to project the influence values onto the calibration: for each step the
// cell of every row and the weights before and after it.
type calibrated struct {
	w     []float64 // final weights
	psu   []int32
	dom   []int32
	vals  []float64
	steps []calStep
}

type calStep struct {
	kind    CalibrationKind
	margins []calMargin
}

type calMargin struct {
	cell  []int32   // per row
	ncell int       // number of labels seen
	oldw  []float64 // weights before this margin's (last) post-stratification
	psw   []float64 // weights after it
}

func calibrate(steps []Calibration, rs *rowStore, nmargin int) (*calibrated, error) {
	n := len(rs.w)
	w := append([]float64(nil), rs.w...)
	cal := &calibrated{}
	m0 := 0
	for _, step := range steps {
		cs := calStep{kind: step.Kind}
		margins := make([]calMargin, len(step.Margins))
		for j := range step.Margins {
			mi := m0 + j
			cell := make([]int32, n)
			for i := 0; i < n; i++ {
				cell[i] = rs.cells[i*nmargin+mi]
			}
			margins[j] = calMargin{cell: cell, ncell: len(rs.lvNames[mi])}
			// Check the targets once, up front, so that errors name the
			// margin rather than an iteration.
			if _, err := cellFactors(step.Margins[j], rs.lvNames[mi], margins[j], w); err != nil {
				return nil, err
			}
		}
		switch step.Kind {
		case PostStratify:
			m := &margins[0]
			m.oldw = append([]float64(nil), w...)
			if err := postStratify(step.Margins[0], rs.lvNames[m0], m, w); err != nil {
				return nil, err
			}
			m.psw = append([]float64(nil), w...)
		case Rake:
			if err := rake(step, rs.lvNames[m0:m0+len(step.Margins)], margins, w); err != nil {
				return nil, err
			}
		}
		cs.margins = margins
		cal.steps = append(cal.steps, cs)
		m0 += len(step.Margins)
	}
	cal.w = w
	return cal, nil
}

// cellFactors returns population count / weighted sample count per cell,
// with R's checks: a sample cell without population (or with a zero count)
// and a population cell without sample rows are both errors.
func cellFactors(mg Margin, names []string, m calMargin, w []float64) ([]float64, error) {
	freq := make([]float64, m.ncell)
	for i, c := range m.cell {
		freq[c] += w[i]
	}
	fac := make([]float64, m.ncell)
	for c, lv := range names {
		pop, ok := mg.Population[lv]
		if !ok || pop == 0 {
			if freq[c] == 0 {
				continue
			}
			return nil, fmt.Errorf("%w: margin %q: sample cell %q has no population count", ErrCalibration, mg.Name, lv)
		}
		fac[c] = pop / freq[c]
	}
	var missing []string
	for lv, pop := range mg.Population {
		if pop == 0 {
			continue
		}
		found := false
		for _, n := range names {
			if n == lv {
				found = true
				break
			}
		}
		if !found {
			missing = append(missing, lv)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, fmt.Errorf("%w: margin %q: population cells %s have no sample rows", ErrCalibration, mg.Name, quoteJoin(missing))
	}
	return fac, nil
}

func quoteJoin(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

func postStratify(mg Margin, names []string, m *calMargin, w []float64) error {
	fac, err := cellFactors(mg, names, *m, w)
	if err != nil {
		return err
	}
	for i, c := range m.cell {
		w[i] *= fac[c]
	}
	return nil
}

// rake iterates post-stratification over the margins as R's rake does:
// converged when no cell of the joint table of all margins moves by epsilon
// or more in a full sweep. The margins keep the weights of the last sweep,
// which is what svyrecvar's raking projection uses.
func rake(step Calibration, names [][]string, margins []calMargin, w []float64) error {
	maxit := step.MaxIter
	if maxit == 0 {
		maxit = 10
	}
	eps := step.Epsilon
	if eps == 0 {
		eps = 1
	}
	if eps < 1 {
		var tot float64
		for _, x := range w {
			tot += x
		}
		eps *= tot
	}
	// Joint cells over all margins.
	n := len(w)
	joint := make([]int32, n)
	jidx := map[string]int32{}
	key := make([]byte, 0, 4*len(margins))
	for i := 0; i < n; i++ {
		key = key[:0]
		for _, m := range margins {
			c := m.cell[i]
			key = append(key, byte(c), byte(c>>8), byte(c>>16), byte(c>>24))
		}
		j, ok := jidx[string(key)]
		if !ok {
			j = int32(len(jidx))
			jidx[string(key)] = j
		}
		joint[i] = j
	}
	table := func() []float64 {
		t := make([]float64, len(jidx))
		for i, j := range joint {
			t[j] += w[i]
		}
		return t
	}
	old := table()
	for iter := 0; iter < maxit; iter++ {
		for j, mg := range step.Margins {
			m := &margins[j]
			m.oldw = append(m.oldw[:0], w...)
			if err := postStratify(mg, names[j], m, w); err != nil {
				return err
			}
			m.psw = append(m.psw[:0], w...)
		}
		cur := table()
		delta := 0.0
		for j := range cur {
			delta = math.Max(delta, math.Abs(cur[j]-old[j]))
		}
		if delta < eps {
			return nil
		}
		old = cur
	}
	return fmt.Errorf("%w: after %d iterations (epsilon %g)", ErrNoConvergence, maxit, eps)
}

// project replaces the row influence values z by their residuals from the
// calibration, as svyrecvar does before computing PSU totals: within-cell
// weighted means for post-stratification, ten rounds of margin projections
// (unweighted cell means of z/w, times w) for raking.
func (c *calibrated) project(z []float64) {
	for _, st := range c.steps {
		switch st.kind {
		case PostStratify:
			m := &st.margins[0]
			num := make([]float64, m.ncell)
			den := make([]float64, m.ncell)
			for i, cell := range m.cell {
				num[cell] += z[i] * m.oldw[i] / m.psw[i]
				den[cell] += m.oldw[i]
			}
			for i, cell := range m.cell {
				z[i] -= num[cell] / den[cell] * m.psw[i]
			}
		case Rake:
			var sum []float64
			var cnt []float64
			for round := 0; round < 10; round++ {
				for j := range st.margins {
					m := &st.margins[j]
					if cap(sum) < m.ncell {
						sum = make([]float64, m.ncell)
						cnt = make([]float64, m.ncell)
					}
					sum, cnt = sum[:m.ncell], cnt[:m.ncell]
					clear(sum)
					clear(cnt)
					for i, cell := range m.cell {
						sum[cell] += z[i] / m.psw[i]
						cnt[cell]++
					}
					for i, cell := range m.cell {
						z[i] -= m.psw[i] * (sum[cell] / cnt[cell])
					}
				}
			}
		}
	}
}
