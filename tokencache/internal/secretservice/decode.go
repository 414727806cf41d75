package secretservice

import (
	"encoding/binary"
	"unicode/utf8"
)

// decoder reads values from a whole message; offsets count from the
// message start for the header and from the body start for the body (both
// start on an 8-byte boundary). The first failure sticks and every later
// read returns a zero value.
type decoder struct {
	b     []byte
	off   int
	order binary.ByteOrder
	err   error
}

func (d *decoder) fail() {
	if d.err == nil {
		d.err = errMalformed
	}
}

func (d *decoder) need(n int) bool {
	if d.err != nil || n < 0 || n > len(d.b)-d.off {
		d.fail()
		return false
	}
	return true
}

func (d *decoder) align(n int) {
	p := (d.off + n - 1) &^ (n - 1)
	if d.need(p - d.off) {
		d.off = p
	}
}

func (d *decoder) byte() byte {
	if !d.need(1) {
		return 0
	}
	d.off++
	return d.b[d.off-1]
}

func (d *decoder) u32() uint32 {
	d.align(4)
	if !d.need(4) {
		return 0
	}
	d.off += 4
	return d.order.Uint32(d.b[d.off-4:])
}

func (d *decoder) skip(n int) {
	if d.need(n) {
		d.off += n
	}
}

// str reads a string or object path: length, bytes, NUL.
func (d *decoder) str() string {
	n := d.u32()
	if n > maxMessage || !d.need(int(n)+1) || d.b[d.off+int(n)] != 0 {
		d.fail()
		return ""
	}
	s := string(d.b[d.off : d.off+int(n)])
	d.off += int(n) + 1
	return s
}

func (d *decoder) path() string {
	p := d.str()
	if d.err == nil && !validPath(p) {
		d.fail()
	}
	return p
}

func (d *decoder) sig() string {
	n := int(d.byte())
	if !d.need(n+1) || d.b[d.off+n] != 0 {
		d.fail()
		return ""
	}
	s := string(d.b[d.off : d.off+n])
	d.off += n + 1
	return s
}

// arrayStart reads an array's length, skips the padding to its first
// element and returns the offset where the array ends.
func (d *decoder) arrayStart(align int) int {
	n := d.u32()
	d.align(align)
	if n > maxMessage || !d.need(int(n)) {
		d.fail()
		return d.off
	}
	return d.off + int(n)
}

func (d *decoder) byteArray() []byte {
	end := d.arrayStart(1)
	if d.err != nil {
		return nil
	}
	p := d.b[d.off:end]
	d.off = end
	return p
}

// paths reads an array of object paths.
func (d *decoder) paths() []string {
	end := d.arrayStart(4)
	var out []string
	for d.err == nil && d.off < end {
		out = append(out, d.path())
	}
	if d.err == nil && d.off != end {
		d.fail()
	}
	return out
}

// skipVariantValue skips a value whose signature sig must be exactly one
// complete type.
func (d *decoder) skipVariantValue(sig string, depth int) {
	if rest := d.skipValue(sig, depth); rest != "" {
		d.fail()
	}
}

// skipValue skips the value of the first complete type of sig and returns
// the rest of sig. Arrays are skipped by their length, unread.
func (d *decoder) skipValue(sig string, depth int) string {
	if d.err != nil {
		return ""
	}
	if sig == "" || depth > maxDepth {
		d.fail()
		return ""
	}
	switch sig[0] {
	case 'y':
		d.skip(1)
	case 'n', 'q':
		d.align(2)
		d.skip(2)
	case 'b', 'i', 'u', 'h':
		d.u32()
	case 'x', 't', 'd':
		d.align(8)
		d.skip(8)
	case 's', 'o':
		d.str()
	case 'g':
		d.sig()
	case 'v':
		d.skipVariantValue(d.sig(), depth+1)
	case 'a':
		elem, rest, ok := firstType(sig[1:], depth+1)
		if !ok {
			d.fail()
			return ""
		}
		end := d.arrayStart(alignOf(elem[0]))
		if d.err == nil {
			d.off = end
		}
		return rest
	case '(':
		d.align(8)
		rest := sig[1:]
		for d.err == nil && rest != "" && rest[0] != ')' {
			rest = d.skipValue(rest, depth+1)
		}
		if d.err != nil || rest == "" || len(rest) == len(sig)-1 {
			d.fail()
			return ""
		}
		return rest[1:]
	default: // '{' outside an array, ')' '}' where a type should start, unknown codes
		d.fail()
		return ""
	}
	return sig[1:]
}

// firstType splits the first complete type off sig.
func firstType(sig string, depth int) (t, rest string, ok bool) {
	if sig == "" || depth > maxDepth {
		return "", "", false
	}
	switch sig[0] {
	case 'y', 'b', 'n', 'q', 'i', 'u', 'x', 't', 'd', 'h', 's', 'o', 'g', 'v':
		return sig[:1], sig[1:], true
	case 'a':
		_, rest, ok := firstType(sig[1:], depth+1)
		return sig[:len(sig)-len(rest)], rest, ok
	case '(', '{':
		closing := byte(')')
		if sig[0] == '{' {
			closing = '}'
		}
		rest, n := sig[1:], 0
		for rest != "" && rest[0] != closing {
			if sig[0] == '{' && n == 0 && !basic(rest[0]) {
				return "", "", false
			}
			var ok bool
			if _, rest, ok = firstType(rest, depth+1); !ok {
				return "", "", false
			}
			n++
		}
		if rest == "" || n == 0 || sig[0] == '{' && n != 2 {
			return "", "", false
		}
		rest = rest[1:]
		return sig[:len(sig)-len(rest)], rest, true
	}
	return "", "", false
}

func basic(c byte) bool {
	switch c {
	case 'y', 'b', 'n', 'q', 'i', 'u', 'x', 't', 'd', 'h', 's', 'o', 'g':
		return true
	}
	return false
}

func alignOf(c byte) int {
	switch c {
	case 'y', 'g', 'v':
		return 1
	case 'n', 'q':
		return 2
	case 'x', 't', 'd', '(', '{':
		return 8
	}
	return 4
}

// validPath reports whether p is a D-Bus object path: "/" or
// "/element/element" with elements of [A-Za-z0-9_].
func validPath(p string) bool {
	if p == "/" {
		return true
	}
	if len(p) < 2 || p[0] != '/' || p[len(p)-1] == '/' {
		return false
	}
	prev := byte('/')
	for i := 1; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '/':
			if prev == '/' {
				return false
			}
		case c == '_', '0' <= c && c <= '9', 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		default:
			return false
		}
		prev = c
	}
	return true
}

// validString reports whether s can be sent as a D-Bus string.
func validString(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			return false
		}
	}
	return utf8.ValidString(s)
}
