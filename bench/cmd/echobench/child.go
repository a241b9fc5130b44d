package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
)

// child is a server or load generator the harness started, pinned to its
// CPUs with taskset. It leads its own process group, so killing the group
// kills it and anything it started; and it gets SIGKILL if the harness
// dies first (Pdeathsig), so no run leaves a server behind. The kernel
// ties Pdeathsig to the thread that forked, and the Go runtime retires a
// thread only when a goroutine exits locked to it, which never happens here.
type child struct {
	name   string
	cmd    *exec.Cmd
	pid    int
	stderr *tail
	lines  chan string // stdout, one line at a time; closed at EOF
	stdin  *os.File    // write end of stdin, for a driven child
	done   chan struct{}
	err    error // Wait's result, set before done closes
	owner  *procs
}

// procs is the set of children not yet reaped, so that every exit path of
// the harness can kill them all.
type procs struct {
	mu sync.Mutex
	m  map[*child]struct{}
}

func newProcs() *procs { return &procs{m: map[*child]struct{}{}} }

// How a child's standard streams are wired.
type stdio int

const (
	// quiet, for servers: stdout and stderr both go to the tail kept for
	// errors; the child reads nothing.
	quiet stdio = iota
	// driven: stdout comes back line by line (lines), stderr to the tail,
	// and stdin is a pipe the harness closes to tell the child to stop.
	driven
)

// startPinned runs bin with args on the CPUs in cpus (taskset's list: "0"
// or "0,1"), its streams wired as w says.
func (p *procs) startPinned(name string, cpus string, w stdio, bin string, args ...string) (*child, error) {
	argv := append([]string{"-c", cpus, bin}, args...)
	c := &child{name: name, cmd: exec.Command("taskset", argv...), stderr: newTail(4096),
		lines: make(chan string, 16), done: make(chan struct{}), owner: p}
	c.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	c.cmd.Stderr = c.stderr
	var outR, inR *os.File
	if w == quiet {
		c.cmd.Stdout = c.stderr
		close(c.lines)
	} else {
		var outW *os.File
		var err error
		if outR, outW, err = os.Pipe(); err != nil {
			return nil, fmt.Errorf("start %s: stdout pipe: %w", name, err)
		}
		if inR, c.stdin, err = os.Pipe(); err != nil {
			outR.Close()
			outW.Close()
			return nil, fmt.Errorf("start %s: stdin pipe: %w", name, err)
		}
		c.cmd.Stdout, c.cmd.Stdin = outW, inR
		defer outW.Close() // after Start the child holds its own copies
		defer inR.Close()
	}
	if err := c.cmd.Start(); err != nil {
		if outR != nil {
			outR.Close()
			c.stdin.Close()
		}
		return nil, fmt.Errorf("start %s (taskset -c %s %s): %w", name, cpus, bin, err)
	}
	// taskset sets the affinity and then execs bin, so this pid is the
	// program's own and /proc/<pid> describes it.
	c.pid = c.cmd.Process.Pid
	p.mu.Lock()
	p.m[c] = struct{}{}
	p.mu.Unlock()
	if outR != nil {
		go c.readLines(outR)
	}
	go c.wait()
	return c, nil
}

// readLines forwards stdout line by line until EOF.
func (c *child) readLines(r *os.File) {
	defer close(c.lines)
	defer r.Close()
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		c.lines <- sc.Text()
	}
}

// wait reaps the child and forgets it.
func (c *child) wait() {
	c.err = c.cmd.Wait()
	c.owner.mu.Lock()
	delete(c.owner.m, c)
	c.owner.mu.Unlock()
	close(c.done)
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

// kill ends the child's process group and waits for the child to be
// reaped (a SIGKILLed process is, promptly).
func (c *child) kill() {
	if !c.exited() {
		syscall.Kill(-c.pid, syscall.SIGKILL)
	}
	<-c.done
	if c.stdin != nil {
		c.stdin.Close()
	}
}

// stop closes the child's stdin and gives it grace to exit on its own
// before killing it.
func (c *child) stop(grace time.Duration) {
	if c.stdin != nil {
		c.stdin.Close()
	}
	select {
	case <-c.done:
	case <-time.After(grace):
	}
	c.kill()
}

// expect returns the next line of stdout, failing when the child exits,
// when timeout passes, or when ctx is cancelled.
func (c *child) expect(ctx context.Context, what string, timeout time.Duration) (string, error) {
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case line, ok := <-c.lines:
		if !ok {
			<-c.done
			return "", fmt.Errorf("%s exited (%v) before %s; stderr: %s", c.name, c.err, what, c.stderr)
		}
		return line, nil
	case <-t.C:
		return "", fmt.Errorf("%s: no %s within %v; stderr: %s", c.name, what, timeout, c.stderr)
	case <-ctx.Done():
		return "", fmt.Errorf("%s: waiting for %s: %w", c.name, what, context.Cause(ctx))
	}
}

// expectLine is expect that also checks the line is want.
func (c *child) expectLine(ctx context.Context, want string, timeout time.Duration) error {
	line, err := c.expect(ctx, fmt.Sprintf("%q", want), timeout)
	if err != nil {
		return err
	}
	if line != want {
		return fmt.Errorf("%s printed %q, want %q", c.name, line, want)
	}
	return nil
}

// killAll kills every child still running; the harness defers it, so no
// exit path leaves a process behind.
func (p *procs) killAll() {
	p.mu.Lock()
	cs := make([]*child, 0, len(p.m))
	for c := range p.m {
		cs = append(cs, c)
	}
	p.mu.Unlock()
	for _, c := range cs {
		c.kill()
	}
}

// tail keeps the last bytes written to it, for error messages.
type tail struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func newTail(max int) *tail { return &tail{max: max} }

// Write keeps the newest t.max bytes of everything written.
func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(p), nil
}

// String returns the kept bytes on one line, or "(empty)".
func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := strings.Join(strings.Fields(string(t.buf)), " ")
	if s == "" {
		return "(empty)"
	}
	return s
}
