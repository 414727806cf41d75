package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Attack: hostile index file contents reach the terminal raw.

// runWithIndex runs latch in this process against a state dir holding the
// given index file, and an empty config.
func runWithIndex(t *testing.T, index string, args ...string) outcome {
	t.Helper()
	dir := t.TempDir()
	state := filepath.Join(dir, "state")
	if err := os.MkdirAll(state, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(state, "index.json"), []byte(index), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("LATCH_STATE_DIR", state)
	t.Setenv("LATCH_CONFIG", filepath.Join(dir, "config.toml"))
	t.Setenv("NO_COLOR", "1")
	var out, errb bytes.Buffer
	a := &app{streams: streams{strings.NewReader(""), &out, &errb}}
	code := a.run(args)
	return outcome{out.String(), errb.String(), code}
}

func assertNoControls(t *testing.T, what, s string) {
	t.Helper()
	for _, line := range strings.Split(s, "\n") {
		if i := strings.IndexFunc(line, func(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f || r >= 0x80 && r < 0xa0 }); i >= 0 {
			t.Errorf("%s: control character %q reached the terminal in line %q", what, line[i], line)
		}
	}
}

// An orphaned chunk set whose key carries an OSC 52 clipboard write and a
// newline: cache ls prints its "remove with: latch cache rm '...'" hint
// through shellQuote only, so ESC, BEL and the newline reach stderr raw.
func TestOrphanKeyIsEscapedInCacheLs(t *testing.T) {
	idx := `{"v":1,"records":{},"pending":[{"key":"o\u001b]52;c;T1dORUQ=\u0007\nFORGED ROW","gen":"ab","chunks":1}]}`
	r := runWithIndex(t, idx, "cache", "ls")
	assertNoControls(t, "cache ls stderr", r.stderr)
	assertNoControls(t, "cache ls stdout", r.stdout)
}

// An index entry's "store" field is printed raw in the STORE column of
// status and cache ls (every other column goes through cell()).
func TestStoreColumnIsEscaped(t *testing.T) {
	idx := `{"v":1,"records":{"k":{"key":"k","tenant":"https://t.example","client_id":"c","sub":"s","account":"a","store":"keyring\u001b]52;c;T1dORUQ=\u0007\u001b[2J","audiences":[{"key":"z","audience":{}}]}}}`
	for _, cmd := range [][]string{{"status"}, {"cache", "ls"}} {
		r := runWithIndex(t, idx, cmd...)
		assertNoControls(t, strings.Join(cmd, " ")+" stdout", r.stdout)
		assertNoControls(t, strings.Join(cmd, " ")+" stderr", r.stderr)
	}
}

// JSON output: encoding/json escapes C0 controls but writes C1 controls
// (U+0080..U+009F, e.g. U+009B, the 8-bit CSI) and bidi overrides
// (U+202E) raw, while the text output escapes them (auth.TerminalSafe).
// `latch status -o json` on a terminal thus carries them to it.
func TestJSONOutputEscapesC1AndBidi(t *testing.T) {
	idx := `{"v":1,"records":{"k":{"key":"k","tenant":"https://t.example/\u009b2J\u202eevil","client_id":"c","sub":"s\u0085x","account":"a","store":"keyring","audiences":[{"key":"z","audience":{}}]}}}`
	for _, cmd := range [][]string{{"status", "-o", "json"}, {"cache", "ls", "-o", "json"}} {
		r := runWithIndex(t, idx, cmd...)
		for _, bad := range []rune{0x9b, 0x85, 0x202e} {
			if strings.ContainsRune(r.stdout, bad) {
				t.Errorf("latch %s: U+%04X reached stdout raw:\n%s", strings.Join(cmd, " "), bad, r.stdout)
			}
		}
	}
}
