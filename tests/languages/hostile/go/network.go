package main

// stdin: the port of a listener on the host's loopback.

import (
	"fmt"
	"net"
	"time"
)

func main() {
	var port int
	fmt.Scan(&port)
	conn, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), time.Second)
	if err == nil {
		fmt.Println("ADVMARK-NET-CONNECTED")
		conn.Close()
		return
	}
	fmt.Println("no connection:", err)
}
