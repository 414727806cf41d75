package session

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/latchdev/latch/auth"
	"github.com/latchdev/latch/tokencache"
)

// Status is one signed-in account, as status shows it. It holds no secret.
type Status struct {
	Profile  string    `json:"profile"`
	Current  bool      `json:"current"`
	Default  bool      `json:"default"`
	Tenant   string    `json:"tenant"`
	Alias    string    `json:"alias,omitempty"`
	ClientID string    `json:"client_id"`
	Account  string    `json:"account"`
	Subject  string    `json:"sub"`
	Expires  time.Time `json:"expires,omitzero"`
	Scopes   []string  `json:"scopes"`
	// ScopesRequested: the provider named no scopes; Scopes are those asked
	// for (RFC 6749 §5.1: granted as requested).
	ScopesRequested bool     `json:"scopes_requested"`
	Audiences       []string `json:"audiences"`
	Refreshable     bool     `json:"refreshable"`
	// State is "valid", "expired, refreshable" or "sign-in required".
	State string `json:"state"`
	Store string `json:"store"`
	Key   string `json:"key"`
}

// Status lists every signed-in account in every store, with the default
// tenant marked.
func (e *Engine) Status(_ context.Context) ([]Status, error) {
	def := ""
	if cfg, err := e.LoadConfig(); err == nil {
		def = cfg.DefaultName()
	}
	now := e.now()
	rows := []Status{}
	for _, c := range e.caches() {
		x, err := c.Index()
		if err != nil {
			return nil, err
		}
		for _, en := range x.Sorted() {
			r := statusOf(x, en, now)
			r.Default = en.Profile == def
			rows = append(rows, r)
		}
	}
	return rows, nil
}

func statusOf(x *tokencache.Index, e *tokencache.Entry, now time.Time) Status {
	r := Status{
		Profile: e.Profile, Current: x.Profiles[e.Profile].Current == e.Key, Tenant: e.Tenant, Alias: e.Alias,
		ClientID: e.ClientID, Account: e.Account, Subject: e.Subject, Refreshable: e.Refreshable, Store: e.Store,
		Key: string(e.Key), Scopes: []string{}, Audiences: []string{},
	}
	// The default token's scopes; a session holding only API resources'
	// tokens shows the first one's.
	if len(e.Audiences) > 0 {
		a := e.Audiences[0]
		if d := e.Find(auth.Audience{}); d != nil {
			a = *d
		}
		r.Scopes, r.ScopesRequested = strings.Fields(a.Scope), a.ScopeRequested
	}
	for _, a := range e.Audiences {
		if a.Audience.Resource != "" {
			r.Audiences = append(r.Audiences, a.Audience.Resource)
		}
		if r.Expires.IsZero() || (!a.Expiry.IsZero() && a.Expiry.Before(r.Expires)) {
			r.Expires = a.Expiry
		}
	}
	slices.Sort(r.Scopes)
	r.State = stateOf(r.Expires, r.Refreshable, now)
	return r
}

// States of a session.
const (
	StateValid       = "valid"
	StateRefreshable = "expired, refreshable"
	StateSignIn      = "sign-in required"
	StateSignedOut   = "signed out"
	StateBroken      = "error"
)

func stateOf(exp time.Time, refreshable bool, now time.Time) string {
	switch {
	case exp.IsZero() || exp.After(now):
		return StateValid
	case refreshable:
		return StateRefreshable
	}
	return StateSignIn
}

// Tenant is one profile with where it stands, for a tenants list.
type Tenant struct {
	Profile *Profile
	Default bool
	// State is one of the State constants; Err says what is wrong with a
	// broken profile.
	State   string
	Err     error
	Account string
	Expires time.Time
	Store   string
}

// Tenants lists the configured profiles with their state, read from the
// index alone (no keyring item).
func (e *Engine) Tenants(_ context.Context) ([]Tenant, error) {
	cfg, err := e.LoadConfig()
	if err != nil {
		return nil, err
	}
	def := cfg.DefaultName()
	now := e.now()
	var out []Tenant
	for _, name := range cfg.Names() {
		p := cfg.Tenants[name]
		t := Tenant{Profile: p, Default: name == def, State: StateSignedOut}
		switch {
		case CheckIssuer(p.Issuer) != nil:
			t.State, t.Err = StateBroken, CheckIssuer(p.Issuer)
		case p.ClientID == "":
			t.State, t.Err = StateBroken, ErrNoClientID
		default:
			e.tenantSession(p, now, &t)
		}
		out = append(out, t)
	}
	return out, nil
}

func (e *Engine) tenantSession(p *Profile, now time.Time, t *Tenant) {
	x, err := e.cacheFor(p).Index()
	if err != nil {
		t.State, t.Err = StateBroken, err
		return
	}
	en, err := x.Resolve(p.Name, "")
	if err != nil || matches(p, en) != nil {
		return
	}
	t.Account, t.Store = en.Account, en.Store
	if a := en.Find(p.audience("", "")); a != nil {
		t.Expires = a.Expiry
	}
	t.State = stateOf(t.Expires, en.Refreshable, now)
}
