package auth

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Bounds on what a callback may carry. A real redirect is well under them.
const (
	maxCallbackURI = 8 << 10
	maxPastedCode  = 2 << 10
)

// ErrStateMismatch means the redirect did not come from the sign-in latch started.
var ErrStateMismatch = errors.New("the browser returned a sign-in latch did not start (state mismatch)")

// ErrNoCode means the redirect had the right state but neither a code nor an error.
var ErrNoCode = errors.New("the redirect carried neither a code nor an error")

// onlyOnce are the parameters a redirect must not repeat: with two values,
// which one a check saw and which one was used could differ.
var onlyOnce = []string{"code", "state", "iss", "error", "error_description", "error_uri"}

// callbackRules decide what to do with a request or a pasted redirect.
type callbackRules struct {
	state         string
	issuer        string // compared when the redirect carries iss
	requireIssuer bool
	hosts         []string // the Host values the browser may send
}

func newCallbackRules(c CallbackCheck, port int) callbackRules {
	p := strconv.Itoa(port)
	return callbackRules{
		state: c.State, issuer: c.Issuer, requireIssuer: c.RequireIssuer,
		hosts: []string{"127.0.0.1:" + p, "[::1]:" + p, "localhost:" + p},
	}
}

// verdict is what a request gets. A refusal (status != 0) leaves the wait
// going; otherwise the request is acted on: code or err is the outcome.
type verdict struct {
	status int
	reason string
	code   string
	err    error
}

func refuse(status int, reason string) verdict { return verdict{status: status, reason: reason} }

// judgeRequest checks a request on the loopback: size, path, method, Host,
// then the parameters.
func (c callbackRules) judgeRequest(method, host, requestURI string, u *url.URL) verdict {
	switch {
	case len(requestURI) > maxCallbackURI:
		return refuse(http.StatusRequestURITooLong, "The request is too long.")
	case u.Path != CallbackPath || u.RawPath != "":
		return refuse(http.StatusNotFound, "Nothing here.")
	case method != http.MethodGet:
		return refuse(http.StatusMethodNotAllowed, "Only GET is answered here.")
	case !c.hostAllowed(host):
		return refuse(http.StatusMisdirectedRequest, "This listener answers only requests addressed to this machine's loopback.")
	}
	return c.judgeParams(u.RawQuery)
}

func (c callbackRules) hostAllowed(host string) bool {
	for _, h := range c.hosts {
		if host == h {
			return true
		}
	}
	return false
}

// judgeParams checks the redirect's parameters: well formed and not
// repeated, then state (refused: the wait goes on), then iss, then error,
// then code (acted on).
func (c callbackRules) judgeParams(rawQuery string) verdict {
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return refuse(http.StatusBadRequest, "The parameters are malformed.")
	}
	for _, k := range onlyOnce {
		if len(q[k]) > 1 {
			return refuse(http.StatusBadRequest, "A parameter is repeated.")
		}
	}
	if s, ok := q["state"]; !ok || subtle.ConstantTimeCompare([]byte(s[0]), []byte(c.state)) != 1 {
		return refuse(http.StatusBadRequest, "This is not the sign-in latch is waiting for.")
	}
	if err := c.checkIssuer(q); err != nil {
		return verdict{err: err}
	}
	if e := q.Get("error"); e != "" {
		return verdict{err: &ProviderError{Code: e, Description: q.Get("error_description"), URI: q.Get("error_uri")}}
	}
	code := q.Get("code")
	if code == "" {
		return verdict{err: ErrNoCode}
	}
	return verdict{code: code}
}

// checkIssuer applies RFC 9207: an iss on the redirect must name this
// provider whether or not discovery advertised the parameter, and one must
// be there when it did.
func (c callbackRules) checkIssuer(q url.Values) error {
	iss, ok := q["iss"]
	switch {
	case !ok && c.requireIssuer:
		return fmt.Errorf("%w: the provider promised an iss parameter (RFC 9207) and the redirect has none", ErrIssuerMismatch)
	case !ok || c.issuer == "":
		return nil
	case !issuerMatches(c.issuer, iss[0]):
		return fmt.Errorf("%w: the redirect names issuer %q, not %q (RFC 9207 mix-up defence)", ErrIssuerMismatch, iss[0], c.issuer)
	}
	return nil
}

// issuerMatches compares an iss parameter with the discovery issuer by
// string equality. A multi-tenant template ("{tenantid}") matches with any
// tenant id put in; the ID token's issuer is then checked against its tid.
func issuerMatches(want, got string) bool {
	before, after, template := strings.Cut(want, TenantTemplate)
	if !template {
		return got == want
	}
	if len(got) <= len(before)+len(after) || !strings.HasPrefix(got, before) || !strings.HasSuffix(got, after) {
		return false
	}
	return isTenantID(got[len(before) : len(got)-len(after)])
}

func isTenantID(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.') {
			return false
		}
	}
	return s != ""
}

// ErrBadPaste means a pasted line was neither the redirect URL of this
// sign-in nor an authorization code. The wait goes on.
var ErrBadPaste = errors.New("that is not the redirect URL of this sign-in")

// judgePaste checks what a person pasted: the whole redirect URL (same
// checks as the loopback, Host included), its query, or the bare code. A
// bare code carries no state or iss to check; PKCE still binds it to this
// sign-in, since only latch has the verifier.
func (c callbackRules) judgePaste(line string) verdict {
	line = strings.TrimSpace(line)
	switch {
	case line == "":
		return refuse(http.StatusBadRequest, "")
	case strings.Contains(line, "://"):
		u, err := url.Parse(line)
		if err != nil || len(line) > maxCallbackURI || u.Scheme != "http" {
			return refuse(http.StatusBadRequest, "not an http://127.0.0.1 redirect URL")
		}
		if u.Path != CallbackPath || u.RawPath != "" || !c.hostAllowed(u.Host) {
			return refuse(http.StatusBadRequest, "the URL is not this sign-in's loopback redirect")
		}
		return c.judgeParams(u.RawQuery)
	case strings.ContainsAny(line, "?=&"):
		if len(line) > maxCallbackURI {
			return refuse(http.StatusBadRequest, "too long")
		}
		return c.judgeParams(strings.TrimPrefix(line, "?"))
	case len(line) > maxPastedCode || !isCode(line):
		return refuse(http.StatusBadRequest, "not a URL and not a code")
	}
	return verdict{code: line}
}

// isCode accepts the URL-safe characters authorization codes are made of.
func isCode(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-._~+/", r)) {
			return false
		}
	}
	return true
}
