package tui

import "github.com/latchdev/latch/auth"

// ClaimMeaning says what a claim means, or "" for one latch does not know:
// the protocol package's table (standard, Logto, Entra), kept in one place.
func ClaimMeaning(name string) string { return auth.ClaimMeaning(name) }
