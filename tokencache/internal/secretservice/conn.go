package secretservice

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
)

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
	// home is the path of coll's collection, under which its items lie
	// (the alias resolved), once known; alias is the serial of ReadAlias
	// until its reply is read.
	home  string
	alias uint32
	name  string // the unique bus name Hello gave, for tests
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
		return fmt.Errorf("the reply to Hello: %w", err)
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
	if cn.coll == loginPath {
		cn.home = loginPath
	} else {
		// The default alias: which collection it names goes with the next
		// call too.
		e = encoder{}
		e.str("default")
		cn.alias = cn.send(call{serviceName, servicePath, serviceIfc, "ReadAlias", "s", e.b})
	}
	return nil
}

// collection returns the path of go-keyring's collection (the default
// alias resolved), reading ReadAlias's reply if it is still due.
func (cn *conn) collection() (string, error) {
	if cn.alias != 0 {
		if err := cn.flush(); err != nil {
			return "", err
		}
		m, err := cn.reply(cn.alias)
		if err != nil {
			return "", err
		}
		if cn.home, err = aliasReply(m); err != nil {
			return "", err
		}
		cn.alias = 0
	}
	return cn.home, nil
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

// find returns the one unlocked item with the attributes in go-keyring's
// collection; items in other collections are not go-keyring's and are
// passed over, as go-keyring would. (SearchItems on the Service answers
// locked and unlocked items apart; on a collection it would not.) No match
// is ErrNotFound if the collection is unlocked, else ErrFallback
// (go-keyring prompts); a locked item, or several, is ErrFallback.
func (cn *conn) find(service, user string) (string, error) {
	var e encoder
	e.dict("service", service, "username", user)
	m, err := cn.roundTrip(call{serviceName, servicePath, serviceIfc, "SearchItems", "a{ss}", e.b})
	if err != nil {
		return "", err
	}
	unlocked, locked, err := searchReply(m)
	if err != nil {
		return "", err
	}
	home, err := cn.collection()
	if err != nil {
		return "", err
	}
	unlocked, locked = inCollection(unlocked, home), inCollection(locked, home)
	switch {
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

// inCollection keeps the item paths that lie in the collection at home.
func inCollection(items []string, home string) []string {
	var out []string
	for _, it := range items {
		if strings.HasPrefix(it, home+"/") {
			out = append(out, it)
		}
	}
	return out
}
