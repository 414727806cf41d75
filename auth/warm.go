package auth

import (
	"crypto/ecdh"
	"strings"
	"sync"
)

// PrepareVerify starts, in the background, the one-time work that the
// first verification of a token signed with alg would do: Go's ES384 and
// ES512 verification builds a table of multiples of the curve's generator
// on first use (P-384: about 1.5 ms, three times a warm verification). A
// refresh calls it with the stored ID token's algorithm before it asks the
// token endpoint, so that the table is built while latch waits for the
// answer, not after. It returns at once and never fails: a wrong guess only
// costs the other core some work. Other algorithms need nothing.
func PrepareVerify(alg string) {
	switch alg {
	case "ES384":
		go warmP384.Do(func() { warm(ecdh.P384(), 48) })
	case "ES512":
		go warmP521.Do(func() { warm(ecdh.P521(), 66) })
	}
}

var warmP384, warmP521 sync.Once

// warm makes the private key 1: NewPrivateKey computes its public key with
// the generator table, building it.
func warm(c ecdh.Curve, size int) { _, _ = c.NewPrivateKey(scalarOne(size)) }

func scalarOne(n int) []byte {
	b := make([]byte, n)
	b[n-1] = 1
	return b
}

// TokenAlg is the alg a JWT's header names, unverified ("" when raw is not
// a JWT): a hint for PrepareVerify, never a decision.
func TokenAlg(raw string) string {
	h, _, ok := strings.Cut(raw, ".")
	if !ok {
		return ""
	}
	header, _, err := UnverifiedClaims(h + ".e30.")
	if err != nil {
		return ""
	}
	alg, _ := header["alg"].(string)
	return alg
}
