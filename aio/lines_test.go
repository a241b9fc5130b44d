package aio

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/rttest"
)

// nextLines calls Next until end of stream, and records each line, or
// "!too long" for an error wrapping ErrTooLong, or "!" and another error.
func nextLines(co *async.Co, lr *LineReader) []string {
	var got []string
	for {
		line, err := async.Await(co, lr.Next()).Get()
		switch {
		case err == io.EOF:
			return got
		case errors.Is(err, ErrTooLong):
			got = append(got, "!too long")
		case err != nil:
			return append(got, "!"+err.Error())
		default:
			got = append(got, string(line))
		}
	}
}

func TestLineReader(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		const max = 8
		tests := []struct {
			name string
			in   string
			want []string
		}{
			{"newlines and crlf", "one\r\ntwo\n\nfour", []string{"one", "two", "", "four"}},
			{"longest lines", "12345678\r\n12345678\nx\n", []string{"12345678", "12345678", "x"}},
			{"one byte too long", "123456789\nx\n", []string{"!too long", "x"}},
			{"one byte too long with crlf", "123456789\r\nx\n", []string{"!too long", "x"}},
			{"far too long, skipped", strings.Repeat("z", 100) + "\nafter\n", []string{"!too long", "after"}},
			{"too long at the end", "ok\n" + strings.Repeat("z", 100), []string{"ok", "!too long"}},
			{"too long without newline, then end", strings.Repeat("z", 9), []string{"!too long"}},
		}
		for _, tt := range tests {
			for _, step := range []int{1, 3, 64} {
				t.Run(fmt.Sprintf("%s/step %d", tt.name, step), func(t *testing.T) {
					run(t, x, func(co *async.Co) error {
						lr := NewLineReader(&trickle{data: []byte(tt.in), step: step}, max)
						got := nextLines(co, lr)
						if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", tt.want) {
							t.Errorf("lines %q, want %q", got, tt.want)
						}
						if lr.Buffered() > max+2 {
							t.Errorf("the LineReader holds %d bytes, more than %d", lr.Buffered(), max+2)
						}
						return nil
					})
				})
			}
		}
	})
}

func TestLineReaderErrors(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		boom := errors.New("boom")
		run(t, x, func(co *async.Co) error {
			lr := NewLineReader(&trickle{data: []byte(strings.Repeat("z", 30) + "\n"), step: 4}, 10)
			_, err := async.Await(co, lr.Next()).Get()
			var tl *TooLongError
			if !errors.As(err, &tl) || tl.Max != 10 || err.Error() != "aio: line longer than the maximum of 10 bytes" {
				t.Errorf("Next of a long line = %v, want a TooLongError naming 10", err)
			}
			lr = NewLineReader(&trickle{data: []byte("a\nb"), end: boom}, 10)
			got := nextLines(co, lr)
			if fmt.Sprint(got) != "[a b !boom]" {
				t.Errorf("lines %q, want a, b, then the failure", got)
			}
			if _, err := async.Await(co, lr.Next()).Get(); err != boom {
				t.Errorf("Next after a failure = %v, want %v again", err, boom)
			}
			return nil
		})
	})
}
