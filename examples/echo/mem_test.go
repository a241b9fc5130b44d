package main

import (
	"net"
	"runtime"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/asyncgo/async/internal/rttest"
)

// TestMemoryPerConnection holds 2,000 connections that have each echoed
// one message and checks what the server keeps for each: four objects
// (Conn, reactor source, task, echo state) of about 280 bytes, plus its
// share of the reactor's slab and the run queue. The clients are raw
// blocking sockets, which allocate nothing, so the heap's growth is the
// server's. This counts bytes, not time, so it is steady on a busy
// machine.
func TestMemoryPerConnection(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		const n = 2000
		addr := startServer(t, x)
		port := mustPort(t, addr)
		sa := &unix.SockaddrInet4{Port: port, Addr: [4]byte{127, 0, 0, 1}}
		msg := make([]byte, 64)
		fds := make([]int, 0, 2*n)
		t.Cleanup(func() {
			for _, fd := range fds {
				unix.Close(fd)
			}
		})
		dial := func(count int) {
			for range count {
				fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
				if err != nil {
					t.Fatal(err)
				}
				fds = append(fds, fd)
				if err := unix.Connect(fd, sa); err != nil {
					t.Fatal(err)
				}
				if _, err := unix.Write(fd, msg); err != nil {
					t.Fatal(err)
				}
				if _, err := unix.Read(fd, msg); err != nil {
					t.Fatal(err)
				}
			}
		}
		dial(n / 4) // warm up: the slab and queues grow in steps
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		dial(n)
		runtime.GC()
		runtime.ReadMemStats(&after)
		mallocs := float64(after.Mallocs-before.Mallocs) / n
		live := (float64(after.HeapAlloc) - float64(before.HeapAlloc)) / n
		t.Logf("%s: per connection: %.1f allocations, %.0f bytes live", x.Name, mallocs, live)
		if mallocs > 4.5 {
			t.Errorf("%.1f allocations per connection; want 4 (Conn inside Serve's closer, source, task, echo state)", mallocs)
		}
		// On the multi-thread executor the first polls that run at once
		// may make their read buffers inside the window: up to one a
		// worker, which is not the connections' cost but shows in it.
		limit := 340.0
		if x.Multi {
			limit += float64(rttest.Workers*readBufferSize) / n
		}
		if live > limit {
			t.Errorf("%.0f bytes live per connection; want at most %.0f", live, limit)
		}
	})
}

func mustPort(t *testing.T, addr string) int {
	ap, err := net.ResolveTCPAddr("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	return ap.Port
}
