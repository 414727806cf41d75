package tokencache

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/latchdev/latch/auth/authtest"
)

// rotatingEndpoint is a token endpoint that rotates the refresh token on
// every refresh. It accepts the refresh token it accepted last (a client
// killed before storing the answer presents it again, which real providers
// allow for a few seconds) or a newer one it issued; anything older is a
// replay and fails with invalid_grant. A stored refresh token older than
// the last one accepted is a lost session.
type rotatingEndpoint struct {
	mu       sync.Mutex
	gen      map[string]int
	next     int
	accepted int
}

func newRotatingEndpoint() *rotatingEndpoint { return &rotatingEndpoint{gen: map[string]int{}} }

func (p *rotatingEndpoint) issue() string {
	p.next++
	b := make([]byte, 8)
	rand.Read(b)
	rt := fmt.Sprintf("rt-%d-%s", p.next, hex.EncodeToString(b))
	p.gen[rt] = p.next
	return rt
}

func (p *rotatingEndpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rt := r.PostFormValue("refresh_token")
	p.mu.Lock()
	defer p.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if g, ok := p.gen[rt]; !ok || g < p.accepted {
		w.WriteHeader(http.StatusBadRequest)
		json.NewEncoder(w).Encode(map[string]string{"error": "invalid_grant"})
		return
	}
	p.accepted = p.gen[rt]
	// A large access token, so that every record is chunked.
	json.NewEncoder(w).Encode(map[string]any{"access_token": strings.Repeat("A", 3000) + strconv.Itoa(p.next),
		"refresh_token": p.issue(), "expires_in": 3600})
}

// lost reports whether a stored refresh token can no longer be used, and
// whether it is not the newest one issued (an answer was not stored: the
// provider must accept the previous token again, as Logto does for a few
// seconds).
func (p *rotatingEndpoint) lost(rt string) (lost, behind bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	g, ok := p.gen[rt]
	return !ok || g < p.accepted, g != p.next
}

func (p *rotatingEndpoint) seed() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	rt := p.issue()
	p.accepted = p.gen[rt]
	return rt
}

// keyringItems counts the items of a service in the real keyring (tests
// can list them over D-Bus; go-keyring cannot).
func keyringItems(t *testing.T, service string) int {
	t.Helper()
	out, err := exec.Command("dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.secrets", "/org/freedesktop/secrets",
		"org.freedesktop.Secret.Service.SearchItems", "dict:string:string:service,"+service).Output()
	if err != nil {
		t.Fatalf("listing keyring items: %v", err)
	}
	return strings.Count(string(out), "object path")
}

func randomDuration(max time.Duration) time.Duration {
	n, _ := rand.Int(rand.Reader, big.NewInt(int64(max)))
	return time.Duration(n.Int64())
}

// stressRig runs the stress helper against one session.
type stressRig struct {
	t     *testing.T
	bin   string
	url   string
	op    *rotatingEndpoint
	cache *Cache
	// service is the keyring service name, one per rig.
	service string
	key     Key
}

func (s *stressRig) seed() {
	s.t.Helper()
	r := bigRecord("stress")
	r.RefreshToken = s.op.seed()
	s.key = r.Key
	if err := s.cache.Save(s.t.Context(), "p", r); err != nil {
		s.t.Fatal(err)
	}
}

// round starts the helper, lets it refresh, and stops it with sig after a
// random moment past its first refresh. It returns the refreshes the
// helper reported and how it exited.
func (s *stressRig) round(sig syscall.Signal, within time.Duration) (int, error) {
	s.t.Helper()
	cmd := exec.Command(s.bin)
	cmd.Env = append(os.Environ(), "LATCH_STRESS_URL="+s.url, "LATCH_STRESS_DIR="+s.cache.Dir,
		"LATCH_STRESS_KEY="+string(s.key), "LATCH_STRESS_SERVICE="+s.service)
	out, err := cmd.StdoutPipe()
	if err != nil {
		s.t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	first, count := make(chan struct{}), make(chan int, 1)
	go func() {
		n, sc := 0, bufio.NewScanner(out)
		for sc.Scan() {
			if n++; n == 1 {
				close(first)
			}
		}
		count <- n
	}()
	select {
	case <-first:
		// The kill lands at a random point of the loop: that is the test.
		time.AfterFunc(randomDuration(within), func() { cmd.Process.Signal(sig) })
	case n := <-count:
		cmd.Wait()
		return n, fmt.Errorf("the helper stopped before its first refresh: %s", stderr.String())
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		s.t.Fatal("the helper made no refresh within 30s")
	}
	err = cmd.Wait()
	n := <-count
	if err != nil && stderr.Len() > 0 {
		err = fmt.Errorf("%w: %s", err, stderr.String())
	}
	return n, err
}

// check reports whether the session survived, and whether the last answer
// the provider gave was stored; a lost session is seeded again.
func (s *stressRig) check() (lost, behind bool, why string) {
	r, err := s.cache.Load(s.t.Context(), s.key)
	if err == nil {
		if lost, behind = s.op.lost(r.RefreshToken); !lost {
			return false, behind, ""
		}
		why = "the stored refresh token is older than the last one the provider accepted"
	} else {
		why = err.Error()
	}
	s.seed()
	return true, behind, why
}

// newStressRig stores records in chunks of limit bytes ("" for whole
// items, the path Linux takes).
func newStressRig(t *testing.T, limit string) *stressRig {
	authtest.RequireKeyring(t)
	t.Setenv("LATCH_KEYRING_LIMIT", limit)
	bin := filepath.Join(t.TempDir(), "stress")
	if out, err := exec.Command("go", "build", "-o", bin, "./testdata/stress").CombinedOutput(); err != nil {
		t.Fatalf("building the stress helper: %v\n%s", err, out)
	}
	op := newRotatingEndpoint()
	srv := httptest.NewServer(op)
	t.Cleanup(srv.Close)
	service := "latch-stress-whole"
	if limit != "" {
		service = "latch-stress-chunked"
	}
	s := &stressRig{t: t, bin: bin, url: srv.URL, op: op, service: service, cache: &Cache{Store: NewKeyring(service, 0), Dir: t.TempDir()}}
	s.seed()
	// Not t.Context(): it is cancelled before cleanups run.
	t.Cleanup(func() { s.cache.Delete(context.Background(), s.key) })
	return s
}

func stressRounds(t *testing.T) int {
	if s := os.Getenv("LATCH_STRESS_ROUNDS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("LATCH_STRESS_ROUNDS=%q", s)
		}
		return n
	}
	return 10
}

// TestKillDuringRefreshLosesNoSession kills a process that refreshes in a
// loop with SIGKILL at random points, then with SIGINT and SIGTERM, and
// counts sessions lost and chunks left behind, for records split into
// chunks and for whole ones (Linux's path). make stress runs 100 rounds of
// each.
func TestKillDuringRefreshLosesNoSession(t *testing.T) {
	if testing.Short() {
		t.Skip("stress loop")
	}
	t.Run("chunked", func(t *testing.T) { killDuringRefresh(t, "1024") })
	t.Run("whole", func(t *testing.T) { killDuringRefresh(t, "") })
}

func killDuringRefresh(t *testing.T, limit string) {
	s := newStressRig(t, limit)
	rounds := stressRounds(t)
	lost, behind, refreshes := 0, 0, 0
	for i := range rounds {
		n, _ := s.round(syscall.SIGKILL, 200*time.Millisecond)
		refreshes += n
		l, b, why := s.check()
		if l {
			lost++
			t.Logf("round %d (SIGKILL): session lost: %s", i, why)
		} else if b {
			behind++
		}
	}
	x, _ := s.cache.Index()
	listed := len(x.Orphans())
	for i := range max(4, rounds/5) {
		sig := []syscall.Signal{syscall.SIGINT, syscall.SIGTERM}[i%2]
		n, err := s.round(sig, 200*time.Millisecond)
		refreshes += n
		if err != nil {
			t.Errorf("%v round %d: the helper did not exit cleanly: %v", sig, i, err)
		}
		if l, b, why := s.check(); l || b {
			t.Errorf("%v round %d: session lost (%v) or the provider's last answer not stored (%v): %s", sig, i, l, b, why)
		}
	}
	// A clean write sweeps what the kills left; then every item in the
	// keyring must belong to the live record.
	x, _ = s.cache.Index()
	e := x.Records[s.key]
	items := keyringItems(t, s.service)
	t.Logf("%d SIGKILL rounds, %d refreshes: %d sessions lost, %d killed between the provider's rotation and the store (the previous token kept); %d orphan generations listed after the kills; %d keyring items for a record of %d chunks at the end",
		rounds, refreshes, lost, behind, listed, items, e.Chunks)
	if lost*100 > rounds {
		t.Errorf("%d sessions lost in %d rounds: more than 1 per 100", lost, rounds)
	}
	if orphans := items - 1 - e.Chunks; orphans != 0 || len(x.Orphans()) != 0 {
		t.Errorf("%d orphaned keyring items after a clean write (%d listed)", orphans, len(x.Orphans()))
	}
}
