package websocket

import (
	"compress/flate"
	"sync/atomic"
	"time"
)

// Options are the settings both ends of a connection have. The zero value
// of each field means the default it documents. They must not change once
// their Upgrader or Dialer has made a connection.
type Options struct {
	// MaxMessageSize is the largest message a read accepts, in bytes
	// (after decompression); a larger one closes the connection with
	// StatusMessageTooBig (1009). Default 16 MiB.
	MaxMessageSize int

	// MaxFrameSize is the largest frame a read accepts; a larger one
	// closes with 1009. Default MaxMessageSize.
	MaxFrameSize int

	// Compression offers (a Dialer) or accepts (an Upgrader)
	// permessage-deflate (RFC 7692). It is off by default because each
	// connection that uses it holds its compressor's and decompressor's
	// state; see the package doc for what that costs.
	Compression bool

	// CompressionLevel is the compress/flate level of messages written
	// compressed. Default flate.BestSpeed.
	CompressionLevel int

	// Subprotocols are the application protocols this end speaks, in
	// order of preference (Sec-WebSocket-Protocol).
	Subprotocols []string

	// PingInterval, if set, has a read in flight send a ping whenever
	// nothing has arrived for that long; if nothing (a pong or any other
	// frame) arrives for PongTimeout after it, the connection is closed
	// and the read fails. Default 0: no keep-alive pings.
	PingInterval time.Duration

	// PongTimeout is how long a keep-alive ping waits for an answer.
	// Default PingInterval.
	PongTimeout time.Duration

	// CloseTimeout bounds how long Close waits for the peer's close frame
	// once it has sent its own, and how long it waits to send it. Default
	// 5 s.
	CloseTimeout time.Duration
}

// Defaults of Options.
const (
	DefaultMaxMessageSize = 16 << 20
	DefaultCloseTimeout   = 5 * time.Second
)

// shared is what the connections of one Upgrader or Dialer share: the
// pool of buffers, and the Options' values with the defaults filled in,
// worked out at the first connection.
type shared struct {
	pool bufPool
	lim  atomic.Pointer[limits]
}

func (s *shared) limits(o *Options) *limits {
	if l := s.lim.Load(); l != nil {
		return l
	}
	l := o.limits()
	s.lim.CompareAndSwap(nil, &l)
	return s.lim.Load()
}

// limits are an Options' values with the defaults filled in.
type limits struct {
	maxMessage, maxFrame int
	level                int
	ping, pong           time.Duration
	closeWait            time.Duration
}

func (o *Options) limits() limits {
	l := limits{
		maxMessage: o.MaxMessageSize,
		maxFrame:   o.MaxFrameSize,
		level:      o.CompressionLevel,
		ping:       o.PingInterval,
		pong:       o.PongTimeout,
		closeWait:  o.CloseTimeout,
	}
	if l.maxMessage <= 0 {
		l.maxMessage = DefaultMaxMessageSize
	}
	if l.maxFrame <= 0 {
		l.maxFrame = l.maxMessage
	}
	if l.level == 0 {
		l.level = flate.BestSpeed
	}
	if l.ping > 0 && l.pong <= 0 {
		l.pong = l.ping
	}
	if l.closeWait <= 0 {
		l.closeWait = DefaultCloseTimeout
	}
	return l
}
