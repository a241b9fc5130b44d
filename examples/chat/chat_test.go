package main

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// asCommandEnv makes the test binary act as the chat server, so that a
// test can run it as a process of its own and signal it.
const asCommandEnv = "CHAT_TEST_AS_COMMAND"

func TestMain(m *testing.M) {
	if os.Getenv(asCommandEnv) == "1" {
		main()
		os.Exit(0)
	}
	goleak.VerifyTestMain(m)
}

// patience bounds every wait of these tests; it is generous because the
// machines that run them are shared and slow, and no test measures speed.
const patience = 60 * time.Second

// chatProcess is a chat server running as a child process.
type chatProcess struct {
	cmd    *exec.Cmd
	addr   string // the line clients'
	page   string // the page's URL, given -http
	stderr *syncBuffer
}

// syncBuffer is a bytes.Buffer safe for the child's writes and the test's reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// startChat runs the server with args and waits until it listens (and
// serves its page, given -http).
func startChat(t *testing.T, args ...string) *chatProcess {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	p := &chatProcess{stderr: new(syncBuffer)}
	p.cmd = exec.Command(exe, append([]string{"-addr", "127.0.0.1:0"}, args...)...)
	p.cmd.Env = append(os.Environ(), asCommandEnv+"=1")
	p.cmd.Stderr = p.stderr
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			p.cmd.Process.Kill()
			p.cmd.Wait()
		}
	})
	out := bufio.NewReader(stdout)
	p.addr = p.said(t, out, "chat: listening on ")
	if slices.Contains(args, "-http") {
		p.page = p.said(t, out, "chat: the page is at ")
	}
	return p
}

// said reads the server's next line from out, which must start with
// prefix, and returns the rest.
func (p *chatProcess) said(t *testing.T, out *bufio.Reader, prefix string) string {
	t.Helper()
	line, err := out.ReadString('\n')
	rest, ok := strings.CutPrefix(strings.TrimSpace(line), prefix)
	if err != nil || !ok {
		t.Fatalf("the server printed %q (%v), want %q and an address; stderr:\n%s", line, err, prefix, p.stderr)
	}
	return rest
}

// stop sends sig to the server and waits for it to exit with status 0.
func (p *chatProcess) stop(t *testing.T, sig os.Signal) {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("after %v the server exited with %v; stderr:\n%s", sig, err, p.stderr)
		}
	case <-time.After(patience):
		p.cmd.Process.Kill()
		<-done
		t.Fatalf("the server did not exit within %v of %v; stderr:\n%s", patience, sig, p.stderr)
	}
}

// waitLog waits until the server has logged want.
func (p *chatProcess) waitLog(t *testing.T, want string) {
	t.Helper()
	for deadline := time.Now().Add(patience); !strings.Contains(p.stderr.String(), want); {
		if time.Now().After(deadline) {
			t.Fatalf("the server did not log %q; stderr:\n%s", want, p.stderr)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// chatClient is a client on plain net.
type chatClient struct {
	conn net.Conn
	r    *bufio.Reader
}

func dial(t *testing.T, addr string) *chatClient {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &chatClient{conn: c, r: bufio.NewReader(c)}
}

// dialSlow connects a client with a receive buffer as small as the kernel
// allows, so that it holds little of what it does not read.
func dialSlow(t *testing.T, addr string) *chatClient {
	t.Helper()
	d := net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
		return rc.Control(func(fd uintptr) {
			syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 1024)
		})
	}}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &chatClient{conn: c, r: bufio.NewReader(c)}
}

// send writes a line.
func (c *chatClient) send(t *testing.T, line string) {
	t.Helper()
	if _, err := c.conn.Write([]byte(line + "\n")); err != nil {
		t.Fatalf("sending %q: %v", line, err)
	}
}

// line reads the next line, without its newline.
func (c *chatClient) line() (string, error) {
	c.conn.SetReadDeadline(time.Now().Add(patience))
	l, err := c.r.ReadString('\n')
	return strings.TrimSuffix(l, "\n"), err
}

// expect reads lines until one starts with prefix and returns it.
func (c *chatClient) expect(t *testing.T, prefix string) string {
	t.Helper()
	for {
		l, err := c.line()
		if err != nil {
			t.Fatalf("waiting for a line starting %q: %v", prefix, err)
		}
		if strings.HasPrefix(l, prefix) {
			return l
		}
	}
}

// expectEOF reads lines until the server closes the connection.
func (c *chatClient) expectEOF(t *testing.T) {
	t.Helper()
	for {
		if _, err := c.line(); err != nil {
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				t.Fatalf("the server did not close the connection within %v", patience)
			}
			return
		}
	}
}

// TestChatFiftyClients drives 50 clients and one that never reads through
// the server, on each executor: every message of every client reaches
// every other client while the one that does not read is dropped with a
// reason; then SIGTERM shuts the server down, every client is told and
// disconnected, and the server exits with status 0.
func TestChatFiftyClients(t *testing.T) {
	for _, threads := range []string{"1", "2"} {
		t.Run("threads="+threads, func(t *testing.T) {
			testFiftyClients(t, threads)
		})
	}
}

func testFiftyClients(t *testing.T, threads string) {
	const clients, perClient = 50, 20
	p := startChat(t, "-threads", threads, "-queue", "2048", "-sndbuf", "4096", "-write", "2s", "-grace", "10s")

	// The slow client never reads. It names itself, so that the test
	// knows its name whichever session a MultiThread starts first.
	slow := dialSlow(t, p.addr)
	slow.send(t, "/nick slowpoke")

	cs := make([]*chatClient, clients)
	for i := range cs {
		cs[i] = dial(t, p.addr)
		cs[i].expect(t, "* welcome, guest")
		name := fmt.Sprintf("user%02d", i)
		cs[i].send(t, "/nick "+name)
		cs[i].expect(t, "* you are now "+name)
	}

	// Each client says perClient lines of a kilobyte, and reads until it
	// has every line of every other client, in each one's order.
	pad := strings.Repeat("x", 1000)
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for i, c := range cs {
		wg.Go(func() {
			for k := range perClient {
				if _, err := fmt.Fprintf(c.conn, "%d %s\n", k, pad); err != nil {
					errs <- fmt.Errorf("user%02d sending line %d: %v", i, k, err)
					return
				}
			}
		})
		wg.Go(func() {
			next := make(map[string]int) // the next line expected of each other client
			for got := 0; got < (clients-1)*perClient; {
				l, err := c.line()
				if err != nil {
					errs <- fmt.Errorf("user%02d after %d lines: %v", i, got, err)
					return
				}
				from, rest, ok := strings.Cut(l, ": ")
				if !ok || !strings.HasPrefix(from, "user") {
					continue // a line of the server's
				}
				var k int
				if _, err := fmt.Sscanf(rest, "%d ", &k); err != nil || k != next[from] || from == fmt.Sprintf("user%02d", i) {
					errs <- fmt.Errorf("user%02d got %.40q, want line %d of %s and none of its own", i, l, next[from], from)
					return
				}
				next[from]++
				got++
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if t.Failed() {
		t.FailNow()
	}
	p.waitLog(t, "dropped slowpoke: too slow")
	cs[0].expect(t, "* slowpoke was dropped: too slow")

	p.stop(t, syscall.SIGTERM)
	for _, c := range cs {
		c.expect(t, "* the server is shutting down, goodbye")
		c.expectEOF(t)
	}
	if log := p.stderr.String(); !strings.Contains(log, "terminated: shutting down") || !strings.Contains(log, "all sessions ended") {
		t.Errorf("the server's log lacks its shutdown:\n%s", log)
	}
}

// TestChatCommands checks /nick, its refusals, an unknown command and
// /quit, and what the others are told of each.
func TestChatCommands(t *testing.T) {
	p := startChat(t)
	a, b := dial(t, p.addr), dial(t, p.addr)
	a.expect(t, "* welcome, guest1")
	b.expect(t, "* welcome, guest2")
	a.expect(t, "* guest2 joined")

	a.send(t, "/nick ann")
	a.expect(t, "* you are now ann")
	b.expect(t, "* guest1 is now ann")
	b.send(t, "/nick ann")
	b.expect(t, "* the name ann is taken")
	b.send(t, "/nick has space")
	b.expect(t, "* a name is 1 to 32 letters")
	b.send(t, "/dance")
	b.expect(t, "* unknown command /dance")
	b.send(t, "hello")
	if got := a.expect(t, "guest2: "); got != "guest2: hello" {
		t.Errorf("ann got %q, want %q", got, "guest2: hello")
	}
	b.send(t, "/quit")
	b.expect(t, "* goodbye")
	b.expectEOF(t)
	a.expect(t, "* guest2 left")
	p.stop(t, os.Interrupt)
	a.expect(t, "* the server is shutting down, goodbye")
	a.expectEOF(t)
}

// TestChatLimits checks the idle timeout, the limit on clients and the
// limit on a line's length.
func TestChatLimits(t *testing.T) {
	p := startChat(t, "-idle", "300ms", "-max", "1")
	a := dial(t, p.addr)
	a.expect(t, "* welcome")
	full := dial(t, p.addr)
	full.expect(t, "* the server is full")
	full.expectEOF(t)
	a.expect(t, "* you were silent for 300ms, goodbye")
	a.expectEOF(t)

	b := dial(t, p.addr) // a's permit was given back
	b.expect(t, "* welcome")
	b.send(t, strings.Repeat("y", 2000))
	b.expect(t, "* lines are at most 1024 bytes, goodbye")
	b.expectEOF(t)
	p.stop(t, syscall.SIGTERM)
}

// TestChatGraceRunsOut checks that a shutdown does not wait forever for a
// client that takes nothing: after the grace period its session is
// aborted and the server exits with status 0 anyway.
func TestChatGraceRunsOut(t *testing.T) {
	p := startChat(t, "-write", "1h", "-grace", "500ms", "-sndbuf", "4096")
	stuck := dialSlow(t, p.addr)
	stuck.expect(t, "* welcome")
	talker := dial(t, p.addr)
	talker.expect(t, "* welcome")
	observer := dial(t, p.addr)
	observer.expect(t, "* welcome")
	// Fill stuck's socket: it reads nothing more, and its writer waits
	// for the socket for the hour that -write allows. 100 kB is more than
	// its buffers and the server's hold, and less than the room's ring.
	// Once the observer has every line, the room has them all, and
	// stuck's writer is blocked on them.
	line := strings.Repeat("z", 1000)
	for range 100 {
		talker.send(t, line)
	}
	for range 100 {
		observer.expect(t, "guest2: z")
	}
	p.stop(t, syscall.SIGTERM)
	p.waitLog(t, "still running after 500ms: aborting them")
}
