// Command multifile prints a greeting that names its two source files' work.
package main

import "fmt"

func main() {
	fmt.Println(greeting("multi-file"))
}
