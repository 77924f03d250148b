package store

import (
	"bytes"
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
