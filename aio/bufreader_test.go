package aio

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/asyncgo/async"
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
		{"crlf split by the buffer", strings.Repeat("y", 15) + "\r\nz\n", 16,
			[]string{strings.Repeat("y", 15) + "|too long", "", "z"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			run(t, func(co *async.Co) error {
				br := NewReader(&trickle{data: []byte(tt.in), step: tt.step}, 16)
				got := readLines(co, br)
				if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", tt.want) {
					t.Errorf("lines %q, want %q", got, tt.want)
				}
				return nil
			})
		})
	}
}

func TestBufReaderTooLongErrorSaysTheLimit(t *testing.T) {
	run(t, func(co *async.Co) error {
		br := NewReader(&trickle{data: pattern(100), step: 50}, 32)
		_, err := async.Await(co, br.ReadLine()).Get()
		var tl *TooLongError
		if !errors.As(err, &tl) || tl.Max != 32 || !strings.Contains(err.Error(), "32") {
			t.Errorf("ReadLine of a long line = %v, want a TooLongError naming 32", err)
		}
		return nil
	})
}

func TestBufReaderReadSlice(t *testing.T) {
	run(t, func(co *async.Co) error {
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
}

func TestBufReaderRead(t *testing.T) {
	run(t, func(co *async.Co) error {
		msg := pattern(100)
		br := NewReader(&trickle{data: msg, step: 30}, 16)
		small := make([]byte, 5)
		n, err := async.Await(co, br.Read(small)).Get()
		if n != 5 || err != nil || !bytes.Equal(small, msg[:5]) {
			t.Fatalf("Read = %d, %v, want 5 bytes", n, err)
		}
		if br.Buffered() != 11 {
			t.Errorf("Buffered = %d after reading 5 of 16, want 11", br.Buffered())
		}
		// The buffer's 11 bytes come first, even into a large slice.
		big := make([]byte, 64)
		n, _ = async.Await(co, br.Read(big)).Get()
		if n != 11 || !bytes.Equal(big[:n], msg[5:16]) {
			t.Fatalf("Read = %d, want the 11 buffered", n)
		}
		// Then a large slice is read into directly: 30 bytes, the
		// source's step, more than the buffer holds.
		n, _ = async.Await(co, br.Read(big)).Get()
		if n != 30 || !bytes.Equal(big[:n], msg[16:46]) {
			t.Fatalf("direct Read = %d, want 30", n)
		}
		rest, err := readAll(co, br)
		if err != nil || !bytes.Equal(rest, msg[46:]) {
			t.Errorf("rest = %d bytes, %v; want %d", len(rest), err, len(msg)-46)
		}
		if n, err := async.Await(co, br.Read(small)).Get(); n != 0 || err != io.EOF {
			t.Errorf("Read after the end = %d, %v; want 0, io.EOF", n, err)
		}
		return nil
	})
}

func TestBufReaderFailureIsSticky(t *testing.T) {
	boom := errors.New("boom")
	run(t, func(co *async.Co) error {
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
