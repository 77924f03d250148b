package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"cleancity/portal/areas"
	"cleancity/portal/auth"
)

func init() {
	extraCommands["user"] = runUser
}

const userUsage = "usage: portal user add --username U --role R [--scope S] [--display-name N] --password-stdin [--data-dir DIR | --mongodb-uri URI]"

// runUser is `portal user add`: scripted account set-up. The password is
// read from standard input (first line) so that it never appears in the
// process list or the shell history.
func runUser(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		return usageError{userUsage}
	}
	f := newFlagSet("portal user add", stderr)
	var username, role, scope, displayName, phone, email string
	var passwordStdin bool
	sf := f.storeFlags()
	f.fs.StringVar(&username, "username", "", "user name (3-32 of a-z 0-9 _ . -)")
	f.fs.StringVar(&role, "role", "", "resident, volunteer, department, official or admin")
	f.fs.StringVar(&scope, "scope", "", "district id (official; empty = whole city) or department id (department)")
	f.fs.StringVar(&displayName, "display-name", "", "display name (default: the user name)")
	f.fs.StringVar(&phone, "phone", "", "phone number (optional)")
	f.fs.StringVar(&email, "email", "", "email address (optional)")
	f.fs.BoolVar(&passwordStdin, "password-stdin", false, "read the password from the first line of standard input (required)")
	if err := f.parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if f.fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q; %s", f.fs.Arg(0), userUsage)}
	}
	if username == "" || role == "" || !passwordStdin {
		return usageError{userUsage}
	}
	password, err := readPassword(stdin)
	if err != nil {
		return err
	}

	st, log, err := sf.open(ctx, stderr)
	if err != nil {
		return err
	}
	defer st.Close(context.Background())
	geo := areas.NewService(st.DB, log, nil)
	if err := geo.Init(ctx); err != nil {
		return err
	}
	// No tokens are issued here; the service only needs some secret.
	svc, err := auth.NewService(auth.Config{DB: st.DB, Secret: rand.Text() + rand.Text(), Log: log, Areas: cliAreas{geo}})
	if err != nil {
		return err
	}
	if err := svc.Init(ctx); err != nil {
		return err
	}
	u, err := svc.CreateUser(ctx, auth.NewUser{
		Username: username, Password: password, DisplayName: displayName,
		Role: auth.Role(role), Scope: scope, Phone: phone, Email: email,
	})
	var ae *auth.Error
	if errors.As(err, &ae) {
		return fmt.Errorf("%s", ae.Error())
	}
	if err != nil {
		return err
	}
	scopeText := ""
	if u.Scope != "" {
		scopeText = " scope " + u.Scope
	}
	fmt.Fprintf(stdout, "created user %s (%s%s) id %s\n", u.Username, u.Role, scopeText, u.ID)
	return nil
}

// readPassword returns the first line of r without its line ending.
func readPassword(r io.Reader) (string, error) {
	if r == nil {
		return "", usageError{"--password-stdin: no standard input"}
	}
	line, err := bufio.NewReader(io.LimitReader(r, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", usageError{"--password-stdin: standard input has no password"}
	}
	return line, nil
}

// cliAreas adapts the areas service to auth.Areas.
type cliAreas struct{ a *areas.Service }

func (x cliAreas) IsDistrict(id string) bool {
	a, ok := x.a.Area(id)
	return ok && a.Level == areas.District
}

func (x cliAreas) IsDepartment(id string) bool {
	_, ok := x.a.Department(id)
	return ok
}
