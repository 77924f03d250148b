package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"cleancity/portal/store"
)

const dbCopyUsage = "usage: portal db copy --from SRC --to DST [--force]   (each side a data dir, a postgres:// URL or a mongodb:// URI)"

// storeSide turns one side of `portal db copy` into a store configuration:
// a postgres:// or postgresql:// URL is PostgreSQL mode, a mongodb:// or
// mongodb+srv:// URI is MongoDB (or a FerretDB server), anything else is
// the data dir of an embedded store.
func storeSide(spec string, log *slog.Logger) store.Config {
	cfg := store.Config{Logger: log}
	switch {
	case strings.HasPrefix(spec, "postgres://"), strings.HasPrefix(spec, "postgresql://"):
		cfg.PostgreSQLURL = spec
	case strings.HasPrefix(spec, "mongodb://"), strings.HasPrefix(spec, "mongodb+srv://"):
		cfg.MongoURI = spec
	default:
		cfg.DataDir = spec
	}
	return cfg
}

// describeSide names a side for messages, with any password masked.
func describeSide(cfg store.Config) string {
	switch {
	case cfg.PostgreSQLURL != "":
		return "PostgreSQL " + store.MaskURL(cfg.PostgreSQLURL)
	case cfg.MongoURI != "":
		return "MongoDB " + store.MaskURL(cfg.MongoURI)
	}
	return "embedded store in " + cfg.DataDir
}

// runDBCopy copies every collection and photo from one store to another
// and verifies the copy (it is also the backup and the restore: `--to
// ./backup` writes an embedded store).
func runDBCopy(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlagSet("portal db copy", stderr)
	var from, to string
	var force bool
	f.fs.StringVar(&from, "from", "", "source: data dir, postgres:// URL or mongodb:// URI")
	f.fs.StringVar(&to, "to", "", "target: data dir, postgres:// URL or mongodb:// URI")
	f.fs.BoolVar(&force, "force", false, "replace what the target holds")
	if err := f.parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if from == "" || to == "" || f.fs.NArg() > 0 {
		return usageError{dbCopyUsage}
	}
	if from == to {
		return usageError{"--from and --to name the same store"}
	}
	log := newLogger(stderr, "text", "info")
	srcCfg, dstCfg := storeSide(from, log), storeSide(to, log)
	src, err := store.Open(ctx, srcCfg)
	if err != nil {
		return fmt.Errorf("open source (%s): %w", describeSide(srcCfg), err)
	}
	defer src.Close(context.Background())
	dst, err := store.Open(ctx, dstCfg)
	if err != nil {
		return fmt.Errorf("open target (%s): %w", describeSide(dstCfg), err)
	}
	defer dst.Close(context.Background())

	fmt.Fprintf(stdout, "copying %s -> %s\n", describeSide(srcCfg), describeSide(dstCfg))
	start := time.Now()
	var last time.Time
	err = store.Copy(ctx, src, dst, store.CopyOptions{Force: force, Progress: func(p store.CopyProgress) {
		if !p.Finished && time.Since(last) < time.Second {
			return
		}
		last = time.Now()
		state := "copying"
		if p.Finished {
			state = "copied"
		}
		fmt.Fprintf(stdout, "[%d/%d] %s %s: %d/%d documents, %.1f MB, %.1f s\n",
			p.Index, p.Collections, state, p.Collection, p.Done, p.Total, float64(p.Bytes)/1e6, p.Elapsed.Seconds())
	}})
	if errors.Is(err, store.ErrTargetNotEmpty) {
		return usageError{err.Error()}
	}
	if err != nil {
		return err
	}
	copied := time.Since(start)
	fmt.Fprintln(stdout, "verifying: counts and checksums of every collection on both sides")
	diffs, sums, err := store.Verify(ctx, src, dst)
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	var docs, bytes int64
	for _, s := range sums {
		docs += s.Docs
		bytes += s.Bytes
	}
	if len(diffs) > 0 {
		for _, d := range diffs {
			fmt.Fprintln(stderr, "  differs:", d)
		}
		return fmt.Errorf("the copy differs from the source in %d collections (was the source written to during the copy? stop its portals and copy again with --force)", len(diffs))
	}
	fmt.Fprintf(stdout, "done: %d collections, %d documents, %.1f MB copied in %.1f s and verified in %.1f s\n",
		len(sums), docs, float64(bytes)/1e6, copied.Seconds(), time.Since(start).Seconds()-copied.Seconds())
	return nil
}
