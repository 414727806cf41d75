package tokencache

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/latchdev/latch/auth"
	"github.com/latchdev/latch/auth/authtest"
)

func TestKeysAreCanonical(t *testing.T) {
	// Issuers are compared exactly (OpenID Connect Discovery): with and
	// without a trailing slash they are two tenants, and two keys.
	if RecordKey("https://a.logto.app/oidc/", "c", "s") == RecordKey("https://a.logto.app/oidc", "c", "s") {
		t.Error("two issuers that differ by a trailing slash share a key")
	}
	// Length prefixes keep field boundaries: no two triples collide.
	if RecordKey("t", "c s", "x") == RecordKey("t", "c", "s x") {
		t.Error("keys collide across field boundaries")
	}
	if AudienceKey(auth.Audience{Scopes: []string{"b", "a"}}) != AudienceKey(auth.Audience{Scopes: []string{"a", "b", "a"}}) {
		t.Error("scope order or duplicates changed the audience key")
	}
	if AudienceKey(auth.Audience{Resource: "r"}) == AudienceKey(auth.Audience{Organization: "r"}) {
		t.Error("resource and organization share a key")
	}
}

func TestSplitKeepsRunes(t *testing.T) {
	s := strings.Repeat("ab€", 500)
	parts := split(s, 100)
	if strings.Join(parts, "") != s {
		t.Fatal("pieces do not add up")
	}
	for _, p := range parts {
		if len(p) > 100 || !utf8.ValidString(p) {
			t.Fatalf("bad piece %q", p)
		}
	}
}

func bigRecord(tag string) *Record {
	r := &Record{Version: recordVersion, Key: RecordKey("https://op.test/oidc", "cli", "u-"+tag), Tenant: "https://op.test/oidc", ClientID: "cli", Subject: "u-" + tag}
	r.Put(auth.Audience{}, &auth.Tokens{AccessToken: tag + strings.Repeat("A", 3000), RefreshToken: "rt-" + tag, IDToken: strings.Repeat("é", 1000)}, time.Now())
	return r
}

func realCache(t *testing.T, limit int) *Cache {
	t.Helper()
	authtest.RequireKeyring(t)
	if limit > 0 {
		t.Setenv("LATCH_KEYRING_LIMIT", fmt.Sprint(limit))
	}
	return &Cache{Store: NewKeyring("latch-test", 0), Dir: t.TempDir()}
}

func TestChunkedRecordRoundTripsThroughKeyring(t *testing.T) {
	ctx := t.Context()
	c := realCache(t, 1024)
	r := bigRecord("one")
	if err := c.Save(ctx, "p", r); err != nil {
		t.Fatal(err)
	}
	defer c.Delete(ctx, r.Key)
	x, _ := c.Index()
	e := x.Records[r.Key]
	if e.Chunks < 4 || e.Size < 4096 {
		t.Fatalf("a %d-byte record was stored in %d chunks", e.Size, e.Chunks)
	}
	got, err := c.Load(ctx, r.Key)
	if err != nil {
		t.Fatal(err)
	}
	if got.RefreshToken != r.RefreshToken || got.IDToken != r.IDToken || got.Access[0].AccessToken != r.Access[0].AccessToken {
		t.Fatal("the record read back differs")
	}
	// Deleting removes the chunks too.
	if err := c.Delete(ctx, r.Key); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Store.Get(ctx, chunkKey(string(r.Key), e.Gen, 0)); !errors.Is(err, ErrNotFound) {
		t.Fatalf("chunk left behind after delete: %v", err)
	}
}

// dying passes calls to the real store until it "dies" after n writes.
type dying struct {
	Store
	n int
}

var errDied = errors.New("process killed")

func (d *dying) Set(ctx context.Context, k, v string) error {
	if d.n == 0 {
		return errDied
	}
	d.n--
	return d.Store.Set(ctx, k, v)
}

func TestWriteKilledBetweenChunksLeavesOldRecord(t *testing.T) {
	ctx := t.Context()
	c := realCache(t, 1024)
	old := bigRecord("old")
	if err := c.Save(ctx, "p", old); err != nil {
		t.Fatal(err)
	}
	defer c.Delete(ctx, old.Key)
	for _, after := range []int{0, 1, 3} {
		newer := bigRecord("new")
		newer.Key, newer.Subject = old.Key, old.Subject
		crashing := &Cache{Store: &dying{Store: c.Store, n: after}, Dir: c.Dir}
		if err := crashing.Save(ctx, "p", newer); !errors.Is(err, errDied) {
			t.Fatalf("write killed after %d chunks: err = %v", after, err)
		}
		got, err := c.Load(ctx, old.Key)
		if err != nil {
			t.Fatalf("killed after %d chunks, the record is unreadable: %v", after, err)
		}
		if got.RefreshToken != "rt-old" {
			t.Fatalf("killed after %d chunks, got refresh token %q", after, got.RefreshToken)
		}
	}
}

func TestFileStoreIsPrivate(t *testing.T) {
	ctx := t.Context()
	dir := filepath.Join(t.TempDir(), "store")
	c := &Cache{Store: &FileStore{Dir: dir}, Dir: t.TempDir()}
	r := bigRecord("f")
	if err := c.Save(ctx, "p", r); err != nil {
		t.Fatal(err)
	}
	got, err := c.Load(ctx, r.Key)
	if err != nil || got.RefreshToken != "rt-f" {
		t.Fatalf("load: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		info, _ := e.Info()
		if info.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v", e.Name(), info.Mode().Perm())
		}
	}
	if info, _ := os.Stat(dir); info.Mode().Perm() != 0o700 {
		t.Errorf("store dir mode %v", info.Mode().Perm())
	}
	if x, _ := c.Index(); x.Records[r.Key].Store != "file store, not encrypted" {
		t.Errorf("index says store %q", x.Records[r.Key].Store)
	}
}

func TestPutKeepsTheIDTokenAndRotatesTheRefreshToken(t *testing.T) {
	r := bigRecord("p")
	r.Put(auth.Audience{}, &auth.Tokens{AccessToken: "at2"}, time.Now())
	if r.IDToken == "" || r.RefreshToken != "rt-p" || r.Find(auth.Audience{}).AccessToken != "at2" {
		t.Fatal("a response without ID or refresh token lost the old ones, or kept the old access token")
	}
	r.Put(auth.Audience{Resource: "https://api"}, &auth.Tokens{AccessToken: "at3", RefreshToken: "rt-new", IDToken: "id-new"}, time.Now())
	if r.RefreshToken != "rt-new" || r.IDToken != "id-new" || len(r.Access) != 2 || r.Find(auth.Audience{}).AccessToken != "at2" {
		t.Fatalf("rotation or a second audience went wrong: %+v", r)
	}
}

// counting counts store calls.
type counting struct {
	Store
	gets, sets int
}

func (c *counting) Get(ctx context.Context, k string) (string, error) {
	c.gets++
	return c.Store.Get(ctx, k)
}

func (c *counting) Set(ctx context.Context, k, v string) error {
	c.sets++
	return c.Store.Set(ctx, k, v)
}

func TestCachedPathReadsOneItemAndWritesNone(t *testing.T) {
	ctx := t.Context()
	c := realCache(t, 0)
	r := bigRecord("one-read")
	r.Access[0].Expiry = time.Now().Add(time.Hour)
	if err := c.Save(ctx, "p", r); err != nil {
		t.Fatal(err)
	}
	defer c.Delete(ctx, r.Key)
	x, _ := c.Index()
	n := &counting{Store: c.Store}
	cached := &Cache{Store: n, Dir: c.Dir}
	at, _, err := cached.Token(ctx, TokenRequest{Entry: x.Records[r.Key], MinTTL: time.Minute},
		func(context.Context, *Record, auth.Audience) (*auth.Tokens, error) {
			t.Fatal("the cached path refreshed")
			return nil, nil
		})
	if err != nil || at.AccessToken != r.Access[0].AccessToken {
		t.Fatalf("cached token: %v", err)
	}
	if n.gets != 1 || n.sets != 0 {
		t.Fatalf("the cached path made %d keyring reads and %d writes, want 1 and 0", n.gets, n.sets)
	}
}
