package aio

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/rttest"
)

// readLines calls ReadLine until it fails, and records each result as
// "line" or "line|error".
func readLines(co *async.Co, br *BufReader) []string {
	var got []string
	for {
		line, err := async.Await(co, br.ReadLine()).Get()
		switch {
		case err == io.EOF:
			return got
		case errors.Is(err, ErrTooLong):
			got = append(got, string(line)+"|too long")
		case err != nil:
			return append(got, string(line)+"|"+err.Error())
		default:
			got = append(got, string(line))
		}
	}
}

func TestBufReaderReadLine(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		long := strings.Repeat("x", 40)
		tests := []struct {
			name string
			in   string
			step int
			want []string
		}{
			{"newlines", "one\ntwo\n\nfour\n", 1, []string{"one", "two", "", "four"}},
			{"crlf", "one\r\ntwo\r\n\r\n", 1, []string{"one", "two", ""}},
			{"last line without newline", "one\ntwo", 3, []string{"one", "two"}},
			{"lone cr stays", "a\rb\nc\r", 5, []string{"a\rb", "c\r"}},
			{"empty stream", "", 1, nil},
			{"long line in pieces", long + "\nend\n", 7,
				[]string{long[:16] + "|too long", long[16:32] + "|too long", long[32:], "end"}},
			{"crlf behind a full buffer", strings.Repeat("y", 16) + "\r\nz\n", 16,
				[]string{strings.Repeat("y", 16), "z"}},
			{"crlf split between pieces", strings.Repeat("y", 17) + "\r\nz\n", 17,
				[]string{strings.Repeat("y", 16) + "|too long", "y", "z"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				run(t, x, func(co *async.Co) error {
					br := NewReader(&trickle{data: []byte(tt.in), step: tt.step}, 16)
					got := readLines(co, br)
					if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", tt.want) {
						t.Errorf("lines %q, want %q", got, tt.want)
					}
					return nil
				})
			})
		}
	})
}

func TestBufReaderTooLongErrorSaysTheLimit(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		run(t, x, func(co *async.Co) error {
			br := NewReader(&trickle{data: pattern(100), step: 50}, 32)
			_, err := async.Await(co, br.ReadLine()).Get()
			var tl *TooLongError
			if !errors.As(err, &tl) || tl.Max != 32 || !strings.Contains(err.Error(), "32") {
				t.Errorf("ReadLine of a long line = %v, want a TooLongError naming 32", err)
			}
			return nil
		})
	})
}

func TestBufReaderReadSlice(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		run(t, x, func(co *async.Co) error {
			br := NewReader(&trickle{data: []byte("a,bc,,def"), step: 2}, 16)
			var got []string
			for {
				s, err := async.Await(co, br.ReadSlice(',')).Get()
				got = append(got, fmt.Sprintf("%s|%v", s, err))
				if err != nil {
					break
				}
			}
			want := []string{"a,|<nil>", "bc,|<nil>", ",|<nil>", "def|EOF"}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("ReadSlice results %q, want %q", got, want)
			}
			if _, err := async.Await(co, br.ReadSlice(',')).Get(); err != io.EOF {
				t.Errorf("ReadSlice after the end = %v, want io.EOF", err)
			}
			return nil
		})
	})
}

func TestBufReaderRead(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		run(t, x, func(co *async.Co) error {
			msg := pattern(100)
			br := NewReader(&trickle{data: msg, step: 30}, 16)
			small := make([]byte, 5)
			n, err := async.Await(co, br.Read(small)).Get()
			if n != 5 || err != nil || !bytes.Equal(small, msg[:5]) {
				t.Fatalf("Read = %d, %v, want 5 bytes", n, err)
			}
			// The buffer holds its size and the room for an end of line.
			const filled = 16 + eolRoom
			if br.Buffered() != filled-5 {
				t.Errorf("Buffered = %d after reading 5 of %d, want %d", br.Buffered(), filled, filled-5)
			}
			// The buffered bytes come first, even into a large slice.
			big := make([]byte, 64)
			n, _ = async.Await(co, br.Read(big)).Get()
			if n != filled-5 || !bytes.Equal(big[:n], msg[5:filled]) {
				t.Fatalf("Read = %d, want the %d buffered", n, filled-5)
			}
			// Then a large slice is read into directly: 30 bytes, the
			// source's step, more than the buffer holds.
			n, _ = async.Await(co, br.Read(big)).Get()
			if n != 30 || !bytes.Equal(big[:n], msg[filled:filled+30]) {
				t.Fatalf("direct Read = %d, want 30", n)
			}
			rest, err := readAll(co, br)
			if err != nil || !bytes.Equal(rest, msg[filled+30:]) {
				t.Errorf("rest = %d bytes, %v; want %d", len(rest), err, len(msg)-filled-30)
			}
			if n, err := async.Await(co, br.Read(small)).Get(); n != 0 || err != io.EOF {
				t.Errorf("Read after the end = %d, %v; want 0, io.EOF", n, err)
			}
			return nil
		})
	})
}

func TestBufReaderFailureIsSticky(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		boom := errors.New("boom")
		run(t, x, func(co *async.Co) error {
			br := NewReader(&trickle{data: []byte("one\ntw"), end: boom}, 16)
			got := readLines(co, br)
			if fmt.Sprint(got) != "[one tw |boom]" {
				t.Errorf("lines %q, want one, tw, then boom", got)
			}
			for range 2 {
				if _, err := async.Await(co, br.ReadLine()).Get(); err != boom {
					t.Errorf("ReadLine after the failure = %v, want %v", err, boom)
				}
			}
			return nil
		})
	})
}

func TestBufReaderCancelKeepsTheBuffer(t *testing.T) {
	cx, _ := handContext()
	r, w := Pipe(64)
	br := NewReader(r, 16)
	mustReady(t, cx, w.Write([]byte("partial")))
	f := br.ReadLine()
	mustPend(t, cx, f)
	f.Cancel()
	if rd, _ := r.rd.p.waiters(); rd {
		t.Error("the pipe keeps the waker of a cancelled ReadLine")
	}
	mustReady(t, cx, w.Write([]byte(" line\n")))
	if res := mustReady(t, cx, br.ReadLine()); string(res.Value) != "partial line" {
		t.Errorf("ReadLine after a cancelled one = %q, %v; want \"partial line\"", res.Value, res.Err)
	}
}

// TestBufReaderReadLineAtTheBufferSize checks the lines whose length is
// near the buffer's size, where a line whole and a line in pieces meet,
// each read in several chunkings: the result must not depend on them.
func TestBufReaderReadLineAtTheBufferSize(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		xs := func(n int) string { return strings.Repeat("x", n) }
		tests := []struct {
			name string
			in   string
			want []string
		}{
			{"empty stream", "", nil},
			{"size, no newline, then the end", xs(16), []string{xs(16)}},
			{"size, newline", xs(16) + "\n", []string{xs(16)}},
			{"size, crlf", xs(16) + "\r\nz", []string{xs(16), "z"}},
			{"size-1, no newline", xs(15), []string{xs(15)}},
			{"size-1, newline", xs(15) + "\n", []string{xs(15)}},
			{"size-1, crlf", xs(15) + "\r\nz\n", []string{xs(15), "z"}},
			{"size+1, no newline", xs(17), []string{xs(16) + "|too long", "x"}},
			{"size+1, newline", xs(17) + "\n", []string{xs(16) + "|too long", "x"}},
			{"size+1, crlf", xs(17) + "\r\nz", []string{xs(16) + "|too long", "x", "z"}},
			{"cr ending the first piece is kept", xs(15) + "\ry\n", []string{xs(15) + "\r|too long", "y"}},
			{"cr after the first piece", xs(16) + "\r\r\n", []string{xs(16) + "|too long", "\r"}},
			{"end right after two full pieces", xs(32), []string{xs(16) + "|too long", xs(16)}},
			{"end right after a full buffer", xs(18), []string{xs(16) + "|too long", "xx"}},
			{"two sizes, newline", xs(32) + "\n\n", []string{xs(16) + "|too long", xs(16), ""}},
		}
		for _, tt := range tests {
			for _, step := range []int{1, 2, 15, 16, 17, 64} {
				t.Run(fmt.Sprintf("%s/step %d", tt.name, step), func(t *testing.T) {
					run(t, x, func(co *async.Co) error {
						br := NewReader(&trickle{data: []byte(tt.in), step: step}, 16)
						got := readLines(co, br)
						if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", tt.want) {
							t.Errorf("lines %q, want %q", got, tt.want)
						}
						if _, err := async.Await(co, br.ReadLine()).Get(); err != io.EOF {
							t.Errorf("ReadLine after the end = %v, want io.EOF", err)
						}
						return nil
					})
				})
			}
		}
	})
}

// TestBufReaderReadSliceAtTheBufferSize checks that ReadSlice cuts where
// bufio.Reader.ReadSlice does: after Size bytes without delim, even when
// the stream ends right there.
func TestBufReaderReadSliceAtTheBufferSize(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		xs := func(n int) string { return strings.Repeat("x", n) }
		tests := []struct {
			in   string
			want []string
		}{
			{xs(15) + ",", []string{xs(15) + ",|<nil>", "|EOF"}},
			{xs(16), []string{xs(16) + "|too long", "|EOF"}},
			{xs(16) + ",", []string{xs(16) + "|too long", ",|<nil>", "|EOF"}},
			{xs(17), []string{xs(16) + "|too long", "x|EOF"}},
		}
		for _, tt := range tests {
			for _, step := range []int{1, 16, 64} {
				t.Run(fmt.Sprintf("%d bytes/step %d", len(tt.in), step), func(t *testing.T) {
					run(t, x, func(co *async.Co) error {
						br := NewReader(&trickle{data: []byte(tt.in), step: step}, 16)
						var got []string
						for {
							s, err := async.Await(co, br.ReadSlice(',')).Get()
							if errors.Is(err, ErrTooLong) {
								got = append(got, string(s)+"|too long")
								continue
							}
							got = append(got, fmt.Sprintf("%s|%v", s, err))
							if err != nil {
								break
							}
						}
						if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", tt.want) {
							t.Errorf("results %q, want %q", got, tt.want)
						}
						return nil
					})
				})
			}
		}
	})
}
