package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/latchdev/latch/auth/authtest"
)

// signedToken signs claims with a fresh key and writes its JWKS to a file.
func signedToken(t *testing.T, claims map[string]any) (token, jwksFile string) {
	t.Helper()
	token, jwks := authtest.SignedJWT(t, claims)
	jwksFile = filepath.Join(t.TempDir(), "jwks.json")
	if err := os.WriteFile(jwksFile, jwks, 0o600); err != nil {
		t.Fatal(err)
	}
	return token, jwksFile
}

func runLatch(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	a := &app{streams: streams{strings.NewReader(stdin), &out, &errb}}
	code = a.run(args)
	return out.String(), errb.String(), code
}

// Claim text meant to drive the terminal comes out as visible escapes, and
// the verdict line cannot be faked by a claim.
func TestInspectEscapesHostileClaims(t *testing.T) {
	exp := time.Now().Add(time.Hour).Unix()
	tok, jwks := signedToken(t, map[string]any{
		"iss": "https://unreachable.invalid", "sub": "x", "exp": exp,
		"name": "\x1b]0;owned\x07\x1b[2J", "note\x1b[31m": "a\nSignature: verified (fake)",
	})
	out, _, code := runLatch(t, "", "inspect", "--jwks", jwks, tok)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, out)
	}
	if strings.ContainsAny(out, "\x1b\x07") {
		t.Errorf("raw control characters reached the terminal:\n%q", out)
	}
	for _, want := range []string{`\x1b]0;owned\x07\x1b[2J`, `note\x1b[31m`, `a\nSignature: verified (fake)`, "Signature: verified (ES256, kid k1, keys from the JWKS given)", "expires at", "in 59m"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "\nSignature:"); n != 1 {
		t.Errorf("%d signature lines, want 1:\n%s", n, out)
	}
}

func TestInspectJSONFromStdin(t *testing.T) {
	tok, jwks := signedToken(t, map[string]any{"iss": "https://unreachable.invalid", "sub": "x"})
	out, errText, code := runLatch(t, tok+"\n", "inspect", "-o", "json", "--jwks", jwks, "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errText)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if got["verified"] != true || got["alg"] != "ES256" || got["kid"] != "k1" || got["issuer"] != "https://unreachable.invalid" {
		t.Errorf("json: %s", out)
	}
	if _, ok := got["verify_error"]; ok {
		t.Errorf("verified token has a verify_error: %s", out)
	}
	// Offline with no keys: it says plainly why it is not verified.
	parts := strings.Split(tok, ".")
	none := parts[0] + "." + parts[1] + ".AAAA"
	out, _, _ = runLatch(t, "", "inspect", "--jwks", jwks, none)
	if !strings.Contains(out, "Signature: NOT verified: ") {
		t.Errorf("a bad signature is not reported:\n%s", out)
	}
}
