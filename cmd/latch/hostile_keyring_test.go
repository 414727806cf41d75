package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/latchdev/latch/auth/authtest"
	"github.com/latchdev/latch/tokencache"
	"github.com/zalando/go-keyring"
)

// Attack: hostile keyring record contents (a record another program or an
// older latch wrote), read through every command that shows a session.
func TestHostileKeyringRecords(t *testing.T) {
	authtest.RequireKeyring(t)
	dir := t.TempDir()
	state := filepath.Join(dir, "state")
	os.MkdirAll(state, 0o700)
	t.Setenv("LATCH_STATE_DIR", state)
	cfg := filepath.Join(dir, "config.toml")
	t.Setenv("LATCH_CONFIG", cfg)
	t.Setenv("NO_COLOR", "1")
	os.WriteFile(cfg, []byte("default = \"p\"\n[tenants.p]\nissuer = \"https://t.example\"\nclient_id = \"c\"\n"), 0o600)
	key := string(tokencache.RecordKey("https://t.example", "c", "s"))
	idx := map[string]any{"v": 1, "profiles": map[string]any{"p": map[string]any{"current": key}},
		"records": map[string]any{key: map[string]any{"key": key, "profile": "p", "tenant": "https://t.example", "client_id": "c", "sub": "s", "store": "keyring",
			"audiences": []any{map[string]any{"key": key, "audience": map[string]any{}, "expiry": "9999-01-01T00:00:00Z"}}}}}
	b, _ := json.Marshal(idx)
	os.WriteFile(filepath.Join(state, "index.json"), b, 0o600)

	hostile := []string{
		// control characters in the access token and account
		`{"v":1,"key":KEY,"tenant":"https://t.example","client_id":"c","sub":"s","account":"a\u001b]52;c;SGk=\u0007","access":[{"audience":{},"access_token":"abc\u001b]52;c;SGk=\u0007","expiry":"9999-01-01T00:00:00Z"}]}`,
		// null entries and wrong types
		`{"v":1,"key":KEY,"tenant":"https://t.example","client_id":"c","sub":"s","access":[null]}`,
		`{"v":1,"key":KEY,"tenant":"https://t.example","client_id":"c","sub":"s","access":{"a":1}}`,
		`{"v":1e300}`,
		`null`,
		`[]`,
		`{"v":1,"key":KEY,"tenant":"https://t.example","client_id":"c","sub":"s","id_token":"e30.e30.","access":[{"audience":{"scopes":null},"access_token":"abc","expiry":"9999-01-01T00:00:00Z"}]}`,
	}
	jkey, _ := json.Marshal(key)
	for i, rec := range hostile {
		rec = strings.ReplaceAll(rec, "KEY", string(jkey))
		if err := keyring.Set("latch", key, rec); err != nil {
			t.Fatal(err)
		}
		for _, args := range [][]string{{"token"}, {"token", "-o", "json"}, {"claims"}, {"claims", "-o", "json"}, {"status"}, {"orgs"}, {"token", "-o", "exec-credential"}} {
			var out, errb bytes.Buffer
			a := &app{streams: streams{strings.NewReader(""), &out, &errb}}
			code := func() (code int) {
				defer func() {
					if p := recover(); p != nil {
						t.Errorf("record %d, latch %s: panic %v", i, strings.Join(args, " "), p)
						code = -1
					}
				}()
				return a.run(args)
			}()
			assertNoControls(t, "record "+string(rune('0'+i))+" latch "+strings.Join(args, " ")+" stdout", out.String())
			assertNoControls(t, "record "+string(rune('0'+i))+" latch "+strings.Join(args, " ")+" stderr", errb.String())
			if strings.Contains(strings.Join(args, " "), "json") || strings.Contains(strings.Join(args, " "), "exec") {
				if code == 0 && !json.Valid(out.Bytes()) {
					t.Errorf("record %d latch %s: invalid JSON %q", i, strings.Join(args, " "), out.String())
				}
			}
		}
	}
	keyring.Delete("latch", key)
}
