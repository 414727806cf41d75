// Package tui is latch's terminal UI, built on Bubble Tea v2: screens for
// tenants, a live sign-in, the session, a claims inspector and the cache.
//
// It holds no protocol or storage logic. Everything it shows or does goes
// through a Backend, which cmd/latch wires to the auth and tokencache
// packages — the same steps the plain commands call. Every Backend call runs
// in a tea.Cmd and comes back as one message, so the UI never waits on the
// keyring or the provider.
//
// Whatever came from outside (claims, provider errors, issuers, names,
// keys) goes through sanitize before it is drawn, and through truncate or
// wrap to fit: no value can move the cursor, write the clipboard or forge a
// row. Errors are shown with the key that helps, not with command-line
// advice. Help is modal. The sign-in URL is never cut: it is written whole,
// as an OSC 8 hyperlink where the terminal takes them (LATCH_HYPERLINKS=0
// or 1 overrides the guess).
package tui
