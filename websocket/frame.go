package websocket

import (
	"encoding/binary"
	"fmt"
)

// opcode is a frame's kind (RFC 6455 section 5.2).
type opcode uint8

const (
	opContinuation opcode = 0x0
	opText         opcode = 0x1
	opBinary       opcode = 0x2
	opClose        opcode = 0x8
	opPing         opcode = 0x9
	opPong         opcode = 0xA
)

func (op opcode) control() bool { return op&0x8 != 0 }

func (op opcode) String() string {
	switch op {
	case opContinuation:
		return "continuation"
	case opText:
		return "text"
	case opBinary:
		return "binary"
	case opClose:
		return "close"
	case opPing:
		return "ping"
	case opPong:
		return "pong"
	}
	return fmt.Sprintf("opcode %#x", uint8(op))
}

// The bits of a frame's first byte.
const (
	finBit  = 0x80
	rsv1Bit = 0x40 // a compressed message's first frame (RFC 7692)
	rsv2Bit = 0x20
	rsv3Bit = 0x10
	maskBit = 0x80 // in the second byte
)

// maxHeaderSize is the longest frame header: two bytes, a 64-bit length
// and a masking key.
const maxHeaderSize = 14

// maxControlPayload is the most a control frame may carry (section 5.5).
const maxControlPayload = 125

// frameHeader is a parsed frame header.
type frameHeader struct {
	length int64
	key    [4]byte
	fin    bool
	masked bool
	rsv    uint8 // the three reserved bits, as in the first byte
	op     opcode
}

// parseHeader parses the frame header at the start of b. It returns the
// header's size, or 0 if b does not hold all of it yet. The error is a
// protocol error: a length that is not minimal or has its top bit set.
func parseHeader(b []byte, h *frameHeader) (int, error) {
	if len(b) < 2 {
		return 0, nil
	}
	b0, b1 := b[0], b[1]
	h.fin = b0&finBit != 0
	h.rsv = b0 & (rsv1Bit | rsv2Bit | rsv3Bit)
	h.op = opcode(b0 & 0x0F)
	h.masked = b1&maskBit != 0
	n := 2
	switch l := b1 & 0x7F; l {
	case 126:
		if len(b) < 4 {
			return 0, nil
		}
		h.length = int64(binary.BigEndian.Uint16(b[2:]))
		if h.length < 126 {
			return 0, protocolError("frame length %d in the 16-bit form", h.length)
		}
		n = 4
	case 127:
		if len(b) < 10 {
			return 0, nil
		}
		v := binary.BigEndian.Uint64(b[2:])
		if v>>63 != 0 {
			return 0, protocolError("frame length %#x has its most significant bit set", v)
		}
		if v <= 0xFFFF {
			return 0, protocolError("frame length %d in the 64-bit form", v)
		}
		h.length = int64(v)
		n = 10
	default:
		h.length = int64(l)
	}
	if h.masked {
		if len(b) < n+4 {
			return 0, nil
		}
		copy(h.key[:], b[n:n+4])
		n += 4
	}
	return n, nil
}

// appendHeader appends the header of a frame of op with length bytes of
// payload; a non-nil key masks it.
func appendHeader(b []byte, fin bool, rsv uint8, op opcode, length int, key *[4]byte) []byte {
	b0 := rsv | byte(op)
	if fin {
		b0 |= finBit
	}
	var b1 byte
	if key != nil {
		b1 = maskBit
	}
	switch {
	case length < 126:
		b = append(b, b0, b1|byte(length))
	case length <= 0xFFFF:
		b = append(b, b0, b1|126)
		b = binary.BigEndian.AppendUint16(b, uint16(length))
	default:
		b = append(b, b0, b1|127)
		b = binary.BigEndian.AppendUint64(b, uint64(length))
	}
	if key != nil {
		b = append(b, key[:]...)
	}
	return b
}

// mask XORs b with key, starting at byte pos of the key's cycle, and
// returns the position after b. Masking twice unmasks.
func mask(key [4]byte, pos int, b []byte) int {
	// Byte by byte until the key's cycle starts over, then eight bytes
	// at a time with the key rotated into a word.
	for len(b) > 0 && pos&3 != 0 {
		b[0] ^= key[pos&3]
		b = b[1:]
		pos++
	}
	if len(b) >= 8 {
		k32 := binary.LittleEndian.Uint32(key[:])
		k := uint64(k32) | uint64(k32)<<32
		for len(b) >= 8 {
			v := binary.LittleEndian.Uint64(b)
			binary.LittleEndian.PutUint64(b, v^k)
			b = b[8:]
		}
	}
	for i := range b {
		b[i] ^= key[(pos+i)&3]
	}
	return (pos + len(b)) & 3
}
