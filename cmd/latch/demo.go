package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/latchdev/latch/auth/demoidp"
	"github.com/latchdev/latch/auth/session"
	"github.com/latchdev/latch/tokencache"
	"github.com/spf13/cobra"
)

// demoKeyringService keeps demo tokens apart from real ones.
const demoKeyringService = "latch-demo"

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

// demoEnv is the demo provider and an engine of its own: the keyring under
// the service latch-demo (memory when there is no keyring), its index in a
// temporary directory, the demo tenants as its only profiles. close deletes
// every demo record.
type demoEnv struct {
	srv       *demoidp.Server
	engine    *session.Engine
	tmp       string
	keyringOK bool
}

func startDemo(ctx context.Context, ttl time.Duration) (*demoEnv, error) {
	srv, err := demoidp.Start(ttl)
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "latch-demo-")
	if err != nil {
		srv.Close()
		return nil, err
	}
	cache := &tokencache.Cache{Store: tokencache.NewKeyring(demoKeyringService, 0), Dir: tmp}
	d := &demoEnv{srv: srv, tmp: tmp, keyringOK: true}
	if err := cache.Probe(ctx); err != nil {
		d.keyringOK = false
		cache.Store = tokencache.NewMemStore()
	}
	cfg := &session.Config{Tenants: map[string]*session.Profile{}}
	for _, name := range []string{"acme", "globex", "common"} {
		p := &session.Profile{Name: "demo-" + name, Issuer: srv.Issuer(name), ClientID: demoidp.ClientID}
		cfg.Tenants[p.Name] = p
	}
	d.engine = &session.Engine{Cache: cache, DiscoveryDir: tmp, Config: func() (*session.Config, error) { return cfg, nil }}
	return d, nil
}

func (d *demoEnv) close() {
	d.engine.SignOut(context.Background(), session.Selector{}, session.SignOutOptions{All: true})
	d.srv.Close()
	os.RemoveAll(d.tmp)
}

// demoRun is one scripted tour, counting the steps that failed.
type demoRun struct {
	*demoEnv
	a     *app
	fails int
}

func (a *app) demo(ctx context.Context, ttl time.Duration) error {
	env, err := startDemo(ctx, ttl)
	if err != nil {
		return err
	}
	defer env.close()
	if !env.keyringOK {
		fmt.Fprintln(a.stderr, "! No OS keyring here: demo tokens are kept in memory instead; real sign-ins need a keyring or --store file.")
	}
	d := &demoRun{demoEnv: env, a: a}
	fmt.Fprintf(a.stdout, "latch demo: provider at %s, tokens in the %s (service %s)\n\n", env.srv.URL, env.engine.Cache.Store.Name(), demoKeyringService)
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
	d.engine.OpenBrowser = demoBrowser(user)
	in, err := d.engine.SignIn(ctx, session.Selector{Tenant: name}, session.SignInOptions{Timeout: 30 * time.Second})
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

	before := d.srv.Requests()
	t, err := d.engine.Token(ctx, sel, session.TokenOptions{MinTTL: time.Second})
	d.step(err == nil && t.Access.AccessToken == rec.Access[0].AccessToken && d.srv.Requests() == before,
		"latch token again: served from the cache with %d requests to the provider", d.srv.Requests()-before)

	before = d.srv.Requests()
	fresh, err := d.engine.Token(ctx, sel, session.TokenOptions{ForceRefresh: true})
	if err != nil {
		d.step(false, "refresh: %v", err)
		return
	}
	n, why := d.srv.Requests()-before, ""
	if n > 1 {
		why = " (first contact with the tenant's own authority: its discovery and keys, then the token)"
	}
	d.step(fresh.Record.RefreshToken != rec.RefreshToken, "refreshed at %s in %d request(s)%s; the refresh token rotated", fresh.Record.Tenant, n, why)

	if c, err := d.engine.Claims(ctx, sel, session.ClaimsOptions{ID: true}); err != nil || c.ID.Err != nil {
		d.step(false, "claims: %v", errors.Join(err, claimErr(c)))
	} else {
		v := c.ID.Identity
		claims := fmt.Sprintf("sub=%s iss=%s", v.Subject, v.Issuer)
		if v.TenantID != "" {
			claims += " tid=" + v.TenantID
		}
		d.step(true, "claims verified: %s", claims)
	}

	_, err = d.engine.SignOut(ctx, sel, session.SignOutOptions{})
	_, lerr := d.engine.Session(ctx, sel)
	d.step(err == nil && errors.Is(lerr, tokencache.ErrSignInRequired), "signed out: refresh token revoked, record deleted from the %s", d.engine.Cache.Store.Name())
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
