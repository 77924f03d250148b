// Command portal is the CleanCity portal's single binary: the web server,
// the embedded store, and the administrative and statistics commands. It
// only wires configuration to the portal, complaints, survey and stats
// packages.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		var se silentError
		if !errors.As(err, &se) {
			fmt.Fprintln(os.Stderr, "portal:", err)
		}
		var ue usageError
		if errors.As(err, &ue) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// usageError marks a bad command line (exit status 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

const usage = `usage: portal <command> [flags]

commands:
  serve                 run the web portal (embedded store unless --mongodb-uri)
  db serve              run the embedded store as a standalone MongoDB-compatible server
  db copy               copy every collection and photo between stores, verified (also backup and restore)
  areas import FILE     import districts, streets, communities, grids and departments (GeoJSON)
  user add              create an account (password from stdin)
  stats estimate        design-based estimates from a CSV (see --help)
  dashboard rebuild     rebuild the dashboard summaries from the case events
  survey rebuild-tallies  rebuild the survey rounds' per-unit tallies from the responses
  version               print the version

Run 'portal <command> --help' for a command's flags.`

// run is the whole program: main only adds signals and the exit status, so
// tests can run the real binary's code in-process.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return usageError{"no command"}
	}
	switch args[0] {
	case "serve":
		return runServe(ctx, args[1:], stdout, stderr)
	case "db":
		switch {
		case len(args) >= 2 && args[1] == "serve":
			return runDBServe(ctx, args[2:], stdout, stderr)
		case len(args) >= 2 && args[1] == "copy":
			return runDBCopy(ctx, args[2:], stdout, stderr)
		}
		return usageError{"usage: portal db serve [--addr 127.0.0.1:27017] [--data-dir DIR | --postgresql-url URL]\n       " + dbCopyUsage}
	case "areas":
		if len(args) < 2 || args[1] != "import" {
			return usageError{"usage: portal areas import [flags] FILE.geojson"}
		}
		return runAreasImport(ctx, args[2:], stdout, stderr)
	case "version", "--version", "-v":
		fmt.Fprintln(stdout, "portal", version)
		return nil
	case "help", "--help", "-h":
		fmt.Fprintln(stdout, usage)
		return nil
	}
	if cmd, ok := extraCommands[args[0]]; ok {
		return cmd(ctx, args[1:], stdin, stdout, stderr)
	}
	fmt.Fprintln(stderr, usage)
	return usageError{fmt.Sprintf("unknown command %q", args[0])}
}

// extraCommands are the domain commands (stats, user, dashboard), each
// registered from its own file.
var extraCommands = map[string]func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error{}
