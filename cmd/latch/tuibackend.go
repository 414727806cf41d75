package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/latchdev/latch/auth"
	"github.com/latchdev/latch/tokencache"
	"github.com/latchdev/latch/tui"
)

// tuiBackend wires the terminal UI to the same engine the commands use.
type tuiBackend struct {
	cache *tokencache.Cache
	// profiles lists the tenants the UI shows, in order.
	profiles func() ([]*Profile, error)
	// add and remove change the tenants; nil makes them read-only.
	add    func(tui.NewTenant) error
	remove func(string) error
	// browser opens the sign-in URL; nil means the system browser.
	browser func(string) error
}

// configBackend serves the tenants of the user's config file.
func configBackend(cache *tokencache.Cache) *tuiBackend {
	return &tuiBackend{
		cache: cache,
		profiles: func() ([]*Profile, error) {
			cfg, _, err := loadConfig()
			if err != nil {
				return nil, err
			}
			var out []*Profile
			for _, n := range cfg.names() {
				out = append(out, cfg.Tenants[n])
			}
			return out, nil
		},
		add: func(t tui.NewTenant) error {
			p := Profile{Issuer: t.Issuer, ClientID: t.ClientID}
			if t.Resource != "" {
				p.Resources = []string{t.Resource}
			}
			_, err := addTenant(t.Name, p, false)
			return err
		},
		remove: func(name string) error { _, err := removeTenant(name); return err },
	}
}

func (b *tuiBackend) profile(name string) (*Profile, error) {
	list, err := b.profiles()
	if err != nil {
		return nil, err
	}
	for _, p := range list {
		if p.Name == name {
			return p, nil
		}
	}
	return nil, fmt.Errorf("no tenant %q", name)
}

func (b *tuiBackend) entry(name string) (*Profile, *tokencache.Entry, error) {
	p, err := b.profile(name)
	if err != nil {
		return nil, nil, err
	}
	x, err := b.cache.Index()
	if err != nil {
		return p, nil, err
	}
	e, err := x.Resolve(p.Name, "")
	return p, e, err
}

func (b *tuiBackend) Tenants(_ context.Context) ([]tui.Tenant, error) {
	list, err := b.profiles()
	if err != nil {
		return nil, err
	}
	x, err := b.cache.Index()
	if err != nil {
		return nil, err
	}
	now := time.Now()
	var out []tui.Tenant
	for _, p := range list {
		t := tui.Tenant{Name: p.Name, Issuer: p.Issuer, ClientID: p.ClientID}
		if err := checkIssuer(p.Issuer); err != nil {
			t.State, t.Err = tui.Broken, err.Error()
		} else if p.ClientID == "" {
			t.State, t.Err = tui.Broken, "no client_id: set the tenant's client_id (the Logto app ID) in the config"
		} else if e, err := x.Resolve(p.Name, ""); err == nil {
			t.Account, t.Store = e.Account, e.Store
			if a := e.Find(auth.Audience{}); a != nil {
				t.Expires = a.Expiry
			}
			switch {
			case t.Expires.IsZero() || t.Expires.After(now):
				t.State = tui.SignedIn
			case e.Refreshable:
				t.State = tui.ExpiredRefreshable
			default:
				t.State = tui.Expired
			}
		}
		out = append(out, t)
	}
	return out, nil
}

func (b *tuiBackend) SignIn(ctx context.Context, tenant string, device bool, progress func(auth.Step)) (*tui.Session, error) {
	p, err := b.profile(tenant)
	if err != nil {
		return nil, err
	}
	if err := b.cache.Probe(ctx); err != nil {
		return nil, err
	}
	cfg, err := authConfig(p, "")
	if err != nil {
		return nil, err
	}
	prov, err := auth.Discover(ctx, cfg)
	if err != nil {
		return nil, err
	}
	opts := auth.LoginOptions{Scopes: p.Scopes, Resources: p.Resources, Prompt: p.Prompt,
		RedirectHost: p.RedirectHost, RedirectPort: p.RedirectPort, Progress: progress, OpenBrowser: b.browser}
	if device {
		// The verification page opens in the browser when one can open;
		// the code is on screen either way.
		opts.OpenBrowser = b.browser
		if opts.OpenBrowser == nil {
			opts.OpenBrowser = auth.OpenBrowser
		}
	}
	if _, _, err := signIn(ctx, prov, b.cache, p, opts, nil, io.Discard, device); err != nil {
		return nil, err
	}
	return b.Session(ctx, tenant)
}

func (b *tuiBackend) Session(ctx context.Context, tenant string) (*tui.Session, error) {
	p, e, err := b.entry(tenant)
	if err != nil {
		return nil, err
	}
	rec, err := b.cache.Load(ctx, e.Key)
	if err != nil {
		return nil, err
	}
	s := &tui.Session{Tenant: tenant, Issuer: rec.Tenant, Subject: rec.Subject, Name: rec.Account,
		Refreshable: rec.RefreshToken != "", Store: e.Store, Key: string(e.Key)}
	// The ID token was verified when it was stored; here it only names the user.
	if _, claims, err := auth.UnverifiedClaims(rec.IDToken); err == nil {
		id := &auth.Identity{Claims: claims}
		s.Name, s.Email = id.Name(), id.Email()
	}
	if a := rec.Find(p.audience("", "")); a != nil {
		s.Expires, s.Scopes, s.Audience = a.Expiry, strings.Fields(a.Scope), a.Audience.Resource
	}
	return s, nil
}

// token gets a valid access token for the profile's audience, or for the
// default audience (userinfo) when def is set.
func (b *tuiBackend) token(ctx context.Context, tenant string, force, def bool) (*tokencache.AccessToken, *tokencache.Record, error) {
	p, e, err := b.entry(tenant)
	if err != nil {
		return nil, nil, err
	}
	aud := p.audience("", "")
	if def {
		aud = auth.Audience{}
	}
	return b.cache.Token(ctx, tokencache.TokenRequest{Entry: e, Audience: aud, MinTTL: time.Minute, ForceRefresh: force}, refresher(p))
}

func (b *tuiBackend) Refresh(ctx context.Context, tenant string) (*tui.Session, error) {
	if _, _, err := b.token(ctx, tenant, true, false); err != nil {
		return nil, err
	}
	return b.Session(ctx, tenant)
}

func (b *tuiBackend) AccessToken(ctx context.Context, tenant string) (string, error) {
	at, _, err := b.token(ctx, tenant, false, false)
	if err != nil {
		return "", err
	}
	return at.AccessToken, nil
}

func (b *tuiBackend) SignOut(ctx context.Context, tenant string) error {
	p, e, err := b.entry(tenant)
	if err != nil {
		return err
	}
	return signOut(ctx, b.cache, p, e, false, io.Discard)
}

func (b *tuiBackend) Claims(ctx context.Context, tenant string) (*tui.Claims, error) {
	p, _, err := b.entry(tenant)
	if err != nil {
		return nil, err
	}
	at, rec, err := b.token(ctx, tenant, false, false)
	if err != nil {
		return nil, err
	}
	prov, err := tenantProvider(ctx, p, rec)
	if err != nil {
		return nil, err
	}
	c := &tui.Claims{ID: decoded(rec.IDToken)}
	if id, err := prov.VerifyIDToken(ctx, rec.IDToken, auth.VerifyOptions{SkipExpiry: true}); err != nil {
		c.ID.Err = err.Error()
	} else {
		c.ID.Identity = id
	}
	if auth.IsJWT(at.AccessToken) {
		c.Access = decoded(at.AccessToken)
		if id, err := prov.VerifyAccessToken(ctx, at.AccessToken, at.Audience.Resource); err != nil {
			c.Access.Err = err.Error()
		} else {
			c.Access.Identity = id
		}
	} else {
		c.Access.Opaque = true
	}
	// Userinfo takes the default token: an API resource's token is not
	// for the userinfo endpoint.
	if def, _, err := b.token(ctx, tenant, false, true); err != nil {
		c.UserinfoErr = err.Error()
	} else if info, err := prov.Userinfo(ctx, def.AccessToken); err != nil {
		c.UserinfoErr = err.Error()
	} else {
		c.Userinfo = info
	}
	return c, nil
}

// decoded is a token's header and payload as pretty JSON.
func decoded(raw string) tui.Token {
	h, p, err := auth.UnverifiedClaims(raw)
	if err != nil {
		return tui.Token{Err: "not a JWT"}
	}
	hb, _ := json.MarshalIndent(h, "", "  ")
	pb, _ := json.MarshalIndent(p, "", "  ")
	return tui.Token{Header: string(hb), Payload: string(pb)}
}

func (b *tuiBackend) Cache(_ context.Context) ([]tui.CacheEntry, error) {
	x, err := b.cache.Index()
	if err != nil {
		return nil, err
	}
	var out []tui.CacheEntry
	for _, e := range x.Sorted() {
		ce := tui.CacheEntry{Key: string(e.Key), Tenant: e.Tenant, Account: e.Account, Size: e.Size, Chunks: e.Chunks, Store: e.Store}
		for _, a := range e.Audiences {
			name := "default"
			if a.Audience.Resource != "" || a.Audience.Organization != "" {
				name = tokencache.AudienceKey(a.Audience)
			}
			ce.Audiences = append(ce.Audiences, name)
			if ce.Expires.IsZero() || (!a.Expiry.IsZero() && a.Expiry.Before(ce.Expires)) {
				ce.Expires = a.Expiry
			}
		}
		out = append(out, ce)
	}
	return out, nil
}

func (b *tuiBackend) Explain(_ context.Context, tenant string) (*tui.Explanation, error) {
	p, err := b.profile(tenant)
	if err != nil {
		return nil, err
	}
	x, err := b.cache.Index()
	if err != nil {
		return nil, err
	}
	ex := x.Explain(tokencache.Query{Profile: p.Name, Issuer: p.Issuer, ClientID: p.ClientID, Now: time.Now(), MinTTL: time.Minute})
	out := &tui.Explanation{Key: ex.Key, Hit: ex.Hit, Verdict: ex.Verdict, Reason: ex.Reason}
	for _, f := range ex.Fields {
		out.Fields = append(out.Fields, tui.ExplainField{Name: f.Name, Value: f.Value, Source: f.Source})
	}
	return out, nil
}

func (b *tuiBackend) DeleteCache(ctx context.Context, key string) error {
	return b.cache.Delete(ctx, tokencache.Key(key))
}

var errReadOnly = errors.New("these tenants cannot be changed here")

func (b *tuiBackend) AddTenant(t tui.NewTenant) error {
	if b.add == nil {
		return errReadOnly
	}
	return b.add(t)
}

func (b *tuiBackend) RemoveTenant(name string) error {
	if b.remove == nil {
		return errReadOnly
	}
	return b.remove(name)
}
