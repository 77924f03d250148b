package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"

	"cleancity/portal"
	"cleancity/portal/areas"
	"cleancity/portal/store"
)

// runServe runs the portal until ctx is cancelled (SIGINT/SIGTERM), then
// shuts down cleanly.
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := serveConfig(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	log := newLogger(stderr, cfg.LogFormat, cfg.LogLevel)
	if cfg.MongoURI == "" && cfg.PostgreSQLURL == "" {
		if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
			return fmt.Errorf("create data dir: %w", err)
		}
		// The embedded store's only portal keeps its secret beside it; on
		// a shared store every portal reads the store's (portal.New).
		if cfg.JWTSecret == "" {
			if cfg.JWTSecret, err = loadOrCreateSecret(cfg.DataDir); err != nil {
				return err
			}
		}
	}
	logConfig(log, cfg)

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	srv, err := portal.New(ctx, cfg, log)
	if err != nil {
		ln.Close()
		return err
	}
	url := "http://" + ln.Addr().String() + "/"
	log.Info("portal ready", "url", url)
	fmt.Fprintf(stdout, "CleanCity portal listening on %s\n", url)

	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	select {
	case <-ctx.Done():
		log.Info("shutting down")
	case err = <-serveErr:
		if err != nil {
			log.Error("server stopped", "err", err)
		}
	}
	shutdownErr := srv.Shutdown(context.Background())
	if err != nil {
		return err
	}
	if shutdownErr != nil {
		return shutdownErr
	}
	log.Info("stopped")
	return nil
}

// runDBServe runs the embedded store alone, so several portal processes can
// share it with --mongodb-uri.
func runDBServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlagSet("portal db serve", stderr)
	addr, dataDir, pgURL, logLevel := "127.0.0.1:27017", "./data", "", "info"
	f.string(&addr, "addr", addr, "MongoDB wire protocol listen address")
	f.string(&dataDir, "data-dir", dataDir, "directory for the store's files (SQLite)")
	f.string(&pgURL, "postgresql-url", "", "serve this PostgreSQL database instead of SQLite files")
	f.string(&logLevel, "log-level", logLevel, "log level: info or debug")
	if err := f.parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	log := newLogger(stderr, "text", logLevel)
	emb, err := store.StartEmbedded(ctx, store.EmbeddedConfig{Addr: addr, DataDir: dataDir, PostgreSQLURL: pgURL, Logger: log, Debug: logLevel == "debug"})
	if err != nil {
		return err
	}
	if pgURL != "" {
		log.Info("store ready", "uri", emb.URI(), "postgresql", store.MaskURL(pgURL))
	} else {
		abs, _ := filepath.Abs(dataDir)
		log.Info("embedded store ready", "uri", emb.URI(), "data_dir", abs)
	}
	fmt.Fprintf(stdout, "CleanCity store listening on %s\n", emb.URI())
	select {
	case <-ctx.Done():
	case <-emb.Done():
		return errors.New("embedded store stopped unexpectedly")
	}
	emb.Stop()
	log.Info("store stopped")
	return nil
}

// runAreasImport imports a GeoJSON FeatureCollection of areas (and
// departments) into the configured store.
func runAreasImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlagSet("portal areas import", stderr)
	sf := f.storeFlags()
	if err := f.parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if f.fs.NArg() != 1 {
		return usageError{"usage: portal areas import [--data-dir DIR | --mongodb-uri URI] FILE.geojson"}
	}
	data, err := os.ReadFile(f.fs.Arg(0))
	if err != nil {
		return err
	}
	list, depts, err := areas.ParseFeatureCollection(data)
	if err != nil {
		return fmt.Errorf("%s: %w", f.fs.Arg(0), err)
	}
	st, log, err := sf.open(ctx, stderr)
	if err != nil {
		return err
	}
	defer st.Close(context.Background())
	svc := areas.NewService(st.DB, log, nil)
	if err := svc.Init(ctx); err != nil {
		return err
	}
	counts, err := svc.Import(ctx, list, depts)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "imported %d districts, %d streets, %d communities, %d grids, %d departments\n",
		counts["district"], counts["street"], counts["community"], counts["grid"], counts["departments"])
	return nil
}
