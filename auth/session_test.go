package auth

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestEndSession(t *testing.T) {
	f := newFakeOP(t)
	if _, err := f.provider(t).EndSession(EndSessionOptions{}); !errors.Is(err, ErrNoEndSession) {
		t.Fatalf("no end_session_endpoint: %v", err)
	}
	f.meta["end_session_endpoint"] = f.srv.URL + "/logout?ui=1"
	u, err := f.provider(t).EndSession(EndSessionOptions{IDTokenHint: "idt", PostLogoutRedirectURI: "http://127.0.0.1:9/bye"})
	if err != nil {
		t.Fatal(err)
	}
	parsed, _ := url.Parse(u)
	q := parsed.Query()
	if q.Get("id_token_hint") != "idt" || q.Get("client_id") != "cli" || q.Get("post_logout_redirect_uri") != "http://127.0.0.1:9/bye" || q.Get("ui") != "1" {
		t.Fatalf("end-session URL %s", u)
	}
	if u := f.provider(t).EndSessionURL(); strings.Contains(u, "id_token_hint") || !strings.Contains(u, "client_id=cli") {
		t.Fatalf("EndSessionURL %s", u)
	}
}

func TestUserinfo(t *testing.T) {
	f := newFakeOP(t)
	var answer string
	f.srv.Config.Handler.(*http.ServeMux).HandleFunc("/userinfo", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(answer))
	})
	f.meta["userinfo_endpoint"] = f.srv.URL + "/userinfo"
	p := f.provider(t)
	id, err := p.VerifyIDToken(t.Context(), f.sign(map[string]any{"iss": f.srv.URL, "sub": "u1", "aud": "cli", "exp": 4e9, "iat": 1e9}, "ES384", f.key, f.kid), VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if id.Display() != "u1" {
		t.Fatalf("display without names: %q", id.Display())
	}
	for body, want := range map[string]error{
		`{"sub":"u2","name":"Mallory"}`: ErrUserinfoSubject,
		`{"sub":7}`:                     ErrInvalidUserinfo,
		`["u1"]`:                        ErrInvalidUserinfo,
		`null`:                          ErrInvalidUserinfo,
		`<html>`:                        ErrInvalidUserinfo,
	} {
		answer = body
		if _, err := p.UserinfoFor(t.Context(), "at", id); !errors.Is(err, want) {
			t.Errorf("userinfo %s: %v, want %v", body, err, want)
		}
	}
	if id.Display() != "u1" {
		t.Fatalf("a refused userinfo changed the display: %q", id.Display())
	}
	answer = `{"sub":"u1","preferred_username":"ada","email":"ada@example.test"}`
	if _, err := p.UserinfoFor(t.Context(), "at", id); err != nil {
		t.Fatal(err)
	}
	if id.Display() != "ada <ada@example.test>" {
		t.Fatalf("display %q, want userinfo's names", id.Display())
	}
	answer = `{"big":"` + strings.Repeat("x", 2<<20) + `"}`
	if _, err := p.Userinfo(t.Context(), "at"); !errors.Is(err, ErrBodyTooLarge) {
		t.Fatalf("2 MiB userinfo: %v", err)
	}
}

func TestIDTokenWithoutSubIsRefused(t *testing.T) {
	f := newFakeOP(t)
	c := f.claims("")
	delete(c, "sub")
	_, err := f.provider(t).VerifyIDToken(t.Context(), f.sign(c, "ES384", f.key, f.kid), VerifyOptions{})
	if !errors.Is(err, ErrNoSubject) {
		t.Fatalf("ID token without sub: %v", err)
	}
}
