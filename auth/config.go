package auth

import (
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
)

// Config is how to reach one provider. Its zero value, plus an Issuer and a
// ClientID, is the safe choice.
type Config struct {
	// Issuer is the URL the provider's discovery document is under, for
	// example https://acme.logto.app/oidc or, for Entra multi-tenant apps,
	// https://login.microsoftonline.com/common/v2.0.
	Issuer   string
	ClientID string

	// AllowedTenants restricts which directories a multi-tenant authority
	// may sign users in from (Entra tid values). Empty allows any.
	AllowedTenants []string

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

func (c *Config) client() *http.Client {
	if c.HTTPClient != nil {
		return c.HTTPClient
	}
	return &http.Client{Timeout: defaultHTTPTimeout}
}
