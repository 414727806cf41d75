//go:build !linux

package tokencache

import "context"

// leanKeyring is Linux's lean Secret Service path; elsewhere every call
// goes to go-keyring.
type leanKeyring struct{}

func (*leanKeyring) get(context.Context, string, string) (string, bool, error) {
	return "", false, nil
}

func (*leanKeyring) set(context.Context, string, string, string) (bool, error) { return false, nil }

func (*leanKeyring) delete(context.Context, string, string) (bool, error) { return false, nil }
