package tokencache

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"time"

	"github.com/zalando/go-keyring"
)

// Errors a store returns, for errors.Is.
var (
	ErrNotFound = errors.New("no such record in the store")
	// ErrKeyringUnavailable means no OS keyring answered. Its message says
	// how to fix it.
	ErrKeyringUnavailable = errors.New("no OS keyring is reachable")
	ErrKeyringTimeout     = errors.New("the OS keyring did not answer in time")
)

// Store keeps secrets by key. Implementations: Keyring, FileStore, MemStore.
type Store interface {
	Get(key string) (string, error)
	Set(key, secret string) error
	Delete(key string) error
	// Name says where secrets live, for people ("keyring", "file store, not
	// encrypted", "memory").
	Name() string
	// Limit is the largest secret one item holds; 0 means no limit.
	Limit(key string) int
}

// DefaultKeyringTimeout bounds every keyring call.
const DefaultKeyringTimeout = 3 * time.Second

// Keyring is the OS keyring through go-keyring, every call under a deadline.
type Keyring struct {
	Service string
	Timeout time.Duration
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

func (k *Keyring) Get(key string) (string, error) {
	var s string
	err := k.call(func() (err error) { s, err = keyring.Get(k.Service, key); return })
	return s, err
}

func (k *Keyring) Set(key, secret string) error {
	return k.call(func() error { return keyring.Set(k.Service, key, secret) })
}

func (k *Keyring) Delete(key string) error {
	return k.call(func() error { return keyring.Delete(k.Service, key) })
}

// call runs f with the deadline. go-keyring can block forever (a Secret
// Service that owns its bus name but never answers); the goroutine is then
// abandoned and the caller gets ErrKeyringTimeout.
func (k *Keyring) call(f func() error) error {
	ctx, cancel := context.WithTimeout(context.Background(), k.Timeout)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		switch {
		case err == nil:
			return nil
		case errors.Is(err, keyring.ErrNotFound):
			return ErrNotFound
		}
		return fmt.Errorf("%w (%v): start or unlock a Secret Service such as gnome-keyring, or run with --store file", ErrKeyringUnavailable, err)
	case <-ctx.Done():
		return fmt.Errorf("%w (%s): unlock or restart it (gnome-keyring-daemon), raise LATCH_KEYRING_TIMEOUT, or run with --store file", ErrKeyringTimeout, k.Timeout)
	}
}

// MemStore keeps secrets in memory for the life of the process.
type MemStore struct{ m map[string]string }

func NewMemStore() *MemStore                { return &MemStore{m: map[string]string{}} }
func (s *MemStore) Name() string            { return "memory" }
func (s *MemStore) Limit(string) int        { return 0 }
func (s *MemStore) Set(key, v string) error { s.m[key] = v; return nil }
func (s *MemStore) Delete(key string) error {
	if _, ok := s.m[key]; !ok {
		return ErrNotFound
	}
	delete(s.m, key)
	return nil
}
func (s *MemStore) Get(key string) (string, error) {
	v, ok := s.m[key]
	if !ok {
		return "", ErrNotFound
	}
	return v, nil
}
