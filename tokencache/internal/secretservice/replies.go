package secretservice

import "fmt"

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

// aliasReply is the collection an alias names; "/" (none) is ErrFallback.
func aliasReply(m message) (string, error) {
	d, err := body(m, "o")
	if err != nil {
		return "", err
	}
	p := d.path()
	if err := done(d); err != nil {
		return "", err
	}
	if p == "/" {
		return "", fmt.Errorf("%w: no default collection", ErrFallback)
	}
	return p, nil
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
