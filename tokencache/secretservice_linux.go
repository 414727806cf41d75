//go:build linux

package tokencache

import (
	"context"
	"errors"

	"github.com/latchdev/latch/tokencache/internal/secretservice"
	"github.com/zalando/go-keyring"
)

// leanKeyring is the Secret Service path of Keyring on Linux: one
// connection per Keyring, opened by its first call and reused by later
// ones, and 3 round trips for a first read where go-keyring makes 12 (see
// package secretservice). What it cannot answer without a prompt or a
// guess (a locked collection, several matching items, an unexpected
// reply, no reachable bus) goes to go-keyring, so those paths and their
// errors are unchanged.
type leanKeyring struct{ c secretservice.Client }

// The methods return handled == false when the call should be made through
// go-keyring. Otherwise err is nil, keyring.ErrNotFound (as go-keyring
// returns it, for keyringError) or, when ctx is done, the context's error.

func (l *leanKeyring) get(ctx context.Context, service, key string) (string, bool, error) {
	s, err := l.c.Get(ctx, service, key)
	handled, err := leanResult(ctx, err)
	return s, handled, err
}

func (l *leanKeyring) set(ctx context.Context, service, key, secret string) (bool, error) {
	return leanResult(ctx, l.c.Set(ctx, service, key, secret))
}

func (l *leanKeyring) delete(ctx context.Context, service, key string) (bool, error) {
	return leanResult(ctx, l.c.Delete(ctx, service, key))
}

func leanResult(ctx context.Context, err error) (bool, error) {
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, secretservice.ErrNotFound):
		return true, keyring.ErrNotFound
	case ctx.Err() != nil:
		return true, err
	}
	return false, nil
}
