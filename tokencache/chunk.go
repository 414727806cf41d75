package tokencache

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// manifest is what the main item holds when a record is chunked.
type manifest struct {
	Gen    string `json:"gen"`
	Chunks int    `json:"chunks"`
	SHA256 string `json:"sha256"`
}

type manifestItem struct {
	Manifest *manifest `json:"latch_manifest"`
}

// layout is where a record's pieces are, as the index remembers it.
type layout struct {
	Gen    string
	Chunks int
}

func chunkKey(key, gen string, i int) string { return fmt.Sprintf("%s #%s/%d", key, gen, i) }

// writeItem stores secret under key, chunked under generation gen when it
// exceeds the store's limit: chunks first, then the manifest replaces the
// main item in one write, so a reader sees the old record or the new one.
// Chunks of a write that fails are left for the sweep (the caller has
// recorded gen as pending in the index before).
func writeItem(ctx context.Context, s Store, key, secret, gen string) (layout, error) {
	limit := s.Limit(key)
	if limit <= 0 || len(secret) <= limit {
		return layout{}, s.Set(ctx, key, secret)
	}
	if !validGen(gen) {
		return layout{}, errors.New("tokencache: chunked write without a pending generation")
	}
	parts := split(secret, limit)
	if len(parts) > maxChunks {
		return layout{}, fmt.Errorf("the session record (%d bytes) needs more than %d keyring items", len(secret), maxChunks)
	}
	for i, p := range parts {
		if err := s.Set(ctx, chunkKey(key, gen, i), p); err != nil {
			return layout{}, err
		}
	}
	sum := sha256.Sum256([]byte(secret))
	m, err := json.Marshal(manifestItem{&manifest{Gen: gen, Chunks: len(parts), SHA256: hex.EncodeToString(sum[:])}})
	if err != nil {
		return layout{}, err
	}
	if err := s.Set(ctx, key, string(m)); err != nil {
		return layout{}, err
	}
	return layout{Gen: gen, Chunks: len(parts)}, nil
}

// needsChunks reports whether a secret of n bytes is chunked in s.
func needsChunks(s Store, key string, n int) bool {
	limit := s.Limit(key)
	return limit > 0 && n > limit
}

// readItem reads the main item and, for a manifest, its chunks.
func readItem(ctx context.Context, s Store, key string) (string, layout, error) {
	main, err := s.Get(ctx, key)
	if err != nil {
		return "", layout{}, err
	}
	if len(main) > maxRecordSize {
		return "", layout{}, fmt.Errorf("%w: the stored session is larger than %d bytes", ErrUnknownFormat, maxRecordSize)
	}
	m, err := parseManifest(main)
	if err != nil || m == nil {
		return main, layout{}, err
	}
	var b strings.Builder
	for i := range m.Chunks {
		p, err := s.Get(ctx, chunkKey(key, m.Gen, i))
		if errors.Is(err, ErrNotFound) {
			return "", layout{}, fmt.Errorf("%w: chunk %d of %d of the stored session is missing", ErrSignInRequired, i+1, m.Chunks)
		}
		if err != nil {
			return "", layout{}, fmt.Errorf("chunk %d of %d: %w", i+1, m.Chunks, err)
		}
		if b.Len()+len(p) > maxRecordSize {
			return "", layout{}, fmt.Errorf("%w: the stored session's chunks exceed %d bytes", ErrUnknownFormat, maxRecordSize)
		}
		b.WriteString(p)
	}
	sum := sha256.Sum256([]byte(b.String()))
	if hex.EncodeToString(sum[:]) != m.SHA256 {
		return "", layout{}, fmt.Errorf("%w: the stored chunks do not add up to the record their manifest names", ErrSignInRequired)
	}
	return b.String(), layout{Gen: m.Gen, Chunks: m.Chunks}, nil
}

// parseManifest returns the manifest a main item holds, or nil when the
// item is a whole record. A malformed manifest is an error, never a panic,
// and its chunk count is bounded.
func parseManifest(main string) (*manifest, error) {
	if !strings.HasPrefix(main, `{"latch_manifest"`) {
		return nil, nil
	}
	var mi manifestItem
	if err := json.Unmarshal([]byte(main), &mi); err != nil || mi.Manifest == nil {
		return nil, fmt.Errorf("%w: the chunk manifest is unreadable", ErrUnknownFormat)
	}
	m := mi.Manifest
	if m.Chunks < 1 || m.Chunks > maxChunks || !validGen(m.Gen) || len(m.SHA256) != 64 {
		return nil, fmt.Errorf("%w: the chunk manifest names %d chunks of generation %q", ErrUnknownFormat, m.Chunks, m.Gen)
	}
	return m, nil
}

// removeChunks deletes the chunks of one generation, last first, so that
// a removal cut short leaves a prefix that the next one finds. n == 0 means
// the count is unknown (a pending generation): it is found by reading.
func removeChunks(ctx context.Context, s Store, key, gen string, n int) error {
	if n == 0 {
		for n < maxChunks {
			_, err := s.Get(ctx, chunkKey(key, gen, n))
			if errors.Is(err, ErrNotFound) {
				break
			}
			if err != nil {
				return err
			}
			n++
		}
	}
	for i := n - 1; i >= 0; i-- {
		if err := s.Delete(ctx, chunkKey(key, gen, i)); err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
	}
	return nil
}

// split cuts s into pieces of at most limit bytes on rune boundaries, so
// every piece is valid UTF-8 (D-Bus strings must be).
func split(s string, limit int) []string {
	var out []string
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		if cut == 0 {
			cut = limit
		}
		out = append(out, s[:cut])
		s = s[cut:]
	}
	return append(out, s)
}

func newGen() string {
	b := make([]byte, 4)
	rand.Read(b)
	return hex.EncodeToString(b)
}
