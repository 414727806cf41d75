package auth

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// DefaultHold is how long the browser's callback request is held open
// while latch exchanges the code and verifies the ID token, so the page can
// tell the truth. After it the page says to look at the terminal.
const DefaultHold = 60 * time.Second

// ErrSignInTimeout means no usable redirect (or paste) came back in time.
var ErrSignInTimeout = errors.New("no sign-in came back in time")

// Loopback is the redirect listener (RFC 8252). Exactly one request, at the
// exact callback path, with this sign-in's state and addressed to the
// loopback itself, is acted on; every other request is refused and the
// wait goes on.
type Loopback struct {
	// RedirectURI is built from the address actually bound.
	RedirectURI string
	// Addr is the bound address, for display.
	Addr string

	srv     *http.Server
	lns     []net.Listener
	rules   callbackRules
	hold    time.Duration
	results chan callbackResult

	mu        sync.Mutex
	taken     bool
	outcome   chan page
	closed    chan struct{}
	closeOnce sync.Once
}

// CallbackCheck is what a callback must carry to be acted on.
type CallbackCheck struct {
	State string
	// Issuer, when set, must equal an iss parameter whenever the redirect
	// carries one (RFC 9207). A multi-tenant template ("{tenantid}")
	// matches with any tenant id put in.
	Issuer string
	// RequireIssuer refuses a redirect without iss (discovery advertised
	// authorization_response_iss_parameter_supported).
	RequireIssuer bool
}

// Where a callback came from.
const (
	fromRedirect = "redirect"
	fromPaste    = "paste"
)

type callbackResult struct {
	code, source string
	err          error
}

// Listen binds the loopback redirect listener. host is 127.0.0.1 (default),
// localhost (bound on 127.0.0.1, and ::1 when there is one) or [::1]; port
// 0 picks a free one.
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
		return nil, fmt.Errorf("cannot listen for the redirect on %s port %d: %w", host, port, err)
	}
	bound := ln.Addr().(*net.TCPAddr).Port
	l := &Loopback{
		RedirectURI: "http://" + net.JoinHostPort(trimBrackets(host), strconv.Itoa(bound)) + CallbackPath,
		Addr:        ln.Addr().String(),
		rules:       newCallbackRules(check, bound),
		hold:        DefaultHold,
		results:     make(chan callbackResult, 1),
		outcome:     make(chan page, 1),
		closed:      make(chan struct{}),
		lns:         []net.Listener{ln},
	}
	// A browser may resolve localhost to ::1 first: listen there too, on
	// the same port, when the machine has IPv6 loopback.
	if host == "localhost" {
		if ln6, err := net.Listen("tcp", net.JoinHostPort("::1", strconv.Itoa(bound))); err == nil {
			l.lns = append(l.lns, ln6)
		}
	}
	l.srv = &http.Server{
		Handler:           http.HandlerFunc(l.serve),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       10 * time.Second,
		IdleTimeout:       30 * time.Second,
		MaxHeaderBytes:    16 << 10,
	}
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

// Wait blocks until a callback is acted on, ctx ends, or timeout passes.
// On an error it shuts the listener down so the port is free when it
// returns; on a code the browser's request is held until Close (or the
// sign-in's outcome, inside Login), so call Close when done.
func (l *Loopback) Wait(ctx context.Context, timeout time.Duration) (string, error) {
	r, err := l.wait(ctx, timeout)
	if err == nil {
		err = r.err
	}
	if err != nil {
		l.Close()
		return "", err
	}
	return r.code, nil
}

func (l *Loopback) wait(ctx context.Context, timeout time.Duration) (callbackResult, error) {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case r := <-l.results:
		return r, nil
	case <-t.C:
		return callbackResult{}, fmt.Errorf("%w (waited %s): run the sign-in again, or allow it more time", ErrSignInTimeout, timeout)
	case <-ctx.Done():
		return callbackResult{}, cancelledError{ctx.Err()}
	}
}

// Close releases a held browser request (its page then says to look at the
// terminal) and stops the listener, giving answers in flight a moment to
// finish. It is safe to call more than once.
func (l *Loopback) Close() {
	l.closeOnce.Do(func() {
		close(l.closed)
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if l.srv.Shutdown(ctx) != nil {
			l.srv.Close()
		}
		// Serve may not have started yet, in which case Shutdown does not
		// know the listeners: close them here so the port is free on return.
		for _, ln := range l.lns {
			ln.Close()
		}
	})
}

// take claims the one callback this sign-in acts on; false when another
// (a redirect or a paste) already has it.
func (l *Loopback) take(r callbackResult) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.taken {
		return false
	}
	l.taken = true
	l.results <- r
	return true
}

// offerPaste acts on a pasted redirect URL or code like on a request. A
// paste that is refused returns an error wrapping ErrBadPaste and the wait
// goes on.
func (l *Loopback) offerPaste(line string) error {
	v := l.rules.judgePaste(line)
	if v.status != 0 {
		if v.reason == "" {
			return nil
		}
		return fmt.Errorf("%w: %s", ErrBadPaste, v.reason)
	}
	if !l.take(callbackResult{code: v.code, err: v.err, source: fromPaste}) {
		return fmt.Errorf("%w: the sign-in already came back", ErrBadPaste)
	}
	return nil
}

// respond gives the held browser request its page. Only the first call counts.
func (l *Loopback) respond(p page) {
	select {
	case l.outcome <- p:
	default:
	}
}

func (l *Loopback) serve(w http.ResponseWriter, r *http.Request) {
	v := l.rules.judgeRequest(r.Method, r.Host, r.RequestURI, r.URL)
	if v.status != 0 {
		if v.status == http.StatusMethodNotAllowed {
			w.Header().Set("Allow", http.MethodGet)
		}
		writePage(w, v.status, refusedPage(v.reason))
		return
	}
	if !l.take(callbackResult{code: v.code, err: v.err, source: fromRedirect}) {
		writePage(w, http.StatusConflict, pageHandled)
		return
	}
	if v.err != nil {
		writePage(w, http.StatusBadRequest, failedPage(v.err))
		return
	}
	p := l.awaitOutcome()
	status := http.StatusOK
	if !p.OK && p != pageSeeTerminal {
		status = http.StatusBadRequest
	}
	writePage(w, status, p)
}

// awaitOutcome holds the browser's request until the sign-in has an
// outcome, the listener closes, or the hold time passes.
func (l *Loopback) awaitOutcome() page {
	t := time.NewTimer(l.hold)
	defer t.Stop()
	select {
	case p := <-l.outcome:
		return p
	case <-l.closed:
		select {
		case p := <-l.outcome:
			return p
		default:
			return pageSeeTerminal
		}
	case <-t.C:
		return pageSeeTerminal
	}
}

// cancelledError says the sign-in was cancelled and unwraps to ctx.Err().
type cancelledError struct{ cause error }

func (e cancelledError) Error() string { return "sign-in cancelled" }
func (e cancelledError) Unwrap() error { return e.cause }
