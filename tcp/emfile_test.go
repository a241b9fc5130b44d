//go:build linux

package tcp

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/fdcheck"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/timer"
)

// emfileChildEnv, set to the address of the parent's control listener,
// makes TestAcceptAtFDLimit run the child's side.
const emfileChildEnv = "ASYNC_TCP_EMFILE_CHILD"

const (
	emfileHeadroom = 6  // descriptors the child may open past those it has
	emfileClients  = 12 // connections the parent makes: more than the headroom
)

// TestAcceptAtFDLimit runs a server out of descriptors and back. A child
// process (this test binary again) lowers its RLIMIT_NOFILE to a few
// descriptors more than it has open and serves echo; the parent connects
// more clients than the child can accept. Stuck at EMFILE, the child's
// accept must back off rather than spin: its CPU time over a second must
// stay far below a core's. Then the child closes the connections it has,
// and its accept loop, still running, must take the waiting clients,
// which the parent checks by echoing through each.
//
// The test is Linux's only because it counts the child's descriptors in
// /proc. Parent and child talk over a control connection, in lines: the child
// says "port N"; the parent connects and says "measure"; the child
// answers "cpu NS accepted N"; the parent says "free"; the child closes
// its connections and says "freed"; the parent echoes, then says "quit".
func TestAcceptAtFDLimit(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		if addr := os.Getenv(emfileChildEnv); addr != "" {
			emfileChild(t, x, addr)
			return
		}
		ctlL, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ctlL.Close()
		var out bytes.Buffer
		// The child runs this subtest only: the side of the same executor.
		cmd := exec.Command(os.Args[0], "-test.run=^TestAcceptAtFDLimit$/^"+x.Name+"$", "-test.count=1", "-test.timeout=60s")
		cmd.Env = append(os.Environ(), emfileChildEnv+"="+ctlL.Addr().String())
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		defer func() {
			select {
			case err := <-exited:
				if err != nil {
					t.Errorf("child: %v\n%s", err, out.Bytes())
				}
			case <-time.After(20 * time.Second):
				cmd.Process.Kill()
				<-exited
				t.Errorf("child did not exit\n%s", out.Bytes())
			}
		}()
		ctlL.(*net.TCPListener).SetDeadline(time.Now().Add(20 * time.Second))
		ctl, err := ctlL.Accept()
		if err != nil {
			t.Fatal(err)
		}
		defer ctl.Close()
		if err := emfileParent(t, ctl); err != nil {
			t.Error(err)
		}
	})
}

// emfileParent is the parent's side of the conversation.
func emfileParent(t *testing.T, ctl net.Conn) error {
	ctl.SetDeadline(time.Now().Add(30 * time.Second))
	in := bufio.NewReader(ctl)
	var port int
	if _, err := fmt.Fscanf(in, "port %d\n", &port); err != nil {
		return fmt.Errorf("read the child's port: %v", err)
	}
	clients := make([]net.Conn, 0, emfileClients)
	defer func() {
		for _, c := range clients {
			c.Close()
		}
	}()
	for range emfileClients {
		// The kernel completes the handshake whether or not the child
		// can accept: the connection waits in the listen queue.
		c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err != nil {
			return err
		}
		clients = append(clients, c)
	}
	fmt.Fprintf(ctl, "measure\n")
	var cpu time.Duration
	var accepted int
	if _, err := fmt.Fscanf(in, "cpu %d accepted %d\n", &cpu, &accepted); err != nil {
		return fmt.Errorf("read the child's measurement: %v", err)
	}
	t.Logf("child accepted %d of %d clients, then used %v of CPU in a second stuck at its limit", accepted, emfileClients, cpu)
	if accepted == 0 || accepted >= emfileClients {
		return fmt.Errorf("child accepted %d of %d clients; the descriptor limit did not bite", accepted, emfileClients)
	}
	if cpu > 300*time.Millisecond {
		return fmt.Errorf("child used %v of CPU in a second out of descriptors: accept spins", cpu)
	}
	fmt.Fprintf(ctl, "free\n")
	if line, err := in.ReadString('\n'); err != nil || line != "freed\n" {
		return fmt.Errorf("child answered %q, %v to free", line, err)
	}
	// The clients the child had accepted are closed now; the others must
	// be accepted and echo.
	echoed, closed := 0, 0
	for i, c := range clients {
		c.SetDeadline(time.Now().Add(10 * time.Second))
		msg := fmt.Sprintf("client %d\n", i)
		_, werr := c.Write([]byte(msg))
		got, rerr := bufio.NewReader(c).ReadString('\n')
		switch {
		case werr == nil && rerr == nil && got == msg:
			echoed++
		case errors.Is(rerr, os.ErrDeadlineExceeded):
			return fmt.Errorf("client %d: no echo in 10 s: the child did not accept it", i)
		default:
			closed++ // end of stream or reset: one the child closed
		}
	}
	if echoed != emfileClients-accepted || closed != accepted {
		return fmt.Errorf("%d clients echoed and %d were closed; want %d and %d", echoed, closed, emfileClients-accepted, accepted)
	}
	fmt.Fprintf(ctl, "quit\n")
	return nil
}

// emfileChild is the child's side: an echo server at its descriptor
// limit.
func emfileChild(t *testing.T, x rttest.Executor, ctlAddr string) {
	run(t, x, func(co *async.Co) error {
		ctl, err := async.Await(co, Connect(ctlAddr)).Get()
		if err != nil {
			return err
		}
		defer ctl.Close()
		l, err := Listen("127.0.0.1:0")
		if err != nil {
			return err
		}
		defer l.Close()
		restore, err := lowerFDLimit(emfileHeadroom)
		if err != nil {
			return err
		}
		defer restore()
		// The accept loop and this task may run on two workers of a
		// MultiThread at once: conns is theirs under mu.
		var mu sync.Mutex
		var conns []*Conn
		loop := async.Spawn(co.Context(), async.Go(func(co *async.Co) error {
			for {
				c, err := async.Await(co, l.Accept()).Get()
				if errors.Is(err, net.ErrClosed) {
					return nil
				} else if err != nil {
					return err
				}
				mu.Lock()
				conns = append(conns, c)
				mu.Unlock()
				async.Spawn(co.Context(), echo(c)).Detach()
			}
		}))
		ctlIn := &lineReader{c: ctl}
		say := func(format string, args ...any) error {
			_, err := async.Await(co, ctl.WriteAll(fmt.Appendf(nil, format, args...))).Get()
			return err
		}
		if err := say("port %d\n", l.Addr().(*net.TCPAddr).Port); err != nil {
			return err
		}
		if err := ctlIn.expect(co, "measure"); err != nil {
			return err
		}
		async.Await(co, timer.Sleep(200*time.Millisecond)) // every accept that can succeed has
		before := cpuTime()
		async.Await(co, timer.Sleep(time.Second))
		cpu := cpuTime() - before
		if loop.Finished() {
			r := async.Await(co, loop)
			return fmt.Errorf("the accept loop ended at the limit: %v", errors.Join(r.Err, r.Value))
		}
		mu.Lock()
		accepted := len(conns)
		mu.Unlock()
		if err := say("cpu %d accepted %d\n", cpu, accepted); err != nil {
			return err
		}
		if err := ctlIn.expect(co, "free"); err != nil {
			return err
		}
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		conns = conns[:0]
		mu.Unlock()
		if err := say("freed\n"); err != nil {
			return err
		}
		if err := ctlIn.expect(co, "quit"); err != nil {
			return err
		}
		l.Close()
		r := async.Await(co, loop)
		return errors.Join(r.Err, r.Value)
	})
}

// lowerFDLimit sets the soft RLIMIT_NOFILE to headroom more than the
// descriptors open now, and returns what puts it back.
func lowerFDLimit(headroom int) (restore func(), err error) {
	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &old); err != nil {
		return nil, err
	}
	lim := old
	lim.Cur = uint64(fdcheck.Open() + headroom)
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return nil, err
	}
	return func() { syscall.Setrlimit(syscall.RLIMIT_NOFILE, &old) }, nil
}

// cpuTime is the CPU time the process has used, user and system, in all
// its threads.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// lineReader reads lines from a Conn.
type lineReader struct {
	c   *Conn
	buf []byte
}

// expect reads the next line and fails unless it is want.
func (r *lineReader) expect(co *async.Co, want string) error {
	chunk := make([]byte, 64)
	for {
		if i := bytes.IndexByte(r.buf, '\n'); i >= 0 {
			line := string(r.buf[:i])
			r.buf = r.buf[i+1:]
			if line != want {
				return fmt.Errorf("control: got %q, want %q", line, want)
			}
			return nil
		}
		n, err := async.Await(co, r.c.Read(chunk)).Get()
		if err != nil {
			return fmt.Errorf("control: waiting for %q: %w", want, err)
		}
		r.buf = append(r.buf, chunk[:n]...)
		if strings.Count(string(r.buf), "\n") > 1 {
			return fmt.Errorf("control: more than one command at once: %q", r.buf)
		}
	}
}
