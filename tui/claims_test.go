package tui

import (
	"context"
	"strings"
	"testing"
)

// noHint is a provider with no advice for an opaque access token.
type noHint struct{ *fakeBackend }

func (n noHint) Claims(ctx context.Context, t string) (*Claims, error) {
	c, _ := n.fakeBackend.Claims(ctx, t)
	c.Access.OpaqueHint = ""
	return c, nil
}

// The access token pane gives the provider's own advice for an opaque
// token, and none where the provider has none.
func TestOpaqueAccessTokenAdviceIsTheProviders(t *testing.T) {
	m := send(send(send(newModel(newFake(), 80, 24), press("tab")), press("tab")), press("right"))
	if s := strings.Join(strings.Fields(screenText(m)), " "); !strings.Contains(s, "opaque access token (not a JWT). Logto issues an opaque token for userinfo only: ask for an API resource to get a JWT.") {
		t.Fatalf("Logto's advice is missing:\n%s", screenText(m))
	}
	m = send(send(send(newModel(noHint{newFake()}, 80, 24), press("tab")), press("tab")), press("right"))
	s := screenText(m)
	if !strings.Contains(s, "opaque access token (not a JWT)") || strings.Contains(s, "API resource") || strings.Contains(s, "--resource") {
		t.Fatalf("advice without a provider hint:\n%s", s)
	}
}
