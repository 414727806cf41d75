package auth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// EndSessionTimeout bounds how long OpenEndSession waits for the browser to
// load its page.
const EndSessionTimeout = 30 * time.Second

// OpenEndSession ends the provider's browser session (RP-Initiated Logout
// 1.0): it serves, once, on a loopback port, a redirect to the
// end_session_endpoint with client_id and id_token_hint, and opens that
// loopback address with open. The browser follows the redirect with GET,
// which every provider must accept (oidc-provider, and so Logto, refuses
// POST unless configured for it). The ID token is never in the address
// given to the browser launcher, so never in argv. It returns when the
// browser has asked for the redirect, or after EndSessionTimeout, or on
// cancel.
func (p *Provider) OpenEndSession(ctx context.Context, idTokenHint string, open func(string) error) error {
	target, err := p.EndSession(EndSessionOptions{IDTokenHint: idTokenHint})
	if err != nil {
		return err
	}
	if err := checkURL("end_session_endpoint", p.Metadata.EndSessionEndpoint, p.Config.InsecureAllowHTTP); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	path := "/logout/" + randomToken()
	served := make(chan struct{})
	srv := &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != path || r.Method != http.MethodGet {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Referrer-Policy", "no-referrer")
		http.Redirect(w, r, target, http.StatusSeeOther)
		select {
		case <-served:
		default:
			close(served)
		}
	})}
	go srv.Serve(ln)
	defer srv.Close()
	if err := open("http://" + ln.Addr().String() + path); err != nil {
		return fmt.Errorf("could not open the browser to end the session: %w", err)
	}
	t := time.NewTimer(EndSessionTimeout)
	defer t.Stop()
	select {
	case <-served:
		return nil
	case <-t.C:
		return errors.New("the browser did not load the sign-out page")
	case <-ctx.Done():
		return ctx.Err()
	}
}

func randomToken() string {
	b := make([]byte, 16)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
