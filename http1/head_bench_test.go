package http1

import "testing"

// The head benchmarks: go test -run '^$' -bench Head -benchmem ./http1

func benchmarkRequestHead(b *testing.B, head string) {
	buf := []byte(head)
	h := new(requestHead)
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	for b.Loop() {
		h.reset()
		if n, err := parseRequestHead(buf, nil, h); n != len(buf) || err != nil {
			b.Fatalf("n=%d err=%v", n, err)
		}
	}
}

// BenchmarkRequestHeadMinimal parses GET / HTTP/1.1 with one Host.
func BenchmarkRequestHeadMinimal(b *testing.B) { benchmarkRequestHead(b, minimalHead) }

// BenchmarkRequestHeadBrowser parses a browser's 300-byte request head.
func BenchmarkRequestHeadBrowser(b *testing.B) { benchmarkRequestHead(b, browserHead) }

// BenchmarkRequestHeadTrickle parses the browser head arriving in reads
// of 16 bytes: the cost of incremental parsing.
func BenchmarkRequestHeadTrickle(b *testing.B) {
	buf := []byte(browserHead)
	h := new(requestHead)
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	for b.Loop() {
		h.reset()
		for end := 16; ; end += 16 {
			end = min(end, len(buf))
			n, err := parseRequestHead(buf[:end], nil, h)
			if err != nil {
				b.Fatal(err)
			}
			if n > 0 {
				break
			}
		}
	}
}

// BenchmarkResponseHead parses a small response head.
func BenchmarkResponseHead(b *testing.B) {
	buf := []byte("HTTP/1.1 200 OK\r\nDate: Thu, 03 Dec 2026 17:00:00 GMT\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\n")
	h := new(responseHead)
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	for b.Loop() {
		h.reset()
		if n, err := parseResponseHead(buf, nil, h); n != len(buf) || err != nil {
			b.Fatalf("n=%d err=%v", n, err)
		}
	}
}
