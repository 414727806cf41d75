package session

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/latchdev/latch/auth"
	"github.com/latchdev/latch/tokencache"
)

// KeyringService is the keyring service name latch's records live under.
const KeyringService = "latch"

// Selector chooses a session: a profile by name, or one defined by issuer
// and client id (which also override a named profile's), and optionally an
// account (sub, email or name) when several are signed in.
type Selector struct {
	Tenant, Issuer, ClientID, Account string
	// Resource and Org choose the access token a caller means when a
	// request names none (the UI's --resource and --org).
	Resource, Org string
}

// Engine runs sessions. Its zero value is not usable: see Open.
type Engine struct {
	// Cache is the keyring-backed store (or whatever Open chose).
	Cache *tokencache.Cache
	// StoreKind forces a store for every profile: "keyring" or "file".
	// Empty lets each profile choose (keyring unless it says file).
	StoreKind string
	// Config loads the profiles. Nil means the config file at ConfigPath.
	Config func() (*Config, error)
	// ConfigPath is where AddTenant and friends write; empty means read-only.
	ConfigPath string
	// DiscoveryDir caches discovery documents and key sets.
	DiscoveryDir string
	// Now is the clock. Nil means time.Now.
	Now func() time.Time
	// Notify is told things a person should know that are not errors
	// (a revocation that failed, a warning). May be nil.
	Notify func(string)
	// Debug, when set, receives a trace of every provider request.
	Debug io.Writer
	// OpenBrowser opens sign-in and end-session URLs; nil means the system
	// browser (auth.OpenBrowser).
	OpenBrowser func(string) error

	fileOnce  sync.Once
	fileCache *tokencache.Cache
}

// Options choose where an engine keeps things; zero values pick the user's
// own directories.
type Options struct {
	StoreKind string
	// KeyringTimeout bounds each keyring call; zero means
	// LATCH_KEYRING_TIMEOUT when set, else tokencache's default.
	KeyringTimeout time.Duration
	StateDir       string
	ConfigPath     string
	KeyringService string
	DiscoveryDir   string
}

// Open builds an engine on the user's config, state directory and keyring.
func Open(o Options) (*Engine, error) {
	dir := o.StateDir
	if dir == "" {
		var err error
		if dir, err = StateDir(); err != nil {
			return nil, err
		}
	}
	if o.ConfigPath == "" {
		p, err := ConfigPath()
		if err != nil {
			return nil, err
		}
		o.ConfigPath = p
	}
	if o.KeyringService == "" {
		o.KeyringService = KeyringService
	}
	if o.DiscoveryDir == "" {
		o.DiscoveryDir = discoveryCacheDir()
	}
	if o.KeyringTimeout == 0 {
		o.KeyringTimeout, _ = time.ParseDuration(os.Getenv("LATCH_KEYRING_TIMEOUT"))
	}
	e := &Engine{StoreKind: o.StoreKind, ConfigPath: o.ConfigPath, DiscoveryDir: o.DiscoveryDir}
	switch o.StoreKind {
	case "", "keyring":
		e.Cache = &tokencache.Cache{Dir: dir, Store: tokencache.NewKeyring(o.KeyringService, o.KeyringTimeout)}
	case "file":
		e.Cache = fileCache(dir)
	default:
		return nil, fmt.Errorf("%w %q: use keyring or file", ErrUnknownStore, o.StoreKind)
	}
	return e, nil
}

func fileCache(dir string) *tokencache.Cache {
	return &tokencache.Cache{Dir: dir, Store: &tokencache.FileStore{Dir: filepath.Join(dir, "store")}}
}

func (e *Engine) now() time.Time {
	if e.Now != nil {
		return e.Now()
	}
	return time.Now()
}

func (e *Engine) notify(format string, args ...any) {
	if e.Notify != nil {
		e.Notify(fmt.Sprintf(format, args...))
	}
}

// LoadConfig returns the profiles the engine serves.
func (e *Engine) LoadConfig() (*Config, error) {
	if e.Config != nil {
		return e.Config()
	}
	if e.ConfigPath == "" {
		return &Config{Tenants: map[string]*Profile{}}, nil
	}
	return LoadConfig(e.ConfigPath)
}

// cacheFor is the store a profile keeps its tokens in.
func (e *Engine) cacheFor(p *Profile) *tokencache.Cache {
	if e.StoreKind != "" || p == nil || p.Store != "file" {
		return e.Cache
	}
	e.fileOnce.Do(func() { e.fileCache = fileCache(e.Cache.Dir) })
	return e.fileCache
}

// caches are every store in use, for status and logout --all.
func (e *Engine) caches() []*tokencache.Cache {
	out := []*tokencache.Cache{e.Cache}
	if e.StoreKind == "" {
		if cfg, err := e.LoadConfig(); err == nil {
			for _, p := range cfg.Tenants {
				if p.Store == "file" {
					out = append(out, e.cacheFor(p))
					break
				}
			}
		}
	}
	return out
}

// StateDir is where the index and locks live: $LATCH_STATE_DIR,
// $XDG_STATE_HOME/latch, ~/.local/state/latch, or the OS's per-user
// application data.
func StateDir() (string, error) {
	if d := os.Getenv("LATCH_STATE_DIR"); d != "" {
		return d, nil
	}
	if d := os.Getenv("XDG_STATE_HOME"); d != "" {
		return filepath.Join(d, "latch"), nil
	}
	switch runtime.GOOS {
	case "linux", "freebsd", "openbsd", "netbsd":
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("no home directory (%w): set XDG_STATE_HOME", err)
		}
		return filepath.Join(home, ".local", "state", "latch"), nil
	}
	d, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "latch", "state"), nil
}

func discoveryCacheDir() string {
	d, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "latch", "discovery")
}

// httpClient honours HTTPS_PROXY, adds the profile's CA bundle and, with
// Debug set, traces every request.
func (e *Engine) httpClient(p *Profile) (*http.Client, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if p.CAFile != "" {
		pem, err := os.ReadFile(p.CAFile)
		if err != nil {
			return nil, fmt.Errorf("the tenant's CA file: %w", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("the tenant's CA file %s holds no PEM certificate", p.CAFile)
		}
		tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}, nil
}

// authConfig is the auth.Config of a profile, optionally for another issuer
// (the tenant's own authority of a multi-tenant profile).
func (e *Engine) authConfig(p *Profile, issuer string) (*auth.Config, error) {
	hc, err := e.httpClient(p)
	if err != nil {
		return nil, err
	}
	if issuer == "" {
		issuer = p.Issuer
	}
	dir := p.DiscoveryDir
	if dir == "" {
		dir = e.DiscoveryDir
	}
	return &auth.Config{
		Issuer: issuer, ClientID: p.ClientID, AllowedTenants: p.AllowedTenants,
		AudienceParam: p.AudienceParam, InsecureAllowHTTP: p.InsecureAllowHTTP,
		HTTPClient: hc, CacheDir: dir, Now: e.Now, Debug: e.Debug,
	}, nil
}

// AuthConfig is the auth.Config of a profile (its HTTP client, CA bundle,
// audience parameter and discovery cache), for callers that talk to the
// provider themselves (inspect).
func (e *Engine) AuthConfig(p *Profile) (*auth.Config, error) { return e.authConfig(p, "") }

// discover finds the provider of a profile, or of another issuer of it.
func (e *Engine) discover(ctx context.Context, p *Profile, issuer string) (*auth.Provider, error) {
	cfg, err := e.authConfig(p, issuer)
	if err != nil {
		return nil, err
	}
	return e.discovered(auth.Discover(ctx, cfg))
}

// discovered passes a provider on, saying its warning (a plain-http issuer
// allowed by the profile) on every use.
func (e *Engine) discovered(prov *auth.Provider, err error) (*auth.Provider, error) {
	if err == nil {
		if w := prov.Warning(); w != "" {
			e.notify("%s", w)
		}
	}
	return prov, err
}

// recordProvider is the provider that issued a record: for a multi-tenant
// profile the tenant's own authority, not /common.
func (e *Engine) recordProvider(ctx context.Context, p *Profile, r *tokencache.Record) (*auth.Provider, error) {
	cfg, err := e.authConfig(p, r.Tenant)
	if err != nil {
		return nil, err
	}
	cfg.ClientID = r.ClientID
	return e.discovered(auth.Discover(ctx, cfg))
}

// audience is what a token request means when it names none: the profile's
// first API resource, if it has one (the token its sign-in asked for), else
// the default token.
func (p *Profile) audience(resource, org string) auth.Audience {
	if resource == "" && org == "" && len(p.Resources) > 0 {
		resource = p.Resources[0]
	}
	return auth.Audience{Resource: resource, Organization: org}
}

// Audience is the audience a token request for resource and org means.
func (p *Profile) Audience(resource, org string) auth.Audience { return p.audience(resource, org) }

// flagsName is the name a profile given by issuer and client id alone gets.
func flagsName(issuer, clientID string) string {
	return strings.TrimSuffix(issuer, "/") + "#" + clientID
}
