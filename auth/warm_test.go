package auth

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha512"
	"encoding/base64"
	"testing"
)

func TestTokenAlgReadsTheHeaderOnly(t *testing.T) {
	h := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"ES384","kid":"k"}`))
	for raw, want := range map[string]string{
		h + ".not-json.sig": "ES384", // the payload is not read
		h:                   "",      // not a JWT
		"x.y.z":             "",
		"":                  "",
		base64.RawURLEncoding.EncodeToString([]byte(`{"alg":5}`)) + ".e30.": "",
	} {
		if got := TokenAlg(raw); got != want {
			t.Errorf("TokenAlg(%q) = %q, want %q", raw, got, want)
		}
	}
}

// Preparing changes no answer: a verification after it accepts a good
// signature and refuses a bad one, for every curve, and an unknown alg is
// ignored.
func TestPrepareVerifyChangesNoAnswer(t *testing.T) {
	for _, alg := range []string{"ES384", "ES512", "RS256", "none", ""} {
		PrepareVerify(alg)
	}
	for _, c := range []elliptic.Curve{elliptic.P384(), elliptic.P521()} {
		k, err := ecdsa.GenerateKey(c, rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		h := sha512.Sum512([]byte("payload"))
		sig, _ := ecdsa.SignASN1(rand.Reader, k, h[:])
		if !ecdsa.VerifyASN1(&k.PublicKey, h[:], sig) {
			t.Errorf("%s: a good signature is refused after PrepareVerify", c.Params().Name)
		}
		h[0] ^= 1
		if ecdsa.VerifyASN1(&k.PublicKey, h[:], sig) {
			t.Errorf("%s: a signature over other bytes is accepted", c.Params().Name)
		}
	}
}
