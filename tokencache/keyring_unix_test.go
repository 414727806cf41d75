//go:build unix

package tokencache

import (
	"syscall"
	"testing"
)

// freezeKeyring stops the Secret Service process (SIGSTOP): it keeps its
// bus name and never answers, as a hung daemon does. It is resumed when the
// test ends, or by the returned func.
func freezeKeyring(t *testing.T) (thaw func()) {
	t.Helper()
	pid := secretServicePID(t)
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	thaw = func() { syscall.Kill(pid, syscall.SIGCONT) }
	t.Cleanup(thaw)
	return thaw
}
