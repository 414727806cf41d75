package session

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// The merge works on lines, not on a YAML library: go.yaml.in/yaml/v3 cost
// every latch start 0.17 ms of init and about 900 KiB of resident memory
// (latch token then brushed the 10 MiB target), for a command run once.
// It handles what kubectl writes and what people write by hand in block
// style, touches only the users list, keeps every other byte, and refuses
// what it does not understand (JSON, flow style, anchors, several
// documents, tabs) with ErrKubeconfigLayout rather than guess.

// ErrKubeconfigLayout means the kubeconfig is valid YAML, perhaps, but not
// laid out in a way latch edits safely.
var ErrKubeconfigLayout = errors.New("latch cannot edit this kubeconfig safely")

// mergeUserYAML returns the kubeconfig old with the user name set to the
// latch exec entry: a user of that name is replaced, anything else kept.
// An empty old becomes a new kubeconfig holding only the user.
func mergeUserYAML(old []byte, name string, args []string) ([]byte, error) {
	item := strings.TrimPrefix(KubeUserYAML(name, args), "users:\n")
	text := string(old)
	if strings.TrimSpace(text) == "" {
		return []byte("apiVersion: v1\nkind: Config\nusers:\n" + item), nil
	}
	if err := checkLayout(text); err != nil {
		return nil, err
	}
	if !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	lines := strings.SplitAfter(text, "\n")
	lines = lines[:len(lines)-1] // the empty string after the last newline
	at := -1
	for i, l := range lines {
		if key, rest, ok := topKey(l); ok && key == "users" {
			if at >= 0 {
				return nil, layoutError("two users keys")
			}
			at = i
			switch strings.TrimSpace(stripComment(rest)) {
			case "", "[]", "null", "~":
			default:
				return nil, layoutError("users is not a block list")
			}
		}
	}
	if at < 0 {
		return []byte(strings.Join(lines, "") + "users:\n" + item), nil
	}
	lines[at] = "users:\n"
	return spliceUser(lines, at, name, item)
}

// spliceUser replaces or appends the item in the list under lines[at].
func spliceUser(lines []string, at int, name, item string) ([]byte, error) {
	indent, start, end := -1, at+1, at+1
	var items []int
	for i := at + 1; i < len(lines); i++ {
		l := lines[i]
		if blankOrComment(l) {
			continue
		}
		in := len(l) - len(strings.TrimLeft(l, " "))
		if indent < 0 {
			if !isItem(l[in:]) {
				if in > 0 {
					return nil, layoutError("users holds something other than a list")
				}
				break
			}
			indent = in
		}
		if in < indent || (in == indent && !isItem(l[in:])) {
			break
		}
		if in == indent {
			items = append(items, i)
		}
		end = i + 1
	}
	if indent < 0 {
		indent = 0
	}
	pad := strings.Repeat(" ", indent)
	item = pad + strings.ReplaceAll(strings.TrimSuffix(item, "\n"), "\n", "\n"+pad) + "\n"
	items = append(items, end)
	for k := 0; k+1 < len(items); k++ {
		from, to := items[k], items[k+1]
		n, err := itemName(lines[from:to])
		if err != nil {
			return nil, err
		}
		if n == name {
			to = lastContent(lines, from, to)
			return []byte(strings.Join(lines[:from], "") + item + strings.Join(lines[to:], "")), nil
		}
	}
	if len(items) > 1 {
		start = end
	}
	return []byte(strings.Join(lines[:start], "") + item + strings.Join(lines[start:], "")), nil
}

// itemName reads the name key of one list item (its lines): a key at the
// indent of the item's first key.
func itemName(item []string) (string, error) {
	keyIndent := -1
	for i, l := range item {
		if blankOrComment(l) {
			continue
		}
		s := strings.TrimLeft(l, " ")
		in := len(l) - len(s)
		if i == 0 {
			rest := strings.TrimLeft(strings.TrimPrefix(s, "-"), " ")
			in += len(s) - len(rest)
			if s = rest; strings.TrimSpace(s) == "" {
				continue
			}
		}
		if keyIndent < 0 {
			keyIndent = in
		}
		if in != keyIndent {
			continue
		}
		if k, v, ok := strings.Cut(s, ":"); ok && k == "name" {
			return yamlScalar(v)
		}
	}
	return "", nil
}

// lastContent is the end of an item without the blank lines and comments
// that trail it (they belong to what follows).
func lastContent(lines []string, from, to int) int {
	for to > from+1 && blankOrComment(lines[to-1]) {
		to--
	}
	return to
}

// yamlScalar reads a plain, single- or double-quoted scalar value.
func yamlScalar(v string) (string, error) {
	v = strings.TrimSpace(stripComment(v))
	switch {
	case strings.HasPrefix(v, `"`):
		s, err := strconv.Unquote(v)
		if err != nil {
			return "", layoutError("a user name in double quotes latch cannot read")
		}
		return s, nil
	case strings.HasPrefix(v, "'") && strings.HasSuffix(v, "'") && len(v) >= 2:
		return strings.ReplaceAll(v[1:len(v)-1], "''", "'"), nil
	case strings.ContainsAny(v[:min(1, len(v))], "&*!|>{[@`"):
		return "", layoutError("a user name that is not a plain scalar")
	}
	return v, nil
}

// checkLayout refuses what the line merge must not touch.
func checkLayout(text string) error {
	t := strings.TrimSpace(text)
	switch {
	case strings.HasPrefix(t, "{"):
		return layoutError("it is JSON or flow style")
	case strings.Contains(text, "\t"):
		return layoutError("it contains tabs")
	case strings.Contains(text, "\r"):
		return layoutError("it has CRLF line ends")
	}
	first := true
	for i, l := range strings.Split(text, "\n") {
		if first && !blankOrComment(l) && !strings.HasPrefix(l, "---") {
			if _, _, ok := topKey(l + "\n"); !ok {
				return layoutError("its top level is not a mapping")
			}
			first = false
		}
		if strings.HasPrefix(l, `"`) || strings.HasPrefix(l, "'") || strings.HasPrefix(l, "?") {
			return layoutError("it has quoted or complex top-level keys")
		}
		if (strings.HasPrefix(l, "---") && i > 0) || strings.HasPrefix(l, "...") {
			return layoutError("it holds several YAML documents")
		}
		if s := stripComment(l); strings.Contains(s, " &") || strings.Contains(s, " *") || strings.Contains(s, "<<:") {
			return layoutError("it uses anchors or aliases")
		}
	}
	return nil
}

// topKey splits a top-level "key: rest" line.
func topKey(l string) (key, rest string, ok bool) {
	if l == "" || l[0] == ' ' || l[0] == '#' || l[0] == '-' {
		return "", "", false
	}
	key, rest, ok = strings.Cut(strings.TrimRight(l, "\n"), ":")
	return key, rest, ok && (rest == "" || rest[0] == ' ')
}

func isItem(s string) bool { return s == "-\n" || s == "-" || strings.HasPrefix(s, "- ") }

func blankOrComment(l string) bool {
	t := strings.TrimSpace(l)
	return t == "" || strings.HasPrefix(t, "#")
}

// stripComment drops a " #" comment outside quotes (enough for the keys
// and names latch reads).
func stripComment(s string) string {
	quote := byte(0)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '#' && (i == 0 || s[i-1] == ' '):
			return s[:i]
		}
	}
	return s
}

func layoutError(why string) error {
	return fmt.Errorf("%w (%s): add the printed entry by hand", ErrKubeconfigLayout, why)
}
