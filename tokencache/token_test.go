package tokencache

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/latchdev/latch/auth"
	"golang.org/x/oauth2"
)

// expiredSession stores a record whose default access token has expired
// and returns its index entry.
func expiredSession(t *testing.T, c *Cache, tag string) (*Record, *Entry) {
	t.Helper()
	r := bigRecord(tag)
	r.IDToken = "id-" + tag
	r.Access[0].Expiry = time.Now().Add(-time.Minute)
	if err := c.Save(t.Context(), "p", r); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Delete(context.Background(), r.Key) })
	x, err := c.Index()
	if err != nil {
		t.Fatal(err)
	}
	return r, x.Records[r.Key]
}

func rotated(n int) *auth.Tokens {
	return &auth.Tokens{AccessToken: "at-" + string(rune('0'+n)), RefreshToken: "rt-" + string(rune('0'+n)), IDToken: "id-new", Expiry: time.Now().Add(time.Hour)}
}

// writeAfter holds each keyring write until started is closed (or ten
// seconds pass) and records whether it was.
type writeAfter struct {
	*counting
	started chan struct{}
	waited  atomic.Bool
}

func (w *writeAfter) Set(ctx context.Context, k, v string) error {
	select {
	case <-w.started:
		w.waited.Store(true)
	case <-time.After(10 * time.Second):
	}
	return w.counting.Set(ctx, k, v)
}

func TestRefreshIsStoredWithOneWriteWhileVerificationRuns(t *testing.T) {
	c := realCache(t, 0)
	_, e := expiredSession(t, c, "v")
	w := &writeAfter{counting: &counting{Store: c.Store}, started: make(chan struct{})}
	cc := &Cache{Store: w, Dir: c.Dir}
	// The verification waits for the rotated refresh token to reach the
	// keyring, and the write for the verification to start: both happen
	// only if the store does not wait for the verification's verdict.
	var storedDuringVerify string
	at, _, err := cc.Token(t.Context(), TokenRequest{Entry: e, Verify: func(ctx context.Context, r *Record, _ *auth.Tokens) error {
		close(w.started)
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			if got, err := c.Load(ctx, r.Key); err == nil && got.RefreshToken == "rt-1" {
				storedDuringVerify = got.RefreshToken
				break
			}
		}
		return nil
	}}, func(context.Context, *Record, auth.Audience) (*auth.Tokens, error) { return rotated(1), nil })
	if err != nil || at.AccessToken != "at-1" {
		t.Fatalf("refresh: %v", err)
	}
	if !w.waited.Load() || storedDuringVerify != "rt-1" {
		t.Fatalf("write saw the verification under way: %v; while verification ran the keyring held refresh token %q, want the new one", w.waited.Load(), storedDuringVerify)
	}
	if w.gets != 1 || w.sets != 1 {
		t.Fatalf("a refresh made %d keyring reads and %d writes, want 1 and 1", w.gets, w.sets)
	}
}

func TestFailedVerificationKeepsTheNewRefreshTokenOnly(t *testing.T) {
	c := realCache(t, 0)
	old, e := expiredSession(t, c, "vf")
	errBadSig := errors.New("bad signature")
	_, _, err := c.Token(t.Context(), TokenRequest{Entry: e, Verify: func(context.Context, *Record, *auth.Tokens) error { return errBadSig }},
		func(context.Context, *Record, auth.Audience) (*auth.Tokens, error) { return rotated(2), nil })
	if !errors.Is(err, errBadSig) {
		t.Fatalf("failed verification: %v", err)
	}
	got, err := c.Load(t.Context(), old.Key)
	if err != nil {
		t.Fatal(err)
	}
	if got.RefreshToken != "rt-2" || got.IDToken != old.IDToken || got.Find(auth.Audience{}).AccessToken != old.Access[0].AccessToken {
		t.Fatalf("after a failed verification: refresh %q, ID token kept %v, access token kept %v",
			got.RefreshToken, got.IDToken == old.IDToken, got.Find(auth.Audience{}).AccessToken == old.Access[0].AccessToken)
	}
}

func TestCtrlCDuringRefreshKeepsTheNewGrant(t *testing.T) {
	c := realCache(t, 0)
	old, e := expiredSession(t, c, "cc")
	ctx, cancel := context.WithCancel(t.Context())
	var notices []NoticeKind
	var mu sync.Mutex
	req := TokenRequest{Entry: e, Notify: func(n Notice) { mu.Lock(); notices = append(notices, n.Kind); mu.Unlock() }}
	_, _, err := c.Token(ctx, req, func(rctx context.Context, _ *Record, _ auth.Audience) (*auth.Tokens, error) {
		cancel() // Ctrl-C while the provider answers
		if rctx.Err() != nil {
			t.Error("the provider request was cancelled with the caller: its rotated refresh token would be lost")
		}
		return rotated(3), nil
	})
	if err != nil {
		t.Fatalf("refresh finished after Ctrl-C: %v", err)
	}
	if got, err := c.Load(t.Context(), old.Key); err != nil || got.RefreshToken != "rt-3" {
		t.Fatalf("after Ctrl-C during refresh the keyring holds %v (%v), want rt-3", got, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(notices) == 0 || notices[0] != NoticeFinishingRefresh {
		t.Fatalf("notices %v, want the front end told the refresh is being finished", notices)
	}
}

func TestKeyringFrozenAfterRotationDoesNotDropTheGrant(t *testing.T) {
	if inOwnKeyring(t) {
		return
	}
	c := realCache(t, 0)
	c.Store = NewKeyring("latch-test", 100*time.Millisecond) // far shorter than the freeze
	old, e := expiredSession(t, c, "fz")
	var thaw func()
	waiting := make(chan struct{})
	var once sync.Once
	req := TokenRequest{Entry: e, Notify: func(n Notice) {
		if n.Kind == NoticeWaitingForKeyring {
			once.Do(func() { close(waiting) })
		}
	}}
	go func() { <-waiting; thaw() }()
	_, _, err := c.Token(t.Context(), req, func(context.Context, *Record, auth.Audience) (*auth.Tokens, error) {
		thaw = freezeKeyring(t)
		return rotated(4), nil
	})
	if err != nil {
		t.Fatalf("keyring frozen for a moment after rotation: %v", err)
	}
	if got, err := c.Load(t.Context(), old.Key); err != nil || got.RefreshToken != "rt-4" {
		t.Fatalf("after the freeze: %v, want rt-4 stored", err)
	}
}

func TestKeyringFrozenForTheWholeWindowFailsWithTheRecordReadable(t *testing.T) {
	if inOwnKeyring(t) {
		return
	}
	c := realCache(t, 0)
	c.GrantWriteTimeout = 300 * time.Millisecond
	old, e := expiredSession(t, c, "fw")
	var thaw func()
	_, _, err := c.Token(t.Context(), TokenRequest{Entry: e}, func(context.Context, *Record, auth.Audience) (*auth.Tokens, error) {
		thaw = freezeKeyring(t)
		return rotated(5), nil
	})
	thaw()
	if !errors.Is(err, ErrKeyringTimeout) || !strings.Contains(err.Error(), "new refresh token") {
		t.Fatalf("keyring frozen past the window: %v", err)
	}
	got, err := c.Load(t.Context(), old.Key)
	if err != nil || got.RefreshToken != old.RefreshToken && got.RefreshToken != "rt-5" {
		t.Fatalf("after a failed grant write the record is %v (%v): want the old or the new one, whole", got, err)
	}
}

func TestPartialAnswerStoresItsRefreshTokenThenFails(t *testing.T) {
	c := realCache(t, 0)
	old, e := expiredSession(t, c, "pa")
	errMalformed := errors.New("expires_in is not a number")
	_, _, err := c.Token(t.Context(), TokenRequest{Entry: e}, func(context.Context, *Record, auth.Audience) (*auth.Tokens, error) {
		return &auth.Tokens{AccessToken: "garbled", RefreshToken: "rt-6"}, errMalformed
	})
	if !errors.Is(err, errMalformed) || errors.Is(err, ErrSignInRequired) {
		t.Fatalf("partial answer: %v", err)
	}
	got, err := c.Load(t.Context(), old.Key)
	if err != nil || got.RefreshToken != "rt-6" || got.Find(auth.Audience{}).AccessToken != old.Access[0].AccessToken {
		t.Fatalf("after a partial answer: %v; want the new refresh token and the old access token", err)
	}
}

func TestRefreshErrors(t *testing.T) {
	api := auth.Audience{Resource: "https://api.example"}
	tests := []struct {
		name       string
		audience   auth.Audience
		err        error
		signIn     bool
		recordGone bool
	}{
		{"network down", auth.Audience{}, errors.New("dial tcp: connection refused"), false, false},
		{"provider 503", auth.Audience{}, &oauth2.RetrieveError{Response: &http.Response{StatusCode: 503}}, false, false},
		{"timeout", auth.Audience{}, context.DeadlineExceeded, false, false},
		{"invalid_scope on the default token", auth.Audience{}, &oauth2.RetrieveError{ErrorCode: "invalid_scope"}, false, false},
		{"invalid_target for a resource", api, &oauth2.RetrieveError{ErrorCode: "invalid_target"}, true, false},
		{"invalid_request for an organization", auth.Audience{Organization: "o1"}, &oauth2.RetrieveError{ErrorCode: "invalid_request"}, true, false},
		{"invalid_scope for a resource", api, &auth.ProviderError{Code: "invalid_scope"}, true, false},
		{"invalid_grant", auth.Audience{}, &oauth2.RetrieveError{ErrorCode: "invalid_grant"}, true, true},
	}
	c := realCache(t, 0)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old, e := expiredSession(t, c, "re")
			_, _, err := c.Token(t.Context(), TokenRequest{Entry: e, Audience: tt.audience}, func(context.Context, *Record, auth.Audience) (*auth.Tokens, error) {
				return nil, tt.err
			})
			if err == nil || errors.Is(err, ErrSignInRequired) != tt.signIn || !errors.Is(err, tt.err) && !tt.recordGone {
				t.Fatalf("err = %v; want sign-in required %v, wrapping the provider's error", err, tt.signIn)
			}
			got, lerr := c.Load(t.Context(), old.Key)
			if gone := errors.Is(lerr, ErrSignInRequired); gone != tt.recordGone || !gone && got.RefreshToken != old.RefreshToken {
				t.Fatalf("record gone %v (%v), want %v, refresh token unchanged", gone, lerr, tt.recordGone)
			}
			if x, _ := c.Index(); (x.Records[old.Key] == nil) != tt.recordGone {
				t.Fatalf("index entry gone %v, want %v", x.Records[old.Key] == nil, tt.recordGone)
			}
			if tt.signIn && !tt.recordGone && !strings.Contains(err.Error(), "may have consumed the refresh token") {
				t.Errorf("the message does not warn that the refresh token may be spent: %v", err)
			}
		})
	}
}

func TestMinTTLLongerThanTheLifetimeIsClampedNotARefreshPerCall(t *testing.T) {
	c := realCache(t, 0)
	_, e := expiredSession(t, c, "ttl")
	var refreshes, clamped atomic.Int32
	refresh := func(context.Context, *Record, auth.Audience) (*auth.Tokens, error) {
		n := refreshes.Add(1)
		return &auth.Tokens{AccessToken: "at", RefreshToken: "rt-" + string(rune('0'+n)), Expiry: time.Now().Add(time.Hour)}, nil
	}
	var wg sync.WaitGroup
	errs := make(chan error, 24)
	for range 8 {
		wg.Go(func() {
			for range 3 {
				x, _ := c.Index()
				req := TokenRequest{Entry: x.Records[e.Key], MinTTL: 2 * time.Hour, Notify: func(n Notice) {
					if n.Kind == NoticeMinTTLClamped && n.MinTTL > 29*time.Minute && n.MinTTL <= 30*time.Minute {
						clamped.Add(1)
					}
				}}
				if _, _, err := c.Token(t.Context(), req, refresh); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if n := refreshes.Load(); n != 1 {
		t.Fatalf("24 calls with a MinTTL twice the token's lifetime made %d refreshes, want 1", n)
	}
	if clamped.Load() == 0 {
		t.Fatal("no call reported that MinTTL was clamped")
	}
}
