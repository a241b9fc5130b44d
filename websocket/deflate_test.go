package websocket

import (
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
)

// testMessage returns a message of n bytes of a kind that depends on i:
// text, random bytes, or a repeat of what came before (which only context
// takeover compresses well).
func testMessage(rng *rand.Rand, n, i int, prev []byte) []byte {
	b := make([]byte, n)
	switch i % 3 {
	case 0:
		words := []string{"websocket ", "frame ", "message ", "deflate ", "window ", "é ", "你好 "}
		var s strings.Builder
		for s.Len() < n {
			s.WriteString(words[rng.IntN(len(words))])
		}
		copy(b, s.String())
	case 1:
		for j := range b {
			b[j] = byte(rng.Uint32())
		}
	default:
		for j := range b {
			if len(prev) > 0 {
				b[j] = prev[j%len(prev)]
			} else {
				b[j] = byte(j)
			}
		}
	}
	return b
}

var testSizes = []int{0, 1, 2, 10, 125, 126, 1000, 4 << 10, 32<<10 - 1, 32 << 10, 32<<10 + 1, 100 << 10, 1 << 20}

// TestDeflateRoundTrip sends messages of each size through one deflater
// and inflater, with and without context takeover, at several levels.
func TestDeflateRoundTrip(t *testing.T) {
	for _, takeover := range []bool{true, false} {
		for _, level := range []int{flate.BestSpeed, flate.DefaultCompression, flate.NoCompression, flate.HuffmanOnly} {
			t.Run(fmt.Sprintf("takeover=%v/level=%d", takeover, level), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(uint64(level+10), 7))
				d, f := newDeflater(level, takeover), newInflater(takeover)
				var prev, z, out []byte
				for i, n := range append(testSizes, testSizes...) {
					msg := testMessage(rng, n, i, prev)
					var err error
					z, err = d.compress(z[:0], msg)
					if err != nil {
						t.Fatalf("message %d (%d bytes): %v", i, n, err)
					}
					out, err = f.inflate(out[:0], z, 1<<20)
					if err != nil {
						t.Fatalf("message %d (%d bytes, %d compressed): %v", i, n, len(z), err)
					}
					if !bytes.Equal(out, msg) {
						t.Fatalf("message %d (%d bytes) came back as %d different bytes", i, n, len(out))
					}
					prev = msg
				}
			})
		}
	}
}

// TestDeflateTakeoverHelps checks that with takeover a message repeating
// the previous one refers to it, and without it does not.
func TestDeflateTakeoverHelps(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	msg := testMessage(rng, 8<<10, 1, nil) // random: incompressible alone
	for _, takeover := range []bool{true, false} {
		// Not BestSpeed: it looks up few positions of incompressible
		// data, so it finds only part of the repeat.
		d := newDeflater(flate.DefaultCompression, takeover)
		if _, err := d.compress(nil, msg); err != nil {
			t.Fatal(err)
		}
		z, err := d.compress(nil, msg)
		if err != nil {
			t.Fatal(err)
		}
		if small := len(z) < len(msg)/10; small != takeover {
			t.Errorf("takeover %v: the repeat compressed to %d bytes of %d", takeover, len(z), len(msg))
		}
	}
}

// peerCompress compresses msgs as another implementation would with
// compress/flate: one writer for the connection (takeover) or one per
// message, each message ended by a flush (or, if final, by Close: a block
// with BFINAL set, RFC 7692 7.2.3.3), the last 4 bytes removed.
func peerCompress(t *testing.T, msgs [][]byte, takeover, final bool) [][]byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := flate.NewWriter(&buf, flate.DefaultCompression)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, m := range msgs {
		if !takeover {
			w.Reset(&buf)
		}
		buf.Reset()
		w.Write(m)
		if final {
			err = w.Close()
		} else {
			err = w.Flush()
		}
		if err != nil {
			t.Fatal(err)
		}
		z := buf.Bytes()
		if !bytes.HasSuffix(z, []byte(syncTail)) {
			t.Fatalf("compress/flate's output does not end with the sync tail: % x", z[max(0, len(z)-8):])
		}
		out = append(out, bytes.Clone(z[:len(z)-4]))
	}
	return out
}

func TestInflateFlatePeer(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	var msgs [][]byte
	var prev []byte
	for i, n := range testSizes {
		prev = testMessage(rng, n, i, prev)
		msgs = append(msgs, prev)
	}
	for _, c := range []struct{ takeover, final bool }{{true, false}, {false, false}, {false, true}} {
		f := newInflater(c.takeover)
		var out []byte
		for i, z := range peerCompress(t, msgs, c.takeover, c.final) {
			var err error
			out, err = f.inflate(out[:0], z, 1<<20)
			if err != nil || !bytes.Equal(out, msgs[i]) {
				t.Fatalf("takeover %v, final %v: message %d (%d bytes): got %d bytes, %v", c.takeover, c.final, i, len(msgs[i]), len(out), err)
			}
		}
	}
}

// TestDeflateFlatePeer inflates our messages with compress/flate as a
// peer would: one reader over the whole stream with takeover, the tail
// put back after each message.
func TestDeflateFlatePeer(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	for _, takeover := range []bool{true, false} {
		d := newDeflater(flate.BestSpeed, takeover)
		var stream bytes.Buffer
		r := flate.NewReader(&stream)
		var prev []byte
		for i, n := range testSizes {
			msg := testMessage(rng, n, i, prev)
			prev = msg
			z, err := d.compress(nil, msg)
			if err != nil {
				t.Fatal(err)
			}
			if !takeover {
				stream.Reset()
				r.(flate.Resetter).Reset(&stream, nil)
			}
			stream.Write(z)
			stream.WriteString(syncTail)
			got := make([]byte, len(msg))
			if _, err := io.ReadFull(r, got); err != nil || !bytes.Equal(got, msg) {
				t.Fatalf("takeover %v: message %d (%d bytes): %v", takeover, i, n, err)
			}
		}
	}
}

// bomb returns a message that inflates to n zero bytes. Past the first
// 32 KiB it repeats one compressed 64 KiB of zeros: each copy begins after
// a sync flush and refers only to the zeros before it, so a bomb of
// 100 MiB costs no 100 MiB of compression to make.
func bomb(t testing.TB, n int) []byte {
	zeros := make([]byte, 64<<10)
	chunk := func(dict []byte, k int) []byte {
		var b bytes.Buffer
		w, err := flate.NewWriterDict(&b, flate.BestCompression, dict)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(zeros[:k])
		w.Flush()
		return b.Bytes()
	}
	first := min(n, windowSize)
	z := chunk(nil, first)
	var full []byte
	for n -= first; n > 0; n -= len(zeros) {
		if n < len(zeros) {
			z = append(z, chunk(zeros[:windowSize], n)...)
			break
		}
		if full == nil {
			full = chunk(zeros[:windowSize], len(zeros))
		}
		z = append(z, full...)
	}
	return bytes.TrimSuffix(z, []byte(syncTail))
}

// TestInflateLimit inflates a 100 KiB message that would inflate to
// 100 MiB (DEFLATE cannot do better than about 1000:1) with a limit of
// 1 MiB: it must stop early, having allocated about the limit.
func TestInflateLimit(t *testing.T) {
	z := bomb(t, 100<<20)
	t.Logf("a 100 MiB bomb compresses to %d bytes", len(z))
	n, err := io.Copy(io.Discard, flate.NewReader(io.MultiReader(bytes.NewReader(z), strings.NewReader(syncTail))))
	if n != 100<<20 {
		t.Fatalf("the bomb inflates to %d bytes, not 100 MiB: %v", n, err)
	}
	const limit = 1 << 20
	for _, takeover := range []bool{true, false} {
		f := newInflater(takeover)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		out, err := f.inflate(nil, z, limit)
		runtime.ReadMemStats(&after)
		if !errors.Is(err, errInflateTooBig) {
			t.Fatalf("takeover %v: inflate of the bomb: %d bytes, %v", takeover, len(out), err)
		}
		alloc := after.TotalAlloc - before.TotalAlloc
		t.Logf("takeover %v: the bomb stopped after %d bytes allocated, output capacity %d", takeover, alloc, cap(out))
		if alloc > 6*limit {
			t.Errorf("takeover %v: inflate allocated %d bytes for a limit of %d", takeover, alloc, limit)
		}
		if cap(out) > 2*limit {
			t.Errorf("takeover %v: output capacity %d for a limit of %d", takeover, cap(out), limit)
		}
	}
}

// TestInflateLimitEdge checks that a message of exactly the limit passes
// and one byte more does not.
func TestInflateLimitEdge(t *testing.T) {
	for _, n := range []int{1, 100, 4 << 10, 32 << 10, 70 << 10, 200 << 10} {
		z := bomb(t, n)
		if out, err := newInflater(false).inflate(nil, z, n); err != nil || len(out) != n {
			t.Errorf("%d bytes with limit %d: got %d, %v", n, n, len(out), err)
		}
		dst := []byte("kept")
		out, err := newInflater(false).inflate(dst, z, n-1)
		if !errors.Is(err, errInflateTooBig) || string(out) != "kept" {
			t.Errorf("%d bytes with limit %d: got %q..., %v", n, n-1, out[:min(len(out), 8)], err)
		}
	}
}

func TestInflateCorrupt(t *testing.T) {
	good := bomb(t, 1000)
	// A message that refers to a dictionary the inflater does not have.
	var buf bytes.Buffer
	w, err := flate.NewWriterDict(&buf, flate.BestCompression, []byte("a dictionary of words"))
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("words of a dictionary"))
	w.Flush()
	tests := map[string][]byte{
		"a reserved block type": {0x07},
		"a stored block's NLEN": {0x00, 0x05, 0x00, 0x05, 0x00},
		"a stored block cut":    {0x00, 0x10, 0x00, 0xef, 0xff, 'a'},
		"a truncated message":   good[:len(good)/2],
		"bytes after BFINAL":    {0x03, 0x00, 0x00, 0x00},
		"a block after BFINAL":  {0x03, 0x00, 0x03, 0x00},
		"a final header after":  {0x03, 0x00, 0x01},
		"a distance too far":    bytes.TrimSuffix(buf.Bytes(), []byte(syncTail)),
		"garbage":               []byte("this is not deflate data at all"),
	}
	for name, z := range tests {
		for _, takeover := range []bool{true, false} {
			out, err := newInflater(takeover).inflate(nil, z, 1<<20)
			if err == nil || errors.Is(err, errInflateTooBig) || !strings.HasPrefix(err.Error(), "websocket: inflate: ") {
				t.Errorf("%s (% x), takeover %v: %d bytes, error %v", name, z, takeover, len(out), err)
			}
		}
	}
	// The final empty block alone, as 7.2.3.3 allows: an empty message.
	if out, err := newInflater(false).inflate(nil, []byte{0x01}, 10); err != nil || len(out) != 0 {
		t.Errorf("a final empty stored block: %q, %v", out, err)
	}
	// An empty payload is taken as an empty message.
	if out, err := newInflater(true).inflate(nil, nil, 10); err != nil || len(out) != 0 {
		t.Errorf("an empty payload: %q, %v", out, err)
	}
}

// TestInflateRFCExamples inflates the examples of RFC 7692 7.2.3.
func TestInflateRFCExamples(t *testing.T) {
	tests := []struct {
		name     string
		takeover bool
		msgs     []string
	}{
		{"7.2.3.1 a message compressed", false, []string{"\xf2\x48\xcd\xc9\xc9\x07\x00"}},
		{"7.2.3.2 sharing the window", true, []string{"\xf2\x48\xcd\xc9\xc9\x07\x00", "\xf2\x00\x11\x00\x00"}},
		{"7.2.3.3 a stored block", false, []string{"\x00\x05\x00\xfa\xff\x48\x65\x6c\x6c\x6f\x00"}},
		{"7.2.3.4 BFINAL set", false, []string{"\xf3\x48\xcd\xc9\xc9\x07\x00\x00"}},
	}
	for _, tt := range tests {
		f := newInflater(tt.takeover)
		for i, z := range tt.msgs {
			out, err := f.inflate(nil, []byte(z), 100)
			if err != nil || string(out) != "Hello" {
				t.Errorf("%s: message %d: %q, %v", tt.name, i, out, err)
			}
		}
	}
	// RFC 7692 7.2.3.1 also gives our output for "Hello".
	z, err := newDeflater(flate.BestSpeed, true).compress(nil, []byte("Hello"))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Hello compresses to % x", z)
}

// TestDeflateAllocs checks that compressing a message allocates nothing
// once the deflater and its caller's buffer have warmed up, and that
// inflating one allocates only what compress/flate's reader does.
func TestDeflateAllocs(t *testing.T) {
	msg := testMessage(rand.New(rand.NewPCG(1, 1)), 16<<10, 0, nil)
	for _, takeover := range []bool{true, false} {
		d, f := newDeflater(flate.BestSpeed, takeover), newInflater(takeover)
		z := make([]byte, 0, 64<<10)
		out := make([]byte, 0, 64<<10)
		var err error
		compress := testing.AllocsPerRun(20, func() {
			if z, err = d.compress(z[:0], msg); err != nil {
				t.Fatal(err)
			}
		})
		// The inflater takes the messages of a deflater in order, the
		// first for the warm-up run.
		var zs [][]byte
		d = newDeflater(flate.BestSpeed, takeover)
		for range 21 {
			z, err := d.compress(nil, msg)
			if err != nil {
				t.Fatal(err)
			}
			zs = append(zs, z)
		}
		inflate := testing.AllocsPerRun(20, func() {
			if out, err = f.inflate(out[:0], zs[0], 1<<20); err != nil {
				t.Fatal(err)
			}
			zs = zs[1:]
		})
		t.Logf("takeover %v: %.0f allocations to compress a message, %.0f to inflate it", takeover, compress, inflate)
		if compress != 0 {
			t.Errorf("takeover %v: %.0f allocations to compress a message", takeover, compress)
		}
		// compress/flate's reader makes the link tables of each dynamic
		// Huffman block afresh (4 to 10 here); the rest allocates nothing.
		if inflate > 32 {
			t.Errorf("takeover %v: %.0f allocations to inflate a message", takeover, inflate)
		}
	}
}

// held returns how many bytes of heap each of n values made by mk holds.
func held(n int, mk func() any) uint64 {
	keep := make([]any, n)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := range keep {
		keep[i] = mk()
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(keep)
	if after.HeapAlloc < before.HeapAlloc {
		return 0
	}
	return (after.HeapAlloc - before.HeapAlloc) / uint64(n)
}

// TestDeflateMemory measures what a deflater and an inflater hold after
// one message: the figures in their doc comments.
func TestDeflateMemory(t *testing.T) {
	msg := testMessage(rand.New(rand.NewPCG(2, 2)), 64<<10, 0, nil)
	z, err := newDeflater(flate.BestSpeed, true).compress(nil, msg)
	if err != nil {
		t.Fatal(err)
	}
	for _, takeover := range []bool{true, false} {
		for _, level := range []int{flate.BestSpeed, flate.BestCompression, flate.NoCompression} {
			b := held(8, func() any {
				d := newDeflater(level, takeover)
				d.compress(nil, msg)
				return d
			})
			t.Logf("deflater, level %d, takeover %v: %d KiB", level, takeover, b>>10)
			if b > 2<<20 {
				t.Errorf("deflater, level %d, takeover %v: holds %d bytes", level, takeover, b)
			}
		}
		b := held(32, func() any {
			f := newInflater(takeover)
			if _, err := f.inflate(nil, z, 1<<20); err != nil {
				t.Fatal(err)
			}
			return f
		})
		t.Logf("inflater, takeover %v: %d KiB", takeover, b>>10)
		if b > 160<<10 {
			t.Errorf("inflater, takeover %v: holds %d bytes", takeover, b)
		}
	}
	b := held(8, func() any {
		d := newDeflater(flate.BestSpeed, false)
		d.compress(nil, msg)
		d.release()
		return d
	})
	t.Logf("deflater released: %d bytes", b)
}

func FuzzInflate(f *testing.F) {
	f.Add([]byte{0x01}, false, uint16(10))
	f.Add(bomb(f, 10000), true, uint16(1000))
	f.Add(bomb(f, 100), false, uint16(100))
	f.Add([]byte("\xf2\x48\xcd\xc9\xc9\x07\x00"), true, uint16(5)) // "Hello"
	f.Add([]byte{0x07}, false, uint16(10))
	f.Fuzz(func(t *testing.T, z []byte, takeover bool, limit uint16) {
		in := newInflater(takeover)
		for range 2 { // twice: the second with the first's window
			out, err := in.inflate(nil, z, int(limit))
			if len(out) > int(limit) {
				t.Fatalf("%d bytes out, limit %d", len(out), limit)
			}
			if err != nil {
				if len(out) != 0 {
					t.Fatalf("an error (%v) with %d bytes out", err, len(out))
				}
				return
			}
		}
	})
}

func BenchmarkDeflate(b *testing.B) {
	msg := testMessage(rand.New(rand.NewPCG(1, 1)), 4<<10, 0, nil)
	for _, takeover := range []bool{true, false} {
		b.Run(fmt.Sprintf("takeover=%v", takeover), func(b *testing.B) {
			d, f := newDeflater(flate.BestSpeed, takeover), newInflater(takeover)
			z := make([]byte, 0, 16<<10)
			out := make([]byte, 0, 16<<10)
			b.SetBytes(int64(len(msg)))
			b.ReportAllocs()
			for b.Loop() {
				z, _ = d.compress(z[:0], msg)
				out, _ = f.inflate(out[:0], z, 1<<20)
			}
		})
	}
	// The cost of making a new compressor for each message, as a released
	// deflater does.
	b.Run("release", func(b *testing.B) {
		d := newDeflater(flate.BestSpeed, false)
		z := make([]byte, 0, 16<<10)
		b.SetBytes(int64(len(msg)))
		b.ReportAllocs()
		for b.Loop() {
			z, _ = d.compress(z[:0], msg)
			d.release()
		}
	})
}
