// Command pgready reports whether a PostgreSQL URL accepts a connection
// and a query: `make test` runs the PostgreSQL pass only when it does. It
// prints "ready", or why not on one line, and exits 0 either way (so that
// `go run` adds nothing to the message).
package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: pgready postgres://USER:PASSWORD@HOST:5432/DATABASE")
		os.Exit(2)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, os.Args[1])
	if err == nil {
		var one int
		err = conn.QueryRow(ctx, "SELECT 1").Scan(&one)
		_ = conn.Close(ctx)
	}
	if err != nil {
		fmt.Println(strings.Join(strings.Fields(err.Error()), " "))
		return
	}
	fmt.Println("ready")
}
