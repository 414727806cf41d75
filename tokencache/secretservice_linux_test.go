//go:build linux

package tokencache

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/latchdev/latch/auth/authtest"
	"github.com/latchdev/latch/tokencache/internal/secretservice"
	"github.com/zalando/go-keyring"
)

// Keyring's lean Secret Service path against the real daemon: it must be
// the path taken (no fallback to go-keyring on an unlocked keyring), read
// and replace what go-keyring wrote and the reverse, and hand locked items
// to go-keyring. The calls it makes are counted in package secretservice.

func leanStats(k *Keyring) secretservice.Stats { return k.lean.c.Stats() }

// matching counts the items with go-keyring's attributes in every
// collection, asked through godbus.
func matching(t *testing.T, service, user string) int {
	t.Helper()
	conn, err := dbus.SessionBus()
	if err != nil {
		t.Fatal(err)
	}
	var unlocked, locked []dbus.ObjectPath
	err = conn.Object("org.freedesktop.secrets", "/org/freedesktop/secrets").
		Call("org.freedesktop.Secret.Service.SearchItems", 0, map[string]string{"service": service, "username": user}).
		Store(&unlocked, &locked)
	if err != nil {
		t.Fatal(err)
	}
	return len(unlocked) + len(locked)
}

func TestLeanKeyringRoundTripsChunkedRecords(t *testing.T) {
	ctx := t.Context()
	c := realCache(t, 1024)
	r := bigRecord("lean")
	if err := c.Save(ctx, "p", r); err != nil {
		t.Fatal(err)
	}
	x, _ := c.Index()
	if e := x.Records[r.Key]; e == nil || e.Chunks < 4 {
		t.Fatalf("not chunked: %+v", e)
	}
	got, err := c.Load(ctx, r.Key)
	if err != nil || got.RefreshToken != r.RefreshToken {
		t.Fatalf("load: %v", err)
	}
	if err := c.Delete(ctx, r.Key); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Store.Get(ctx, string(r.Key)); !errors.Is(err, ErrNotFound) {
		t.Fatalf("after delete: %v, want ErrNotFound", err)
	}
	st := leanStats(c.Store.(*Keyring))
	if st.Fallbacks != 0 || st.Connects != 1 || st.Messages < 10 {
		t.Fatalf("%+v: the lean path was not the one taken, on one connection", st)
	}
}

func TestLeanKeyringAndGoKeyringReadEachOther(t *testing.T) {
	authtest.RequireKeyring(t)
	ctx := t.Context()
	const service = "latch-test-compat"
	user := fmt.Sprintf("u-%d", os.Getpid())
	defer keyring.Delete(service, user)
	k := NewKeyring(service, 0)

	// Written by go-keyring (old latch), read by the lean path.
	if err := keyring.Set(service, user, "from go-keyring"); err != nil {
		t.Fatal(err)
	}
	if got, err := k.Get(ctx, user); err != nil || got != "from go-keyring" {
		t.Fatalf("lean Get of a go-keyring item: %q %v", got, err)
	}
	// Replaced by the lean path, in place: one item, read by go-keyring.
	big := strings.Repeat("é", 600)
	if err := k.Set(ctx, user, big); err != nil {
		t.Fatal(err)
	}
	if n := matching(t, service, user); n != 1 {
		t.Fatalf("%d items after the lean Set replaced go-keyring's, want 1", n)
	}
	if got, err := keyring.Get(service, user); err != nil || got != big {
		t.Fatalf("go-keyring Get of a lean item: %d bytes, %v", len(got), err)
	}
	// And the reverse: go-keyring replaces the lean item, lean reads it.
	if err := keyring.Set(service, user, "again"); err != nil {
		t.Fatal(err)
	}
	if n := matching(t, service, user); n != 1 {
		t.Fatalf("%d items after go-keyring replaced the lean one, want 1", n)
	}
	if got, err := k.Get(ctx, user); err != nil || got != "again" {
		t.Fatalf("lean Get after go-keyring's Set: %q %v", got, err)
	}
	// A lean item is deleted by go-keyring, a go-keyring item by lean.
	if err := k.Set(ctx, user, "x"); err != nil {
		t.Fatal(err)
	}
	if err := keyring.Delete(service, user); err != nil {
		t.Fatalf("go-keyring Delete of a lean item: %v", err)
	}
	if err := keyring.Set(service, user, "y"); err != nil {
		t.Fatal(err)
	}
	if err := k.Delete(ctx, user); err != nil {
		t.Fatal(err)
	}
	if _, err := keyring.Get(service, user); !errors.Is(err, keyring.ErrNotFound) {
		t.Fatalf("go-keyring Get after the lean Delete: %v", err)
	}
	if st := leanStats(k); st.Fallbacks != 0 || st.Connects != 1 {
		t.Fatalf("%+v: a call fell back to go-keyring, or the connection was not kept", st)
	}
}

func TestLeanConnectionIsNotReusedAfterATimeout(t *testing.T) {
	if inOwnKeyring(t) {
		return
	}
	authtest.RequireKeyring(t)
	ctx := t.Context()
	k := NewKeyring("latch-test", 200*time.Millisecond)
	if err := k.Set(ctx, "frozen", "x"); err != nil {
		t.Fatal(err)
	}
	thaw := freezeKeyring(t)
	start := time.Now()
	if _, err := k.Get(ctx, "frozen"); !errors.Is(err, ErrKeyringTimeout) {
		t.Fatalf("frozen: %v, want ErrKeyringTimeout", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("the timeout came after %v", d)
	}
	thaw()
	k.Timeout = 5 * time.Second
	if got, err := k.Get(ctx, "frozen"); err != nil || got != "x" {
		t.Fatalf("after the thaw: %q %v", got, err)
	}
	if st := leanStats(k); st.Connects != 2 || st.Fallbacks != 0 {
		t.Fatalf("%+v, want a second connection and no fallback", st)
	}
}

func TestLockedItemFallsBackToGoKeyring(t *testing.T) {
	if inOwnKeyring(t) {
		return
	}
	authtest.RequireKeyring(t)
	k := NewKeyring("latch-test", 5*time.Second)
	if err := k.Set(t.Context(), "locked-item", "x"); err != nil {
		t.Fatal(err)
	}
	dbusSend(t, "org.freedesktop.Secret.Service.Lock", "array:objpath:/org/freedesktop/secrets/collection/login")
	defer restartKeyring(t)
	_, err := k.Get(t.Context(), "locked-item")
	if !errors.Is(err, ErrKeyringLocked) || !errors.Is(err, ErrKeyringRefused) || !strings.Contains(err.Error(), "unlock the login keyring") {
		t.Fatalf("Get of a locked item: %v, want go-keyring's ErrKeyringLocked and ErrKeyringRefused", err)
	}
	if err := k.Set(t.Context(), "locked-item", "y"); !errors.Is(err, ErrKeyringLocked) {
		t.Fatalf("Set in a locked collection: %v, want ErrKeyringLocked", err)
	}
	if st := leanStats(k); st.Fallbacks != 2 {
		t.Fatalf("%+v, want both calls handed to go-keyring", st)
	}
}

// TestManyNewConnectionsKeepTheServiceUp opens a thousand connections, one
// read each, as a thousand latch token processes do. A first write that
// also carried OpenSession made gnome-keyring 42 abort within a few
// hundred (its state for a new caller is set up asynchronously); the
// client starts with the Collections property alone, as go-keyring does.
func TestManyNewConnectionsKeepTheServiceUp(t *testing.T) {
	if inOwnKeyring(t) {
		return
	}
	authtest.RequireKeyring(t)
	ctx := t.Context()
	if err := keyring.Set("latch-test", "many", strings.Repeat("x", 1154)); err != nil {
		t.Fatal(err)
	}
	pid := secretServicePID(t)
	for i := range 1000 {
		var c secretservice.Client
		_, err := c.Get(ctx, "latch-test", "many")
		c.Close()
		if err != nil {
			t.Fatalf("read %d: %v", i, err)
		}
	}
	if now := secretServicePID(t); now != pid {
		t.Fatalf("the Secret Service was restarted (pid %d, now %d)", pid, now)
	}
}

// BenchmarkKeyringGet reads a 1154-byte item (a session record's size)
// in-process: go-keyring on its shared connection, the lean path on its
// kept connection (the second read of a process), and the lean path on a
// new connection each time (the first read, as latch token makes it).
func BenchmarkKeyringGet(b *testing.B) {
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		b.Skip("no D-Bus session: run under .ci/with-keyring")
	}
	authtest.RequireKeyring(b)
	const service = "latch-test-bench"
	user := fmt.Sprintf("b-%d", os.Getpid())
	secret := strings.Repeat("x", 1154)
	if err := keyring.Set(service, user, secret); err != nil {
		b.Fatal(err)
	}
	defer keyring.Delete(service, user)
	check := func(s string, err error) {
		if err != nil || s != secret {
			b.Fatalf("%d bytes, %v", len(s), err)
		}
	}
	b.Run("go-keyring", func(b *testing.B) {
		for b.Loop() {
			check(keyring.Get(service, user))
		}
	})
	b.Run("lean", func(b *testing.B) {
		var c secretservice.Client
		defer c.Close()
		for b.Loop() {
			check(c.Get(b.Context(), service, user))
		}
	})
	b.Run("lean-new-connection", func(b *testing.B) {
		for b.Loop() {
			var c secretservice.Client
			check(c.Get(b.Context(), service, user))
			c.Close()
		}
	})
}

// A refresh reads then writes on one connection: the write replaces the
// secret of the item it read (SetSecret), one item before and after, and
// go-keyring reads the new secret.
func TestLeanWriteAfterReadReplacesTheItemRead(t *testing.T) {
	if inOwnKeyring(t) {
		return
	}
	authtest.RequireKeyring(t)
	ctx := t.Context()
	service, user := "latch-test", "write-after-read"
	if err := keyring.Set(service, user, "old"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { keyring.Delete(service, user) })
	k := NewKeyring(service, 0)
	if got, err := k.Get(ctx, user); err != nil || got != "old" {
		t.Fatalf("Get: %q %v", got, err)
	}
	if err := k.Set(ctx, user, "new"); err != nil {
		t.Fatal(err)
	}
	if got, err := keyring.Get(service, user); err != nil || got != "new" {
		t.Fatalf("go-keyring reads %q %v after the write, want the new secret", got, err)
	}
	if n := matching(t, service, user); n != 1 {
		t.Fatalf("%d items after the write, want 1", n)
	}
	if st := leanStats(k); st.Connects != 1 || st.Fallbacks != 0 || st.RoundTrips != 4 {
		t.Fatalf("%+v: want the read and the write on one connection in 4 round trips", st)
	}
}

// plainSecret is the Secret Service's Secret struct, (oayays), for godbus.
type plainSecret struct {
	Session     dbus.ObjectPath
	Parameters  []byte
	Value       []byte
	ContentType string
}

// An item with latch's attributes in another collection (gnome-keyring's
// in-memory session collection here; another KeePassXC database, one moved
// in Seahorse) is not go-keyring's: the lean path passes it over too, and
// neither reads it nor writes the rotated refresh token into it.
func TestLeanKeyringKeepsToGoKeyringsCollection(t *testing.T) {
	if inOwnKeyring(t) {
		return
	}
	authtest.RequireKeyring(t)
	ctx := t.Context()
	service, user := "latch-test", "other-collection"
	conn, err := dbus.SessionBus()
	if err != nil {
		t.Fatal(err)
	}
	svc := conn.Object("org.freedesktop.secrets", "/org/freedesktop/secrets")
	var out dbus.Variant
	var sess dbus.ObjectPath
	if err := svc.Call("org.freedesktop.Secret.Service.OpenSession", 0, "plain", dbus.MakeVariant("")).Store(&out, &sess); err != nil {
		t.Fatal(err)
	}
	props := map[string]dbus.Variant{
		"org.freedesktop.Secret.Item.Label":      dbus.MakeVariant("elsewhere"),
		"org.freedesktop.Secret.Item.Attributes": dbus.MakeVariant(map[string]string{"service": service, "username": user}),
	}
	secret := plainSecret{sess, nil, []byte("elsewhere"), "text/plain"}
	var item, prompt dbus.ObjectPath
	if err := conn.Object("org.freedesktop.secrets", "/org/freedesktop/secrets/collection/session").
		Call("org.freedesktop.Secret.Collection.CreateItem", 0, props, secret, true).Store(&item, &prompt); err != nil {
		t.Skipf("no session collection to put an item in: %v", err)
	}
	t.Cleanup(func() { conn.Object("org.freedesktop.secrets", item).Call("org.freedesktop.Secret.Item.Delete", 0) })
	t.Cleanup(func() { keyring.Delete(service, user) })

	k := NewKeyring(service, 0)
	if _, err := keyring.Get(service, user); !errors.Is(err, keyring.ErrNotFound) {
		t.Fatalf("go-keyring: %v, want not found", err)
	}
	if got, err := k.Get(ctx, user); !errors.Is(err, ErrNotFound) {
		t.Fatalf("lean Get: %q %v, want not found as go-keyring says", got, err)
	}
	if err := k.Set(ctx, user, "new"); err != nil {
		t.Fatal(err)
	}
	if got, err := keyring.Get(service, user); err != nil || got != "new" {
		t.Fatalf("go-keyring reads %q %v after the lean write", got, err)
	}
	k2 := NewKeyring(service, 0)
	if got, err := k2.Get(ctx, user); err != nil || got != "new" {
		t.Fatalf("lean Get after the write: %q %v", got, err)
	}
	var held plainSecret
	if err := conn.Object("org.freedesktop.secrets", item).Call("org.freedesktop.Secret.Item.GetSecret", 0, sess).Store(&held); err != nil {
		t.Fatal(err)
	}
	if string(held.Value) != "elsewhere" {
		t.Fatalf("the other collection's item now holds %q", held.Value)
	}
	if st := leanStats(k); st.Fallbacks != 0 {
		t.Fatalf("%+v: the lean path fell back", st)
	}
}
