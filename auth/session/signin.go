package session

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
)

// SignInOptions shape one interactive sign-in. Zero values take the
// profile's settings, then auth's defaults.
type SignInOptions struct {
	Scopes, Resources []string
	// Orgs are Logto organizations to get tokens for right after sign-in.
	Orgs                                []string
	Prompt, LoginHint, FirstScreen      string
	DirectSignIn, Identifier, UILocales string
	RedirectHost                        string
	RedirectPort                        int
	Timeout                             time.Duration
	// TenantID signs in to one directory of a multi-tenant authority.
	TenantID string
	// Device uses the device authorization grant (RFC 8628).
	Device bool
	// NoBrowser prints the URL without opening a browser.
	NoBrowser bool
	// BrowserCommand opens the URL (the profile's browser_command when
	// empty; then $BROWSER, then the system opener).
	BrowserCommand string
	// Paste, when set, is read for a pasted redirect URL or code, alongside
	// the loopback listener (SSH sessions).
	Paste io.Reader
	// Progress is told of each step. May be nil.
	Progress func(auth.Step)
}

// SignedIn is a completed, stored sign-in.
type SignedIn struct {
	Profile  *Profile
	Record   *tokencache.Record
	Identity *auth.Identity
	// Store names where the record lives ("keyring", ...).
	Store string
}

// SignIn runs the interactive sign-in for the selector's profile and
// stores the session. It checks the store can keep the tokens before any
// browser opens.
func (e *Engine) SignIn(ctx context.Context, sel Selector, o SignInOptions) (*SignedIn, error) {
	p, err := e.Resolve(sel)
	if err != nil {
		return nil, err
	}
	cache := e.cacheFor(p)
	if err := cache.Probe(ctx); err != nil {
		return nil, err
	}
	prov, err := e.discover(ctx, p, "")
	if err != nil {
		return nil, err
	}
	if o.TenantID != "" {
		if prov, err = e.directory(ctx, p, prov, o.TenantID); err != nil {
			return nil, err
		}
	}
	res, err := e.authorize(ctx, prov, p, o)
	if err != nil {
		return nil, err
	}
	e.nameFromUserinfo(ctx, prov, res)
	rec := tokencache.NewRecord(res, p.ClientID, p.Issuer, e.now())
	if err := e.extraTokens(ctx, prov, rec, orDefault(o.Resources, p.Resources), o.Orgs); err != nil {
		return nil, err
	}
	old := e.replaced(ctx, cache, rec.Key)
	if err := cache.Save(ctx, p.Name, rec); err != nil {
		return nil, err
	}
	if old != "" && old != rec.RefreshToken {
		e.revokeReplaced(ctx, prov, old)
	}
	return &SignedIn{Profile: p, Record: rec, Identity: res.Identity, Store: cache.Store.Name()}, nil
}

// authorize runs the browser or device flow.
func (e *Engine) authorize(ctx context.Context, prov *auth.Provider, p *Profile, o SignInOptions) (*auth.Result, error) {
	scopes := orDefault(o.Scopes, p.Scopes)
	if len(o.Orgs) > 0 {
		scopes = withScope(scopes, "urn:logto:scope:organizations")
	}
	resources := orDefault(o.Resources, p.Resources)
	open := e.opener(firstSet(o.BrowserCommand, p.BrowserCommand))
	if o.NoBrowser {
		open = func(string) error { return errors.New("not opening a browser, as asked") }
	}
	if o.Device {
		return prov.DeviceLogin(ctx, auth.DeviceOptions{Scopes: scopes, Resources: resources, OpenBrowser: open, Progress: o.Progress})
	}
	port := o.RedirectPort
	if port == 0 {
		port = p.RedirectPort
	}
	return prov.Login(ctx, auth.LoginOptions{
		Scopes: scopes, Resources: resources, Prompt: firstSet(o.Prompt, p.Prompt),
		LoginHint: o.LoginHint, FirstScreen: o.FirstScreen, DirectSignIn: o.DirectSignIn,
		Identifier: o.Identifier, UILocales: o.UILocales, TenantID: o.TenantID,
		RedirectHost: firstSet(o.RedirectHost, p.RedirectHost), RedirectPort: port,
		Timeout: o.Timeout, OpenBrowser: open, Progress: o.Progress, Paste: o.Paste,
	})
}

// opener opens URLs in the browser: the engine's own when set (tests, the
// demo), else the command, $BROWSER or the system opener.
func (e *Engine) opener(command string) func(string) error {
	if e.OpenBrowser != nil {
		return e.OpenBrowser
	}
	return func(u string) error { return auth.OpenBrowserWith(command, u) }
}

// nameFromUserinfo asks userinfo for a name when the ID token carries
// neither name nor email (LemonLDAP, Dex without the profile scope), so the
// session shows a person rather than a sub. Best effort.
func (e *Engine) nameFromUserinfo(ctx context.Context, prov *auth.Provider, res *auth.Result) {
	id := res.Identity
	if id.Name() != "" || id.Email() != "" || res.Tokens.AccessToken == "" || res.Audience.Resource != "" {
		return
	}
	prov.UserinfoFor(ctx, res.Tokens.AccessToken, id)
}

// extraTokens gets every other resource and each organization its own
// access token now, by refresh grants (each rotates the refresh token);
// nobody else knows this refresh token yet, so no lock is needed.
func (e *Engine) extraTokens(ctx context.Context, prov *auth.Provider, rec *tokencache.Record, resources, orgs []string) error {
	var extra []auth.Audience
	for _, r := range resources[min(1, len(resources)):] {
		extra = append(extra, auth.Audience{Resource: r})
	}
	for _, org := range orgs {
		extra = append(extra, auth.Audience{Organization: org})
	}
	for _, aud := range extra {
		if rec.RefreshToken == "" {
			e.notify("No refresh token, so no token for the other resources and organizations: the offline_access scope is needed.")
			return nil
		}
		t, err := prov.Refresh(ctx, auth.TokenRequest{RefreshToken: rec.RefreshToken, Audience: aud})
		if err != nil {
			return fmt.Errorf("token for %s: %w", tokencache.AudienceKey(aud), err)
		}
		rec.Put(aud, t, e.now())
	}
	return nil
}

// replaced is the refresh token of the record a sign-in is about to
// overwrite, if any ("" when none or unreadable).
func (e *Engine) replaced(ctx context.Context, cache *tokencache.Cache, key tokencache.Key) string {
	x, err := cache.Index()
	if err != nil || x.Records[key] == nil {
		return ""
	}
	r, err := cache.Load(ctx, key)
	if err != nil {
		return ""
	}
	return r.RefreshToken
}

// revokeReplaced revokes the refresh token a new sign-in replaced (RFC
// 7009), so the old grant does not stay alive at the provider.
func (e *Engine) revokeReplaced(ctx context.Context, prov *auth.Provider, token string) {
	switch err := prov.Revoke(ctx, token); {
	case err == nil:
	case errors.Is(err, auth.ErrNoRevocation):
		e.notify("The provider has no revocation endpoint: the previous session's grant stays alive there until it expires.")
	default:
		e.notify("Could not revoke the previous session's refresh token (%v); it stays alive at the provider until it expires.", err)
	}
}

// directory turns a multi-tenant profile (/common, /organizations) into
// the provider of one directory: the issuer template with tid put in.
func (e *Engine) directory(ctx context.Context, p *Profile, prov *auth.Provider, tid string) (*auth.Provider, error) {
	if !prov.Metadata.IsMultiTenant() {
		return nil, fmt.Errorf("%s is one tenant already: a tenant id only applies to a multi-tenant authority such as .../common/v2.0", p.Issuer)
	}
	return e.discover(ctx, p, strings.ReplaceAll(prov.Metadata.Issuer, auth.TenantTemplate, tid))
}

func orDefault[T any](v, def []T) []T {
	if len(v) > 0 {
		return v
	}
	return def
}

func firstSet(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
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
