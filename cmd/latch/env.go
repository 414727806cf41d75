package main

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/latchdev/latch/auth"
	"github.com/latchdev/latch/tokencache"
)

const keyringService = "latch"

// stateDir is where the index and locks live: $XDG_STATE_HOME/latch,
// ~/.local/state/latch, or the OS's per-user application data.
func stateDir() (string, error) {
	if d := os.Getenv("LATCH_STATE_DIR"); d != "" {
		return d, nil
	}
	if d := os.Getenv("XDG_STATE_HOME"); d != "" {
		return filepath.Join(d, "latch"), nil
	}
	if runtime.GOOS == "linux" || runtime.GOOS == "freebsd" || runtime.GOOS == "openbsd" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("no home directory (%w): set XDG_STATE_HOME", err)
		}
		return filepath.Join(home, ".local", "state", "latch"), nil
	}
	d, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "latch", "state"), nil
}

func discoveryCacheDir() string {
	d, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "latch", "discovery")
}

// openCache builds the store the user chose: the OS keyring unless --store
// file (or the profile's store = "file") asks for the unencrypted file store.
func openCache(store string) (*tokencache.Cache, error) {
	dir, err := stateDir()
	if err != nil {
		return nil, err
	}
	c := &tokencache.Cache{Dir: dir}
	switch store {
	case "", "keyring":
		timeout := tokencache.DefaultKeyringTimeout
		if s := os.Getenv("LATCH_KEYRING_TIMEOUT"); s != "" {
			if d, err := time.ParseDuration(s); err == nil {
				timeout = d
			}
		}
		c.Store = tokencache.NewKeyring(keyringService, timeout)
	case "file":
		c.Store = &tokencache.FileStore{Dir: filepath.Join(dir, "store")}
	default:
		return nil, fmt.Errorf("unknown store %q: use keyring or file", store)
	}
	return c, nil
}

// httpClient honours HTTPS_PROXY and adds the profile's CA bundle.
func httpClient(p *Profile) (*http.Client, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if p.CAFile != "" {
		pem, err := os.ReadFile(p.CAFile)
		if err != nil {
			return nil, fmt.Errorf("ca_file: %w", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("ca_file %s holds no PEM certificate", p.CAFile)
		}
		tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}, nil
}

// authConfig is the auth.Config of a profile, optionally for another issuer
// (the tenant's own authority of a multi-tenant profile).
func authConfig(p *Profile, issuer string) (*auth.Config, error) {
	hc, err := httpClient(p)
	if err != nil {
		return nil, err
	}
	if issuer == "" {
		issuer = p.Issuer
	}
	dir := p.discoveryDir
	if dir == "" {
		dir = discoveryCacheDir()
	}
	return &auth.Config{
		Issuer: issuer, ClientID: p.ClientID, AllowedTenants: p.AllowedTenants,
		HTTPClient: hc, CacheDir: dir,
	}, nil
}
