package tui

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/latchdev/latch/auth"
	"github.com/latchdev/latch/auth/session"
)

// engineBackend is the Backend over latch's session engine: the same calls
// the commands make. The selector the UI was started with (--tenant,
// --account, --issuer, --client-id) chooses the session of its tenant.
type engineBackend struct {
	e   *session.Engine
	sel session.Selector
	// name is the selector's profile name ("" when it names none).
	name string
}

// EngineBackend serves the UI from an engine, honouring the selector the
// command line gave.
func EngineBackend(e *session.Engine, sel session.Selector) Backend {
	b := &engineBackend{e: e, sel: sel}
	if sel != (session.Selector{}) {
		// The selector's own profile (the default one when it names none).
		if p, err := e.Resolve(sel); err == nil {
			b.name = p.Name
		}
	}
	return b
}

// selector is what a tenant row of the UI means: the start selector for
// its own profile, else the profile by name.
func (b *engineBackend) selector(tenant string) session.Selector {
	if tenant != "" && tenant == b.name {
		return b.sel
	}
	return session.Selector{Tenant: tenant}
}

func (b *engineBackend) Tenants(ctx context.Context) ([]Tenant, error) {
	list, err := b.e.Tenants(ctx)
	if err != nil {
		return nil, err
	}
	var out []Tenant
	for _, t := range list {
		out = append(out, tenantRow(t))
	}
	if b.sel.Issuer != "" && b.name != "" && b.sel.Tenant == "" {
		// A profile given by flags alone is shown too.
		out = append(out, b.flagsTenant(ctx))
	}
	return out, nil
}

func (b *engineBackend) flagsTenant(ctx context.Context) Tenant {
	t := Tenant{Name: b.name, Issuer: b.sel.Issuer, ClientID: b.sel.ClientID}
	// Where the session stands, as the engine folds it (one place).
	rows, _ := b.e.Status(ctx)
	for _, r := range rows {
		if r.Profile == b.name && r.Current {
			t.Account, t.Expires, t.Store = r.Account, r.Expires, r.Store
			t.State = tenantRow(session.Tenant{State: r.State, Profile: &session.Profile{}}).State
		}
	}
	return t
}

func tenantRow(t session.Tenant) Tenant {
	row := Tenant{Name: t.Profile.Name, Issuer: t.Profile.Issuer, ClientID: t.Profile.ClientID,
		Account: t.Account, Expires: t.Expires, Store: t.Store}
	switch t.State {
	case session.StateValid:
		row.State = SignedIn
	case session.StateRefreshable:
		row.State = ExpiredRefreshable
	case session.StateSignIn:
		row.State = Expired
	case session.StateBroken:
		row.State = Broken
	}
	if t.Err != nil {
		row.Err = t.Err.Error()
	}
	return row
}

func (b *engineBackend) SignIn(ctx context.Context, tenant string, device bool, progress func(auth.Step)) (*Session, error) {
	if _, err := b.e.SignIn(ctx, b.selector(tenant), session.SignInOptions{Device: device, Progress: progress}); err != nil {
		return nil, err
	}
	return b.Session(ctx, tenant)
}

func (b *engineBackend) Session(ctx context.Context, tenant string) (*Session, error) {
	s, err := b.e.Session(ctx, b.selector(tenant))
	if err != nil {
		return nil, err
	}
	return &Session{Tenant: tenant, Issuer: s.Tenant, Name: s.Name, Email: s.Email, Subject: s.Subject,
		Expires: s.Expires, Scopes: s.Scopes, Audience: s.Audience, Refreshable: s.Refreshable, Store: s.Store, Key: s.Key}, nil
}

func (b *engineBackend) Refresh(ctx context.Context, tenant string) (*Session, error) {
	if _, err := b.e.Token(ctx, b.selector(tenant), session.TokenOptions{ForceRefresh: true, MinTTL: time.Minute}); err != nil {
		return nil, err
	}
	return b.Session(ctx, tenant)
}

func (b *engineBackend) SignOut(ctx context.Context, tenant string) error {
	_, err := b.e.SignOut(ctx, b.selector(tenant), session.SignOutOptions{})
	return err
}

func (b *engineBackend) AccessToken(ctx context.Context, tenant string) (string, error) {
	t, err := b.e.Token(ctx, b.selector(tenant), session.TokenOptions{MinTTL: time.Minute})
	if err != nil {
		return "", err
	}
	return t.Access.AccessToken, nil
}

func (b *engineBackend) Claims(ctx context.Context, tenant string) (*Claims, error) {
	c, err := b.e.Claims(ctx, b.selector(tenant), session.ClaimsOptions{})
	if err != nil {
		return nil, err
	}
	out := &Claims{ID: tokenView(c.ID), Access: tokenView(c.Access), Userinfo: c.Userinfo}
	if c.UserinfoErr != nil {
		out.UserinfoErr = c.UserinfoErr.Error()
	}
	return out, nil
}

// tokenView is a token's parts as pretty JSON, for the claims screen.
func tokenView(t session.TokenClaims) Token {
	v := Token{Identity: t.Identity, Opaque: t.Opaque, OpaqueHint: t.OpaqueHint}
	if t.Err != nil {
		v.Err = t.Err.Error()
	}
	if t.Header != nil {
		hb, _ := json.MarshalIndent(t.Header, "", "  ")
		pb, _ := json.MarshalIndent(t.Payload, "", "  ")
		v.Header, v.Payload = string(hb), string(pb)
	}
	return v
}

func (b *engineBackend) Cache(ctx context.Context) ([]CacheEntry, error) {
	rows, err := b.e.CacheList(ctx)
	if err != nil {
		return nil, err
	}
	// One row per record, with its audiences and the earliest expiry.
	var out []CacheEntry
	at := map[string]int{}
	for _, r := range rows {
		i, ok := at[r.Record]
		if !ok {
			at[r.Record] = len(out)
			out = append(out, CacheEntry{Key: r.Record, Tenant: r.Tenant, Account: r.Account, Size: r.Size, Chunks: r.Chunks, Store: r.Store})
			i = len(out) - 1
		}
		ce := &out[i]
		ce.Audiences = append(ce.Audiences, r.Audience)
		if ce.Expires.IsZero() || (!r.Expires.IsZero() && r.Expires.Before(ce.Expires)) {
			ce.Expires = r.Expires
		}
	}
	return out, nil
}

func (b *engineBackend) Explain(ctx context.Context, tenant string) (*Explanation, error) {
	sel := b.selector(tenant)
	p, err := b.e.Resolve(sel)
	if err != nil {
		return nil, err
	}
	ex, err := b.e.Explain(ctx, sel, p.Audience(sel.Resource, sel.Org), time.Minute)
	if err != nil {
		return nil, err
	}
	out := &Explanation{Key: ex.Key, Hit: ex.Hit, Verdict: ex.Verdict, Reason: ex.Reason}
	for _, f := range ex.Fields {
		out.Fields = append(out.Fields, ExplainField{Name: f.Name, Value: f.Value, Source: f.Source})
	}
	return out, nil
}

func (b *engineBackend) DeleteCache(ctx context.Context, key string) error {
	_, err := b.e.DeleteKey(ctx, key)
	return err
}

func (b *engineBackend) AddTenant(t NewTenant) error {
	p := session.Profile{Issuer: t.Issuer, ClientID: t.ClientID}
	if t.Resource != "" {
		p.Resources = []string{t.Resource}
	}
	_, err := b.e.AddTenant(context.Background(), t.Name, p, session.AddOptions{Force: t.Force})
	return err
}

func (b *engineBackend) RemoveTenant(name string) error {
	_, err := b.e.RemoveTenant(context.Background(), name, true)
	return err
}

// Inspect verifies with the tenant's profile (its CA bundle, its plain-http
// allowance) when the token names the profile's issuer, else with the
// keys of the token's own issuer.
func (b *engineBackend) Inspect(ctx context.Context, tenant, token string) (*auth.Inspection, error) {
	// The focused tenant's keys, when the token says it is from there;
	// else its own issuer's.
	sel := session.Selector{}
	if p, err := b.e.Resolve(b.selector(tenant)); err == nil && tenant != "" && issuedBy(token, p.Issuer) {
		sel = b.selector(tenant)
	}
	return b.e.Inspect(ctx, sel, token, nil)
}

// issuedBy reports whether the token's unverified iss claim is issuer.
func issuedBy(token, issuer string) bool {
	token = strings.TrimSpace(token)
	if len(token) > auth.MaxTokenSize {
		return false // auth.Inspect refuses it
	}
	_, claims, err := auth.UnverifiedClaims(token)
	if err != nil {
		return false
	}
	iss, _ := claims["iss"].(string)
	return iss != "" && iss == issuer
}
