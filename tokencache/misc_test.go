package tokencache

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/latchdev/latch/auth"
)

func errorsIsSignIn(err error) bool { return errors.Is(err, ErrSignInRequired) }

// TestKeyringErrorsAreTyped covers the D-Bus errors gnome-keyring cannot be
// made to send here (a policy denial, a call on a locked item, a bus that
// stops answering); the locked prompt, the missing bus and the hung daemon
// are tested against the real one in keyring_test.go.
func TestKeyringErrorsAreTyped(t *testing.T) {
	tests := []struct {
		err  error
		want error
	}{
		{dbus.Error{Name: "org.freedesktop.DBus.Error.AccessDenied"}, ErrKeyringRefused},
		{dbus.Error{Name: "org.freedesktop.Secret.Error.IsLocked"}, ErrKeyringLocked},
		{dbus.Error{Name: "org.freedesktop.DBus.Error.NoReply"}, ErrKeyringTimeout},
		{dbus.Error{Name: "org.freedesktop.DBus.Error.ServiceUnknown"}, ErrKeyringUnavailable},
		{errors.New("failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'"), ErrKeyringLocked},
		{errors.New("dbus: connection closed by user"), ErrKeyringUnavailable},
	}
	for _, tt := range tests {
		err := keyringError(tt.err)
		if !errors.Is(err, tt.want) || !keeps(err, tt.err) {
			t.Errorf("%v: got %v, want %v with the original kept", tt.err, err, tt.want)
		}
		if strings.Contains(err.Error(), "--") {
			t.Errorf("%v: the message names a flag: %v", tt.err, err)
		}
	}
}

func TestNewRecordIsKeyedByTheRealTenant(t *testing.T) {
	res := &auth.Result{Identity: &auth.Identity{Issuer: "https://login.example/t1/v2.0", Subject: "s1", Claims: map[string]any{"email": "a@b"}},
		Tokens: &auth.Tokens{AccessToken: "at", RefreshToken: "rt", IDToken: "id", Expiry: time.Now().Add(time.Hour)}}
	r := NewRecord(res, "cli", "https://login.example/common/v2.0/", time.Now())
	if r.Key != RecordKey("https://login.example/t1/v2.0", "cli", "s1") || r.Alias != "https://login.example/common/v2.0/" || r.Account != "a@b" {
		t.Fatalf("record %+v", r)
	}
	if NewRecord(res, "cli", "https://login.example/t1/v2.0", time.Now()).Alias != "" {
		t.Fatal("an alias equal to the tenant is remembered")
	}
	if a := r.Find(auth.Audience{}); a == nil || a.Issued.IsZero() {
		t.Fatal("the access token has no issue time: MinTTL cannot be clamped")
	}
}

func TestStoresReportMissingItems(t *testing.T) {
	dir := t.TempDir()
	for _, s := range []Store{NewMemStore(), &FileStore{Dir: filepath.Join(dir, "fs")}} {
		if _, err := s.Get(t.Context(), "k"); !errors.Is(err, ErrNotFound) {
			t.Errorf("%s Get: %v", s.Name(), err)
		}
		if err := s.Delete(t.Context(), "k"); !errors.Is(err, ErrNotFound) {
			t.Errorf("%s Delete: %v", s.Name(), err)
		}
		if err := s.Set(t.Context(), "k", "v"); err != nil {
			t.Fatal(err)
		}
		if v, err := s.Get(t.Context(), "k"); err != nil || v != "v" {
			t.Errorf("%s Get after Set: %q %v", s.Name(), v, err)
		}
		if err := s.Delete(t.Context(), "k"); err != nil {
			t.Errorf("%s Delete after Set: %v", s.Name(), err)
		}
	}
	// A file store item that is not its key's (damage, or a hash collision)
	// is not returned.
	fs := &FileStore{Dir: filepath.Join(dir, "fs")}
	fs.Set(t.Context(), "a", "secret-a")
	os.Rename(fs.path("a"), fs.path("b"))
	if _, err := fs.Get(t.Context(), "b"); !errors.Is(err, ErrNotFound) {
		t.Errorf("another key's item was returned: %v", err)
	}
}

func TestNoticesSayWhatIsHappening(t *testing.T) {
	for _, n := range []Notice{{Kind: NoticeMinTTLClamped, MinTTL: time.Minute}, {Kind: NoticeFinishingRefresh}, {Kind: NoticeWaitingForKeyring}} {
		if s := n.String(); s == "notice" || s == "" {
			t.Errorf("notice %d has no text", n.Kind)
		}
	}
}

func TestKeyringLimitFollowsTheEnvironment(t *testing.T) {
	k := NewKeyring("latch", 0)
	if k.Timeout != DefaultKeyringTimeout {
		t.Errorf("default timeout %s", k.Timeout)
	}
	t.Setenv("LATCH_KEYRING_LIMIT", "512")
	if k.Limit("key") != 512 {
		t.Errorf("limit %d, want 512 from LATCH_KEYRING_LIMIT", k.Limit("key"))
	}
	t.Setenv("LATCH_KEYRING_LIMIT", "-3")
	if k.Limit("key") < 0 {
		t.Error("a negative limit was taken")
	}
}

// keeps reports whether err's chain holds orig (dbus.Error is not
// comparable: matched by name).
func keeps(err, orig error) bool {
	var want, got dbus.Error
	if errors.As(orig, &want) {
		return errors.As(err, &got) && got.Name == want.Name
	}
	return errors.Is(err, orig)
}
