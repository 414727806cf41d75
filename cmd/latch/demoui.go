package main

import (
	"context"
	"os"
	"slices"
	"time"

	"github.com/latchdev/latch/auth/demoidp"
	"github.com/latchdev/latch/auth/session"
	"github.com/latchdev/latch/tui"
)

// demoBackend is the UI's backend on the demo tenants, with the in-terminal
// user picker for machines where no browser opens.
type demoBackend struct {
	tui.Backend
}

func (b demoBackend) Users(tenant string) []string {
	var out []string
	for _, u := range demoidp.Users {
		switch tenant {
		case "demo-common":
			if slices.Contains(u.Tenants, demoidp.TenantContoso) || slices.Contains(u.Tenants, demoidp.TenantFabrikam) {
				out = append(out, u.Username)
			}
		default:
			if slices.Contains(u.Tenants, tenant[len("demo-"):]) {
				out = append(out, u.Username)
			}
		}
	}
	return out
}

func (demoBackend) Pick(authURL, user string) error { return demoidp.PickUser(authURL, user) }

// demoUI opens the terminal UI on the demo tenants.
func (a *app) demoUI(ctx context.Context, ttl time.Duration) error {
	env, err := session.StartDemo(ctx, ttl)
	if err != nil {
		return err
	}
	defer env.Close()
	hint := "Demo: enter signs in (p picks a user right here if no browser opens) · tab: session, claims, cache · tokens are deleted on quit"
	if !env.KeyringOK {
		hint = "Demo, no OS keyring here: tokens stay in memory. enter signs in (p picks a user) · tab: session, claims, cache"
	}
	b := demoBackend{tui.EngineBackend(env.Engine, session.Selector{})}
	return tui.Run(ctx, tui.Options{Backend: b, Hint: hint, NoColor: os.Getenv("NO_COLOR") != "", Dark: true})
}
