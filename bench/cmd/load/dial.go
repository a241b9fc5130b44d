package main

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"time"
)

// dialRetry connects to addr, retrying failures until deadline: when
// thousands of connections arrive at once the server's accept backlog
// overflows and some attempts are refused or time out; that is
// transient, not a reason to abandon the run.
func dialRetry(addr string, deadline time.Time) (*net.TCPConn, error) {
	backoff := 5 * time.Millisecond
	for {
		d := net.Dialer{Timeout: 5 * time.Second, Deadline: deadline}
		c, err := d.Dial("tcp", addr)
		if err == nil {
			return c.(*net.TCPConn), nil
		}
		if time.Now().Add(backoff).After(deadline) {
			return nil, fmt.Errorf("connect to %s: %w", addr, err)
		}
		time.Sleep(backoff)
		backoff = min(2*backoff, 500*time.Millisecond)
	}
}

// echoOnce sends msg on c and checks the echo, failing at deadline.
// rbuf must be len(msg) long.
func echoOnce(c *net.TCPConn, msg, rbuf []byte, deadline time.Time) error {
	if err := c.SetDeadline(deadline); err != nil {
		return err
	}
	if _, err := c.Write(msg); err != nil {
		return fmt.Errorf("write to %s: %w", c.RemoteAddr(), err)
	}
	if _, err := io.ReadFull(c, rbuf); err != nil {
		return fmt.Errorf("read echo from %s: %w", c.RemoteAddr(), err)
	}
	if !bytes.Equal(msg, rbuf) {
		return fmt.Errorf("echo from %s differs from what was sent", c.RemoteAddr())
	}
	return c.SetDeadline(time.Time{})
}

// message returns a size-byte payload that is not all one value, so a
// server that mangles bytes is caught.
func message(size int) []byte {
	msg := make([]byte, size)
	for i := range msg {
		msg[i] = byte('a' + i%26)
	}
	return msg
}
