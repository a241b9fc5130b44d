package lifecycle

import (
	"context"
	"errors"
	"net"
	"net/netip"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/dns"
	"github.com/asyncgo/async/mpsc"
	"github.com/asyncgo/async/oneshot"
)

// stuckResolver is a Resolver whose queries never get an answer: its
// Dial waits for the query's context to end. A lookup of a name that is in
// no hosts file waits on it until it is cancelled.
func stuckResolver() *dns.Resolver {
	return dns.NewResolver(&net.Resolver{
		PreferGo: true,
		Dial: func(ctx context.Context, network, address string) (net.Conn, error) {
			<-ctx.Done()
			return nil, ctx.Err()
		},
	})
}

// dnsCases are package dns's futures. A literal and localhost are
// answered on the first poll, with no goroutine, so they are cancelled
// unpolled only; a real lookup runs on a goroutine that its first poll
// starts and that its cancellation must end (goleak).
func dnsCases() []lcase {
	var cs []lcase
	for _, host := range []string{"127.0.0.1", "localhost"} {
		cs = append(cs,
			lcase{name: "dns.Lookup/" + host, body: func(h *H) {
				cancel(h, dns.Lookup(host), 0)
				if addrs := get(h, "lookup after the cancellation", dns.Lookup(host)); len(addrs) == 0 || addrs[0] != netip.MustParseAddr("127.0.0.1") {
					h.errorf("Lookup(%q) = %v, want 127.0.0.1 first", host, addrs)
				}
			}},
			lcase{name: "dns.LookupHostPort/" + host, body: func(h *H) {
				cancel(h, dns.LookupHostPort(host+":80"), 0)
				if aps := get(h, "lookup after the cancellation", dns.LookupHostPort(host+":80")); len(aps) == 0 || aps[0] != netip.MustParseAddrPort("127.0.0.1:80") {
					h.errorf("LookupHostPort(%q) = %v, want 127.0.0.1:80 first", host+":80", aps)
				}
			}},
		)
	}
	cs = append(cs,
		lcase{name: "dns.Resolver.Lookup/stuck", pendable: true, body: func(h *H) {
			r := stuckResolver()
			cancel(h, r.Lookup("lifecycle.invalid"), 0)
			get(h, "literal lookup after the cancellation", r.Lookup("127.0.0.1"))
		}},
		lcase{name: "dns.Resolver.LookupHostPort/stuck", pendable: true, body: func(h *H) {
			r := stuckResolver()
			cancel(h, r.LookupHostPort("lifecycle.invalid:80"), 0)
			get(h, "literal lookup after the cancellation", r.LookupHostPort("127.0.0.1:80"))
		}},
		lcase{name: "dns.LookupHostPort/service-name", pendable: true, wakeRace: true, body: func(h *H) {
			cancel(h, dns.LookupHostPort("127.0.0.1:http"), 0)
		}},
	)
	return cs
}

// chanCases are the futures of packages oneshot and mpsc.
func chanCases() []lcase {
	return []lcase{
		{name: "oneshot.Receiver", pendable: true, body: func(h *H) {
			// The Receiver is the future of the value; cancelling it is
			// closing it: the sender learns that nobody listens.
			tx, rx := oneshot.New[int]()
			cancel(h, async.Future[async.Result[int]](rx), 0)
			if !tx.IsClosed() {
				h.errorf("the sender does not see the cancelled receiver")
			}
			await(h, tx.Closed()) // ready at once
			if err := tx.Send(1); !errors.Is(err, oneshot.ErrReceiverGone) {
				h.errorf("Send to a cancelled receiver: %v, want ErrReceiverGone", err)
			}
			if _, err := rx.TryRecv(); !errors.Is(err, oneshot.ErrReceiverGone) {
				h.errorf("TryRecv of a cancelled receiver: %v, want ErrReceiverGone", err)
			}
		}},
		{name: "oneshot.Sender.Closed", pendable: true, body: func(h *H) {
			tx, rx := oneshot.New[int]()
			cancel(h, tx.Closed(), 0)
			if tx.IsClosed() {
				h.errorf("cancelling Closed closed the channel")
			}
			h.must(tx.Send(7), "send after the cancellation")
			if v := get(h, "receive", async.Future[async.Result[int]](rx)); v != 7 {
				h.errorf("received %d, want 7", v)
			}
			await(h, tx.Closed()) // a new Closed future sees the receiver done
		}},
		{name: "mpsc.Sender.Send", pendable: true, body: func(h *H) {
			// A channel of two, full: the Send waits for room.
			tx, rx := mpsc.New[int](2)
			defer tx.Close()
			h.must(tx.TrySend(1), "TrySend")
			h.must(tx.TrySend(2), "TrySend")
			cancel(h, async.Future[error](tx.Send(99)), 0)
			for _, want := range []int{1, 2} {
				if v := get(h, "recv", async.Future[async.Result[int]](rx.Recv())); v != want {
					h.errorf("received %d, want %d", v, want)
				}
			}
			expectCapacity(h, tx, rx, 2)
		}},
		{name: "mpsc.Sender.Send/room", body: func(h *H) {
			// Room in the channel, but unpolled: nothing is sent.
			tx, rx := mpsc.New[int](2)
			defer tx.Close()
			cancel(h, async.Future[error](tx.Send(99)), 0)
			if n := rx.Len(); n != 0 {
				h.errorf("%d values buffered by a cancelled Send", n)
			}
			expectCapacity(h, tx, rx, 2)
		}},
		{name: "mpsc.Receiver.Recv", pendable: true, body: func(h *H) {
			tx, rx := mpsc.New[int](2)
			defer tx.Close()
			cancel(h, async.Future[async.Result[int]](rx.Recv()), 0)
			expectCapacity(h, tx, rx, 2)
		}},
		{name: "mpsc.Receiver.Recv/unbounded", pendable: true, body: func(h *H) {
			tx, rx := mpsc.Unbounded[int]()
			defer tx.Close()
			cancel(h, async.Future[async.Result[int]](rx.Recv()), 0)
			h.must(tx.Send(5), "send")
			if v := get(h, "recv after the cancellation", async.Future[async.Result[int]](rx.Recv())); v != 5 {
				h.errorf("received %d, want 5", v)
			}
			tx.Close()
			if _, err := await(h, rx.Recv()).Get(); !errors.Is(err, mpsc.ErrClosed) {
				h.errorf("recv after the last sender closed: %v, want ErrClosed", err)
			}
		}},
	}
}

// expectCapacity checks that the empty bounded channel takes exactly
// capacity values without waiting, that a Send then waits until a Recv
// makes room, and that the values come out in order.
func expectCapacity(h *H, tx *mpsc.Sender[int], rx *mpsc.Receiver[int], capacity int) {
	h.t.Helper()
	if n := rx.Len(); n != 0 {
		h.fatalf("the channel holds %d values, want none", n)
	}
	for i := 0; i < capacity; i++ {
		if err := tx.TrySend(100 + i); err != nil {
			h.fatalf("TrySend %d of %d: %v", i+1, capacity, err)
		}
	}
	if err := tx.TrySend(-1); !errors.Is(err, mpsc.ErrFull) {
		h.fatalf("TrySend beyond the capacity of %d: %v, want ErrFull", capacity, err)
	}
	res := await(h, async.Join2(async.Future[error](tx.Send(100+capacity)), async.Future[async.Result[int]](rx.Recv())))
	h.must(res.V1, "send into a full channel")
	h.must(res.V2.Err, "recv")
	for i := 0; i <= capacity; i++ {
		want := 100 + i
		if i == 0 {
			if res.V2.Value != want {
				h.errorf("received %d, want %d", res.V2.Value, want)
			}
			continue
		}
		if v := get(h, "recv", async.Future[async.Result[int]](rx.Recv())); v != want {
			h.errorf("received %d, want %d", v, want)
		}
	}
}
