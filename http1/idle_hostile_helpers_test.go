package http1

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"testing"
	"time"
)

// The client side of TestServerIdleConnections runs in a child process,
// this test binary run again: a process may hold 20,000 descriptors
// here, and 10,000 connections take 10,000 on each side. It also keeps
// the clients' memory out of the heap the test measures.

// idleHolderEnv carries the child's orders: "addr warm n".
const idleHolderEnv = "HTTP1_IDLE_HOLDER"

// idleHolderDialers is how many goroutines of the child dial at once.
const idleHolderDialers = 8

// TestServerIdleConnsHolder is the child's body. It does nothing unless
// TestServerIdleConnections started it: then it opens warm connections
// that each make one request, prints "warm", waits for a line on stdin,
// opens n more the same way, prints "done", and holds them all until
// stdin ends.
func TestServerIdleConnsHolder(t *testing.T) {
	spec := os.Getenv(idleHolderEnv)
	if spec == "" {
		return // not a child: the parent's test is the one that checks
	}
	var addr string
	var warm, n int
	if _, err := fmt.Sscan(spec, &addr, &warm, &n); err != nil {
		fmt.Printf("error: bad %s %q: %v\n", idleHolderEnv, spec, err)
		os.Exit(1)
	}
	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	in := bufio.NewReader(os.Stdin)
	for i, count := range []int{warm, n} {
		cs, err := holdIdle(addr, count)
		conns = append(conns, cs...)
		if err != nil {
			fmt.Printf("error: %v\n", err)
			return
		}
		if i == 0 {
			fmt.Println("warm")
			if _, err := in.ReadString('\n'); err != nil {
				return
			}
		}
	}
	fmt.Println("done")
	io.Copy(io.Discard, in)
}

// holdIdle opens count connections to addr, each of which makes one
// request and reads its response, and returns them open.
func holdIdle(addr string, count int) ([]net.Conn, error) {
	var mu sync.Mutex
	var conns []net.Conn
	var firstErr error
	next := make(chan struct{}, count)
	for range count {
		next <- struct{}{}
	}
	close(next)
	var wg sync.WaitGroup
	for range idleHolderDialers {
		wg.Go(func() {
			buf := make([]byte, 512)
			for range next {
				c, err := oneRequest(addr, buf)
				mu.Lock()
				if c != nil {
					conns = append(conns, c)
				}
				if err != nil && firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
				if err != nil {
					return
				}
			}
		})
	}
	wg.Wait()
	return conns, firstErr
}

// oneRequest connects, sends a GET and reads the hello response.
func oneRequest(addr string, buf []byte) (net.Conn, error) {
	c, err := net.DialTimeout("tcp", addr, 20*time.Second)
	if err != nil {
		return nil, err
	}
	c.SetDeadline(time.Now().Add(20 * time.Second))
	if _, err := io.WriteString(c, "GET /idle HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		return c, err
	}
	var got []byte
	for !bytes.HasSuffix(got, helloBody) {
		k, err := c.Read(buf)
		if err != nil {
			return c, fmt.Errorf("reading the response (%q so far): %w", got, err)
		}
		got = append(got, buf[:k]...)
	}
	if !bytes.HasPrefix(got, []byte("HTTP/1.1 200 ")) {
		return c, fmt.Errorf("response %q", got)
	}
	c.SetDeadline(time.Time{})
	return c, nil
}
