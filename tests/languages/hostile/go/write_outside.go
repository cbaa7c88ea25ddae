package main

// stdin: a host file's path. Try to change it and to leave a marker file in every folder that
// is not the run's own; print each folder where a write succeeded.

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

func tryWrite(path, label string) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0644)
	if err != nil {
		return
	}
	defer f.Close()
	if _, err := f.WriteString("ADVMARK\n"); err == nil {
		fmt.Println("WROTE", label)
	}
}

func main() {
	line, _ := bufio.NewReader(os.Stdin).ReadString('\n')
	victim := strings.TrimSpace(line)
	tryWrite(victim, victim)
	for _, d := range []string{filepath.Dir(victim), "/", "/etc", "/usr/bin", "/usr/lib", "/root",
		"/home", "..", "/proc/1/root", "/tmp"} {
		tryWrite(d+"/ADVMARK-write-go", d)
	}
}
