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

// ErrUnknownFormat means a stored record was written in a format this
// version cannot read (another version of latch, or damage). It also
// satisfies errors.Is(err, ErrSignInRequired): signing in again replaces it.
var ErrUnknownFormat error = &alsoError{msg: "the stored session is in a format this latch cannot read", also: []error{ErrSignInRequired}}

// errLockedPrompt is a locked keyring whose unlock prompt was dismissed or
// could not be shown: both ErrKeyringLocked and ErrKeyringRefused.
var errLockedPrompt error = &alsoError{msg: "the OS keyring is locked and its unlock prompt was dismissed or could not be shown", also: []error{ErrKeyringLocked, ErrKeyringRefused}}

// alsoError is a sentinel that also matches broader sentinels.
type alsoError struct {
	msg  string
	also []error
}

func (e *alsoError) Error() string { return e.msg }

func (e *alsoError) Is(target error) bool {
	for _, a := range e.also {
		if target == a {
			return true
		}
	}
	return false
}
