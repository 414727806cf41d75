package tokencache

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/latchdev/latch/auth"
)

// Cache is the store plus the index and locks in Dir (the user state dir).
type Cache struct {
	Store       Store
	Dir         string
	Now         func() time.Time
	LockTimeout time.Duration
}

func (c *Cache) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *Cache) indexPath() string { return filepath.Join(c.Dir, "index.json") }
func (c *Cache) lockDir() string   { return filepath.Join(c.Dir, "locks") }

func (c *Cache) lock(ctx context.Context, name string) (func(), error) {
	t := c.LockTimeout
	if t <= 0 {
		t = DefaultLockTimeout
	}
	return lockFile(ctx, c.lockDir(), name, t)
}

// Index reads the index file. It holds no secret.
func (c *Cache) Index() (*Index, error) { return readIndex(c.indexPath()) }

// updateIndex applies f to the index under the index lock.
func (c *Cache) updateIndex(ctx context.Context, f func(*Index)) error {
	release, err := c.lock(ctx, "index")
	if err != nil {
		return err
	}
	defer release()
	x, err := c.Index()
	if err != nil {
		return err
	}
	f(x)
	return writeIndex(c.indexPath(), x)
}

// Resolve finds the record a profile means: account (sub or email or
// display name) when given, else the profile's current account.
func (x *Index) Resolve(profile, account string) (*Entry, error) {
	if account == "" {
		p, ok := x.Profiles[profile]
		if !ok || x.Records[p.Current] == nil {
			return nil, fmt.Errorf("%w: not signed in to %s", ErrSignInRequired, profile)
		}
		return x.Records[p.Current], nil
	}
	for _, e := range x.Sorted() {
		if e.Profile == profile && (e.Subject == account || strings.Contains(e.Account, account)) {
			return e, nil
		}
	}
	return nil, fmt.Errorf("%w: account %s is not signed in to %s", ErrSignInRequired, account, profile)
}

// Probe checks the store answers, so that a sign-in does not start when its
// tokens could not be kept.
func (c *Cache) Probe(ctx context.Context) error {
	_, err := c.Store.Get(ctx, "latch/probe")
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}

// Load reads a record from the store.
func (c *Cache) Load(ctx context.Context, key Key) (*Record, error) {
	s, _, err := readItem(ctx, c.Store, string(key))
	if errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("%w: the session is not in the %s", ErrSignInRequired, c.Store.Name())
	}
	if err != nil {
		return nil, err
	}
	return unmarshalRecord(s)
}

// Save writes a record and makes it the profile's current account.
func (c *Cache) Save(ctx context.Context, profile string, r *Record) error {
	release, err := c.lock(ctx, string(r.Key))
	if err != nil {
		return err
	}
	defer release()
	return c.save(ctx, profile, r, true)
}

// save writes the record then the index; the caller holds the record lock.
// current makes the record its profile's default account.
func (c *Cache) save(ctx context.Context, profile string, r *Record, current bool) error {
	x, err := c.Index()
	if err != nil {
		return err
	}
	var old layout
	if e := x.Records[r.Key]; e != nil {
		old = e.layout()
	}
	s, err := r.marshal()
	if err != nil {
		return err
	}
	l, err := writeItem(ctx, c.Store, string(r.Key), s, old)
	if err != nil {
		return err
	}
	return c.updateIndex(ctx, func(x *Index) {
		x.Records[r.Key] = entryFor(r, profile, c.Store.Name(), len(s), l)
		if _, ok := x.Profiles[profile]; profile != "" && (current || !ok) {
			x.Profiles[profile] = Profile{Current: r.Key}
		}
	})
}

// Delete removes a record from the store and the index. A record already
// gone from the store is not an error.
func (c *Cache) Delete(ctx context.Context, key Key) error {
	release, err := c.lock(ctx, string(key))
	if err != nil {
		return err
	}
	defer release()
	return c.delete(ctx, key)
}

func (c *Cache) delete(ctx context.Context, key Key) error {
	x, err := c.Index()
	if err != nil {
		return err
	}
	var l layout
	if e := x.Records[key]; e != nil {
		l = e.layout()
	}
	if err := deleteItem(ctx, c.Store, string(key), l); err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	return c.updateIndex(ctx, func(x *Index) {
		delete(x.Records, key)
		for name, p := range x.Profiles {
			if p.Current == key {
				delete(x.Profiles, name)
				// Another account of the same profile becomes current.
				for _, e := range x.Sorted() {
					if e.Profile == name {
						x.Profiles[name] = Profile{Current: e.Key}
						break
					}
				}
			}
		}
	})
}

// RefreshFunc asks the provider for tokens for an audience with the record's
// refresh token.
type RefreshFunc func(ctx context.Context, r *Record, a auth.Audience) (*auth.Tokens, error)

// TokenRequest is what Token looks for.
type TokenRequest struct {
	Entry    *Entry
	Audience auth.Audience
	// MinTTL is how long the token must still be valid.
	MinTTL time.Duration
	// ForceRefresh refreshes even when the cached token is valid.
	ForceRefresh bool
}

// Token returns a valid access token: from the store when the index says it
// is fresh (one keyring read, no request), else by refresh under the
// record's lock. invalid_grant deletes the record and returns
// ErrSignInRequired; any other failure leaves the record as it was.
func (c *Cache) Token(ctx context.Context, req TokenRequest, refresh RefreshFunc) (*AccessToken, *Record, error) {
	now := c.now()
	key := req.Entry.Key
	if a := req.Entry.Find(req.Audience); a != nil && !req.ForceRefresh && (a.Expiry.IsZero() || a.Expiry.After(now.Add(req.MinTTL))) {
		r, err := c.Load(ctx, key)
		if err != nil {
			return nil, nil, err
		}
		if t := r.Find(req.Audience); t != nil && t.Valid(now, req.MinTTL) {
			return t, r, nil
		}
	}
	release, err := c.lock(ctx, string(key))
	if err != nil {
		return nil, nil, err
	}
	defer release()
	// Another process may have refreshed while this one waited.
	r, err := c.Load(ctx, key)
	if err != nil {
		return nil, nil, err
	}
	if t := r.Find(req.Audience); t != nil && t.Valid(c.now(), req.MinTTL) && !req.ForceRefresh {
		return t, r, nil
	}
	// Refreshed by another process while this one waited: use that token
	// rather than rotate the refresh token again.
	if t := r.Find(req.Audience); t != nil && r.Updated.After(now) && t.Valid(c.now(), 0) {
		return t, r, nil
	}
	if r.RefreshToken == "" {
		return nil, nil, fmt.Errorf("%w: the token has expired and the session has no refresh token (sign in again, asking for the offline_access scope)", ErrSignInRequired)
	}
	tokens, err := refresh(ctx, r, req.Audience)
	if auth.IsInvalidGrant(err) {
		if derr := c.delete(ctx, key); derr != nil {
			return nil, nil, fmt.Errorf("%w (%s); removing the dead session failed too: %v", ErrSignInRequired, auth.Explain(err), derr)
		}
		return nil, nil, fmt.Errorf("%w: %s", ErrSignInRequired, auth.Explain(err))
	}
	if err != nil {
		return nil, nil, fmt.Errorf("refresh failed, the session is kept: %w", err)
	}
	r.Put(req.Audience, tokens, c.now())
	if err := c.save(ctx, req.Entry.Profile, r, false); err != nil {
		return nil, nil, fmt.Errorf("refreshed, but storing the new tokens failed: %w", err)
	}
	return r.Find(req.Audience), r, nil
}

// DeleteKey removes what a key names: a whole record, or one access token
// of a record (an access key: the record key and an audience).
func (c *Cache) DeleteKey(ctx context.Context, key string) error {
	x, err := c.Index()
	if err != nil {
		return err
	}
	if _, ok := x.Records[Key(key)]; ok {
		return c.Delete(ctx, Key(key))
	}
	for _, e := range x.Records {
		for _, a := range e.Audiences {
			if a.Key != key {
				continue
			}
			release, err := c.lock(ctx, string(e.Key))
			if err != nil {
				return err
			}
			defer release()
			r, err := c.Load(ctx, e.Key)
			if err != nil {
				return err
			}
			r.Access = slices.DeleteFunc(r.Access, func(t AccessToken) bool { return AccessKey(r.Key, t.Audience) == key })
			return c.save(ctx, e.Profile, r, false)
		}
	}
	return fmt.Errorf("%w: no cache entry %q", ErrNotFound, key)
}
