//go:build unix

package main

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/latchdev/latch/auth/authtest"
)

// Ctrl-C while latch waits for another process's lock on the session
// returns at once with 130 and says what was interrupted; the session is
// untouched.
func TestCtrlCDuringLockWaitExits130(t *testing.T) {
	op := authtest.StartProvider(t)
	u := newUser(t)
	u.ok("login", "--issuer", op.Issuer, "--client-id", authtest.ClientES384)
	key := onlyKey(t, u.index())
	// Another latch is refreshing: hold the session's lock as it would.
	sum := sha256.Sum256([]byte(key))
	lockPath := filepath.Join(u.home, ".local", "state", "latch", "locks", hex.EncodeToString(sum[:16])+".lock")
	os.MkdirAll(filepath.Dir(lockPath), 0o700)
	f, err := os.OpenFile(lockPath, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}

	cmd := exec.Command(u.latch, "token", "--issuer", op.Issuer, "--client-id", authtest.ClientES384, "--force-refresh")
	cmd.Env = u.env
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitForOpenFile(t, cmd.Process.Pid, lockPath)
	sent := time.Now()
	cmd.Process.Signal(os.Interrupt)
	err = cmd.Wait()
	took := time.Since(sent)
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 130 {
		t.Fatalf("Ctrl-C during the lock wait: %v, stderr %q (want exit 130)", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "interrupted") || !strings.Contains(stderr.String(), "lock") {
		t.Errorf("stderr does not say what was interrupted: %q", stderr.String())
	}
	// The lock wait is 30 s: returning long before it is the point.
	if took > 10*time.Second {
		t.Errorf("latch took %s to honour Ctrl-C", took)
	}
	syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	if r := u.run("token", "--issuer", op.Issuer, "--client-id", authtest.ClientES384); r.code != 0 {
		t.Fatalf("the session did not survive the interrupted wait: %q", r.stderr)
	}
}

// waitForOpenFile polls until process pid has path open (it is waiting on
// the lock), or fails the test after a deadline.
func waitForOpenFile(t *testing.T, pid int, path string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		fds, _ := os.ReadDir(filepath.Join("/proc", itoa(pid), "fd"))
		for _, fd := range fds {
			if target, err := os.Readlink(filepath.Join("/proc", itoa(pid), "fd", fd.Name())); err == nil && target == path {
				return
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("latch never opened %s", path)
}

func itoa(i int) string { return strconv.Itoa(i) }
