package pin

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// Child is a process a Group started, pinned to its CPUs with taskset. It
// leads its own process group, so killing the group kills it and anything
// it started; and it gets SIGKILL if the harness dies first (Pdeathsig).
// The kernel ties Pdeathsig to the thread that forked, and the Go runtime
// retires a thread only when a goroutine exits locked to it, which never
// happens here.
type Child struct {
	Name string
	// Pid is the program's own: taskset sets the affinity and then execs
	// it, so /proc/<Pid> describes it.
	Pid int
	// Out keeps the tail of stderr, and of stdout unless Driven.
	Out *Tail
	// Lines is stdout, one line at a time, for a driven child; closed at
	// EOF (at once for one that is not driven).
	Lines <-chan string

	outName string // what Out holds, for error messages
	cmd     *exec.Cmd
	stdin   *os.File // write end of stdin, for a driven child
	done    chan struct{}
	err     error // Wait's result, set before done closes
	owner   *Group
}

// Group is the set of children not yet reaped, so that every exit path of
// the harness can kill them all.
type Group struct {
	mu sync.Mutex
	m  map[*Child]struct{}
}

// NewGroup returns an empty group.
func NewGroup() *Group { return &Group{m: map[*Child]struct{}{}} }

// Options say how a child's standard streams are wired.
type Options struct {
	// Driven: stdout comes back line by line (Lines), stderr goes to Out,
	// and stdin is a pipe that Stop closes to tell the child to stop.
	// Otherwise stdout and stderr both go to Out and the child reads
	// nothing.
	Driven bool
	// Keep is how many bytes of output Out keeps; 0 means 4096.
	Keep int
}

// Start runs bin with args on the CPUs in cpus (taskset's list: "0" or
// "0,1"), its streams wired as o says.
func (g *Group) Start(name, cpus string, o Options, bin string, args ...string) (*Child, error) {
	if o.Keep == 0 {
		o.Keep = 4096
	}
	argv := append([]string{"-c", cpus, bin}, args...)
	lines := make(chan string, 16)
	c := &Child{Name: name, cmd: exec.Command("taskset", argv...), Out: NewTail(o.Keep),
		Lines: lines, outName: "output", done: make(chan struct{}), owner: g}
	c.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	c.cmd.Stderr = c.Out
	var outR, inR *os.File
	if !o.Driven {
		c.cmd.Stdout = c.Out
		close(lines)
	} else {
		c.outName = "stderr"
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
	c.Pid = c.cmd.Process.Pid
	g.mu.Lock()
	g.m[c] = struct{}{}
	g.mu.Unlock()
	if outR != nil {
		go readLines(outR, lines)
	}
	go c.wait()
	return c, nil
}

// readLines forwards stdout line by line until EOF.
func readLines(r *os.File, lines chan<- string) {
	defer close(lines)
	defer r.Close()
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		lines <- sc.Text()
	}
}

// wait reaps the child and forgets it.
func (c *Child) wait() {
	c.err = c.cmd.Wait()
	c.owner.mu.Lock()
	delete(c.owner.m, c)
	c.owner.mu.Unlock()
	close(c.done)
}

// Exited reports whether the child has been reaped.
func (c *Child) Exited() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// Err is how the child ended (exec.Cmd.Wait's result); nil until Exited.
func (c *Child) Err() error {
	if !c.Exited() {
		return nil
	}
	return c.err
}

// Kill ends the child's process group and waits for the child to be
// reaped (a SIGKILLed process is, promptly).
func (c *Child) Kill() {
	if !c.Exited() {
		syscall.Kill(-c.Pid, syscall.SIGKILL)
	}
	<-c.done
	if c.stdin != nil {
		c.stdin.Close()
	}
}

// Tell writes line and a newline to a driven child's stdin: how the
// harness lets a child that waits for it go on.
func (c *Child) Tell(line string) error {
	if c.stdin == nil {
		return fmt.Errorf("tell %s %q: it is not driven and has no stdin", c.Name, line)
	}
	if _, err := io.WriteString(c.stdin, line+"\n"); err != nil {
		return fmt.Errorf("tell %s %q: %w", c.Name, line, err)
	}
	return nil
}

// Stop closes the child's stdin and gives it grace to exit on its own
// before killing it.
func (c *Child) Stop(grace time.Duration) {
	if c.stdin != nil {
		c.stdin.Close()
	}
	select {
	case <-c.done:
	case <-time.After(grace):
	}
	c.Kill()
}

// WaitExit waits for the child to exit on its own, killing it if timeout
// passes or ctx ends first.
func (c *Child) WaitExit(ctx context.Context, timeout time.Duration) error {
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-c.done:
		return c.err
	case <-t.C:
		c.Kill()
		return fmt.Errorf("%s: still running after %v, killed; output: %s", c.Name, timeout, c.Out)
	case <-ctx.Done():
		c.Kill()
		return context.Cause(ctx)
	}
}

// Expect returns the next line of a driven child's stdout, failing when
// the child exits, when timeout passes, or when ctx is cancelled.
func (c *Child) Expect(ctx context.Context, what string, timeout time.Duration) (string, error) {
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case line, ok := <-c.Lines:
		if !ok {
			<-c.done
			return "", fmt.Errorf("%s exited (%v) before %s; stderr: %s", c.Name, c.err, what, c.Out)
		}
		return line, nil
	case <-t.C:
		return "", fmt.Errorf("%s: no %s within %v; stderr: %s", c.Name, what, timeout, c.Out)
	case <-ctx.Done():
		return "", fmt.Errorf("%s: waiting for %s: %w", c.Name, what, context.Cause(ctx))
	}
}

// ExpectLine is Expect that also checks the line is want.
func (c *Child) ExpectLine(ctx context.Context, want string, timeout time.Duration) error {
	line, err := c.Expect(ctx, fmt.Sprintf("%q", want), timeout)
	if err != nil {
		return err
	}
	if line != want {
		return fmt.Errorf("%s printed %q, want %q", c.Name, line, want)
	}
	return nil
}

// KillAll kills every child still running; the harness defers it, so no
// exit path leaves a process behind.
func (g *Group) KillAll() {
	g.mu.Lock()
	cs := make([]*Child, 0, len(g.m))
	for c := range g.m {
		cs = append(cs, c)
	}
	g.mu.Unlock()
	for _, c := range cs {
		c.Kill()
	}
}

// Len is the number of children not yet reaped.
func (g *Group) Len() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.m)
}
