//go:build !unix

package tokencache

import "testing"

// freezeKeyring needs SIGSTOP; these systems have no Secret Service.
func freezeKeyring(t *testing.T) (thaw func()) {
	t.Skip("freezing the keyring daemon needs a Unix signal")
	return func() {}
}
