package auth

import (
	"context"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
)

// Identity is a verified token: who, issued by whom, and every claim.
type Identity struct {
	Issuer    string    `json:"iss"`
	Subject   string    `json:"sub"`
	Audience  []string  `json:"aud"`
	TenantID  string    `json:"tid,omitempty"`
	Expiry    time.Time `json:"exp"`
	IssuedAt  time.Time `json:"iat"`
	Algorithm string    `json:"alg"`
	KeyID     string    `json:"kid,omitempty"`
	// Claims is the whole payload.
	Claims map[string]any `json:"claims"`
	// Userinfo holds the userinfo claims once attached (AttachUserinfo).
	Userinfo map[string]any `json:"userinfo,omitempty"`
}

// AttachUserinfo keeps userinfo claims for display. They must be about
// this account: a sub other than the token's is refused with
// ErrUserinfoSubject.
func (id *Identity) AttachUserinfo(claims map[string]any) error {
	if sub, ok := claims["sub"].(string); ok && sub != id.Subject {
		return fmt.Errorf("%w (%q, not %q)", ErrUserinfoSubject, cleanProviderText(sub), id.Subject)
	}
	id.Userinfo = claims
	return nil
}

// claim is a string claim of the token, else of the attached userinfo.
func (id *Identity) claim(name string) string {
	if s, _ := id.Claims[name].(string); s != "" {
		return s
	}
	s, _ := id.Userinfo[name].(string)
	return s
}

// Name is what to call the user: name, else username, else
// preferred_username, from the token or else from attached userinfo.
func (id *Identity) Name() string {
	for _, c := range []string{"name", "username", "preferred_username"} {
		if s := id.claim(c); s != "" {
			return s
		}
	}
	return ""
}

// Email returns the email claim of the token or attached userinfo, if any.
func (id *Identity) Email() string { return id.claim("email") }

// Display is a short "name <email>" for people, falling back to sub.
func (id *Identity) Display() string {
	name, email := id.Name(), id.Email()
	switch {
	case name != "" && email != "":
		return name + " <" + email + ">"
	case email != "":
		return email
	case name != "":
		return name
	}
	return id.Subject
}

// Organization is a Logto organization the user belongs to, with the
// user's roles in it.
type Organization struct {
	ID    string   `json:"id"`
	Roles []string `json:"roles"`
}

// Organizations reads Logto's organizations claim and organization_roles
// ("org-id:role") into one entry per organization.
func (id *Identity) Organizations() []Organization {
	out := []Organization{}
	index := map[string]int{}
	add := func(org string) int {
		if i, ok := index[org]; ok {
			return i
		}
		index[org] = len(out)
		out = append(out, Organization{ID: org, Roles: []string{}})
		return len(out) - 1
	}
	for _, o := range stringClaims(id.Claims["organizations"]) {
		add(o)
	}
	for _, or := range stringClaims(id.Claims["organization_roles"]) {
		if org, role, ok := strings.Cut(or, ":"); ok {
			i := add(org)
			out[i].Roles = append(out[i].Roles, role)
		}
	}
	return out
}

func stringClaims(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, e := range list {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// ErrNoSubject: an ID token without a sub claim names nobody.
var ErrNoSubject = errors.New("token has no sub claim: the provider did not say who signed in")

// VerifyOptions are the checks beyond signature, issuer and expiry.
type VerifyOptions struct {
	// Nonce, when set, must equal the token's nonce claim.
	Nonce string
	// SkipExpiry verifies a token that may have expired (for showing claims).
	SkipExpiry bool
}

// VerifyIDToken checks an ID token's signature against the provider's keys
// with the algorithms discovery lists, its issuer (the tenant's own issuer
// for multi-tenant authorities), audience, azp, exp and iat with a one
// minute skew, and the nonce when one is expected.
func (p *Provider) VerifyIDToken(ctx context.Context, raw string, o VerifyOptions) (*Identity, error) {
	if p.Config.ClientID == "" {
		return nil, errors.New("no client id: set the tenant's client_id (the application ID)")
	}
	id, err := p.verify(ctx, raw, p.Config.ClientID, o.SkipExpiry)
	if err != nil {
		return nil, err
	}
	if id.Subject == "" {
		return nil, ErrNoSubject
	}
	if azp, ok := id.Claims["azp"].(string); ok && azp != p.Config.ClientID {
		return nil, fmt.Errorf("ID token was issued to another client (azp %q, expected %q)", azp, p.Config.ClientID)
	}
	if _, ok := id.Claims["azp"]; !ok && len(id.Audience) > 1 {
		return nil, errors.New("ID token has several audiences but no azp claim")
	}
	if o.Nonce != "" {
		got, _ := id.Claims["nonce"].(string)
		if subtle.ConstantTimeCompare([]byte(got), []byte(o.Nonce)) != 1 {
			return nil, errors.New("ID token nonce does not match this sign-in: start the sign-in again")
		}
	}
	return id, nil
}

// VerifyAccessToken verifies a JWT access token issued by this provider.
// audience, when set, must be among its audiences.
func (p *Provider) VerifyAccessToken(ctx context.Context, raw, audience string) (*Identity, error) {
	return p.verify(ctx, raw, audience, false)
}

func (p *Provider) verify(ctx context.Context, raw, audience string, skipExpiry bool) (*Identity, error) {
	now := p.Config.now()
	cfg := &oidc.Config{
		ClientID:             audience,
		SkipClientIDCheck:    audience == "",
		SupportedSigningAlgs: p.SigningAlgs(),
		SkipExpiryCheck:      skipExpiry,
		// go-oidc checks exp with no leeway; allow a small clock skew.
		Now: func() time.Time { return now.Add(-clockSkew) },
		// Multi-tenant issuers are checked below against the template.
		SkipIssuerCheck: p.Metadata.IsMultiTenant(),
	}
	// The issuer is compared exactly as discovery wrote it, trailing "/"
	// included (OpenID Connect Core §3.1.3.7).
	verifier := oidc.NewVerifier(p.Metadata.Issuer, p.keys, cfg)
	tok, err := verifier.Verify(oidc.ClientContext(ctx, p.Config.client()), raw)
	if err != nil {
		return nil, describeVerifyError(err, p.Known().Kind)
	}
	claims := map[string]any{}
	if err := tok.Claims(&claims); err != nil {
		return nil, fmt.Errorf("token claims unreadable: %w", err)
	}
	id := &Identity{
		Issuer: tok.Issuer, Subject: tok.Subject, Audience: tok.Audience,
		Expiry: tok.Expiry, IssuedAt: tok.IssuedAt, Claims: claims,
		KeyID: p.keys.LastKeyID(),
	}
	id.Algorithm, _ = headerAlg(raw)
	id.TenantID, _ = claims["tid"].(string)
	if !tok.IssuedAt.IsZero() && tok.IssuedAt.After(now.Add(clockSkew)) {
		return nil, fmt.Errorf("token issued in the future (iat %s): check this machine's clock", tok.IssuedAt.Format(time.RFC3339))
	}
	if p.Metadata.IsMultiTenant() {
		if err := p.checkTenant(id); err != nil {
			return nil, err
		}
	}
	return id, nil
}

// checkTenant applies the multi-tenant issuer rule: iss must be the
// discovery template with the token's own tid put in, and the tid must be
// allowed by the profile.
func (p *Provider) checkTenant(id *Identity) error {
	if id.TenantID == "" {
		return errors.New("token from a multi-tenant authority has no tid claim")
	}
	want := strings.ReplaceAll(p.Metadata.Issuer, TenantTemplate, id.TenantID)
	if id.Issuer != want {
		return fmt.Errorf("token issuer %q does not match its tenant %q (expected %q)", id.Issuer, id.TenantID, want)
	}
	if allowed := p.Config.AllowedTenants; len(allowed) > 0 && !slices.Contains(allowed, id.TenantID) {
		return fmt.Errorf("token comes from tenant %s, which is not in this profile's allowed_tenants", id.TenantID)
	}
	return nil
}

func describeVerifyError(err error, kind Kind) error {
	var expired *oidc.TokenExpiredError
	switch {
	case strings.Contains(err.Error(), `unexpected signature algorithm "HS`):
		hint := "the token is signed with a shared secret (HMAC), which a public client cannot check: set the application's ID token signature algorithm to RS256"
		if kind == KindLemonLDAP {
			hint += " (LemonLDAP::NG signs with HS512 unless told otherwise)"
		}
		return fmt.Errorf("token does not verify: %w; %s", err, hint)
	case errors.As(err, &expired):
		return fmt.Errorf("token expired at %s: %w", expired.Expiry.Format(time.RFC3339), err)
	case strings.Contains(err.Error(), ErrUnknownKey.Error()):
		// go-oidc flattens key set errors with %v; restore the sentinels.
		return fmt.Errorf("%w: %v", ErrUnknownKey, err)
	case strings.Contains(err.Error(), ErrInvalidJWKS.Error()):
		return fmt.Errorf("%w: %v", ErrInvalidJWKS, err)
	case strings.Contains(err.Error(), "expected audience"):
		return fmt.Errorf("token was issued for another audience: %w", err)
	case strings.Contains(err.Error(), "different provider"):
		return fmt.Errorf("token was issued by another issuer: %w", err)
	}
	return fmt.Errorf("token does not verify: %w", err)
}

// headerAlg reads the alg of a compact JWS without trusting it.
func headerAlg(raw string) (string, error) {
	h, _, ok := strings.Cut(raw, ".")
	if !ok {
		return "", errors.New("not a JWT")
	}
	b, err := base64.RawURLEncoding.DecodeString(h)
	if err != nil {
		return "", err
	}
	var hdr struct {
		Alg string `json:"alg"`
	}
	err = json.Unmarshal(b, &hdr)
	return hdr.Alg, err
}

// IsJWT reports whether a token looks like a compact JWS.
func IsJWT(raw string) bool { return strings.Count(raw, ".") == 2 }

// UnverifiedClaims decodes a JWT's header and payload without checking
// anything. For display of raw JSON only.
func UnverifiedClaims(raw string) (header, payload map[string]any, err error) {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return nil, nil, errors.New("not a JWT")
	}
	for i, dst := range []*map[string]any{&header, &payload} {
		b, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil {
			return nil, nil, err
		}
		if err := json.Unmarshal(b, dst); err != nil {
			return nil, nil, err
		}
	}
	return header, payload, nil
}
