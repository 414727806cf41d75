package auth

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// isSecretParam reports parameter and JSON member names whose values are
// never written to a trace: codes, verifiers, tokens, device codes, client
// credentials.
func isSecretParam(name string) bool {
	switch strings.ToLower(name) {
	case "code", "code_verifier", "access_token", "refresh_token", "id_token", "id_token_hint",
		"device_code", "user_code", "client_secret", "client_assertion", "assertion", "token",
		"subject_token", "actor_token", "logout_token", "password":
		return true
	}
	return false
}

const (
	redacted = "[redacted]"
	// traceBodyLimit bounds the error body copied into a trace entry.
	traceBodyLimit = 2048
)

// traceTransport writes one entry per request; see NewTraceTransport.
type traceTransport struct {
	next http.RoundTripper
	mu   *sync.Mutex
	w    io.Writer
}

// NewTraceTransport wraps next (nil: http.DefaultTransport) so that every
// request is written to w: method, URL, form body, status, duration, and the
// body of a non-2xx answer. Codes, verifiers, tokens, device codes, client
// secrets are redacted in the query, form bodies and JSON bodies; headers
// (Authorization, Cookie) are never written. Successful bodies are never
// written: they hold tokens.
func NewTraceTransport(next http.RoundTripper, w io.Writer) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return &traceTransport{next: next, mu: &sync.Mutex{}, w: w}
}

func (t *traceTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	var form string
	if req.GetBody != nil && req.Method == http.MethodPost {
		if body, err := req.GetBody(); err == nil {
			b, _ := io.ReadAll(io.LimitReader(body, maxBody))
			body.Close()
			form = redactForm(string(b))
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "latch: %s %s", req.Method, RedactURL(req.URL.String()))
	if form != "" {
		fmt.Fprintf(&b, " body=%s", form)
	}
	resp, err := t.next.RoundTrip(req)
	took := time.Since(start).Round(time.Millisecond)
	switch {
	case err != nil:
		fmt.Fprintf(&b, " -> error after %s: %v", took, err)
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		body, rerr := io.ReadAll(io.LimitReader(resp.Body, maxBody))
		resp.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(body), resp.Body), resp.Body}
		fmt.Fprintf(&b, " -> %s in %s: %s", resp.Status, took, redactBody(body))
		if rerr != nil {
			fmt.Fprintf(&b, " (body read failed: %v)", rerr)
		}
	default:
		fmt.Fprintf(&b, " -> %s in %s", resp.Status, took)
	}
	b.WriteByte('\n')
	t.mu.Lock()
	io.WriteString(t.w, b.String())
	t.mu.Unlock()
	return resp, err
}

// RedactURL returns u with the values of secret query parameters replaced
// and any user:password removed. An unparsable URL is replaced whole.
func RedactURL(u string) string {
	parsed, err := url.Parse(u)
	if err != nil {
		return redacted
	}
	if parsed.User != nil {
		parsed.User = url.User(redacted)
	}
	if parsed.RawQuery != "" {
		parsed.RawQuery = redactForm(parsed.RawQuery)
	}
	if parsed.Fragment != "" {
		parsed.Fragment = redactForm(parsed.Fragment)
	}
	return parsed.String()
}

// redactForm redacts a urlencoded string, keeping its parameter order.
func redactForm(s string) string {
	parts := strings.Split(s, "&")
	for i, p := range parts {
		k, _, hasValue := strings.Cut(p, "=")
		name, err := url.QueryUnescape(k)
		if err != nil || (hasValue && isSecretParam(name)) {
			parts[i] = k + "=" + redacted
		}
	}
	return strings.Join(parts, "&")
}

// redactBody makes an error body printable: JSON members with secret names
// are redacted, form bodies likewise, and the result is cut to a few KiB.
func redactBody(body []byte) string {
	var v any
	if json.Unmarshal(body, &v) == nil {
		if out, err := json.Marshal(redactJSON(v)); err == nil {
			body = out
		}
	} else if bytes.Contains(body, []byte("=")) && !bytes.ContainsAny(body, " <\n") {
		body = []byte(redactForm(string(body)))
	}
	s := strings.ToValidUTF8(string(body), "?")
	if len(s) > traceBodyLimit {
		s = s[:traceBodyLimit] + "..."
	}
	return strings.ReplaceAll(s, "\n", " ")
}

func redactJSON(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if isSecretParam(k) {
				x[k] = redacted
			} else {
				x[k] = redactJSON(e)
			}
		}
	case []any:
		for i, e := range x {
			x[i] = redactJSON(e)
		}
	}
	return v
}
