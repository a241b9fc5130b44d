package websocket

import (
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// utf8Samples are strings at the edges of RFC 3629: the first and last
// rune of each length, the neighbours of the surrogates, and each kind of
// invalid sequence, alone and among ASCII long enough for the 8-byte path.
var utf8Samples = []string{
	"",
	"a",
	"hello, world",
	"\x00\x7f",
	"\u0080\u07ff\u0800\uffff\U00010000\U0010ffff",
	"\ud7ff\ue000",
	"Grüße, Jürgen! Καλημέρα κόσμε, コンニチハ, 你好, 👋🌍",
	"0123456789abcdef0123456789abcdef\u00e9",
	"0123456789abcdef0123456789abcdef\U0001f600tail01234567",
	"\xed\xa0\x80",         // U+D800, a surrogate
	"\xed\xbf\xbf",         // U+DFFF
	"\xed\x9f\xbf",         // U+D7FF, valid
	"\xc0\x80",             // overlong NUL
	"\xc1\xbf",             // overlong
	"\xe0\x80\x80",         // overlong
	"\xe0\x9f\xbf",         // overlong
	"\xe0\xa0\x80",         // U+0800, valid
	"\xf0\x80\x80\x80",     // overlong
	"\xf0\x8f\xbf\xbf",     // overlong
	"\xf0\x90\x80\x80",     // U+10000, valid
	"\xf4\x8f\xbf\xbf",     // U+10FFFF, valid
	"\xf4\x90\x80\x80",     // U+110000
	"\xf5\x80\x80\x80",     // above U+10FFFF
	"\xf8\x88\x80\x80\x80", // 5-byte form
	"\xfe", "\xff",
	"\x80", "\xbf", "a\x80b",
	"\xe2\x82",         // cut short
	"\xe2\x82\xac",     // €
	"\xe2\x82\xac\xac", // a stray continuation
	"\xe2\x28\xa1",     // second byte not a continuation
	"\xf0\x9f\x98",     // cut short
	"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80edited",
	"01234567\x80",
	"0123456\xc3\xa9",
	"abcdefghijklmnopqrstuvwxyz\xf4\x90",
}

// validPrefixes returns every proper prefix of the encoding of a rune of
// two or more bytes: the pieces a text may end with and still become UTF-8.
var validPrefixes = sync.OnceValue(func() map[string]bool {
	m := make(map[string]bool)
	var b [4]byte
	for r := rune(0x80); r <= utf8.MaxRune; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		n := utf8.EncodeRune(b[:], r)
		for i := 1; i < n; i++ {
			m[string(b[:i])] = true
		}
	}
	return m
})

// canContinue reports whether p is the start of some UTF-8 text: valid, but
// for a rune cut at its end.
func canContinue(p []byte) bool {
	for cut := 0; cut <= 3 && cut <= len(p); cut++ {
		head, tail := p[:len(p)-cut], p[len(p)-cut:]
		if (cut == 0 || validPrefixes()[string(tail)]) && utf8.Valid(head) {
			return true
		}
	}
	return false
}

// checkPieces feeds p to a utf8State cut at the given offsets (ascending)
// and checks the answer against utf8.Valid, and that it fails in the piece
// holding the first byte that no text can continue with.
func checkPieces(t *testing.T, p []byte, cuts []int) {
	t.Helper()
	var s utf8State
	failed := -1 // the piece where valid first said false
	start := 0
	ends := append(append([]int(nil), cuts...), len(p))
	for i, end := range ends {
		if !s.valid(p[start:end]) && failed < 0 {
			failed = i
		}
		start = end
	}
	want := utf8.Valid(p)
	if got := failed < 0 && s.complete(); got != want {
		t.Fatalf("%q cut at %v: valid and complete say %v, utf8.Valid %v", p, cuts, got, want)
	}
	// The first piece after which the text so far cannot be UTF-8.
	wantFail := -1
	for i, end := range ends {
		if !canContinue(p[:end]) {
			wantFail = i
			break
		}
	}
	if failed != wantFail {
		t.Fatalf("%q cut at %v: valid first failed in piece %d, want %d", p, cuts, failed, wantFail)
	}
	if failed >= 0 && (s.valid([]byte("a")) || s.complete()) {
		t.Fatalf("%q: the state did not stay failed", p)
	}
}

func TestUTF8StateSamples(t *testing.T) {
	for _, sample := range utf8Samples {
		p := []byte(sample)
		checkPieces(t, p, nil)
		for i := 0; i <= len(p); i++ {
			checkPieces(t, p, []int{i})
			for j := i; j <= len(p) && j <= i+4; j++ {
				checkPieces(t, p, []int{i, j})
			}
		}
		// One byte at a time.
		var every []int
		for i := 1; i < len(p); i++ {
			every = append(every, i)
		}
		checkPieces(t, p, every)
	}
}

// TestUTF8StateSequences tries every sequence of up to 4 bytes drawn from
// the bytes where the rules change, cut at every point.
func TestUTF8StateSequences(t *testing.T) {
	edges := []byte{0x00, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2,
		0xdf, 0xe0, 0xe1, 0xec, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xff}
	p := make([]byte, 4)
	var walk func(n int)
	walk = func(n int) {
		for i := 0; i <= n; i++ {
			checkPieces(t, p[:n], []int{i})
		}
		if n == len(p) {
			return
		}
		for _, b := range edges {
			p[n] = b
			walk(n + 1)
		}
	}
	walk(0)
}

// TestUTF8StateRandom checks random text, mostly valid, with a byte
// changed now and then, cut at random points.
func TestUTF8StateRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 3000 {
		p := randomText(rng, rng.IntN(200))
		if rng.IntN(3) == 0 && len(p) > 0 {
			p[rng.IntN(len(p))] = byte(rng.Uint32())
		}
		checkPieces(t, p, randomCuts(rng, len(p)))
	}
}

// randomText returns n runes of text, mixing ASCII runs with runes of each
// length.
func randomText(rng *rand.Rand, n int) []byte {
	var b strings.Builder
	for range n {
		switch rng.IntN(4) {
		case 0:
			b.WriteString("plain ascii text ")
		case 1:
			b.WriteRune(rune(0x80 + rng.IntN(0x800-0x80)))
		case 2:
			r := rune(0x800 + rng.IntN(0x10000-0x800))
			if !utf8.ValidRune(r) {
				r = utf8.RuneError
			}
			b.WriteRune(r)
		default:
			b.WriteRune(rune(0x10000 + rng.IntN(utf8.MaxRune+1-0x10000)))
		}
	}
	return []byte(b.String())
}

// randomCuts returns up to 5 ascending cut points in [0, n].
func randomCuts(rng *rand.Rand, n int) []int {
	cuts := make([]int, rng.IntN(6))
	for i := range cuts {
		cuts[i] = rng.IntN(n + 1)
	}
	for i := 1; i < len(cuts); i++ {
		for j := i; j > 0 && cuts[j] < cuts[j-1]; j-- {
			cuts[j], cuts[j-1] = cuts[j-1], cuts[j]
		}
	}
	return cuts
}

func TestUTF8StateReset(t *testing.T) {
	var s utf8State
	if s.valid([]byte("\xc0")) {
		t.Fatal("C0 accepted")
	}
	s.reset()
	if !s.valid([]byte("\xe2\x82")) || s.complete() {
		t.Fatal("a cut rune after reset: not valid, or complete")
	}
	s.reset()
	if !s.valid([]byte("ok")) || !s.complete() {
		t.Fatal("ASCII after reset: not valid and complete")
	}
}

func FuzzUTF8State(f *testing.F) {
	for i, sample := range utf8Samples {
		f.Add([]byte(sample), uint64(i))
	}
	f.Fuzz(func(t *testing.T, p []byte, seed uint64) {
		rng := rand.New(rand.NewPCG(seed, seed>>32))
		checkPieces(t, p, randomCuts(rng, len(p)))
	})
}

func BenchmarkUTF8State(b *testing.B) {
	texts := map[string][]byte{
		"ASCII":   []byte(strings.Repeat("The quick brown fox jumps over the lazy dog. ", 100)),
		"Mixed":   []byte(strings.Repeat("Grüße, Καλημέρα, コンニチハ, 👋 and some ascii. ", 60)),
		"Chinese": []byte(strings.Repeat("你好世界，这是一个测试。", 150)),
	}
	for name, p := range texts {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(p)))
			b.ReportAllocs()
			var s utf8State
			for b.Loop() {
				s.reset()
				if !s.valid(p[:len(p)/2]) || !s.valid(p[len(p)/2:]) || !s.complete() {
					b.Fatal("valid text refused")
				}
			}
		})
	}
}
