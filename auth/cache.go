package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// cachedDiscovery is what the disk cache holds for one issuer. Nothing in it
// is secret.
type cachedDiscovery struct {
	Issuer      string          `json:"issuer_url"`
	Expires     time.Time       `json:"expires"`
	Metadata    json.RawMessage `json:"metadata"`
	JWKSURI     string          `json:"jwks_uri,omitempty"`
	JWKS        json.RawMessage `json:"jwks,omitempty"`
	JWKSExpires time.Time       `json:"jwks_expires"`
}

// Cache lifetimes of discovery documents and key sets.
const (
	defaultMaxAge = 24 * time.Hour
	minCacheAge   = time.Minute
	maxCacheAge   = 7 * 24 * time.Hour
)

// cachePolicy is what a Cache-Control header allows.
type cachePolicy struct {
	lifetime time.Duration
	// store is false for no-store: the answer is used once, never written.
	store bool
}

// parseCacheControl reads max-age, no-cache and no-store. The lifetime is
// clamped to [1 minute, 7 days] (no-cache gets the minute) and is one day
// when the header says nothing readable.
func parseCacheControl(h string) cachePolicy {
	if len(h) > 4096 {
		h = h[:4096]
	}
	p := cachePolicy{lifetime: defaultMaxAge, store: true}
	noCache := false
	for part := range strings.SplitSeq(h, ",") {
		name, value, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "no-store":
			p.store = false
		case "no-cache":
			noCache = true
		case "max-age":
			if d, ok := parseSeconds(strings.Trim(strings.TrimSpace(value), `"`)); ok {
				p.lifetime = d
			}
		}
	}
	if noCache {
		p.lifetime = minCacheAge
	}
	p.lifetime = min(max(p.lifetime, minCacheAge), maxCacheAge)
	return p
}

// parseSeconds reads a non-negative decimal number of seconds; numbers too
// large for a Duration become maxCacheAge.
func parseSeconds(s string) (time.Duration, bool) {
	if s == "" || strings.TrimLeft(s, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n > int64(maxCacheAge/time.Second) {
		return maxCacheAge, true
	}
	return time.Duration(n) * time.Second, true
}

// errNotFound is a 404 from fetch.
var errNotFound = errors.New("not found")

// fetch GETs a JSON document (at most 1 MiB) and returns it with its
// cache policy.
func fetch(ctx context.Context, cfg *Config, u string) ([]byte, cachePolicy, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, cachePolicy{}, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := cfg.client().Do(req)
	if err != nil {
		return nil, cachePolicy{}, err
	}
	defer resp.Body.Close()
	body, err := readBounded(resp.Body)
	if err != nil {
		return nil, cachePolicy{}, fmt.Errorf("GET %s: %w", u, err)
	}
	if resp.StatusCode == http.StatusNotFound {
		return nil, cachePolicy{}, fmt.Errorf("GET %s: %w", u, errNotFound)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, cachePolicy{}, fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return body, parseCacheControl(resp.Header.Get("Cache-Control")), nil
}

// ErrBodyTooLarge: a provider answered with more than 1 MiB.
var ErrBodyTooLarge = errors.New("the provider's answer is larger than 1 MiB")

func readBounded(r io.Reader) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(r, maxBody+1))
	if err != nil {
		return nil, err
	}
	if len(body) > maxBody {
		return nil, ErrBodyTooLarge
	}
	return body, nil
}

func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func discoveryPath(dir, issuer string) string {
	sum := sha256.Sum256([]byte(issuer))
	return filepath.Join(dir, hex.EncodeToString(sum[:16])+".json")
}

func readDiscovery(dir, issuer string) (*cachedDiscovery, error) {
	if dir == "" {
		return nil, os.ErrNotExist
	}
	b, err := os.ReadFile(discoveryPath(dir, issuer))
	if err != nil {
		return nil, err
	}
	var c cachedDiscovery
	if err := json.Unmarshal(b, &c); err != nil || c.Issuer != issuer {
		return nil, errors.New("discovery cache entry unreadable")
	}
	return &c, nil
}

// writeDiscovery replaces the cache entry atomically. A cache that cannot be
// written only costs a request next time, so errors are dropped.
func writeDiscovery(dir string, c *cachedDiscovery) {
	if dir == "" {
		return
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return
	}
	b, err := json.Marshal(c)
	if err != nil {
		return
	}
	f, err := os.CreateTemp(dir, ".discovery-*")
	if err != nil {
		return
	}
	_, werr := f.Write(b)
	cerr := f.Close()
	if werr != nil || cerr != nil || os.Rename(f.Name(), discoveryPath(dir, c.Issuer)) != nil {
		os.Remove(f.Name())
	}
}
