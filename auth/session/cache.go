package session

import (
	"context"
	"time"

	"github.com/latchdev/latch/auth"
	"github.com/latchdev/latch/tokencache"
)

// CacheEntry is one access token's place in the store, never a secret.
type CacheEntry struct {
	Key      string    `json:"key"`
	Record   string    `json:"record"`
	Profile  string    `json:"profile"`
	Tenant   string    `json:"tenant"`
	ClientID string    `json:"client_id"`
	Account  string    `json:"account"`
	Audience string    `json:"audience"`
	Size     int       `json:"size"`
	Chunks   int       `json:"chunks"`
	Expires  time.Time `json:"expires,omitzero"`
	Store    string    `json:"store"`
}

// CacheList lists every cache key in every store.
func (e *Engine) CacheList(_ context.Context) ([]CacheEntry, error) {
	rows := []CacheEntry{}
	for _, c := range e.caches() {
		x, err := c.Index()
		if err != nil {
			return nil, err
		}
		for _, en := range x.Sorted() {
			for _, au := range en.Audiences {
				rows = append(rows, CacheEntry{Key: au.Key, Record: string(en.Key), Profile: en.Profile, Tenant: en.Tenant,
					ClientID: en.ClientID, Account: en.Account, Audience: AudienceName(au.Audience), Size: en.Size,
					Chunks: max(1, en.Chunks), Expires: au.Expiry, Store: en.Store})
			}
		}
	}
	return rows, nil
}

// CacheHealth is what is wrong in the stores' indexes: chunks a crash left
// behind (never a secret: key, generation and count) and malformed entries
// that were skipped.
type CacheHealth struct {
	Orphans  []tokencache.ChunkSet
	Problems []string
}

// Health reads every store's index for orphans and problems.
func (e *Engine) Health(_ context.Context) (*CacheHealth, error) {
	h := &CacheHealth{}
	for _, c := range e.caches() {
		x, err := c.Index()
		if err != nil {
			return nil, err
		}
		h.Orphans = append(h.Orphans, x.Orphans()...)
		h.Problems = append(h.Problems, x.Problems...)
	}
	return h, nil
}

// AudienceName is "default" or the audience's key text.
func AudienceName(a auth.Audience) string {
	if n := tokencache.AudienceKey(a); n != "" {
		return n
	}
	return "default"
}

// DeleteKey deletes a record, or one access token of it, from the store it
// is in (no revocation). It returns the store's name.
func (e *Engine) DeleteKey(ctx context.Context, key string) (string, error) {
	var err error
	for _, c := range e.caches() {
		if err = c.DeleteKey(ctx, key); err == nil {
			return c.Store.Name(), nil
		}
	}
	return "", err
}

// Explain says which key a token lookup for the selector uses, where each
// field comes from, and whether it hits.
func (e *Engine) Explain(_ context.Context, sel Selector, aud auth.Audience, minTTL time.Duration) (*tokencache.Explanation, error) {
	p, err := e.Resolve(sel)
	if err != nil {
		return nil, err
	}
	x, err := e.cacheFor(p).Index()
	if err != nil {
		return nil, err
	}
	ex := x.Explain(tokencache.Query{Profile: p.Name, Issuer: p.Issuer, ClientID: p.ClientID, Account: sel.Account,
		Audience: aud, Now: e.now(), MinTTL: minTTL})
	return &ex, nil
}
