//go:build unix

package main

import (
	"context"
	"os"
	"syscall"
)

// execUI replaces latch with latch-ui: the terminal, the process id and
// the signals stay the UI's alone.
func execUI(_ context.Context, path string, args []string) error {
	return syscall.Exec(path, append([]string{path}, args...), os.Environ())
}
