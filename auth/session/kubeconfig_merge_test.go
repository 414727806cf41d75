package session

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/latchdev/latch/auth/authtest"
	yaml "go.yaml.in/yaml/v3"
)

const mergeName = "latch-acme"

var mergeArgs = []string{"token", "-o", "exec-credential", "--tenant", "acme"}

// The merge is checked with a real YAML parser: the result holds the latch
// user exactly once with its exec entry, every other user as it was, and
// the rest of the file untouched.
func TestMergeUserYAMLLayouts(t *testing.T) {
	for name, tt := range map[string]struct {
		old   string
		users []string // names in order after the merge
		keep  []string // text that must survive
	}{
		"kubectl style, replace in the middle": {
			old:   "apiVersion: v1\nclusters:\n- cluster:\n    server: https://x\n  name: x\n# people\nusers:\n- name: admin\n  user:\n    token: keep-me\n- name: latch-acme\n  user:\n    token: stale\n\n# after\n- name: z\n  user:\n    exec:\n      env:\n      - name: latch-acme\n        value: c\ncurrent-context: x\n",
			users: []string{"admin", mergeName, "z"}, keep: []string{"# people\n", "# after\n", "token: keep-me", "      - name: latch-acme\n        value: c\ncurrent-context: x\n"},
		},
		"indented items, append": {
			old:   "users:\n  - name: admin\n    user:\n      token: keep-me\n  # last\ncontexts: []\n",
			users: []string{"admin", mergeName}, keep: []string{"contexts: []\n", "token: keep-me"},
		},
		"empty list":          {old: "kind: Config\nusers: []\ncurrent-context: \"\"\n", users: []string{mergeName}, keep: []string{"current-context: \"\"\n"}},
		"null, no newline":    {old: "kind: Config\nusers: null", users: []string{mergeName}, keep: []string{"kind: Config\n"}},
		"no users key":        {old: "kind: Config\nclusters: []\n", users: []string{mergeName}, keep: []string{"clusters: []\n"}},
		"dash alone":          {old: "users:\n-\n  name: latch-acme\n  user: {token: old}\n- name: b\n  user: {}\n", users: []string{mergeName, "b"}},
		"quoted name":         {old: "users:\n- name: \"latch-acme\"\n  user: {}\n- user: {}\n  name: 'o''k'\n", users: []string{mergeName, "o'k"}},
		"name after user key": {old: "users:\n- user:\n    token: t\n  name: latch-acme\n", users: []string{mergeName}},
		"document marker":     {old: "---\nusers: []\n", users: []string{mergeName}, keep: []string{"---\n"}},
		"empty file":          {old: "", users: []string{mergeName}},
	} {
		out, err := mergeUserYAML([]byte(tt.old), mergeName, mergeArgs)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		var got authtest.Kubeconfig
		if err := yaml.Unmarshal(out, &got); err != nil {
			t.Errorf("%s: result is not YAML (%v):\n%s", name, err, out)
			continue
		}
		var names []string
		for _, u := range got.Users {
			names = append(names, u.Name)
			if u.Name == mergeName && (!reflect.DeepEqual(u.User.Exec.Args, mergeArgs) || u.User.Token != "") {
				t.Errorf("%s: latch user %+v", name, u)
			}
		}
		if !reflect.DeepEqual(names, tt.users) {
			t.Errorf("%s: users %v, want %v:\n%s", name, names, tt.users, out)
		}
		for _, k := range tt.keep {
			if !strings.Contains(string(out), k) {
				t.Errorf("%s: lost %q:\n%s", name, k, out)
			}
		}
		// A second merge changes nothing.
		again, err := mergeUserYAML(out, mergeName, mergeArgs)
		if err != nil || string(again) != string(out) {
			t.Errorf("%s: second merge differs (%v):\n%s\n---\n%s", name, err, out, again)
		}
	}
}

func TestMergeUserYAMLRefusesWhatItCannotEditSafely(t *testing.T) {
	for name, old := range map[string]string{
		"JSON":             `{"apiVersion":"v1","users":[]}`,
		"flow list":        "users: [{name: a}]\n",
		"anchor":           "users:\n- name: a\n  user: &u {token: x}\n- name: b\n  user: *u\n",
		"two documents":    "users: []\n---\nusers: []\n",
		"top-level list":   "- just\n- a list\n",
		"tabs":             "users:\n-\tname: a\n",
		"users a mapping":  "users:\n  a: b\n",
		"two users keys":   "users: []\nusers: []\n",
		"quoted top key":   "\"users\": []\n",
		"odd quoted name":  "users:\n- name: \"a\\q\"\n",
		"CRLF":             "users: []\r\n",
		"anchor in a name": "users:\n- name: &n a\n",
	} {
		if _, err := mergeUserYAML([]byte(old), mergeName, mergeArgs); !errors.Is(err, ErrKubeconfigLayout) {
			t.Errorf("%s: %v, want ErrKubeconfigLayout", name, err)
		}
	}
}
