package auth

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func get(t *testing.T, u string) (int, string, http.Header) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

func TestCallbackChecks(t *testing.T) {
	tests := []struct {
		name, query string
		wantErr     string
		wantPage    string
	}{
		{"good", "state=s1&iss=https://op&code=abc", "", "Signed in"},
		{"state mismatch", "state=evil&iss=https://op&code=abc", "state mismatch", "Sign-in failed"},
		{"state checked before error", "state=evil&error=access_denied", "state mismatch", "Sign-in failed"},
		{"iss mismatch", "state=s1&iss=https://evil&code=abc", "RFC 9207", "Sign-in failed"},
		{"iss checked before error", "state=s1&error=access_denied", "RFC 9207", "Sign-in failed"},
		{"access denied", "state=s1&iss=https://op&error=access_denied&error_description=no", "access_denied", "denied"},
		{"no code", "state=s1&iss=https://op", "neither a code", "Sign-in failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lb, err := Listen("", 0, CallbackCheck{State: "s1", Issuer: "https://op"})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(lb.RedirectURI, "http://127.0.0.1:") || !strings.HasSuffix(lb.RedirectURI, "/callback") {
				t.Fatalf("redirect URI %q", lb.RedirectURI)
			}
			// A favicon request does not end the flow.
			if code, _, _ := get(t, strings.Replace(lb.RedirectURI, "/callback", "/favicon.ico", 1)); code != 404 {
				t.Fatalf("favicon: %d, want 404", code)
			}
			type out struct {
				code string
				err  error
			}
			done := make(chan out, 1)
			go func() { c, err := lb.Wait(context.Background(), 5*time.Second); done <- out{c, err} }()
			status, body, hdr := get(t, lb.RedirectURI+"?"+tt.query)
			if !strings.Contains(body, tt.wantPage) {
				t.Errorf("page (%d) lacks %q: %s", status, tt.wantPage, body)
			}
			if !strings.Contains(hdr.Get("Content-Security-Policy"), "default-src 'none'") {
				t.Errorf("CSP header = %q", hdr.Get("Content-Security-Policy"))
			}
			if strings.Contains(body, "src=") || strings.Contains(body, "href=") || strings.Contains(body, "@import") {
				t.Errorf("page loads external assets: %s", body)
			}
			r := <-done
			if tt.wantErr == "" {
				if r.err != nil || r.code != "abc" {
					t.Fatalf("got %q, %v", r.code, r.err)
				}
			} else if r.err == nil || !strings.Contains(r.err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want %q", r.err, tt.wantErr)
			}
		})
	}
}

func TestOneCallbackOnly(t *testing.T) {
	lb, err := Listen("", 0, CallbackCheck{State: "s1"})
	if err != nil {
		t.Fatal(err)
	}
	defer lb.Close()
	if code, _, _ := get(t, lb.RedirectURI+"?state=s1&code=a"); code != 200 {
		t.Fatalf("first callback: %d", code)
	}
	if code, _, _ := get(t, lb.RedirectURI+"?state=s1&code=b"); code != 409 {
		t.Fatalf("second callback: %d, want 409", code)
	}
	if c, err := lb.Wait(context.Background(), time.Second); err != nil || c != "a" {
		t.Fatalf("Wait = %q, %v; want the first code", c, err)
	}
}

func TestCancelFreesPort(t *testing.T) {
	lb, err := Listen("127.0.0.1", 0, CallbackCheck{State: "s"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go cancel()
	if _, err := lb.Wait(ctx, time.Minute); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	ln, err := net.Listen("tcp", lb.Addr)
	if err != nil {
		t.Fatalf("port still busy after cancel: %v", err)
	}
	ln.Close()
}

func TestTimeout(t *testing.T) {
	lb, err := Listen("localhost", 0, CallbackCheck{State: "s"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(lb.RedirectURI, "http://localhost:") {
		t.Fatalf("redirect URI %q", lb.RedirectURI)
	}
	// localhost answers on both loopbacks, whichever the browser picks.
	port := lb.RedirectURI[len("http://localhost:"):strings.LastIndex(lb.RedirectURI, "/")]
	for _, h := range []string{"127.0.0.1", "[::1]"} {
		if resp, err := http.Get("http://" + h + ":" + port + "/favicon.ico"); err == nil {
			resp.Body.Close()
		} else if h == "127.0.0.1" {
			t.Fatalf("%s: %v", h, err)
		}
	}
	if _, err := lb.Wait(context.Background(), 50*time.Millisecond); err == nil || !strings.Contains(err.Error(), "--timeout") {
		t.Fatalf("err = %v", err)
	}
}

func TestListenRefusesNonLoopback(t *testing.T) {
	if _, err := Listen("0.0.0.0", 0, CallbackCheck{}); err == nil {
		t.Fatal("listened on all interfaces")
	}
}

func TestCallbackPageEscapesTheProvidersWords(t *testing.T) {
	lb, err := Listen("", 0, CallbackCheck{State: "s"})
	if err != nil {
		t.Fatal(err)
	}
	defer lb.Close()
	_, body, _ := get(t, lb.RedirectURI+"?state=s&error=access_denied&error_description="+url.QueryEscape(`<script>alert(1)</script>`))
	if strings.Contains(body, "<script>") || !strings.Contains(body, "&lt;script&gt;") {
		t.Fatalf("the error description is not escaped:\n%s", body)
	}
}

func TestIPv6Loopback(t *testing.T) {
	lb, err := Listen("[::1]", 0, CallbackCheck{State: "s"})
	if err != nil {
		t.Skipf("SKIP: no IPv6 loopback on this machine: %v", err)
	}
	defer lb.Close()
	if !strings.HasPrefix(lb.RedirectURI, "http://[::1]:") {
		t.Fatalf("redirect URI %q", lb.RedirectURI)
	}
	if code, _, _ := get(t, lb.RedirectURI+"?state=s&code=c"); code != 200 {
		t.Fatalf("callback over IPv6: %d", code)
	}
}
