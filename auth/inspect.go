package auth

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"

	jose "github.com/go-jose/go-jose/v4"
)

// MaxTokenSize bounds what Inspect decodes. The largest real tokens (Entra
// with group claims) stay well under it.
const MaxTokenSize = 64 << 10

// Errors Inspect returns when a token cannot even be decoded.
var (
	ErrNotJWT        = errors.New("not a JWT: expected header.payload.signature in base64url")
	ErrTokenTooLarge = errors.New("token is larger than 64 KiB")
)

// Reasons a decoded token is reported as not verified (Inspection.VerifyError).
var (
	// ErrUnsigned means alg is none or not an asymmetric algorithm: nothing
	// a third party could check.
	ErrUnsigned = errors.New("token is not signed with an asymmetric algorithm")
	// ErrIssuerNotFetchable means the iss claim is not an https URL (or
	// http on loopback), so its keys are not requested.
	ErrIssuerNotFetchable = errors.New("issuer is not an https URL (or http on loopback)")
	// ErrWrongIssuer means the token was issued by someone else than the
	// provider whose keys were asked for.
	ErrWrongIssuer = errors.New("token was issued by another issuer")
)

// InspectOptions say where the keys that verify a token come from, in this
// order: JWKS, else Provider, else discovery of the token's own iss claim.
// The zero value discovers iss with a default client and no disk cache.
type InspectOptions struct {
	// JWKS is a JSON Web Key Set to verify against; no request is made.
	JWKS []byte
	// Provider is the profile to verify against: the token's iss must be
	// its issuer.
	Provider *Config
	// HTTPClient and CacheDir serve the discovery of iss.
	HTTPClient *http.Client
	CacheDir   string
}

// Inspection is a decoded token and whether its signature verified.
type Inspection struct {
	Header map[string]any
	Claims map[string]any
	Alg    string
	KeyID  string
	Issuer string
	// Verified is true when the signature checked out against the keys of
	// Issuer (or of the JWKS given). Expiry does not affect it.
	Verified bool
	// VerifyError says why Verified is false.
	VerifyError error
	// KeysFrom says where the keys came from: a JWKS URL or "the JWKS given".
	KeysFrom string
}

// Inspect decodes a compact JWS and tries to verify its signature. It
// returns an error only when the token cannot be decoded; a token that
// does not verify is an Inspection with VerifyError set. It does not check
// exp, nbf or aud: it shows them.
func Inspect(ctx context.Context, raw string, o InspectOptions) (*Inspection, error) {
	raw = strings.TrimSpace(raw)
	if len(raw) > MaxTokenSize {
		return nil, ErrTokenTooLarge
	}
	parts := strings.Split(raw, ".")
	if len(parts) == 5 {
		return nil, fmt.Errorf("%w: this is an encrypted token (JWE), only its recipient can read it", ErrNotJWT)
	}
	if len(parts) != 3 {
		return nil, ErrNotJWT
	}
	in := &Inspection{}
	var err error
	if in.Header, err = decodeSegment(parts[0]); err != nil {
		return nil, fmt.Errorf("%w: header: %w", ErrNotJWT, err)
	}
	if in.Claims, err = decodeSegment(parts[1]); err != nil {
		return nil, fmt.Errorf("%w: payload: %w", ErrNotJWT, err)
	}
	in.Alg, _ = in.Header["alg"].(string)
	in.KeyID, _ = in.Header["kid"].(string)
	in.Issuer, _ = in.Claims["iss"].(string)
	in.KeysFrom, in.VerifyError = verifyInspected(ctx, raw, in, o)
	in.Verified = in.VerifyError == nil
	return in, nil
}

func decodeSegment(s string) (map[string]any, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	if m == nil {
		return nil, errors.New("not a JSON object")
	}
	if dec.More() {
		return nil, errors.New("trailing data after the JSON object")
	}
	return m, nil
}

func verifyInspected(ctx context.Context, raw string, in *Inspection, o InspectOptions) (string, error) {
	if !slices.Contains(asymmetricAlgs, in.Alg) {
		return "", fmt.Errorf("%w (alg %q)", ErrUnsigned, in.Alg)
	}
	if len(o.JWKS) > 0 {
		var set jose.JSONWebKeySet
		if err := json.Unmarshal(o.JWKS, &set); err != nil {
			return "the JWKS given", fmt.Errorf("the key set given is not a JWKS: %w", err)
		}
		ks := &KeySet{provider: anyAlgProvider(&Provider{Config: &Config{}}), keys: &set, refetched: true}
		_, err := ks.VerifySignature(ctx, raw)
		return "the JWKS given", err
	}
	cfg := o.Provider
	if cfg == nil {
		if in.Issuer == "" {
			return "", fmt.Errorf("%w: the token has no iss claim and no keys were given", ErrNoIssuer)
		}
		if !Fetchable(in.Issuer) {
			return "", fmt.Errorf("%w: %q", ErrIssuerNotFetchable, in.Issuer)
		}
		cfg = &Config{Issuer: in.Issuer, HTTPClient: o.HTTPClient, CacheDir: o.CacheDir}
	}
	p, err := Discover(ctx, cfg)
	if err != nil {
		return "", err
	}
	if err := p.issuedBy(in); err != nil {
		return "", err
	}
	if o.Provider == nil && !Fetchable(p.Metadata.JWKSURI) {
		return "", fmt.Errorf("%w: jwks_uri %q", ErrIssuerNotFetchable, p.Metadata.JWKSURI)
	}
	ks := &KeySet{provider: anyAlgProvider(p), cached: p.keys.cached}
	_, err = ks.VerifySignature(ctx, raw)
	return p.Metadata.JWKSURI, err
}

// anyAlgProvider is p accepting every asymmetric algorithm: an access token
// may be signed with one discovery does not list for ID tokens.
func anyAlgProvider(p *Provider) *Provider {
	cp := *p
	cp.Metadata.IDTokenSigningAlgs = asymmetricAlgs
	return &cp
}

// issuedBy checks the token's iss against the provider's issuer (for a
// multi-tenant authority, the template with the token's tid put in).
func (p *Provider) issuedBy(in *Inspection) error {
	want := p.Metadata.Issuer
	if p.Metadata.IsMultiTenant() {
		tid, _ := in.Claims["tid"].(string)
		want = strings.ReplaceAll(want, TenantTemplate, tid)
	}
	if in.Issuer != want {
		return fmt.Errorf("%w: iss %q, keys of %q", ErrWrongIssuer, in.Issuer, want)
	}
	return nil
}

// Fetchable reports whether latch may request u on a token's say: https,
// or http to a loopback host.
func Fetchable(u string) bool {
	pu, err := url.Parse(u)
	if err != nil || pu.Host == "" || pu.User != nil {
		return false
	}
	switch pu.Scheme {
	case "https":
		return true
	case "http":
		return IsLoopbackHost(pu.Hostname())
	}
	return false
}

// IsLoopbackHost reports whether host is localhost or a loopback IP.
func IsLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
