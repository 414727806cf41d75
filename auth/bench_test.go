package auth

import "testing"

// BenchmarkVerifyIDToken is the cost of verifying an ES384 ID token with
// keys already loaded (what claims and every refresh pay).
func BenchmarkVerifyIDToken(b *testing.B) {
	f := newFakeOP(b)
	p, err := Discover(b.Context(), &Config{Issuer: f.srv.URL, ClientID: "cli"})
	if err != nil {
		b.Fatal(err)
	}
	tok := f.good("n")
	if _, err := p.VerifyIDToken(b.Context(), tok, VerifyOptions{Nonce: "n"}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.VerifyIDToken(b.Context(), tok, VerifyOptions{Nonce: "n"}); err != nil {
			b.Fatal(err)
		}
	}
}
