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

// writeItem stores secret under key, chunked when it exceeds the store's
// limit. old is the previous layout, whose chunks are deleted once the new
// record is in place.
func writeItem(ctx context.Context, s Store, key, secret string, old layout) (layout, error) {
	limit := s.Limit(key)
	var now layout
	if limit <= 0 || len(secret) <= limit {
		if err := s.Set(ctx, key, secret); err != nil {
			return old, err
		}
	} else {
		now.Gen = newGen()
		parts := split(secret, limit)
		for i, p := range parts {
			if err := s.Set(ctx, chunkKey(key, now.Gen, i), p); err != nil {
				removeChunks(ctx, s, key, now.Gen, i)
				return old, err
			}
		}
		now.Chunks = len(parts)
		sum := sha256.Sum256([]byte(secret))
		m, _ := json.Marshal(manifestItem{&manifest{Gen: now.Gen, Chunks: now.Chunks, SHA256: hex.EncodeToString(sum[:])}})
		if err := s.Set(ctx, key, string(m)); err != nil {
			removeChunks(ctx, s, key, now.Gen, now.Chunks)
			return old, err
		}
	}
	if old.Chunks > 0 && old.Gen != now.Gen {
		removeChunks(ctx, s, key, old.Gen, old.Chunks)
	}
	return now, nil
}

// readItem reads the main item and, for a manifest, its chunks.
func readItem(ctx context.Context, s Store, key string) (string, layout, error) {
	main, err := s.Get(ctx, key)
	if err != nil {
		return "", layout{}, err
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

func deleteItem(ctx context.Context, s Store, key string, l layout) error {
	err := s.Delete(ctx, key)
	removeChunks(ctx, s, key, l.Gen, l.Chunks)
	return err
}

func removeChunks(ctx context.Context, s Store, key, gen string, n int) {
	for i := range n {
		s.Delete(ctx, chunkKey(key, gen, i))
	}
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
