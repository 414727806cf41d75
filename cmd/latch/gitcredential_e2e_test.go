package main

import (
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/latchdev/latch/auth/authtest"
)

// gitRepo makes a bare repository with one commit under a fresh directory,
// which a git http-backend can serve as /repo.git.
func gitRepo(t *testing.T, git string) (root string) {
	t.Helper()
	root, work := t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(work, "README"), []byte("served by git http-backend\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"-C", work, "init", "-q"},
		{"-C", work, "add", "README"},
		{"-C", work, "-c", "user.name=t", "-c", "user.email=t@example.test", "commit", "-q", "-m", "first"},
		{"clone", "-q", "--bare", work, filepath.Join(root, "repo.git")},
	} {
		if out, err := exec.Command(git, args...).CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	return root
}

// gitServer serves smart HTTP through git http-backend (CGI) only to a
// request whose Basic password is an access token the lab's userinfo
// endpoint accepts.
func gitServer(t *testing.T, git, root, issuer string) *httptest.Server {
	t.Helper()
	backend := &cgi.Handler{Path: git, Args: []string{"http-backend"}, Env: []string{"GIT_PROJECT_ROOT=" + root, "GIT_HTTP_EXPORT_ALL=1"}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, pass, ok := r.BasicAuth()
		if !ok || user == "" || userinfoStatus(t, issuer, pass) != http.StatusOK {
			w.Header().Set("WWW-Authenticate", `Basic realm="lab"`)
			http.Error(w, "sign in", http.StatusUnauthorized)
			return
		}
		backend.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestGitCloneWithLatchCredentials(t *testing.T) {
	git, err := exec.LookPath("git")
	if err != nil {
		authtest.Missing(t, "git", "apt-get install git")
	}
	op := authtest.StartProvider(t)
	u := newUser(t, "GIT_TERMINAL_PROMPT=0", "GIT_CONFIG_NOSYSTEM=1")
	srv := gitServer(t, git, gitRepo(t, git), op.Issuer)
	host := strings.TrimPrefix(srv.URL, "http://")
	writeConfig(t, u, `[tenants.lab]
issuer = "`+op.Issuer+`"
client_id = "`+authtest.ClientES384+`"
git_hosts = ["`+host+`"]
`)
	clone := func(dir string) (string, error) {
		cmd := exec.Command(git, "-c", "credential.helper=", "-c", "credential.helper=!"+u.latch+" git-credential",
			"-c", "credential.useHttpPath=false", "clone", "-q", srv.URL+"/repo.git", dir)
		cmd.Env = u.env
		out, err := cmd.CombinedOutput()
		return string(out), err
	}

	out, err := clone(filepath.Join(t.TempDir(), "no-session"))
	if err == nil || !strings.Contains(out, "latch: sign-in required") || !strings.Contains(out, "latch login --tenant lab") {
		t.Fatalf("clone with no session: %v\n%s\nwant a failure with latch's sentence", err, out)
	}

	u.ok("login", "--tenant", "lab")
	dir := filepath.Join(t.TempDir(), "clone")
	if out, err := clone(dir); err != nil {
		t.Fatalf("clone after login: %v\n%s", err, out)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "README")); err != nil || string(b) != "served by git http-backend\n" {
		t.Fatalf("cloned README: %q %v", b, err)
	}
}

// Hosts no profile lists get no answer, so git tries its other helpers;
// a listed host over plain http off this machine gets no token.
func TestGitCredentialAnswersOnlyItsHostsOverHTTPS(t *testing.T) {
	u := &user{t: t, home: t.TempDir()}
	writeConfig(t, u, `[tenants.lab]
issuer = "https://lab.example/oidc"
client_id = "c"
git_hosts = ["git.example", "127.0.0.1:9"]
`)
	t.Setenv("LATCH_CONFIG", filepath.Join(u.home, ".config", "latch", "config.toml"))
	for _, tt := range []struct{ name, in, stderr string }{
		{"unknown host", "protocol=https\nhost=other.example\n\n", ""},
		{"http to a listed host", "protocol=http\nhost=git.example\n\n", "only https"},
		{"http url to a listed host", "url=http://git.example/repo.git\n\n", "only https"},
		{"listed host on another port", "protocol=https\nhost=127.0.0.1:10\n\n", ""},
	} {
		out, errText, code := runLatch(t, tt.in, "git-credential", "get")
		if out != "" || code != 0 || !strings.Contains(errText, tt.stderr) {
			t.Errorf("%s: exit %d, stdout %q, stderr %q", tt.name, code, out, errText)
		}
	}
	for _, op := range []string{"store", "erase"} {
		if out, errText, code := runLatch(t, "protocol=https\nhost=git.example\nusername=x\npassword=y\n\n", "git-credential", op); out != "" || code != 0 {
			t.Errorf("%s: exit %d, %q %q", op, code, out, errText)
		}
	}
	if _, _, code := runLatch(t, "no equals sign\n\n", "git-credential", "get"); code == 0 {
		t.Error("a malformed request was accepted")
	}
}

func writeConfig(t *testing.T, u *user, toml string) {
	t.Helper()
	path := filepath.Join(u.home, ".config", "latch", "config.toml")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(toml), 0o600); err != nil {
		t.Fatal(err)
	}
}
