// Package tui is latch's terminal UI, built on Bubble Tea v2: screens for
// tenants, a live sign-in, the session, a claims inspector and the cache.
//
// It holds no protocol or storage logic. Everything it shows or does goes
// through a Backend, which cmd/latch wires to the auth and tokencache
// packages — the same steps the plain commands call. Every Backend call runs
// in a tea.Cmd and comes back as one message, so the UI never waits on the
// keyring or the provider.
package tui
