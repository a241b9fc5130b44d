package interop

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// frame is one WebSocket frame the tap saw, with the payload of a control
// frame (unmasked); a data frame's payload passes unread.
type frame struct {
	toServer bool
	fin      bool
	rsv1     bool // permessage-deflate's "compressed" bit, on a message's first frame
	op       byte
	length   uint64
	payload  []byte
}

// The frame opcodes (RFC 6455 section 5.2).
const (
	opContinuation = 0x0
	opText         = 0x1
	opBinary       = 0x2
	opClose        = 0x8
	opPing         = 0x9
	opPong         = 0xA
)

// tap is a TCP proxy on loopback between a pairing's clients and its
// server that reads the WebSocket frames passing each way, so that a case
// can check what went over the wire: that a message sent in parts went in
// several frames, that a compressed one had RSV1 set, that a ping was
// answered by a pong with its payload, that a close frame went each way.
// It also lets our Ping, whose pong our Conn consumes unseen, wait for it.
//
// Each direction is one goroutine that reads a frame's header, records the
// frame and only then forwards it, so a frame is on record before its peer
// can have it.
type tap struct {
	ln net.Listener
	wg sync.WaitGroup

	mu      sync.Mutex
	target  string              // host:port of the server
	conns   map[*tapConn]bool   // open connections, closed at cleanup
	byID    map[string]*tapConn // by the id of the request's query
	changed chan struct{}       // closed, and replaced, at every new frame
}

// tapConn is one proxied connection.
type tapConn struct {
	client, server net.Conn
	frames         []frame // guarded by tap.mu
}

// startTap starts a tap on loopback, which stops when the test ends;
// forward says where to.
func startTap(t *testing.T) *tap {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tp := &tap{
		ln:      ln,
		conns:   make(map[*tapConn]bool),
		byID:    make(map[string]*tapConn),
		changed: make(chan struct{}),
	}
	tp.wg.Add(1)
	go tp.accept()
	t.Cleanup(tp.close)
	return tp
}

// forward sets the server the tap relays to, by its base URL
// (ws://host:port), before the first connection.
func (tp *tap) forward(base string) {
	tp.mu.Lock()
	tp.target = strings.TrimPrefix(base, "ws://")
	tp.mu.Unlock()
}

// base is the tap's ws:// base URL, for the clients.
func (tp *tap) base() string { return "ws://" + tp.ln.Addr().String() }

func (tp *tap) accept() {
	defer tp.wg.Done()
	for {
		c, err := tp.ln.Accept()
		if err != nil {
			return
		}
		tp.wg.Add(1)
		go tp.serve(c)
	}
}

// serve relays one connection both ways until both sides closed theirs.
func (tp *tap) serve(client net.Conn) {
	defer tp.wg.Done()
	tp.mu.Lock()
	target := tp.target
	tp.mu.Unlock()
	server, err := net.DialTimeout("tcp", target, opTimeout)
	if err != nil {
		client.Close()
		return
	}
	tc := &tapConn{client: client, server: server}
	tp.mu.Lock()
	tp.conns[tc] = true
	tp.mu.Unlock()
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); tp.pass(tc, true, client, server) }()
	go func() { defer wg.Done(); tp.pass(tc, false, server, client) }()
	wg.Wait()
	client.Close()
	server.Close()
	tp.mu.Lock()
	delete(tp.conns, tc)
	tp.mu.Unlock()
}

// pass relays src to dst, reading the frames, then passes the end of the
// stream on as a half-close, as the two ends would see it without the tap.
func (tp *tap) pass(tc *tapConn, toServer bool, src, dst net.Conn) {
	r := bufio.NewReaderSize(src, 64<<10)
	if err := tp.relay(tc, toServer, r, dst); err == nil {
		io.Copy(dst, r) // not WebSocket: what is left passes as it is
	}
	if c, ok := dst.(*net.TCPConn); ok {
		c.CloseWrite()
	}
}

// relay forwards the HTTP head, then frame after frame. It returns nil if
// the stream should be copied on unread (the upgrade was refused).
func (tp *tap) relay(tc *tapConn, toServer bool, r *bufio.Reader, w io.Writer) error {
	upgraded, err := tp.head(tc, toServer, r, w)
	if err != nil || !upgraded {
		return err
	}
	for {
		f, hdr, raw, err := readFrame(r, toServer)
		if err != nil {
			return err
		}
		tp.record(tc, f)
		if _, err := w.Write(hdr); err != nil {
			return err
		}
		if f.op >= opClose {
			_, err = w.Write(raw)
		} else {
			_, err = io.CopyN(w, r, int64(f.length))
		}
		if err != nil {
			return err
		}
	}
}

// head forwards the request's or the response's head and reports whether
// frames follow: a request always, a response if it is 101. A request
// registers the connection under its id.
func (tp *tap) head(tc *tapConn, toServer bool, r *bufio.Reader, w io.Writer) (bool, error) {
	first := true
	upgraded := toServer
	for {
		line, err := r.ReadBytes('\n')
		if _, werr := w.Write(line); err == nil {
			err = werr
		}
		if err != nil {
			return false, err
		}
		if first && toServer {
			tp.register(tc, line)
		}
		if first && !toServer {
			upgraded = bytes.HasPrefix(line, []byte("HTTP/1.1 101 "))
		}
		first = false
		if len(bytes.TrimRight(line, "\r\n")) == 0 {
			return upgraded, nil
		}
	}
}

// register files tc under the id in the request line's target.
func (tp *tap) register(tc *tapConn, line []byte) {
	fields := strings.Fields(string(line))
	if len(fields) < 2 {
		return
	}
	u, err := url.Parse(fields[1])
	if err != nil {
		return
	}
	tp.mu.Lock()
	tp.byID[u.Query().Get("id")] = tc
	tp.wakeLocked()
	tp.mu.Unlock()
}

func (tp *tap) record(tc *tapConn, f frame) {
	tp.mu.Lock()
	tc.frames = append(tc.frames, f)
	tp.wakeLocked()
	tp.mu.Unlock()
}

func (tp *tap) wakeLocked() {
	close(tp.changed)
	tp.changed = make(chan struct{})
}

// readFrame reads one frame's header, and a control frame's payload: it
// returns the frame, the header's bytes and the control payload's bytes
// as they came (masked, if they were), to be forwarded.
func readFrame(r *bufio.Reader, toServer bool) (f frame, hdr, raw []byte, err error) {
	hdr = make([]byte, 2, 14)
	if _, err := io.ReadFull(r, hdr); err != nil {
		return frame{}, nil, nil, err
	}
	f = frame{toServer: toServer, fin: hdr[0]&0x80 != 0, rsv1: hdr[0]&0x40 != 0, op: hdr[0] & 0x0F}
	masked := hdr[1]&0x80 != 0
	ext := 0
	switch hdr[1] & 0x7F {
	case 126:
		ext = 2
	case 127:
		ext = 8
	}
	if masked {
		ext += 4
	}
	hdr = hdr[:2+ext]
	if _, err := io.ReadFull(r, hdr[2:]); err != nil {
		return frame{}, nil, nil, err
	}
	switch n := hdr[1] & 0x7F; n {
	case 126:
		f.length = uint64(binary.BigEndian.Uint16(hdr[2:]))
	case 127:
		f.length = binary.BigEndian.Uint64(hdr[2:])
	default:
		f.length = uint64(n)
	}
	if f.op < opClose {
		return f, hdr, nil, nil
	}
	if f.length > 125 {
		return frame{}, nil, nil, fmt.Errorf("control frame of %d bytes", f.length)
	}
	raw = make([]byte, f.length)
	if _, err := io.ReadFull(r, raw); err != nil {
		return frame{}, nil, nil, err
	}
	f.payload = bytes.Clone(raw)
	if masked {
		key := hdr[len(hdr)-4:]
		for i := range f.payload {
			f.payload[i] ^= key[i%4]
		}
	}
	return f, hdr, raw, nil
}

// frames returns a copy of the frames of connection id so far.
func (tp *tap) frames(id string) []frame {
	tp.mu.Lock()
	defer tp.mu.Unlock()
	if tc := tp.byID[id]; tc != nil {
		return append([]frame(nil), tc.frames...)
	}
	return nil
}

// wait waits until check passes on the frames of connection id, and
// returns check's last error if it did not within opTimeout.
func (tp *tap) wait(id string, check func(fs []frame) error) error {
	deadline := time.NewTimer(opTimeout)
	defer deadline.Stop()
	for {
		tp.mu.Lock()
		changed := tp.changed
		tp.mu.Unlock()
		err := check(tp.frames(id))
		if err == nil {
			return nil
		}
		select {
		case <-changed:
		case <-deadline.C:
			return fmt.Errorf("on the wire, after %v: %w", opTimeout, err)
		}
	}
}

// close stops accepting and waits for the connections to end, closing
// those still open after a while (a case that left one open has failed
// already).
func (tp *tap) close() {
	tp.ln.Close()
	done := make(chan struct{})
	go func() { tp.wg.Wait(); close(done) }()
	select {
	case <-done:
		return
	case <-time.After(opTimeout):
	}
	tp.mu.Lock()
	for tc := range tp.conns {
		tc.client.Close()
		tc.server.Close()
	}
	tp.mu.Unlock()
	<-done
}

// errNoConn is a check's error before the connection's request arrived.
var errNoConn = errors.New("no connection with this id came through the tap")
