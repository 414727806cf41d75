package tokencache

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sort"
	"time"

	"github.com/latchdev/latch/auth"
)

// Index is the non-secret list of records: go-keyring cannot enumerate
// items, so status, cache ls and logout --all read this file. It also maps
// each profile to its current account.
type Index struct {
	Version  int                `json:"v"`
	Records  map[Key]*Entry     `json:"records"`
	Profiles map[string]Profile `json:"profiles"`
	// Pending lists chunk generations being written, recorded before their
	// first chunk: what a crash left behind, to be swept.
	Pending []ChunkSet `json:"pending,omitempty"`
	// Problems says, for people, which parts of the file were malformed
	// and skipped. It is not stored.
	Problems []string `json:"-"`
}

// ChunkSet names the chunks of one generation of a record.
type ChunkSet struct {
	Key    Key    `json:"key"`
	Gen    string `json:"gen"`
	Chunks int    `json:"chunks"`
}

// Profile is what the index remembers of a profile.
type Profile struct {
	// Current is the record signed in last; the default account.
	Current Key `json:"current"`
}

// Entry describes one record without its secrets.
type Entry struct {
	Key           Key             `json:"key"`
	Profile       string          `json:"profile,omitempty"`
	Tenant        string          `json:"tenant"`
	Alias         string          `json:"alias,omitempty"`
	ClientID      string          `json:"client_id"`
	Subject       string          `json:"sub"`
	Account       string          `json:"account,omitempty"`
	Store         string          `json:"store"`
	Refreshable   bool            `json:"refreshable"`
	IDTokenExpiry time.Time       `json:"id_token_expiry,omitzero"`
	Audiences     []AudienceEntry `json:"audiences"`
	Size          int             `json:"size"`
	Chunks        int             `json:"chunks"`
	Gen           string          `json:"gen,omitempty"`
	Updated       time.Time       `json:"updated"`
}

// AudienceEntry is one access token's place in a record.
type AudienceEntry struct {
	Key      string        `json:"key"`
	Audience auth.Audience `json:"audience"`
	Scope    string        `json:"scope,omitempty"`
	// ScopeRequested: Scope is what was asked for; the provider named none.
	ScopeRequested bool      `json:"scope_requested,omitempty"`
	Expiry         time.Time `json:"expiry,omitzero"`
	Issued         time.Time `json:"issued,omitzero"`
}

func (e *Entry) layout() layout { return layout{Gen: e.Gen, Chunks: e.Chunks} }

// Find returns the audience entry for a, or nil.
func (e *Entry) Find(a auth.Audience) *AudienceEntry {
	return findAudience(e.Audiences, func(x *AudienceEntry) auth.Audience { return x.Audience }, a)
}

// Sorted returns the entries ordered by tenant, then account.
func (x *Index) Sorted() []*Entry {
	out := make([]*Entry, 0, len(x.Records))
	for _, e := range x.Records {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Tenant != out[j].Tenant {
			return out[i].Tenant < out[j].Tenant
		}
		return out[i].Key < out[j].Key
	})
	return out
}

// maxIndexSize bounds the index file; a real one with a hundred sessions
// is a few tens of kilobytes.
const maxIndexSize = 4 << 20

func readIndex(path string) (*Index, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return newIndex(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("%w: reading the cache index %s: %w", ErrStateDir, path, err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxIndexSize+1))
	if err != nil {
		return nil, fmt.Errorf("%w: reading the cache index %s: %w", ErrStateDir, path, err)
	}
	if len(b) > maxIndexSize {
		return nil, fmt.Errorf("%w: the cache index %s is larger than %d bytes: delete it and sign in again", ErrStateDir, path, maxIndexSize)
	}
	x, err := parseIndex(b)
	if err != nil {
		return nil, fmt.Errorf("%w: the cache index %s is unreadable (%w): delete it and sign in again", ErrStateDir, path, err)
	}
	return x, nil
}

func writeIndex(path string, x *Index) error {
	b, err := json.MarshalIndent(x, "", "  ")
	if err != nil {
		return err
	}
	if err := writeFileAtomic(path, b); err != nil {
		return fmt.Errorf("%w: writing the cache index %s: %w", ErrStateDir, path, err)
	}
	return nil
}

func entryFor(r *Record, profile, store string, size int, l layout) *Entry {
	e := &Entry{
		Key: r.Key, Profile: profile, Tenant: r.Tenant, Alias: r.Alias, ClientID: r.ClientID,
		Subject: r.Subject, Account: r.Account, Store: store, Refreshable: r.RefreshToken != "",
		Size: size, Chunks: l.Chunks, Gen: l.Gen, Updated: r.Updated,
	}
	if r.IDToken != "" {
		if _, p, err := auth.UnverifiedClaims(r.IDToken); err == nil {
			if exp, ok := p["exp"].(float64); ok {
				e.IDTokenExpiry = time.Unix(int64(exp), 0)
			}
		}
	}
	for _, a := range r.Access {
		e.Audiences = append(e.Audiences, AudienceEntry{Key: AccessKey(r.Key, a.Audience), Audience: a.Audience, Scope: a.Scope, ScopeRequested: a.ScopeRequested, Expiry: a.Expiry, Issued: a.Issued})
	}
	return e
}
