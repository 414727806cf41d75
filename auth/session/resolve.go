package session

import (
	"errors"
	"fmt"
	"net/url"
	"os"

	"github.com/latchdev/latch/auth"
	"github.com/latchdev/latch/tokencache"
)

// Resolve picks the profile a selector means: the named tenant from the
// config (issuer and client id override its own), or one defined by issuer
// and client id alone, or LATCH_TENANT, the config's default, or its only
// tenant.
func (e *Engine) Resolve(sel Selector) (*Profile, error) {
	cfg, err := e.LoadConfig()
	if err != nil {
		return nil, err
	}
	return cfg.Resolve(sel)
}

// Resolve is Engine.Resolve on a loaded config.
func (c *Config) Resolve(sel Selector) (*Profile, error) {
	name := sel.Tenant
	if name == "" && sel.Issuer == "" {
		name = c.DefaultName()
	}
	p := &Profile{}
	if name != "" {
		found, ok := c.Tenants[name]
		switch {
		case ok:
			cp := *found
			p = &cp
		case sel.Issuer == "":
			return nil, &UnknownTenantError{Name: name, Known: c.Names()}
		}
	}
	if sel.Issuer != "" {
		p.Issuer = sel.Issuer
	}
	if sel.ClientID != "" {
		p.ClientID = sel.ClientID
	}
	if p.Issuer == "" {
		return nil, ErrNoTenant
	}
	if err := CheckIssuer(p.Issuer); err != nil {
		return nil, err
	}
	if err := checkPlainHTTP(p); err != nil {
		return nil, err
	}
	if p.ClientID == "" {
		return nil, fmt.Errorf("%w (%s)", ErrNoClientID, p.Issuer)
	}
	if name == "" {
		name = flagsName(p.Issuer, p.ClientID)
	}
	p.Name = name
	return p, nil
}

// DefaultName is the tenant used when none is named: LATCH_TENANT, the
// config's default, or its only tenant.
func (c *Config) DefaultName() string {
	if n := os.Getenv("LATCH_TENANT"); n != "" {
		return n
	}
	if c.Default != "" {
		return c.Default
	}
	if len(c.Tenants) == 1 {
		return c.Names()[0]
	}
	return ""
}

// UnknownTenantError names a tenant that is not in the config, with the
// closest known names.
type UnknownTenantError struct {
	Name  string
	Known []string
}

func (e *UnknownTenantError) Error() string   { return fmt.Sprintf("no tenant %q in the config", e.Name) }
func (e *UnknownTenantError) Is(t error) bool { return t == ErrUnknownTenant }

// Suggestions are the known names close to the one asked for.
func (e *UnknownTenantError) Suggestions() []string { return Closest(e.Name, e.Known) }

// CheckIssuer refuses what cannot be an issuer before any request is made.
func CheckIssuer(issuer string) error {
	u, err := url.Parse(issuer)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
		return fmt.Errorf("%w: %q", ErrBadIssuer, issuer)
	}
	return nil
}

// ErrInsecureIssuer: a plain-http issuer that is not this machine, in a
// profile that does not allow it.
var ErrInsecureIssuer = errors.New("the issuer is plain http to another machine: tokens would cross the network unencrypted")

// checkPlainHTTP refuses, before any request, a plain-http issuer that is
// not loopback unless the profile says insecure_allow_http.
func checkPlainHTTP(p *Profile) error {
	u, err := url.Parse(p.Issuer)
	if err != nil || u.Scheme != "http" || p.InsecureAllowHTTP || auth.IsLoopbackHost(u.Hostname()) {
		return nil
	}
	return fmt.Errorf("%w (%s)", ErrInsecureIssuer, p.Issuer)
}

// found is a signed-in session as the index knows it: no keyring read yet.
type found struct {
	sel   Selector
	p     *Profile
	cache *tokencache.Cache
	entry *tokencache.Entry
}

// find resolves the selector to its profile, store and index entry. It
// reads no keyring item. A record issued by another issuer or client than
// the profile names is not served.
func (e *Engine) find(sel Selector) (*found, error) {
	p, err := e.Resolve(sel)
	if err != nil {
		return nil, err
	}
	cache := e.cacheFor(p)
	x, err := cache.Index()
	if err != nil {
		return nil, err
	}
	entry, err := x.Resolve(p.Name, sel.Account)
	if err != nil {
		return nil, signInRequired(p, sel, err)
	}
	if err := matches(p, entry); err != nil {
		return nil, signInRequired(p, sel, err)
	}
	return &found{sel: sel, p: p, cache: cache, entry: entry}, nil
}

// matches checks that a record belongs to the profile's issuer and client.
func matches(p *Profile, e *tokencache.Entry) error {
	// Exactly: "https://a/" and "https://a" are two issuers.
	if e.ClientID == p.ClientID && (e.Tenant == p.Issuer || e.Alias == p.Issuer) {
		return nil
	}
	return &ProfileChangedError{Profile: p.Name, RecordIssuer: e.Tenant, Issuer: p.Issuer, RecordClient: e.ClientID, ClientID: p.ClientID}
}

// sessionsOf are the index entries a profile name has, in any store.
func (e *Engine) sessionsOf(name string) ([]*tokencache.Entry, *tokencache.Cache, error) {
	var out []*tokencache.Entry
	for _, c := range e.caches() {
		x, err := c.Index()
		if err != nil {
			return nil, nil, err
		}
		for _, en := range x.Sorted() {
			if en.Profile == name {
				out = append(out, en)
			}
		}
		if len(out) > 0 {
			return out, c, nil
		}
	}
	return nil, e.Cache, nil
}
