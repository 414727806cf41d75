package auth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// ErrProviderUnreachable means the provider did not answer before the
// browser was opened: discovery came from the disk cache, so nothing else
// had checked that the provider is up.
var ErrProviderUnreachable = errors.New("the provider did not answer")

// probeTimeout bounds the check that a cached provider is up.
var probeTimeout = 4 * time.Second

// probe GETs the authorization endpoint. Any HTTP answer, error statuses
// included, means the provider is up; a refused connection, a failed name
// lookup or no answer within probeTimeout means it is down.
func (p *Provider) probe(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	// The discovery document: a request the provider answers 200 (the
	// authorization endpoint answers a bare GET with a 400 page, which
	// made every -v trace of a sign-in look like a failure).
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, DiscoveryURL(p.Config.Issuer), nil)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrProviderUnreachable, err)
	}
	c := *p.Config.client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Do(req)
	if err != nil {
		if ctx.Err() != nil && errors.Is(ctx.Err(), context.Canceled) {
			return cancelledError{ctx.Err()}
		}
		host := req.URL.Host
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("%w: %s (%w); check the network and the proxy settings, or try again when it is back", ErrProviderUnreachable, host, err)
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	return nil
}
