// Package tokencache keeps latch's sessions: records of tokens in the OS
// keyring (service "latch"), a non-secret index file that lists them,
// canonical cache keys, chunking for keyrings with small items, and
// cross-process locks around refresh.
//
// Choices:
//
//   - One keyring item per session record (tenant, client, account); it
//     holds the refresh token, the ID token and every access token, so a
//     rotated refresh token and the access token it bought are written in one
//     step. The cached path reads exactly one item.
//   - Every call takes a context, down to the keyring and the lock wait;
//     every keyring call also runs under the store's deadline. go-keyring
//     cannot be cancelled: a call given up on keeps running in its
//     goroutine.
//   - On Linux the keyring is reached by a lean Secret Service client
//     (internal/secretservice): its own socket and codec, one connection
//     per Keyring kept for the process, a read in 3 round trips (go-keyring
//     makes 12), a write after a read in 1. It stops at the context's end
//     and drops a connection it gave up on. Items are go-keyring's (same
//     attributes, label and collection), so either reads and replaces what
//     the other wrote. Whatever would need a prompt or a guess (a locked
//     collection, several matching items, an unexpected reply, no bus it
//     can reach) is handed to go-keyring, so those paths and their errors
//     are as before. macOS and Windows use go-keyring.
//   - A refresh is stored the moment the provider answers, before any
//     verification, and the provider request and that write run detached
//     from the caller's cancellation (Cache.GrantWriteTimeout, 30 s): the
//     provider rotates the refresh token on every refresh, so Ctrl-C, or a
//     keyring that stalls for a while, must not drop the only valid grant.
//     A failed verification drops the new ID and access tokens and keeps
//     the new refresh token.
//   - A record larger than the platform's item limit is stored as chunks
//     under a fresh generation name, then a manifest replaces the main item,
//     then old chunks are deleted: a write that dies half way leaves the old
//     record or the new one, never a mix. Generations are recorded in the
//     index before their chunks are written, so what a crash leaves is
//     listed (Index.Orphans) and swept by the next write or delete of the
//     record.
//   - The index is read leniently and bounded: malformed entries are
//     skipped and named in Index.Problems; only a file that is not JSON at
//     all is an error (ErrStateDir).
//   - Errors are typed (ErrSignInRequired, ErrKeyring*, ErrStateDir,
//     ErrUnknownFormat, ErrLockTimeout) and name no command-line flag.
//   - There is no silent plaintext fallback: the file store is used only
//     when asked for, and says so.
//
// Not done: the package does not verify tokens (RefreshFunc and VerifyFunc
// do), and cannot list keyring items it has no record of.
package tokencache
