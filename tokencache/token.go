package tokencache

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/latchdev/latch/auth"
	"golang.org/x/oauth2"
)

// RefreshFunc asks the provider for tokens for an audience with the
// record's refresh token. It may return tokens AND an error: a response
// that carried a rotated refresh token but was otherwise malformed. Token
// then stores the new refresh token and returns the error.
type RefreshFunc func(ctx context.Context, r *Record, a auth.Audience) (*auth.Tokens, error)

// VerifyFunc checks a refresh's answer (ID token signature, subject). It
// runs while the answer is being stored, on its own copy of the record,
// and its verdict is applied once the store is done: a slow verification
// never holds up storing the rotated refresh token. r already holds the
// new tokens.
type VerifyFunc func(ctx context.Context, r *Record, t *auth.Tokens) error

// TokenRequest is what Token looks for.
type TokenRequest struct {
	Entry    *Entry
	Audience auth.Audience
	// MinTTL is how long the token must still be valid. A MinTTL at least
	// as long as the token's lifetime is clamped to half the lifetime
	// (reported through Notify), or every call would refresh.
	MinTTL time.Duration
	// ForceRefresh refreshes even when the cached token is valid.
	ForceRefresh bool
	// Verify, when set, checks a refresh's answer while it is stored. When
	// it fails, the new refresh token is kept, the new ID and access tokens
	// are dropped (the previous ones kept), and Token returns its error.
	Verify VerifyFunc
	// Notify, when set, hears what a person may want to know while Token
	// works. It may be called from another goroutine.
	Notify func(Notice)
}

// NoticeKind says what a Notice is about.
type NoticeKind int

const (
	// NoticeMinTTLClamped: the request's MinTTL was longer than the
	// token's lifetime; Notice.MinTTL is the value used.
	NoticeMinTTLClamped NoticeKind = iota + 1
	// NoticeFinishingRefresh: the caller cancelled while the provider was
	// asked; Token finishes the refresh and stores its answer first, so
	// that the rotated refresh token is not lost.
	NoticeFinishingRefresh
	// NoticeWaitingForKeyring: storing the new refresh token is taking a
	// while; Token waits up to the cache's GrantWriteTimeout.
	NoticeWaitingForKeyring
)

// Notice is one event of Token for a front end.
type Notice struct {
	Kind   NoticeKind
	MinTTL time.Duration
}

func (n Notice) String() string {
	switch n.Kind {
	case NoticeMinTTLClamped:
		return fmt.Sprintf("the minimum validity asked for is longer than the token lives; using %s", n.MinTTL)
	case NoticeFinishingRefresh:
		return "finishing the refresh so that the new refresh token is not lost"
	case NoticeWaitingForKeyring:
		return "waiting for the keyring to store the new refresh token"
	}
	return "notice"
}

// grantNoticeDelay is how long a grant write may take before Token says so.
const grantNoticeDelay = time.Second

func (req *TokenRequest) notify(n Notice) {
	if req.Notify != nil {
		req.Notify(n)
	}
}

// minTTL is the request's MinTTL, clamped to half the lifetime of a token
// issued at issued and expiring at expiry when it is not shorter.
func (req *TokenRequest) minTTL(issued, expiry time.Time) time.Duration {
	if issued.IsZero() || expiry.IsZero() || !expiry.After(issued) {
		return req.MinTTL
	}
	if life := expiry.Sub(issued); req.MinTTL >= life {
		req.notify(Notice{Kind: NoticeMinTTLClamped, MinTTL: life / 2})
		return life / 2
	}
	return req.MinTTL
}

// Token returns a valid access token: from the store when the index says it
// is fresh (one keyring read, no request), else by refresh under the
// record's lock. invalid_grant deletes the record and returns
// ErrSignInRequired; other failures keep the record.
//
// Once the provider is asked, the refresh and the write of its answer run
// detached from ctx's cancellation (bounded by GrantWriteTimeout): the
// provider rotates the refresh token on every refresh, so an answer not
// stored is a session lost.
func (c *Cache) Token(ctx context.Context, req TokenRequest, refresh RefreshFunc) (*AccessToken, *Record, error) {
	now := c.now()
	key := req.Entry.Key
	if a := req.Entry.Find(req.Audience); a != nil && !req.ForceRefresh {
		if ttl := req.minTTL(a.Issued, a.Expiry); a.Expiry.IsZero() || a.Expiry.After(now.Add(ttl)) {
			r, err := c.Load(ctx, key)
			if err != nil {
				return nil, nil, err
			}
			if t := r.Find(req.Audience); t != nil && t.Valid(now, ttl) {
				return t, r, nil
			}
		}
	}
	release, err := c.lock(ctx, string(key))
	if err != nil {
		return nil, nil, err
	}
	defer release()
	// Another process may have refreshed while this one waited.
	r, old, err := c.load(ctx, key)
	if err != nil {
		return nil, nil, err
	}
	if t := r.Find(req.Audience); t != nil && !req.ForceRefresh {
		if t.Valid(c.now(), req.minTTL(t.Issued, t.Expiry)) {
			return t, r, nil
		}
	}
	// Refreshed by another process while this one waited: use that token
	// rather than rotate the refresh token again.
	if t := r.Find(req.Audience); t != nil && r.Updated.After(now) && t.Valid(c.now(), 0) {
		return t, r, nil
	}
	if r.RefreshToken == "" {
		return nil, nil, fmt.Errorf("%w: the token has expired and the session has no refresh token (sign in again, asking for the offline_access scope)", ErrSignInRequired)
	}
	return c.refresh(ctx, &req, r, old, refresh)
}

// refresh asks the provider and stores its answer at once; the caller
// holds the record's lock.
func (c *Cache) refresh(ctx context.Context, req *TokenRequest, r *Record, old layout, refresh RefreshFunc) (*AccessToken, *Record, error) {
	timeout := c.GrantWriteTimeout
	if timeout <= 0 {
		timeout = DefaultGrantWriteTimeout
	}
	gctx, cancel := context.WithTimeout(patient(context.WithoutCancel(ctx)), timeout)
	defer cancel()
	// A chunked write records its generation before the provider is asked,
	// so that nothing but the keyring write follows the answer.
	var gen string
	if c.Store.Limit(string(r.Key)) > 0 {
		var err error
		if gen, err = c.addPending(ctx, r.Key); err != nil {
			return nil, nil, err
		}
	}
	stop := context.AfterFunc(ctx, func() { req.notify(Notice{Kind: NoticeFinishingRefresh}) })
	defer stop()

	tokens, rerr := refresh(gctx, r, req.Audience)
	if tokens == nil || tokens.RefreshToken == "" && rerr != nil {
		if gen != "" {
			// Nothing was written under gen.
			c.updateIndex(gctx, func(x *Index) { x.dropPending(r.Key, gen) })
		}
		return nil, nil, c.refreshFailed(gctx, r.Key, req.Audience, rerr)
	}
	prevID, prevAccess := r.IDToken, r.Find(req.Audience)
	if prevAccess != nil {
		saved := *prevAccess
		prevAccess = &saved
	}
	if rerr != nil {
		// A partial answer: only its rotated refresh token is trusted.
		r.RefreshToken, r.Updated = tokens.RefreshToken, c.now()
	} else {
		r.Put(req.Audience, tokens, c.now())
	}
	// Verification (an ECDSA or RSA check, CPU-bound) runs while the
	// keyring write waits on the Secret Service; its verdict is applied
	// only once the new refresh token is stored.
	verified := c.verifyAside(ctx, req, r, tokens, rerr)
	l, err := c.storeGrant(gctx, req, r, old, gen)
	if err != nil {
		return nil, nil, fmt.Errorf("the provider issued a new refresh token but storing it failed, so the stored session may no longer work (sign in again if the next try fails): %w", err)
	}
	if rerr != nil {
		return nil, nil, fmt.Errorf("the provider's answer was malformed; its new refresh token was stored: %w", rerr)
	}
	if verified != nil {
		if verr := <-verified; verr != nil {
			r.IDToken = prevID
			r.Access = dropAccess(r.Access, req.Audience, prevAccess)
			if _, err := c.storeGrant(gctx, req, r, l, ""); err != nil {
				verr = errors.Join(verr, fmt.Errorf("dropping the unverified tokens failed: %w", err))
			}
			return nil, nil, fmt.Errorf("the refreshed tokens failed verification and were dropped; the new refresh token is kept: %w", verr)
		}
	}
	return r.Find(req.Audience), r, nil
}

// verifyAside starts req.Verify on a copy of the refreshed record and
// returns where its verdict will arrive; nil when there is nothing to
// verify (no Verify, or a malformed answer whose tokens are dropped).
func (c *Cache) verifyAside(ctx context.Context, req *TokenRequest, r *Record, t *auth.Tokens, rerr error) <-chan error {
	if req.Verify == nil || rerr != nil {
		return nil
	}
	rc := *r
	rc.Access = slices.Clone(r.Access)
	verdict := make(chan error, 1)
	go func() { verdict <- req.Verify(ctx, &rc, t) }()
	return verdict
}

// storeGrant writes a refreshed record, telling the front end when the
// keyring keeps it waiting.
func (c *Cache) storeGrant(ctx context.Context, req *TokenRequest, r *Record, old layout, gen string) (layout, error) {
	var once sync.Once
	t := time.AfterFunc(grantNoticeDelay, func() { once.Do(func() { req.notify(Notice{Kind: NoticeWaitingForKeyring}) }) })
	defer t.Stop()
	return c.save(ctx, req.Entry.Profile, r, false, old, gen)
}

// dropAccess puts back the access token an audience had before (or none).
func dropAccess(list []AccessToken, a auth.Audience, prev *AccessToken) []AccessToken {
	out := list[:0]
	for _, t := range list {
		if AudienceKey(t.Audience) != AudienceKey(a) {
			out = append(out, t)
		}
	}
	if prev != nil {
		out = append(out, *prev)
	}
	return out
}

// refreshFailed turns a refresh that brought no new refresh token into the
// error Token returns, deleting the record when the grant is gone.
func (c *Cache) refreshFailed(ctx context.Context, key Key, a auth.Audience, err error) error {
	switch {
	case err == nil:
		return errors.New("refresh failed, the session is kept: the provider answered without tokens")
	case auth.IsInvalidGrant(err):
		if derr := c.delete(ctx, key); derr != nil {
			return fmt.Errorf("%w (%s); removing the dead session failed too: %w", ErrSignInRequired, auth.Explain(err), derr)
		}
		return fmt.Errorf("%w: %s", ErrSignInRequired, auth.Explain(err))
	case AudienceKey(a) != "" && refusedAudience(err):
		return fmt.Errorf("%w: the provider refused a token for %s (%s); it may have consumed the refresh token, so the session is kept but may need a new sign-in: %w",
			ErrSignInRequired, audienceText(a), auth.Explain(err), err)
	}
	return fmt.Errorf("refresh failed, the session is kept: %w", err)
}

// refusedAudience reports whether the provider refused the resource,
// organization or scopes asked for.
func refusedAudience(err error) bool {
	code := ""
	var re *oauth2.RetrieveError
	var pe *auth.ProviderError
	switch {
	case errors.As(err, &re):
		code = re.ErrorCode
	case errors.As(err, &pe):
		code = pe.Code
	}
	return code == "invalid_target" || code == "invalid_scope" || code == "invalid_request"
}
