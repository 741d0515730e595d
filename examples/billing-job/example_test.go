package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Example runs the charge steps on a fresh database with an empty report
// directory: nothing is found, no alarm is evaluated.
func Example() {
	dir, _ := os.MkdirTemp("", "billing-job")
	defer os.RemoveAll(dir)
	var out strings.Builder
	err := run(context.Background(), []string{"-db", filepath.Join(dir, "portal.db"), "-source", dir,
		"-period", "2026-10", "-steps", "ingest,alarms"}, &out, io.Discard)
	fmt.Print(strings.ReplaceAll(out.String(), dir, "DIR"))
	fmt.Println(err)
	// Output:
	// ingest 2026-10: no report found at DIR
	// alarms 2026-10: 0 evaluated, 0 fired now, 0 had fired before
	// <nil>
}
