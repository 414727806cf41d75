package tokencache

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// FileStore keeps secrets in files (0600, in a 0700 directory), unencrypted.
// Used only when the user asks for it with --store file.
type FileStore struct{ Dir string }

func (s *FileStore) Name() string     { return "file store, not encrypted" }
func (s *FileStore) Limit(string) int { return 0 }

func (s *FileStore) path(key string) string {
	sum := sha256.Sum256([]byte(key))
	return filepath.Join(s.Dir, hex.EncodeToString(sum[:16])+".json")
}

type fileItem struct {
	Key    string `json:"key"`
	Secret string `json:"secret"`
}

func (s *FileStore) Get(ctx context.Context, key string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	b, err := os.ReadFile(s.path(key))
	if errors.Is(err, fs.ErrNotExist) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", err
	}
	var it fileItem
	if err := json.Unmarshal(b, &it); err != nil || it.Key != key {
		return "", ErrNotFound
	}
	return it.Secret, nil
}

func (s *FileStore) Set(ctx context.Context, key, secret string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	b, err := json.Marshal(fileItem{Key: key, Secret: secret})
	if err != nil {
		return err
	}
	return writeFileAtomic(s.path(key), b)
}

func (s *FileStore) Delete(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	err := os.Remove(s.path(key))
	if errors.Is(err, fs.ErrNotExist) {
		return ErrNotFound
	}
	return err
}

// writeFileAtomic writes a 0600 file in a 0700 directory by rename, so a
// reader sees the old content or the new, never half.
func writeFileAtomic(path string, b []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return err
	}
	_, werr := f.Write(b)
	serr := f.Sync()
	cerr := f.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		os.Remove(f.Name())
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		os.Remove(f.Name())
		return err
	}
	return nil
}
