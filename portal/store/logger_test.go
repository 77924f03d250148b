package store

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

// TestFerretLogger checks the FerretDB logger drops records below its
// level and still writes the attributes and groups of derived loggers,
// applied only when a record is written.
func TestFerretLogger(t *testing.T) {
	var buf bytes.Buffer
	base := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	log := ferretLogger(base, false).With("conn", 7).WithGroup("cmd").With("name", "insert")
	log.Info("chatty")
	log.Warn("dump")
	log.Error("boom", "code", 11000)
	out := buf.String()
	if strings.Contains(out, "chatty") || strings.Contains(out, "dump") {
		t.Errorf("records below error written:\n%s", out)
	}
	for _, want := range []string{"msg=boom", "component=ferretdb", "conn=7", "cmd.name=insert", "cmd.code=11000"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	buf.Reset()
	ferretLogger(base, true).With("conn", 8).Debug("detail")
	if !strings.Contains(buf.String(), "msg=detail component=ferretdb conn=8") {
		t.Errorf("debug logger: %q", buf.String())
	}
}

// TestFerretLoggerDropsDuplicateKeys: the PostgreSQL handler's ERROR for a
// lost insert claim (SQLSTATE 23505) is dropped, other errors are kept.
func TestFerretLoggerDropsDuplicateKeys(t *testing.T) {
	var buf bytes.Buffer
	log := ferretLogger(slog.New(slog.NewTextHandler(&buf, nil)), false).With("name", "postgresql")
	log.Error("Query", "sql", `INSERT INTO "db"."claims_1" (_jsonb) VALUES ($1)`,
		"err", errors.New(`ERROR: duplicate key value violates unique constraint "claims_1__id__idx" (SQLSTATE 23505)`))
	if buf.Len() != 0 {
		t.Errorf("duplicate key logged: %s", buf.String())
	}
	log.Error("Query", "err", errors.New(`ERROR: relation "claims_1" already exists (SQLSTATE 42P07)`))
	if !strings.Contains(buf.String(), "42P07") {
		t.Errorf("other error dropped: %q", buf.String())
	}
}
