package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/latchdev/latch/auth/demoidp"
	"github.com/latchdev/latch/auth/session"
	"github.com/latchdev/latch/tokencache"
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

func (d *demoRun) step(ok bool, format string, args ...any) {
	mark := "✓"
	if !ok {
		mark = "✗"
		d.fails++
	}
	fmt.Fprintf(d.a.stdout, "  %s %s\n", mark, fmt.Sprintf(format, args...))
}

// tenant runs the tour on one demo tenant as one user, through the same
// engine calls as the commands.
func (d *demoRun) tenant(ctx context.Context, name, user, what string) {
	fmt.Fprintf(d.a.stdout, "%s as %s — %s\n", name, user, what)
	defer fmt.Fprintln(d.a.stdout)
	d.Engine.OpenBrowser = demoBrowser(user)
	in, err := d.Engine.SignIn(ctx, session.Selector{Tenant: name}, session.SignInOptions{Timeout: 30 * time.Second})
	if err != nil {
		d.step(false, "sign-in: %v", err)
		return
	}
	rec, id := in.Record, in.Identity
	sel := session.Selector{Tenant: name, Account: rec.Subject}
	d.step(true, "signed in as %s (%s kid %s), PKCE S256 + state + nonce + iss checked", id.Display(), id.Algorithm, id.KeyID)
	d.step(true, "stored under %s", rec.Key)
	if rec.Alias != "" {
		d.step(rec.Tenant != rec.Alias, "keyed by the real tenant %s (tid %s), not by %s, which is remembered as its alias", rec.Tenant, id.TenantID, rec.Alias)
	}

	before := d.Server.Requests()
	t, err := d.Engine.Token(ctx, sel, session.TokenOptions{MinTTL: time.Second})
	d.step(err == nil && t.Access.AccessToken == rec.Access[0].AccessToken && d.Server.Requests() == before,
		"latch token again: served from the cache with %d requests to the provider", d.Server.Requests()-before)

	before = d.Server.Requests()
	fresh, err := d.Engine.Token(ctx, sel, session.TokenOptions{ForceRefresh: true})
	if err != nil {
		d.step(false, "refresh: %v", err)
		return
	}
	n, why := d.Server.Requests()-before, ""
	if n > 1 {
		why = " (first contact with the tenant's own authority: its discovery and keys, then the token)"
	}
	d.step(fresh.Record.RefreshToken != rec.RefreshToken, "refreshed at %s in %d request(s)%s; the refresh token rotated", fresh.Record.Tenant, n, why)

	if c, err := d.Engine.Claims(ctx, sel, session.ClaimsOptions{ID: true}); err != nil || c.ID.Err != nil {
		d.step(false, "claims: %v", errors.Join(err, claimErr(c)))
	} else {
		v := c.ID.Identity
		claims := fmt.Sprintf("sub=%s iss=%s", v.Subject, v.Issuer)
		if v.TenantID != "" {
			claims += " tid=" + v.TenantID
		}
		d.step(true, "claims verified: %s", claims)
	}

	_, err = d.Engine.SignOut(ctx, sel, session.SignOutOptions{})
	_, lerr := d.Engine.Session(ctx, sel)
	d.step(err == nil && errors.Is(lerr, tokencache.ErrSignInRequired), "signed out: refresh token revoked, record deleted from the %s", d.Engine.Cache.Store.Name())
}

func claimErr(c *session.Claims) error {
	if c == nil {
		return nil
	}
	return c.ID.Err
}

// demoBrowser plays the person at the demo sign-in page, in the background.
func demoBrowser(user string) func(string) error {
	return func(authURL string) error {
		go demoidp.PickUser(authURL, user)
		return nil
	}
}
