package auth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"time"

	"golang.org/x/oauth2"
)

// LoginOptions shape one interactive sign-in.
type LoginOptions struct {
	// Scopes default to DefaultScopes.
	Scopes []string
	// Resources are RFC 8707 resource indicators. All are sent on the
	// authorization request; the first is sent on the code exchange, so the
	// access token returned is a JWT for it.
	Resources []string
	// Prompt defaults to "consent" when offline_access is requested: Logto
	// and oidc-provider only issue a refresh token then.
	Prompt       string
	LoginHint    string
	FirstScreen  string // Logto: sign_in, register, ...
	DirectSignIn string // Logto: social:<target> or sso:<connector-id>
	Identifier   string // Logto
	UILocales    string
	// TenantID signs in to one directory through a multi-tenant authority.
	TenantID string

	RedirectHost string // 127.0.0.1 (default), localhost or [::1]
	RedirectPort int    // 0 picks a free port
	Timeout      time.Duration

	// OpenBrowser opens the URL. Nil means OpenBrowserWith(BrowserCommand,
	// url). Its failure is reported as a step, not as an error: the URL is
	// shown too. Whatever opens it, the URL has passed CheckBrowserURL.
	OpenBrowser func(url string) error
	// BrowserCommand, when set and OpenBrowser is nil, is the browser to
	// run: a command line, the URL appended as one argument (no shell).
	// It beats $BROWSER, which beats the system opener.
	BrowserCommand string
	// Paste, when set, is read line by line for the redirect URL (or just
	// the code) pasted by a person whose browser cannot reach the loopback
	// (SSH). A paste or the redirect, whichever comes first, is used; a bad
	// paste is reported as StepPasteRejected and the wait goes on. Login
	// does not close it, and a read still blocked when Login returns is
	// left to finish on its own.
	Paste io.Reader
	// Progress is told of each step as it happens, one call at a time.
	// May be nil.
	Progress func(Step)
}

// StepKind names a step of the interactive sign-in.
type StepKind int

const (
	StepDiscovery StepKind = iota
	StepListener
	StepBrowser
	StepBrowserFailed
	StepWaiting
	StepCallback
	StepExchange
	StepVerified
)

// StepPasteRejected says a pasted line was not usable; Detail is one line
// saying why. The wait goes on.
const StepPasteRejected StepKind = 110

// Step is one progress event. URL is set for StepBrowser and
// StepBrowserFailed; Detail is a short human text.
type Step struct {
	Kind   StepKind
	Detail string
	URL    string
	// Cached is set on StepDiscovery when the provider's metadata came
	// from the disk cache.
	Cached bool
	// Paste is set on StepWaiting when a pasted redirect URL or code is
	// accepted too: the front end should offer the paste prompt.
	Paste bool
	// Deadline is when StepWaiting gives up.
	Deadline time.Time
	// Identity is set for StepVerified.
	Identity *Identity
}

// Result is a completed sign-in.
type Result struct {
	Tokens   *Tokens
	Identity *Identity
	// Audience is what the access token in Tokens was issued for.
	Audience Audience
}

// flow is one interactive sign-in in progress.
type flow struct {
	lb                     *Loopback
	conf                   *oauth2.Config
	state, nonce, verifier string
	authURL                string
}

// Login runs the interactive authorization-code flow with PKCE S256: check
// that a cached provider still answers, bind the loopback, open the
// browser, wait for exactly one callback (or a paste), exchange the code as
// a public client, verify the ID token (nonce included), and only then
// answer the browser with the outcome.
func (p *Provider) Login(ctx context.Context, o LoginOptions) (*Result, error) {
	progress := newProgress(o.Progress)
	defer progress.stop()
	progress.send(Step{Kind: StepDiscovery, Detail: p.Metadata.Issuer, Cached: p.FromCache})
	if len(p.Metadata.CodeChallengeMethods) > 0 && !slices.Contains(p.Metadata.CodeChallengeMethods, "S256") {
		return nil, errors.New("the provider does not support PKCE S256; latch will not sign in without it")
	}
	if err := p.checkBrowserURL(p.Metadata.AuthorizationEndpoint); err != nil {
		return nil, fmt.Errorf("the provider's authorization endpoint: %w", err)
	}
	if p.FromCache {
		if err := p.probe(ctx); err != nil {
			return nil, err
		}
	}
	f, err := p.startFlow(o)
	if err != nil {
		return nil, err
	}
	defer f.lb.Close()
	progress.send(Step{Kind: StepListener, Detail: f.lb.Addr})
	openIn(o, f.authURL, progress)
	cb, err := f.wait(ctx, o, progress)
	if err != nil {
		return nil, err
	}
	detail := f.lb.RedirectURI
	if cb.source == fromPaste {
		detail = "pasted into the terminal"
	}
	progress.send(Step{Kind: StepCallback, Detail: detail})
	res, err := p.finish(ctx, f, o, cb.code, progress)
	if err != nil {
		f.lb.respond(failedPage(err))
		return nil, err
	}
	f.lb.respond(signedInPage(res.Identity))
	return res, nil
}

func (p *Provider) startFlow(o LoginOptions) (*flow, error) {
	f := &flow{state: randomString(), nonce: randomString(), verifier: oauth2.GenerateVerifier()}
	check := CallbackCheck{State: f.state, Issuer: p.Metadata.Issuer, RequireIssuer: p.Metadata.ISSParameterSupported}
	lb, err := Listen(o.RedirectHost, o.RedirectPort, check)
	if err != nil {
		return nil, err
	}
	f.lb = lb
	f.conf = p.oauth2Config(lb.RedirectURI, o.scopes())
	if f.authURL, err = p.authCodeURL(f.conf, o, f.state, f.nonce, f.verifier); err == nil {
		err = p.checkBrowserURL(f.authURL)
	}
	if err != nil {
		lb.Close()
		return nil, err
	}
	return f, nil
}

// openIn opens the browser; a failure is a step, since the URL is shown too.
func openIn(o LoginOptions, authURL string, progress *progress) {
	open := o.OpenBrowser
	if open == nil {
		open = func(u string) error { return OpenBrowserWith(o.BrowserCommand, u) }
	}
	if err := open(authURL); err != nil {
		progress.send(Step{Kind: StepBrowserFailed, URL: authURL, Detail: err.Error()})
	} else {
		progress.send(Step{Kind: StepBrowser, URL: authURL})
	}
}

// wait waits for the redirect, or a paste when o.Paste is set.
func (f *flow) wait(ctx context.Context, o LoginOptions, progress *progress) (callbackResult, error) {
	timeout := o.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	progress.send(Step{Kind: StepWaiting, Deadline: time.Now().Add(timeout), Paste: o.Paste != nil})
	if o.Paste != nil {
		go readPastes(o.Paste, func(line string, long bool) bool {
			err := fmt.Errorf("%w: the line is too long", ErrBadPaste)
			if !long {
				err = f.lb.offerPaste(line)
			}
			if err != nil {
				progress.send(Step{Kind: StepPasteRejected, Detail: err.Error()})
			}
			return err != nil && !progress.stopped()
		})
	}
	cb, err := f.lb.wait(ctx, timeout)
	if err == nil {
		err = cb.err
	}
	return cb, err
}

// finish exchanges the code and verifies the ID token.
func (p *Provider) finish(ctx context.Context, f *flow, o LoginOptions, code string, progress *progress) (*Result, error) {
	aud := Audience{}
	if len(o.Resources) > 0 {
		aud.Resource = o.Resources[0]
	}
	// Parsed by hand (token_type, expires_in, scope, the audience check),
	// the resource sent in the provider's own audience parameter.
	tokens, err := p.ExchangeCode(ctx, CodeExchange{Code: code, RedirectURI: f.conf.RedirectURL, Verifier: f.verifier,
		Scopes: o.scopes(), Audience: aud})
	if err != nil {
		return nil, fmt.Errorf("exchanging the code: %w", err)
	}
	progress.send(Step{Kind: StepExchange, Detail: p.Metadata.TokenEndpoint})
	if tokens.IDToken == "" {
		return nil, errors.New("the provider sent no ID token: include the openid scope")
	}
	id, err := p.VerifyIDToken(ctx, tokens.IDToken, VerifyOptions{Nonce: f.nonce})
	if err != nil {
		return nil, err
	}
	if o.TenantID != "" && id.TenantID != "" && id.TenantID != o.TenantID {
		return nil, fmt.Errorf("signed in to tenant %s, not the requested %s", id.TenantID, o.TenantID)
	}
	progress.send(Step{Kind: StepVerified, Identity: id, Detail: fmt.Sprintf("%s kid %s", id.Algorithm, id.KeyID)})
	return &Result{Tokens: tokens, Identity: id, Audience: aud}, nil
}

// checkBrowserURL is CheckBrowserURL, loosened only for a profile that
// allows plain http (Config.InsecureAllowHTTP): then an http: URL on the
// issuer's own host is accepted too (discovery has checked the rest).
func (p *Provider) checkBrowserURL(raw string) error {
	err := CheckBrowserURL(raw)
	if err == nil || !p.Config.InsecureAllowHTTP {
		return err
	}
	u, uerr := url.Parse(raw)
	iss, ierr := url.Parse(p.Config.Issuer)
	if uerr == nil && ierr == nil && u.Scheme == "http" && u.Host == iss.Host && iss.Scheme == "http" {
		return nil
	}
	return err
}

func (o *LoginOptions) scopes() []string {
	if len(o.Scopes) == 0 {
		return DefaultScopes
	}
	return o.Scopes
}

func (p *Provider) oauth2Config(redirectURI string, scopes []string) *oauth2.Config {
	return &oauth2.Config{
		ClientID: p.Config.ClientID,
		Endpoint: oauth2.Endpoint{
			AuthURL:  p.Metadata.AuthorizationEndpoint,
			TokenURL: p.Metadata.TokenEndpoint,
			// Public client: client_id in the body; auto-detection
			// costs a request and some providers reject the probe.
			AuthStyle: oauth2.AuthStyleInParams,
		},
		RedirectURL: redirectURI,
		Scopes:      scopes,
	}
}

// authParams are the authorization request's parameters besides those of
// oauth2.Config. prompt=consent is added for offline_access where the
// provider only issues a refresh token then. Where the provider's audience
// parameter is "audience", the first resource is sent as audience (the
// repeated resource parameters are added by authCodeURL).
func (p *Provider) authParams(o LoginOptions, nonce, verifier string) []oauth2.AuthCodeOption {
	opts := []oauth2.AuthCodeOption{
		oauth2.S256ChallengeOption(verifier),
		oauth2.SetAuthURLParam("nonce", nonce),
	}
	prompt := o.Prompt
	if prompt == "" && slices.Contains(o.scopes(), "offline_access") && p.Known().ConsentForRefresh {
		prompt = "consent"
	}
	extra := map[string]string{
		"prompt": prompt, "login_hint": o.LoginHint, "first_screen": o.FirstScreen,
		"direct_sign_in": o.DirectSignIn, "identifier": o.Identifier, "ui_locales": o.UILocales,
	}
	if len(o.Resources) > 0 && p.audienceParam() == AudienceParamAudience {
		extra[AudienceParamAudience] = o.Resources[0]
	}
	for _, k := range []string{"prompt", "login_hint", "first_screen", "direct_sign_in", "identifier", "ui_locales", AudienceParamAudience} {
		if v := extra[k]; v != "" {
			opts = append(opts, oauth2.SetAuthURLParam(k, v))
		}
	}
	return opts
}

// authCodeURL builds the authorization URL. SetAuthURLParam keeps one value
// per key, so resource indicators are added here, one parameter each.
func (p *Provider) authCodeURL(conf *oauth2.Config, o LoginOptions, state, nonce, verifier string) (string, error) {
	raw := conf.AuthCodeURL(state, p.authParams(o, nonce, verifier)...)
	if len(o.Resources) == 0 {
		return raw, nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", err
	}
	if p.audienceParam() != AudienceParamResource {
		// authParams sent the first resource as audience=; the provider
		// knows no resource indicators.
		return raw, nil
	}
	q := u.Query()
	for _, r := range o.Resources {
		q.Add("resource", r)
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

func randomString() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
