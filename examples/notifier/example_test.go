package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Example runs one round on a fresh database: nothing is due, nothing is sent.
func Example() {
	dir, _ := os.MkdirTemp("", "notifier")
	defer os.RemoveAll(dir)
	err := run(context.Background(), []string{"-db", filepath.Join(dir, "portal.db"), "-once"}, io.Discard)
	fmt.Println(err)
	// Output: <nil>
}
