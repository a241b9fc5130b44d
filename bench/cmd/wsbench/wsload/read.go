package main

import (
	"encoding/binary"
	"fmt"
	"io"
	"time"

	"github.com/gorilla/websocket"
)

// read is connection i's reader: it reads every message, checks it, and
// counts its arrival, until the connection closes or a message is wrong.
func (f *fanout) read(i int, c *websocket.Conn) {
	buf := make([]byte, f.cfg.size+1) // one byte more, to catch a longer message
	for {
		seq, sent, err := f.next(c, buf)
		if err != nil {
			f.fail(fmt.Errorf("connection %d of %d: %w", i+1, f.cfg.conns, err))
			return
		}
		now := time.Since(f.base)
		if seq == 0 || seq >= uint64(len(f.arrived)) {
			f.fail(fmt.Errorf("connection %d of %d: message %d, never sent", i+1, f.cfg.conns, seq))
			return
		}
		if first := f.firstMeasured.Load(); first != 0 && seq >= first {
			f.lat[int(seq-first)*f.cfg.conns+i] = now - sent
		}
		if f.arrived[seq].Add(1) == int32(f.cfg.conns) {
			f.complete <- seq
		}
	}
}

// next reads one message whole and returns its sequence number and send
// time.
func (f *fanout) next(c *websocket.Conn, buf []byte) (seq uint64, sent time.Duration, err error) {
	t, r, err := c.NextReader()
	if err != nil {
		return 0, 0, err
	}
	if t != websocket.BinaryMessage {
		return 0, 0, fmt.Errorf("a message of type %d, want binary (%d)", t, websocket.BinaryMessage)
	}
	n, err := io.ReadFull(r, buf)
	if err != io.ErrUnexpectedEOF || n != f.cfg.size {
		if err == nil {
			n = len(buf) // and maybe more
		}
		return 0, 0, fmt.Errorf("a message of %d bytes or more, want %d (%v)", n, f.cfg.size, err)
	}
	return binary.BigEndian.Uint64(buf), time.Duration(binary.BigEndian.Uint64(buf[8:])), nil
}

// fail records a reader's error, the first one only, unless the
// connections are being closed on purpose.
func (f *fanout) fail(err error) {
	if f.closing.Load() {
		return
	}
	select {
	case f.failed <- err:
	default:
	}
}
