//go:build unix && !darwin

package tokencache

import (
	"errors"
	"strings"

	"github.com/godbus/dbus/v5"
)

// keyringKind sorts an error of go-keyring's Secret Service backend. What it
// returns, read from its source (v0.2.8) and tried against gnome-keyring:
//
//   - no session bus, or a bus that hangs up: godbus connection errors;
//   - no Secret Service on the bus: a dbus.Error named ServiceUnknown or
//     NameHasNoOwner (unless the bus can start one, see below);
//   - a locked collection: go-keyring asks to Unlock it and runs the prompt
//     the service returns; when the prompt is dismissed, or no prompter can
//     be shown (no display), the prompt completes "dismissed" and go-keyring
//     returns a plain error "failed to unlock correct collection ...";
//   - access denied by policy: a dbus.Error named ...Error.AccessDenied;
//   - the collection locked under a call that does not prompt:
//     org.freedesktop.Secret.Error.IsLocked;
//   - a bus that never answers: dbus.Error NoReply after the bus's own
//     timeout (our deadline is shorter and fires first).
func keyringKind(err error) error {
	var de dbus.Error
	if errors.As(err, &de) {
		switch de.Name {
		case "org.freedesktop.DBus.Error.AccessDenied", "org.freedesktop.Secret.Error.AccessDenied":
			return ErrKeyringRefused
		case "org.freedesktop.Secret.Error.IsLocked":
			return ErrKeyringLocked
		case "org.freedesktop.DBus.Error.NoReply", "org.freedesktop.DBus.Error.Timeout", "org.freedesktop.DBus.Error.TimedOut":
			return ErrKeyringTimeout
		}
		return ErrKeyringUnavailable
	}
	if strings.HasPrefix(err.Error(), "failed to unlock correct collection") {
		return errLockedPrompt
	}
	return ErrKeyringUnavailable
}
