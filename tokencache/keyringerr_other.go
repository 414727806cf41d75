//go:build !unix || darwin

package tokencache

// keyringKind sorts an error of go-keyring's Keychain or Credential Manager
// backend: neither reports a locked store apart from other failures.
func keyringKind(error) error { return ErrKeyringUnavailable }
