package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/latchdev/latch/auth/authtest"
	yaml "go.yaml.in/yaml/v3"
)

// The printed entry is what kubectl reads: the exec plugin with the
// profile's flags, whatever characters they hold.
func TestKubeconfigPrintsTheExecUser(t *testing.T) {
	t.Setenv("LATCH_CONFIG", filepath.Join(t.TempDir(), "none.toml"))
	issuer := "https://acme.logto.app/oidc"
	out, errText, code := runLatch(t, "", "kubeconfig", "--issuer", issuer, "--client-id", "yes", "--account", "a: b #c", "--user", "dev")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errText)
	}
	var got authtest.Kubeconfig
	if err := yaml.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not YAML: %v\n%s", err, out)
	}
	if len(got.Users) != 1 {
		t.Fatalf("users: %+v", got.Users)
	}
	u := got.Users[0]
	want := []string{"token", "-o", "exec-credential", "--issuer", issuer, "--client-id", "yes", "--account", "a: b #c"}
	if u.Name != "dev" || u.User.Exec.APIVersion != "client.authentication.k8s.io/v1" || u.User.Exec.Command != "latch" ||
		!reflect.DeepEqual(u.User.Exec.Args, want) || u.User.Exec.InteractiveMode != "IfAvailable" ||
		u.User.Exec.ProvideClusterInfo == nil || *u.User.Exec.ProvideClusterInfo {
		t.Errorf("entry:\n%s\nparsed %+v", out, u)
	}
}

// --write keeps the clusters, contexts, other users and comments already
// there, and replaces only its own user.
func TestKubeconfigWriteMerges(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("LATCH_CONFIG", filepath.Join(dir, "none.toml"))
	path := filepath.Join(dir, "kube", "config")
	t.Setenv("KUBECONFIG", path+string(os.PathListSeparator)+filepath.Join(dir, "other"))
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	old := `# my clusters
apiVersion: v1
kind: Config
clusters:
- name: prod
  cluster: {server: "https://prod.example:6443"}
contexts:
- name: prod
  context: {cluster: prod, user: admin}
current-context: prod
users:
- name: admin
  user: {token: keep-me}
- name: latch-acme
  user: {token: stale}
`
	if err := os.WriteFile(path, []byte(old), 0o640); err != nil {
		t.Fatal(err)
	}
	args := []string{"kubeconfig", "--issuer", "https://acme.logto.app/oidc", "--client-id", "c1", "--tenant", "acme", "--write"}
	for range 2 {
		if _, errText, code := runLatch(t, "", args...); code != 0 {
			t.Fatalf("exit %d: %s", code, errText)
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var got authtest.Kubeconfig
	if err := yaml.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(b), "# my clusters") || len(got.Clusters) != 1 || len(got.Contexts) != 1 || got.Current != "prod" {
		t.Errorf("lost what was there:\n%s", b)
	}
	if len(got.Users) != 2 || got.Users[0].User.Token != "keep-me" || got.Users[1].Name != "latch-acme" || got.Users[1].User.Exec.Command != "latch" || got.Users[1].User.Token != "" {
		t.Errorf("users:\n%s", b)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o640 {
		t.Errorf("mode changed to %v", st.Mode().Perm())
	}

	// No file yet: a new kubeconfig with the user alone.
	fresh := filepath.Join(dir, "fresh", "config")
	t.Setenv("KUBECONFIG", fresh)
	if _, errText, code := runLatch(t, "", args...); code != 0 {
		t.Fatalf("exit %d: %s", code, errText)
	}
	b, _ = os.ReadFile(fresh)
	if err := yaml.Unmarshal(b, &got); err != nil || len(got.Users) != 1 || !strings.Contains(string(b), "kind: Config") {
		t.Errorf("new kubeconfig (%v):\n%s", err, b)
	}
	// Not a kubeconfig: refused, left alone.
	os.WriteFile(fresh, []byte("- just\n- a list\n"), 0o600)
	if _, _, code := runLatch(t, "", args...); code == 0 {
		t.Error("merged into a file whose top level is a list")
	}
}

// With no flags the config's default profile is named in the entry, so
// kubectl keeps the identity it was set up with when the default changes.
func TestKubeconfigPinsTheDefaultProfile(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "config.toml")
	os.WriteFile(cfg, []byte("default = \"acme\"\n[tenants.acme]\nissuer = \"https://acme.logto.app/oidc\"\nclient_id = \"c1\"\n[tenants.other]\nissuer = \"https://other.logto.app/oidc\"\nclient_id = \"c2\"\n"), 0o600)
	t.Setenv("LATCH_CONFIG", cfg)
	out, errText, code := runLatch(t, "", "kubeconfig")
	var got authtest.Kubeconfig
	if code != 0 || yaml.Unmarshal([]byte(out), &got) != nil || len(got.Users) != 1 {
		t.Fatalf("exit %d: %s %s", code, out, errText)
	}
	if u := got.Users[0]; u.Name != "latch-acme" || !reflect.DeepEqual(u.User.Exec.Args, []string{"token", "-o", "exec-credential", "--tenant", "acme"}) {
		t.Errorf("entry %+v", u)
	}
}
