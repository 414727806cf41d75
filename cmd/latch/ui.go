package main

import (
	"context"
	"os"

	"github.com/charmbracelet/x/term"
	"github.com/latchdev/latch/tui"
)

func isTerminal() bool { return isTerminalFd(os.Stdin.Fd()) && isTerminalFd(os.Stdout.Fd()) }

func isTerminalFd(fd uintptr) bool { return term.IsTerminal(fd) }

// stdinIsTerminal is true when the command's stdin is a terminal.
func (a *app) stdinIsTerminal() bool {
	f, ok := a.in.(*os.File)
	return ok && isTerminalFd(f.Fd())
}

// ui opens the terminal UI on the config's tenants, at the session the
// flags chose.
func (a *app) ui(ctx context.Context) error {
	e, err := a.engine()
	if err != nil {
		return err
	}
	e.Notify = nil
	// A session chosen by flags opens on its session screen.
	b := tui.EngineBackend(e, a.sel)
	tenant := a.sel.Tenant
	if tenant == "" && (a.sel.Issuer != "" || a.sel.Account != "" || a.sel.Resource != "" || a.sel.Org != "") {
		// --account (or --resource, --org) alone means the default tenant's.
		if p, err := e.Resolve(a.sel); err == nil {
			tenant = p.Name
		}
	}
	return tui.Run(ctx, tui.Options{Backend: b, Tenant: tenant, OpenSession: tenant != "",
		NoColor: os.Getenv("NO_COLOR") != "", Dark: true})
}
