package http1

import (
	"bytes"
	"testing"

	"github.com/asyncgo/async/internal/testfut"
)

// framingFuzzLimits are small, so that the fuzzer reaches every limit.
var framingFuzzLimits = bodyLimits{body: 4096, chunkExt: 64, trailer: 128}

// framingFuzzCuts turns the fuzzer's bytes into the lengths of the pieces the
// input arrives in, and the most data asked for per call.
func framingFuzzCuts(cuts []byte) ([]int, int) {
	sizes := make([]int, len(cuts))
	for i, c := range cuts {
		sizes[i] = int(c%32) + 1
	}
	maxData := 1 << 20
	if len(cuts) > 0 {
		maxData = int(cuts[0]) + 1
	}
	return sizes, maxData
}

// FuzzChunked decodes arbitrary input in arbitrary splits. Invariants:
// no panic; no call consumes beyond its input or returns data that is not
// the end of what it consumed; the result (body, end, error) is the same
// for any split; a body accepted re-encodes and decodes to the same data,
// and its end does not depend on the bytes after it.
func FuzzChunked(f *testing.F) {
	for _, tc := range validChunked {
		f.Add([]byte(tc.in), []byte{3, 1, 7})
	}
	for _, in := range []string{
		"12g4\r\n", "+3\r\nabc\r\n", "0x3\r\n", " 3\r\n", "3 \r\n", "3\nabc\r\n",
		"3\r\nabcX\r\n", "ffffffffffffffff\r\n", "1;a=\"\\\x01\"\r\nx\r\n0\r\n\r\n",
		"0\r\nA : b\r\n\r\n", "0\r\nA: b\r\n c\r\n\r\n", "0\r\nA: b\x00\r\n\r\n",
		"1001\r\n", "0\r\n\r\nGET / HTTP/1.1\r\n\r\n",
	} {
		f.Add([]byte(in), []byte{1})
	}
	f.Fuzz(func(t *testing.T, in, cuts []byte) {
		sizes, maxData := framingFuzzCuts(cuts)
		want := decodeChunked(t, in, nil, len(in)+1, framingFuzzLimits)
		if want.err != "" && want.status != 400 && want.status != 413 {
			t.Fatalf("status %d for %s", want.status, want.err)
		}
		if got := decodeChunked(t, in, []int{1}, 1, framingFuzzLimits); got != want {
			t.Fatalf("byte by byte: %+v, whole: %+v", got, want)
		}
		if got := decodeChunked(t, in, sizes, maxData, framingFuzzLimits); got != want {
			t.Fatalf("in pieces %v, %d of data a call: %+v, whole: %+v", sizes, maxData, got, want)
		}
		if !want.done {
			return
		}
		if got := decodeChunked(t, in[:want.consumed], nil, len(in)+1, framingFuzzLimits); got != want {
			t.Fatalf("the body alone: %+v, with what follows: %+v", got, want)
		}
		// Re-encode the body in chunks of the cut sizes.
		var enc []byte
		body := []byte(want.body)
		for i := 0; len(body) > 0; i++ {
			n := min(len(body), 1+i)
			if len(sizes) > 0 {
				n = min(len(body), sizes[i%len(sizes)])
			}
			enc = appendChunk(enc, body[:n])
			body = body[n:]
		}
		enc, _ = appendLastChunk(enc, nil)
		again := decodeChunked(t, enc, sizes, maxData, framingFuzzLimits)
		if !again.done || again.body != want.body || again.consumed != len(enc) {
			t.Fatalf("re-encoded as %q: %+v, want the body %q", enc, again, want.body)
		}
	})
}

// FuzzBodyReader reads arbitrary input through a bodyReader, arriving in
// arbitrary pieces, and checks that it gives what the decoder alone gives:
// the same body and error, and the bytes after the body left buffered.
func FuzzBodyReader(f *testing.F) {
	for _, tc := range validChunked {
		f.Add([]byte(tc.in+"NEXT"), []byte{5, 2})
	}
	f.Add([]byte("3\r\nabc\r\nz\r\n"), []byte{1})
	f.Add([]byte("5\r\nab"), []byte{9})
	f.Fuzz(func(t *testing.T, in, cuts []byte) {
		sizes, maxData := framingFuzzCuts(cuts)
		want := decodeChunked(t, in, nil, len(in)+1, framingFuzzLimits)
		var pieces [][]byte
		for i, rest := 0, in; len(rest) > 0; i++ {
			n := len(rest)
			if len(sizes) > 0 {
				n = min(n, sizes[i%len(sizes)])
			}
			pieces = append(pieces, rest[:n])
			rest = rest[n:]
		}
		src := newMemSource(len(in)+1, pieces...)
		src.pend = len(cuts) > 1 && cuts[1]%2 == 1
		cx := testfut.NewContext(&testfut.Waker{})
		var r bodyReader
		r.reset(src, bodyChunked, 0, framingFuzzLimits)
		got, err := readAllHand(t, cx, &r, make([]byte, min(maxData, 64)))
		if !bytes.Equal(got, []byte(want.body)) {
			t.Fatalf("read %q, the decoder gives %q", got, want.body)
		}
		switch {
		case want.done:
			rest := append([]byte(nil), src.buffered()...)
			for _, p := range src.pieces {
				rest = append(rest, p...)
			}
			if err != nil || !r.reusable() || !bytes.Equal(rest, in[want.consumed:]) {
				t.Fatalf("a complete body: %v, reusable %v, %q left, want %q", err, r.reusable(), rest, in[want.consumed:])
			}
		case want.err != "":
			if err == nil || err.Error() != want.err {
				t.Fatalf("error %v, the decoder gives %s", err, want.err)
			}
		default:
			if err != errBodyCutShort {
				t.Fatalf("a body cut short: %v", err)
			}
		}
	})
}
