package websocket

import "unicode/utf8"

// utf8State validates UTF-8 text that arrives in pieces: the fragments of a
// message, or the reads of one frame. A text message must be UTF-8 as a
// whole, and a rune may be cut anywhere between two pieces, so the state
// keeps the part of a rune still to come. It fails as soon as a byte cannot
// continue valid UTF-8, not at the end of the message, as RFC 6455 8.1 asks
// ("fail fast"). It accepts exactly what utf8.Valid accepts (RFC 3629):
// no surrogates, no overlong forms, nothing above U+10FFFF.
//
// The zero value is ready: the start of a message.
type utf8State struct {
	// need is how many continuation bytes the rune in progress still needs
	// (0 to 3).
	need uint8
	// lo and hi bound the next continuation byte. They are 0x80 and 0xBF but
	// for the byte after E0, ED, F0 and F4, where RFC 3629 narrows the range
	// to rule out overlong forms, surrogates and values above U+10FFFF.
	lo, hi byte
	// bad is set once the text cannot be UTF-8; it sticks until reset.
	bad bool
}

// valid reports whether the text so far, ending with p, can still be
// UTF-8: false as soon as a byte of p cannot be. A rune may be cut at the
// end of p; its first bytes are checked now, the rest with the next piece.
// Once valid has returned false it returns false until reset.
func (s *utf8State) valid(p []byte) bool {
	if s.bad {
		return false
	}
	if s.need > 0 {
		p = p[s.finish(p):]
		if s.bad || s.need > 0 {
			return !s.bad
		}
	}
	// The whole runes go to utf8.Valid, which skips ASCII 8 bytes at a
	// time; a rune cut at the end of p starts the state for the next piece.
	cut := lastRuneCut(p)
	if !utf8.Valid(p[:cut]) {
		s.bad = true
		return false
	}
	if cut == len(p) {
		return true
	}
	s.need, s.lo, s.hi = utf8Start(p[cut])
	s.finish(p[cut+1:])
	return !s.bad
}

// lastRuneCut returns where a rune cut short by the end of p starts, or
// len(p) if p does not end inside a rune. Only the last 3 bytes can hold
// the start of an unfinished rune.
func lastRuneCut(p []byte) int {
	for i := len(p) - 1; i >= 0 && i >= len(p)-3; i-- {
		b := p[i]
		if b < 0x80 {
			return len(p) // ASCII ends any rune before it
		}
		if b&0xC0 == 0x80 {
			continue // a continuation byte: the start is further back
		}
		if need, _, _ := utf8Start(b); need > 0 && i+int(need) >= len(p) {
			return i // the rune needs more bytes than p has left
		}
		return len(p)
	}
	return len(p)
}

// finish checks the continuation bytes of the rune in progress at the
// start of p, and returns how many bytes of p it used.
func (s *utf8State) finish(p []byte) int {
	i := 0
	for s.need > 0 && i < len(p) {
		if b := p[i]; b < s.lo || b > s.hi {
			s.bad = true
			return i
		}
		s.need--
		s.lo, s.hi = 0x80, 0xBF
		i++
	}
	return i
}

// utf8Start returns, for the first byte b of a multi-byte rune, how many
// continuation bytes follow and the range of the first of them (RFC 3629,
// section 4). need is 0 for a byte that cannot start a rune: a continuation
// byte, C0 and C1 (always overlong), and F5 to FF (above U+10FFFF).
func utf8Start(b byte) (need uint8, lo, hi byte) {
	switch {
	case b < 0xC2:
		return 0, 0, 0
	case b < 0xE0:
		return 1, 0x80, 0xBF
	case b == 0xE0: // E0 80..9F would be overlong
		return 2, 0xA0, 0xBF
	case b == 0xED: // ED A0..BF would be a surrogate, D800..DFFF
		return 2, 0x80, 0x9F
	case b < 0xF0:
		return 2, 0x80, 0xBF
	case b == 0xF0: // F0 80..8F would be overlong
		return 3, 0x90, 0xBF
	case b < 0xF4:
		return 3, 0x80, 0xBF
	case b == 0xF4: // F4 90.. would be above U+10FFFF
		return 3, 0x80, 0x8F
	}
	return 0, 0, 0
}

// complete reports whether the text so far is UTF-8 with no rune left
// unfinished: call it at the end of a message. It is false once valid
// has failed.
func (s *utf8State) complete() bool {
	return !s.bad && s.need == 0
}

// reset makes s ready for a new message.
func (s *utf8State) reset() {
	*s = utf8State{}
}
