package tokencache

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRecordOfAnotherVersionMeansSignInAgain(t *testing.T) {
	c := realCache(t, 0)
	key := RecordKey("https://op.test/oidc", "cli", "u-future")
	if err := c.Store.Set(t.Context(), string(key), `{"v":2,"key":"x","new_field":{}}`); err != nil {
		t.Fatal(err)
	}
	defer c.Store.Delete(t.Context(), string(key))
	_, err := c.Load(t.Context(), key)
	if !errors.Is(err, ErrUnknownFormat) || !errors.Is(err, ErrSignInRequired) {
		t.Fatalf("record of format 2: %v, want ErrUnknownFormat and ErrSignInRequired", err)
	}
	if !strings.Contains(err.Error(), "sign in again") {
		t.Errorf("the message does not say what to do: %v", err)
	}
}

func TestUnusableStateDirIsErrStateDir(t *testing.T) {
	file := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(file, "state")
	c := &Cache{Store: NewMemStore(), Dir: dir}
	err := c.Save(t.Context(), "p", bigRecord("sd"))
	if !errors.Is(err, ErrStateDir) || !strings.Contains(err.Error(), dir) {
		t.Fatalf("state dir under a file: %v, want ErrStateDir naming %s", err, dir)
	}
}

func TestMalformedIndexEntriesAreSkippedAndReported(t *testing.T) {
	dir := t.TempDir()
	good := bigRecord("good")
	c := &Cache{Store: NewMemStore(), Dir: dir}
	if err := c.Save(t.Context(), "p", good); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(c.indexPath())
	damaged := strings.Replace(string(b), `"records": {`, `"records": {"null": null, "other": {"key": "not-other"}, "huge": {"key": "huge", "chunks": 99999999, "gen": "ab"}, "neg": {"key": "neg", "size": -1}, "types": {"key": 5},`, 1)
	if err := os.WriteFile(c.indexPath(), []byte(damaged), 0o600); err != nil {
		t.Fatal(err)
	}
	x, err := c.Index()
	if err != nil {
		t.Fatal(err)
	}
	if len(x.Records) != 1 || x.Records[good.Key] == nil {
		t.Fatalf("kept %d records, want only the good one", len(x.Records))
	}
	if len(x.Problems) != 5 {
		t.Fatalf("problems %q, want one for each of 5 malformed entries", x.Problems)
	}
	// The good session still works, and the next write drops the damage.
	if _, err := c.Load(t.Context(), good.Key); err != nil {
		t.Fatal(err)
	}
	if err := c.Save(t.Context(), "p", good); err != nil {
		t.Fatal(err)
	}
	if x, _ := c.Index(); len(x.Problems) != 0 {
		t.Fatalf("problems after a rewrite: %q", x.Problems)
	}
}

func TestProbeChecksStateDirIndexAndKeyring(t *testing.T) {
	c := realCache(t, 0)
	if err := c.Probe(t.Context()); err != nil {
		t.Fatalf("healthy: %v", err)
	}
	if entries, _ := os.ReadDir(c.Dir); len(entries) != 0 {
		t.Fatalf("probe left %d files in the state dir", len(entries))
	}

	if err := os.WriteFile(c.indexPath(), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := c.Probe(t.Context()); !errors.Is(err, ErrStateDir) || !strings.Contains(err.Error(), c.indexPath()) {
		t.Fatalf("unreadable index: %v, want ErrStateDir naming it", err)
	}

	file := filepath.Join(t.TempDir(), "a-file")
	os.WriteFile(file, nil, 0o600)
	c.Dir = filepath.Join(file, "state")
	if err := c.Probe(t.Context()); !errors.Is(err, ErrStateDir) || !strings.Contains(err.Error(), c.Dir) {
		t.Fatalf("state dir that cannot be created: %v, want ErrStateDir naming it", err)
	}
}
