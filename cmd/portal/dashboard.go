package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"cleancity/complaints"
	"cleancity/complaints/complaintdb"
	"cleancity/complaints/summary"
	"cleancity/complaints/summary/summarydb"
)

func init() {
	extraCommands["dashboard"] = runDashboard
}

const dashboardUsage = "usage: portal dashboard rebuild [--data-dir DIR | --mongodb-uri URI]"

// runDashboard is `portal dashboard rebuild`: recompute the dashboard
// summaries from every complaint's history and replace the stored ones.
// Running portals keep serving meanwhile (their appliers wait for the
// lease and fold in what was queued during the rebuild afterwards).
func runDashboard(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "rebuild" {
		return usageError{dashboardUsage}
	}
	f := newFlagSet("portal dashboard rebuild", stderr)
	sf := f.storeFlags()
	if err := f.parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if f.fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q; %s", f.fs.Arg(0), dashboardUsage)}
	}
	st, log, err := sf.open(ctx, stderr)
	if err != nil {
		return err
	}
	defer st.Close(context.Background())
	cases := complaints.NewService(complaintdb.New(st.DB), nil, nil, log)
	if err := cases.Init(ctx); err != nil {
		return err
	}
	// The rebuild only writes documents: portals may start meanwhile.
	st.Started()
	svc := summary.NewService(summarydb.New(st.DB), cases, nil, log)
	start := time.Now()
	res, err := svc.Rebuild(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "rebuilt dashboard summaries: %d cases, %d events, %d days, %d open cases (%d queued changes already covered) in %s\n",
		res.Cases, res.Events, res.Days, res.OpenCases, res.Unqueued, time.Since(start).Round(time.Millisecond))
	return nil
}
