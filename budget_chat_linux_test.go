package async_test

// The naive chat server of issue 11 on a real socket: a reader that
// handles lines served from a buffer gives way to the writers. Linux
// only, for the SIOCOUTQ ioctl that tells when the client's lines have
// all reached the server.

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/aio"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/mpsc"
	"github.com/asyncgo/async/oneshot"
	"github.com/asyncgo/async/tcp"
)

// chatLines is how many lines the naive chat client sends at once: many
// buffers' worth, yet few enough (40 KB) that they all sit in the
// server's socket before its reader starts, so that no read waits.
const chatLines = 10_000

// floodLines connects to addr with the net package, writes chatLines
// short lines in one write, waits until the server's kernel has taken
// them all (nothing left unacknowledged in the send queue), and closes.
func floodLines(addr string) error {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	defer c.Close()
	var buf bytes.Buffer
	for i := range chatLines {
		fmt.Fprintf(&buf, "%03d\n", i%1000)
	}
	if _, err := c.Write(buf.Bytes()); err != nil {
		return err
	}
	raw, err := c.(*net.TCPConn).SyscallConn()
	if err != nil {
		return err
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		var unacked int
		var ioErr error
		if err := raw.Control(func(fd uintptr) {
			unacked, ioErr = unix.IoctlGetInt(int(fd), unix.SIOCOUTQ)
		}); err != nil {
			return err
		}
		switch {
		case ioErr != nil:
			return ioErr
		case unacked == 0:
			return nil
		case time.Now().After(deadline):
			return fmt.Errorf("%d bytes still unacknowledged after 10s", unacked)
		}
		time.Sleep(100 * time.Microsecond) // polls a condition; orders nothing
	}
}

// naiveChatReader is the reading half of a chat server written the
// obvious way: read a line, hand it to the writers with TrySend, and
// nothing else that waits. It starts once the client has sent everything
// (flooded), and counts the lines it has handed on in processed.
func naiveChatReader(c *tcp.Conn, flooded *oneshot.Receiver[error], tx *mpsc.Sender[string], processed *atomic.Int64) async.Future[error] {
	return async.Go(func(co *async.Co) error {
		defer tx.Close()
		if res := async.Await(co, flooded); res.Err != nil || res.Value != nil {
			return errors.Join(res.Err, res.Value)
		}
		br := aio.NewReader(c, 4096)
		for {
			line, err := async.Await(co, br.ReadLine()).Get()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
			if err := tx.TrySend(string(line)); err != nil {
				return err
			}
			processed.Add(1)
		}
	})
}

// pendingLog is a task's future that records, each time the future
// returns pending, how many lines the reader had processed.
type pendingLog struct {
	f         async.Future[error]
	processed *atomic.Int64
	pending   []int64
}

func (p *pendingLog) Poll(cx *async.Context) (error, bool) {
	err, ok := p.f.Poll(cx)
	if !ok {
		p.pending = append(p.pending, p.processed.Load())
	}
	return err, ok
}

func (p *pendingLog) Cancel() { p.f.Cancel() }

// chatWriter is the writing half: it waits on the channel, checks each
// line, and records at each of its polls (each wake-up) how many lines
// the reader had processed by then.
type chatWriter struct {
	rx        *mpsc.Receiver[string]
	processed *atomic.Int64
	wakeups   []int64
	lines     int
}

func (w *chatWriter) Poll(cx *async.Context) (error, bool) {
	w.wakeups = append(w.wakeups, w.processed.Load())
	for {
		res, ok := w.rx.Recv().Poll(cx)
		switch {
		case !ok:
			return nil, false
		case errors.Is(res.Err, mpsc.ErrClosed):
			return nil, true
		case res.Err != nil:
			return res.Err, true
		}
		if want := fmt.Sprintf("%03d", w.lines%1000); res.Value != want {
			return fmt.Errorf("line %d is %q, want %q", w.lines, res.Value, want), true
		}
		w.lines++
	}
}

func (w *chatWriter) Cancel() { w.rx.Recv().Cancel() }

// taskErr is the error of a task whose output is an error.
func taskErr(res async.Result[error]) error { return errors.Join(res.Err, res.Value) }

// TestBudgetNaiveChatReaderGivesWay is the chat server of issue 11 that
// starved its writers: a reader task that parses a buffer full of lines
// and TrySends each one never awaited anything that waited, so it kept
// its executor until the client's burst was all read. Each ReadLine
// served from the buffer now takes a unit of the budget, so the reader
// gives way at least every async.Budget lines, while lines remain, and
// the writer gets in before the reader is done.
func TestBudgetNaiveChatReaderGivesWay(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		noLeaks(t)
		reader := &pendingLog{}
		var writer *chatWriter
		runErr, err := executor.Run(async.Go(func(co *async.Co) error {
			l, err := tcp.Listen("127.0.0.1:0")
			if err != nil {
				return err
			}
			defer l.Close()
			floodTx, flooded := oneshot.New[error]()
			go func() { floodTx.Send(floodLines(l.Addr().String())) }()
			c, err := async.Await(co, l.Accept()).Get()
			if err != nil {
				async.Await(co, flooded) // the client's goroutine ends
				return err
			}
			defer c.Close()

			var processed atomic.Int64
			tx, rx := mpsc.New[string](chatLines)
			writer = &chatWriter{rx: rx, processed: &processed}
			reader.f, reader.processed = naiveChatReader(c, flooded, tx, &processed), &processed
			wh := async.Spawn[error](co.Context(), writer)
			rh := async.Spawn[error](co.Context(), reader)
			return errors.Join(taskErr(async.Await(co, rh)), taskErr(async.Await(co, wh)))
		}), x.Options...)
		if err == nil {
			err = runErr
		}
		if err != nil {
			t.Fatal(err)
		}
		if writer.lines != chatLines {
			t.Fatalf("the writer got %d lines, want %d", writer.lines, chatLines)
		}
		// The reader's first pending is its wait for the client. After
		// it, every poll handles at most a budget's worth of lines.
		last := int64(0)
		for _, n := range append(reader.pending, chatLines) {
			if n-last > async.Budget {
				t.Errorf("the reader handled lines %d to %d in one poll, more than a budget (%d): it did not give way; pending at %v",
					last, n, async.Budget, reader.pending)
				break
			}
			last = n
		}
		got := false
		for _, n := range writer.wakeups {
			got = got || 0 < n && n < chatLines
		}
		if !got {
			w := writer.wakeups
			t.Errorf("the writer woke %d times, only before the reader started or after it was done (lines processed at its first wake-ups: %v)",
				len(w), w[:min(len(w), 5)])
		}
	})
}
