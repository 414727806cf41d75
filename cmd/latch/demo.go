package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/latchdev/latch/auth"
	"github.com/latchdev/latch/auth/demoidp"
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

// demoRun is one scripted tour, counting the steps that failed.
type demoRun struct {
	*demoEnv
	a     *app
	fails int
}

// demoEnv is the demo provider and a cache of its own: the keyring under
// the service latch-demo (memory when there is no keyring), with its index
// in a temporary directory. close deletes every demo record.
type demoEnv struct {
	srv       *demoidp.Server
	cache     *tokencache.Cache
	tmp       string
	keyringOK bool
}

func startDemo(ttl time.Duration) (*demoEnv, error) {
	srv, err := demoidp.Start(ttl)
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "latch-demo-")
	if err != nil {
		srv.Close()
		return nil, err
	}
	e := &demoEnv{srv: srv, tmp: tmp, cache: &tokencache.Cache{Store: tokencache.NewKeyring(demoKeyringService, 0), Dir: tmp}, keyringOK: true}
	if err := e.cache.Probe(context.Background()); err != nil {
		e.keyringOK = false
		e.cache.Store = tokencache.NewMemStore()
	}
	return e, nil
}

func (e *demoEnv) close() {
	if x, err := e.cache.Index(); err == nil {
		for k := range x.Records {
			e.cache.Delete(context.Background(), k)
		}
	}
	e.srv.Close()
	os.RemoveAll(e.tmp)
}

// profiles are the demo tenants; they are never written to the config.
func (e *demoEnv) profiles() []*Profile {
	var out []*Profile
	for _, name := range []string{"acme", "globex", "common"} {
		out = append(out, &Profile{Name: "demo-" + name, Issuer: e.srv.Issuer(name), ClientID: demoidp.ClientID, discoveryDir: e.tmp})
	}
	return out
}

func (a *app) demo(ctx context.Context, ttl time.Duration) error {
	env, err := startDemo(ttl)
	if err != nil {
		return err
	}
	defer env.close()
	if !env.keyringOK {
		fmt.Fprintln(a.stderr, "! No OS keyring here: demo tokens are kept in memory instead; real sign-ins need a keyring or --store file.")
	}
	d := &demoRun{demoEnv: env, a: a}
	fmt.Fprintf(a.stdout, "latch demo: provider at %s, tokens in the %s (service %s)\n\n", env.srv.URL, env.cache.Store.Name(), demoKeyringService)
	profiles := env.profiles()
	d.tenant(ctx, profiles[0], "ada", "Logto-style tenant, ID tokens signed ES384")
	d.tenant(ctx, profiles[1], "grace", "Logto-style tenant, ID tokens signed RS256")
	d.tenant(ctx, profiles[2], "ada", "Entra-style multi-tenant authority /common")
	d.tenant(ctx, profiles[2], "grace", "the same authority, a user of another directory")
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
// signIn, cache and signOut steps as the commands.
func (d *demoRun) tenant(ctx context.Context, p *Profile, user, what string) {
	fmt.Fprintf(d.a.stdout, "%s as %s — %s\n", p.Name, user, what)
	defer fmt.Fprintln(d.a.stdout)
	cfg, err := authConfig(p, "")
	if err != nil {
		d.step(false, "profile: %v", err)
		return
	}
	prov, err := auth.Discover(ctx, cfg)
	if err != nil {
		d.step(false, "discovery: %v", err)
		return
	}
	opts := auth.LoginOptions{OpenBrowser: demoBrowser(user), Timeout: 30 * time.Second}
	rec, res, err := signIn(ctx, prov, d.cache, p, opts, nil, io.Discard, false)
	if err != nil {
		d.step(false, "sign-in: %v", err)
		return
	}
	d.step(true, "signed in as %s (%s kid %s), PKCE S256 + state + nonce + iss checked", res.Identity.Display(), res.Identity.Algorithm, res.Identity.KeyID)
	d.step(true, "stored under %s", rec.Key)
	if rec.Alias != "" {
		d.step(rec.Tenant != auth.TrimIssuer(p.Issuer), "keyed by the real tenant %s (tid %s), not by %s, which is remembered as its alias", rec.Tenant, res.Identity.TenantID, rec.Alias)
	}

	x, err := d.cache.Index()
	if err != nil {
		d.step(false, "index: %v", err)
		return
	}
	entry := x.Records[rec.Key]
	before := d.srv.Requests()
	at, _, err := d.cache.Token(ctx, tokencache.TokenRequest{Entry: entry, MinTTL: time.Second}, refresher(p))
	d.step(err == nil && at.AccessToken == rec.Access[0].AccessToken && d.srv.Requests() == before,
		"latch token again: served from the cache with %d requests to the provider", d.srv.Requests()-before)

	before = d.srv.Requests()
	_, fresh, err := d.cache.Token(ctx, tokencache.TokenRequest{Entry: entry, ForceRefresh: true}, refresher(p))
	if err != nil {
		d.step(false, "refresh: %v", err)
		return
	}
	n, why := d.srv.Requests()-before, ""
	if n > 1 {
		why = " (first contact with the tenant's own authority: its discovery and keys, then the token)"
	}
	d.step(fresh.RefreshToken != rec.RefreshToken, "refreshed at %s in %d request(s)%s; the refresh token rotated", fresh.Tenant, n, why)

	if tp, err := tenantProvider(ctx, p, fresh); err != nil {
		d.step(false, "claims: %v", err)
	} else if id, err := tp.VerifyIDToken(ctx, fresh.IDToken, auth.VerifyOptions{}); err != nil {
		d.step(false, "claims: %v", err)
	} else {
		claims := fmt.Sprintf("sub=%s iss=%s", id.Subject, id.Issuer)
		if id.TenantID != "" {
			claims += " tid=" + id.TenantID
		}
		d.step(true, "claims verified: %s", claims)
	}

	err = signOut(ctx, d.cache, p, entry, false, io.Discard)
	_, lerr := d.cache.Load(ctx, fresh.Key)
	d.step(err == nil && errors.Is(lerr, tokencache.ErrSignInRequired), "signed out: refresh token revoked, record deleted from the %s", d.cache.Store.Name())
}

// demoBrowser plays the person at the demo sign-in page, in the background.
func demoBrowser(user string) func(string) error {
	return func(authURL string) error {
		go demoidp.PickUser(authURL, user)
		return nil
	}
}
