package hydra

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The suite runs the real latch binary against one Hydra per test binary
// run (a second, lazily, for the trailing-slash issuer), a real Secret
// Service keyring (run it under ../../../.ci/with-keyring) and the test
// browser. Each test registers its own client, so tests share nothing but
// the Hydra process.

var env struct {
	latch, browser string
	hydraBin       string
	dir            string
	hydra          *Server
	buildErr       error // latch or the test browser did not build: a failure
	hydraErr       error // Hydra did not build or start: a missing component

	slashOnce sync.Once
	slash     *Server
	slashErr  error
}

func TestMain(m *testing.M) {
	code := func() int {
		dir, err := os.MkdirTemp("", "latch-hydra")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(dir)
		env.dir = dir
		env.buildErr, env.hydraErr = setup(dir)
		defer func() {
			for _, s := range []*Server{env.hydra, env.slash} {
				if s != nil {
					s.Close()
				}
			}
		}()
		return m.Run()
	}()
	os.Exit(code)
}

// setup builds latch and the test browser, then Hydra (cached), and
// starts Hydra.
func setup(dir string) (buildErr, hydraErr error) {
	ctx, cancel := context.WithTimeout(context.Background(), 25*time.Minute)
	defer cancel()
	wd, err := os.Getwd()
	if err != nil {
		return err, nil
	}
	env.latch, env.browser = filepath.Join(dir, "latch"), filepath.Join(dir, "hydrabrowser")
	// LATCH_BIN runs the suite against another latch build (a branch).
	if bin := os.Getenv("LATCH_BIN"); bin != "" {
		env.latch = bin
	} else if err := goBuild(ctx, filepath.Join(wd, "..", "..", ".."), "./cmd/latch", env.latch); err != nil {
		return err, nil
	}
	if err := goBuild(ctx, wd, "./cmd/hydrabrowser", env.browser); err != nil {
		return err, nil
	}
	if env.hydraBin, err = Binary(ctx, wd, filepath.Join(wd, "testdata", "bin")); err != nil {
		return nil, err
	}
	env.hydra, err = Start(ctx, env.hydraBin, Options{Dir: dir})
	return nil, err
}

func goBuild(ctx context.Context, dir, pkg, out string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, pkg)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return &BuildError{Package: pkg, Output: string(b), Err: err}
	}
	return nil
}

// missing skips the test, or fails it with CI=true, for want of a component.
func missing(t testing.TB, what string, why error) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is required in CI but missing: %v", what, why)
	}
	t.Skipf("SKIP: %s not available: %v (run the suite with make test)", what, why)
}

// sharedHydra is the shared Hydra, or a skip (a failure in CI) when there is none.
func sharedHydra(t testing.TB) *Server {
	t.Helper()
	if env.buildErr != nil {
		t.Fatal(env.buildErr)
	}
	if env.hydraErr != nil {
		missing(t, "Ory Hydra", env.hydraErr)
	}
	return env.hydra
}

// slashHydra is a second Hydra whose issuer ends in "/".
func slashHydra(t testing.TB) *Server {
	t.Helper()
	sharedHydra(t)
	env.slashOnce.Do(func() {
		env.slash, env.slashErr = Start(context.Background(), env.hydraBin, Options{Dir: env.dir, TrailingSlash: true})
	})
	if env.slashErr != nil {
		t.Fatalf("second hydra: %v", env.slashErr)
	}
	return env.slash
}

// requireKeyring asks D-Bus whether a Secret Service owns its name.
func requireKeyring(t testing.TB) {
	t.Helper()
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		missing(t, "Secret Service keyring", errors.New("no D-Bus session (../../../.ci/with-keyring starts one)"))
	}
	out, err := exec.Command("dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.DBus",
		"/org/freedesktop/DBus", "org.freedesktop.DBus.NameHasOwner", "string:org.freedesktop.secrets").CombinedOutput()
	if err != nil || !bytes.Contains(out, []byte("boolean true")) {
		missing(t, "Secret Service keyring", fmt.Errorf("org.freedesktop.secrets has no owner: %v %s", err, out))
	}
}

// user is one person at a terminal, signed in to one Hydra client: their
// own HOME, config and state, and latch's profile flags.
type user struct {
	t       testing.TB
	h       *Server
	client  *Client
	port    int
	env     []string
	browser string // the test browser's log
}

func newUser(t testing.TB, h *Server) *user {
	t.Helper()
	return newUserOf(t, h, "latch "+t.Name(), "")
}

// newUserOf registers the client under name (see DenyPrefix) with the
// redirect URI given, or by default http://127.0.0.1:PORT/callback for a
// free port that login passes as --redirect-port.
func newUserOf(t testing.TB, h *Server, name, redirect string) *user {
	t.Helper()
	requireKeyring(t)
	port, err := FreePort()
	if err != nil {
		t.Fatal(err)
	}
	if redirect == "" {
		redirect = "http://127.0.0.1:" + strconv.Itoa(port) + "/callback"
	}
	c, err := h.Admin.CreatePublicClient(t.Context(), name, redirect)
	if err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	u := &user{t: t, h: h, client: c, port: port, browser: filepath.Join(home, "browser.log")}
	u.env = append(os.Environ(),
		"HOME="+home,
		"XDG_CONFIG_HOME="+filepath.Join(home, ".config"),
		"XDG_STATE_HOME="+filepath.Join(home, ".local", "state"),
		"XDG_CACHE_HOME="+filepath.Join(home, ".cache"),
		"BROWSER="+env.browser,
		"LATCH_TEST_BROWSER_LOG="+u.browser,
		"NO_COLOR=1",
	)
	return u
}

type result struct {
	stdout, stderr string
	code           int
}

// run runs latch with the user's profile flags after args.
func (u *user) run(args ...string) result {
	u.t.Helper()
	r, err := u.exec(args...)
	if err != nil {
		u.t.Fatal(err)
	}
	return r
}

// exec is run for any goroutine: a latch that could not be run at all is
// its error, an exit code is not.
func (u *user) exec(args ...string) (result, error) {
	args = append(args, "--issuer", u.h.Issuer, "--client-id", u.client.ID)
	ctx, cancel := context.WithTimeout(u.t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, env.latch, args...)
	cmd.Env = u.env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return result{out.String(), errb.String(), ee.ExitCode()}, nil
	}
	return result{out.String(), errb.String(), 0}, err
}

func (u *user) ok(args ...string) result {
	u.t.Helper()
	r := u.run(args...)
	if r.code != 0 {
		b, _ := os.ReadFile(u.browser)
		u.t.Fatalf("latch %s: exit %d\nstdout: %s\nstderr: %s\nbrowser: %s", strings.Join(args, " "), r.code, r.stdout, r.stderr, b)
	}
	return r
}

// login signs in through the browser and returns what Hydra issued.
func (u *user) login() (result, Issued) {
	u.t.Helper()
	before := len(u.h.Proxy.Issued(u.client.ID))
	// The timeout bounds a sign-in whose browser got lost on the way.
	r := u.ok("login", "--redirect-port", strconv.Itoa(u.port), "--timeout", "1m")
	issued := u.h.Proxy.Issued(u.client.ID)
	if len(issued) != before+1 {
		u.t.Fatalf("login: want one more token response from Hydra, got %d", len(issued)-before)
	}
	return r, issued[len(issued)-1]
}

// active asks Hydra's admin introspection about token.
func (u *user) active(token string) bool {
	u.t.Helper()
	ok, err := u.h.Admin.Active(u.t.Context(), token)
	if err != nil {
		u.t.Fatal(err)
	}
	return ok
}
