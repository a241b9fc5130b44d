package book

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
	"golang.org/x/sys/unix"

	"github.com/asyncgo/async/delayserver"
)

// TestChapter4 runs the program against an in-process delayserver with
// delays of 500, 400, 300, 200 and 100 ms, and checks what the book shows:
// the answers arrive in the order their delays end, and all of them within
// about the longest delay, far less than the sum.
func TestChapter4(t *testing.T) {
	eachImpl(t, func(t *testing.T, impl delayserver.Impl) {
		const step = 100 * time.Millisecond
		defer goleak.VerifyNone(t)
		defer checkFDs(t)()
		srv := startServer(t, impl, "127.0.0.1:0")
		defer closeServer(t, srv) // before the checks above, which run last

		var out strings.Builder
		start := time.Now()
		if err := Chapter4Delays(&out, srv.Addr(), step); err != nil {
			t.Fatalf("Chapter4Delays(%s, %v): %v", srv.Addr(), step, err)
		}
		elapsed := time.Since(start)

		checkAnswers(t, out.String(), []int{4, 3, 2, 1, 0})
		longest, sum := 5*step, 15*step
		if elapsed < longest || elapsed >= sum {
			t.Errorf("took %v; want at least the longest delay %v and less than the sum %v", elapsed, longest, sum)
		}
	})
}

// TestChapter4Addresses checks that the program reaches the server however
// its address is written. The order is not checked here, only that all five
// answers arrive.
func TestChapter4Addresses(t *testing.T) {
	tests := []struct {
		name, listen string
		dial         func(port string) string
	}{
		{"ipv4", "127.0.0.1:0", func(port string) string { return "127.0.0.1:" + port }},
		{"localhost", "127.0.0.1:0", func(port string) string { return "localhost:" + port }},
		{"ipv4-mapped", "127.0.0.1:0", func(port string) string { return "[::ffff:127.0.0.1]:" + port }},
		{"ipv6", "[::1]:0", func(port string) string { return "[::1]:" + port }},
	}
	eachImpl(t, func(t *testing.T, impl delayserver.Impl) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				defer goleak.VerifyNone(t)
				srv, err := delayserver.Start(impl, tt.listen, nil)
				if err != nil {
					t.Skipf("no server on %s: %v", tt.listen, err)
				}
				defer closeServer(t, srv)
				_, port, _ := net.SplitHostPort(srv.Addr())
				var out strings.Builder
				if err := Chapter4Delays(&out, tt.dial(port), 0); err != nil {
					t.Fatalf("Chapter4Delays(%s): %v", tt.dial(port), err)
				}
				checkAnswers(t, out.String(), nil)
			})
		}
	})
}

// TestChapter4Refused checks that a port with no listener gives an error
// that names the server and the cause, at once, instead of a hang.
func TestChapter4Refused(t *testing.T) {
	defer goleak.VerifyNone(t)
	defer checkFDs(t)()
	// A port that was free a moment ago is very likely still free.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	start := time.Now()
	err = Chapter4Delays(io.Discard, addr, 0)
	if err == nil {
		t.Fatalf("Chapter4Delays(%s) with no listener: no error", addr)
	}
	if !errors.Is(err, unix.ECONNREFUSED) || !strings.Contains(err.Error(), addr) {
		t.Errorf("error %q: want connection refused, naming %s", err, addr)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v to fail; want an immediate error", d)
	}
}

func TestChapter4NegativeStep(t *testing.T) {
	err := Chapter4Delays(io.Discard, "127.0.0.1:1", -time.Second)
	if err == nil || !strings.Contains(err.Error(), "-1s") {
		t.Errorf("negative step: error %v; want one naming the step", err)
	}
}

func TestResolve(t *testing.T) {
	tests := []struct {
		server  string
		domain  int
		host    string // the Host header
		wantErr string // a part of the error; "" for none
	}{
		{"127.0.0.1:8080", unix.AF_INET, "127.0.0.1:8080", ""},
		{"localhost:8080", unix.AF_INET, "localhost:8080", ""},
		{"LocalHost:80", unix.AF_INET, "LocalHost:80", ""},
		{"[::1]:8080", unix.AF_INET6, "[::1]:8080", ""},
		{"[::ffff:10.0.0.1]:80", unix.AF_INET, "[::ffff:10.0.0.1]:80", ""},
		{"127.0.0.1", 0, "", "missing port"},
		{"127.0.0.1:http", 0, "", `port "http"`},
		{"127.0.0.1:0", 0, "", `port "0"`},
		{"127.0.0.1:65536", 0, "", `port "65536"`},
		{"example.com:80", 0, "", `host "example.com" is not an IP address`},
		{"[fe80::1%eth0]:80", 0, "", "zones"},
	}
	for _, tt := range tests {
		got, err := resolve(tt.server)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), tt.server) {
				t.Errorf("resolve(%q): error %v; want one containing %q and the input", tt.server, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("resolve(%q): %v", tt.server, err)
			continue
		}
		if got.domain != tt.domain || got.host != tt.host {
			t.Errorf("resolve(%q) = domain %d, host %q; want %d, %q", tt.server, got.domain, got.host, tt.domain, tt.host)
		}
	}
}

// checkAnswers checks the program's output: five blocks, each a complete
// 200 answer whose body matches its token, then FINISHED. If order is not
// nil, the blocks must come in that order of tokens.
func checkAnswers(t *testing.T, out string, order []int) {
	t.Helper()
	blocks := strings.Split(out, "\n------\n\n")
	if len(blocks) != chapter4Requests+1 || blocks[chapter4Requests] != "FINISHED\n" {
		t.Fatalf("want %d answers and FINISHED; output:\n%s", chapter4Requests, out)
	}
	var got []int
	for _, block := range blocks[:chapter4Requests] {
		var tok int
		if _, err := fmt.Sscanf(block, "RECEIVED: token %d\n", &tok); err != nil {
			t.Fatalf("answer without its RECEIVED line: %v\n%s", err, block)
		}
		if !strings.Contains(block, "HTTP/1.1 200 OK\r\n") || !strings.HasSuffix(block, fmt.Sprintf("\r\n\r\nrequest-%d", tok)) {
			t.Errorf("token %d: want a 200 answer with body request-%d; got:\n%s", tok, tok, block)
		}
		got = append(got, tok)
	}
	if order != nil && !slices.Equal(got, order) {
		t.Errorf("answers came for tokens %v; want %v", got, order)
	}
	slices.Sort(got)
	if !slices.Equal(got, []int{0, 1, 2, 3, 4}) {
		t.Errorf("answers came for tokens %v; want each of 0 to 4 once", got)
	}
}

// eachImpl runs body as a subtest once per implementation of the
// delayserver: the programs must pass against net/http's server and
// against the runtime's own.
func eachImpl(t *testing.T, body func(t *testing.T, impl delayserver.Impl)) {
	t.Helper()
	for _, impl := range delayserver.Impls() {
		t.Run(impl.String(), func(t *testing.T) { body(t, impl) })
	}
}

// startServer starts a delayserver of impl on addr; the caller closes it
// with closeServer.
func startServer(t *testing.T, impl delayserver.Impl, addr string) *delayserver.Server {
	t.Helper()
	srv, err := delayserver.Start(impl, addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

func closeServer(t *testing.T, srv *delayserver.Server) {
	t.Helper()
	if err := srv.Close(); err != nil {
		t.Errorf("close delayserver: %v", err)
	}
}

// checkFDs records the open descriptors and returns a function that reports
// any opened since and still open, with what they point to. Defer it before
// starting the server, so that it runs after the server is closed: the
// server's descriptors count too.
func checkFDs(t *testing.T) func() {
	t.Helper()
	if _, err := os.Stat("/proc/self/fd"); err != nil {
		t.Log("no /proc/self/fd; descriptors are not counted")
		return func() {}
	}
	// The Go runtime opens its own poller on first use of the net package
	// and keeps it; open it now so it is not mistaken for a leak.
	if ln, err := net.Listen("tcp", "127.0.0.1:0"); err == nil {
		ln.Close()
	}
	before := openFDs(t)
	return func() {
		t.Helper()
		after := openFDs(t)
		for _, fd := range slices.Sorted(maps.Keys(after)) {
			if _, ok := before[fd]; !ok {
				t.Errorf("leaked file descriptor %s -> %s", fd, after[fd])
			}
		}
	}
}

// openFDs maps each open descriptor to its /proc link target. The directory
// read opens one descriptor itself, the same one each time.
func openFDs(t *testing.T) map[string]string {
	t.Helper()
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	fds := make(map[string]string, len(entries))
	for _, e := range entries {
		target, _ := os.Readlink(filepath.Join("/proc/self/fd", e.Name()))
		fds[e.Name()] = target
	}
	return fds
}
