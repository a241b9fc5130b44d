package main

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
)

// child is a process the harness started, pinned with taskset. It leads
// its own process group, so killing the group kills it and anything it
// started, and it gets SIGKILL if the harness dies first (Pdeathsig; the
// kernel ties it to the forking thread, which the Go runtime retires only
// when a goroutine exits locked to it, which never happens here).
type child struct {
	name  string
	cmd   *exec.Cmd
	pid   int
	out   *tail // stdout and stderr
	done  chan struct{}
	err   error // Wait's result, set before done closes
	owner *procs
}

// procs is the set of children not yet reaped, so that every exit path of
// the harness can kill them all.
type procs struct {
	mu sync.Mutex
	m  map[*child]struct{}
}

func newProcs() *procs { return &procs{m: map[*child]struct{}{}} }

// startPinned runs bin with args on the CPUs in cpus (taskset's list),
// keeping the tail of its output.
func (p *procs) startPinned(name, cpus string, keep int, bin string, args ...string) (*child, error) {
	argv := append([]string{"-c", cpus, bin}, args...)
	c := &child{name: name, cmd: exec.Command("taskset", argv...), out: newTail(keep), done: make(chan struct{}), owner: p}
	c.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	c.cmd.Stdout, c.cmd.Stderr = c.out, c.out
	if err := c.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s (taskset -c %s %s): %w", name, cpus, bin, err)
	}
	// taskset sets the affinity and then execs bin, so this pid is the
	// program's own and /proc/<pid> describes it.
	c.pid = c.cmd.Process.Pid
	p.mu.Lock()
	p.m[c] = struct{}{}
	p.mu.Unlock()
	go c.wait()
	return c, nil
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

// kill ends the child's process group and waits until it is reaped.
func (c *child) kill() {
	if !c.exited() {
		syscall.Kill(-c.pid, syscall.SIGKILL)
	}
	<-c.done
}

// waitExit waits for the child to exit on its own, killing it if timeout
// passes or ctx ends first.
func (c *child) waitExit(ctx context.Context, timeout time.Duration) error {
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-c.done:
		return c.err
	case <-t.C:
		c.kill()
		return fmt.Errorf("%s: still running after %v, killed; output: %s", c.name, timeout, c.out)
	case <-ctx.Done():
		c.kill()
		return context.Cause(ctx)
	}
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

// tail keeps the last bytes written to it.
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

// Bytes returns a copy of the kept bytes.
func (t *tail) Bytes() []byte {
	t.mu.Lock()
	defer t.mu.Unlock()
	return bytes.Clone(t.buf)
}

// String returns the kept bytes on one line, or "(empty)".
func (t *tail) String() string {
	s := strings.Join(strings.Fields(string(t.Bytes())), " ")
	if s == "" {
		return "(empty)"
	}
	return s
}
