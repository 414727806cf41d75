package tokencache

import (
	"context"
	"errors"
	"testing"
	"time"
)

// waitErr waits for one result, failing the test if none comes in time.
func waitErr(t *testing.T, done <-chan error, within time.Duration) error {
	t.Helper()
	select {
	case err := <-done:
		return err
	case <-time.After(within):
		t.Fatalf("no answer within %s", within)
		return nil
	}
}

func TestCancelWhileWaitingForTheLockReturnsCanceled(t *testing.T) {
	c := &Cache{Store: NewMemStore(), Dir: t.TempDir(), LockTimeout: time.Hour}
	release, err := c.lock(t.Context(), "k")
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		release, err := c.lock(ctx, "k")
		if err == nil {
			release()
		}
		done <- err
	}()
	cancel()
	if err := waitErr(t, done, time.Second); !errors.Is(err, context.Canceled) {
		t.Fatalf("lock wait after Ctrl-C: %v, want context.Canceled", err)
	}
}

func TestLockHeldTooLongIsATypedError(t *testing.T) {
	c := &Cache{Store: NewMemStore(), Dir: t.TempDir(), LockTimeout: 20 * time.Millisecond}
	release, err := c.lock(t.Context(), "k")
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.lock(t.Context(), "k")
	release()
	if !errors.Is(err, ErrLockTimeout) || errors.Is(err, context.Canceled) {
		t.Fatalf("lock held by another: %v, want ErrLockTimeout", err)
	}
	// Released, it can be taken again.
	release, err = c.lock(t.Context(), "k")
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	release()
}
