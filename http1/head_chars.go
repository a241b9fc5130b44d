package http1

import "encoding/binary"

// Character classes of RFC 9110 and RFC 9112, one table lookup each.
//
// The table holds one bit per class so that a byte is classified with a
// single load; building it at init keeps the rules readable here.
const (
	// classToken: tchar (RFC 9110 section 5.6.2), the bytes of methods,
	// field names and transfer-coding names.
	classToken = 1 << iota
	// classValue: field-vchar, SP and HTAB (RFC 9110 section 5.5): VCHAR
	// and obs-text. Everything else, notably NUL, CR, LF, the other
	// controls and DEL, is rejected in a field value.
	classValue
	// classTarget: the bytes a request-target may hold: visible ASCII
	// (RFC 3986 percent-encodes everything else) except "#", since a
	// fragment is never part of a request-target (RFC 9112 section 3.2).
	classTarget
	// classHost: the bytes of uri-host [ ":" port ] (RFC 3986 section
	// 3.2.2): unreserved, pct-encoded, sub-delims, ":" and the brackets of
	// an IP-literal.
	classHost
)

var charClass = buildCharClass()

func buildCharClass() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		alnum := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
		if alnum || byteIn("!#$%&'*+-.^_`|~", c) {
			t[c] |= classToken
		}
		if 0x21 <= c && c <= 0x7e || c >= 0x80 || c == ' ' || c == '\t' {
			t[c] |= classValue
		}
		if 0x21 <= c && c <= 0x7e && c != '#' {
			t[c] |= classTarget
		}
		if alnum || byteIn("-._~%!$&'()*+,;=:[]", c) {
			t[c] |= classHost
		}
	}
	return t
}

func byteIn(set string, c int) bool {
	for i := 0; i < len(set); i++ {
		if int(set[i]) == c {
			return true
		}
	}
	return false
}

// isToken reports whether b is a non-empty token.
func isToken(b []byte) bool {
	for _, c := range b {
		if charClass[c]&classToken == 0 {
			return false
		}
	}
	return len(b) > 0
}

// validValue reports whether every byte of b may be in a field value
// (classValue). Values are most of a head's bytes, so it checks eight at
// a time: a word passes at once when none of its bytes is below 0x20 or
// equal to 0x7f, the usual case; a word that does not is checked byte by
// byte, since HTAB (0x09) is valid.
func validValue(b []byte) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	for ; len(b) >= 8; b = b[8:] {
		w := binary.LittleEndian.Uint64(b)
		// Some byte is below 0x20: subtracting 0x20 from every byte sets
		// the high bit of the lowest such byte, and of no byte that had
		// its high bit set already (masked by ^w) unless a lower byte
		// borrowed, which only a byte below 0x20 does. ("hasless" in Sean
		// Anderson's Bit Twiddling Hacks.)
		low := (w - ones*0x20) & ^w & highs
		// Some byte is 0x7f: the same test for a zero byte of w^0x7f...
		x := w ^ ones*0x7f
		del := (x - ones) & ^x & highs
		if low|del != 0 && !validValueBytes(b[:8]) {
			return false
		}
	}
	return validValueBytes(b)
}

func validValueBytes(b []byte) bool {
	for _, c := range b {
		if charClass[c]&classValue == 0 {
			return false
		}
	}
	return true
}

// equalFold reports whether b equals lower, a lower-case ASCII string,
// ignoring ASCII case. It allocates nothing.
func equalFold(b []byte, lower string) bool {
	if len(b) != len(lower) {
		return false
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// trimOWS returns b without leading and trailing SP and HTAB.
func trimOWS(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

// nextListElem splits the first element off a comma-separated list
// (RFC 9110 section 5.6.1), trimming OWS around it. Empty elements come
// back empty; the caller skips them, as a recipient must.
func nextListElem(list []byte) (elem, rest []byte) {
	for i, c := range list {
		if c == ',' {
			return trimOWS(list[:i]), list[i+1:]
		}
	}
	return trimOWS(list), nil
}
