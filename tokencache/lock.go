package tokencache

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// DefaultLockTimeout bounds the wait for another latch process's refresh.
const DefaultLockTimeout = 30 * time.Second

// ErrLockTimeout means another latch process held a session's lock for the
// whole wait.
var ErrLockTimeout = errors.New("another latch process is using this session")

// lockFile takes an exclusive cross-process lock named name in dir (0700),
// polling until timeout or until ctx is done (then the error wraps
// ctx.Err()). The returned func releases it.
func lockFile(ctx context.Context, dir, name string, timeout time.Duration) (func(), error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("%w (%s): %w", ErrStateDir, dir, err)
	}
	sum := sha256.Sum256([]byte(name))
	path := filepath.Join(dir, hex.EncodeToString(sum[:16])+".lock")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("%w (%s): %w", ErrStateDir, dir, err)
	}
	wctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for wait := time.Millisecond; ; wait = min(wait*2, 50*time.Millisecond) {
		ok, err := tryLock(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("locking %s: %w", path, err)
		}
		if ok {
			return func() { unlock(f); f.Close() }, nil
		}
		t := time.NewTimer(wait)
		select {
		case <-wctx.Done():
			t.Stop()
			f.Close()
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("waiting for the lock on this session: %w", err)
			}
			return nil, fmt.Errorf("%w: it held the lock for %s; try again, or remove %s if no latch is running", ErrLockTimeout, timeout, path)
		case <-t.C:
		}
	}
}
