package mpsc

import (
	"github.com/asyncgo/async"
)

// pinger sends 0..n-1 on out and waits for each to come back on in.
type pinger struct {
	out  *Sender[int]
	in   *Receiver[int]
	n, i int
	send *SendFuture[int]
	recv *RecvFuture[int]
	err  error
}

func (p *pinger) Poll(cx *async.Context) (int, bool) {
	for p.i < p.n {
		if p.send == nil && p.recv == nil {
			p.send = p.out.Send(p.i)
		}
		if p.send != nil {
			err, ok := p.send.Poll(cx)
			if !ok {
				return 0, false
			}
			if err != nil {
				p.err = err
				return p.i, true
			}
			p.send, p.recv = nil, p.in.Recv()
		}
		r, ok := p.recv.Poll(cx)
		if !ok {
			return 0, false
		}
		p.recv = nil
		if r.Err != nil || r.Value != p.i {
			p.err = r.Err
			return p.i, true
		}
		p.i++
	}
	p.out.Close()
	return p.i, true
}

func (p *pinger) Cancel() {
	if p.send != nil {
		p.send.Cancel()
	}
	if p.recv != nil {
		p.recv.Cancel()
	}
}

// ponger sends back every value it receives until its input ends.
type ponger struct {
	in    *Receiver[int]
	out   *Sender[int]
	send  *SendFuture[int]
	recv  *RecvFuture[int]
	count int
}

func (p *ponger) Poll(cx *async.Context) (int, bool) {
	for {
		if p.send == nil {
			if p.recv == nil {
				p.recv = p.in.Recv()
			}
			r, ok := p.recv.Poll(cx)
			if !ok {
				return 0, false
			}
			p.recv = nil
			if r.Err != nil {
				p.out.Close()
				return p.count, true
			}
			p.send = p.out.Send(r.Value)
		}
		if _, ok := p.send.Poll(cx); !ok {
			return 0, false
		}
		p.send = nil
		p.count++
	}
}

func (p *ponger) Cancel() {
	if p.send != nil {
		p.send.Cancel()
	}
	if p.recv != nil {
		p.recv.Cancel()
	}
}

// pingPong is a future that spawns a pinger and a ponger joined by two
// capacity-1 channels and waits for both.
type pingPong struct {
	ping   *pinger
	pong   *ponger
	hping  async.JoinHandle[int]
	hpong  async.JoinHandle[int]
	pinged int
	state  int
}

func newPingPong(n int) *pingPong {
	atx, arx := New[int](1)
	btx, brx := New[int](1)
	return &pingPong{ping: &pinger{out: atx, in: brx, n: n}, pong: &ponger{in: arx, out: btx}}
}

func (p *pingPong) Poll(cx *async.Context) (int, bool) {
	if p.state == 0 {
		p.hping = async.Spawn(cx, async.Future[int](p.ping))
		p.hpong = async.Spawn(cx, async.Future[int](p.pong))
		p.state = 1
	}
	if p.state == 1 {
		r, ok := p.hping.Poll(cx)
		if !ok {
			return 0, false
		}
		p.pinged, p.state = r.Value, 2
	}
	if _, ok := p.hpong.Poll(cx); !ok {
		return 0, false
	}
	return p.pinged, true
}

func (p *pingPong) Cancel() {}
