// Package kubeexec tests latch as kubectl runs it: client-go's exec
// credential plugin (the code in kubectl) loads a kubeconfig whose user
// latch kubeconfig --write added, runs latch token -o exec-credential, and
// sends the token to an HTTPS API server that accepts only a valid ID token
// of the lab issuer, checked against the issuer's keys.
package kubeexec

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/latchdev/latch/auth/authtest"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

// apiServer answers /version to a request whose bearer token is an ID token
// of issuer for clientID that verifies now; everything else gets 401.
type apiServer struct {
	*httptest.Server
	mu     sync.Mutex
	tokens []string
}

func startAPIServer(t *testing.T, issuer, clientID string) *apiServer {
	t.Helper()
	prov, err := oidc.NewProvider(t.Context(), issuer)
	if err != nil {
		t.Fatal(err)
	}
	verifier := prov.Verifier(&oidc.Config{ClientID: clientID})
	s := &apiServer{}
	s.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok {
			http.Error(w, "no bearer token", http.StatusUnauthorized)
			return
		}
		if _, err := verifier.Verify(r.Context(), raw); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		s.mu.Lock()
		s.tokens = append(s.tokens, raw)
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"major":"1","minor":"37","gitVersion":"v1.37.2"}`))
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *apiServer) accepted() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.tokens...)
}

var bins struct {
	once sync.Once
	dir  string
	err  error
}

// build builds latch and the test browser once, from latch's own module.
func build(t *testing.T) (dir string) {
	t.Helper()
	bins.once.Do(func() {
		root, err := filepath.Abs("../../../..")
		if err == nil {
			bins.dir, err = os.MkdirTemp("", "latch-kubeexec")
		}
		for pkg, out := range map[string]string{"./cmd/latch": "latch", "./auth/authtest/testbrowser": "testbrowser"} {
			if err != nil {
				break
			}
			cmd := exec.Command("go", "build", "-o", filepath.Join(bins.dir, out), pkg)
			cmd.Dir = root
			if b, berr := cmd.CombinedOutput(); berr != nil {
				err = fmt.Errorf("go build %s: %w\n%s", pkg, berr, b)
			}
		}
		bins.err = err
	})
	if bins.err != nil {
		t.Fatal(bins.err)
	}
	return bins.dir
}

// person sets up a user's HOME, with latch and the test browser on PATH;
// the exec plugin inherits this process's environment, as from kubectl.
func person(t *testing.T) (browserLog string) {
	t.Helper()
	authtest.RequireKeyring(t)
	bin := build(t)
	home := t.TempDir()
	browserLog = filepath.Join(t.TempDir(), "browser.log")
	for k, v := range map[string]string{
		"HOME": home, "XDG_CONFIG_HOME": filepath.Join(home, ".config"), "XDG_STATE_HOME": filepath.Join(home, ".local", "state"),
		"XDG_CACHE_HOME": filepath.Join(home, ".cache"), "BROWSER": filepath.Join(bin, "testbrowser"),
		"LATCH_TEST_BROWSER_LOG": browserLog, "PATH": bin + string(os.PathListSeparator) + os.Getenv("PATH"),
		"KUBECONFIG": filepath.Join(home, ".kube", "config"), "NO_COLOR": "1", "LATCH_CONFIG": "",
	} {
		t.Setenv(k, v)
	}
	return browserLog
}

func latch(t *testing.T, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command("latch", args...)
	cmd.Env = append(os.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return out.String(), errb.String(), ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), 0
}

// writeCluster writes a kubeconfig naming the API server and a context
// that uses the user latch kubeconfig --write is to add.
func writeCluster(t *testing.T, srv *apiServer, user string) {
	t.Helper()
	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	cfg := clientcmdConfig(srv.URL, ca, user)
	path := os.Getenv("KUBECONFIG")
	os.MkdirAll(filepath.Dir(path), 0o700)
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
}

func clientcmdConfig(server string, ca []byte, user string) string {
	return "apiVersion: v1\nkind: Config\nclusters:\n- name: lab\n  cluster:\n    server: " + server +
		"\n    certificate-authority-data: " + base64.StdEncoding.EncodeToString(ca) +
		"\ncontexts:\n- name: lab\n  context:\n    cluster: lab\n    user: " + user + "\ncurrent-context: lab\n"
}

// getVersion is one API call as kubectl makes it: a rest client built from
// the kubeconfig, credentials from the exec plugin.
func getVersion(t *testing.T) error {
	t.Helper()
	cfg, err := clientcmd.BuildConfigFromFlags("", os.Getenv("KUBECONFIG"))
	if err != nil {
		t.Fatal(err)
	}
	cfg.GroupVersion = &schema.GroupVersion{}
	cfg.NegotiatedSerializer = serializer.NewCodecFactory(runtime.NewScheme()).WithoutConversion()
	client, err := rest.RESTClientFor(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	_, err = client.Get().AbsPath("/version").DoRaw(ctx)
	return err
}

func TestKubectlGetsAFreshIDToken(t *testing.T) {
	browserLog := person(t)
	op := authtest.StartProvider(t, "ACCESS_TTL=10")
	srv := startAPIServer(t, op.Issuer, authtest.ClientES384)
	writeCluster(t, srv, "latch-lab")
	mustLatch(t, "tenant", "add", "lab", "--issuer", op.Issuer, "--client-id", authtest.ClientES384)
	mustLatch(t, "kubeconfig", "--tenant", "lab", "--write")
	mustLatch(t, "login", "--tenant", "lab")

	if err := getVersion(t); err != nil {
		t.Fatalf("the API server refused latch's token: %v", err)
	}
	first := srv.accepted()
	if len(first) != 1 {
		t.Fatalf("%d tokens accepted, want 1", len(first))
	}

	// What kubectl reads: the ExecCredential, its expiry the ID token's.
	out := mustLatch(t, "token", "-o", "exec-credential", "--tenant", "lab")
	var ec struct {
		APIVersion, Kind string
		Status           struct{ Token, ExpirationTimestamp string }
	}
	if err := json.Unmarshal([]byte(out), &ec); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	exp, err := time.Parse(time.RFC3339, ec.Status.ExpirationTimestamp)
	if ec.APIVersion != "client.authentication.k8s.io/v1" || ec.Kind != "ExecCredential" || err != nil || !exp.Equal(idTokenExpiry(t, ec.Status.Token)) {
		t.Fatalf("exec credential %s (%v)", out, err)
	}

	// Once the ID token has expired, kubectl runs latch again, which
	// refreshes it: the next call still gets through.
	deadline := time.Now().Add(30 * time.Second)
	for !time.Now().After(idTokenExpiry(t, first[0]).Add(time.Second)) {
		if time.Now().After(deadline) {
			t.Fatal("the ID token never expired")
		}
		time.Sleep(200 * time.Millisecond)
	}
	if err := getVersion(t); err != nil {
		t.Fatalf("after the ID token expired: %v", err)
	}
	if got := srv.accepted(); len(got) != 2 || got[1] == first[0] {
		t.Fatalf("want a second, new ID token accepted; got %d tokens", len(got))
	}
	if b, _ := os.ReadFile(browserLog); strings.Count(string(b), "open ") != 1 {
		t.Errorf("the browser opened %d times, want once (the login):\n%s", strings.Count(string(b), "open "), b)
	}
}

// kubectl with no terminal: latch must not open a browser, and must say
// which command signs in, with the flags it was given.
func TestKubectlNonInteractiveSaysHowToSignIn(t *testing.T) {
	browserLog := person(t)
	op := authtest.StartProvider(t)
	srv := startAPIServer(t, op.Issuer, authtest.ClientES384)
	writeCluster(t, srv, "latch")
	mustLatch(t, "kubeconfig", "--issuer", op.Issuer, "--client-id", authtest.ClientES384, "--write")

	if err := getVersion(t); err == nil || !strings.Contains(err.Error(), "exit code 2") {
		t.Fatalf("kubectl call with no session: %v, want latch's exit code 2", err)
	}
	info := `KUBERNETES_EXEC_INFO={"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","spec":{"interactive":false}}`
	_, stderr, code := latch(t, []string{info}, "token", "-o", "exec-credential", "--issuer", op.Issuer, "--client-id", authtest.ClientES384)
	want := "run latch login --issuer " + op.Issuer + " --client-id " + authtest.ClientES384 + " in a terminal"
	if code != 2 || !strings.Contains(stderr, want) || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
		t.Fatalf("exit %d, stderr %q; want exit 2 and one line with %q", code, stderr, want)
	}
	if _, err := os.Stat(browserLog); !os.IsNotExist(err) {
		t.Error("a browser was opened for a non-interactive kubectl")
	}
}

func mustLatch(t *testing.T, args ...string) string {
	t.Helper()
	out, stderr, code := latch(t, nil, args...)
	if code != 0 {
		t.Fatalf("latch %s: exit %d: %s", strings.Join(args, " "), code, stderr)
	}
	return out
}

func idTokenExpiry(t *testing.T, raw string) time.Time {
	t.Helper()
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %.20s", raw)
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	var c struct{ Exp int64 }
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil || c.Exp == 0 {
		t.Fatalf("ID token payload: %v", err)
	}
	return time.Unix(c.Exp, 0)
}
