package auth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
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

	// OpenBrowser opens the URL. Nil means OpenBrowser of this package. Its
	// failure is reported as a step, not as an error: the URL is shown too.
	OpenBrowser func(url string) error
	// Progress is told of each step as it happens. May be nil.
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

// Step is one progress event. URL is set for StepBrowser and
// StepBrowserFailed; Detail is a short human text.
type Step struct {
	Kind   StepKind
	Detail string
	URL    string
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

// Login runs the interactive authorization-code flow with PKCE S256: bind
// the loopback, open the browser, wait for exactly one callback, exchange
// the code as a public client, verify the ID token (nonce included).
func (p *Provider) Login(ctx context.Context, o LoginOptions) (*Result, error) {
	progress := o.Progress
	if progress == nil {
		progress = func(Step) {}
	}
	progress(Step{Kind: StepDiscovery, Detail: p.Metadata.Issuer})
	if len(p.Metadata.CodeChallengeMethods) > 0 && !slices.Contains(p.Metadata.CodeChallengeMethods, "S256") {
		return nil, errors.New("the provider does not support PKCE S256; latch will not sign in without it")
	}
	state, nonce := randomString(), randomString()
	verifier := oauth2.GenerateVerifier()
	check := CallbackCheck{State: state}
	if p.Metadata.ISSParameterSupported {
		check.Issuer = p.Metadata.Issuer
		if p.Metadata.IsMultiTenant() {
			// The iss names the user's tenant, unknown until the token
			// arrives; the ID token's issuer is checked against tid instead.
			check.Issuer = ""
		}
	}
	lb, err := Listen(o.RedirectHost, o.RedirectPort, check)
	if err != nil {
		return nil, err
	}
	defer lb.Close()
	progress(Step{Kind: StepListener, Detail: lb.Addr})

	conf := p.oauth2Config(lb.RedirectURI, o.scopes())
	authURL, err := p.authCodeURL(conf, o, state, nonce, verifier)
	if err != nil {
		return nil, err
	}
	open := o.OpenBrowser
	if open == nil {
		open = OpenBrowser
	}
	if err := open(authURL); err != nil {
		progress(Step{Kind: StepBrowserFailed, URL: authURL, Detail: err.Error()})
	} else {
		progress(Step{Kind: StepBrowser, URL: authURL})
	}
	timeout := o.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	progress(Step{Kind: StepWaiting, Deadline: time.Now().Add(timeout)})
	code, err := lb.Wait(ctx, timeout)
	if err != nil {
		return nil, err
	}
	progress(Step{Kind: StepCallback, Detail: lb.RedirectURI})

	aud := Audience{}
	exchangeOpts := []oauth2.AuthCodeOption{oauth2.VerifierOption(verifier)}
	if len(o.Resources) > 0 {
		aud.Resource = o.Resources[0]
		exchangeOpts = append(exchangeOpts, oauth2.SetAuthURLParam("resource", aud.Resource))
	}
	tok, err := conf.Exchange(context.WithValue(ctx, oauth2.HTTPClient, p.Config.client()), code, exchangeOpts...)
	if err != nil {
		return nil, fmt.Errorf("exchanging the code: %w", err)
	}
	tokens := fromOAuth2(tok)
	progress(Step{Kind: StepExchange, Detail: p.Metadata.TokenEndpoint})
	if tokens.IDToken == "" {
		return nil, errors.New("the provider sent no ID token: include the openid scope")
	}
	id, err := p.VerifyIDToken(ctx, tokens.IDToken, VerifyOptions{Nonce: nonce})
	if err != nil {
		return nil, err
	}
	if o.TenantID != "" && id.TenantID != "" && id.TenantID != o.TenantID {
		return nil, fmt.Errorf("signed in to tenant %s, not the requested %s", id.TenantID, o.TenantID)
	}
	progress(Step{Kind: StepVerified, Identity: id, Detail: fmt.Sprintf("%s kid %s", id.Algorithm, id.KeyID)})
	return &Result{Tokens: tokens, Identity: id, Audience: aud}, nil
}

// isEntra reports a Microsoft identity platform authority. It issues
// refresh tokens for offline_access without prompt=consent, and there the
// prompt would ask for consent at every sign-in.
func (p *Provider) isEntra() bool {
	u, err := url.Parse(p.Metadata.Issuer)
	return p.Metadata.IsMultiTenant() || (err == nil && strings.HasSuffix(u.Hostname(), "login.microsoftonline.com"))
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
