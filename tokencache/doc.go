// Package tokencache keeps latch's sessions: records of tokens in the OS
// keyring (go-keyring, service "latch"), a non-secret index file that lists
// them, canonical cache keys, chunking for keyrings with small items, and
// cross-process locks around refresh.
//
// Choices:
//
//   - One keyring item per session record (tenant, client, account); it
//     holds the refresh token, the ID token and every access token, so a
//     rotated refresh token and the access token it bought are written in one
//     step. The cached path reads exactly one item.
//   - A record larger than the platform's item limit is stored as chunks
//     under a fresh generation name, then a manifest replaces the main item,
//     then old chunks are deleted: a write that dies half way leaves the old
//     record or the new one, never a mix.
//   - Every keyring call runs under a deadline; a keyring that hangs becomes
//     an error that says what to do.
//   - There is no silent plaintext fallback: the file store is used only
//     when asked for, and says so.
package tokencache
