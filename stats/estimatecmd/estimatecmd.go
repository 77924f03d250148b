// Package estimatecmd implements `portal stats estimate`: read interviews
// from a CSV file, estimate rates with the stats package, print JSON or a
// table. The flags and the output are a contract checked from outside; see
// Run.
package estimatecmd

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"

	"cleancity/stats"
	"cleancity/stats/statscsv"
)

const usage = `usage: portal stats estimate --data FILE.csv [--format json|table]
  [--indicator COL]...            0/1 columns; mean with CI and verdict
  [--ratio NUM/DEN]...            ratio with Wald CI (z, as R's confint), deff, verdict
  [--weight COL] [--strata COL] [--cluster COL] [--fpc COL]
  [--by COL]                      domains: one estimate per level (sorted)
  [--ci logit|mean|asin|beta|wilson] [--level 0.95] [--threshold 0.90]
  [--lonely-psu fail|remove|certainty|adjust|average]   (default fail)
  [--poststratify COL=FILE.csv]   FILE: columns COL,Freq
  [--rake COL=FILE.csv]...        one per margin; FILE: columns COL,Freq
  [--forecast --target-n N [--target-n LEVEL=N]...]
                                  an open round with a target of N accepted
                                  interviews (per --by level: LEVEL=N, else
                                  its share of N as now): interim verdicts at
                                  the group-sequential boundary, interviews
                                  needed, allocation over --strata
`

// Rake cases are computed to convergence, as the R reference does with
// control = list(maxit = 200, epsilon = 1e-9).
const (
	rakeMaxIter = 200
	rakeEpsilon = 1e-9
)

type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(s string) error { *m = append(*m, s); return nil }

type options struct {
	data, format              string
	indicators, ratios, rakes multi
	weight, strata, cluster   string
	fpc, by, poststratify     string
	method                    stats.CIMethod
	level, threshold          float64
	lonely                    stats.LonelyPSU
	ratioPairs                [][2]string
	calibCols                 []string
	calibrations              []stats.Calibration
	forecast                  bool
	targets                   multi
	targetN                   int
	domainTargets             map[string]int
}

// Output is the JSON document the command prints.
type Output struct {
	// Design summarises the design.
	Design Design `json:"design"`
	// Estimates has one entry per indicator (or ratio) and domain.
	Estimates []Row `json:"estimates"`
	// Overall has the overall estimates when --by asks for domains, from
	// the same pass over the file.
	Overall []Row `json:"overall,omitempty"`
	// Allocation (--forecast with --strata) says, per indicator whose
	// overall interim verdict is not yet decisive, how to split the
	// interviews it needs across strata.
	Allocation []Allocation `json:"allocation,omitempty"`
}

// Interim is a row's group-sequential verdict (--forecast).
type Interim struct {
	// Look is the planned look the analysis falls in, of Looks.
	Look  int `json:"look"`
	Looks int `json:"looks"`
	// Fraction is accepted interviews over the target.
	Fraction float64 `json:"fraction"`
	// Critical is the boundary (t on the design df; z for ratios).
	Critical float64 `json:"critical"`
	// CILow and CIHigh are the interval the verdict compares.
	CILow  float64 `json:"ci_low"`
	CIHigh float64 `json:"ci_high"`
}

// Forecast is how many more interviews a row needs (--forecast).
type Forecast struct {
	// Toward is the verdict the estimate points to (meets or below).
	Toward string `json:"toward"`
	// Target is the domain's target of accepted interviews.
	Target int `json:"target"`
	// Needed is the further accepted interviews for a decisive verdict
	// with probability Assurance; null when none can give it.
	Needed *int `json:"needed"`
	// NeededIfUnchanged is the count if the estimate stays as it is.
	NeededIfUnchanged *int    `json:"needed_if_unchanged"`
	Assurance         float64 `json:"assurance"`
	// Reachable reports Needed <= Remaining.
	Reachable bool `json:"reachable"`
	Remaining int  `json:"remaining"`
	// TooEarly: too few interviews per PSU to forecast; EarlyMore are
	// needed first.
	TooEarly  bool `json:"too_early"`
	EarlyMore int  `json:"early_more,omitempty"`
}

// Allocation is the cheapest split over strata of the interviews an
// indicator's overall verdict needs.
type Allocation struct {
	Indicator string `json:"indicator"`
	// Needed is the allocation's total; NeededAsNow the forecast's
	// count with interviews spread as so far (null: none reaches it).
	Needed      int  `json:"needed"`
	NeededAsNow *int `json:"needed_as_now"`
	Remaining   int  `json:"remaining"`
	Reachable   bool `json:"reachable"`
	// Budget: no count within Remaining gives a clear verdict; the plan
	// spends the remaining interviews for the most precise estimate.
	Budget bool `json:"budget"`
	// Strata has one entry per stratum, sorted.
	Strata []StratumMore `json:"strata"`
}

// StratumMore is one stratum's further interviews.
type StratumMore struct {
	Stratum string `json:"stratum"`
	More    int    `json:"more"`
}

// Design is the "design" object of the output.
type Design struct {
	// N is the number of rows.
	N int `json:"n"`
	// Strata is the number of strata.
	Strata int `json:"strata"`
	// PSUs is the number of PSUs.
	PSUs int `json:"psus"`
	// DF is PSUs minus strata.
	DF int `json:"df"`
}

// Row is one entry of "estimates". Nullable fields are pointers.
type Row struct {
	// Indicator is the column name, or NUM/DEN for a ratio.
	Indicator string `json:"indicator"`
	// Domain is the --by level, "" without --by.
	Domain string `json:"domain"`
	// Estimate is the point estimate.
	Estimate float64 `json:"estimate"`
	// SE is its standard error.
	SE float64 `json:"se"`
	// CILow is the interval's lower end (for a ratio the Wald interval
	// with the normal quantile, as confint(svyratio(...))).
	CILow *float64 `json:"ci_low"`
	// CIHigh is the interval's upper end.
	CIHigh *float64 `json:"ci_high"`
	// Deff is the design effect (null when R has NA).
	Deff *float64 `json:"deff"`
	// Threshold is the --threshold value.
	Threshold float64 `json:"threshold"`
	// PointMeets reports estimate >= threshold.
	PointMeets bool `json:"point_meets"`
	// Verdict is meets, below or inconclusive; with --forecast the
	// interim verdict.
	Verdict *string `json:"verdict"`
	// Interim and Forecast are set with --forecast.
	Interim  *Interim  `json:"interim,omitempty"`
	Forecast *Forecast `json:"forecast,omitempty"`
}

// Run executes `portal stats estimate` with args (the words after
// "estimate"). It writes the result to stdout; on failure it writes a
// message naming the flag, or the CSV line and column, to stderr and
// returns a non-nil error.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	err := run(ctx, args, stdout, stderr)
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintf(stderr, "portal stats estimate: %v\n", err)
	}
	return err
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	out, err := estimate(ctx, o)
	if err != nil {
		return err
	}
	if o.format == "table" {
		return writeTable(stdout, out)
	}
	enc := json.NewEncoder(stdout)
	return enc.Encode(out)
}

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("portal stats estimate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	fs.StringVar(&o.data, "data", "", "CSV file with one row per interview")
	fs.StringVar(&o.format, "format", "json", "json or table")
	fs.Var(&o.indicators, "indicator", "0/1 column (repeatable)")
	fs.Var(&o.ratios, "ratio", "NUM/DEN columns (repeatable)")
	fs.StringVar(&o.weight, "weight", "", "weight column")
	fs.StringVar(&o.strata, "strata", "", "stratum column")
	fs.StringVar(&o.cluster, "cluster", "", "PSU column")
	fs.StringVar(&o.fpc, "fpc", "", "FPC column (population sizes or fractions)")
	fs.StringVar(&o.by, "by", "", "domain column")
	ci := fs.String("ci", "logit", "interval method")
	level := fs.String("level", "0.95", "confidence level")
	threshold := fs.String("threshold", "0.90", "threshold for the verdict")
	lonely := fs.String("lonely-psu", "fail", "lonely PSU policy")
	fs.StringVar(&o.poststratify, "poststratify", "", "COL=FILE.csv")
	fs.Var(&o.rakes, "rake", "COL=FILE.csv (repeatable)")
	fs.BoolVar(&o.forecast, "forecast", false, "interim verdicts and forecasts of an open round")
	fs.Var(&o.targets, "target-n", "the round's target N, or LEVEL=N for a --by level (repeatable)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if err := o.parseTargets(); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if o.data == "" {
		return nil, errors.New("--data: required")
	}
	if o.format != "json" && o.format != "table" {
		return nil, fmt.Errorf("--format: %q is not json or table", o.format)
	}
	if len(o.indicators) == 0 && len(o.ratios) == 0 {
		return nil, errors.New("--indicator or --ratio: give at least one")
	}
	var err error
	if o.method, err = stats.ParseCIMethod(*ci); err != nil {
		return nil, fmt.Errorf("--ci: %v", err)
	}
	if o.lonely, err = stats.ParseLonelyPSU(*lonely); err != nil {
		return nil, fmt.Errorf("--lonely-psu: %v", err)
	}
	if o.level, err = strconv.ParseFloat(*level, 64); err != nil || !(o.level > 0 && o.level < 1) {
		return nil, fmt.Errorf("--level: %q must be a number in (0, 1)", *level)
	}
	if o.threshold, err = strconv.ParseFloat(*threshold, 64); err != nil || math.IsNaN(o.threshold) || math.IsInf(o.threshold, 0) {
		return nil, fmt.Errorf("--threshold: %q must be a number", *threshold)
	}
	o.indicators = dedupe(o.indicators)
	o.ratios = dedupe(o.ratios)
	for _, r := range o.ratios {
		num, den, ok := strings.Cut(r, "/")
		if !ok || num == "" || den == "" || strings.Contains(den, "/") {
			return nil, fmt.Errorf("--ratio: %q must be NUM/DEN", r)
		}
		o.ratioPairs = append(o.ratioPairs, [2]string{num, den})
	}
	if o.poststratify != "" {
		m, col, err := readMargin("--poststratify", o.poststratify)
		if err != nil {
			return nil, err
		}
		o.calibrations = append(o.calibrations, stats.Calibration{Kind: stats.PostStratify, Margins: []stats.Margin{m}})
		o.calibCols = append(o.calibCols, col)
	}
	if len(o.rakes) > 0 {
		rk := stats.Calibration{Kind: stats.Rake, MaxIter: rakeMaxIter, Epsilon: rakeEpsilon}
		for _, r := range o.rakes {
			m, col, err := readMargin("--rake", r)
			if err != nil {
				return nil, err
			}
			rk.Margins = append(rk.Margins, m)
			o.calibCols = append(o.calibCols, col)
		}
		o.calibrations = append(o.calibrations, rk)
	}
	return o, nil
}

// parseTargets reads --target-n: one plain N, and LEVEL=N per domain.
func (o *options) parseTargets() error {
	o.domainTargets = map[string]int{}
	for _, v := range o.targets {
		lv, num, isDomain := strings.Cut(v, "=")
		if !isDomain {
			num = v
		}
		n, err := strconv.Atoi(strings.TrimSpace(num))
		if err != nil || n < 1 || n > 1e9 {
			return fmt.Errorf("--target-n: %q must be a whole number of interviews (1 or more), or LEVEL=N", v)
		}
		switch {
		case !isDomain && o.targetN != 0:
			return fmt.Errorf("--target-n: the round's target is given twice (%d and %d)", o.targetN, n)
		case !isDomain:
			o.targetN = n
		case o.by == "":
			return fmt.Errorf("--target-n: %q is a domain's target, which needs --by", v)
		default:
			if _, dup := o.domainTargets[lv]; dup {
				return fmt.Errorf("--target-n: level %q given twice", lv)
			}
			o.domainTargets[lv] = n
		}
	}
	switch {
	case o.forecast && o.targetN == 0:
		return errors.New("--target-n: --forecast needs the round's target of accepted interviews")
	case !o.forecast && len(o.targets) > 0:
		return errors.New("--target-n: only with --forecast")
	}
	return nil
}

func readMargin(flagName, v string) (stats.Margin, string, error) {
	col, file, ok := strings.Cut(v, "=")
	if !ok || col == "" || file == "" {
		return stats.Margin{}, "", fmt.Errorf("%s: %q must be COL=FILE.csv", flagName, v)
	}
	f, err := os.Open(file)
	if err != nil {
		return stats.Margin{}, "", fmt.Errorf("%s: %v", flagName, err)
	}
	defer f.Close()
	pop, err := statscsv.ReadTargets(f, col)
	if err != nil {
		return stats.Margin{}, "", fmt.Errorf("%s: %s: %v", flagName, file, err)
	}
	return stats.Margin{Name: col, Population: pop}, col, nil
}

type colRef struct {
	flag, name string
	idx        int
}

// estimate reads o.data and computes the output document.
func estimate(ctx context.Context, o *options) (*Output, error) {
	sv, err := load(ctx, o)
	if err != nil {
		return nil, err
	}
	return report(sv, o)
}

// load reads o.data into a Survey.
func load(ctx context.Context, o *options) (*stats.Survey, error) {
	f, err := os.Open(o.data)
	if err != nil {
		return nil, fmt.Errorf("--data: %v", err)
	}
	defer f.Close()
	rd, err := statscsv.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("--data: %s: %v", o.data, err)
	}
	col := func(flagName, name string) (int, error) {
		if name == "" {
			return -1, nil
		}
		i, ok := rd.Column(name)
		if !ok {
			return -1, fmt.Errorf("%s: no column %q in %s", flagName, name, o.data)
		}
		return i, nil
	}

	// Variables: indicators first, then ratio columns, each once.
	var vars []string
	varCol := map[string]int{}
	varFlag := map[string]string{}
	isIndicator := map[string]bool{}
	addVar := func(flagName, name string) error {
		if _, ok := varCol[name]; ok {
			return nil
		}
		i, err := col(flagName, name)
		if err != nil {
			return err
		}
		varCol[name] = i
		varFlag[name] = flagName
		vars = append(vars, name)
		return nil
	}
	for _, ind := range o.indicators {
		if err := addVar("--indicator", ind); err != nil {
			return nil, err
		}
		isIndicator[ind] = true
	}
	for _, p := range o.ratioPairs {
		for _, c := range p {
			if err := addVar("--ratio", c); err != nil {
				return nil, err
			}
		}
	}
	wi, err := col("--weight", o.weight)
	if err != nil {
		return nil, err
	}
	si, err := col("--strata", o.strata)
	if err != nil {
		return nil, err
	}
	ci, err := col("--cluster", o.cluster)
	if err != nil {
		return nil, err
	}
	fi, err := col("--fpc", o.fpc)
	if err != nil {
		return nil, err
	}
	bi, err := col("--by", o.by)
	if err != nil {
		return nil, err
	}
	var cellCols []int
	for k, c := range o.calibCols {
		flagName := "--rake"
		if k == 0 && o.poststratify != "" {
			flagName = "--poststratify"
		}
		i, err := col(flagName, c)
		if err != nil {
			return nil, err
		}
		cellCols = append(cellCols, i)
	}

	spec := stats.Spec{
		Variables:    vars,
		Stratified:   si >= 0,
		Clustered:    ci >= 0,
		FPC:          fi >= 0,
		Unweighted:   wi < 0,
		Lonely:       o.lonely,
		Calibrations: o.calibrations,
	}
	b, err := stats.NewBuilder(spec)
	if err != nil {
		return nil, err
	}
	row := stats.Row{Values: make([]float64, len(vars)), Cells: make([]string, len(cellCols))}
	varIdx := make([]int, len(vars))
	indic := make([]bool, len(vars))
	for k, v := range vars {
		varIdx[k] = varCol[v]
		indic[k] = isIndicator[v]
	}
	fieldCol := map[string]int{"Weight": wi, "Stratum": si, "PSU": ci, "FPC": fi, "Domain": bi}
	for k, v := range vars {
		fieldCol[v] = varIdx[k]
	}
	// Labels repeat on every row: one string each, and the weight of a
	// unit's rows is the same text, parsed once.
	labels := map[string]string{}
	type lastLabel struct {
		b []byte
		s string
	}
	last := make([]lastLabel, len(rd.Header()))
	label := func(col int, f []byte) string {
		if l := &last[col]; l.b != nil && bytes.Equal(l.b, f) {
			return l.s
		}
		s, ok := labels[string(f)]
		if !ok {
			s = string(f)
			labels[s] = s
		}
		last[col] = lastLabel{append(last[col].b[:0], f...), s}
		return s
	}
	var lastW []byte
	lastWV := 0.0
	for n := 0; ; n++ {
		if n&0xffff == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		rec, err := rd.NextBytes()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("--data: %s: %v", o.data, err)
		}
		bad := func(i int, err error) error {
			return fmt.Errorf("--data: %s: %v", o.data, rd.Errorf(i, err))
		}
		if wi >= 0 {
			if lastW == nil || !bytes.Equal(rec[wi], lastW) {
				w, err := statscsv.ParseFloat(string(rec[wi]))
				if err != nil {
					return nil, bad(wi, fmt.Errorf("weight: %w", err))
				}
				if !(w > 0) {
					return nil, bad(wi, fmt.Errorf("weight %v: must be positive", w))
				}
				lastW, lastWV = append(lastW[:0], rec[wi]...), w
			}
			row.Weight = lastWV
		}
		if si >= 0 {
			if statscsv.IsMissingBytes(rec[si]) {
				return nil, bad(si, fmt.Errorf("stratum: %w", statscsv.ErrMissing))
			}
			row.Stratum = label(si, rec[si])
		}
		if ci >= 0 {
			if statscsv.IsMissingBytes(rec[ci]) {
				return nil, bad(ci, fmt.Errorf("cluster: %w", statscsv.ErrMissing))
			}
			row.PSU = label(ci, rec[ci])
		}
		if fi >= 0 {
			v, err := statscsv.ParseFloat(string(rec[fi]))
			if err != nil {
				return nil, bad(fi, fmt.Errorf("fpc: %w", err))
			}
			row.FPC = v
		}
		if bi >= 0 {
			if statscsv.IsMissingBytes(rec[bi]) {
				return nil, bad(bi, fmt.Errorf("domain: %w", statscsv.ErrMissing))
			}
			row.Domain = label(bi, rec[bi])
		}
		for k, i := range varIdx {
			f := rec[i]
			var v float64
			switch {
			case len(f) == 1 && f[0] == '0':
				v = 0
			case len(f) == 1 && f[0] == '1':
				v = 1
			default:
				v, err = statscsv.ParseFloat(string(f))
				if err != nil {
					return nil, bad(i, err)
				}
			}
			if indic[k] && v != 0 && v != 1 {
				return nil, bad(i, fmt.Errorf("indicator value %s: %w", f, stats.ErrNotIndicator))
			}
			row.Values[k] = v
		}
		for k, i := range cellCols {
			if statscsv.IsMissingBytes(rec[i]) {
				return nil, bad(i, fmt.Errorf("calibration cell: %w", statscsv.ErrMissing))
			}
			row.Cells[k] = label(i, rec[i])
		}
		if err := b.Add(row); err != nil {
			var fe *stats.FieldError
			if errors.As(err, &fe) {
				if i, ok := fieldCol[fe.Field]; ok && i >= 0 {
					return nil, bad(i, fe.Err)
				}
			}
			return nil, fmt.Errorf("--data: %s: line %d: %v", o.data, rd.Line(), err)
		}
	}
	sv, err := b.Build()
	if err != nil {
		return nil, designError(err)
	}
	return sv, nil
}

// report computes the estimates the flags ask for, the overall ones too
// when --by asks for domains.
func report(sv *stats.Survey, o *options) (*Output, error) {
	info := sv.Info()
	out := &Output{Design: Design{N: info.N, Strata: info.Strata, PSUs: info.PSUs, DF: info.DF}, Estimates: []Row{}}
	if o.by == "" {
		rows, err := rowsFor(sv, o, []stats.Domain{stats.Overall})
		if err != nil {
			return nil, err
		}
		out.Estimates = rows
	} else {
		var domains []stats.Domain
		for _, lv := range sv.Domains() {
			domains = append(domains, stats.InDomain(lv))
		}
		for lv := range o.domainTargets {
			if !slices.Contains(sv.Domains(), lv) {
				return nil, fmt.Errorf("--target-n: no --by level %q in the data", lv)
			}
		}
		rows, err := rowsFor(sv, o, domains)
		if err != nil {
			return nil, err
		}
		out.Estimates = rows
		if out.Overall, err = rowsFor(sv, o, []stats.Domain{stats.Overall}); err != nil {
			return nil, err
		}
	}
	if o.forecast && o.strata != "" {
		overall := out.Estimates
		if o.by != "" {
			overall = out.Overall
		}
		var err error
		if out.Allocation, err = allocate(sv, o, overall); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// interimPlan is the group-sequential plan of --forecast, the portal's.
var interimPlan = sync.OnceValue(func() *stats.Sequential {
	s, err := stats.NewSequential(stats.DefaultLooks, 0.95)
	if err != nil {
		panic(err) // constant arguments
	}
	return s
})

// rowsFor estimates every indicator and ratio over the domains.
func rowsFor(sv *stats.Survey, o *options, domains []stats.Domain) ([]Row, error) {
	var out []Row
	where := func(name string, d stats.Domain) string {
		if d == stats.Overall {
			return name
		}
		return fmt.Sprintf("%s in domain %q", name, d.String())
	}
	for _, ind := range o.indicators {
		for _, d := range domains {
			e, iv, err := sv.Proportion(ind, d, o.method, o.level)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", where(ind, d), designError(err))
			}
			j := stats.Judge(e.Value, iv, o.threshold)
			verdict := string(j.Verdict)
			r := Row{Indicator: ind, Domain: d.String(), Estimate: e.Value, SE: e.SE,
				CILow: ptr(iv.Low), CIHigh: ptr(iv.High), Threshold: o.threshold,
				PointMeets: j.PointMeets, Verdict: &verdict}
			if e.DeffValid {
				r.Deff = ptr(e.Deff)
			}
			if err := o.monitor(&r, sv, e, d, stats.CILogit, e.DF); err != nil {
				return nil, fmt.Errorf("%s: %w", where(ind, d), err)
			}
			out = append(out, r)
		}
	}
	for _, p := range o.ratioPairs {
		name := p[0] + "/" + p[1]
		for _, d := range domains {
			e, err := sv.Ratio(p[0], p[1], d)
			if err != nil {
				return nil, fmt.Errorf("--ratio %s: %w", where(name, d), designError(err))
			}
			iv, err := stats.RatioInterval(e, o.level)
			if err != nil {
				return nil, fmt.Errorf("--ratio %s: %w", where(name, d), err)
			}
			j := stats.Judge(e.Value, iv, o.threshold)
			r := Row{Indicator: name, Domain: d.String(), Estimate: e.Value, SE: e.SE,
				CILow: ptr(iv.Low), CIHigh: ptr(iv.High), Threshold: o.threshold,
				PointMeets: j.PointMeets}
			if e.DeffValid {
				r.Deff = ptr(e.Deff)
			}
			if stats.RatioJudgeable(e) {
				verdict := string(j.Verdict)
				r.Verdict = &verdict
				if err := o.monitor(&r, sv, e, d, stats.CIMean, 0); err != nil {
					return nil, fmt.Errorf("--ratio %s: %w", where(name, d), err)
				}
			}
			out = append(out, r)
		}
	}
	return out, nil
}

// target is a domain's target of accepted interviews: its --target-n
// LEVEL=N, else its share of the round's target as the interviews are
// shared now.
func (o *options) target(sv *stats.Survey, e stats.Estimate, d stats.Domain) int {
	if d == stats.Overall {
		return o.targetN
	}
	if n, ok := o.domainTargets[d.String()]; ok {
		return n
	}
	return int(math.Round(float64(o.targetN) * float64(e.N) / float64(sv.Info().N)))
}

func (o *options) monitorSpec(sv *stats.Survey, e stats.Estimate, d stats.Domain, scale stats.CIMethod, qdf int) stats.MonitorSpec {
	sp := stats.MonitorSpec{Scale: scale, Value: e.Value, SE: e.SE, N: e.N, PSUs: e.PSUs, DF: e.DF, QuantileDF: qdf,
		Target: o.target(sv, e, d), Threshold: o.threshold, MinRoh: stats.DefaultMinRoh}
	if e.DeffValid {
		sp.Deff = e.Deff
	}
	return sp
}

// monitor replaces r's verdict by the interim one and adds the forecast
// (--forecast); an estimate without spread is inconclusive while open, as
// in the portal.
func (o *options) monitor(r *Row, sv *stats.Survey, e stats.Estimate, d stats.Domain, scale stats.CIMethod, qdf int) error {
	if !o.forecast {
		return nil
	}
	sp := o.monitorSpec(sv, e, d, scale, qdf)
	in, f, _, err := interimPlan().Monitor(sp)
	if errors.Is(err, stats.ErrUndefined) {
		v := string(stats.Inconclusive)
		r.Verdict = &v
		return nil
	}
	if err != nil {
		return err
	}
	v := string(in.Verdict)
	r.Verdict = &v
	r.Interim = &Interim{Look: in.Look, Looks: in.Looks, Fraction: in.Fraction, Critical: in.Critical, CILow: in.Low, CIHigh: in.High}
	count := func(n int) *int {
		if n == stats.Never {
			return nil
		}
		return &n
	}
	r.Forecast = &Forecast{Toward: string(f.Toward), Target: sp.Target, Needed: count(f.Needed), NeededIfUnchanged: count(f.NeededIfUnchanged),
		Assurance: f.Assurance, Reachable: f.Reachable, Remaining: f.Remaining, TooEarly: f.TooEarly, EarlyMore: f.EarlyMore}
	return nil
}

// allocate splits, per indicator whose overall interim verdict is not yet
// decisive but can become so, the interviews it needs across strata.
func allocate(sv *stats.Survey, o *options, overall []Row) ([]Allocation, error) {
	var out []Allocation
	for _, r := range overall {
		if !slices.Contains(o.indicators, r.Indicator) || r.Forecast == nil || r.Verdict == nil ||
			*r.Verdict != string(stats.Inconclusive) || r.Forecast.TooEarly || r.Forecast.Needed != nil && *r.Forecast.Needed == 0 {
			continue
		}
		e, err := sv.Mean(r.Indicator, stats.Overall)
		if err != nil {
			return nil, err
		}
		_, f, spec, err := interimPlan().Monitor(o.monitorSpec(sv, e, stats.Overall, stats.CILogit, e.DF))
		if err != nil {
			return nil, err
		}
		states, err := sv.StratumStates(r.Indicator)
		if err != nil {
			return nil, err
		}
		plan, err := stats.AllocateNeeded(spec, f, states)
		if err != nil {
			return nil, err
		}
		a := Allocation{Indicator: r.Indicator, Needed: plan.Total, NeededAsNow: r.Forecast.Needed, Remaining: f.Remaining,
			Reachable: !plan.Budget && plan.Total <= f.Remaining, Budget: plan.Budget}
		for _, st := range plan.Strata {
			a.Strata = append(a.Strata, StratumMore{Stratum: st.Name, More: st.More})
		}
		sort.Slice(a.Strata, func(i, j int) bool { return a.Strata[i].Stratum < a.Strata[j].Stratum })
		out = append(out, a)
	}
	return out, nil
}

// designError adds the flag a stats error is about.
func designError(err error) error {
	switch {
	case errors.Is(err, stats.ErrLonelyPSU):
		return fmt.Errorf("--lonely-psu: %w", err)
	case errors.Is(err, stats.ErrFPC):
		return fmt.Errorf("--fpc: %w", err)
	case errors.Is(err, stats.ErrCalibration), errors.Is(err, stats.ErrNoConvergence):
		return fmt.Errorf("--poststratify/--rake: %w", err)
	case errors.Is(err, stats.ErrEmpty):
		return fmt.Errorf("--data: %w", err)
	case errors.Is(err, stats.ErrEmptyDomain):
		return fmt.Errorf("--by: %w", err)
	case errors.Is(err, stats.ErrUndefined):
		return fmt.Errorf("--ci: %w", err)
	}
	return err
}

func ptr(v float64) *float64 { return &v }

func writeTable(w io.Writer, out *Output) error {
	fmt.Fprintf(w, "design: n=%d strata=%d psus=%d df=%d\n\n", out.Design.N, out.Design.Strata, out.Design.PSUs, out.Design.DF)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "indicator\tdomain\testimate\tse\tci_low\tci_high\tdeff\tthreshold\tpoint_meets\tverdict\t")
	opt := func(p *float64) string {
		if p == nil {
			return "-"
		}
		return strconv.FormatFloat(*p, 'f', 4, 64)
	}
	rows := append(append([]Row(nil), out.Overall...), out.Estimates...)
	forecast := false
	for _, r := range rows {
		v := "-"
		if r.Verdict != nil {
			v = *r.Verdict
		}
		domain := r.Domain
		if domain == "" && len(out.Overall) > 0 {
			domain = "(overall)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%.4f\t%.4f\t%s\t%s\t%s\t%.2f\t%t\t%s\t\n", r.Indicator, domain,
			r.Estimate, r.SE, opt(r.CILow), opt(r.CIHigh), opt(r.Deff), r.Threshold, r.PointMeets, v)
		forecast = forecast || r.Forecast != nil
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if !forecast {
		return nil
	}
	fmt.Fprintln(w, "\nforecast (verdicts above are interim, at the group-sequential boundary):")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "indicator\tdomain\tlook\tboundary\ttarget\tremaining\tneeded\tif_unchanged\treachable\t")
	count := func(p *int) string {
		if p == nil {
			return "never"
		}
		return strconv.Itoa(*p)
	}
	for _, r := range rows {
		if r.Forecast == nil {
			continue
		}
		f := r.Forecast
		needed := count(f.Needed)
		if f.TooEarly {
			needed = fmt.Sprintf("early(+%d)", f.EarlyMore)
		}
		domain := r.Domain
		if domain == "" {
			domain = "(overall)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d/%d\t%.3f\t%d\t%d\t%s\t%s\t%t\t\n", r.Indicator, domain, r.Interim.Look, r.Interim.Looks,
			r.Interim.Critical, f.Target, f.Remaining, needed, count(f.NeededIfUnchanged), f.Reachable)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, a := range out.Allocation {
		what := fmt.Sprintf("%d more (as now %s; %d remaining, reachable %t)", a.Needed, count(a.NeededAsNow), a.Remaining, a.Reachable)
		if a.Budget {
			what = fmt.Sprintf("the %d remaining, for the most precise estimate (no count within them gives a clear verdict)", a.Remaining)
		}
		fmt.Fprintf(w, "\nallocation of %s: %s:", a.Indicator, what)
		for _, st := range a.Strata {
			if st.More > 0 {
				fmt.Fprintf(w, " %s +%d", st.Stratum, st.More)
			}
		}
		fmt.Fprintln(w)
	}
	return nil
}

func dedupe(list []string) []string {
	seen := map[string]bool{}
	out := list[:0:0]
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
