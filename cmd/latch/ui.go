package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"time"

	"github.com/charmbracelet/x/term"
)

func isTerminal() bool { return isTerminalFd(os.Stdin.Fd()) && isTerminalFd(os.Stdout.Fd()) }

func isTerminalFd(fd uintptr) bool { return term.IsTerminal(fd) }

// stdinIsTerminal is true when the command's stdin is a terminal.
func (a *app) stdinIsTerminal() bool {
	f, ok := a.in.(*os.File)
	return ok && isTerminalFd(f.Fd())
}

// The terminal UI is its own program, latch-ui (cmd/latch-ui): linked in,
// the UI libraries' package initialisation ran before every latch token.

// ui opens the terminal UI at the session the flags chose. The selection is
// checked here first, so that a wrong flag gets latch's own message.
func (a *app) ui(ctx context.Context) error {
	e, err := a.engine()
	if err != nil {
		return err
	}
	s := a.sel
	if s.Tenant != "" || s.Issuer != "" || s.Account != "" || s.Resource != "" || s.Org != "" {
		if _, err := e.Resolve(s); err != nil {
			return err
		}
	}
	var args []string
	for _, f := range []struct{ name, value string }{
		{"tenant", s.Tenant}, {"issuer", s.Issuer}, {"client-id", s.ClientID}, {"account", s.Account},
		{"resource", s.Resource}, {"org", s.Org}, {"store", a.store},
	} {
		if f.value != "" {
			args = append(args, "--"+f.name+"="+f.value)
		}
	}
	if a.verbose {
		args = append(args, "--debug")
	}
	return a.runUI(ctx, args, "latch status")
}

// demoUI opens the terminal UI on the demo tenants.
func (a *app) demoUI(ctx context.Context, ttl time.Duration) error {
	args := []string{"demo", "--demo-ttl=" + ttl.String()}
	if a.verbose {
		args = append(args, "--debug")
	}
	return a.runUI(ctx, args, "latch demo --script")
}

// errNoUI says where latch looked for latch-ui, and what prints the same
// without it.
type errNoUI struct{ looked, instead string }

func (e errNoUI) Error() string {
	return "the terminal UI is the program latch-ui, and it is not next to latch (" + e.looked + ") nor on PATH"
}

// uiProgram finds latch-ui: beside the running latch first (what go install
// and a release archive give), then on PATH.
func uiProgram(instead string) (string, error) {
	name := "latch-ui"
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	looked := name
	if exe, err := os.Executable(); err == nil {
		p := filepath.Join(filepath.Dir(exe), name)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && (runtime.GOOS == "windows" || fi.Mode()&0o111 != 0) {
			return p, nil
		}
		looked = p
	}
	p, err := exec.LookPath(name)
	if err != nil {
		return "", errNoUI{looked, instead}
	}
	return p, nil
}

// runUI runs latch-ui with args in place of this process where the system
// allows (its exit code becomes latch's), else as a child.
func (a *app) runUI(ctx context.Context, args []string, instead string) error {
	p, err := uiProgram(instead)
	if err != nil {
		return err
	}
	err = execUI(ctx, p, args)
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exitCode(exit.ExitCode())
	}
	if err != nil {
		return fmt.Errorf("running %s: %w", p, err)
	}
	return nil
}
