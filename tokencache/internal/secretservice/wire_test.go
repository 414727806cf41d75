package secretservice

import (
	"bytes"
	"encoding/binary"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/godbus/dbus/v5"
)

// The codec is checked against godbus, an independent implementation:
// every call the client sends decodes there to what was meant, and every
// reply shape godbus encodes, in both byte orders, reads here.

func TestCallsDecodeInGodbus(t *testing.T) {
	secret := strings.Repeat("s\x00\xff", 400) // not UTF-8: a secret is bytes
	var open, search, get encoder
	open.str("plain")
	open.sig("s")
	open.str("")
	search.dict("service", "latch", "username", "k #0a1b2c3d/0")
	get.str("/org/freedesktop/secrets/session/s7")
	tests := []struct {
		c    call
		want []any
	}{
		{call{busName, busPath, busName, "Hello", "", nil}, nil},
		{call{serviceName, servicePath, serviceIfc, "OpenSession", "sv", open.b}, []any{"plain", dbus.MakeVariant("")}},
		{call{serviceName, servicePath, serviceIfc, "SearchItems", "a{ss}", search.b}, []any{map[string]string{"service": "latch", "username": "k #0a1b2c3d/0"}}},
		{call{serviceName, "/org/freedesktop/secrets/collection/login/3", itemIfc, "GetSecret", "o", get.b}, []any{dbus.ObjectPath("/org/freedesktop/secrets/session/s7")}},
		{call{serviceName, loginPath, collIfc, "CreateItem", "a{sv}(oayays)b", createItemBody("latch", "k", secret, "/org/freedesktop/secrets/session/s7")}, []any{
			map[string]dbus.Variant{
				"org.freedesktop.Secret.Item.Label":      dbus.MakeVariant("Password for 'k' on 'latch'"),
				"org.freedesktop.Secret.Item.Attributes": dbus.MakeVariant(map[string]string{"service": "latch", "username": "k"}),
			},
			[]any{dbus.ObjectPath("/org/freedesktop/secrets/session/s7"), []byte{}, []byte(secret), "text/plain; charset=utf8"},
			true,
		}},
		{call{serviceName, "/org/freedesktop/secrets/collection/login/3", itemIfc, "Delete", "", nil}, nil},
	}
	// All in one stream, as the client writes them.
	var stream []byte
	for i, tt := range tests {
		stream = appendCall(stream, uint32(i+1), tt.c)
	}
	rd := bytes.NewReader(stream)
	for i, tt := range tests {
		m, err := dbus.DecodeMessage(rd)
		if err != nil {
			t.Fatalf("%s: %v", tt.c.member, err)
		}
		h := func(f dbus.HeaderField) any { return m.Headers[f].Value() }
		if m.Type != dbus.TypeMethodCall || m.Serial() != uint32(i+1) || h(dbus.FieldMember) != tt.c.member ||
			h(dbus.FieldPath) != dbus.ObjectPath(tt.c.path) || h(dbus.FieldInterface) != tt.c.iface || h(dbus.FieldDestination) != tt.c.dest {
			t.Errorf("%s: header %v", tt.c.member, m)
		}
		if len(tt.want) == 0 && len(m.Body) == 0 {
			continue
		}
		if !reflect.DeepEqual(m.Body, tt.want) {
			t.Errorf("%s: body %#v\nwant %#v", tt.c.member, m.Body, tt.want)
		}
	}
	if rd.Len() != 0 {
		t.Fatalf("%d bytes left after the calls", rd.Len())
	}
}

// reply encodes a reply as the bus delivers it (with the sender and
// destination fields godbus adds nothing for), in byte order order.
func reply(t testing.TB, order binary.ByteOrder, replySerial uint32, errName string, body ...any) []byte {
	t.Helper()
	m := &dbus.Message{Type: dbus.TypeMethodReply, Headers: map[dbus.HeaderField]dbus.Variant{
		dbus.FieldReplySerial: dbus.MakeVariant(replySerial),
		dbus.FieldSender:      dbus.MakeVariant(":1.1"),
		dbus.FieldDestination: dbus.MakeVariant(":1.42"),
	}, Body: body}
	if errName != "" {
		m.Type = dbus.TypeError
		m.Headers[dbus.FieldErrorName] = dbus.MakeVariant(errName)
	}
	if len(body) > 0 {
		m.Headers[dbus.FieldSignature] = dbus.MakeVariant(dbus.SignatureOf(body...))
	}
	var b bytes.Buffer
	if err := m.EncodeTo(&b, order); err != nil {
		t.Fatal(err)
	}
	out := b.Bytes()
	order.PutUint32(out[8:], 1000+replySerial) // godbus leaves the serial to its connection
	return out
}

// signal encodes the NameAcquired signal the bus sends after Hello.
func signal(t testing.TB) []byte {
	t.Helper()
	m := &dbus.Message{Type: dbus.TypeSignal, Headers: map[dbus.HeaderField]dbus.Variant{
		dbus.FieldPath:      dbus.MakeVariant(dbus.ObjectPath(busPath)),
		dbus.FieldInterface: dbus.MakeVariant(busName),
		dbus.FieldMember:    dbus.MakeVariant("NameAcquired"),
		dbus.FieldSignature: dbus.MakeVariant(dbus.SignatureOf("")),
	}, Body: []any{":1.42"}}
	var b bytes.Buffer
	if err := m.EncodeTo(&b, binary.LittleEndian); err != nil {
		t.Fatal(err)
	}
	out := b.Bytes()
	binary.LittleEndian.PutUint32(out[8:], 999)
	return out
}

type secretStruct struct {
	Session     dbus.ObjectPath
	Parameters  []byte
	Value       []byte
	ContentType string
}

func TestRepliesFromGodbusRead(t *testing.T) {
	item := dbus.ObjectPath("/org/freedesktop/secrets/collection/login/1")
	secret := []byte(strings.Repeat("x\x00\xfe", 400))
	for _, order := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
		parse := func(b []byte) message {
			t.Helper()
			m, err := parseMessage(b)
			if err != nil {
				t.Fatalf("%v: %v", order, err)
			}
			return m
		}
		if p, err := openSessionReply(parse(reply(t, order, 2, "", dbus.MakeVariant(""), dbus.ObjectPath("/org/freedesktop/secrets/session/s1")))); err != nil || p != "/org/freedesktop/secrets/session/s1" {
			t.Errorf("%v: OpenSession %q %v", order, p, err)
		}
		// A variant of another shape is skipped too.
		if p, err := openSessionReply(parse(reply(t, order, 2, "", dbus.MakeVariant(map[string][]dbus.Variant{"a": {dbus.MakeVariant(uint64(1))}}), dbus.ObjectPath("/s")))); err != nil || p != "/s" {
			t.Errorf("%v: OpenSession with a nested variant %q %v", order, p, err)
		}
		u, l, err := searchReply(parse(reply(t, order, 3, "", []dbus.ObjectPath{item, "/b"}, []dbus.ObjectPath{"/c"})))
		if err != nil || !reflect.DeepEqual(u, []string{string(item), "/b"}) || !reflect.DeepEqual(l, []string{"/c"}) {
			t.Errorf("%v: SearchItems %q %q %v", order, u, l, err)
		}
		u, l, err = searchReply(parse(reply(t, order, 3, "", []dbus.ObjectPath{}, []dbus.ObjectPath{})))
		if err != nil || len(u)+len(l) != 0 {
			t.Errorf("%v: empty SearchItems %q %q %v", order, u, l, err)
		}
		v, err := secretReply(parse(reply(t, order, 4, "", secretStruct{"/s", []byte{}, secret, contentType})))
		if err != nil || !bytes.Equal(v, secret) {
			t.Errorf("%v: GetSecret %d bytes %v", order, len(v), err)
		}
		if err := createReply(parse(reply(t, order, 5, "", item, dbus.ObjectPath("/")))); err != nil {
			t.Errorf("%v: CreateItem %v", order, err)
		}
		if err := createReply(parse(reply(t, order, 5, "", dbus.ObjectPath("/"), dbus.ObjectPath("/org/freedesktop/secrets/prompt/p1")))); !errors.Is(err, ErrFallback) {
			t.Errorf("%v: CreateItem with a prompt: %v, want ErrFallback", order, err)
		}
		if err := promptReply(parse(reply(t, order, 6, "", dbus.ObjectPath("/")))); err != nil {
			t.Errorf("%v: Delete %v", order, err)
		}
		for _, want := range []bool{true, false} {
			if got, err := lockedReply(parse(reply(t, order, 7, "", dbus.MakeVariant(want)))); err != nil || got != want {
				t.Errorf("%v: Locked %v %v", order, got, err)
			}
		}
		if _, err := lockedReply(parse(reply(t, order, 7, "", dbus.MakeVariant("yes")))); err == nil {
			t.Errorf("%v: a Locked that is not a boolean was read", order)
		}
		m := parse(reply(t, order, 8, "org.freedesktop.Secret.Error.IsLocked", "Cannot get secret of a locked object"))
		if m.typ != typeError || m.replySerial != 8 || m.errorName != "org.freedesktop.Secret.Error.IsLocked" {
			t.Errorf("%v: error reply %+v", order, m)
		}
		if _, err := secretReply(m); !errors.Is(err, ErrFallback) || !strings.Contains(err.Error(), "IsLocked") {
			t.Errorf("%v: error reply read as %v", order, err)
		}
		// The right shape under the wrong method is refused.
		if _, _, err := searchReply(parse(reply(t, order, 3, "", item))); err == nil {
			t.Errorf("%v: SearchItems read a reply of signature o", order)
		}
	}
	if m, err := parseMessage(signal(t)); err != nil || m.typ != 4 {
		t.Errorf("NameAcquired: %+v %v", m, err)
	}
}

func TestMalformedMessagesAreErrors(t *testing.T) {
	good := reply(t, binary.LittleEndian, 4, "", secretStruct{"/s", []byte{}, []byte("v"), contentType})
	mutate := func(f func(b []byte) []byte) []byte { return f(bytes.Clone(good)) }
	tests := map[string][]byte{
		"empty":              nil,
		"short":              good[:15],
		"truncated":          good[:len(good)-1],
		"longer":             append(bytes.Clone(good), 0),
		"byte order":         mutate(func(b []byte) []byte { b[0] = 'x'; return b }),
		"version":            mutate(func(b []byte) []byte { b[3] = 2; return b }),
		"huge body":          mutate(func(b []byte) []byte { binary.LittleEndian.PutUint32(b[4:], 0xffffffff); return b }),
		"huge fields":        mutate(func(b []byte) []byte { binary.LittleEndian.PutUint32(b[12:], 0xfffffff0); return b }),
		"serial 0":           mutate(func(b []byte) []byte { binary.LittleEndian.PutUint32(b[8:], 0); return b }),
		"fields past header": mutate(func(b []byte) []byte { b[12] += 8; return b }),
	}
	for name, b := range tests {
		if _, err := parseMessage(b); err == nil {
			t.Errorf("%s: parsed", name)
		}
	}
	if _, err := messageLen(good[:16]); err != nil {
		t.Fatal(err)
	}
}

func TestSignatures(t *testing.T) {
	for _, s := range []string{"s", "a{sv}", "(oayays)", "aa{s(ii)}", "v", "a(yv)"} {
		if got, rest, ok := firstType(s+"u", 0); !ok || got != s || rest != "u" {
			t.Errorf("%q: %q %q %v", s, got, rest, ok)
		}
	}
	for _, s := range []string{"", "a", "(", "()", "{ss}x", "a{vs}", "a{sss}", "(s", ")", "z", strings.Repeat("a", 40) + "s"} {
		if got, _, ok := firstType(s, 0); ok && s != "{ss}x" {
			t.Errorf("%q: accepted as %q", s, got)
		}
	}
}

func TestPaths(t *testing.T) {
	for _, p := range []string{"/", "/a", "/org/freedesktop/secrets/collection/login/12", "/A_9"} {
		if !validPath(p) {
			t.Errorf("%q refused", p)
		}
	}
	for _, p := range []string{"", "a", "//", "/a/", "/a//b", "/a-b", "/é"} {
		if validPath(p) {
			t.Errorf("%q accepted", p)
		}
	}
}

func TestBusAddresses(t *testing.T) {
	tests := map[string][]string{
		"unix:path=/run/user/1000/bus":               {"/run/user/1000/bus"},
		"unix:path=/tmp/dbus-x,guid=cd4a7ca4":        {"/tmp/dbus-x"},
		"unix:abstract=/tmp/dbus-y,guid=1":           {"@/tmp/dbus-y"},
		"tcp:host=localhost,port=1;unix:path=/a%20b": {"/a b"},
		"unix:path=/bad%2":                           nil,
		"unix:path=/bad%zz;unix:path=/good":          {"/good"},
		"autolaunch:":                                nil,
		"unix:runtime=yes":                           nil,
		"unix:path=/first;unix:path=/second":         {"/first", "/second"},
		"unix:guid=1,path=/x":                        {"/x"},
		"unixexec:path=/bin/sh":                      nil,
		"unix:path=%2frun%2fuser%2f1000%2fbus":       {"/run/user/1000/bus"},
		"unix:path=":                                 nil,
		"unix:path=/a,abstract=/b":                   {"/a", "@/b"},
		"  unix:path=/x":                             nil,
		"unix:path=/with%3bsemicolon":                {"/with;semicolon"},
		"unix:path=/a;;unix:path=/b":                 {"/a", "/b"},
		"unix:path=/a,path=/b":                       {"/a", "/b"},
		"unix:abstract=":                             nil,
		"unix:abstract=%00":                          {"@\x00"},
		"unix:path=/run/user/1000/bus;unix:abstract=/tmp/dbus-z,guid": {"/run/user/1000/bus", "@/tmp/dbus-z"},
	}
	for in, want := range tests {
		if got := parseAddresses(in); !reflect.DeepEqual(got, want) {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}
