// Command keyring is the benchmark floor for the cached path: one go-keyring
// read, nothing else. Usage: keyring SERVICE USER; keyring SERVICE USER SIZE
// stores a secret of SIZE bytes first (setup, not timed); keyring -refresh
// SERVICE USER reads, then writes the same secret back (what a refresh
// does to the keyring; go-keyring shares one bus connection in a process).
package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/zalando/go-keyring"
)

func main() {
	args := os.Args[1:]
	refresh := len(args) == 3 && args[0] == "-refresh"
	if refresh {
		args = args[1:]
	}
	if len(args) == 3 {
		n, _ := strconv.Atoi(args[2])
		if err := keyring.Set(args[0], args[1], strings.Repeat("x", n)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	s, err := keyring.Get(args[0], args[1])
	if err == nil && refresh {
		err = keyring.Set(args[0], args[1], s)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(len(s))
}
