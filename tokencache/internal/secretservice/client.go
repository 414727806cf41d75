// Package secretservice is a lean client of the freedesktop Secret Service
// (gnome-keyring, KeePassXC, ...) for latch's keyring store. It reads,
// writes and deletes the items go-keyring does, with the same attributes,
// label and collection, so either can read and replace what the other
// wrote, in fewer round trips:
//
//   - its own socket and codec: the authentication, Hello and the first
//     call go out in one write (godbus waits for each of its 4
//     authentication steps, then for every call in turn);
//   - a new connection starts as go-keyring's does, with one call that
//     needs no per-client state, alone: the Service's Collections property
//     (which also names go-keyring's collection). gnome-keyring sets up a
//     caller's state asynchronously on its first message, and a first
//     message that needs that state (OpenSession, SearchItems) can run
//     before it: gnome-keyring 42 then aborts (within a few hundred new
//     connections when OpenSession came first; none in 15000 starting this
//     way, TestManyNewConnectionsKeepTheServiceUp);
//   - a read is then OpenSession and SearchItems on the Service (every
//     collection) together, and GetSecret: 3 round trips on a new
//     connection, 2 on a kept one, against go-keyring's 12 (4
//     authentication, Hello, Collections, Unlock, SearchItems,
//     OpenSession, Unlock, GetSecret, Close);
//   - a write is CreateItem(replace) in go-keyring's collection, with the
//     session the connection already has: 1 round trip after a read;
//   - the connection and its session live as long as the Client and die
//     with it (no Close call).
//
// Whatever it cannot do without a prompt or a guess — an item in a locked
// collection, several matching items, a collection that needs a prompt, a
// reply it does not expect, a bus it cannot reach — it reports as
// ErrFallback, and the caller runs go-keyring, which prompts and reports
// errors as before. Every call returns when its context is done: the
// connection is then closed, never reused.
//
// Everything the bus sends is treated as hostile input: bounded, checked,
// never a panic (FuzzMessage, FuzzConn).
package secretservice

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"time"
)

var (
	// ErrNotFound means no item matches and the collection go-keyring
	// would search is unlocked: go-keyring would say the same.
	ErrNotFound = errors.New("secret service: no such item")
	// ErrFallback means the lean path cannot answer without a prompt or a
	// guess: the caller should make the call through go-keyring.
	ErrFallback = errors.New("secret service: lean path not taken")
)

const (
	busName     = "org.freedesktop.DBus"
	busPath     = "/org/freedesktop/DBus"
	serviceName = "org.freedesktop.secrets"
	servicePath = "/org/freedesktop/secrets"
	serviceIfc  = "org.freedesktop.Secret.Service"
	itemIfc     = "org.freedesktop.Secret.Item"
	collIfc     = "org.freedesktop.Secret.Collection"
	propsIfc    = "org.freedesktop.DBus.Properties"

	// The collections go-keyring's GetLoginCollection picks from: login
	// when it exists, else the default alias.
	loginPath   = "/org/freedesktop/secrets/collection/login"
	defaultPath = "/org/freedesktop/secrets/aliases/default"

	contentType = "text/plain; charset=utf8"
)

// Stats counts what a Client sent, for tests and benchmarks.
type Stats struct {
	Connects   int // connections opened
	Messages   int // messages sent, Hello included
	RoundTrips int // writes the client then waited on, authentication included
	Fallbacks  int // calls that returned ErrFallback
}

// Client is a Secret Service connection, opened by the first call and
// reused by later ones. The zero value is ready; it is safe for concurrent
// use (calls take turns).
type Client struct {
	mu    sync.Mutex
	turn  chan struct{} // holds a token while a call uses conn
	conn  *conn
	stats Stats
	// dial replaces dialBus in tests.
	dial func(context.Context) (net.Conn, error)
}

// Stats returns the counts so far.
func (c *Client) Stats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stats
}

// Close closes the connection, if one is open.
func (c *Client) Close() {
	if c.take(context.Background()) != nil {
		return
	}
	defer c.give()
	if c.conn != nil {
		c.conn.nc.Close()
		c.conn = nil
	}
}

func (c *Client) take(ctx context.Context) error {
	c.mu.Lock()
	if c.turn == nil {
		c.turn = make(chan struct{}, 1)
	}
	turn := c.turn
	c.mu.Unlock()
	select {
	case turn <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (c *Client) give() { <-c.turn }

// Get returns the secret of the item with attributes service and username.
func (c *Client) Get(ctx context.Context, service, user string) (string, error) {
	if err := c.checkNames(service, user); err != nil {
		return "", err
	}
	var secret string
	err := c.do(ctx, func(cn *conn) error {
		item, err := cn.find(service, user)
		if err != nil {
			return err
		}
		session, err := cn.session()
		if err != nil {
			return err
		}
		var e encoder
		e.str(session)
		m, err := cn.roundTrip(call{serviceName, item, itemIfc, "GetSecret", "o", e.b})
		if err != nil {
			return err
		}
		v, err := secretReply(m)
		secret = string(v)
		return err
	})
	return secret, err
}

// Set stores secret in the item with attributes service and username,
// replacing the one there, in the collection go-keyring writes to, with
// go-keyring's label.
func (c *Client) Set(ctx context.Context, service, user, secret string) error {
	if err := c.checkNames(service, user); err != nil {
		return err
	}
	return c.do(ctx, func(cn *conn) error {
		session, err := cn.session()
		if err != nil {
			return err
		}
		if item, ok := cn.found[[2]string{service, user}]; ok {
			// The item this connection read: replace its secret in place.
			// If it is gone (another process deleted it), create it.
			m, err := cn.roundTrip(call{serviceName, item, itemIfc, "SetSecret", "(oayays)", secretBody(secret, session)})
			if err != nil {
				return err
			}
			if _, err := body(m, ""); err == nil {
				return nil
			}
			delete(cn.found, [2]string{service, user})
		}
		body := createItemBody(service, user, secret, session)
		m, err := cn.roundTrip(call{serviceName, cn.coll, collIfc, "CreateItem", "a{sv}(oayays)b", body})
		if err != nil {
			return err
		}
		return createReply(m)
	})
}

// Delete removes the item with attributes service and username.
func (c *Client) Delete(ctx context.Context, service, user string) error {
	if err := c.checkNames(service, user); err != nil {
		return err
	}
	return c.do(ctx, func(cn *conn) error {
		item, err := cn.find(service, user)
		if err != nil {
			return err
		}
		delete(cn.found, [2]string{service, user})
		m, err := cn.roundTrip(call{serviceName, item, itemIfc, "Delete", "", nil})
		if err != nil {
			return err
		}
		return promptReply(m)
	})
}

// checkNames refuses names a D-Bus string cannot hold (invalid UTF-8, NUL):
// the bus would drop the connection on such a message.
func (c *Client) checkNames(service, user string) error {
	if validString(service) && validString(user) {
		return nil
	}
	c.count(func(s *Stats) { s.Fallbacks++ })
	return fmt.Errorf("%w: a name is not a D-Bus string", ErrFallback)
}

// do runs f on the connection, opening one first if there is none. The
// connection is closed when ctx is done during f (its I/O then fails at
// once) or f fails other than ErrNotFound: a connection is reused only
// after a call that went as expected.
func (c *Client) do(ctx context.Context, f func(*conn) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := c.take(ctx); err != nil {
		return err
	}
	defer c.give()
	cn := c.conn
	c.conn = nil
	if cn == nil {
		dial := c.dial
		if dial == nil {
			dial = dialBus
		}
		nc, err := dial(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			c.count(func(s *Stats) { s.Fallbacks++ })
			return fmt.Errorf("%w: %v", ErrFallback, err)
		}
		cn = newConn(nc)
		c.count(func(s *Stats) { s.Connects++ })
	}
	stop := context.AfterFunc(ctx, func() { cn.nc.SetDeadline(time.Unix(1, 0)) })
	var err error
	if !cn.authed {
		err = cn.start()
	}
	if err == nil {
		err = f(cn)
	}
	interrupted := !stop()
	c.count(func(s *Stats) { s.Messages += cn.stats.Messages; s.RoundTrips += cn.stats.RoundTrips })
	cn.stats = Stats{}
	if interrupted || ctx.Err() != nil {
		cn.nc.Close()
		if err != nil {
			return fmt.Errorf("secret service: %w", ctx.Err())
		}
		return nil
	}
	if err != nil && !errors.Is(err, ErrNotFound) {
		cn.nc.Close()
		if !errors.Is(err, ErrFallback) {
			err = fmt.Errorf("%w: %v", ErrFallback, err)
		}
		c.count(func(s *Stats) { s.Fallbacks++ })
		return err
	}
	c.conn = cn
	return err
}

func (c *Client) count(f func(*Stats)) {
	c.mu.Lock()
	f(&c.stats)
	c.mu.Unlock()
}

// conn is one authenticated connection to the bus.
type conn struct {
	nc     net.Conn
	r      *bufio.Reader
	out    []byte // calls not yet written
	authed bool   // the authentication answer has been read
	serial uint32
	open   uint32 // serial of OpenSession until its reply is read
	sess   string // the plain session, once open
	coll   string // go-keyring's collection: login if listed, else the default alias
	name   string // the unique bus name Hello gave, for tests
	// replies holds answers to calls sent in the same write, read while
	// waiting for another: those to Hello and OpenSession stay here until
	// a call needs the session, maybe a later one.
	replies map[uint32]message
	waiting map[uint32]bool
	// found is the item SearchItems found for a service and user on this
	// connection: a write after a read (a refresh) replaces its secret
	// with SetSecret, which the service answers faster than CreateItem.
	found map[[2]string]string
	stats Stats
}

// dialBus connects to the session bus.
func dialBus(ctx context.Context) (net.Conn, error) {
	addrs, err := sessionBusAddresses()
	if err != nil {
		return nil, err
	}
	var d net.Dialer
	for _, a := range addrs {
		var nc net.Conn
		if nc, err = d.DialContext(ctx, "unix", a); err == nil {
			return nc, nil
		}
	}
	return nil, err
}

// newConn queues the authentication, Hello and the Collections property on
// a new connection, to go out in one write. EXTERNAL authentication
// without an initial response, answered by an empty DATA, as go-keyring's
// godbus does, but pipelined as sd-bus does (the bus keeps what follows
// BEGIN for after authentication).
func newConn(nc net.Conn) *conn {
	cn := &conn{nc: nc, r: bufio.NewReaderSize(nc, 4096), replies: map[uint32]message{}, waiting: map[uint32]bool{}}
	cn.out = append(cn.out, "\x00AUTH EXTERNAL\r\nDATA\r\nBEGIN\r\n"...)
	return cn
}

// start makes the first round trip of a connection: authentication, Hello
// and the Service's Collections property, then queues OpenSession to go
// with the next call. Collections needs no per-client state in the
// service, and its answer means the service has seen this client (see the
// package comment); it also names go-keyring's collection.
func (cn *conn) start() error {
	hello := cn.send(call{busName, busPath, busName, "Hello", "", nil})
	var e encoder
	e.str(serviceIfc)
	e.str("Collections")
	colls := cn.send(call{serviceName, servicePath, propsIfc, "Get", "ss", e.b})
	if err := cn.flush(); err != nil {
		return err
	}
	m, err := cn.reply(hello)
	if err != nil {
		return err
	}
	d, err := body(m, "s")
	if err != nil {
		return fmt.Errorf("Hello: %w", err)
	}
	cn.name = d.str()
	if m, err = cn.reply(colls); err != nil {
		return err
	}
	if cn.coll, err = collectionsReply(m); err != nil {
		return err
	}
	e = encoder{}
	e.str("plain")
	e.sig("s")
	e.str("")
	cn.open = cn.send(call{serviceName, servicePath, serviceIfc, "OpenSession", "sv", e.b})
	return nil
}

// sessionBusAddresses returns the socket addresses to try, as godbus
// finds them: DBUS_SESSION_BUS_ADDRESS, else $XDG_RUNTIME_DIR/bus. Other
// transports (tcp, autolaunch) are left to go-keyring.
func sessionBusAddresses() ([]string, error) {
	env := os.Getenv("DBUS_SESSION_BUS_ADDRESS")
	if env == "" {
		if dir := os.Getenv("XDG_RUNTIME_DIR"); dir != "" {
			if fi, err := os.Stat(dir + "/bus"); err == nil && fi.Mode()&os.ModeSocket != 0 {
				return []string{dir + "/bus"}, nil
			}
		}
		return nil, errors.New("no session bus address")
	}
	addrs := parseAddresses(env)
	if len(addrs) == 0 {
		return nil, errors.New("no unix socket in the session bus address")
	}
	return addrs, nil
}

// parseAddresses returns the unix socket paths of a D-Bus address list
// ("unix:path=/run/user/1000/bus;unix:abstract=/tmp/dbus-x,guid=..."),
// abstract names with Go's "@" prefix.
func parseAddresses(s string) []string {
	var out []string
	for a := range strings.SplitSeq(s, ";") {
		rest, ok := strings.CutPrefix(a, "unix:")
		if !ok {
			continue
		}
		for kv := range strings.SplitSeq(rest, ",") {
			k, v, _ := strings.Cut(kv, "=")
			v, ok := unescape(v)
			if !ok || v == "" {
				continue
			}
			switch k {
			case "path":
				out = append(out, v)
			case "abstract":
				out = append(out, "@"+v)
			}
		}
	}
	return out
}

// unescape undoes the %XX escapes of a D-Bus address value.
func unescape(s string) (string, bool) {
	if !strings.Contains(s, "%") {
		return s, true
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b.WriteByte(s[i])
			continue
		}
		if i+2 >= len(s) {
			return "", false
		}
		hi, ok1 := unhex(s[i+1])
		lo, ok2 := unhex(s[i+2])
		if !ok1 || !ok2 {
			return "", false
		}
		b.WriteByte(hi<<4 | lo)
		i += 2
	}
	return b.String(), true
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// send queues a call and returns its serial.
func (cn *conn) send(c call) uint32 {
	cn.serial++
	cn.out = appendCall(cn.out, cn.serial, c)
	cn.waiting[cn.serial] = true
	cn.stats.Messages++
	return cn.serial
}

// roundTrip sends c with whatever is queued and returns its reply.
func (cn *conn) roundTrip(c call) (message, error) {
	s := cn.send(c)
	if err := cn.flush(); err != nil {
		return message{}, err
	}
	return cn.reply(s)
}

func (cn *conn) flush() error {
	if len(cn.out) == 0 {
		return nil
	}
	_, err := cn.nc.Write(cn.out)
	cn.out = cn.out[:0]
	cn.stats.RoundTrips++
	if err != nil {
		return err
	}
	if !cn.authed {
		if err := cn.readAuth(); err != nil {
			return err
		}
		cn.authed = true
	}
	return nil
}

// readAuth reads the bus's answers to AUTH EXTERNAL and DATA: an optional
// DATA challenge, then OK and the server's GUID.
func (cn *conn) readAuth() error {
	for range 2 {
		line, err := cn.r.ReadSlice('\n')
		if err != nil {
			if errors.Is(err, bufio.ErrBufferFull) {
				err = errors.New("authentication line too long")
			}
			return err
		}
		switch {
		case bytes.Equal(line, []byte("DATA\r\n")):
		case bytes.HasPrefix(line, []byte("OK ")) && bytes.HasSuffix(line, []byte("\r\n")):
			return nil
		default:
			return fmt.Errorf("%w: the bus refused EXTERNAL authentication", ErrFallback)
		}
	}
	return fmt.Errorf("%w: unexpected authentication answer", ErrFallback)
}

// reply returns the reply to serial, keeping replies to other calls of the
// same write and dropping signals and anything else. A method error is
// returned as a message of typeError, for the caller to judge.
func (cn *conn) reply(serial uint32) (message, error) {
	if m, ok := cn.replies[serial]; ok {
		delete(cn.replies, serial)
		return m, nil
	}
	if !cn.waiting[serial] {
		return message{}, errors.New("no call with that serial")
	}
	for range 1024 {
		m, err := cn.read()
		if err != nil {
			return message{}, err
		}
		if m.typ != typeMethodReturn && m.typ != typeError || !cn.waiting[m.replySerial] {
			continue
		}
		delete(cn.waiting, m.replySerial)
		if m.replySerial == serial {
			return m, nil
		}
		cn.replies[m.replySerial] = m
	}
	return message{}, fmt.Errorf("%w: too many unrelated messages", errMalformed)
}

func (cn *conn) read() (message, error) {
	h, err := cn.r.Peek(16)
	if err != nil {
		return message{}, err
	}
	n, err := messageLen(h)
	if err != nil {
		return message{}, err
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(cn.r, b); err != nil {
		return message{}, err
	}
	return parseMessage(b)
}

// session returns the plain session's path, reading the answer to
// OpenSession if it is still due.
func (cn *conn) session() (string, error) {
	if cn.open != 0 {
		if err := cn.flush(); err != nil {
			return "", err
		}
		m, err := cn.reply(cn.open)
		if err != nil {
			return "", err
		}
		if cn.sess, err = openSessionReply(m); err != nil {
			return "", err
		}
		cn.open = 0
	}
	return cn.sess, nil
}

// find returns the one unlocked item with the attributes, searching every
// collection. No match is ErrNotFound if the collection go-keyring would
// have unlocked is unlocked, else ErrFallback (go-keyring prompts); an
// item only in a locked collection, or several, is ErrFallback.
func (cn *conn) find(service, user string) (string, error) {
	var e encoder
	e.dict("service", service, "username", user)
	m, err := cn.roundTrip(call{serviceName, servicePath, serviceIfc, "SearchItems", "a{ss}", e.b})
	if err != nil {
		return "", err
	}
	unlocked, locked, err := searchReply(m)
	switch {
	case err != nil:
		return "", err
	case len(unlocked) == 1 && len(locked) == 0:
		if cn.found == nil {
			cn.found = map[[2]string]string{}
		}
		cn.found[[2]string{service, user}] = unlocked[0]
		return unlocked[0], nil
	case len(unlocked) > 0 || len(locked) > 0:
		return "", fmt.Errorf("%w: %d unlocked and %d locked items match", ErrFallback, len(unlocked), len(locked))
	}
	return "", cn.notFound()
}

// notFound asks whether go-keyring's collection is locked.
func (cn *conn) notFound() error {
	var e encoder
	e.str(collIfc)
	e.str("Locked")
	m, err := cn.roundTrip(call{serviceName, cn.coll, propsIfc, "Get", "ss", e.b})
	if err != nil {
		return err
	}
	locked, err := lockedReply(m)
	if err != nil {
		return err
	}
	if locked {
		return fmt.Errorf("%w: the collection is locked", ErrFallback)
	}
	return ErrNotFound
}

// createItemBody encodes CreateItem's arguments as go-keyring's Set does:
// its label and attributes, a plain secret, replace = true.
func createItemBody(service, user, secret, session string) []byte {
	var e encoder
	e.array(8, func() {
		e.pad(8)
		e.str(itemIfc + ".Label")
		e.sig("s")
		e.str(fmt.Sprintf("Password for '%s' on '%s'", user, service))
		e.pad(8)
		e.str(itemIfc + ".Attributes")
		e.sig("a{ss}")
		e.dict("service", service, "username", user)
	})
	e.pad(8)
	e.b = append(e.b, secretBody(secret, session)...)
	e.u32(1)
	return e.b
}

// secretBody encodes a plain secret (oayays) for session. It starts on an
// 8-byte boundary, as a struct must, so it can follow any body that ends on
// one.
func secretBody(secret, session string) []byte {
	var e encoder
	e.str(session)
	e.bytes(nil)
	e.bytes([]byte(secret))
	e.str(contentType)
	return e.b
}

// The reply readers accept only the signature the Secret Service API
// gives each method; an error reply is ErrFallback with its name (no
// secret is ever in one).

func body(m message, sig string) (*decoder, error) {
	if m.typ == typeError {
		return nil, fmt.Errorf("%w: %s", ErrFallback, m.errorName)
	}
	if m.sig != sig {
		return nil, fmt.Errorf("%w: reply of signature %q, want %q", errMalformed, m.sig, sig)
	}
	return &decoder{b: m.body, order: m.order}, nil
}

func done(d *decoder) error {
	if d.err == nil && d.off != len(d.b) {
		d.fail()
	}
	return d.err
}

// collectionsReply picks go-keyring's collection from the Collections
// property, as its GetLoginCollection does: login when listed, else the
// default alias.
func collectionsReply(m message) (string, error) {
	d, err := body(m, "v")
	if err != nil {
		return "", err
	}
	if d.sig() != "ao" {
		d.fail()
	}
	paths := d.paths()
	if err := done(d); err != nil {
		return "", err
	}
	for _, p := range paths {
		if p == loginPath {
			return loginPath, nil
		}
	}
	return defaultPath, nil
}

func openSessionReply(m message) (string, error) {
	d, err := body(m, "vo")
	if err != nil {
		return "", err
	}
	d.skipVariantValue(d.sig(), 0)
	p := d.path()
	return p, done(d)
}

func searchReply(m message) (unlocked, locked []string, err error) {
	d, err := body(m, "aoao")
	if err != nil {
		return nil, nil, err
	}
	unlocked = d.paths()
	locked = d.paths()
	return unlocked, locked, done(d)
}

func secretReply(m message) ([]byte, error) {
	d, err := body(m, "(oayays)")
	if err != nil {
		return nil, err
	}
	d.align(8)
	d.path()
	d.byteArray()
	v := d.byteArray()
	d.str()
	return v, done(d)
}

func createReply(m message) error {
	d, err := body(m, "oo")
	if err != nil {
		return err
	}
	d.path()
	prompt := d.path()
	if err := done(d); err != nil {
		return err
	}
	if prompt != "/" {
		return fmt.Errorf("%w: the write needs a prompt", ErrFallback)
	}
	return nil
}

func promptReply(m message) error {
	d, err := body(m, "o")
	if err != nil {
		return err
	}
	prompt := d.path()
	if err := done(d); err != nil {
		return err
	}
	if prompt != "/" {
		return fmt.Errorf("%w: the call needs a prompt", ErrFallback)
	}
	return nil
}

func lockedReply(m message) (bool, error) {
	d, err := body(m, "v")
	if err != nil {
		return false, err
	}
	if d.sig() != "b" {
		d.fail()
	}
	v := d.u32()
	if err := done(d); err != nil {
		return false, err
	}
	if v > 1 {
		return false, errMalformed
	}
	return v == 1, nil
}
