package main

import (
	"context"
	"errors"
	"flag"
	"io"

	"cleancity/stats/estimatecmd"
)

func init() {
	extraCommands["stats"] = runStats
}

// runStats dispatches `portal stats SUBCOMMAND`.
func runStats(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "estimate" {
		return usageError{"usage: portal stats estimate --data FILE.csv [flags] (see portal stats estimate --help)"}
	}
	err := estimatecmd.Run(ctx, args[1:], stdout, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		// estimatecmd has already explained the problem on stderr.
		return silentError{err}
	}
	return nil
}

// silentError is a failure whose message has already been printed.
type silentError struct{ err error }

func (e silentError) Error() string { return e.err.Error() }
func (e silentError) Unwrap() error { return e.err }
