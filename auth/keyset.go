package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"

	jose "github.com/go-jose/go-jose/v4"
)

// asymmetricAlgs are the only algorithms latch accepts, whatever discovery
// says: never "none", never HMAC with a public key as the secret.
var asymmetricAlgs = []string{"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}

// ErrUnknownKey means a token names a key the provider does not publish, even
// after the key set was fetched again.
var ErrUnknownKey = errors.New("token signed with a key the provider does not publish")

// SigningAlgs returns the algorithms ID tokens may be signed with: those
// discovery lists that are asymmetric, or RS256 when it lists none.
func (p *Provider) SigningAlgs() []string {
	var algs []string
	for _, a := range p.Metadata.IDTokenSigningAlgs {
		if slices.Contains(asymmetricAlgs, a) {
			algs = append(algs, a)
		}
	}
	if len(algs) == 0 {
		algs = []string{"RS256"}
	}
	return algs
}

// KeySet verifies signatures with the provider's JWKS, read from the disk
// cache when fresh and fetched again once when a token names an unknown kid.
type KeySet struct {
	provider *Provider
	cached   *cachedDiscovery

	mu        sync.Mutex
	keys      *jose.JSONWebKeySet
	refetched bool
	// lastKey is the key that verified the last signature, for display.
	lastKey jose.JSONWebKey
}

// VerifySignature implements oidc.KeySet.
func (k *KeySet) VerifySignature(ctx context.Context, raw string) ([]byte, error) {
	algs := k.provider.SigningAlgs()
	sigAlgs := make([]jose.SignatureAlgorithm, len(algs))
	for i, a := range algs {
		sigAlgs[i] = jose.SignatureAlgorithm(a)
	}
	jws, err := jose.ParseSigned(raw, sigAlgs)
	if err != nil {
		return nil, fmt.Errorf("token is not signed with one of %v: %w", algs, err)
	}
	if len(jws.Signatures) != 1 {
		return nil, errors.New("token must carry exactly one signature")
	}
	hdr := jws.Signatures[0].Header

	k.mu.Lock()
	defer k.mu.Unlock()
	if k.keys == nil {
		if err := k.load(ctx, false); err != nil {
			return nil, err
		}
	}
	candidates := k.candidates(hdr.KeyID, hdr.Algorithm)
	if len(candidates) == 0 && !k.refetched {
		if err := k.load(ctx, true); err != nil {
			return nil, err
		}
		candidates = k.candidates(hdr.KeyID, hdr.Algorithm)
	}
	if len(candidates) == 0 {
		return nil, fmt.Errorf("%w (kid %q)", ErrUnknownKey, hdr.KeyID)
	}
	for _, key := range candidates {
		if payload, err := jws.Verify(key); err == nil {
			k.lastKey = key
			return payload, nil
		}
	}
	return nil, errors.New("signature does not verify against the provider's keys")
}

// candidates are the public signing keys matching kid (any key when the token
// has no kid) whose declared algorithm, if any, equals the token's.
func (k *KeySet) candidates(kid, alg string) []jose.JSONWebKey {
	var out []jose.JSONWebKey
	for _, key := range k.keys.Keys {
		if kid != "" && key.KeyID != kid {
			continue
		}
		if key.Use != "" && key.Use != "sig" {
			continue
		}
		if key.Algorithm != "" && key.Algorithm != alg {
			continue
		}
		if !key.IsPublic() {
			key = key.Public()
		}
		if key.Valid() {
			out = append(out, key)
		}
	}
	return out
}

// load reads the key set from the disk cache, or fetches it when the cache
// is stale or force is set. A fetched set replaces the cached one only when
// it holds a usable key.
func (k *KeySet) load(ctx context.Context, force bool) error {
	cfg := k.provider.Config
	uri := k.provider.Metadata.JWKSURI
	now := cfg.now()
	c := k.cached
	if !force && c != nil && c.JWKSURI == uri && len(c.JWKS) > 0 && now.Before(c.JWKSExpires) {
		if set, err := ParseJWKS(c.JWKS); err == nil {
			k.keys = set
			return nil
		}
	}
	if force {
		k.refetched = true
	}
	raw, policy, err := fetch(ctx, cfg, uri)
	if err != nil {
		return fmt.Errorf("fetching the provider's keys: %w", err)
	}
	set, err := ParseJWKS(raw)
	if err != nil {
		return err
	}
	k.keys = set
	if c != nil && policy.store {
		c.JWKSURI, c.JWKS, c.JWKSExpires = uri, raw, now.Add(policy.lifetime)
		writeDiscovery(cfg.CacheDir, c)
	}
	return nil
}

// ErrInvalidJWKS: the provider's key set is unreadable or holds no key
// latch can verify signatures with.
var ErrInvalidJWKS = errors.New("the provider's key set is not usable")

// maxKeys bounds how many keys of a set are looked at.
const maxKeys = 100

// ParseJWKS reads a JWK Set. Keys latch cannot use (unknown types, private
// or encryption keys, unsupported algorithms) are skipped rather than
// failing the set; at least one public signing key must remain.
func ParseJWKS(raw []byte) (*jose.JSONWebKeySet, error) {
	var doc struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("%w: not a JWKS: %w", ErrInvalidJWKS, err)
	}
	set := &jose.JSONWebKeySet{}
	for _, rk := range doc.Keys[:min(len(doc.Keys), maxKeys)] {
		var key jose.JSONWebKey
		if json.Unmarshal(rk, &key) != nil || !key.Valid() {
			continue
		}
		if key.Use != "" && key.Use != "sig" {
			continue
		}
		if key.Algorithm != "" && !slices.Contains(asymmetricAlgs, key.Algorithm) {
			continue
		}
		if !key.IsPublic() {
			key = key.Public()
			if !key.Valid() {
				continue
			}
		}
		set.Keys = append(set.Keys, key)
	}
	if len(set.Keys) == 0 {
		return nil, fmt.Errorf("%w: it holds no public signing key (%d keys looked at)", ErrInvalidJWKS, len(doc.Keys))
	}
	return set, nil
}

// LastKeyID returns the kid of the key that verified the last signature.
func (k *KeySet) LastKeyID() string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.lastKey.KeyID
}
