package tokencache

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/latchdev/latch/auth"
)

// folded reports inputs on which latch's hand decoding may rightly differ
// from encoding/json's struct decoding: a member name that matches a field
// only case-insensitively (encoding/json takes it; latch writes lower case
// and reads names exactly).
func folded(t *testing.T, s string) bool {
	var v any
	if json.Unmarshal([]byte(s), &v) != nil {
		return false
	}
	names := map[string]bool{}
	for _, n := range []string{"v", "key", "profile", "tenant", "alias", "client_id", "sub", "account", "store",
		"refreshable", "id_token_expiry", "audiences", "size", "chunks", "gen", "updated", "audience", "scope",
		"scope_requested", "expiry", "issued", "resource", "organization_id", "scopes", "refresh_token",
		"id_token", "access", "access_token", "token_type"} {
		names[n] = true
	}
	var walk func(any) bool
	walk = func(v any) bool {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				if !names[k] {
					for n := range names {
						if strings.EqualFold(k, n) {
							return true
						}
					}
				}
				if walk(e) {
					return true
				}
			}
		case []any:
			for _, e := range v {
				if walk(e) {
					return true
				}
			}
		}
		return false
	}
	return walk(v)
}

// The hand decoding reads what encoding/json reads: the same values, and
// no input encoding/json accepts is refused.
func FuzzReadRecordMatchesEncodingJSON(f *testing.F) {
	r := Record{Version: 1, Key: "k", Tenant: "https://t/oidc", ClientID: "c", Subject: "s", RefreshToken: "rt",
		IDToken: "id", Updated: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC),
		Access: []AccessToken{{Audience: auth.Audience{Resource: "https://api", Scopes: []string{"read"}}, AccessToken: "at",
			TokenType: "Bearer", Scope: "read", ScopeRequested: true, Expiry: time.Date(2026, 12, 1, 1, 0, 0, 0, time.FixedZone("", 3600))}}}
	b, _ := json.Marshal(r)
	f.Add(string(b))
	f.Add(`{"v":1,"access":[null,{"audience":null}],"updated":null}`)
	f.Add(`{"v":1,"access":[{"audience":{"scopes":[null,"a"]}}]}`)
	f.Fuzz(func(t *testing.T, s string) {
		if folded(t, s) {
			return
		}
		var want Record
		werr := json.Unmarshal([]byte(s), &want)
		o, err := decodeObject([]byte(s))
		var got *Record
		if err == nil {
			got, err = readRecord(o)
		}
		if werr != nil {
			return
		}
		if err != nil {
			t.Fatalf("encoding/json reads %q, latch does not: %v", s, err)
		}
		if o == nil {
			return // null: no record at all; the version check refuses it
		}
		wb, _ := json.Marshal(want)
		gb, _ := json.Marshal(got)
		if string(wb) != string(gb) {
			t.Fatalf("%q reads differently:\nencoding/json %s\nlatch         %s", s, wb, gb)
		}
	})
}

func FuzzReadEntryMatchesEncodingJSON(f *testing.F) {
	e := Entry{Key: "k", Profile: "p", Tenant: "t", ClientID: "c", Subject: "s", Store: "keyring", Refreshable: true,
		Size: 10, Chunks: 2, Gen: "0a", Updated: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC),
		Audiences: []AudienceEntry{{Key: "a", Audience: auth.Audience{Organization: "o"}, Expiry: time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)}}}
	b, _ := json.Marshal(e)
	f.Add(string(b))
	f.Add(`{"key":"k","audiences":[{"audience":{"resource":1}}]}`)
	f.Fuzz(func(t *testing.T, s string) {
		if folded(t, s) {
			return
		}
		var want *Entry
		werr := json.Unmarshal([]byte(s), &want)
		o, err := decodeObject([]byte(s))
		var got *Entry
		if err == nil {
			got, err = readEntry(o)
		}
		if werr != nil {
			return
		}
		if err != nil {
			t.Fatalf("encoding/json reads %q, latch does not: %v", s, err)
		}
		wb, _ := json.Marshal(want)
		gb, _ := json.Marshal(got)
		if string(wb) != string(gb) {
			t.Fatalf("%q reads differently:\nencoding/json %s\nlatch         %s", s, wb, gb)
		}
	})
}

// What latch refuses, it refuses with the member's name.
func TestReadRecordNamesTheBadMember(t *testing.T) {
	for s, want := range map[string]string{
		`{"v":1,"refresh_token":5}`:          `"refresh_token" is a number, not a string`,
		`{"v":"1"}`:                          `"v" is a string, not a number`,
		`{"v":1.5}`:                          `"v" is a number, not a whole number`,
		`{"v":1e0}`:                          `"v" is a number, not a whole number`,
		`{"v":1,"updated":"yesterday"}`:      `"updated" is not an RFC 3339 time`,
		`{"v":1,"access":{}}`:                `"access" is an object, not a list`,
		`{"v":1,"access":[{"audience":[]}]}`: `"audience" is a list, not an object`,
		`[1]`:                                `a list, not a JSON object`,
	} {
		_, err := unmarshalRecord(s)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want it to say %s", s, err, want)
		}
	}
}

// A number no float64 holds, in a member latch does not read (a newer
// latch's, say), spoils nothing: the index reads and keeps its entry.
func TestIndexWithAnOutOfRangeNumberStillReads(t *testing.T) {
	x, err := parseIndex([]byte(`{"v":1,"future":1e400,"records":{"k":{"key":"k","size":10,"future":-1e999}},"profiles":{"p":{"current":"k"}}}`))
	if err != nil {
		t.Fatalf("the index is unreadable: %v", err)
	}
	if x.Records["k"] == nil || len(x.Problems) != 0 {
		t.Fatalf("entry %+v, problems %q", x.Records["k"], x.Problems)
	}
	if _, err := parseIndex([]byte(`{"v":1} {}`)); err == nil {
		t.Fatal("text after the index object was accepted")
	}
}
