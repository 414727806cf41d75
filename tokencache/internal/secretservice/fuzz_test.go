package secretservice

import (
	"bytes"
	"context"
	"errors"
	"net"
	"testing"
	"time"
)

// Everything the bus sends is hostile input. FuzzMessage feeds arbitrary
// bytes to the message decoder and every reply reader; FuzzConn plays an
// arbitrary bus to a whole client (authentication, framing, replies out of
// order or missing, signals, errors) through Get, Set, Delete, and a read
// or a delete then a write on one connection. Neither may panic, and the
// client may only answer with a secret, ErrNotFound or ErrFallback. The
// seeds under testdata/fuzz are the scripts of TestScriptedBus and whole
// replies (TestWriteFuzzSeeds writes them).

func FuzzMessage(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		if n, err := messageLen(b); err == nil && (n < 16 || n > maxMessage) {
			t.Fatalf("length %d", n)
		}
		m, err := parseMessage(b)
		if err != nil {
			return
		}
		if len(m.body) > len(b) || m.serial == 0 {
			t.Fatalf("message %+v", m)
		}
		if p, err := openSessionReply(m); err == nil && !validPath(p) {
			t.Fatalf("session %q", p)
		}
		if u, l, err := searchReply(m); err == nil {
			for _, p := range append(u, l...) {
				if !validPath(p) {
					t.Fatalf("item %q", p)
				}
			}
		}
		secretReply(m)
		createReply(m)
		promptReply(m)
		lockedReply(m)
	})
}

func FuzzConn(f *testing.F) {
	f.Fuzz(func(t *testing.T, stream []byte, op byte) {
		c := scripted(stream, nil)
		ctx := context.Background()
		check := func(err error) {
			if err != nil && !errors.Is(err, ErrNotFound) && !errors.Is(err, ErrFallback) {
				t.Fatalf("op %d: %v", op, err)
			}
		}
		switch op % 5 {
		case 0:
			_, err := c.Get(ctx, "latch", "k")
			check(err)
		case 1:
			check(c.Set(ctx, "latch", "k", "secret"))
		case 2:
			check(c.Delete(ctx, "latch", "k"))
		case 3:
			_, err := c.Get(ctx, "latch", "k")
			check(err)
			check(c.Set(ctx, "latch", "k", "secret"))
		case 4:
			check(c.Delete(ctx, "latch", "k"))
			check(c.Set(ctx, "latch", "k", "secret"))
		}
	})
}

// scripted returns a Client whose bus answers with stream, whatever it is
// sent; each write of the client is appended to *writes when writes is
// not nil.
func scripted(stream []byte, writes *[][]byte) *Client {
	r := bytes.NewReader(stream)
	return &Client{dial: func(context.Context) (net.Conn, error) { return &scriptConn{r: r, writes: writes}, nil }}
}

type scriptConn struct {
	r      *bytes.Reader
	writes *[][]byte
}

func (s *scriptConn) Read(p []byte) (int, error) { return s.r.Read(p) }
func (s *scriptConn) Write(p []byte) (int, error) {
	if s.writes != nil {
		*s.writes = append(*s.writes, bytes.Clone(p))
	}
	return len(p), nil
}
func (s *scriptConn) Close() error                     { return nil }
func (s *scriptConn) LocalAddr() net.Addr              { return nil }
func (s *scriptConn) RemoteAddr() net.Addr             { return nil }
func (s *scriptConn) SetDeadline(time.Time) error      { return nil }
func (s *scriptConn) SetReadDeadline(time.Time) error  { return nil }
func (s *scriptConn) SetWriteDeadline(time.Time) error { return nil }
