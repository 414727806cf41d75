package auth

import (
	"context"
	"crypto/subtle"
	_ "embed"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

//go:embed callback.html
var callbackHTML string

// callbackCSP lets the page show its own inline style and nothing else.
const callbackCSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'"

// ErrStateMismatch means the redirect did not come from the sign-in latch started.
var ErrStateMismatch = errors.New("the browser returned a sign-in latch did not start (state mismatch): run the sign-in again")

// Loopback is the redirect listener: one callback, then it shuts down.
type Loopback struct {
	// RedirectURI is built from the address actually bound.
	RedirectURI string
	// Addr is the bound address, for display.
	Addr string

	srv     *http.Server
	lns     []net.Listener
	results chan callbackResult
	once    sync.Once
	expect  CallbackCheck
}

// CallbackCheck is what a callback must carry to be acted on.
type CallbackCheck struct {
	State string
	// Issuer, when set, must equal the iss parameter (RFC 9207).
	Issuer string
}

type callbackResult struct {
	code string
	err  error
}

// Listen binds the loopback redirect listener. host is 127.0.0.1 (default),
// localhost (bound on 127.0.0.1) or [::1]; port 0 picks a free one.
func Listen(host string, port int, check CallbackCheck) (*Loopback, error) {
	if host == "" {
		host = DefaultRedirectHost
	}
	bindHost := host
	switch host {
	case "127.0.0.1", "[::1]":
	case "localhost":
		bindHost = "127.0.0.1"
	default:
		return nil, fmt.Errorf("redirect host %q is not a loopback address: use 127.0.0.1, localhost or [::1]", host)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(trimBrackets(bindHost), strconv.Itoa(port)))
	if err != nil {
		return nil, fmt.Errorf("cannot listen for the redirect on %s port %d (%w): pick another with --redirect-port", host, port, err)
	}
	bound := ln.Addr().(*net.TCPAddr).Port
	l := &Loopback{
		RedirectURI: "http://" + net.JoinHostPort(trimBrackets(host), strconv.Itoa(bound)) + CallbackPath,
		Addr:        ln.Addr().String(),
		results:     make(chan callbackResult, 1),
		expect:      check,
		lns:         []net.Listener{ln},
	}
	// A browser may resolve localhost to ::1 first: listen there too, on
	// the same port, when the machine has IPv6 loopback.
	if host == "localhost" {
		if ln6, err := net.Listen("tcp", net.JoinHostPort("::1", strconv.Itoa(bound))); err == nil {
			l.lns = append(l.lns, ln6)
		}
	}
	l.srv = &http.Server{Handler: http.HandlerFunc(l.serve), ReadHeaderTimeout: 10 * time.Second}
	for _, ln := range l.lns {
		go l.srv.Serve(ln)
	}
	return l, nil
}

func trimBrackets(h string) string {
	if len(h) > 1 && h[0] == '[' && h[len(h)-1] == ']' {
		return h[1 : len(h)-1]
	}
	return h
}

// Wait blocks until the callback arrives, ctx ends, or timeout passes, then
// shuts the listener down so the port is free when it returns.
func (l *Loopback) Wait(ctx context.Context, timeout time.Duration) (string, error) {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	t := time.NewTimer(timeout)
	defer t.Stop()
	defer l.Close()
	select {
	case r := <-l.results:
		return r.code, r.err
	case <-t.C:
		return "", fmt.Errorf("no sign-in came back within %s: run the sign-in again (or raise --timeout)", timeout)
	case <-ctx.Done():
		return "", cancelledError{ctx.Err()}
	}
}

// Close stops the listener, giving an answer in flight a moment to finish.
func (l *Loopback) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if l.srv.Shutdown(ctx) != nil {
		l.srv.Close()
	}
	// Serve may not have started yet, in which case Shutdown does not know
	// the listeners: close them here so the port is free on return.
	for _, ln := range l.lns {
		ln.Close()
	}
}

func (l *Loopback) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != CallbackPath {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	acted := false
	l.once.Do(func() {
		acted = true
		code, err := l.check(r.URL.Query())
		l.results <- callbackResult{code: code, err: err}
		if err != nil {
			writePage(w, http.StatusBadRequest, page{Title: "Sign-in failed", Message: Explain(err), Detail: errDetail(err)})
			return
		}
		writePage(w, http.StatusOK, page{OK: true, Title: "Signed in", Message: "latch has your sign-in."})
	})
	if !acted {
		writePage(w, http.StatusConflict, page{Title: "Already handled", Message: "This sign-in was already completed or refused."})
	}
}

// check applies the callback checks in order: state, iss, error, code.
func (l *Loopback) check(q url.Values) (string, error) {
	if subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(l.expect.State)) != 1 {
		return "", ErrStateMismatch
	}
	if l.expect.Issuer != "" && q.Get("iss") != l.expect.Issuer {
		return "", fmt.Errorf("the redirect names issuer %q, not %q (RFC 9207 mix-up defence): run the sign-in again", q.Get("iss"), l.expect.Issuer)
	}
	if e := q.Get("error"); e != "" {
		return "", &ProviderError{Code: e, Description: q.Get("error_description"), URI: q.Get("error_uri")}
	}
	code := q.Get("code")
	if code == "" {
		return "", errors.New("the redirect carried neither a code nor an error: run the sign-in again")
	}
	return code, nil
}

type page struct {
	OK                     bool
	Title, Message, Detail string
}

func writePage(w http.ResponseWriter, status int, p page) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", callbackCSP)
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	io.WriteString(w, p.render())
}

// render fills the page; every value is HTML-escaped (the provider's error
// description included). html/template is not used: its init would cost
// every latch start, latch token included.
func (p page) render() string {
	class, detail := "fail", ""
	if p.OK {
		class = "ok"
	}
	if p.Detail != "" {
		detail = "<p><code>" + html.EscapeString(p.Detail) + "</code></p>"
	}
	return strings.NewReplacer("{{title}}", html.EscapeString(p.Title), "{{class}}", class,
		"{{message}}", html.EscapeString(p.Message), "{{detail}}", detail).Replace(callbackHTML)
}

func errDetail(err error) string {
	var pe *ProviderError
	if errors.As(err, &pe) {
		if pe.Description != "" {
			return pe.Code + ": " + pe.Description
		}
		return pe.Code
	}
	return ""
}

// cancelledError says the sign-in was cancelled and unwraps to ctx.Err().
type cancelledError struct{ cause error }

func (e cancelledError) Error() string { return "sign-in cancelled" }
func (e cancelledError) Unwrap() error { return e.cause }
