package browser

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// patience bounds each wait of these tests for another process: generous,
// since the machines that run them are shared and slow, and nothing here
// measures speed.
const patience = 60 * time.Second

// logTail keeps the last lines a process wrote, for a failure to show.
type logTail struct {
	mu    sync.Mutex
	lines []string
}

const tailLines = 40

func (l *logTail) add(line string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.lines) == tailLines {
		l.lines = l.lines[1:]
	}
	l.lines = append(l.lines, line)
}

func (l *logTail) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

// process is a program a test started, in a process group of its own so
// that whatever it starts in turn (Chromium's renderers) ends with it.
type process struct {
	name   string
	cmd    *exec.Cmd
	stderr logTail
	// lines has the lines of stdout or stderr (whichever the test reads)
	// until the program closes it; drained is closed after the last.
	lines   chan string
	drained chan struct{}
	exited  chan struct{}
	err     error // of Wait, once exited is closed
}

// start runs name with args, sending the lines of the stream it writes
// its addresses to (stdout, or stderr if fromStderr) to p.lines and
// keeping the last of stderr's. t.Cleanup kills the process group.
func start(t *testing.T, fromStderr bool, name string, args ...string) *process {
	t.Helper()
	p := &process{
		name:    filepath.Base(name),
		cmd:     exec.Command(name, args...),
		lines:   make(chan string, 64),
		drained: make(chan struct{}),
		exited:  make(chan struct{}),
	}
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", name, err)
	}
	addrs, other := stdout, stderr
	if fromStderr {
		addrs, other = stderr, stdout
	}
	var readers sync.WaitGroup
	readers.Go(func() { p.scan(addrs, fromStderr) })
	readers.Go(func() { p.drain(other, !fromStderr) })
	go func() {
		readers.Wait() // Wait must not run before the pipes are read to their end
		p.err = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() { p.kill(t) })
	return p
}

// scan sends r's lines to p.lines, keeping them too if they are stderr's.
func (p *process) scan(r io.Reader, isStderr bool) {
	defer close(p.drained)
	defer close(p.lines)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if isStderr {
			p.stderr.add(sc.Text())
		}
		select {
		case p.lines <- sc.Text():
		default: // nobody is looking for more lines
		}
	}
	io.Copy(io.Discard, r) // a line too long for the scanner
}

// drain reads r to its end, keeping its lines if they are stderr's.
func (p *process) drain(r io.Reader, isStderr bool) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if isStderr {
			p.stderr.add(sc.Text())
		}
	}
	io.Copy(io.Discard, r)
}

// waitLine returns the part after prefix of the first line that starts
// with it, waiting at most patience.
func (p *process) waitLine(t *testing.T, prefix string) string {
	t.Helper()
	deadline := time.NewTimer(patience)
	defer deadline.Stop()
	for {
		select {
		case line, ok := <-p.lines:
			if !ok {
				<-p.exited
				t.Fatalf("%s ended (%v) without a line starting %q; its stderr ends:\n%s", p.name, p.err, prefix, &p.stderr)
			}
			if rest, found := strings.CutPrefix(line, prefix); found {
				return rest
			}
		case <-deadline.C:
			t.Fatalf("%s wrote no line starting %q within %v; its stderr ends:\n%s", p.name, prefix, patience, &p.stderr)
		}
	}
}

// kill ends the process group unless the process has exited, and waits
// for the readers of its pipes.
func (p *process) kill(t *testing.T) {
	select {
	case <-p.exited:
	default:
		// The group's id is the process's, which has not been waited
		// for, so it cannot have been reused.
		syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	}
	select {
	case <-p.exited:
	case <-time.After(patience):
		t.Errorf("%s did not end within %v of SIGKILL", p.name, patience)
	}
}

// buildChat builds the chat example into a temporary directory and
// returns the program's path.
func buildChat(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command, to build the chat: %v", err)
	}
	exe := filepath.Join(t.TempDir(), "chat")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	// The chat is in the main module, one directory up from this one's.
	build := exec.CommandContext(ctx, goTool, "build", "-o", exe, "./examples/chat")
	build.Dir = filepath.Join("..", "..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./examples/chat: %v\n%s", err, out)
	}
	return exe
}

// chatServer is the chat example, running.
type chatServer struct {
	*process
	addr string // the line clients' host:port
	page string // the page's URL
}

// startChat runs the chat built at exe with its page, on ports the
// kernel picks, and waits until it says where it listens.
func startChat(t *testing.T, exe string) *chatServer {
	t.Helper()
	p := start(t, false, exe, "-addr", "127.0.0.1:0", "-http", "127.0.0.1:0", "-grace", "10s")
	s := &chatServer{process: p}
	s.addr = p.waitLine(t, "chat: listening on ")
	s.page = p.waitLine(t, "chat: the page is at ")
	return s
}

// chromiumPath is where Debian puts Chromium; CHROMIUM overrides it.
func chromiumPath() string {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

// startChromium starts headless Chromium with its DevTools on a port it
// picks and returns the browser's DevTools WebSocket URL, which it
// prints on stderr.
func startChromium(t *testing.T) string {
	t.Helper()
	exe := chromiumPath()
	if _, err := os.Stat(exe); err != nil {
		t.Fatalf("Chromium is needed for this test (apt-get install chromium, or set CHROMIUM): %v", err)
	}
	p := start(t, true, exe,
		"--headless", "--no-sandbox", "--remote-debugging-port=0",
		"--user-data-dir="+t.TempDir(), // a fresh profile, never the user's
		"--no-first-run", "--no-default-browser-check", "--disable-gpu",
		"--disable-dev-shm-usage", "--hide-scrollbars", "--mute-audio",
		"about:blank")
	url := p.waitLine(t, "DevTools listening on ")
	if !strings.HasPrefix(url, "ws://") {
		t.Fatalf("Chromium's DevTools are at %q, want a ws:// URL", url)
	}
	return url
}

// String names the server in failures.
func (s *chatServer) String() string {
	return fmt.Sprintf("chat on %s and %s", s.addr, s.page)
}
