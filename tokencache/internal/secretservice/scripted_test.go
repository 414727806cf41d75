package secretservice

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/godbus/dbus/v5"
)

// These tests play a bus to the client from scripts of the answers a real
// bus gives (serials as the client numbers its calls: 1 Hello,
// 2 Collections, 3 OpenSession, then one per call), for the paths a real
// gnome-keyring cannot be made to take here: replies out of order, several
// matching items, a prompt, a refused authentication, a service without a
// login collection. The same scripts seed FuzzConn.

const item = "/org/freedesktop/secrets/collection/login/1"

type script struct {
	name    string
	op      byte // as FuzzConn: 0 Get, 1 Set, 2 Delete, 3 Get then Set, 4 Delete then Set
	answers [][]byte
	want    error  // nil, ErrNotFound or ErrFallback (of the last call)
	trips   int    // round trips
	last    string // the object the last call went to, when it matters
}

func scripts(t testing.TB) []script {
	le := binary.LittleEndian
	auth := []byte("DATA\r\nOK 0123456789abcdef0123456789abcdef\r\n")
	login := dbus.MakeVariant([]dbus.ObjectPath{loginPath, "/org/freedesktop/secrets/collection/session"})
	noLogin := dbus.MakeVariant([]dbus.ObjectPath{"/org/freedesktop/secrets/collection/Passwords"})
	start := func(order binary.ByteOrder, colls dbus.Variant) [][]byte {
		return [][]byte{auth, reply(t, order, 1, "", ":1.42"), signal(t), reply(t, order, 2, "", colls),
			reply(t, order, 3, "", dbus.MakeVariant(""), dbus.ObjectPath("/org/freedesktop/secrets/session/s1"))}
	}
	search := func(serial uint32, unlocked, locked []dbus.ObjectPath) []byte {
		return reply(t, le, serial, "", unlocked, locked)
	}
	found := search(4, []dbus.ObjectPath{item}, []dbus.ObjectPath{})
	none := search(4, []dbus.ObjectPath{}, []dbus.ObjectPath{})
	secret := func(serial uint32) []byte {
		return reply(t, le, serial, "", secretStruct{"/org/freedesktop/secrets/session/s1", []byte{}, []byte("the secret"), contentType})
	}
	created := func(serial uint32) []byte {
		return reply(t, le, serial, "", dbus.ObjectPath(item), dbus.ObjectPath("/"))
	}
	deleted := func(serial uint32) []byte { return reply(t, le, serial, "", dbus.ObjectPath("/")) }
	replaced := func(serial uint32) []byte { return reply(t, le, serial, "") }
	locked := func(serial uint32, v bool) []byte { return reply(t, le, serial, "", dbus.MakeVariant(v)) }
	with := func(base [][]byte, more ...[]byte) [][]byte { return append(append([][]byte{}, base...), more...) }
	s := start(le, login)
	// Without a login collection, ReadAlias("default") goes with
	// OpenSession (serial 4) and the calls after it count from 5.
	passwords := "/org/freedesktop/secrets/collection/Passwords"
	alias := func(p string) []byte { return reply(t, le, 4, "", dbus.ObjectPath(p)) }
	noLoginStart := with(start(le, noLogin), alias(passwords))
	return []script{
		{"get", 0, with(s, found, secret(5)), nil, 3, item},
		{"get-big-endian", 0, with(start(binary.BigEndian, login), reply(t, binary.BigEndian, 4, "", []dbus.ObjectPath{item}, []dbus.ObjectPath{}),
			reply(t, binary.BigEndian, 5, "", secretStruct{"/s", []byte{}, []byte("the secret"), contentType})), nil, 3, ""},
		{"get-out-of-order", 0, [][]byte{auth, signal(t), s[1], s[3], found, s[4], secret(5)}, nil, 3, ""},
		{"get-not-found", 0, with(s, none, locked(5, false)), ErrNotFound, 3, loginPath},
		{"get-not-found-no-login", 0, with(noLoginStart, search(5, nil, nil), locked(6, false)), ErrNotFound, 3, defaultPath},
		{"get-no-login", 0, with(noLoginStart, search(5, []dbus.ObjectPath{dbus.ObjectPath(passwords + "/1")}, nil), secret(6)), nil, 3, passwords + "/1"},
		{"get-no-default-alias", 0, with(start(le, noLogin), alias("/"), search(5, nil, nil)), ErrFallback, 2, ""},
		// go-keyring reads only its collection: an item elsewhere is not
		// its, and not found.
		{"get-other-collection", 0, with(s, search(4, []dbus.ObjectPath{"/org/freedesktop/secrets/collection/session/1"}, nil), locked(5, false)), ErrNotFound, 3, loginPath},
		{"get-not-found-locked", 0, with(s, none, locked(5, true)), ErrFallback, 3, ""},
		{"get-item-locked", 0, with(s, search(4, []dbus.ObjectPath{}, []dbus.ObjectPath{item})), ErrFallback, 2, ""},
		{"get-two-items", 0, with(s, search(4, []dbus.ObjectPath{item, item + "0"}, []dbus.ObjectPath{})), ErrFallback, 2, ""},
		{"get-no-service", 0, [][]byte{auth, s[1], s[2], reply(t, le, 2, "org.freedesktop.DBus.Error.ServiceUnknown", "The name is not activatable")}, ErrFallback, 1, ""},
		{"get-cut-short", 0, s[:4], ErrFallback, 2, ""},
		{"get-secret-error", 0, with(s, found, reply(t, le, 5, "org.freedesktop.Secret.Error.IsLocked", "locked")), ErrFallback, 3, ""},
		{"auth-rejected", 0, [][]byte{[]byte("REJECTED DBUS_COOKIE_SHA1\r\n")}, ErrFallback, 1, ""},
		{"set", 1, with(s, created(4)), nil, 3, loginPath},
		{"set-no-login", 1, with(noLoginStart, created(5)), nil, 3, defaultPath},
		{"set-prompt", 1, with(s, reply(t, le, 4, "", dbus.ObjectPath("/"), dbus.ObjectPath("/org/freedesktop/secrets/prompt/p1"))), ErrFallback, 3, ""},
		{"set-locked", 1, with(s, reply(t, le, 4, "org.freedesktop.Secret.Error.IsLocked", "locked")), ErrFallback, 3, ""},
		{"delete", 2, with(s, found, deleted(5)), nil, 3, item},
		{"delete-not-found", 2, with(s, none, locked(5, false)), ErrNotFound, 3, ""},
		// A write after a read replaces the secret of the item read; if
		// that item is gone by then, it is created.
		{"get-then-set", 3, with(s, found, secret(5), replaced(6)), nil, 4, item},
		{"get-then-set-item-gone", 3, with(s, found, secret(5),
			reply(t, le, 6, "org.freedesktop.DBus.Error.UnknownObject", "no such object"), created(7)), nil, 5, loginPath},
		{"get-not-found-then-set", 3, with(s, none, locked(5, false), created(6)), nil, 4, ""},
		{"delete-then-set", 4, with(s, found, deleted(5), created(6)), nil, 4, ""},
	}
}

func TestScriptedBus(t *testing.T) {
	for _, sc := range scripts(t) {
		t.Run(sc.name, func(t *testing.T) {
			var writes [][]byte
			c := scripted(bytes.Join(sc.answers, nil), &writes)
			ctx := context.Background()
			var err error
			switch sc.op {
			case 0:
				var got string
				if got, err = c.Get(ctx, "latch", "k"); err == nil && got != "the secret" {
					t.Fatalf("secret %q", got)
				}
			case 1:
				err = c.Set(ctx, "latch", "k", "the secret")
			case 2:
				err = c.Delete(ctx, "latch", "k")
			case 3:
				if _, err = c.Get(ctx, "latch", "k"); err == nil || errors.Is(err, ErrNotFound) {
					err = c.Set(ctx, "latch", "k", "the secret")
				}
			case 4:
				if err = c.Delete(ctx, "latch", "k"); err == nil {
					err = c.Set(ctx, "latch", "k", "the secret")
				}
			}
			if sc.want == nil && err != nil || sc.want != nil && !errors.Is(err, sc.want) {
				t.Fatalf("%v, want %v", err, sc.want)
			}
			st := c.Stats()
			if st.RoundTrips != sc.trips || st.Connects != 1 {
				t.Errorf("%d round trips on %d connections, want %d on 1", st.RoundTrips, st.Connects, sc.trips)
			}
			if (st.Fallbacks == 1) != errors.Is(err, ErrFallback) {
				t.Errorf("%d fallbacks counted", st.Fallbacks)
			}
			if len(writes) != st.RoundTrips {
				t.Fatalf("%d writes", len(writes))
			}
			first, ok := bytes.CutPrefix(writes[0], []byte("\x00AUTH EXTERNAL\r\nDATA\r\nBEGIN\r\n"))
			if !ok {
				t.Fatalf("authentication %q", writes[0][:min(len(writes[0]), 40)])
			}
			// The first write: Hello and the Collections property, nothing
			// that needs the service's state for this client.
			if calls := decodeCalls(t, first); len(calls) != 2 || calls[0].Headers[dbus.FieldMember].Value() != "Hello" ||
				calls[1].Headers[dbus.FieldMember].Value() != "Get" || !reflect.DeepEqual(calls[1].Body, []any{serviceIfc, "Collections"}) {
				t.Fatalf("the first write: %v", calls)
			}
			last := decodeCalls(t, first)
			if len(writes) > 1 {
				last = decodeCalls(t, writes[len(writes)-1])
			}
			if sc.last != "" && last[len(last)-1].Headers[dbus.FieldPath].Value() != dbus.ObjectPath(sc.last) {
				t.Errorf("the last call went to %v, want %s", last[len(last)-1].Headers[dbus.FieldPath], sc.last)
			}
		})
	}
}

func decodeCalls(t *testing.T, b []byte) []*dbus.Message {
	t.Helper()
	var out []*dbus.Message
	r := bytes.NewReader(b)
	for r.Len() > 0 {
		m, err := dbus.DecodeMessage(r)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

// TestWriteFuzzSeeds writes the scripts as FuzzConn seeds when
// LATCH_WRITE_FUZZ_SEEDS=1 (after a change to the scripts), and a few
// whole replies as FuzzMessage seeds.
func TestWriteFuzzSeeds(t *testing.T) {
	if os.Getenv("LATCH_WRITE_FUZZ_SEEDS") != "1" {
		t.Skip("LATCH_WRITE_FUZZ_SEEDS=1 writes the seeds")
	}
	write := func(fuzz, name string, values ...string) {
		dir := filepath.Join("testdata", "fuzz", fuzz)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		body := "go test fuzz v1\n" + strings.Join(values, "\n") + "\n"
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, sc := range scripts(t) {
		write("FuzzConn", sc.name, fmt.Sprintf("[]byte(%q)", bytes.Join(sc.answers, nil)), fmt.Sprintf("byte(%q)", sc.op))
	}
	for _, sc := range scripts(t)[:1] {
		for i, a := range sc.answers[1:] {
			write("FuzzMessage", fmt.Sprintf("get-%d", i), fmt.Sprintf("[]byte(%q)", a))
		}
	}
	nested := reply(t, binary.LittleEndian, 2, "", dbus.MakeVariant(map[string][]dbus.Variant{"a": {dbus.MakeVariant(dbus.MakeVariant(uint64(1)))}}), dbus.ObjectPath("/s"))
	write("FuzzMessage", "nested-variant", fmt.Sprintf("[]byte(%q)", nested))
	write("FuzzMessage", "error", fmt.Sprintf("[]byte(%q)", reply(t, binary.BigEndian, 3, "org.freedesktop.Secret.Error.IsLocked", "locked")))
}
