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
//   - a read is then OpenSession and SearchItems on the Service together
//     (its answers, unlike a collection's, tell locked items apart; those
//     outside go-keyring's collection are passed over, as go-keyring
//     would), and GetSecret: 3 round trips on a new
//     connection, 2 on a kept one, against go-keyring's 12 (4
//     authentication, Hello, Collections, Unlock, SearchItems,
//     OpenSession, Unlock, GetSecret, Close);
//   - a write after a read on the same connection (a refresh) is SetSecret
//     on the item read, which the service answers faster than CreateItem;
//     otherwise CreateItem(replace) in go-keyring's collection; with the
//     session the connection already has, 1 round trip after a read;
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
	"context"
	"errors"
	"fmt"
	"net"
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
