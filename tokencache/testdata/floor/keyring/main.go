// Command keyring is the benchmark floor for the cached path: one go-keyring
// read, nothing else. Usage: keyring SERVICE USER; keyring SERVICE USER SIZE
// stores a secret of SIZE bytes first (setup, not timed).
package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/zalando/go-keyring"
)

func main() {
	if len(os.Args) == 4 {
		n, _ := strconv.Atoi(os.Args[3])
		if err := keyring.Set(os.Args[1], os.Args[2], strings.Repeat("x", n)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	s, err := keyring.Get(os.Args[1], os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(len(s))
}
