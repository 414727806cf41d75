package auth

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
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

// raw sends one request line and Host header as written, the way a hostile
// local process or a rebinding web page can.
func raw(t *testing.T, addr, method, target, host string) (int, string) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	req := method + " " + target + " HTTP/1.1\r\nConnection: close\r\n"
	if host != "" {
		req += "Host: " + host + "\r\n"
	}
	if _, err := io.WriteString(c, req+"\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("%s %.60s (Host %q): %v", method, target, host, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

type waited struct {
	code string
	err  error
}

func listen(t *testing.T, host string, check CallbackCheck) (*Loopback, string, <-chan waited) {
	t.Helper()
	lb, err := Listen(host, 0, check)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(lb.Close)
	done := make(chan waited, 1)
	go func() { c, err := lb.Wait(context.Background(), time.Minute); done <- waited{c, err} }()
	port := strconv.Itoa(lb.lns[0].Addr().(*net.TCPAddr).Port)
	return lb, port, done
}

// Requests the listener must refuse without ending the sign-in: after all of
// them the real redirect still completes it.
func TestHostileRequestsKeepTheSignInWaiting(t *testing.T) {
	lb, port, done := listen(t, "", CallbackCheck{State: "s1", Issuer: "https://op"})
	good := "/callback?state=s1&iss=https%3A%2F%2Fop&code=abc"
	self := "127.0.0.1:" + port
	for _, tt := range []struct {
		name, method, target, host string
		want                       int
	}{
		{"favicon", "GET", "/favicon.ico", self, 404},
		{"root", "GET", "/", self, 404},
		{"trailing slash", "GET", "/callback/?state=s1&code=x", self, 404},
		{"encoded path", "GET", "/%63allback?state=s1&code=x", self, 404},
		{"double slash", "GET", "//callback?state=s1&code=x", self, 404},
		{"wrong state", "GET", "/callback?state=evil&code=x", self, 400},
		{"missing state", "GET", "/callback?code=x", self, 400},
		{"empty state", "GET", "/callback?state=&code=x", self, 400},
		{"wrong state with error", "GET", "/callback?state=evil&error=access_denied", self, 400},
		{"repeated state", "GET", "/callback?state=s1&state=s1&code=x", self, 400},
		{"repeated code", "GET", "/callback?state=s1&code=x&code=y", self, 400},
		{"repeated iss", "GET", "/callback?state=s1&iss=https%3A%2F%2Fop&iss=https%3A%2F%2Fop&code=x", self, 400},
		{"repeated error", "GET", "/callback?state=s1&error=a&error=b", self, 400},
		{"malformed query", "GET", "/callback?state=s1&code=%zz", self, 400},
		{"POST", "POST", good, self, 405},
		{"HEAD", "HEAD", good, self, 405},
		{"foreign Host (DNS rebinding)", "GET", good, "evil.example:" + port, 421},
		{"foreign Host without port", "GET", good, "evil.example", 421},
		{"loopback Host, other port", "GET", good, "127.0.0.1:1", 421},
		{"loopback Host without port", "GET", good, "127.0.0.1", 421},
		{"localhost lookalike", "GET", good, "localhost.evil.example:" + port, 421},
		{"absolute-form to another host", "GET", "http://evil.example:" + port + good, self, 421},
		{"URI too long", "GET", good + "&pad=" + strings.Repeat("a", maxCallbackURI), self, 414},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got, body := raw(t, lb.Addr, tt.method, tt.target, tt.host); got != tt.want {
				t.Errorf("status %d, want %d: %.200s", got, tt.want, body)
			}
			select {
			case w := <-done:
				t.Fatalf("the sign-in ended on a hostile request: %q %v", w.code, w.err)
			default:
			}
		})
	}
	shown := make(chan string, 1)
	go func() {
		// The Host a browser sends for a localhost redirect.
		req, _ := http.NewRequest("GET", "http://"+lb.Addr+good, nil)
		req.Host = "localhost:" + port
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			shown <- err.Error()
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		shown <- string(b)
	}()
	if w := <-done; w.err != nil || w.code != "abc" {
		t.Fatalf("the real redirect after the hostile ones: %q, %v", w.code, w.err)
	}
	lb.respond(page{OK: true, Title: "Signed in", Message: "Signed in to https://op as Ada."})
	if body := <-shown; !strings.Contains(body, "Signed in to https://op as Ada.") {
		t.Fatalf("the browser did not get the outcome: %s", body)
	}
}

// Requests with this sign-in's state are acted on: they end the wait with a
// code or with an error the person is shown in the browser at once.
func TestCallbackActedOn(t *testing.T) {
	tests := []struct {
		name, query string
		require     bool
		wantErr     error
		wantPage    string
	}{
		{"iss mismatch", "state=s1&iss=https://evil&code=abc", false, ErrIssuerMismatch, "RFC 9207"},
		{"iss checked before error", "state=s1&iss=https://evil&error=access_denied", false, ErrIssuerMismatch, "RFC 9207"},
		{"iss required and missing", "state=s1&error=access_denied", true, ErrIssuerMismatch, "promised an iss"},
		{"iss empty", "state=s1&iss=&code=abc", false, ErrIssuerMismatch, "RFC 9207"},
		{"access denied", "state=s1&iss=https://op&error=access_denied&error_description=no", true, nil, "denied"},
		{"no code", "state=s1&iss=https://op", true, ErrNoCode, "neither a code"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lb, _, done := listen(t, "", CallbackCheck{State: "s1", Issuer: "https://op", RequireIssuer: tt.require})
			status, body, hdr := get(t, lb.RedirectURI+"?"+tt.query)
			if status != 400 || !strings.Contains(body, "Sign-in failed") || !strings.Contains(body, tt.wantPage) {
				t.Errorf("page (%d) lacks %q: %s", status, tt.wantPage, body)
			}
			if !strings.Contains(hdr.Get("Content-Security-Policy"), "default-src 'none'") {
				t.Errorf("CSP header = %q", hdr.Get("Content-Security-Policy"))
			}
			w := <-done
			var pe *ProviderError
			switch {
			case tt.wantErr != nil && !errors.Is(w.err, tt.wantErr):
				t.Fatalf("err = %v, want %v", w.err, tt.wantErr)
			case tt.wantErr == nil && !errors.As(w.err, &pe):
				t.Fatalf("err = %v, want a *ProviderError", w.err)
			}
		})
	}
}

// RFC 9207 when discovery does not advertise it: an iss that is there is
// still compared; one that is not there is fine.
func TestIssuerComparedWheneverPresent(t *testing.T) {
	rules := newCallbackRules(CallbackCheck{State: "s", Issuer: "https://op/oidc"}, 1)
	for _, tt := range []struct {
		query string
		ok    bool
	}{
		{"state=s&code=c", true},
		{"state=s&code=c&iss=https%3A%2F%2Fop%2Foidc", true},
		{"state=s&code=c&iss=https%3A%2F%2Fop%2Foidc%2F", false},
		{"state=s&code=c&iss=https%3A%2F%2FOP%2Foidc", false},
		{"state=s&code=c&iss=https%3A%2F%2Fevil%2Foidc", false},
	} {
		v := rules.judgeParams(tt.query)
		if v.status != 0 || (v.err == nil) != tt.ok {
			t.Errorf("%s: %+v, want ok=%v", tt.query, v, tt.ok)
		}
	}
}

func TestMultiTenantIssuerTemplate(t *testing.T) {
	const tpl = "https://login.microsoftonline.com/{tenantid}/v2.0"
	for _, tt := range []struct {
		got string
		ok  bool
	}{
		{"https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0", true},
		{"https://login.microsoftonline.com//v2.0", false},
		{"https://login.microsoftonline.com/a/b/v2.0", false},
		{"https://login.microsoftonline.com/{tenantid}/v2.0x", false},
		{"https://evil.example/9188040d/v2.0", false},
		{"https://login.microsoftonline.com/x?/v2.0", false},
	} {
		if got := issuerMatches(tpl, tt.got); got != tt.ok {
			t.Errorf("issuerMatches(%q) = %v, want %v", tt.got, got, tt.ok)
		}
	}
}

func TestOneCallbackOnly(t *testing.T) {
	lb, _, done := listen(t, "", CallbackCheck{State: "s1"})
	first := make(chan int, 1)
	go func() { code, _, _ := get(t, lb.RedirectURI+"?state=s1&code=a"); first <- code }()
	if w := <-done; w.err != nil || w.code != "a" {
		t.Fatalf("Wait = %q, %v; want the first code", w.code, w.err)
	}
	if code, body, _ := get(t, lb.RedirectURI+"?state=s1&code=b"); code != 409 || !strings.Contains(body, "Already handled") {
		t.Fatalf("second callback: %d, want 409", code)
	}
	lb.Close()
	// Closed before an outcome: the held page sends the person to the terminal.
	if code := <-first; code != 200 {
		t.Fatalf("first callback: %d", code)
	}
}

func TestHeldPageSendsToTheTerminalAfterTheHold(t *testing.T) {
	lb, _, done := listen(t, "", CallbackCheck{State: "s1"})
	lb.hold = time.Millisecond
	_, body, _ := get(t, lb.RedirectURI+"?state=s1&code=a")
	if !strings.Contains(body, "see the terminal") {
		t.Fatalf("page after the hold: %s", body)
	}
	if w := <-done; w.code != "a" {
		t.Fatalf("Wait = %q, %v", w.code, w.err)
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
	if _, err := lb.Wait(context.Background(), 50*time.Millisecond); !errors.Is(err, ErrSignInTimeout) || strings.Contains(err.Error(), "--") {
		t.Fatalf("err = %v", err)
	}
}

func TestListenRefusesNonLoopback(t *testing.T) {
	if _, err := Listen("0.0.0.0", 0, CallbackCheck{}); err == nil {
		t.Fatal("listened on all interfaces")
	}
}

func TestCallbackPageEscapesTheProvidersWords(t *testing.T) {
	lb, _, _ := listen(t, "", CallbackCheck{State: "s"})
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
	lb.hold = time.Millisecond
	if !strings.HasPrefix(lb.RedirectURI, "http://[::1]:") {
		t.Fatalf("redirect URI %q", lb.RedirectURI)
	}
	if code, _, _ := get(t, lb.RedirectURI+"?state=s&code=c"); code != 200 {
		t.Fatalf("callback over IPv6: %d", code)
	}
	if c, err := lb.Wait(context.Background(), time.Minute); c != "c" {
		t.Fatal(fmt.Sprint(c, err))
	}
}
