package secretservice

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/latchdev/latch/auth/authtest"
	"github.com/zalando/go-keyring"
)

// Against the real Secret Service of the session (.ci/with-keyring runs a
// gnome-keyring): what the client sends, counted twice, by the client and
// by a bus monitor that sees every call that reaches the service.

func testUser(t *testing.T) string { return fmt.Sprintf("%s-%d", t.Name(), os.Getpid()) }

func TestRoundTripsAgainstTheService(t *testing.T) {
	authtest.RequireKeyring(t)
	ctx := t.Context()
	user := testUser(t)
	secret := strings.Repeat("r", 1154)
	var w Client
	defer w.Close()
	if err := w.Set(ctx, "latch-test", user, secret); err != nil {
		t.Fatal(err)
	}
	defer keyring.Delete("latch-test", user)
	// A write on a new connection: Hello and Collections go out with the
	// authentication, then OpenSession, then CreateItem.
	if st := w.Stats(); st != (Stats{Connects: 1, Messages: 4, RoundTrips: 3}) {
		t.Errorf("Set on a new connection: %+v, want 4 messages in 3 round trips", st)
	}

	mon := monitor(t)
	var c Client
	defer c.Close()
	got, err := c.Get(ctx, "latch-test", user)
	if err != nil || got != secret {
		t.Fatalf("Get: %d bytes, %v", len(got), err)
	}
	if st := c.Stats(); st != (Stats{Connects: 1, Messages: 5, RoundTrips: 3}) {
		t.Errorf("Get on a new connection: %+v, want 5 messages (Hello, Get Collections, OpenSession, SearchItems, GetSecret) in 3 round trips", st)
	}
	if calls := mon.calls(t, c.conn.name, 4); strings.Join(calls, " ") != "Get OpenSession SearchItems GetSecret" {
		t.Errorf("the service got %q from the lean Get", calls)
	}
	// A refresh writes next, on the same connection and session, into the
	// item it read (SetSecret: the service answers it faster than
	// CreateItem).
	if err := c.Set(ctx, "latch-test", user, secret+"2"); err != nil {
		t.Fatal(err)
	}
	if st := c.Stats(); st.Connects != 1 || st.Messages != 6 || st.RoundTrips != 4 {
		t.Errorf("Get then Set: %+v, want 6 messages in 4 round trips on 1 connection", st)
	}
	if calls := mon.calls(t, c.conn.name, 1); strings.Join(calls, " ") != "SetSecret" {
		t.Errorf("the service got %q from the lean Set", calls)
	}

	// go-keyring's read, for the record: the calls of its shared
	// connection, one at a time.
	conn, err := dbus.SessionBus()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := keyring.Get("latch-test", user); err != nil {
		t.Fatal(err)
	}
	t.Logf("go-keyring Get sent the service %q", mon.calls(t, conn.Names()[0], 7))

	if err := c.Delete(ctx, "latch-test", user); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Get(ctx, "latch-test", user); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get after Delete: %v, want ErrNotFound", err)
	}
	if err := c.Delete(ctx, "latch-test", user); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Delete after Delete: %v, want ErrNotFound", err)
	}
	if st := c.Stats(); st.Connects != 1 || st.Fallbacks != 0 {
		t.Errorf("%+v: the connection was not kept, or a call fell back", st)
	}

	// A first read that finds nothing (a first sign-in) leaves the
	// session it opened to the write that follows.
	var d Client
	defer d.Close()
	if _, err := d.Get(ctx, "latch-test", user); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get of nothing: %v, want ErrNotFound", err)
	}
	if err := d.Set(ctx, "latch-test", user, secret); err != nil {
		t.Fatal(err)
	}
	if err := d.Delete(ctx, "latch-test", user); err != nil {
		t.Fatal(err)
	}
	if st := d.Stats(); st != (Stats{Connects: 1, Messages: 8, RoundTrips: 6}) {
		t.Errorf("Get of nothing, Set, Delete: %+v, want 8 messages in 6 round trips on 1 connection", st)
	}
}

// busMonitor records the method calls that reach org.freedesktop.secrets.
type busMonitor struct {
	mu  sync.Mutex
	got map[string][]string // sender -> members
}

func monitor(t *testing.T) *busMonitor {
	t.Helper()
	conn, err := dbus.SessionBusPrivate()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if err := conn.Auth(nil); err != nil {
		t.Fatal(err)
	}
	if err := conn.Hello(); err != nil {
		t.Fatal(err)
	}
	// Every message now goes to ch, the reply to BecomeMonitor too: Go,
	// not Call, and that reply is the first one from the bus.
	ch := make(chan *dbus.Message, 256)
	conn.Eavesdrop(ch)
	rule := "type='method_call',destination='" + serviceName + "'"
	conn.BusObject().Go("org.freedesktop.DBus.Monitoring.BecomeMonitor", 0, nil, []string{rule}, uint32(0))
	for msg := range ch {
		if msg.Type == dbus.TypeError {
			t.Skipf("the bus does not allow a monitor: %v", msg.Body)
		}
		if msg.Type == dbus.TypeMethodReply {
			break
		}
	}
	m := &busMonitor{got: map[string][]string{}}
	go func() {
		for msg := range ch {
			if msg.Type != dbus.TypeMethodCall {
				continue
			}
			sender, _ := msg.Headers[dbus.FieldSender].Value().(string)
			member, _ := msg.Headers[dbus.FieldMember].Value().(string)
			m.mu.Lock()
			m.got[sender] = append(m.got[sender], member)
			m.mu.Unlock()
		}
	}()
	return m
}

// calls waits for n calls from sender (and a little more for any extra),
// returns them and forgets them.
func (m *busMonitor) calls(t *testing.T, sender string, n int) []string {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for {
		m.mu.Lock()
		k := len(m.got[sender])
		m.mu.Unlock()
		if k >= n || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond)
	m.mu.Lock()
	defer m.mu.Unlock()
	out := m.got[sender]
	delete(m.got, sender)
	return out
}

// TestFrozenBusTimesOutAndIsNotReused plays a bus that answers a read,
// then stops answering (as a stopped daemon does): the next call returns
// at its deadline, or at once when cancelled, and the connection it gave up
// on is closed and never used again.
func TestFrozenBusTimesOutAndIsNotReused(t *testing.T) {
	answers := bytes.Join(scripts(t)[0].answers, nil) // "get"
	var dials []*frozenConn
	c := &Client{dial: func(context.Context) (net.Conn, error) {
		fc := &frozenConn{r: bytes.NewReader(answers), wake: make(chan struct{})}
		dials = append(dials, fc)
		return fc, nil
	}}
	if _, err := c.Get(t.Context(), "latch", "k"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := c.Get(ctx, "latch", "k"); !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrFallback) {
		t.Fatalf("frozen: %v, want the deadline", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("returned after %v", d)
	}
	if c.conn != nil || !dials[0].isClosed() {
		t.Fatal("the connection of a call that timed out is kept")
	}
	// A new connection, frozen from the start; cancelled while it waits.
	answers = nil
	ctx, cancel = context.WithCancel(t.Context())
	go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	start = time.Now()
	if err := c.Set(ctx, "latch", "k", "v"); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("returned %v after the cancel", d)
	}
	if len(dials) != 2 || c.conn != nil || !dials[1].isClosed() {
		t.Fatalf("%d connections; the cancelled one kept: %v", len(dials), c.conn != nil)
	}
	if st := c.Stats(); st.Fallbacks != 0 {
		t.Fatalf("a timeout or cancel fell back: %+v", st)
	}
}

// frozenConn answers with r, then blocks until its deadline is moved to
// the past (what the client does when the context is done).
type frozenConn struct {
	scriptConn
	r      *bytes.Reader
	mu     sync.Mutex
	wake   chan struct{}
	woken  bool
	closed bool
}

func (f *frozenConn) Read(p []byte) (int, error) {
	if f.r.Len() > 0 {
		return f.r.Read(p)
	}
	<-f.wake
	return 0, os.ErrDeadlineExceeded
}

func (f *frozenConn) SetDeadline(d time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !d.IsZero() && d.Before(time.Now()) && !f.woken {
		f.woken = true
		close(f.wake)
	}
	return nil
}

func (f *frozenConn) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closed = true
	return nil
}

func (f *frozenConn) isClosed() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.closed
}
