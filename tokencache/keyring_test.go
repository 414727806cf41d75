package tokencache

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/latchdev/latch/auth/authtest"
)

// secretServicePID is the process that owns org.freedesktop.secrets on the
// test's session bus (gnome-keyring-daemon under .ci/with-keyring).
func secretServicePID(t *testing.T) int {
	t.Helper()
	out, err := exec.Command("dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus",
		"org.freedesktop.DBus.GetConnectionUnixProcessID", "string:org.freedesktop.secrets").Output()
	if err != nil {
		t.Fatalf("who owns the Secret Service: %v", err)
	}
	f := strings.Fields(string(out))
	pid, err := strconv.Atoi(f[len(f)-1])
	if err != nil || pid <= 1 {
		t.Fatalf("who owns the Secret Service: %q", out)
	}
	return pid
}

// inOwnKeyring runs the calling test again in a private D-Bus session with
// its own gnome-keyring (.ci/with-keyring), because the test freezes, locks
// or replaces the daemon and the test packages running at the same time
// share the session's. In the parent it returns true: the test is done.
func inOwnKeyring(t *testing.T) bool {
	t.Helper()
	if os.Getenv("LATCH_TEST_OWN_KEYRING") == "1" {
		return false
	}
	authtest.RequireKeyring(t)
	cmd := exec.Command("../.ci/with-keyring", os.Args[0], "-test.run=^"+t.Name()+"$", "-test.count=1", "-test.v")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "LATCH_IN_KEYRING_SESSION=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "LATCH_TEST_OWN_KEYRING=1")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: "+t.Name()) {
		t.Fatalf("in its own keyring: %v\n%s", err, out)
	}
	return true
}

// restartKeyring replaces the daemon with a fresh one that unlocks the
// login keyring with the test password (as .ci/with-keyring started it).
func restartKeyring(t *testing.T) {
	t.Helper()
	cmd := exec.Command("gnome-keyring-daemon", "--replace", "--unlock", "--components=secrets")
	cmd.Stdin = strings.NewReader("latch-test")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("restarting gnome-keyring: %v\n%s", err, out)
	}
	authtest.RequireKeyring(t)
}

func dbusSend(t *testing.T, args ...string) {
	t.Helper()
	args = append([]string{"--session", "--print-reply", "--dest=org.freedesktop.secrets", "/org/freedesktop/secrets"}, args...)
	if out, err := exec.Command("dbus-send", args...).CombinedOutput(); err != nil {
		t.Fatalf("dbus-send %v: %v\n%s", args, err, out)
	}
}

func TestFrozenKeyringTimesOutAndCancelReturnsAtOnce(t *testing.T) {
	if inOwnKeyring(t) {
		return
	}
	authtest.RequireKeyring(t)
	freezeKeyring(t)
	k := NewKeyring("latch-test", 100*time.Millisecond)
	if _, err := k.Get(t.Context(), "frozen"); !errors.Is(err, ErrKeyringTimeout) {
		t.Fatalf("frozen keyring: %v, want ErrKeyringTimeout", err)
	}
	k.Timeout = time.Hour
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- k.Set(ctx, "frozen", "x") }()
	cancel()
	if err := waitErr(t, done, time.Second); !errors.Is(err, context.Canceled) || errors.Is(err, ErrKeyringTimeout) {
		t.Fatalf("cancel during a frozen keyring call: %v, want context.Canceled", err)
	}
}

func TestLockedKeyringSaysUnlockIt(t *testing.T) {
	if inOwnKeyring(t) {
		return
	}
	authtest.RequireKeyring(t)
	k := NewKeyring("latch-test", 5*time.Second)
	dbusSend(t, "org.freedesktop.Secret.Service.Lock", "array:objpath:/org/freedesktop/secrets/collection/login")
	defer restartKeyring(t)
	// No prompter can be shown here (no display): gnome-keyring completes
	// the unlock prompt as dismissed, as when a person dismisses it.
	_, err := k.Get(t.Context(), "locked")
	if !errors.Is(err, ErrKeyringLocked) || !errors.Is(err, ErrKeyringRefused) || errors.Is(err, ErrKeyringUnavailable) {
		t.Fatalf("locked keyring: %v, want ErrKeyringLocked and ErrKeyringRefused", err)
	}
	if !strings.Contains(err.Error(), "unlock the login keyring") {
		t.Errorf("the message does not say what to do: %v", err)
	}
}

// TestNoSecretService runs this test binary again without a session bus:
// go-keyring's own error must come out as ErrKeyringUnavailable.
func TestNoSecretServiceIsUnavailable(t *testing.T) {
	if os.Getenv("LATCH_TEST_NO_BUS") == "1" {
		_, err := NewKeyring("latch-test", 5*time.Second).Get(t.Context(), "x")
		if !errors.Is(err, ErrKeyringUnavailable) || !strings.Contains(err.Error(), "start a Secret Service") {
			t.Fatalf("no bus: %v, want ErrKeyringUnavailable", err)
		}
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestNoSecretServiceIsUnavailable$", "-test.count=1")
	cmd.Env = append(os.Environ(), "LATCH_TEST_NO_BUS=1", "DBUS_SESSION_BUS_ADDRESS=unix:path="+t.TempDir()+"/no-bus")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
}
