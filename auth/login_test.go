package auth

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// browseTo is a browser that follows the redirect to the loopback and
// hands back the page it ends on.
func browseTo(pages chan<- string) func(string) error {
	return func(u string) error {
		go func() {
			resp, err := http.Get(u)
			if err != nil {
				pages <- "error: " + err.Error()
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			pages <- fmt.Sprintf("%d %s", resp.StatusCode, b)
		}()
		return nil
	}
}

// steps records progress steps.
type steps struct {
	mu   sync.Mutex
	list []Step
}

func (s *steps) add(st Step) { s.mu.Lock(); s.list = append(s.list, st); s.mu.Unlock() }

func (s *steps) kind(k StepKind) []Step {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Step
	for _, st := range s.list {
		if st.Kind == k {
			out = append(out, st)
		}
	}
	return out
}

// The browser page is answered once the tokens are verified, so it can say
// truthfully whether the sign-in worked, with whom, or why not.
func TestBrowserPageTellsTheOutcome(t *testing.T) {
	for _, tt := range []struct {
		name     string
		setup    func(f *fakeOP)
		wantErr  string
		wantPage []string
	}{
		{"signed in", nil, "", []string{"200 ", "Signed in to ", " as Ada."}},
		{"ID token fails verification", func(f *fakeOP) {
			f.idToken = func(f *fakeOP, nonce string) string { return f.good("another sign-in") }
		}, "nonce", []string{"400 ", "Sign-in failed", "nonce does not match"}},
		{"token endpoint refuses", func(f *fakeOP) {
			mux := http.NewServeMux()
			mux.Handle("/", f.srv.Config.Handler)
			mux.HandleFunc("/token", func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(400)
				json.NewEncoder(w).Encode(map[string]string{"error": "invalid_grant", "error_description": "<b>code used twice</b>"})
			})
			f.srv.Config.Handler = mux
		}, "invalid_grant", []string{"400 ", "Sign-in failed", "invalid_grant: &lt;b&gt;code used twice&lt;/b&gt;"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeOP(t)
			if tt.setup != nil {
				tt.setup(f)
			}
			pages := make(chan string, 1)
			_, err := f.provider(t).Login(t.Context(), LoginOptions{OpenBrowser: browseTo(pages), Timeout: 30 * time.Second})
			if (err == nil) != (tt.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
			page := <-pages
			for _, want := range tt.wantPage {
				if !strings.Contains(page, want) {
					t.Errorf("the page lacks %q:\n%s", want, page)
				}
			}
			if strings.Contains(page, "<b>") {
				t.Errorf("the provider's words became markup:\n%s", page)
			}
		})
	}
}

// remoteBrowser signs in on "another machine": it follows the provider's
// pages but cannot reach the loopback, so it hands the redirect URL to
// paste, which writes what a person pastes.
func remoteBrowser(t *testing.T, paste func(redirect *url.URL)) func(string) error {
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return func(u string) error {
		go func() {
			resp, err := c.Get(u)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			loc, err := resp.Location()
			if err != nil {
				t.Error(err)
				return
			}
			paste(loc)
		}()
		return nil
	}
}

func TestPasteFallback(t *testing.T) {
	for _, tt := range []struct {
		name     string
		issParam string
		lines    func(loc *url.URL) []string
		rejected int
		wantErr  error
	}{
		{"the redirect URL", "", func(loc *url.URL) []string { return []string{loc.String()} }, 0, nil},
		{"the bare code", "", func(loc *url.URL) []string { return []string{"  " + loc.Query().Get("code") + "\r"} }, 0, nil},
		{"the query only", "", func(loc *url.URL) []string { return []string{"?" + loc.RawQuery} }, 0, nil},
		{"bad pastes, then the URL", "", func(loc *url.URL) []string {
			wrongState, foreign := *loc, *loc
			q := loc.Query()
			q.Set("state", "evil")
			wrongState.RawQuery = q.Encode()
			foreign.Host = "evil.example:" + loc.Port()
			return []string{"", "garbage!!", wrongState.String(), foreign.String(), "code=c0de",
				loc.String() + "&state=again", strings.Repeat("a", 20000), "\x1b]0;title\x07", loc.String()}
		}, 7, nil},
		{"a URL from another issuer", "https://evil.example", func(loc *url.URL) []string { return []string{loc.String()} }, 0, ErrIssuerMismatch},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeOP(t)
			if tt.issParam != "" {
				f.issParam = &tt.issParam
			}
			pr, pw := io.Pipe()
			defer pw.Close()
			var got steps
			browser := remoteBrowser(t, func(loc *url.URL) {
				for _, l := range tt.lines(loc) {
					if _, err := io.WriteString(pw, l+"\n"); err != nil {
						return
					}
				}
			})
			res, err := f.provider(t).Login(t.Context(), LoginOptions{OpenBrowser: browser, Paste: pr, Progress: got.add, Timeout: 30 * time.Second})
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil || res.Identity.Subject != "u1" {
				t.Fatalf("sign-in by paste: %v", err)
			}
			if w := got.kind(StepWaiting); len(w) != 1 || !w[0].Paste {
				t.Errorf("the front end was not told to offer the paste prompt: %+v", w)
			}
			if cb := got.kind(StepCallback); len(cb) != 1 || !strings.Contains(cb[0].Detail, "pasted") {
				t.Errorf("callback step %+v", cb)
			}
			rej := got.kind(StepPasteRejected)
			if len(rej) != tt.rejected {
				t.Errorf("%d pastes rejected, want %d: %+v", len(rej), tt.rejected, rej)
			}
			for _, r := range rej {
				if strings.ContainsAny(r.Detail, "\n\x1b") || len(r.Detail) > 200 || !strings.Contains(r.Detail, ErrBadPaste.Error()) {
					t.Errorf("a rejection is not one plain line: %q", r.Detail)
				}
			}
		})
	}
}

// Discovery from the disk cache says nothing about whether the provider is
// up: latch asks it before opening the browser, and fails fast when it is down.
func TestCachedProviderDownFailsFast(t *testing.T) {
	hang, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer hang.Close()
	go func() { // accepts and never answers
		for {
			c, err := hang.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() })
		}
	}()
	defer func(d time.Duration) { probeTimeout = d }(probeTimeout)
	probeTimeout = 200 * time.Millisecond
	for _, tt := range []struct {
		name string
		down func(f *fakeOP)
	}{
		{"connection refused", func(f *fakeOP) { f.srv.Close() }},
		{"no answer", func(f *fakeOP) {}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeOP(t)
			if tt.name == "no answer" {
				f.meta["authorization_endpoint"] = "http://" + hang.Addr().String() + "/auth"
			}
			p := cachedProvider(t, f)
			if tt.name == "no answer" {
				// The provider's host accepts connections and never answers.
				p.Config.Issuer = "http://" + hang.Addr().String()
			}
			tt.down(f)
			var got steps
			opened := false
			_, err := p.Login(t.Context(), LoginOptions{Progress: got.add, OpenBrowser: func(string) error { opened = true; return nil }})
			if !errors.Is(err, ErrProviderUnreachable) || opened {
				t.Fatalf("err = %v, browser opened %v", err, opened)
			}
			if d := got.kind(StepDiscovery); len(d) != 1 || !d[0].Cached {
				t.Errorf("discovery step %+v, want Cached", d)
			}
			if len(got.kind(StepListener)) != 0 {
				t.Error("the listener was started for a provider that is down")
			}
		})
	}
}

// Any HTTP answer means up: the authorization endpoint answers 400 to a
// bare GET, and the sign-in goes on.
func TestCachedProviderAnsweringAnErrorIsUp(t *testing.T) {
	p := cachedProvider(t, newFakeOP(t))
	if _, err := p.Login(t.Context(), LoginOptions{OpenBrowser: browse, Timeout: 30 * time.Second}); err != nil {
		t.Fatal(err)
	}
}

// cachedProvider discovers f twice, so the provider comes from the disk cache.
func cachedProvider(t *testing.T, f *fakeOP) *Provider {
	t.Helper()
	cfg := &Config{Issuer: f.srv.URL, ClientID: "cli", CacheDir: t.TempDir()}
	if _, err := Discover(t.Context(), cfg); err != nil {
		t.Fatal(err)
	}
	p, err := Discover(t.Context(), cfg)
	if err != nil || !p.FromCache {
		t.Fatalf("second discovery not from the cache: %v", err)
	}
	return p
}
