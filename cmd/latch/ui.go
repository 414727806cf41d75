package main

import (
	"context"
	"os"

	"github.com/charmbracelet/x/term"
	"github.com/latchdev/latch/tui"
)

func isTerminal() bool {
	return term.IsTerminal(os.Stdin.Fd()) && term.IsTerminal(os.Stdout.Fd())
}

// ui opens the terminal UI on the config's tenants.
func (a *app) ui(ctx context.Context) error {
	cache, err := a.cache(nil)
	if err != nil {
		return err
	}
	return tui.Run(ctx, tui.Options{Backend: configBackend(cache), Tenant: a.flags.tenant, NoColor: os.Getenv("NO_COLOR") != "", Dark: true})
}
