package auth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// endSessionPage posts the logout form to the provider: RP-Initiated
// Logout 1.0 §2 lets the RP send id_token_hint by POST, which keeps the ID
// token out of the URL a browser launcher is given (and so out of argv and
// browser history). Every value lands in a quoted attribute and is
// HTML-escaped; the endpoint was checked to be an http(s) URL. Built by
// hand, not with html/template: its reflection keeps every exported method
// of every type in the binary, about 3 MB, for one small page.
func endSessionPage(endpoint, clientID, hint, nonce string) string {
	var b strings.Builder
	b.WriteString(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Signing out</title></head>
<body onload="document.forms[0].submit()">
<form method="post" action="`)
	b.WriteString(html.EscapeString(endpoint))
	b.WriteString(`">
<input type="hidden" name="client_id" value="`)
	b.WriteString(html.EscapeString(clientID))
	b.WriteString("\">\n")
	if hint != "" {
		b.WriteString(`<input type="hidden" name="id_token_hint" value="`)
		b.WriteString(html.EscapeString(hint))
		b.WriteString(`">`)
	}
	b.WriteString(`
<noscript><p>Press the button to sign out at the provider.</p></noscript>
<button type="submit">Sign out at the provider</button>
</form>
<script nonce="`)
	b.WriteString(html.EscapeString(nonce))
	b.WriteString(`">document.forms[0].submit()</script>
</body></html>`)
	return b.String()
}

// EndSessionTimeout bounds how long OpenEndSession waits for the browser to
// load its page.
const EndSessionTimeout = 30 * time.Second

// OpenEndSession ends the provider's browser session: it serves, once, on
// a loopback port, a page that POSTs client_id and id_token_hint to the
// end_session_endpoint, and opens it with open. It returns when the browser
// has loaded the page, or after EndSessionTimeout, or on cancel. The ID
// token never appears in a URL.
func (p *Provider) OpenEndSession(ctx context.Context, idTokenHint string, open func(string) error) error {
	endpoint := p.Metadata.EndSessionEndpoint
	if endpoint == "" {
		return ErrNoEndSession
	}
	if err := checkURL("end_session_endpoint", endpoint, p.Config.InsecureAllowHTTP); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	path := "/logout/" + randomToken()
	nonce := randomToken()
	served := make(chan struct{})
	srv := &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != path || r.Method != http.MethodGet {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Security-Policy", "default-src 'none'; script-src 'nonce-"+nonce+"'; form-action "+originOf(endpoint))
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Referrer-Policy", "no-referrer")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, endSessionPage(endpoint, p.Config.ClientID, idTokenHint, nonce))
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

// originOf is scheme://host of a URL, for a CSP form-action.
func originOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "'none'"
	}
	return u.Scheme + "://" + u.Host
}

func randomToken() string {
	b := make([]byte, 16)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
