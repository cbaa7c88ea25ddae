package main

import (
	"bufio"
	"os"
)

func main() {
	out := bufio.NewWriter(os.Stdout)
	for {
		out.WriteString("flood flood flood flood flood flood flood flood\n")
	}
}
