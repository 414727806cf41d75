package auth

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// DefaultScopes are the scopes a Logto sign-in needs for a refreshable session.
var DefaultScopes = []string{"openid", "profile", "email", "offline_access"}

// Defaults used when a Config field is left zero.
const (
	DefaultTimeout      = 5 * time.Minute
	DefaultRedirectHost = "127.0.0.1"
	CallbackPath        = "/callback"
	defaultHTTPTimeout  = 30 * time.Second
	clockSkew           = time.Minute
	// maxBody bounds every body read from a provider.
	maxBody = 1 << 20
)

// Audience parameter names (Config.AudienceParam).
const (
	AudienceParamResource = "resource" // RFC 8707: Logto, oidc-provider, Entra v1, Keycloak, ...
	AudienceParamAudience = "audience" // Auth0, Okta, Ory Hydra
)

// Config is how to reach one provider. Its zero value, plus an Issuer and a
// ClientID, is the safe choice.
type Config struct {
	// Issuer is the provider's issuer exactly as its discovery document
	// writes it (a trailing "/" included when the provider has one), for
	// example https://acme.logto.app/oidc or, for Entra multi-tenant apps,
	// https://login.microsoftonline.com/common/v2.0.
	Issuer   string
	ClientID string

	// AllowedTenants restricts which directories a multi-tenant authority
	// may sign users in from (Entra tid values). Empty allows any.
	AllowedTenants []string

	// AudienceParam names the request parameter that carries the wanted
	// API: "resource" (RFC 8707) or "audience". Empty means what is known of
	// the provider (see KnownProvider); unknown providers get "resource".
	AudienceParam string

	// InsecureAllowHTTP accepts an issuer and endpoints on plain http to a
	// host other than the loopback. Tokens then cross the network in clear
	// text; Provider.Warning says so on every use.
	InsecureAllowHTTP bool

	// Debug, when set, receives one trace entry per request to the
	// provider, with every secret redacted (see NewTraceTransport).
	Debug io.Writer

	// HTTPClient is used for every request. Nil means a client with a 30 s
	// timeout that honours HTTPS_PROXY.
	HTTPClient *http.Client

	// CacheDir holds discovery documents and key sets between runs. Empty
	// means no disk cache: every run fetches them.
	CacheDir string

	// Now is the clock. Nil means time.Now.
	Now func() time.Time
}

func (c *Config) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// client is the HTTP client for provider requests, traced when Debug is set.
func (c *Config) client() *http.Client {
	hc := &http.Client{Timeout: defaultHTTPTimeout}
	if c.HTTPClient != nil {
		copied := *c.HTTPClient
		hc = &copied
	}
	if c.Debug != nil {
		hc.Transport = NewTraceTransport(hc.Transport, c.Debug)
	}
	hc.CheckRedirect = c.checkRedirect
	return hc
}

// checkRedirect holds redirects to the rule every provider URL follows:
// only https, or http to this machine (or, for a profile that allows it,
// plain http). A request that carries a credential in its body (token,
// revocation, device: every POST) is never re-sent elsewhere.
func (c *Config) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 5 {
		return errors.New("the provider redirected more than 5 times")
	}
	if via[0].Method != http.MethodGet {
		return fmt.Errorf("%w: the provider redirected a %s to %s; latch does not send credentials on", ErrInsecureURL, via[0].Method, RedactURL(req.URL.String()))
	}
	return checkURL("redirect", req.URL.String(), c.InsecureAllowHTTP)
}
