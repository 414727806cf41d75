package session

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/latchdev/latch/auth"
	"github.com/latchdev/latch/tokencache"
)

// TokenOptions say which token is wanted and how fresh.
type TokenOptions struct {
	// Resource and Org choose the access token's audience; both empty
	// means the profile's first resource, else the default token.
	Resource, Org string
	// MinTTL is how long the token must still be valid.
	MinTTL time.Duration
	// ForceRefresh refreshes even when the cached token is valid.
	ForceRefresh bool
	// IDToken makes the ID token's expiry the one that counts (kubectl's
	// OIDC authenticator checks the ID token).
	IDToken bool
}

// Token is a valid token and the session it came from.
type Token struct {
	Access  *tokencache.AccessToken
	IDToken string
	// IDTokenExpiry is the ID token's exp, zero when unknown.
	IDTokenExpiry time.Time
	Record        *tokencache.Record
	Profile       *Profile
}

// Token returns a valid access token: from the store when the index says it
// is fresh (one keyring read, no request), else by a refresh under the
// record's lock. A dead grant deletes the record and returns
// ErrSignInRequired; any other failure leaves the session as it was.
func (e *Engine) Token(ctx context.Context, sel Selector, o TokenOptions) (*Token, error) {
	f, err := e.find(sel)
	if err != nil {
		return nil, err
	}
	if o.Resource == "" && o.Org == "" {
		o.Resource, o.Org = sel.Resource, sel.Org
	}
	return e.token(ctx, f, f.p.audience(o.Resource, o.Org), o)
}

func (e *Engine) token(ctx context.Context, f *found, aud auth.Audience, o TokenOptions) (*Token, error) {
	req := tokencache.TokenRequest{Entry: f.entry, Audience: aud, MinTTL: o.MinTTL, ForceRefresh: o.ForceRefresh}
	if o.IDToken && !f.entry.IDTokenExpiry.IsZero() && f.entry.IDTokenExpiry.Before(e.now().Add(o.MinTTL)) {
		// A refresh brings a new ID token along with the access token.
		req.ForceRefresh = true
	}
	refresh, verify := e.refresher(f.p)
	req.Verify = verify
	req.Notify = func(n tokencache.Notice) { e.notify("%s", n) }
	at, rec, err := f.cache.Token(ctx, req, refresh)
	if err != nil {
		if isSignInRequired(err) {
			return nil, signInRequired(f.p, f.sel, err)
		}
		return nil, err
	}
	t := &Token{Access: at, IDToken: rec.IDToken, Record: rec, Profile: f.p}
	if _, claims, err := auth.UnverifiedClaims(rec.IDToken); err == nil {
		if exp, ok := claims["exp"].(float64); ok {
			t.IDTokenExpiry = time.Unix(int64(exp), 0)
		}
	}
	return t, nil
}

// refresher refreshes at the record's own tenant (for a multi-tenant
// profile, the tenant that issued the tokens, not /common). A faulty answer
// that still carries a rotated refresh token is returned with its error, so
// the store keeps the grant. verify, run after the answer is stored, checks
// a new ID token is valid and for the same account.
func (e *Engine) refresher(p *Profile) (tokencache.RefreshFunc, tokencache.VerifyFunc) {
	var prov *auth.Provider
	refresh := func(ctx context.Context, r *tokencache.Record, aud auth.Audience) (*auth.Tokens, error) {
		// Logto (oidc-provider) consumes the refresh token before it checks
		// the target: ask only for what can be granted.
		if err := checkAudience(p, r, aud); err != nil {
			return nil, err
		}
		var err error
		if prov, err = e.recordProvider(ctx, p, r); err != nil {
			return nil, err
		}
		t, err := prov.Refresh(ctx, auth.TokenRequest{RefreshToken: r.RefreshToken, Audience: aud})
		var partial *auth.PartialTokenError
		if errors.As(err, &partial) && t == nil {
			t = partial.Tokens
		}
		return t, err
	}
	verify := func(ctx context.Context, r *tokencache.Record, t *auth.Tokens) error {
		if t.IDToken == "" || prov == nil {
			return nil
		}
		id, err := prov.VerifyIDToken(ctx, t.IDToken, auth.VerifyOptions{})
		if err != nil {
			return fmt.Errorf("refreshed ID token: %w", err)
		}
		if id.Subject != r.Subject {
			return fmt.Errorf("refreshed ID token is for another account (%s, not %s)", id.Subject, r.Subject)
		}
		return nil
	}
	return refresh, verify
}

// Errors of a token request the engine refuses before asking the provider.
var (
	// ErrUnknownResource: the profile lists its API resources and this is
	// not one of them.
	ErrUnknownResource = errors.New("the resource is not one of the tenant's resources")
	// ErrUnknownOrganization: the ID token lists the user's organizations
	// and this is not one of them.
	ErrUnknownOrganization = errors.New("the organization is not one of the account's organizations")
)

// checkAudience refuses, before any request, a resource the profile does
// not list (when it lists any) and an organization the ID token does not
// name (when it names any).
func checkAudience(p *Profile, r *tokencache.Record, aud auth.Audience) error {
	if aud.Resource != "" && len(p.Resources) > 0 && !slices.Contains(p.Resources, aud.Resource) {
		return fmt.Errorf("%w (%s; the tenant lists %s)", ErrUnknownResource, aud.Resource, strings.Join(p.Resources, ", "))
	}
	if aud.Organization == "" {
		return nil
	}
	// The ID token was verified when it was stored.
	_, claims, err := auth.UnverifiedClaims(r.IDToken)
	if err != nil {
		return nil
	}
	if _, listed := claims["organizations"]; !listed {
		return nil
	}
	id := &auth.Identity{Claims: claims}
	for _, o := range id.Organizations() {
		if o.ID == aud.Organization {
			return nil
		}
	}
	return fmt.Errorf("%w (%s)", ErrUnknownOrganization, aud.Organization)
}
