package authtest

// KubeUser and Kubeconfig are what a real YAML parser (go.yaml.in/yaml/v3)
// reads of a kubeconfig: the tests of latch kubeconfig check its output
// with them, not with latch's own writer.
type KubeUser struct {
	Name string `yaml:"name"`
	User struct {
		Exec struct {
			APIVersion         string   `yaml:"apiVersion"`
			Command            string   `yaml:"command"`
			Args               []string `yaml:"args"`
			InteractiveMode    string   `yaml:"interactiveMode"`
			ProvideClusterInfo *bool    `yaml:"provideClusterInfo"`
		} `yaml:"exec"`
		Token string `yaml:"token"`
	} `yaml:"user"`
}

type Kubeconfig struct {
	Clusters []map[string]any `yaml:"clusters"`
	Contexts []map[string]any `yaml:"contexts"`
	Users    []KubeUser       `yaml:"users"`
	Current  string           `yaml:"current-context"`
}
