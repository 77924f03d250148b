package main

import (
	"io"
	"testing"
	"time"

	"cleancity/portal"
)

func TestContactRetentionFlag(t *testing.T) {
	cfg, err := serveConfig(nil, io.Discard)
	if err != nil || cfg.ContactRetention != portal.DefaultContactRetention {
		t.Fatalf("default: %v %v", cfg.ContactRetention, err)
	}
	for arg, want := range map[string]time.Duration{"30d": 30 * 24 * time.Hour, "720h": 720 * time.Hour, "0": 0} {
		if cfg, err := serveConfig([]string{"--contact-retention", arg}, io.Discard); err != nil || cfg.ContactRetention != want {
			t.Errorf("--contact-retention %s: %v %v, want %v", arg, cfg.ContactRetention, err, want)
		}
	}
	t.Setenv("PORTAL_CONTACT_RETENTION", "90d")
	if cfg, err := serveConfig(nil, io.Discard); err != nil || cfg.ContactRetention != 90*24*time.Hour {
		t.Errorf("PORTAL_CONTACT_RETENTION=90d: %v %v", cfg.ContactRetention, err)
	}
	for _, bad := range []string{"-1d", "soon", "-5h", "1.5d"} {
		if _, err := serveConfig([]string{"--contact-retention", bad}, io.Discard); err == nil {
			t.Errorf("--contact-retention %s accepted", bad)
		} else if _, ok := err.(usageError); !ok {
			t.Errorf("--contact-retention %s: %v, want a usage error", bad, err)
		}
	}
}
