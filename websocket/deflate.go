package websocket

import (
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"slices"
)

// This file compresses and inflates whole messages for permessage-deflate
// (RFC 7692 7.2). A message is compressed as DEFLATE blocks ended by a sync
// flush, whose last 4 bytes (0x00 0x00 0xff 0xff) are left off on the wire;
// the receiver puts them back before inflating. With context takeover the
// LZ77 window runs on from one message to the next, so a message may refer
// to the bytes of the messages before it; without, each message stands
// alone.

// syncTail ends the empty stored block of a sync flush: RFC 7692 7.2.1
// removes it from every compressed message and 7.2.2 appends it again.
const syncTail = "\x00\x00\xff\xff"

// windowSize is the LZ77 window of DEFLATE, which compress/flate always
// uses whole: 32 KiB, 15 bits.
const windowSize = 32 << 10

// errInflateTooBig is the error of an inflate that would pass its limit.
var errInflateTooBig = errors.New("websocket: compressed message inflates past the size limit")

// deflater compresses whole messages for one connection's writes.
//
// Memory (TestDeflateMemory, Go 1.26, after one 64 KiB message): the
// flate.Writer, made at the first message, holds 1178 KiB at level 1
// (BestSpeed, the default), 794 KiB at level 9 and 715 KiB even at level
// 0: most of it is hash chains that compress/flate keeps whatever the
// level. Context takeover changes nothing: the writer is the same. This
// is why compression is off by default: 1000 idle connections that
// compress hold over a gigabyte.
//
// Without takeover the writer could be dropped after each message
// (release) so that an idle connection holds nothing; but a new writer
// costs 1.2 MB of allocation and about 15 times the compression of a
// 4 KiB message (BenchmarkDeflate/release against takeover=false). So a
// deflater keeps its writer, and release is for an owner that knows the
// connection will be quiet for a while.
type deflater struct {
	level    int
	takeover bool
	fw       *flate.Writer // nil until the first message, and after release
	out      appendWriter  // where fw writes: compress's dst
}

// newDeflater returns a deflater of a compress/flate level (-2 to 9; the
// caller maps a zero Options.CompressionLevel to its default first).
// Without takeover each message is compressed alone.
func newDeflater(level int, takeover bool) *deflater {
	return &deflater{level: level, takeover: takeover}
}

// compress appends msg, compressed, to dst, without the 4 bytes of the
// sync flush's tail (RFC 7692 7.2.1).
func (d *deflater) compress(dst, msg []byte) ([]byte, error) {
	start := len(dst)
	d.out.b = dst
	defer func() { d.out.b = nil }() // do not keep the caller's buffer
	switch {
	case d.fw == nil:
		fw, err := flate.NewWriter(&d.out, d.level)
		if err != nil {
			return dst, fmt.Errorf("websocket: compression level %d: %w", d.level, err)
		}
		d.fw = fw
	case !d.takeover:
		d.fw.Reset(&d.out)
	}
	if _, err := d.fw.Write(msg); err != nil {
		return dst, fmt.Errorf("websocket: compress: %w", err)
	}
	if err := d.fw.Flush(); err != nil {
		return dst, fmt.Errorf("websocket: compress: %w", err)
	}
	z := d.out.b
	if len(z)-start < len(syncTail) || string(z[len(z)-len(syncTail):]) != syncTail {
		// compress/flate always ends a flush so; guard the trim anyway.
		return dst, errors.New("websocket: compress: the sync flush did not end with 00 00 ff ff")
	}
	return z[:len(z)-len(syncTail)], nil
}

// release drops the flate.Writer; the next message makes a new one. With
// context takeover that loses the window, so only a deflater without
// takeover may be released between messages.
func (d *deflater) release() {
	d.fw = nil
}

// appendWriter is an io.Writer that appends to b.
type appendWriter struct{ b []byte }

func (w *appendWriter) Write(p []byte) (int, error) {
	w.b = append(w.b, p...)
	return len(p), nil
}

// inflater decompresses whole messages for one connection's reads.
//
// Memory (TestDeflateMemory, after one 64 KiB message): 40 KiB without
// context takeover, the flate reader's 32 KiB window and its Huffman
// tables; 72 KiB with takeover, which also keeps the last 32 KiB inflated
// as the next message's dictionary. A message costs a few allocations,
// all of them compress/flate's link tables of dynamic Huffman blocks
// (TestDeflateAllocs: 4 to 10 for a 16 KiB message).
type inflater struct {
	takeover bool
	fr       io.ReadCloser // a flate reader; nil until the first message
	src      inflateSource
	hist     []byte // with takeover: the last windowSize bytes inflated
}

// newInflater returns an inflater. With takeover the window runs on from
// one message to the next.
func newInflater(takeover bool) *inflater {
	return &inflater{takeover: takeover}
}

// inflate appends msg, inflated, to dst. msg is a message as sent, without
// the sync flush's tail (inflate adds it back). It fails with
// errInflateTooBig as soon as the message would inflate past limit bytes,
// having inflated no more than limit+1, so that a small message that
// inflates to gigabytes costs no more memory than a legal one; and it
// fails naming the fault for data that is not DEFLATE. After an error
// the inflater's window is lost: the connection must end. On error dst
// is returned as it came, with any capacity inflate gave it.
func (f *inflater) inflate(dst, msg []byte, limit int) ([]byte, error) {
	start := len(dst)
	if len(msg) == 0 {
		// Not DEFLATE (a sender sends at least one byte), but it can only
		// mean an empty message: take it as one.
		return dst, nil
	}
	var dict []byte
	if f.takeover {
		dict = f.hist
	}
	f.src = inflateSource{msg: msg}
	defer func() { f.src.msg = nil }() // do not keep the caller's buffer
	if f.fr == nil {
		f.fr = flate.NewReaderDict(&f.src, dict)
	} else if err := f.fr.(flate.Resetter).Reset(&f.src, dict); err != nil {
		return dst, fmt.Errorf("websocket: inflate: %w", err)
	}
	for {
		n := len(dst) - start
		if n > limit {
			return dst[:start], errInflateTooBig
		}
		if len(dst) == cap(dst) {
			// Double what was inflated, but never past limit+1 bytes.
			dst = slices.Grow(dst, min(max(n, 4<<10), limit+1-n))
		}
		room := dst[len(dst):cap(dst)]
		room = room[:min(len(room), limit+1-n)]
		m, err := f.fr.Read(room)
		dst = dst[:len(dst)+m]
		if err == io.EOF {
			break
		}
		if err != nil {
			return dst[:start], fmt.Errorf("websocket: inflate: corrupt data: %w", err)
		}
	}
	if len(dst)-start > limit {
		return dst[:start], errInflateTooBig
	}
	if rest := msg[min(f.src.pos, len(msg)):]; len(rest) > 1 || len(rest) == 1 && rest[0]&0x07 != 0 {
		// The reader stopped at a block with BFINAL set. RFC 7692
		// 7.2.3.4 lets a sender end a message so, followed by the header
		// bits of the empty stored block whose tail it removed: one byte
		// at most, of which the three bits of the header are zeros.
		return dst[:start], fmt.Errorf("websocket: inflate: %d bytes after the final block", len(rest))
	}
	if f.takeover {
		f.remember(dst[start:])
	}
	return dst, nil
}

// remember keeps the last windowSize bytes of what was inflated, the
// dictionary of the next message.
func (f *inflater) remember(out []byte) {
	if len(out) >= windowSize {
		f.hist = append(f.hist[:0], out[len(out)-windowSize:]...)
		return
	}
	if keep := windowSize - len(out); len(f.hist) > keep {
		f.hist = f.hist[:copy(f.hist, f.hist[len(f.hist)-keep:])]
	}
	f.hist = append(f.hist, out...)
}

// inflateSource gives flate's reader a message, then syncTail, then an
// empty stored block with BFINAL set (0x01 0x00 0x00 0xff 0xff), so that
// the reader ends with io.EOF at the end of the message rather than asking
// for the next block. It is an io.ByteReader, so that the reader takes
// bytes one at a time, as it needs them, and pos tells how far it read:
// a message whose own blocks end with BFINAL leaves the suffix unread, and
// at most one byte of the message.
type inflateSource struct {
	msg []byte
	pos int // in msg, then in the suffix
}

const inflateSuffix = syncTail + "\x01\x00\x00\xff\xff"

func (s *inflateSource) ReadByte() (byte, error) {
	if s.pos < len(s.msg) {
		s.pos++
		return s.msg[s.pos-1], nil
	}
	i := s.pos - len(s.msg)
	if i >= len(inflateSuffix) {
		return 0, io.EOF
	}
	s.pos++
	return inflateSuffix[i], nil
}

func (s *inflateSource) Read(p []byte) (int, error) {
	n := 0
	if s.pos < len(s.msg) {
		n = copy(p, s.msg[s.pos:])
	}
	if i := s.pos + n - len(s.msg); i >= 0 && i < len(inflateSuffix) {
		n += copy(p[n:], inflateSuffix[i:])
	}
	s.pos += n
	if n == 0 && len(p) > 0 {
		return 0, io.EOF
	}
	return n, nil
}
