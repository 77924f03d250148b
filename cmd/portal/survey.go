package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"cleancity/survey/surveydb"
)

func init() {
	extraCommands["survey"] = runSurvey
}

const surveyUsage = "usage: portal survey rebuild-tallies [--round ID] [--data-dir DIR | --mongodb-uri URI]"

// runSurvey is `portal survey rebuild-tallies`: recompute the per-unit
// tallies (progress, results, export weights) of one round or every round
// from the stored responses. Portals may keep running: a rebuild that
// races a write is not trusted and the next read repeats it.
func runSurvey(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "rebuild-tallies" {
		return usageError{surveyUsage}
	}
	f := newFlagSet("portal survey rebuild-tallies", stderr)
	sf := f.storeFlags()
	var round string
	f.fs.StringVar(&round, "round", "", "round id (default: every round)")
	if err := f.parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if f.fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q; %s", f.fs.Arg(0), surveyUsage)}
	}
	st, _, err := sf.open(ctx, stderr)
	if err != nil {
		return err
	}
	defer st.Close(context.Background())
	// Writes of other processes (MongoDB) are told apart by their markers;
	// on the embedded store nothing else writes while this runs.
	db := surveydb.ForMode(st.DB, st.Mode)
	// The rebuild only writes documents: portals may start meanwhile.
	st.Started()
	start := time.Now()
	rounds := []string{round}
	if round == "" {
		if rounds, err = db.RebuildAllTallies(ctx); err != nil {
			return err
		}
	} else if _, err := db.FindRound(ctx, round); err != nil {
		return fmt.Errorf("round %s: %w", round, err)
	} else if err := db.RebuildTallies(ctx, round); err != nil {
		return err
	}
	for _, id := range rounds {
		t, err := db.Tallies(ctx, id)
		if err != nil {
			return err
		}
		n := 0
		for _, x := range t {
			for _, k := range x.Status {
				n += k
			}
		}
		fmt.Fprintf(stdout, "round %s: %d responses in %d units\n", id, n, len(t))
	}
	fmt.Fprintf(stdout, "rebuilt the tallies of %d rounds in %s\n", len(rounds), time.Since(start).Round(time.Millisecond))
	return nil
}
