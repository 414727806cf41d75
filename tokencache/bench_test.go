package tokencache

import (
	"context"
	"testing"
	"time"

	"github.com/latchdev/latch/auth"
)

// BenchmarkCachedToken is the in-process part of latch token on a valid
// token: index lookup, one store read, record decode. Run with
// go test -bench . ./tokencache (the keyring itself is timed by make bench).
func BenchmarkCachedToken(b *testing.B) {
	ctx := b.Context()
	c := &Cache{Store: NewMemStore(), Dir: b.TempDir()}
	r := bigRecord("bench")
	r.Access[0].Expiry = time.Now().Add(time.Hour)
	if err := c.Save(ctx, "p", r); err != nil {
		b.Fatal(err)
	}
	noRefresh := func(context.Context, *Record, auth.Audience) (*auth.Tokens, error) {
		b.Fatal("refreshed")
		return nil, nil
	}
	b.ReportAllocs()
	for b.Loop() {
		x, err := c.Index()
		if err != nil {
			b.Fatal(err)
		}
		e, err := x.Resolve("p", "")
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := c.Token(ctx, TokenRequest{Entry: e, MinTTL: time.Minute}, noRefresh); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRecordKey(b *testing.B) {
	for b.Loop() {
		AccessKey(RecordKey("https://acme.logto.app/oidc", "abc123", "u-ada"), auth.Audience{Resource: "https://api.acme.dev", Scopes: []string{"b", "a"}})
	}
}
