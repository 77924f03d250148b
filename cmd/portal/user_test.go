package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"cleancity/portal/areas"
	"cleancity/portal/auth"
	"cleancity/portal/store/storetest"
)

func TestUserAdd(t *testing.T) {
	cs := storetest.NewCommandStore(t)
	db := cs.DB(t)
	ctx := context.Background()
	// The demo city's geography, for scope checks.
	geo := areas.NewService(db, nil, nil)
	if err := geo.Init(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := geo.Import(ctx, areas.DemoAreas(), areas.DemoDepartments()); err != nil {
		t.Fatal(err)
	}
	add := func(stdin string, args ...string) (string, error) {
		var out, errOut bytes.Buffer
		err := run(ctx, append(append([]string{"user", "add"}, cs.Flags...), args...), strings.NewReader(stdin), &out, &errOut)
		return out.String(), err
	}
	out, err := add("district-one-2026\n", "--username", "Off-D1", "--role", "official", "--scope", "D01", "--password-stdin")
	if err != nil || !strings.Contains(out, "created user off-d1 (official scope D01)") {
		t.Fatalf("add official: %q, %v", out, err)
	}
	cases := []struct {
		name, stdin string
		args        []string
		wantErr     string
	}{
		{"no --password-stdin", "x\n", []string{"--username", "a1b", "--role", "admin"}, "usage"},
		{"empty stdin", "", []string{"--username", "a1b", "--role", "admin", "--password-stdin"}, "no password"},
		{"weak password", "123456789012\n", []string{"--username", "a1b", "--role", "admin", "--password-stdin"}, "too common"},
		{"bad scope", "district-one-2026\n", []string{"--username", "a1b", "--role", "department", "--scope", "nope", "--password-stdin"}, "scope"},
		{"taken", "district-one-2026\n", []string{"--username", "off-d1", "--role", "admin", "--password-stdin"}, "taken"},
		{"bad role", "district-one-2026\n", []string{"--username", "a1b", "--role", "king", "--password-stdin"}, "role"},
	}
	for _, c := range cases {
		if _, err := add(c.stdin, c.args...); err == nil || !strings.Contains(err.Error(), c.wantErr) {
			t.Errorf("%s: err %v, want it to mention %q", c.name, err, c.wantErr)
		}
	}
	// The stored account signs in with the password from stdin.
	var u struct {
		Hash  string `bson:"password_hash"`
		Scope string `bson:"scope"`
	}
	// A new handle: on PostgreSQL the command created the collection.
	if err := cs.DB(t).Collection("users").FindOne(ctx, map[string]string{"username": "off-d1"}).Decode(&u); err != nil {
		t.Fatal(err)
	}
	if ok, err := auth.CheckPassword("district-one-2026", u.Hash); !ok || err != nil || u.Scope != "D01" {
		t.Fatalf("stored user: scope %q, password ok %v (%v)", u.Scope, ok, err)
	}
}
