package tokencache

import (
	"errors"
	"fmt"
	"sort"
)

// Bounds on what an index entry may claim; anything beyond is damage.
const (
	maxRecordSize = 1 << 20 // bytes of one record
	maxChunks     = 1024    // chunks of one record
	maxAudiences  = 256     // access tokens in one record
	maxPending    = 256     // pending chunk generations
)

func newIndex() *Index {
	return &Index{Version: 1, Records: map[Key]*Entry{}, Profiles: map[string]Profile{}}
}

// parseIndex reads an index file leniently: only a file that is not a JSON
// object is an error; every malformed part is skipped and named in
// Problems. (Decoded by hand, see jsonread.go.)
func parseIndex(b []byte) (*Index, error) {
	top, err := decodeObject(b)
	if err != nil {
		return nil, err
	}
	if top == nil {
		return nil, errors.New("not a JSON object")
	}
	x := newIndex()
	f := fields{o: top}
	if x.Version = f.integer("v"); f.err != nil {
		x.problem("the version is not a number")
	}
	x.parseRecords(top["records"])
	x.parseProfiles(top["profiles"])
	x.parsePending(top["pending"])
	return x, nil
}

func (x *Index) problem(format string, args ...any) {
	x.Problems = append(x.Problems, fmt.Sprintf(format, args...))
}

func (x *Index) parseRecords(raw any) {
	if raw == nil {
		return
	}
	m, ok := raw.(map[string]any)
	if !ok {
		x.problem("the record list is not an object; no record is listed")
		return
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		e, err := parseEntry(k, m[k])
		if err != nil {
			x.problem("record %q skipped: %v", k, err)
			continue
		}
		x.Records[e.Key] = e
	}
}

func parseEntry(k string, raw any) (*Entry, error) {
	o, ok := raw.(map[string]any)
	if raw != nil && !ok {
		return nil, errors.New("malformed (wrong types)")
	}
	e, err := readEntry(o)
	if err != nil {
		return nil, errors.New("malformed (wrong types)")
	}
	switch {
	case e == nil:
		return nil, errors.New("empty (null)")
	case string(e.Key) != k:
		return nil, fmt.Errorf("it describes another key (%q)", e.Key)
	case e.Size < 0 || e.Size > maxRecordSize:
		return nil, fmt.Errorf("absurd size %d", e.Size)
	case e.Chunks < 0 || e.Chunks > maxChunks:
		return nil, fmt.Errorf("absurd chunk count %d", e.Chunks)
	case e.Chunks > 0 && !validGen(e.Gen):
		return nil, fmt.Errorf("chunked under a malformed generation %q", e.Gen)
	case len(e.Audiences) > maxAudiences:
		return nil, fmt.Errorf("%d access tokens", len(e.Audiences))
	}
	return e, nil
}

func (x *Index) parseProfiles(raw any) {
	if raw == nil {
		return
	}
	m, ok := raw.(map[string]any)
	if !ok {
		x.problem("the profile list is not an object; no profile has a current account")
		return
	}
	for name, v := range m {
		o, ok := v.(map[string]any)
		f := fields{o: o}
		p := Profile{Current: Key(f.str("current"))}
		if !ok || f.err != nil {
			x.problem("profile %q skipped: malformed", name)
			continue
		}
		x.Profiles[name] = p
	}
}

func (x *Index) parsePending(raw any) {
	if raw == nil {
		return
	}
	list, ok := raw.([]any)
	if !ok {
		x.problem("the pending chunk list is not a list")
		return
	}
	for i, v := range list {
		o, ok := v.(map[string]any)
		f := fields{o: o}
		c := ChunkSet{Key: Key(f.str("key")), Gen: f.str("gen"), Chunks: f.integer("chunks")}
		if !ok || f.err != nil || !validGen(c.Gen) || c.Chunks < 0 || c.Chunks > maxChunks {
			x.problem("pending chunk set %d skipped: malformed", i)
			continue
		}
		if len(x.Pending) == maxPending {
			x.problem("more than %d pending chunk sets; the rest are not listed", maxPending)
			return
		}
		x.Pending = append(x.Pending, c)
	}
}

// validGen reports whether g looks like a generation newGen made.
func validGen(g string) bool {
	if len(g) == 0 || len(g) > 32 {
		return false
	}
	for _, c := range g {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}
