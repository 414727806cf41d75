package tokencache

import (
	"errors"
	"testing"

	"github.com/latchdev/latch/auth"
)

// chunkExists reads chunk i of a generation straight from the keyring.
func chunkExists(t *testing.T, c *Cache, key Key, gen string, i int) bool {
	t.Helper()
	_, err := c.Store.Get(t.Context(), chunkKey(string(key), gen, i))
	if err != nil && !errors.Is(err, ErrNotFound) {
		t.Fatal(err)
	}
	return err == nil
}

func TestCrashedChunkWriteIsListedThenSweptByTheNextWrite(t *testing.T) {
	c := realCache(t, 1024)
	old := bigRecord("orphan")
	if err := c.Save(t.Context(), "p", old); err != nil {
		t.Fatal(err)
	}
	defer c.Delete(t.Context(), old.Key)
	x, _ := c.Index()
	oldGen := x.Records[old.Key].Gen

	crashing := &Cache{Store: &dying{Store: c.Store, n: 2}, Dir: c.Dir}
	if err := crashing.Save(t.Context(), "p", bigRecord("orphan")); !errors.Is(err, errDied) {
		t.Fatalf("crashing write: %v", err)
	}
	x, _ = c.Index()
	orphans := x.Orphans()
	if len(orphans) != 1 || orphans[0].Key != old.Key || !chunkExists(t, c, old.Key, orphans[0].Gen, 1) {
		t.Fatalf("after a write died between chunks, orphans listed: %+v", orphans)
	}
	dead := orphans[0].Gen

	newer := bigRecord("orphan")
	newer.RefreshToken = "rt-after"
	if err := c.Save(t.Context(), "p", newer); err != nil {
		t.Fatal(err)
	}
	x, _ = c.Index()
	if len(x.Orphans()) != 0 || len(x.Pending) != 0 {
		t.Fatalf("orphans after a successful write: %+v", x.Pending)
	}
	for _, gen := range []string{dead, oldGen} {
		if chunkExists(t, c, old.Key, gen, 0) || chunkExists(t, c, old.Key, gen, 1) {
			t.Fatalf("chunks of generation %s survived the sweep", gen)
		}
	}
	if got, err := c.Load(t.Context(), old.Key); err != nil || got.RefreshToken != "rt-after" {
		t.Fatalf("record after the sweep: %v", err)
	}
}

func TestDeleteSweepsOrphansOfTheKey(t *testing.T) {
	c := realCache(t, 1024)
	r := bigRecord("del")
	if err := c.Save(t.Context(), "p", r); err != nil {
		t.Fatal(err)
	}
	crashing := &Cache{Store: &dying{Store: c.Store, n: 1}, Dir: c.Dir}
	crashing.Save(t.Context(), "p", bigRecord("del"))
	x, _ := c.Index()
	live, orphan := x.Records[r.Key].Gen, x.Orphans()[0].Gen
	if err := c.Delete(t.Context(), r.Key); err != nil {
		t.Fatal(err)
	}
	x, _ = c.Index()
	if len(x.Pending) != 0 || len(x.Records) != 0 || chunkExists(t, c, r.Key, orphan, 0) || chunkExists(t, c, r.Key, live, 0) {
		t.Fatalf("after logout: index %+v, chunks left", x)
	}
}

func TestDeleteKeyOfOneAccessTokenRewritesTheRecordAndSweeps(t *testing.T) {
	c := realCache(t, 1024)
	r := bigRecord("dk")
	r.Put(apiAudience, rotatedAccess("api"), c.now())
	if err := c.Save(t.Context(), "p", r); err != nil {
		t.Fatal(err)
	}
	defer c.Delete(t.Context(), r.Key)
	x, _ := c.Index()
	oldGen := x.Records[r.Key].Gen
	if err := c.DeleteKey(t.Context(), AccessKey(r.Key, apiAudience)); err != nil {
		t.Fatal(err)
	}
	got, err := c.Load(t.Context(), r.Key)
	if err != nil || got.Find(apiAudience) != nil || got.RefreshToken != r.RefreshToken {
		t.Fatalf("after deleting the api token: %v", err)
	}
	if x, _ := c.Index(); len(x.Pending) != 0 || chunkExists(t, c, r.Key, oldGen, 0) {
		t.Fatal("the previous generation's chunks were left behind")
	}
	if err := c.DeleteKey(t.Context(), "no such key"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown key: %v", err)
	}
}

var apiAudience = auth.Audience{Resource: "https://api.example"}

func rotatedAccess(tag string) *auth.Tokens { return &auth.Tokens{AccessToken: "at-" + tag} }

// A process killed after its keyring write and before its index update
// leaves the index naming the generation before; the next write must
// retire both.
func TestKilledBeforeTheIndexUpdateLeavesNothingBehind(t *testing.T) {
	c := realCache(t, 1024)
	r := bigRecord("stale-index")
	if err := c.Save(t.Context(), "p", r); err != nil {
		t.Fatal(err)
	}
	defer c.Delete(t.Context(), r.Key)
	x, _ := c.Index()
	g0 := x.Records[r.Key].Gen
	// The dead process: pending generation, chunks and manifest, no index update.
	g1, err := c.addPending(t.Context(), r.Key)
	if err != nil {
		t.Fatal(err)
	}
	r.RefreshToken = "rt-dead"
	s, _ := r.marshal()
	if _, err := writeItem(t.Context(), c.Store, string(r.Key), s, g1); err != nil {
		t.Fatal(err)
	}
	if got, err := c.Load(t.Context(), r.Key); err != nil || got.RefreshToken != "rt-dead" {
		t.Fatalf("the dead process's write is not readable: %v", err)
	}
	r.RefreshToken = "rt-next"
	if err := c.Save(t.Context(), "p", r); err != nil {
		t.Fatal(err)
	}
	x, _ = c.Index()
	if len(x.Pending) != 0 || chunkExists(t, c, r.Key, g0, 0) || chunkExists(t, c, r.Key, g1, 0) {
		t.Fatalf("after the next write: pending %+v; chunks of %s or %s left", x.Pending, g0, g1)
	}
}
