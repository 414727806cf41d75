package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/latchdev/latch/auth/authtest"
)

// kubectl on a terminal (interactive): with no session latch signs in
// through the browser, then answers with the ID token; stdout holds the
// ExecCredential alone. --access gives the access token instead.
func TestExecCredentialSignsInWhenInteractive(t *testing.T) {
	op := authtest.StartProvider(t)
	u := newUser(t)
	u.ok("tenant", "add", "acme", "--issuer", op.Issuer, "--client-id", authtest.ClientES384)
	info := []string{`KUBERNETES_EXEC_INFO={"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","spec":{"interactive":true}}`}

	r := u.runEnv(info, "token", "-o", "exec-credential", "--tenant", "acme")
	if r.code != 0 || !strings.Contains(r.stderr, "Signed in to "+op.Issuer) {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	id := execToken(t, r.stdout)
	in := u.ok("inspect", "-o", "json", id).stdout
	var got map[string]any
	if err := json.Unmarshal([]byte(in), &got); err != nil || got["verified"] != true {
		t.Fatalf("the token is not a verified token of the lab: %s", in)
	}
	if claims, _ := got["claims"].(map[string]any); claims["aud"] != authtest.ClientES384 || claims["sub"] != "alice" {
		t.Errorf("want alice's ID token for the client, got claims %v", claims)
	}

	access := execToken(t, u.runEnv(info, "token", "-o", "exec-credential", "--tenant", "acme", "--access").stdout)
	if access == id || userinfoStatus(t, op.Issuer, access) != 200 {
		t.Errorf("--access did not give an access token the provider accepts")
	}
}

func execToken(t *testing.T, out string) string {
	t.Helper()
	var ec struct {
		APIVersion string `json:"apiVersion"`
		Status     struct {
			Token string `json:"token"`
		} `json:"status"`
	}
	if err := json.Unmarshal([]byte(out), &ec); err != nil || ec.APIVersion != "client.authentication.k8s.io/v1" || ec.Status.Token == "" {
		t.Fatalf("stdout is not an ExecCredential (%v):\n%s", err, out)
	}
	return ec.Status.Token
}
