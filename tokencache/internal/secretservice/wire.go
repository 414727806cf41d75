package secretservice

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// The D-Bus wire format, only as much of it as the client needs: it
// encodes its own method calls (little-endian) and decodes whole messages
// of either byte order. Every read is bounds-checked; a message the client
// cannot read is an error, never a panic (FuzzMessage).

const (
	typeMethodCall   = 1
	typeMethodReturn = 2
	typeError        = 3

	// maxMessage bounds one message the client reads: far above a session
	// record (1 MiB at most), far below the protocol's 128 MiB.
	maxMessage = 4 << 20
	// maxDepth bounds the nesting of containers and variants.
	maxDepth = 32
)

var errMalformed = errors.New("malformed D-Bus message")

// encoder appends values at offsets counted from the message start, which
// is also where the body's alignment is counted from (the body starts on
// an 8-byte boundary).
type encoder struct{ b []byte }

func (e *encoder) pad(n int) {
	for len(e.b)%n != 0 {
		e.b = append(e.b, 0)
	}
}

func (e *encoder) byte(v byte) { e.b = append(e.b, v) }

func (e *encoder) u32(v uint32) {
	e.pad(4)
	e.b = binary.LittleEndian.AppendUint32(e.b, v)
}

// str writes a string or an object path.
func (e *encoder) str(s string) {
	e.u32(uint32(len(s)))
	e.b = append(e.b, s...)
	e.b = append(e.b, 0)
}

func (e *encoder) sig(s string) {
	e.b = append(e.b, byte(len(s)))
	e.b = append(e.b, s...)
	e.b = append(e.b, 0)
}

func (e *encoder) bytes(p []byte) {
	e.u32(uint32(len(p)))
	e.b = append(e.b, p...)
}

// array writes an array whose elements are aligned to align: the length
// counts the elements' bytes, not the padding before the first one.
func (e *encoder) array(align int, elems func()) {
	e.u32(0)
	at := len(e.b) - 4
	e.pad(align)
	start := len(e.b)
	elems()
	binary.LittleEndian.PutUint32(e.b[at:], uint32(len(e.b)-start))
}

// dict writes an a{ss}, keys sorted by the caller.
func (e *encoder) dict(kv ...string) {
	e.array(8, func() {
		for i := 0; i+1 < len(kv); i += 2 {
			e.pad(8)
			e.str(kv[i])
			e.str(kv[i+1])
		}
	})
}

// call is a method call to encode.
type call struct {
	dest, path, iface, member string
	sig                       string
	body                      []byte // encoded from offset 0
}

// appendCall appends the encoded call with the given serial to b.
func appendCall(b []byte, serial uint32, c call) []byte {
	e := encoder{b: make([]byte, 0, 160+len(c.body))}
	e.byte('l')
	e.byte(typeMethodCall)
	e.byte(0) // flags: a reply is expected; the bus may start the service
	e.byte(1) // protocol version
	e.u32(uint32(len(c.body)))
	e.u32(serial)
	field := func(code byte, sig, v string) {
		e.pad(8)
		e.byte(code)
		e.sig(sig)
		if sig == "g" {
			e.sig(v)
		} else {
			e.str(v)
		}
	}
	e.array(8, func() {
		field(1, "o", c.path)
		if c.iface != "" {
			field(2, "s", c.iface)
		}
		field(3, "s", c.member)
		field(6, "s", c.dest)
		if c.sig != "" {
			field(8, "g", c.sig)
		}
	})
	e.pad(8)
	return append(append(b, e.b...), c.body...)
}

// message is a decoded message header; body is its undecoded body.
type message struct {
	typ         byte
	serial      uint32
	replySerial uint32
	errorName   string
	sig         string
	order       binary.ByteOrder
	body        []byte
}

// messageLen reads the fixed 16-byte start of a message and returns the
// length of the whole message.
func messageLen(h []byte) (int, error) {
	if len(h) < 16 {
		return 0, errMalformed
	}
	var order binary.ByteOrder
	switch h[0] {
	case 'l':
		order = binary.LittleEndian
	case 'B':
		order = binary.BigEndian
	default:
		return 0, fmt.Errorf("%w: byte order %q", errMalformed, h[0])
	}
	if h[3] != 1 {
		return 0, fmt.Errorf("%w: protocol version %d", errMalformed, h[3])
	}
	body := uint64(order.Uint32(h[4:]))
	fields := uint64(order.Uint32(h[12:]))
	n := (16+fields+7)&^7 + body
	if n > maxMessage {
		return 0, fmt.Errorf("%w: %d bytes", errMalformed, n)
	}
	return int(n), nil
}

// parseMessage decodes one whole message (b holds exactly its bytes).
func parseMessage(b []byte) (message, error) {
	n, err := messageLen(b)
	if err != nil {
		return message{}, err
	}
	if n != len(b) {
		return message{}, errMalformed
	}
	m := message{typ: b[1], order: binary.LittleEndian}
	if b[0] == 'B' {
		m.order = binary.BigEndian
	}
	m.serial = m.order.Uint32(b[8:])
	d := decoder{b: b, off: 12, order: m.order}
	end := d.arrayStart(8)
	for d.err == nil && d.off < end {
		d.align(8)
		code := d.byte()
		sig := d.sig()
		switch {
		case code == 4 && sig == "s":
			m.errorName = d.str()
		case code == 5 && sig == "u":
			m.replySerial = d.u32()
		case code == 8 && sig == "g":
			m.sig = d.sig()
		default:
			d.skipVariantValue(sig, 0)
		}
	}
	if d.err == nil && d.off != end {
		d.fail()
	}
	d.align(8)
	if d.err != nil {
		return message{}, d.err
	}
	m.body = b[d.off:]
	if m.serial == 0 || (m.typ == typeMethodReturn || m.typ == typeError) && m.replySerial == 0 || m.typ == typeError && m.errorName == "" {
		return message{}, fmt.Errorf("%w: header fields missing", errMalformed)
	}
	return m, nil
}
