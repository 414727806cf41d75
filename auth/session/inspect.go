package session

import (
	"context"
	"time"

	"github.com/latchdev/latch/auth"
)

// inspectTimeout bounds the discovery and key requests of one inspect.
const inspectTimeout = 15 * time.Second

// Inspect decodes any JWT and verifies it: against jwks when given (no
// request), else the selector's profile when it names one, else the keys
// of the token's own issuer (only https, or http on this machine, is
// fetched). It says why a token did not verify; it never fails for that.
func (e *Engine) Inspect(ctx context.Context, sel Selector, raw string, jwks []byte) (*auth.Inspection, error) {
	o := auth.InspectOptions{JWKS: jwks}
	if jwks == nil {
		p := &Profile{}
		if sel.Tenant != "" || sel.Issuer != "" {
			var err error
			if p, err = e.Resolve(sel); err != nil {
				return nil, err
			}
		}
		cfg, err := e.AuthConfig(p)
		if err != nil {
			return nil, err
		}
		if p.Issuer != "" {
			o.Provider = cfg
		} else {
			o.HTTPClient, o.CacheDir = cfg.HTTPClient, cfg.CacheDir
		}
	}
	ctx, cancel := context.WithTimeout(ctx, inspectTimeout)
	defer cancel()
	return auth.Inspect(ctx, raw, o)
}

// ReadJWKS reads a key set file for Inspect, bounded.
func ReadJWKS(path string) ([]byte, error) { return readFileBounded(path, 1<<20) }
