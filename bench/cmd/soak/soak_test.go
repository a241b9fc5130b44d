package main

import (
	"bufio"
	"encoding/binary"
	"io"
	"math"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// TestMain runs the test binary as the load, or as the leaky server of
// TestSmokeLeakFails, when soak's run starts it so; otherwise it runs
// the tests.
func TestMain(m *testing.M) {
	switch role := os.Getenv(roleEnv); role {
	case "":
		goleak.VerifyTestMain(m)
	case roleLeaky:
		leakyServer()
	default:
		os.Exit(runRole(role, os.Args[1:]))
	}
}

func TestMessage(t *testing.T) {
	buf := make([]byte, 256)
	seen := map[string]bool{}
	lengths := map[int]bool{}
	for conn := range uint32(4) {
		for seq := range uint64(500) {
			m := message(buf, conn, seq)
			if len(m) < headerSize || len(m) > len(buf) {
				t.Fatalf("message(%d, %d) is %d bytes, want %d to %d", conn, seq, len(m), headerSize, len(buf))
			}
			if c, s, n := binary.BigEndian.Uint32(m), binary.BigEndian.Uint64(m[4:]), binary.BigEndian.Uint32(m[12:]); c != conn || s != seq || int(n) != len(m) {
				t.Fatalf("message(%d, %d) header says connection %d, message %d, %d bytes (is %d)", conn, seq, c, s, n, len(m))
			}
			if seen[string(m)] {
				t.Fatalf("message(%d, %d) repeats an earlier message", conn, seq)
			}
			seen[string(m)] = true
			lengths[len(m)] = true
			if again := message(make([]byte, 256), conn, seq); string(again) != string(m) {
				t.Fatalf("message(%d, %d) differs between calls", conn, seq)
			}
		}
	}
	if len(lengths) < 100 {
		t.Errorf("2,000 messages took only %d lengths, want them spread over 16..256", len(lengths))
	}
	if m := message(make([]byte, headerSize), 1, 1); len(m) != headerSize {
		t.Errorf("with -size %d a message is %d bytes", headerSize, len(m))
	}
}

func TestMismatch(t *testing.T) {
	sent := message(make([]byte, 64), 3, 7)
	if d := mismatch(sent, append([]byte(nil), sent...)); d != "" {
		t.Errorf("mismatch of equal messages = %q", d)
	}
	mangled := append([]byte(nil), sent...)
	mangled[len(mangled)-1] ^= 1
	if d := mismatch(sent, mangled); !strings.Contains(d, "at byte") || strings.Contains(d, "header") {
		t.Errorf("mismatch in the payload = %q; want the byte, no header", d)
	}
	// The echo of the connection's previous message, cut to this length.
	stale := message(make([]byte, 64), 3, 6)
	stale = append(stale, make([]byte, len(sent))...)[:len(sent)]
	if d := mismatch(sent, stale); !strings.Contains(d, "connection 3, message 6") {
		t.Errorf("mismatch of a stale echo = %q; want it to name message 6", d)
	}
}

// echoServer serves on a loopback port until the test ends, passing each
// chunk read through mangle before writing it back.
func echoServer(t *testing.T, mangle func([]byte)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Go(func() {
				buf := make([]byte, 4096)
				for {
					n, err := c.Read(buf)
					if err != nil {
						return
					}
					mangle(buf[:n])
					if _, err := c.Write(buf[:n]); err != nil {
						return
					}
				}
			})
		}
	})
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return ln.Addr().String()
}

// driveLoad runs loadRole against addr in a goroutine, returning its
// stdin, its stdout a line at a time, and its result.
func driveLoad(t *testing.T, addr string) (stdin io.WriteCloser, lines *bufio.Scanner, result <-chan error) {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := loadRole([]string{"-addr", addr, "-conns", "4", "-size", "100", "-timeout", "10s"}, inR, outW)
		outW.Close()
		done <- err
	}()
	t.Cleanup(func() { inW.Close() })
	return inW, bufio.NewScanner(outR), done
}

func TestLoadRole(t *testing.T) {
	addr := echoServer(t, func([]byte) {})
	stdin, lines, result := driveLoad(t, addr)
	if !lines.Scan() || lines.Text() != answerReady {
		t.Fatalf("load's first line = %q, want %q", lines.Text(), answerReady)
	}
	var last uint64
	for range 3 {
		time.Sleep(20 * time.Millisecond)
		io.WriteString(stdin, requestStats+"\n")
		if !lines.Scan() {
			t.Fatal("load ended before answering")
		}
		n, err := parseCount(lines.Text(), answerMessages)
		if err != nil {
			t.Fatal(err)
		}
		if n < last {
			t.Errorf("messages went from %d down to %d", last, n)
		}
		last = n
	}
	if last == 0 {
		t.Error("no message echoed")
	}
	stdin.Close()
	if err := <-result; err != nil {
		t.Errorf("load after its stdin closed: %v", err)
	}
}

func TestLoadRoleCatchesMangledEcho(t *testing.T) {
	var count sync.Mutex
	n := 0
	addr := echoServer(t, func(b []byte) {
		count.Lock()
		defer count.Unlock()
		if n++; n == 300 { // one bad byte, well after every connection's first echo
			b[len(b)-1] ^= 0x20
		}
	})
	_, lines, result := driveLoad(t, addr)
	if !lines.Scan() || lines.Text() != answerReady {
		t.Fatalf("load's first line = %q, want %q", lines.Text(), answerReady)
	}
	select {
	case err := <-result:
		if err == nil || !strings.Contains(err.Error(), "differs from the message") || !strings.Contains(err.Error(), "connection ") {
			t.Errorf("load with a mangled echo: %v; want an error naming the connection and the byte", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("load did not notice the mangled echo")
	}
}

func TestParseLoadFlags(t *testing.T) {
	c, err := parseLoadFlags([]string{"-addr", "127.0.0.1:1", "-conns", "3", "-size", "64", "-timeout", "1s"})
	if err != nil || c != (loadConfig{"127.0.0.1:1", 3, 64, time.Second}) {
		t.Errorf("parseLoadFlags = %+v, %v", c, err)
	}
	if _, err := parseLoadFlags([]string{"-addr", "127.0.0.1:1", "-conns", "3", "-size", "8", "-timeout", "1s"}); err == nil {
		t.Error("a size below the header was accepted")
	}
}

func TestParseFlags(t *testing.T) {
	c, err := parseFlags(nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.duration != 10*time.Minute || c.interval != 10*time.Second || c.warmup != time.Minute || c.conns != 50 {
		t.Errorf("defaults = %+v", c)
	}
	if _, err := parseFlags([]string{"-duration", "3s", "-interval", "1s", "-warmup", "1s"}); err != nil {
		t.Errorf("the smallest soak: %v", err)
	}
	for _, bad := range [][]string{
		{"-duration", "3s", "-interval", "1s", "-warmup", "2s"}, // 2 samples to judge
		{"-duration", "0s"},
		{"-warmup", "10m"},
		{"-size", "15"},
		{"-conns", "0"},
		{"stray"},
	} {
		if _, err := parseFlags(bad); err == nil {
			t.Errorf("parseFlags(%q) succeeded, want an error", bad)
		}
	}
}

func TestSampleTimes(t *testing.T) {
	got := sampleTimes(25*time.Second, 10*time.Second)
	want := []time.Duration{0, 10 * time.Second, 20 * time.Second, 25 * time.Second}
	if len(got) != len(want) {
		t.Fatalf("sampleTimes = %v, want %v", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("sampleTimes = %v, want %v", got, want)
		}
	}
	if n := judged(sampleTimes(10*time.Minute, 10*time.Second), time.Minute); n != 55 {
		t.Errorf("a default run judges %d samples, want 55", n)
	}
}

func TestClock(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0:                       "0:00",
		10 * time.Second:        "0:10",
		10 * time.Minute:        "10:00",
		time.Hour + time.Second: "1:00:01",
		1500 * time.Millisecond: "0:01.5",
	} {
		if got := clock(d); got != want {
			t.Errorf("clock(%v) = %q, want %q", d, got, want)
		}
	}
}

// soakOf returns samples every 10 s for 10 minutes, the values from f.
func soakOf(f func(i int) (rssKiB uint64, fds, goroutines int)) []sample {
	var xs []sample
	for i, at := range sampleTimes(10*time.Minute, 10*time.Second) {
		x := sample{at: at, messages: uint64(i) * 300000, rate: 30000}
		x.rssKiB, x.fds, x.goroutines = f(i)
		xs = append(xs, x)
	}
	return xs
}

func TestJudgeAndReport(t *testing.T) {
	cfg, err := parseFlags(nil)
	if err != nil {
		t.Fatal(err)
	}
	flat := soakOf(func(i int) (uint64, int, int) {
		if i < 3 { // the warmup's samples are not judged
			return 2000, 40, 2
		}
		return 8000 + uint64(i%4)*200, 62, 4
	})
	vs, err := judge(flat, cfg.warmup)
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := report(&out, vs, flat, cfg); err != nil {
		t.Errorf("report of a flat soak: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "soak: PASS") || !strings.Contains(out.String(), "judged 55 samples") {
		t.Errorf("report of a flat soak:\n%s", out.String())
	}

	leaky := soakOf(func(i int) (uint64, int, int) { return 8000, 62 + i/6, 4 })
	vs, err = judge(leaky, cfg.warmup)
	if err != nil {
		t.Fatal(err)
	}
	out.Reset()
	err = report(&out, vs, leaky, cfg)
	if err == nil || !strings.Contains(err.Error(), "fds kept growing") || !strings.Contains(err.Error(), "up 6 (") ||
		strings.Contains(err.Error(), "goroutines") || strings.Contains(err.Error(), "RSS") {
		t.Errorf("report of leaking descriptors: %v; want fds named, up 6", err)
	}
	if !strings.Contains(out.String(), "GROWING") {
		t.Errorf("the table does not mark the growth:\n%s", out.String())
	}
}

func TestRow(t *testing.T) {
	x := sample{at: 70 * time.Second, messages: 123, rate: math.NaN(), rssKiB: 4500, fds: 62, goroutines: 4}
	if got := strings.Fields(x.row()); strings.Join(got, " ") != "1:10 123 - 4500 62 4" {
		t.Errorf("row = %q", x.row())
	}
}

func TestStderrLog(t *testing.T) {
	var l stderrLog
	if l.String() != "(empty)" {
		t.Errorf("empty log = %q", l.String())
	}
	l.Write([]byte("panic: boom\n"))
	l.Write([]byte(strings.Repeat("x", 3*logKeep)))
	l.Write([]byte("\nexit status 2"))
	s := l.String()
	if !strings.HasPrefix(s, "panic: boom") || !strings.HasSuffix(s, "exit status 2") || !strings.Contains(s, " … ") {
		t.Errorf("log keeps %.40q … %.40q", s, s[max(0, len(s)-40):])
	}
	if len(s) > 2*logKeep+10 {
		t.Errorf("log keeps %d bytes, want at most about %d", len(s), 2*logKeep)
	}
}

func TestCountFDs(t *testing.T) {
	before, err := countFDs("/proc", os.Getpid())
	if err != nil {
		t.Fatalf("soak reads /proc: %v", err)
	}
	f, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	after, err := countFDs("/proc", os.Getpid())
	f.Close()
	if err != nil || after != before+1 {
		t.Errorf("countFDs after opening a file = %d, %v; want %d", after, err, before+1)
	}
}

func TestParseCount(t *testing.T) {
	if n, err := parseCount("goroutines 4", answerGoroutines); n != 4 || err != nil {
		t.Errorf("parseCount = %d, %v", n, err)
	}
	for _, bad := range []string{"goroutines", "goroutines x", "messages 4", ""} {
		if _, err := parseCount(bad, answerGoroutines); err == nil {
			t.Errorf("parseCount(%q) succeeded", bad)
		}
	}
}
