package authtest

import (
	"bufio"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// Resource is the API resource the test provider issues JWT access tokens for.
const Resource = "https://api.latch.test"

// Client ids registered at the test provider: a Native public client signing
// ID tokens ES384 (as Logto does) and one on RS256 (older tenants).
const (
	ClientES384 = "latch-native"
	ClientRS256 = "latch-rs256"
)

// Provider is a running oidc-provider.
type Provider struct {
	Issuer string
	base   string
	stop   func()
}

// Stop stops the provider now (a provider that went down).
func (p *Provider) Stop() { p.stop() }

func opDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "testdata", "op")
}

// StartProvider starts oidc-provider on a free loopback port and stops it
// when the test ends. env adds variables (ACCESS_TTL=seconds; ISSUER_SLASH=1
// for an issuer that ends in "/").
func StartProvider(t testing.TB, env ...string) *Provider {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		Missing(t, "node", "oidc-provider needs Node.js")
	}
	dir := opDir()
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "oidc-provider")); err != nil {
		Missing(t, "oidc-provider", "run npm ci in "+dir)
	}
	cmd := exec.Command(node, "server.mjs")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), append([]string{"PORT=0"}, env...)...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	stop := func() { once.Do(func() { cmd.Process.Kill(); cmd.Wait() }) }
	t.Cleanup(stop)
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if iss, ok := strings.CutPrefix(sc.Text(), "READY "); ok {
				ready <- iss
			}
		}
	}()
	select {
	case iss := <-ready:
		base, _, _ := strings.Cut(iss, "/oidc")
		return &Provider{Issuer: iss, base: base, stop: stop}
	case <-time.After(20 * time.Second):
		t.Fatal("oidc-provider did not start within 20s")
	}
	return nil
}

// Stats returns how many requests each path got since start or Reset.
func (p *Provider) Stats(t testing.TB) map[string]int {
	t.Helper()
	resp, err := http.Get(p.base + "/_stats")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	m := map[string]int{}
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

// Requests is the total number of requests the provider got (stats summed).
func (p *Provider) Requests(t testing.TB) int {
	n := 0
	for _, v := range p.Stats(t) {
		n += v
	}
	return n
}

// ResetStats zeroes the counters.
func (p *Provider) ResetStats(t testing.TB) {
	t.Helper()
	resp, err := http.Post(p.base+"/_stats/reset", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}
