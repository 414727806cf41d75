package auth

import (
	"strings"
	"testing"
	"time"
)

// Attack: a huge time claim (exp 1e300, as any token may carry) overflows
// int64(f) in ClaimValue: it is shown as long past ("106751d ago") with a
// date in year 292277026596, in claims, inspect and the TUI.
func TestHugeTimeClaimIsNotShownAsPast(t *testing.T) {
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for _, f := range []float64{1e300, 1e19} {
		got := ClaimValue("exp", f, now)
		if strings.Contains(got, "ago") {
			t.Errorf("exp %g is shown as %q: a far-future time reads as long past", f, got)
		}
	}
}
