package tokencache

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
)

// Chunked records and crashes: go-keyring cannot list items, so a chunk no
// manifest points to would stay in the keyring for ever unless its name is
// known. Before the first chunk of a new generation is written, the
// generation is recorded in the index as pending; the old generation of a
// record that is replaced, and the chunks of a deleted one, are recorded
// the same way. After every successful write or delete of a record, every
// pending generation of that key but the live one is removed from the
// keyring, then from the index. What a crash leaves behind stays listed
// (Index.Orphans) until the next write or delete of that key sweeps it.

// addPending records a fresh generation for key as pending.
func (c *Cache) addPending(ctx context.Context, key Key) (string, error) {
	gen := newGen()
	err := c.updateIndex(ctx, func(x *Index) {
		x.Pending = append(x.Pending, ChunkSet{Key: key, Gen: gen})
	})
	return gen, err
}

// dropPending forgets the pending generation gen of key (it is live now,
// or was never written).
func (x *Index) dropPending(key Key, gen string) {
	x.Pending = slices.DeleteFunc(x.Pending, func(p ChunkSet) bool { return p.Key == key && p.Gen == gen })
}

// retire lists the chunks of layout l of key as pending removal, unless l
// is the live generation, holds no chunks, or is listed already.
func (x *Index) retire(key Key, l layout, live string) {
	if l.Chunks == 0 || l.Gen == live {
		return
	}
	for i, p := range x.Pending {
		if p.Key == key && p.Gen == l.Gen {
			x.Pending[i].Chunks = max(p.Chunks, l.Chunks)
			return
		}
	}
	x.Pending = append(x.Pending, ChunkSet{Key: key, Gen: l.Gen, Chunks: l.Chunks})
}

// sweep removes the chunks of key's pending generations other than live,
// and forgets those it removed. Failures leave them listed: sweeping is
// never worth failing a write that already succeeded.
func (c *Cache) sweep(ctx context.Context, key Key, live string) {
	x, err := c.Index()
	if err != nil {
		return
	}
	var done []ChunkSet
	for _, p := range x.Pending {
		if p.Key != key || p.Gen == live {
			continue
		}
		if removeChunks(ctx, c.Store, string(key), p.Gen, p.Chunks) == nil {
			done = append(done, p)
		}
	}
	if len(done) == 0 {
		return
	}
	c.updateIndex(ctx, func(x *Index) {
		x.Pending = slices.DeleteFunc(x.Pending, func(p ChunkSet) bool { return slices.Contains(done, p) })
	})
}

// Orphans lists the chunk generations a crash or a failed removal left
// behind: pending, and not the live generation of a record. Their chunks
// may or may not exist in the keyring (a generation is recorded before its
// first chunk is written). Chunks == 0 means the count is not known.
func (x *Index) Orphans() []ChunkSet {
	var out []ChunkSet
	for _, p := range x.Pending {
		if e := x.Records[p.Key]; e == nil || e.Gen != p.Gen {
			out = append(out, p)
		}
	}
	return out
}

// Probe checks that a sign-in could be stored: the state directory takes a
// file (created and removed), the index is readable, and the store answers.
func (c *Cache) Probe(ctx context.Context) error {
	if err := os.MkdirAll(c.Dir, 0o700); err != nil {
		return fmt.Errorf("%w (%s): %w", ErrStateDir, c.Dir, err)
	}
	f, err := os.CreateTemp(c.Dir, ".probe-*")
	if err != nil {
		return fmt.Errorf("%w (%s): %w", ErrStateDir, c.Dir, err)
	}
	name := f.Name()
	f.Close()
	if err := os.Remove(name); err != nil {
		return fmt.Errorf("%w (%s): %w", ErrStateDir, c.Dir, err)
	}
	if _, err := c.Index(); err != nil {
		return err
	}
	_, err = c.Store.Get(ctx, "latch/probe")
	if err == nil || errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}
