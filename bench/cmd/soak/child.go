package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// roleEnv names the environment variable that makes this program the
// load rather than soak itself; its value is the role, "load". Soak sets
// it when it starts itself again; a test binary, whose flags belong to the
// testing package, reads it the same way in TestMain.
const roleEnv = "ASYNCGO_SOAK_ROLE"

// roleLoad is the one role a child of this program plays.
const roleLoad = "load"

// child is a process soak started, pinned to one CPU with taskset, and
// driven over its stdin and stdout: soak writes a request line and reads
// the answer line.
//
// It leads a process group of its own, so kill takes it and anything it
// started, and the kernel sends it SIGKILL if the thread that started it
// dies (Pdeathsig), which in Go means when soak dies: the runtime retires
// a thread only when a goroutine exits while locked to it, and none does
// here. Its stdin closing also stops it, the same way.
type child struct {
	name   string
	pid    int
	cmd    *exec.Cmd
	stdin  *os.File    // write end of the child's stdin
	lines  chan string // the child's stdout, a line at a time; closed at EOF
	stderr *stderrLog
	done   chan struct{} // closed once the child is reaped
	err    error         // what Wait returned; set before done closes
}

// startPinned runs bin with args on CPU cpu, through taskset, adding env
// to soak's environment.
func startPinned(name string, cpu int, env []string, bin string, args ...string) (*child, error) {
	argv := append([]string{"-c", strconv.Itoa(cpu), bin}, args...)
	c := &child{
		name:   name,
		cmd:    exec.Command("taskset", argv...),
		lines:  make(chan string, 16),
		stderr: new(stderrLog),
		done:   make(chan struct{}),
	}
	c.cmd.Env = append(os.Environ(), env...)
	c.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	c.cmd.Stderr = c.stderr
	// Pipes of our own rather than StdoutPipe, whose reader Wait closes,
	// possibly before the last lines are read.
	inR, inW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("start %s: stdin pipe: %w", name, err)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		inR.Close()
		inW.Close()
		return nil, fmt.Errorf("start %s: stdout pipe: %w", name, err)
	}
	c.cmd.Stdin, c.cmd.Stdout, c.stdin = inR, outW, inW
	err = c.cmd.Start()
	inR.Close() // the child has its own copies now
	outW.Close()
	if err != nil {
		inW.Close()
		outR.Close()
		return nil, fmt.Errorf("start %s (taskset -c %d %s): %w", name, cpu, bin, err)
	}
	// taskset sets the affinity and execs bin, so this pid is bin's own:
	// /proc/<pid> describes it, not taskset.
	c.pid = c.cmd.Process.Pid
	go c.readLines(outR)
	go func() {
		c.err = c.cmd.Wait()
		close(c.done)
	}()
	return c, nil
}

// readLines forwards the child's stdout a line at a time until EOF.
func (c *child) readLines(r *os.File) {
	defer close(c.lines)
	defer r.Close()
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		c.lines <- sc.Text()
	}
}

// exited reports whether the child has been reaped.
func (c *child) exited() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// exitError describes the child's end, quoting its stderr; it waits for
// the child to be reaped, which follows soon after its stdout closes.
func (c *child) exitError() error {
	select {
	case <-c.done:
	case <-time.After(time.Second):
		return fmt.Errorf("%s closed its stdout; stderr: %s", c.name, c.stderr)
	}
	if c.err != nil {
		return fmt.Errorf("%s exited (%v); stderr: %s", c.name, c.err, c.stderr)
	}
	return fmt.Errorf("%s exited; stderr: %s", c.name, c.stderr)
}

// expect returns the child's next line of stdout, failing when the child
// exits, when timeout passes, or when ctx ends.
func (c *child) expect(ctx context.Context, what string, timeout time.Duration) (string, error) {
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case line, ok := <-c.lines:
		if !ok {
			return "", fmt.Errorf("waiting for %s: %w", what, c.exitError())
		}
		return line, nil
	case <-t.C:
		return "", fmt.Errorf("%s: no %s within %v; stderr: %s", c.name, what, timeout, c.stderr)
	case <-ctx.Done():
		return "", fmt.Errorf("%s: waiting for %s: %w", c.name, what, context.Cause(ctx))
	}
}

// ask writes req as a line to the child's stdin and returns the line it
// answers with, within timeout.
func (c *child) ask(ctx context.Context, req string, timeout time.Duration) (string, error) {
	if _, err := fmt.Fprintln(c.stdin, req); err != nil {
		if c.exited() {
			return "", fmt.Errorf("asking for %s: %w", req, c.exitError())
		}
		return "", fmt.Errorf("%s: write request %q: %w", c.name, req, err)
	}
	return c.expect(ctx, "answer to "+strconv.Quote(req), timeout)
}

// stop closes the child's stdin, which asks it to finish, and waits up to
// grace for it to exit. It fails if the child exits with an error, prints
// more than it was asked for, or must be killed.
func (c *child) stop(grace time.Duration) error {
	c.stdin.Close()
	select {
	case <-c.done:
	case <-time.After(grace):
		c.kill()
		return fmt.Errorf("%s did not exit within %v of its stdin closing; killed; stderr: %s", c.name, grace, c.stderr)
	}
	if c.err != nil {
		return fmt.Errorf("%s exited (%v) when asked to stop; stderr: %s", c.name, c.err, c.stderr)
	}
	if line, ok := <-c.lines; ok {
		return fmt.Errorf("%s printed %q, unasked, before it stopped", c.name, line)
	}
	return nil
}

// kill ends the child's process group, if the child is still running, and
// waits for the child to be reaped, which for SIGKILL is prompt.
func (c *child) kill() {
	if !c.exited() {
		syscall.Kill(-c.pid, syscall.SIGKILL)
	}
	<-c.done
	c.stdin.Close()
	for range c.lines { // let readLines finish
	}
}

// stderrLog keeps the start and the end of what a child writes to
// stderr, for error messages: a Go panic's message comes first, before
// the goroutines' stacks, and the error a child returns comes last.
type stderrLog struct {
	mu      sync.Mutex
	head    []byte // the first logKeep bytes
	tail    []byte // the last logKeep bytes after head
	dropped bool   // bytes between head and tail were dropped
}

// logKeep is how much of its start and of its end a stderrLog keeps.
const logKeep = 2048

// Write keeps p's bytes while head has room, and the newest logKeep of
// the rest.
func (l *stderrLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := len(p)
	if room := logKeep - len(l.head); room > 0 {
		k := min(room, len(p))
		l.head = append(l.head, p[:k]...)
		p = p[k:]
	}
	l.tail = append(l.tail, p...)
	if over := len(l.tail) - logKeep; over > 0 {
		l.tail = append(l.tail[:0], l.tail[over:]...)
		l.dropped = true
	}
	return n, nil
}

// String returns what was kept on one line, "…" marking what was
// dropped, or "(empty)".
func (l *stderrLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := string(l.head)
	if l.dropped {
		s += " … "
	}
	s = strings.Join(strings.Fields(s+string(l.tail)), " ")
	if s == "" {
		return "(empty)"
	}
	return s
}
