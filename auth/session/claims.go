package session

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/latchdev/latch/auth"
	"github.com/latchdev/latch/tokencache"
)

// ClaimsOptions say which tokens to read.
type ClaimsOptions struct {
	// ID, Access and Userinfo choose the parts; none set means all three.
	ID, Access, Userinfo bool
	// Resource and Org choose the access token (as for Token).
	Resource, Org string
}

// TokenClaims is one token, decoded and verified.
type TokenClaims struct {
	// Identity is set when the token verified; Err says why not.
	Identity *auth.Identity
	Err      error
	// Header and Payload are the decoded parts, verified or not.
	Header, Payload map[string]any
	// Opaque is true for an access token that is not a JWT.
	Opaque bool
	// OpaqueHint is the provider's advice for an opaque access token
	// (auth.Provider.OpaqueAccessTokenHint), "" when it has none.
	OpaqueHint string
	// Present is false when the session holds no such token.
	Present bool
}

// Claims are a session's tokens, verified against the tenant's keys.
type Claims struct {
	Profile *Profile
	Tenant  string
	ID      TokenClaims
	Access  TokenClaims
	// Audience is the access token's.
	Audience    auth.Audience
	Userinfo    map[string]any
	UserinfoErr error
}

// ErrNoAccessToken: the session holds no access token for the audience.
var ErrNoAccessToken = errors.New("no access token for that audience in this session")

// Claims reads the session's ID token (verified, expiry not enforced), its
// access token for the audience (verified when it is a JWT, refreshed when
// stale) and userinfo (with the default token).
func (e *Engine) Claims(ctx context.Context, sel Selector, o ClaimsOptions) (*Claims, error) {
	all := !o.ID && !o.Access && !o.Userinfo
	f, err := e.find(sel)
	if err != nil {
		return nil, err
	}
	if o.Resource == "" && o.Org == "" {
		o.Resource, o.Org = sel.Resource, sel.Org
	}
	aud := f.p.audience(o.Resource, o.Org)
	rec, err := f.cache.Load(ctx, f.entry.Key)
	if err != nil {
		return nil, signInRequiredIf(f, err)
	}
	if (all || o.Access) && f.entry.Find(aud) != nil {
		// A stale access token is refreshed first; the ID token comes along.
		t, err := e.token(ctx, f, aud, TokenOptions{MinTTL: time.Second})
		if err != nil {
			return nil, err
		}
		rec = t.Record
	}
	prov, err := e.recordProvider(ctx, f.p, rec)
	if err != nil {
		return nil, err
	}
	c := &Claims{Profile: f.p, Tenant: rec.Tenant, Audience: aud}
	if all || o.ID {
		c.ID = decode(rec.IDToken)
		c.ID.Identity, c.ID.Err = prov.VerifyIDToken(ctx, rec.IDToken, auth.VerifyOptions{SkipExpiry: true})
	}
	if all || o.Access {
		e.accessClaims(ctx, prov, rec, aud, c)
	}
	if all || o.Userinfo {
		c.Userinfo, c.UserinfoErr = e.userinfo(ctx, f, prov, rec, c.ID.Identity)
	}
	return c, nil
}

func (e *Engine) accessClaims(ctx context.Context, prov *auth.Provider, rec *tokencache.Record, aud auth.Audience, c *Claims) {
	at := rec.Find(aud)
	if at == nil {
		c.Access.Err = ErrNoAccessToken
		return
	}
	if !auth.IsJWT(at.AccessToken) {
		c.Access = TokenClaims{Present: true, Opaque: true, OpaqueHint: prov.OpaqueAccessTokenHint()}
		return
	}
	c.Access = decode(at.AccessToken)
	c.Access.Identity, c.Access.Err = prov.VerifyAccessToken(ctx, at.AccessToken, aud.Resource)
}

// userinfo asks with the default token: an API resource's token is not for
// the userinfo endpoint.
func (e *Engine) userinfo(ctx context.Context, f *found, prov *auth.Provider, rec *tokencache.Record, id *auth.Identity) (map[string]any, error) {
	at := rec.Find(auth.Audience{})
	if at == nil || !at.Valid(e.now(), time.Second) {
		t, err := e.token(ctx, f, auth.Audience{}, TokenOptions{MinTTL: time.Second})
		if err != nil {
			return nil, err
		}
		at = t.Access
	}
	if id != nil {
		// Checked against the verified ID token's sub (OIDC Core §5.3.2).
		return prov.UserinfoFor(ctx, at.AccessToken, id)
	}
	return prov.Userinfo(ctx, at.AccessToken)
}

func decode(raw string) TokenClaims {
	if raw == "" {
		return TokenClaims{}
	}
	h, p, err := auth.UnverifiedClaims(raw)
	if err != nil {
		return TokenClaims{Present: true, Err: err}
	}
	return TokenClaims{Present: true, Header: h, Payload: p}
}

func signInRequiredIf(f *found, err error) error {
	if isSignInRequired(err) {
		return signInRequired(f.p, f.sel, err)
	}
	return err
}

// Orgs are the Logto organizations in the verified ID token, with roles.
func (e *Engine) Orgs(ctx context.Context, sel Selector) ([]auth.Organization, error) {
	c, err := e.Claims(ctx, sel, ClaimsOptions{ID: true})
	if err != nil {
		return nil, err
	}
	if c.ID.Err != nil {
		return nil, c.ID.Err
	}
	return c.ID.Identity.Organizations(), nil
}

// Session is a signed-in account, for a session screen. It holds no secret.
type Session struct {
	Profile              *Profile
	Tenant               string
	Name, Email, Subject string
	Expires              time.Time
	Scopes               []string
	// Audience is the API resource of the token shown, "" for the default.
	Audience    string
	Refreshable bool
	Store       string
	Key         string
}

// Session reads the selector's session (one keyring item, no request).
func (e *Engine) Session(ctx context.Context, sel Selector) (*Session, error) {
	f, err := e.find(sel)
	if err != nil {
		return nil, err
	}
	rec, err := f.cache.Load(ctx, f.entry.Key)
	if err != nil {
		return nil, signInRequiredIf(f, err)
	}
	s := &Session{Profile: f.p, Tenant: rec.Tenant, Subject: rec.Subject, Name: rec.Account,
		Refreshable: rec.RefreshToken != "", Store: f.entry.Store, Key: string(f.entry.Key)}
	// The ID token was verified when it was stored; here it only names the user.
	if _, claims, err := auth.UnverifiedClaims(rec.IDToken); err == nil {
		id := &auth.Identity{Claims: claims}
		s.Name, s.Email = id.Name(), id.Email()
	}
	if a := rec.Find(f.p.audience(sel.Resource, sel.Org)); a != nil {
		s.Expires, s.Scopes, s.Audience = a.Expiry, strings.Fields(a.Scope), a.Audience.Resource
	}
	return s, nil
}
