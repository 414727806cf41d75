package auth

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// The browser is given only a loopback address; it is redirected, by GET,
// to the end-session endpoint with client_id and id_token_hint.
func TestOpenEndSessionRedirectsWithTheHint(t *testing.T) {
	f := newFakeOP(t)
	f.meta["end_session_endpoint"] = f.srv.URL + "/session/end"
	p := f.provider(t)
	var opened, location string
	err := p.OpenEndSession(t.Context(), "the.id.token", func(u string) error {
		opened = u
		c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := c.Get(u)
		if err != nil {
			return err
		}
		resp.Body.Close()
		location = resp.Header.Get("Location")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(opened, "http://127.0.0.1:") || strings.Contains(opened, "token") {
		t.Errorf("the browser was given %q", opened)
	}
	u, err := url.Parse(location)
	if err != nil || u.Path != "/session/end" || u.Query().Get("id_token_hint") != "the.id.token" || u.Query().Get("client_id") != "cli" {
		t.Errorf("redirected to %q", location)
	}
}

func TestOpenEndSessionWithoutEndpoint(t *testing.T) {
	p := newFakeOP(t).provider(t)
	p.Metadata.EndSessionEndpoint = ""
	if err := p.OpenEndSession(t.Context(), "", OpenBrowser); err != ErrNoEndSession {
		t.Fatalf("no endpoint: %v", err)
	}
}
