package main

import (
	"bytes"
	"errors"
	"fmt"

	yaml "go.yaml.in/yaml/v3"
)

// mergeUserYAML returns the kubeconfig old with the user name set to the
// latch exec entry: an existing user of that name is replaced, any other
// content (clusters, contexts, other users, comments) is kept. An empty old
// becomes a new kubeconfig holding only the user.
func mergeUserYAML(old []byte, name string, args []string) ([]byte, error) {
	var entry yaml.Node
	if err := yaml.Unmarshal([]byte(kubeUserYAML(name, args)), &entry); err != nil {
		return nil, err
	}
	newUser := mapValue(entry.Content[0], "users").Content[0]

	var doc yaml.Node
	if err := yaml.Unmarshal(old, &doc); err != nil {
		return nil, fmt.Errorf("not YAML: %w", err)
	}
	if doc.Kind == 0 {
		doc = yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{{Kind: yaml.MappingNode}}}
		root := doc.Content[0]
		setKey(root, "apiVersion", &yaml.Node{Kind: yaml.ScalarNode, Value: "v1"})
		setKey(root, "kind", &yaml.Node{Kind: yaml.ScalarNode, Value: "Config"})
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, errors.New("the top level is not a mapping")
	}
	users := mapValue(root, "users")
	switch {
	case users == nil || (users.Kind == yaml.ScalarNode && users.Tag == "!!null"):
		users = &yaml.Node{Kind: yaml.SequenceNode}
		setKey(root, "users", users)
	case users.Kind != yaml.SequenceNode:
		return nil, errors.New("users is not a list")
	}
	replaced := false
	for i, u := range users.Content {
		if n := mapValue(u, "name"); n != nil && n.Kind == yaml.ScalarNode && n.Value == name {
			users.Content[i] = newUser
			replaced = true
		}
	}
	if !replaced {
		users.Content = append(users.Content, newUser)
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, err
	}
	return b.Bytes(), enc.Close()
}

// mapValue is the value under key in a mapping node, or nil.
func mapValue(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// setKey sets key in a mapping node, adding it at the end when absent.
func setKey(m *yaml.Node, key string, v *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content[i+1] = v
			return
		}
	}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, v)
}
