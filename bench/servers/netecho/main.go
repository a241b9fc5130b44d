// Command netecho is the echo server a typical Go program would write with
// the net package: a goroutine per connection, each with its own 4 KiB
// buffer, reading and writing back until the peer closes.
//
//	netecho -addr 127.0.0.1:7000
package main

import (
	"errors"
	"flag"
	"log"
	"net"
	"time"
)

// bufSize is the per-connection buffer, the size most hand-written Go
// echo and proxy loops pick.
const bufSize = 4096

func main() {
	addr := flag.String("addr", "127.0.0.1:7000", "TCP address to listen on (host:port)")
	flag.Parse()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("netecho: listen on %s: %v", *addr, err)
	}
	for {
		c, err := ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			// EMFILE and friends: back off instead of spinning.
			log.Printf("netecho: accept on %s: %v", *addr, err)
			time.Sleep(10 * time.Millisecond)
			continue
		}
		go serve(c)
	}
}

// serve echoes everything c sends until it closes or fails.
func serve(c net.Conn) {
	defer c.Close()
	buf := make([]byte, bufSize)
	for {
		n, err := c.Read(buf)
		if n > 0 {
			if _, werr := c.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}
