package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/latchdev/latch/auth"
	"github.com/latchdev/latch/tokencache"
	"github.com/spf13/cobra"
)

type loginFlags struct {
	scopes, resources                          []string
	prompt, loginHint, firstScreen, directSign string
	identifier, uiLocales                      string
	redirectHost                               string
	redirectPort                               int
	timeout                                    time.Duration
	noBrowser                                  bool
	orgs                                       []string
	tenantID                                   string
	device                                     bool
}

func (a *app) loginCommand() *cobra.Command {
	var f loginFlags
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Sign in in the browser and store the tokens",
		Example: `  latch login --tenant acme
  latch login --issuer https://acme.logto.app/oidc --client-id abc123
  latch login --tenant acme --direct-sign-in sso:entra-connector --login-hint ada@contoso.com
  latch login --tenant acme --resource https://api.acme.dev`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return a.login(cmd.Context(), f) },
	}
	fl := cmd.Flags()
	fl.StringSliceVar(&f.scopes, "scope", nil, "scopes (default: openid profile email offline_access)")
	fl.StringArrayVar(&f.resources, "resource", nil, "API resource indicator (RFC 8707); repeatable")
	fl.StringVar(&f.prompt, "prompt", "", "prompt parameter (default consent, which Logto needs for a refresh token)")
	fl.StringVar(&f.loginHint, "login-hint", "", "pre-fill the sign-in identifier")
	fl.StringVar(&f.firstScreen, "first-screen", "", "Logto first screen: sign_in, register, ...")
	fl.StringVar(&f.directSign, "direct-sign-in", "", "Logto direct sign-in, e.g. sso:<connector-id> or social:google")
	fl.StringVar(&f.identifier, "identifier", "", "Logto identifier types to show (email, phone, username)")
	fl.StringVar(&f.uiLocales, "ui-locales", "", "preferred languages of the sign-in page")
	fl.StringVar(&f.redirectHost, "redirect-host", "", "loopback host of the redirect URI: 127.0.0.1, localhost or [::1]")
	fl.IntVar(&f.redirectPort, "redirect-port", 0, "loopback port (default: any free port)")
	fl.DurationVar(&f.timeout, "timeout", auth.DefaultTimeout, "how long to wait for the browser")
	fl.BoolVar(&f.noBrowser, "no-browser", false, "do not open a browser; print the URL to open elsewhere")
	fl.StringArrayVar(&f.orgs, "org", nil, "Logto organization to get a token for (adds urn:logto:scope:organizations); repeatable")
	fl.BoolVar(&f.device, "device", false, "device code flow (RFC 8628): approve on another device, no loopback needed")
	fl.StringVar(&f.tenantID, "tenant-id", "", "multi-tenant profiles (Entra /common): sign in to this directory")
	return cmd
}

func (a *app) login(ctx context.Context, f loginFlags) error {
	p, err := a.profile()
	if err != nil {
		return err
	}
	cache, err := a.cache(p)
	if err != nil {
		return err
	}
	if err := cache.Probe(ctx); err != nil {
		return err
	}
	cfg, err := authConfig(p, "")
	if err != nil {
		return err
	}
	prov, err := auth.Discover(ctx, cfg)
	if err != nil {
		return err
	}
	if f.tenantID != "" {
		if prov, err = directoryProvider(ctx, p, prov, f.tenantID); err != nil {
			return err
		}
	}
	opts := auth.LoginOptions{
		Scopes: orDefault(f.scopes, p.Scopes), Resources: orDefault(f.resources, p.Resources),
		Prompt: firstSet(f.prompt, p.Prompt), LoginHint: f.loginHint, FirstScreen: f.firstScreen,
		DirectSignIn: f.directSign, Identifier: f.identifier, UILocales: f.uiLocales,
		RedirectHost: firstSet(f.redirectHost, p.RedirectHost), RedirectPort: f.redirectPort,
		Timeout: f.timeout, Progress: a.printStep, TenantID: f.tenantID,
	}
	if len(f.orgs) > 0 {
		opts.Scopes = withScope(opts.Scopes, "urn:logto:scope:organizations")
	}
	if opts.RedirectPort == 0 {
		opts.RedirectPort = p.RedirectPort
	}
	if f.noBrowser {
		opts.OpenBrowser = func(string) error { return errors.New("--no-browser") }
	}
	if f.device {
		opts.OpenBrowser = nil
		if !f.noBrowser {
			opts.OpenBrowser = auth.OpenBrowser
		}
	}
	rec, res, err := signIn(ctx, prov, cache, p, opts, f.orgs, a.stderr, f.device)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stderr, "✓ Signed in to %s as %s\n  stored in the %s under %s\n", rec.Tenant, res.Identity.Display(), cache.Store.Name(), rec.Key)
	return nil
}

// signIn runs the interactive sign-in and stores the session: the one
// path both the command and the terminal UI take. Notes for people (a
// resource that could not be had) go to say.
func signIn(ctx context.Context, prov *auth.Provider, cache *tokencache.Cache, p *Profile, opts auth.LoginOptions, orgs []string, say io.Writer, device bool) (*tokencache.Record, *auth.Result, error) {
	var res *auth.Result
	var err error
	if device {
		res, err = prov.DeviceLogin(ctx, auth.DeviceOptions{Scopes: opts.Scopes, Resources: opts.Resources, OpenBrowser: opts.OpenBrowser, Progress: opts.Progress})
	} else {
		res, err = prov.Login(ctx, opts)
	}
	if err != nil {
		return nil, nil, errors.New(auth.Explain(err))
	}
	rec := tokencache.NewRecord(res, p.ClientID, p.Issuer, time.Now())
	// Every other resource and each organization gets its own access token
	// now, by refresh grants (each rotates the refresh token); nobody else
	// knows this refresh token yet, so no lock is needed.
	var extra []auth.Audience
	for _, r := range opts.Resources[min(1, len(opts.Resources)):] {
		extra = append(extra, auth.Audience{Resource: r})
	}
	for _, o := range orgs {
		extra = append(extra, auth.Audience{Organization: o})
	}
	for _, aud := range extra {
		if rec.RefreshToken == "" {
			fmt.Fprintln(say, "No refresh token, so no token for the other resources and organizations: add the offline_access scope.")
			break
		}
		t, err := prov.Refresh(ctx, auth.TokenRequest{RefreshToken: rec.RefreshToken, Audience: aud})
		if err != nil {
			return nil, nil, fmt.Errorf("token for %s: %s", tokencache.AudienceKey(aud), auth.Explain(err))
		}
		rec.Put(aud, t, time.Now())
	}
	if err := cache.Save(ctx, p.Name, rec); err != nil {
		return nil, nil, err
	}
	return rec, res, nil
}

// printStep shows sign-in progress on stderr. The URL is always printed, so
// a browser that did not open is never a dead end.
func (a *app) printStep(s auth.Step) {
	w := a.stderr
	switch s.Kind {
	case auth.StepDiscovery:
		fmt.Fprintf(w, "✓ Discovery: %s\n", s.Detail)
	case auth.StepListener:
		fmt.Fprintf(w, "✓ Listening for the redirect on %s\n", s.Detail)
	case auth.StepBrowser:
		fmt.Fprintf(w, "✓ Opened the browser. If it did not appear, open:\n  %s\n", s.URL)
	case auth.StepBrowserFailed:
		fmt.Fprintf(w, "! Could not open a browser (%s). Open this URL to sign in:\n  %s\n", s.Detail, s.URL)
	case auth.StepWaiting:
		fmt.Fprintf(w, "… Waiting for the sign-in (until %s, Ctrl-C cancels)\n", s.Deadline.Format("15:04:05"))
	case auth.StepDeviceCode:
		fmt.Fprintf(w, "! On any device, open\n  %s\n  and enter the code %s (until %s, Ctrl-C cancels)\n", s.URL, s.Detail, s.Deadline.Format("15:04:05"))
	case auth.StepCallback:
		fmt.Fprintln(w, "✓ Callback received")
	case auth.StepExchange:
		fmt.Fprintln(w, "✓ Code exchanged")
	case auth.StepVerified:
		fmt.Fprintf(w, "✓ ID token verified (%s, issuer %s)\n", s.Detail, s.Identity.Issuer)
	}
}

func orDefault[T any](flag, profile []T) []T {
	if len(flag) > 0 {
		return flag
	}
	return profile
}

func firstSet(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

// directoryProvider turns a multi-tenant profile (/common, /organizations)
// into the provider of one directory: the issuer template with tid put in.
func directoryProvider(ctx context.Context, p *Profile, prov *auth.Provider, tid string) (*auth.Provider, error) {
	if !prov.Metadata.IsMultiTenant() {
		return nil, fmt.Errorf("--tenant-id needs a multi-tenant profile (an issuer such as .../common/v2.0); %s is one tenant already", p.Issuer)
	}
	cfg, err := authConfig(p, strings.ReplaceAll(prov.Metadata.Issuer, auth.TenantTemplate, tid))
	if err != nil {
		return nil, err
	}
	return auth.Discover(ctx, cfg)
}

func withScope(scopes []string, s string) []string {
	if len(scopes) == 0 {
		scopes = auth.DefaultScopes
	}
	if slices.Contains(scopes, s) {
		return scopes
	}
	return append(slices.Clone(scopes), s)
}
