package main

import (
	"context"
	"fmt"
	"time"

	"github.com/latchdev/latch/auth/session"
	"github.com/spf13/cobra"
)

func (a *app) demoCommand() *cobra.Command {
	var script bool
	var ttl time.Duration
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "The whole flow against a local demo identity provider, no account needed",
		Long: `Starts a demo OpenID provider on 127.0.0.1 with two Logto-style tenants (acme: ES384,
globex: RS256) and an Entra-style multi-tenant authority (/common), signs in to each as a
demo user, shows a cached token served with zero requests, a refresh with rotation, the
verified claims, why the cache is keyed by the real tenant and not /common, and signs out.
Demo tokens go to the keyring under the service latch-demo (or memory when there is no
keyring) and are deleted at the end; your config is not touched.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if script || !isTerminal() {
				return a.demo(cmd.Context(), ttl)
			}
			return a.demoUI(cmd.Context(), ttl)
		},
	}
	cmd.Flags().BoolVar(&script, "script", false, "no terminal UI: run every step and print a report (exit 0 when all worked)")
	cmd.Flags().DurationVar(&ttl, "demo-ttl", time.Hour, "lifetime of the demo provider's access and ID tokens")
	return cmd
}

// demoRun is one scripted tour, counting the steps that failed.
type demoRun struct {
	*session.Demo
	a     *app
	fails int
}

func (a *app) demo(ctx context.Context, ttl time.Duration) error {
	env, err := session.StartDemo(ctx, ttl)
	if err != nil {
		return err
	}
	defer env.Close()
	if !env.KeyringOK {
		fmt.Fprintln(a.stderr, "! No OS keyring here: demo tokens are kept in memory instead; real sign-ins need a keyring or --store file.")
	}
	d := &demoRun{Demo: env, a: a}
	fmt.Fprintf(a.stdout, "latch demo: provider at %s, tokens in the %s (service %s)\n\n", env.Server.URL, env.Engine.Cache.Store.Name(), session.DemoKeyringService)
	d.tenant(ctx, "demo-acme", "ada", "Logto-style tenant, ID tokens signed ES384")
	d.tenant(ctx, "demo-globex", "grace", "Logto-style tenant, ID tokens signed RS256")
	d.tenant(ctx, "demo-common", "ada", "Entra-style multi-tenant authority /common")
	d.tenant(ctx, "demo-common", "grace", "the same authority, a user of another directory")
	if d.fails > 0 {
		return fmt.Errorf("demo: %d step(s) failed", d.fails)
	}
	fmt.Fprintln(a.stdout, "All steps worked. Demo tokens were deleted.")
	return nil
}

// tenant tours one demo tenant as one user.
func (d *demoRun) tenant(ctx context.Context, name, user, what string) {
	fmt.Fprintf(d.a.stdout, "%s as %s — %s\n", name, user, what)
	d.Tour(ctx, name, user, d.step)
	fmt.Fprintln(d.a.stdout)
}

// step prints one step of the tour and counts the failures.
func (d *demoRun) step(ok bool, format string, args ...any) {
	mark := "✓"
	if !ok {
		mark = "✗"
		d.fails++
	}
	fmt.Fprintf(d.a.stdout, "  %s %s\n", mark, fmt.Sprintf(format, args...))
}
