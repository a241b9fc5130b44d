package udp

import (
	"errors"
	"fmt"
	"net"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/fdcheck"
	"github.com/asyncgo/async/internal/netfd"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/timer"
)

// TestInjectedUDPFaults makes single system calls of UDP sockets fail
// through netfd's fault seam: interrupted receives and sends are retried,
// a receive that says EAGAIN on a ready socket waits for the next
// datagram's event and then gets both, a send out of buffers (ENOBUFS,
// common for UDP under load) is reported as a write error wrapping the
// errno, and socket(2) out of memory fails Bind with an error naming the
// call. Nothing leaks (run checks the reactor, fdcheck the descriptors),
// and the sockets work afterwards.
func TestInjectedUDPFaults(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		fs := netfd.InjectFaults(t)
		fs.Fail(netfd.SysSocket, netfd.AnyFD, 1, netfd.Fault{Err: unix.ENOMEM})
		if c, err := Bind("127.0.0.1:0"); !errors.Is(err, unix.ENOMEM) {
			if c != nil {
				c.Close()
			}
			t.Fatalf("Bind with socket() failing: %v; want ENOMEM", err)
		} else if oe := (*net.OpError)(nil); !errors.As(err, &oe) || oe.Op != "listen" {
			t.Fatalf("Bind with socket() failing: %#v; want a listen *net.OpError", err)
		}
		a, b := bind(t, "127.0.0.1:0"), bind(t, "127.0.0.1:0")
		run(t, x, func(co *async.Co) error {
			defer closeAll(a, b)
			to := addrOf(b)
			buf := make([]byte, 64)
			recv := func(co *async.Co, want string) error {
				d, err := async.Await(co, b.RecvFrom(buf)).Get()
				if err != nil || string(buf[:d.N]) != want || d.Addr != addrOf(a) {
					return fmt.Errorf("RecvFrom: %q from %v, %v; want %q from %v", buf[:d.N], d.Addr, err, want, addrOf(a))
				}
				return nil
			}
			send := func(msg string) error {
				_, err := async.Await(co, a.SendTo([]byte(msg), to)).Get()
				return err
			}

			fs.Fail(netfd.SysSend, a.p.Sysfd(), 2, netfd.Fault{Err: unix.EINTR})
			fs.Fail(netfd.SysRecv, b.p.Sysfd(), 2, netfd.Fault{Err: unix.EINTR})
			if err := send("one"); err != nil {
				return fmt.Errorf("SendTo after EINTR: %w", err)
			}
			if err := recv(co, "one"); err != nil {
				return err
			}

			fs.Fail(netfd.SysSend, a.p.Sysfd(), 1, netfd.Fault{Err: unix.ENOBUFS})
			_, err := async.Await(co, a.SendTo([]byte("lost"), to)).Get()
			var oe *net.OpError
			if !errors.Is(err, unix.ENOBUFS) || !errors.As(err, &oe) || oe.Op != "write" {
				return fmt.Errorf("SendTo out of buffers: %v; want a write error wrapping ENOBUFS", err)
			}

			// b's readiness says readable (its last receive did not see
			// EAGAIN); the fault says EAGAIN although "two" is queued.
			if err := send("two"); err != nil {
				return err
			}
			fs.Fail(netfd.SysRecv, b.p.Sysfd(), 1, netfd.Fault{Err: unix.EAGAIN})
			receiver := async.Spawn(co.Context(), async.Go(func(co *async.Co) error {
				if err := recv(co, "two"); err != nil {
					return err
				}
				return recv(co, "three")
			}))
			// "three" is sent once the faulted receive has said EAGAIN, so
			// that its event comes after it. Sent sooner, on a MultiThread
			// its event may be taken by another worker before the
			// receiver's first look; the fake EAGAIN would then clear a
			// readiness no further edge reports, a wait no real EAGAIN
			// can cause (the kernel said nothing was queued).
			for fs.Left(netfd.SysRecv) != 0 {
				if receiver.Finished() {
					break // it failed: its result says why
				}
				async.Await(co, timer.Sleep(time.Millisecond))
			}
			if err := send("three"); err != nil {
				return err
			}
			if r := async.Await(co, receiver); r.Err != nil || r.Value != nil {
				return errors.Join(r.Err, r.Value)
			}
			if n := fs.Left(netfd.SysRecv) + fs.Left(netfd.SysSend); n != 0 {
				return fmt.Errorf("%d faults not met", n)
			}
			return nil
		})
	})
}
