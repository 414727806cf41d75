package session

import (
	"context"
	"errors"
	"fmt"

	"github.com/latchdev/latch/tokencache"
)

// SignOutOptions shape a sign-out.
type SignOutOptions struct {
	// All signs out every account of every tenant.
	All bool
	// EndSession also opens the provider's end-session page.
	EndSession bool
}

// SignedOut is what happened to one session.
type SignedOut struct {
	Profile, Tenant, Account string
	// Revoked is true when the provider confirmed the revocation.
	Revoked bool
	// RevokeErr says why the refresh token was not revoked (nil when it
	// was, or when there was none).
	RevokeErr error
	// EndSession is true when ending the browser session was asked for;
	// EndSessionErr says why it did not happen (auth.ErrNoEndSession: the
	// provider has no end-session endpoint).
	EndSession    bool
	EndSessionErr error
}

// SignOut revokes each session's refresh token (RFC 7009), optionally
// ends the browser session, and deletes the record: the selector's account,
// or every session with All. A failed revocation does not keep the record.
func (e *Engine) SignOut(ctx context.Context, sel Selector, o SignOutOptions) ([]SignedOut, error) {
	if !o.All {
		f, err := e.find(sel)
		if err != nil {
			return nil, err
		}
		s, err := e.signOut(ctx, f.cache, f.p, f.entry, o.EndSession)
		return []SignedOut{s}, err
	}
	cfg, err := e.LoadConfig()
	if err != nil {
		return nil, err
	}
	var out []SignedOut
	var errs []error
	for _, c := range e.caches() {
		x, err := c.Index()
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, en := range x.Sorted() {
			p := cfg.Tenants[en.Profile]
			if p == nil || matches(p, en) != nil {
				p = &Profile{Name: en.Profile, Issuer: en.Tenant, ClientID: en.ClientID}
			}
			s, err := e.signOut(ctx, c, p, en, o.EndSession)
			out = append(out, s)
			errs = append(errs, err)
		}
	}
	return out, errors.Join(errs...)
}

// signOutProfile signs out every session of a profile (before the profile
// is removed or re-pointed).
func (e *Engine) signOutProfile(ctx context.Context, p *Profile) ([]SignedOut, error) {
	entries, cache, err := e.sessionsOf(p.Name)
	if err != nil {
		return nil, err
	}
	var out []SignedOut
	var errs []error
	for _, en := range entries {
		// Revoke at the provider that issued the record, whatever the
		// profile says now.
		issuer := &Profile{Name: p.Name, Issuer: en.Tenant, ClientID: en.ClientID, CAFile: p.CAFile}
		s, err := e.signOut(ctx, cache, issuer, en, false)
		out = append(out, s)
		errs = append(errs, err)
	}
	return out, errors.Join(errs...)
}

func (e *Engine) signOut(ctx context.Context, cache *tokencache.Cache, p *Profile, en *tokencache.Entry, endSession bool) (SignedOut, error) {
	s := SignedOut{Profile: en.Profile, Tenant: en.Tenant, Account: en.Account}
	rec, err := cache.Load(ctx, en.Key)
	if err == nil {
		e.revoke(ctx, p, rec, endSession, &s)
	}
	if err := cache.Delete(ctx, en.Key); err != nil {
		return s, err
	}
	return s, nil
}

// revoke revokes the record's refresh token and finds the end-session URL.
func (e *Engine) revoke(ctx context.Context, p *Profile, rec *tokencache.Record, endSession bool, s *SignedOut) {
	if rec.RefreshToken == "" && !endSession {
		return
	}
	prov, err := e.recordProvider(ctx, p, rec)
	if err != nil {
		s.RevokeErr = fmt.Errorf("could not reach %s: %w", rec.Tenant, err)
		return
	}
	if rec.RefreshToken != "" {
		if err := prov.Revoke(ctx, rec.RefreshToken); err != nil {
			s.RevokeErr = err
		} else {
			s.Revoked = true
		}
	}
	if endSession {
		s.EndSession = true
		s.EndSessionErr = prov.OpenEndSession(ctx, rec.IDToken, e.opener(p.BrowserCommand))
	}
}
