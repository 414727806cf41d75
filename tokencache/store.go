package tokencache

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"time"

	"github.com/zalando/go-keyring"
)

// Store keeps secrets by key. Implementations: Keyring, FileStore, MemStore.
type Store interface {
	// Get, Set and Delete return when ctx is done, with an error that
	// wraps ctx.Err().
	Get(ctx context.Context, key string) (string, error)
	Set(ctx context.Context, key, secret string) error
	Delete(ctx context.Context, key string) error
	// Name says where secrets live, for people ("keyring", "file store, not
	// encrypted", "memory").
	Name() string
	// Limit is the largest secret one item holds; 0 means no limit.
	Limit(key string) int
}

// DefaultKeyringTimeout bounds every keyring call.
const DefaultKeyringTimeout = 3 * time.Second

// Keyring is the OS keyring, every call under a deadline: on Linux through
// a lean Secret Service client that hands what it cannot answer to
// go-keyring (secretservice_linux.go), elsewhere through go-keyring.
type Keyring struct {
	Service string
	Timeout time.Duration

	lean leanKeyring
}

// NewKeyring returns the keyring store for a service name ("latch").
func NewKeyring(service string, timeout time.Duration) *Keyring {
	if timeout <= 0 {
		timeout = DefaultKeyringTimeout
	}
	return &Keyring{Service: service, Timeout: timeout}
}

func (k *Keyring) Name() string { return "keyring" }

// Limit is the platform's item size for secrets: macOS about 3000 bytes for
// service, account and secret together, Windows 2560 bytes of secret, Linux
// unlimited. LATCH_KEYRING_LIMIT overrides it (tests force chunking with it).
func (k *Keyring) Limit(key string) int {
	if s := os.Getenv("LATCH_KEYRING_LIMIT"); s != "" {
		if n, err := strconv.Atoi(s); err == nil && n > 0 {
			return n
		}
	}
	switch runtime.GOOS {
	case "darwin":
		return 3000 - len(k.Service) - len(key) - 100
	case "windows":
		return 2560
	}
	return 0
}

func (k *Keyring) Get(ctx context.Context, key string) (string, error) {
	return keyringCall(ctx, k.Timeout, func(ctx context.Context) (string, error) {
		if s, ok, err := k.lean.get(ctx, k.Service, key); ok {
			return s, err
		}
		return keyring.Get(k.Service, key)
	})
}

func (k *Keyring) Set(ctx context.Context, key, secret string) error {
	_, err := keyringCall(ctx, k.Timeout, func(ctx context.Context) (struct{}, error) {
		if ok, err := k.lean.set(ctx, k.Service, key, secret); ok {
			return struct{}{}, err
		}
		return struct{}{}, keyring.Set(k.Service, key, secret)
	})
	return err
}

func (k *Keyring) Delete(ctx context.Context, key string) error {
	_, err := keyringCall(ctx, k.Timeout, func(ctx context.Context) (struct{}, error) {
		if ok, err := k.lean.delete(ctx, k.Service, key); ok {
			return struct{}{}, err
		}
		return struct{}{}, keyring.Delete(k.Service, key)
	})
	return err
}

// patientKey marks a context whose keyring calls wait until the context's
// own deadline instead of the store's shorter one.
type patientKey struct{}

// patient is used for the write of a rotated refresh token: a keyring that
// freezes for a while must not make latch drop the only valid grant.
func patient(ctx context.Context) context.Context { return context.WithValue(ctx, patientKey{}, true) }

// keyringCall runs f under ctx and the store's deadline, and gives f that
// context. The lean Secret Service path returns as soon as it is done;
// go-keyring cannot be cancelled and can block forever (a Secret Service
// that owns its bus name but never answers): the goroutine is then
// abandoned, and a write may still land after the caller has been told it
// failed.
func keyringCall[T any](ctx context.Context, timeout time.Duration, f func(context.Context) (T, error)) (T, error) {
	var zero T
	if err := ctx.Err(); err != nil {
		return zero, fmt.Errorf("keyring call not started: %w", err)
	}
	tctx, cancel := ctx, context.CancelFunc(func() {})
	if ctx.Value(patientKey{}) == nil {
		tctx, cancel = context.WithTimeout(ctx, timeout)
	}
	defer cancel()
	type answer struct {
		v   T
		err error
	}
	done := make(chan answer, 1)
	go func() { v, err := f(tctx); done <- answer{v, err} }()
	select {
	case a := <-done:
		if a.err == nil {
			return a.v, nil
		}
		if tctx.Err() == nil {
			return zero, keyringError(a.err)
		}
		// The lean path gave up because tctx is done: say why, as below.
	case <-tctx.Done():
	}
	if errors.Is(ctx.Err(), context.Canceled) {
		return zero, fmt.Errorf("keyring call abandoned: %w", ctx.Err())
	}
	return zero, fmt.Errorf("%w (%w): unlock or restart the Secret Service (gnome-keyring-daemon) and try again", ErrKeyringTimeout, tctx.Err())
}

// keyringError maps go-keyring's errors to the package's, keeping the
// original in the chain.
func keyringError(err error) error {
	if errors.Is(err, keyring.ErrNotFound) {
		return ErrNotFound
	}
	kind := keyringKind(err)
	switch kind {
	case errLockedPrompt:
		return fmt.Errorf("%w (%w): unlock the login keyring (log in to the desktop session, or unlock it in the keyring manager) and try again", kind, err)
	case ErrKeyringLocked:
		return fmt.Errorf("%w (%w): unlock the login keyring and try again", kind, err)
	case ErrKeyringRefused:
		return fmt.Errorf("%w (%w): allow latch when the keyring asks, then try again", kind, err)
	case ErrKeyringTimeout:
		return fmt.Errorf("%w (%w): unlock or restart the Secret Service (gnome-keyring-daemon) and try again", kind, err)
	}
	return fmt.Errorf("%w (%w): start a Secret Service such as gnome-keyring in this session, or choose the insecure file store", kind, err)
}

// MemStore keeps secrets in memory for the life of the process. It is safe
// for concurrent use.
type MemStore struct {
	mu sync.Mutex
	m  map[string]string
}

func NewMemStore() *MemStore     { return &MemStore{m: map[string]string{}} }
func (s *MemStore) Name() string { return "memory" }
func (s *MemStore) Limit(string) int {
	return 0
}

func (s *MemStore) Set(ctx context.Context, key, v string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[key] = v
	return nil
}

func (s *MemStore) Delete(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.m[key]; !ok {
		return ErrNotFound
	}
	delete(s.m, key)
	return nil
}

func (s *MemStore) Get(ctx context.Context, key string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[key]
	if !ok {
		return "", ErrNotFound
	}
	return v, nil
}
