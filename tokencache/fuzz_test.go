package tokencache

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// The seed corpora under testdata/fuzz hold the inputs that once broke or
// could break these parsers: a null entry, a huge chunk count, negative
// sizes, wrong types, a key that does not match its record.

func FuzzIndex(f *testing.F) {
	f.Add([]byte(`{"v":1,"records":{"k":{"key":"k","size":10}},"profiles":{"p":{"current":"k"}}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		x, err := parseIndex(b)
		if err != nil {
			return
		}
		for k, e := range x.Records {
			if e == nil || e.Key != k || e.Size < 0 || e.Size > maxRecordSize || e.Chunks < 0 || e.Chunks > maxChunks {
				t.Fatalf("a malformed entry was kept: %q %+v", k, e)
			}
		}
		if len(x.Pending) > maxPending {
			t.Fatalf("%d pending sets kept", len(x.Pending))
		}
		// What is kept writes back and reads again without a problem.
		out, err := json.Marshal(x)
		if err != nil {
			t.Fatal(err)
		}
		y, err := parseIndex(out)
		if err != nil || len(y.Problems) != 0 || len(y.Records) != len(x.Records) {
			t.Fatalf("the cleaned index does not read back: %v %q", err, y.Problems)
		}
	})
}

func FuzzRecord(f *testing.F) {
	f.Add(`{"v":1,"key":"k","refresh_token":"rt","access":[{"access_token":"a"}]}`)
	f.Fuzz(func(t *testing.T, s string) {
		r, err := unmarshalRecord(s)
		if err != nil {
			if !errors.Is(err, ErrSignInRequired) || !errors.Is(err, ErrUnknownFormat) {
				t.Fatalf("an unreadable record is not 'sign in again': %v", err)
			}
			return
		}
		if r.Version != recordVersion {
			t.Fatalf("version %d accepted", r.Version)
		}
	})
}

func FuzzManifest(f *testing.F) {
	f.Add(`{"latch_manifest":{"gen":"0a1b2c3d","chunks":3,"sha256":"` + strings.Repeat("0", 64) + `"}}`)
	f.Fuzz(func(t *testing.T, s string) {
		m, err := parseManifest(s)
		if err != nil {
			if !errors.Is(err, ErrSignInRequired) {
				t.Fatalf("a bad manifest is not 'sign in again': %v", err)
			}
			return
		}
		if m != nil && (m.Chunks < 1 || m.Chunks > maxChunks || !validGen(m.Gen)) {
			t.Fatalf("manifest accepted: %+v", m)
		}
	})
}
