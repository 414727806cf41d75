package tokencache

import "errors"

// Errors of the package, for errors.Is. None names a command-line flag: the
// front ends turn them into their own advice.
var (
	// ErrSignInRequired means no usable session: the user must sign in.
	ErrSignInRequired = errors.New("sign-in required")
	// ErrNotFound means the store holds no item under the key.
	ErrNotFound = errors.New("no such record in the store")
	// ErrKeyringUnavailable means no Secret Service (or other OS keyring)
	// answered.
	ErrKeyringUnavailable = errors.New("no OS keyring is reachable")
	// ErrKeyringLocked means the keyring collection is locked and needs to
	// be unlocked (a prompt) before it can be used.
	ErrKeyringLocked = errors.New("the OS keyring is locked")
	// ErrKeyringRefused means the keyring refused access: its prompt was
	// dismissed or access was denied.
	ErrKeyringRefused = errors.New("the OS keyring refused access")
	// ErrKeyringTimeout means the keyring did not answer within the
	// store's deadline.
	ErrKeyringTimeout = errors.New("the OS keyring did not answer in time")
	// ErrStateDir means the state directory (index, locks) cannot be read
	// or written; the message names the path.
	ErrStateDir = errors.New("the latch state directory is not usable")
)
