package main

import "github.com/latchdev/latch/auth"

// safeText makes text that came from outside (claims, provider answers,
// config files) safe to print: control characters, line breaks, bidi
// overrides and invalid UTF-8 are shown escaped (auth.TerminalSafe, the
// rule the UI uses too).
func safeText(s string) string { return auth.TerminalSafe(s) }
