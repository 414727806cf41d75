package tokencache

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Cache is the store plus the index and locks in Dir (the user state dir).
type Cache struct {
	Store Store
	Dir   string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// LockTimeout bounds the wait for another process's lock on a session
	// (DefaultLockTimeout when zero).
	LockTimeout time.Duration
	// GrantWriteTimeout bounds a refresh and the write of its answer, which
	// run detached from the caller's cancellation so that a rotated refresh
	// token is never dropped half way (DefaultGrantWriteTimeout when zero).
	GrantWriteTimeout time.Duration
}

// DefaultGrantWriteTimeout is how long a refresh and the write of its
// answer may take once the provider has been asked.
const DefaultGrantWriteTimeout = 30 * time.Second

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

// Index reads the index file. It holds no secret. Malformed entries are
// skipped and named in Index.Problems.
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

// Load reads a record from the store.
func (c *Cache) Load(ctx context.Context, key Key) (*Record, error) {
	r, _, err := c.load(ctx, key)
	return r, err
}

// load reads a record and where its pieces are.
func (c *Cache) load(ctx context.Context, key Key) (*Record, layout, error) {
	s, l, err := readItem(ctx, c.Store, string(key))
	if errors.Is(err, ErrNotFound) {
		return nil, l, fmt.Errorf("%w: the session is not in the %s", ErrSignInRequired, c.Store.Name())
	}
	if err != nil {
		return nil, l, err
	}
	r, err := unmarshalRecord(s)
	return r, l, err
}

// Save writes a record and makes it the profile's current account.
func (c *Cache) Save(ctx context.Context, profile string, r *Record) error {
	release, err := c.lock(ctx, string(r.Key))
	if err != nil {
		return err
	}
	defer release()
	x, err := c.Index()
	if err != nil {
		return err
	}
	var old layout
	if e := x.Records[r.Key]; e != nil {
		old = e.layout()
	}
	_, err = c.save(ctx, profile, r, true, old, "")
	return err
}

// save writes the record then the index, then sweeps chunks no manifest
// points to; the caller holds the record lock. old is where the record's
// pieces were; gen, when not empty, is a generation already recorded as
// pending for a chunked write. current makes the record its profile's
// default account.
func (c *Cache) save(ctx context.Context, profile string, r *Record, current bool, old layout, gen string) (layout, error) {
	s, err := r.marshal()
	if err != nil {
		return old, err
	}
	if gen == "" && needsChunks(c.Store, string(r.Key), len(s)) {
		if gen, err = c.addPending(ctx, r.Key); err != nil {
			return old, err
		}
	}
	l, err := writeItem(ctx, c.Store, string(r.Key), s, gen)
	if err != nil {
		return old, err
	}
	err = c.updateIndex(ctx, func(x *Index) {
		// The generation the index knew may differ from old (the one the
		// keyring held) when a process died between its keyring write and
		// its index update: both are retired.
		if e := x.Records[r.Key]; e != nil {
			x.retire(r.Key, e.layout(), l.Gen)
		}
		x.retire(r.Key, old, l.Gen)
		x.Records[r.Key] = entryFor(r, profile, c.Store.Name(), len(s), l)
		if _, ok := x.Profiles[profile]; profile != "" && (current || !ok) {
			x.Profiles[profile] = Profile{Current: r.Key}
		}
		x.dropPending(r.Key, l.Gen)
	})
	if err != nil {
		return l, err
	}
	c.sweep(ctx, r.Key, l.Gen)
	return l, nil
}

// Delete removes a record from the store and the index, with every chunk
// the index knows of for it. A record already gone from the store is not
// an error.
func (c *Cache) Delete(ctx context.Context, key Key) error {
	release, err := c.lock(ctx, string(key))
	if err != nil {
		return err
	}
	defer release()
	return c.delete(ctx, key)
}

func (c *Cache) delete(ctx context.Context, key Key) error {
	if err := c.Store.Delete(ctx, string(key)); err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	err := c.updateIndex(ctx, func(x *Index) {
		if e := x.Records[key]; e != nil {
			x.retire(key, e.layout(), "")
		}
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
	if err != nil {
		return err
	}
	c.sweep(ctx, key, "")
	return nil
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
			if a.Key == key {
				return c.deleteAccess(ctx, e, key)
			}
		}
	}
	// Chunks a crash left behind under a key with no record (cache ls lists
	// them): sweep them under the key's lock.
	for _, o := range x.Orphans() {
		if string(o.Key) == key {
			release, err := c.lock(ctx, key)
			if err != nil {
				return err
			}
			defer release()
			c.sweep(ctx, o.Key, "")
			return nil
		}
	}
	return fmt.Errorf("%w: no cache entry %q", ErrNotFound, key)
}

func (c *Cache) deleteAccess(ctx context.Context, e *Entry, key string) error {
	release, err := c.lock(ctx, string(e.Key))
	if err != nil {
		return err
	}
	defer release()
	r, old, err := c.load(ctx, e.Key)
	if err != nil {
		return err
	}
	r.Access = slices.DeleteFunc(r.Access, func(t AccessToken) bool { return AccessKey(r.Key, t.Audience) == key })
	_, err = c.save(ctx, e.Profile, r, false, old, "")
	return err
}
