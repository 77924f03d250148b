// Package estimatecmd implements `portal stats estimate`: read interviews
// from a CSV file, estimate rates with the stats package, print JSON or a
// table. The flags and the output are a contract checked from outside; see
// Run.
package estimatecmd

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
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
}

// Output is the JSON document the command prints.
type Output struct {
	// Design summarises the design.
	Design Design `json:"design"`
	// Estimates has one entry per indicator (or ratio) and domain.
	Estimates []Row `json:"estimates"`
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
	// Verdict is meets, below or inconclusive.
	Verdict *string `json:"verdict"`
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
	if err := fs.Parse(args); err != nil {
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
	for n := 0; ; n++ {
		if n&0xffff == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		rec, err := rd.Next()
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
			w, err := statscsv.ParseFloat(rec[wi])
			if err != nil {
				return nil, bad(wi, fmt.Errorf("weight: %w", err))
			}
			if !(w > 0) {
				return nil, bad(wi, fmt.Errorf("weight %v: must be positive", w))
			}
			row.Weight = w
		}
		if si >= 0 {
			if statscsv.IsMissing(rec[si]) {
				return nil, bad(si, fmt.Errorf("stratum: %w", statscsv.ErrMissing))
			}
			row.Stratum = rec[si]
		}
		if ci >= 0 {
			if statscsv.IsMissing(rec[ci]) {
				return nil, bad(ci, fmt.Errorf("cluster: %w", statscsv.ErrMissing))
			}
			row.PSU = rec[ci]
		}
		if fi >= 0 {
			v, err := statscsv.ParseFloat(rec[fi])
			if err != nil {
				return nil, bad(fi, fmt.Errorf("fpc: %w", err))
			}
			row.FPC = v
		}
		if bi >= 0 {
			if statscsv.IsMissing(rec[bi]) {
				return nil, bad(bi, fmt.Errorf("domain: %w", statscsv.ErrMissing))
			}
			row.Domain = rec[bi]
		}
		for k, i := range varIdx {
			s := rec[i]
			var v float64
			switch s {
			case "0":
				v = 0
			case "1":
				v = 1
			default:
				v, err = statscsv.ParseFloat(s)
				if err != nil {
					return nil, bad(i, err)
				}
			}
			if indic[k] && v != 0 && v != 1 {
				return nil, bad(i, fmt.Errorf("indicator value %s: %w", s, stats.ErrNotIndicator))
			}
			row.Values[k] = v
		}
		for k, i := range cellCols {
			if statscsv.IsMissing(rec[i]) {
				return nil, bad(i, fmt.Errorf("calibration cell: %w", statscsv.ErrMissing))
			}
			row.Cells[k] = rec[i]
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

// report computes the estimates the flags ask for.
func report(sv *stats.Survey, o *options) (*Output, error) {
	info := sv.Info()
	out := &Output{Design: Design{N: info.N, Strata: info.Strata, PSUs: info.PSUs, DF: info.DF}, Estimates: []Row{}}
	domains := []stats.Domain{stats.Overall}
	if o.by != "" {
		domains = domains[:0]
		for _, lv := range sv.Domains() {
			domains = append(domains, stats.InDomain(lv))
		}
	}
	where := func(name string, d stats.Domain) string {
		if o.by == "" {
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
			out.Estimates = append(out.Estimates, r)
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
			if stats.RatioJudgeable(e) {
				verdict := string(j.Verdict)
				r.Verdict = &verdict
			}
			if e.DeffValid {
				r.Deff = ptr(e.Deff)
			}
			out.Estimates = append(out.Estimates, r)
		}
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
	for _, r := range out.Estimates {
		v := "-"
		if r.Verdict != nil {
			v = *r.Verdict
		}
		fmt.Fprintf(tw, "%s\t%s\t%.4f\t%.4f\t%s\t%s\t%s\t%.2f\t%t\t%s\t\n", r.Indicator, r.Domain,
			r.Estimate, r.SE, opt(r.CILow), opt(r.CIHigh), opt(r.Deff), r.Threshold, r.PointMeets, v)
	}
	return tw.Flush()
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
