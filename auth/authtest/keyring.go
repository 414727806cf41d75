package authtest

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/zalando/go-keyring"
)

// RequireKeyring skips (or fails in CI) unless a Secret Service answers a
// write, read and delete within 5 s.
func RequireKeyring(t testing.TB) {
	t.Helper()
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		Missing(t, "Secret Service keyring", "no D-Bus session; run the tests with make test (dbus-run-session + gnome-keyring)")
	}
	done := make(chan error, 1)
	// Test binaries of several packages probe at once: one item each.
	user := fmt.Sprintf("probe-%d-%s", os.Getpid(), t.Name())
	go func() {
		err := keyring.Set("latch-test-probe", user, "x")
		if err == nil {
			_, err = keyring.Get("latch-test-probe", user)
		}
		if err == nil {
			err = keyring.Delete("latch-test-probe", user)
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			Missing(t, "Secret Service keyring", err.Error())
		}
	case <-time.After(5 * time.Second):
		Missing(t, "Secret Service keyring", "it did not answer within 5s")
	}
}
