//go:build !unix

package main

import (
	"context"
	"os"
	"os/exec"
)

// execUI runs latch-ui as a child on the same terminal and waits for it.
func execUI(ctx context.Context, path string, args []string) error {
	cmd := exec.Command(path, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	return cmd.Run()
}
