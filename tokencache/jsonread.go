package tokencache

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/latchdev/latch/auth"
)

// The index and the records are read without encoding/json's struct
// decoding: the first decode of a struct type makes encoding/json build a
// table of its fields by reflection, and for Entry, AudienceEntry, Record
// and AccessToken that was about a fifth of the instructions of a cached
// latch token (more than the index and record parsing themselves). The
// text is decoded into its generic form (maps, slices, strings, numbers
// kept as text) and copied into the types by hand, with encoding/json's
// rules for what latch writes: a missing or null member leaves the zero
// value, a member of the wrong type makes the whole value malformed, an
// integer is read as strconv.ParseInt reads it, unknown members are ignored
// whatever they hold. Member names match exactly (latch writes them in
// lower case).
// Writing still uses encoding/json.

// jsonObject is one decoded JSON object.
type jsonObject map[string]any

// decodeObject decodes b, which must hold one JSON object (or null: nil, no
// error).
func decodeObject(b []byte) (jsonObject, error) {
	var v any
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber() // a number out of float64's range is no error until read
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, errors.New("text after the JSON value")
	}
	switch v := v.(type) {
	case nil:
		return nil, nil
	case map[string]any:
		return v, nil
	}
	return nil, fmt.Errorf("%s, not a JSON object", jsonKind(v))
}

// jsonKind names the kind of a decoded value, for messages.
func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "a list"
	}
	return "an object"
}

// fields copies members of one object into Go values; the first member of
// the wrong type is remembered in err and the rest are read as zero.
type fields struct {
	o   jsonObject
	err error
}

func (f *fields) fail(name string, v any, want string) {
	if f.err == nil {
		f.err = fmt.Errorf("%q is %s, not %s", name, jsonKind(v), want)
	}
}

func (f *fields) str(name string) string {
	switch v := f.o[name].(type) {
	case nil:
	case string:
		return v
	default:
		f.fail(name, v, "a string")
	}
	return ""
}

func (f *fields) boolean(name string) bool {
	switch v := f.o[name].(type) {
	case nil:
	case bool:
		return v
	default:
		f.fail(name, v, "a boolean")
	}
	return false
}

// integer is a number read as encoding/json reads one into an int.
func (f *fields) integer(name string) int {
	switch v := f.o[name].(type) {
	case nil:
	case json.Number:
		if n, err := strconv.ParseInt(string(v), 10, 0); err == nil {
			return int(n)
		}
		f.fail(name, v, "a whole number")
	default:
		f.fail(name, v, "a number")
	}
	return 0
}

// time is an RFC 3339 time, read as time.Time reads it from JSON.
func (f *fields) time(name string) time.Time {
	var t time.Time
	switch v := f.o[name].(type) {
	case nil:
	case string:
		if err := t.UnmarshalText([]byte(v)); err != nil && f.err == nil {
			f.err = fmt.Errorf("%q is not an RFC 3339 time", name)
		}
	default:
		f.fail(name, v, "an RFC 3339 time")
	}
	return t
}

// strings is a list of strings; an empty list is empty, not nil, as
// encoding/json makes it.
func (f *fields) strings(name string) []string {
	var out []string
	switch v := f.o[name].(type) {
	case nil:
	case []any:
		out = make([]string, 0, len(v))
		for _, s := range v {
			switch s := s.(type) {
			case string:
				out = append(out, s)
			case nil:
				out = append(out, "")
			default:
				f.fail(name, v, "a list of strings")
				return nil
			}
		}
	default:
		f.fail(name, v, "a list")
	}
	return out
}

// object is a member that is an object; null or missing is nil.
func (f *fields) object(name string) jsonObject {
	switch v := f.o[name].(type) {
	case nil:
	case map[string]any:
		return v
	default:
		f.fail(name, v, "an object")
	}
	return nil
}

// objects is a member that is a list of objects (a null element is the
// zero object, as encoding/json leaves it).
func (f *fields) objects(name string) []jsonObject {
	var out []jsonObject
	switch v := f.o[name].(type) {
	case nil:
	case []any:
		out = make([]jsonObject, 0, len(v))
		for _, e := range v {
			switch e := e.(type) {
			case nil:
				out = append(out, nil)
			case map[string]any:
				out = append(out, e)
			default:
				f.fail(name, v, "a list of objects")
				return nil
			}
		}
	default:
		f.fail(name, v, "a list")
	}
	return out
}

func readAudience(f *fields, name string) auth.Audience {
	a := fields{o: f.object(name)}
	out := auth.Audience{Resource: a.str("resource"), Organization: a.str("organization_id"), Scopes: a.strings("scopes")}
	if f.err == nil {
		f.err = a.err
	}
	return out
}

// readEntry is an index entry; nil for JSON null.
func readEntry(o jsonObject) (*Entry, error) {
	if o == nil {
		return nil, nil
	}
	f := fields{o: o}
	e := &Entry{
		Key: Key(f.str("key")), Profile: f.str("profile"), Tenant: f.str("tenant"), Alias: f.str("alias"),
		ClientID: f.str("client_id"), Subject: f.str("sub"), Account: f.str("account"), Store: f.str("store"),
		Refreshable: f.boolean("refreshable"), IDTokenExpiry: f.time("id_token_expiry"),
		Size: f.integer("size"), Chunks: f.integer("chunks"), Gen: f.str("gen"), Updated: f.time("updated"),
	}
	list := f.objects("audiences")
	if list != nil {
		e.Audiences = make([]AudienceEntry, 0, len(list))
	}
	for _, ao := range list {
		a := fields{o: ao}
		e.Audiences = append(e.Audiences, AudienceEntry{
			Key: a.str("key"), Audience: readAudience(&a, "audience"), Scope: a.str("scope"),
			ScopeRequested: a.boolean("scope_requested"), Expiry: a.time("expiry"), Issued: a.time("issued"),
		})
		if f.err == nil {
			f.err = a.err
		}
	}
	return e, f.err
}

// readRecord is a record (its version is checked by the caller).
func readRecord(o jsonObject) (*Record, error) {
	f := fields{o: o}
	r := &Record{
		Version: f.integer("v"), Key: Key(f.str("key")), Tenant: f.str("tenant"), Alias: f.str("alias"),
		ClientID: f.str("client_id"), Subject: f.str("sub"), Account: f.str("account"),
		RefreshToken: f.str("refresh_token"), IDToken: f.str("id_token"), Updated: f.time("updated"),
	}
	list := f.objects("access")
	if list != nil {
		r.Access = make([]AccessToken, 0, len(list))
	}
	for _, ao := range list {
		a := fields{o: ao}
		r.Access = append(r.Access, AccessToken{
			Audience: readAudience(&a, "audience"), AccessToken: a.str("access_token"), TokenType: a.str("token_type"),
			Scope: a.str("scope"), ScopeRequested: a.boolean("scope_requested"), Expiry: a.time("expiry"), Issued: a.time("issued"),
		})
		if f.err == nil {
			f.err = a.err
		}
	}
	return r, f.err
}
