package mpsc

import (
	"errors"
	"sync"
	"testing"

	"github.com/asyncgo/async"
)

func TestLastSenderCloseEndsStream(t *testing.T) {
	tx, rx := New[int](4)
	tx2 := tx.Clone()
	w := &countWaker{}
	cx := handContext(w)
	if _, ok := rx.Recv().Poll(cx); ok {
		t.Fatal("Recv ready on an empty channel")
	}
	if err := tx2.TrySend(1); err != nil {
		t.Fatal(err)
	}
	tx2.Close()
	tx2.Close() // twice does nothing: it must not count as tx's Close
	if r, ok := rx.Recv().Poll(cx); !ok || r.Value != 1 || r.Err != nil {
		t.Fatalf("Recv = %+v, %v; want 1", r, ok)
	}
	if _, ok := rx.Recv().Poll(cx); ok {
		t.Fatal("stream ended while a sender is open")
	}
	wakes := w.wakes()
	tx.Close()
	if w.wakes() != wakes+1 {
		t.Errorf("closing the last sender woke the receiver %d times; want 1", w.wakes()-wakes)
	}
	if r, ok := rx.Recv().Poll(cx); !ok || !errors.Is(r.Err, ErrClosed) {
		t.Fatalf("Recv after every sender closed = %+v, %v; want ErrClosed", r, ok)
	}
	if _, err := rx.RecvBlocking(); !errors.Is(err, ErrClosed) {
		t.Errorf("RecvBlocking after every sender closed = %v; want ErrClosed", err)
	}
	checkIdle(t, rx.c)
}

func TestBufferedValuesOutliveSenders(t *testing.T) {
	tx, rx := Unbounded[int]()
	tx.Send(1)
	tx.Send(2)
	tx.Close()
	for _, want := range []int{1, 2} {
		if v, err := rx.RecvBlocking(); v != want || err != nil {
			t.Fatalf("RecvBlocking = %d, %v; want %d, nil", v, err, want)
		}
	}
	if _, err := rx.RecvBlocking(); !errors.Is(err, ErrClosed) {
		t.Fatalf("RecvBlocking after the buffer drained = %v; want ErrClosed", err)
	}
}

func TestClosedSenderHandle(t *testing.T) {
	tx, rx := New[int](2)
	tx2 := tx.Clone()
	tx.Close()
	cx := handContext(async.NoopWaker())
	if err, ok := tx.Send(1).Poll(cx); !ok || !errors.Is(err, ErrSenderClosed) {
		t.Errorf("Send on a closed handle = %v, %v; want ErrSenderClosed", err, ok)
	}
	if err := tx.TrySend(1); !errors.Is(err, ErrSenderClosed) {
		t.Errorf("TrySend on a closed handle = %v; want ErrSenderClosed", err)
	}
	if err := tx.SendBlocking(1); !errors.Is(err, ErrSenderClosed) {
		t.Errorf("SendBlocking on a closed handle = %v; want ErrSenderClosed", err)
	}
	// The clone of a closed handle is closed, and does not reopen the
	// channel: closing the last open handle still ends the stream.
	dead := tx.Clone()
	if err := dead.TrySend(1); !errors.Is(err, ErrSenderClosed) {
		t.Errorf("TrySend on a clone of a closed handle = %v; want ErrSenderClosed", err)
	}
	tx2.Close()
	if _, err := rx.TryRecv(); !errors.Is(err, ErrClosed) {
		t.Errorf("TryRecv after every open handle closed = %v; want ErrClosed", err)
	}
	dead.Close()
	if n := rx.c.senders; n != 0 {
		t.Errorf("%d senders counted after every handle closed", n)
	}

	utx, urx := Unbounded[int]()
	utx.Close()
	if err := utx.Send(1); !errors.Is(err, ErrSenderClosed) {
		t.Errorf("unbounded Send on a closed handle = %v; want ErrSenderClosed", err)
	}
	if err := utx.Clone().Send(1); !errors.Is(err, ErrSenderClosed) {
		t.Errorf("Send on a clone of a closed unbounded handle = %v; want ErrSenderClosed", err)
	}
	if _, err := urx.TryRecv(); !errors.Is(err, ErrClosed) {
		t.Errorf("TryRecv = %v; want ErrClosed", err)
	}
}

func TestReceiverCloseFailsSenders(t *testing.T) {
	tx, rx := New[int](1)
	if err := tx.TrySend(1); err != nil {
		t.Fatal(err)
	}
	// A task waiting for room, and a goroutine blocked likewise.
	waiting := tx.Clone()
	w := &countWaker{}
	cx := handContext(w)
	if _, ok := waiting.Send(2).Poll(cx); ok {
		t.Fatal("Send on a full channel was ready")
	}
	blocked := tx.Clone()
	done := make(chan error)
	go func() { done <- blocked.SendBlocking(3) }()
	for rx.c.waiting() < 2 {
		yield() // until the goroutine has queued
	}

	rx.Close()
	if w.wakes() != 1 {
		t.Errorf("Close woke the waiting sender %d times; want 1", w.wakes())
	}
	if err, ok := waiting.send.Poll(cx); !ok || !errors.Is(err, ErrReceiverGone) {
		t.Errorf("waiting Send after the receiver closed = %v, %v; want ErrReceiverGone", err, ok)
	}
	if err := <-done; !errors.Is(err, ErrReceiverGone) {
		t.Errorf("SendBlocking after the receiver closed = %v; want ErrReceiverGone", err)
	}
	if err := tx.TrySend(4); !errors.Is(err, ErrReceiverGone) {
		t.Errorf("TrySend after the receiver closed = %v; want ErrReceiverGone", err)
	}
	if err, ok := tx.Send(5).Poll(cx); !ok || !errors.Is(err, ErrReceiverGone) {
		t.Errorf("Send after the receiver closed = %v, %v; want ErrReceiverGone", err, ok)
	}
	utx, urx := Unbounded[int]()
	urx.Close()
	if err := utx.Send(1); !errors.Is(err, ErrReceiverGone) {
		t.Errorf("unbounded Send after the receiver closed = %v; want ErrReceiverGone", err)
	}

	// What was buffered before Close can still be received; then the end.
	if v, err := rx.TryRecv(); v != 1 || err != nil {
		t.Errorf("TryRecv after Close = %d, %v; want the buffered 1", v, err)
	}
	if r, ok := rx.Recv().Poll(cx); !ok || !errors.Is(r.Err, ErrClosed) {
		t.Errorf("Recv after Close and drain = %+v, %v; want ErrClosed", r, ok)
	}
	rx.Close() // twice does nothing
	checkIdle(t, rx.c)
}

// A goroutine blocked in RecvBlocking sees the end of the stream.
func TestRecvBlockingWokenByClose(t *testing.T) {
	tx, rx := New[int](1)
	var wg sync.WaitGroup
	var err error
	wg.Go(func() { _, err = rx.RecvBlocking() })
	for !rx.c.receiverWaits() {
		yield()
	}
	tx.Close()
	wg.Wait()
	if !errors.Is(err, ErrClosed) {
		t.Fatalf("RecvBlocking = %v; want ErrClosed", err)
	}
}

// Close withdraws the handle's Send left waiting, queued or granted, so
// that an abandoned Send cannot keep a slot.
func TestCloseWithdrawsPendingSend(t *testing.T) {
	tx, rx := New[int](1)
	tx.TrySend(0)
	a, b := tx.Clone(), tx.Clone()
	cx := handContext(async.NoopWaker())
	fa := a.Send(1)
	if _, ok := fa.Poll(cx); ok {
		t.Fatal("Send on a full channel was ready")
	}
	wb := &countWaker{}
	fb := b.Send(2)
	if _, ok := fb.Poll(handContext(wb)); ok {
		t.Fatal("Send on a full channel was ready")
	}
	rx.TryRecv() // grants a's Send the slot
	a.Close()    // a's Send is abandoned: the slot goes to b
	if wb.wakes() != 1 {
		t.Fatalf("closing a handle with a granted Send woke the next sender %d times; want 1", wb.wakes())
	}
	if err, ok := fa.Poll(cx); !ok || !errors.Is(err, ErrSenderClosed) {
		t.Errorf("the withdrawn Send = %v, %v; want ErrSenderClosed", err, ok)
	}
	if err, ok := fb.Poll(cx); !ok || err != nil {
		t.Fatalf("b's Send = %v, %v; want ready", err, ok)
	}
	wc := &countWaker{}
	fc := tx.Send(3)
	fc.Poll(handContext(wc))
	tx.Close() // a queued Send is withdrawn too, and told so
	if n := rx.c.waiting(); n != 0 {
		t.Errorf("%d senders waiting after Close; want 0", n)
	}
	if wc.wakes() != 1 {
		t.Errorf("Close woke its queued Send %d times; want 1", wc.wakes())
	}
	if err, ok := fc.Poll(cx); !ok || !errors.Is(err, ErrSenderClosed) {
		t.Errorf("the withdrawn Send = %v, %v; want ErrSenderClosed", err, ok)
	}
	b.Close()
	if v, err := rx.TryRecv(); v != 2 || err != nil {
		t.Fatalf("TryRecv = %d, %v; want 2", v, err)
	}
	if _, err := rx.TryRecv(); !errors.Is(err, ErrClosed) {
		t.Fatalf("TryRecv = %v; want ErrClosed", err)
	}
	checkIdle(t, rx.c)
}

// A send racing its own handle's Close is either received before the end
// of the stream or refused; never received after it.
func TestNoValueAfterEndOfStream(t *testing.T) {
	for range 1000 {
		tx, rx := New[int](1)
		var wg sync.WaitGroup
		wg.Go(func() { tx.TrySend(1) })
		wg.Go(tx.Close)
		for {
			if _, err := rx.RecvBlocking(); err != nil {
				break
			}
		}
		wg.Wait()
		if n := rx.Len(); n != 0 {
			t.Fatalf("%d values buffered after the receiver saw the end of the stream", n)
		}
	}
}

// Close from another goroutine wakes a goroutine blocked in RecvBlocking.
func TestReceiverCloseWakesRecvBlocking(t *testing.T) {
	tx, rx := New[int](1)
	defer tx.Close()
	done := make(chan error)
	go func() {
		_, err := rx.RecvBlocking()
		done <- err
	}()
	for !rx.c.receiverWaits() {
		yield()
	}
	rx.Close()
	if err := <-done; !errors.Is(err, ErrClosed) {
		t.Fatalf("RecvBlocking after Close = %v; want ErrClosed", err)
	}
}
