package interop

import (
	"math/rand/v2"
	"unicode/utf8"
)

// payload returns a message of typ with n random bytes, the same for the
// same arguments: binary bytes, or for text valid UTF-8 mixing one- to
// four-byte characters.
func payload(typ, n int) message {
	var seed [32]byte
	seed[0], seed[1], seed[2] = byte(typ), byte(n), byte(n>>8)
	seed[3] = byte(n >> 16)
	r := rand.New(rand.NewChaCha8(seed))
	if typ == binaryMessage {
		p := make([]byte, n)
		for i := range p {
			p[i] = byte(r.Uint32())
		}
		return message{typ: binaryMessage, data: p}
	}
	return message{typ: textMessage, data: randomUTF8(r, n)}
}

// randomUTF8 returns n bytes of valid UTF-8: random characters of every
// encoded length while four bytes are left, then ASCII.
func randomUTF8(r *rand.Rand, n int) []byte {
	p := make([]byte, 0, n)
	for n-len(p) >= utf8.UTFMax {
		p = utf8.AppendRune(p, randomRune(r))
	}
	for len(p) < n {
		p = append(p, byte(' '+r.IntN('~'-' '+1)))
	}
	return p
}

// randomRune picks one of the four encoded lengths, then a valid
// character of that length (never a surrogate half).
func randomRune(r *rand.Rand) rune {
	for {
		var c rune
		switch r.IntN(4) {
		case 0:
			c = rune(r.IntN(0x80))
		case 1:
			c = 0x80 + rune(r.IntN(0x800-0x80))
		case 2:
			c = 0x800 + rune(r.IntN(0x10000-0x800))
		default:
			c = 0x10000 + rune(r.IntN(utf8.MaxRune+1-0x10000))
		}
		if utf8.ValidRune(c) {
			return c
		}
	}
}
