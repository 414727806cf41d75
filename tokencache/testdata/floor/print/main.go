// Command print is the benchmark floor for start-up: a Go program that only
// prints.
package main

import "fmt"

func main() { fmt.Println("latch dev") }
