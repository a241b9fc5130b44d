package main

import (
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// loadConfig is the load a load child plays, from its flags.
type loadConfig struct {
	addr    string
	conns   int
	size    int           // the longest message; each is headerSize to size bytes
	timeout time.Duration // for each echo, and for each connect
}

// parseLoadFlags reads the load child's flags, which soak writes.
func parseLoadFlags(args []string) (loadConfig, error) {
	var c loadConfig
	fs := flag.NewFlagSet("soak load", flag.ContinueOnError)
	fs.StringVar(&c.addr, "addr", "", "the server's `host:port`")
	fs.IntVar(&c.conns, "conns", 0, "connections")
	fs.IntVar(&c.size, "size", 0, "longest message in bytes")
	fs.DurationVar(&c.timeout, "timeout", 0, "bound on each connect and each echo")
	if err := fs.Parse(args); err != nil {
		return loadConfig{}, err
	}
	if c.addr == "" || c.conns < 1 || c.size < headerSize || c.timeout <= 0 || fs.NArg() > 0 {
		return loadConfig{}, fmt.Errorf("load flags %q: need -addr, -conns >= 1, -size >= %d, -timeout > 0", args, headerSize)
	}
	return c, nil
}

// loadRole plays ping-pong on cfg.conns connections until stdin ends. It
// prints "ready" once every connection has echoed a message, then answers
// each "stats" line on stdin with "messages <n>", the echoes checked since.
// It returns the first failure of any connection at once, and otherwise,
// when stdin ends, lets each connection finish its echo in flight and
// closes them.
func loadRole(args []string, stdin io.Reader, stdout io.Writer) error {
	cfg, err := parseLoadFlags(args)
	if err != nil {
		return err
	}
	pingers := make([]*pinger, 0, cfg.conns)
	defer func() {
		for _, p := range pingers {
			p.conn.Close()
		}
	}()
	for i := range cfg.conns {
		p, err := dialPinger(cfg, uint32(i))
		if err != nil {
			return err
		}
		pingers = append(pingers, p)
		if err := p.echo(); err != nil {
			return err
		}
	}
	if _, err := fmt.Fprintln(stdout, answerReady); err != nil {
		return fmt.Errorf("report ready: %w", err)
	}

	var (
		stop     atomic.Bool
		messages atomic.Uint64
		wg       sync.WaitGroup
	)
	failed := make(chan error, len(pingers))
	for _, p := range pingers {
		wg.Go(func() {
			for !stop.Load() {
				if err := p.echo(); err != nil {
					failed <- err
					return
				}
				messages.Add(1)
			}
		})
	}
	answered := make(chan error, 1)
	go func() {
		answered <- answer(stdin, stdout, func(req string) (string, error) {
			if req != requestStats {
				return "", fmt.Errorf("unknown request %q", req)
			}
			return fmt.Sprint(answerMessages, " ", messages.Load()), nil
		})
	}()
	select {
	case err := <-failed:
		return err // the deferred Close ends the other connections' loops
	case err = <-answered:
	}
	stop.Store(true)
	wg.Wait() // each echo in flight ends within cfg.timeout
	close(failed)
	return errors.Join(err, <-failed)
}

// headerSize is the length of a message's header: the connection's
// number (4 bytes), the message's sequence number on that connection (8)
// and the message's length (4), big-endian. No two messages of a run have
// the same header.
const headerSize = 16

// pinger is one connection of the load and its next message.
type pinger struct {
	id      uint32
	conn    *net.TCPConn
	seq     uint64        // messages sent on conn
	size    int           // the longest message
	timeout time.Duration // for each echo
	out, in []byte        // the message sent and its echo, size bytes each
}

// dialPinger connects connection number id to the server.
func dialPinger(cfg loadConfig, id uint32) (*pinger, error) {
	c, err := net.DialTimeout("tcp", cfg.addr, cfg.timeout)
	if err != nil {
		return nil, fmt.Errorf("connection %d: %w", id, err)
	}
	return &pinger{id: id, conn: c.(*net.TCPConn), size: cfg.size, timeout: cfg.timeout,
		out: make([]byte, cfg.size), in: make([]byte, cfg.size)}, nil
}

// echo sends the connection's next message and checks its echo.
func (p *pinger) echo() error {
	p.seq++
	msg := message(p.out, p.id, p.seq)
	got := p.in[:len(msg)]
	if err := p.conn.SetDeadline(time.Now().Add(p.timeout)); err != nil {
		return p.fail(len(msg), err)
	}
	if _, err := p.conn.Write(msg); err != nil {
		return p.fail(len(msg), err)
	}
	if _, err := io.ReadFull(p.conn, got); err != nil {
		return p.fail(len(msg), err)
	}
	if d := mismatch(msg, got); d != "" {
		return p.fail(len(msg), errors.New(d))
	}
	return nil
}

// fail names the connection and the message in err.
func (p *pinger) fail(size int, err error) error {
	return fmt.Errorf("connection %d (%s), message %d (%d bytes): %w", p.id, p.conn.LocalAddr(), p.seq, size, err)
}

// message fills buf with message number seq of connection conn and
// returns it: a header naming both and the message's length, then bytes
// drawn from a pseudo-random sequence seeded by the pair. Its length,
// from the same sequence, is between headerSize and len(buf).
func message(buf []byte, conn uint32, seq uint64) []byte {
	x := splitmix(uint64(conn)<<48 ^ seq)
	n := headerSize + int(x%uint64(len(buf)-headerSize+1))
	m := buf[:n]
	binary.BigEndian.PutUint32(m[0:], conn)
	binary.BigEndian.PutUint64(m[4:], seq)
	binary.BigEndian.PutUint32(m[12:], uint32(n))
	var word [8]byte
	for i := headerSize; i < n; i += len(word) {
		x = splitmix(x)
		binary.LittleEndian.PutUint64(word[:], x)
		copy(m[i:], word[:])
	}
	return m
}

// splitmix is one step of SplitMix64 (Steele, Lea and Flood, "Fast
// splittable pseudorandom number generators", OOPSLA 2014): a cheap mix
// whose outputs for consecutive inputs look unrelated.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// mismatch describes how echo differs from sent, which have the same
// length, or returns "" if they are equal. When the echo's header differs
// it says which message the header names: an echo of an earlier message,
// or of another connection's, tells a different bug from mangled bytes.
func mismatch(sent, echo []byte) string {
	i := 0
	for i < len(sent) && sent[i] == echo[i] {
		i++
	}
	if i == len(sent) {
		return ""
	}
	d := fmt.Sprintf("the echo differs from the message at byte %d: sent %#02x, got %#02x", i, sent[i], echo[i])
	if i < headerSize && len(echo) >= headerSize {
		d += fmt.Sprintf("; the echo's header names connection %d, message %d, %d bytes",
			binary.BigEndian.Uint32(echo[0:]), binary.BigEndian.Uint64(echo[4:]), binary.BigEndian.Uint32(echo[12:]))
	}
	return d
}
