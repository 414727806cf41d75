package tokencache

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
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
	Expiry   time.Time     `json:"expiry,omitzero"`
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

func readIndex(path string) (*Index, error) {
	x := &Index{Version: 1, Records: map[Key]*Entry{}, Profiles: map[string]Profile{}}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return x, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, x); err != nil {
		return nil, errors.New("the cache index " + path + " is unreadable: delete it and sign in again")
	}
	if x.Records == nil {
		x.Records = map[Key]*Entry{}
	}
	if x.Profiles == nil {
		x.Profiles = map[string]Profile{}
	}
	return x, nil
}

func writeIndex(path string, x *Index) error {
	b, err := json.MarshalIndent(x, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	return writeFileAtomic(path, b)
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
		e.Audiences = append(e.Audiences, AudienceEntry{Key: AccessKey(r.Key, a.Audience), Audience: a.Audience, Scope: a.Scope, Expiry: a.Expiry})
	}
	return e
}
