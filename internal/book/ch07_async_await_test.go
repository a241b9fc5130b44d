package book

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/asyncgo/async/delayserver"
)

// TestChapter7AsyncAwait checks both programs: the five bodies in the order
// of their delays each time; the one after another takes at least the sum
// of the delays, the joined one at least the longest and less than the sum.
func TestChapter7AsyncAwait(t *testing.T) {
	eachImpl(t, func(t *testing.T, impl delayserver.Impl) {
		const step = 100 * time.Millisecond // far apart enough that a busy machine keeps the order
		defer goleak.VerifyNone(t)
		defer checkFDs(t)()
		srv := startServer(t, impl, "127.0.0.1:0")
		defer closeServer(t, srv)

		var out strings.Builder
		if err := Chapter7AsyncAwaitDelays(&out, srv.Addr(), step); err != nil {
			t.Fatalf("Chapter7AsyncAwaitDelays(%s, %v): %v", srv.Addr(), step, err)
		}
		sections := strings.Split(out.String(), "\n\n")
		if len(sections) != 2 {
			t.Fatalf("want two sections; output:\n%s", out.String())
		}
		want := []string{"Program starting"}
		for i := range chapter7Requests {
			want = append(want, fmt.Sprintf("HelloWorld%d", i))
		}
		for _, s := range sections {
			lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
			if len(lines) < 2 || !strings.HasPrefix(lines[0], "== ") || !slices.Equal(lines[1:len(lines)-1], want) {
				t.Errorf("section:\n%s\nwant a heading, %q and ELAPSED TIME", s, want)
			}
		}
		d := elapsedTimes(t, out.String(), 2)
		sequential, joined := d[0], d[1]
		longest, sum := 4*step, 10*step
		if sequential < sum {
			t.Errorf("one after another took %v; want at least the sum of the delays, %v", sequential, sum)
		}
		if joined < longest || joined >= sum {
			t.Errorf("joined took %v; want at least the longest delay %v and less than the sum %v", joined, longest, sum)
		}
	})
}

func TestChapter7AsyncAwaitErrors(t *testing.T) {
	defer goleak.VerifyNone(t)
	defer checkFDs(t)()
	addr := refusedAddr(t)
	checkRefused(t, Chapter7AsyncAwaitDelays(io.Discard, addr, time.Millisecond), addr)
	if err := Chapter7AsyncAwaitDelays(io.Discard, addr, -time.Second); err == nil || !strings.Contains(err.Error(), "-1s") {
		t.Errorf("negative step: error %v; want one naming the step", err)
	}
}

func TestFirstError(t *testing.T) {
	a, b := errors.New("a"), errors.New("b")
	tests := []struct {
		errs []error
		want string // "" for nil
	}{
		{nil, ""},
		{[]error{nil, nil}, ""},
		{[]error{nil, a}, "a"},
		{[]error{a, nil, b, b}, "a (and 2 more tasks failed)"},
	}
	for _, tt := range tests {
		err := firstError(tt.errs, "tasks")
		if got := fmt.Sprint(err); err == nil && tt.want != "" || err != nil && got != tt.want {
			t.Errorf("firstError(%v) = %v; want %q", tt.errs, err, tt.want)
		}
		if tt.want != "" && !errors.Is(err, a) {
			t.Errorf("firstError(%v) = %v; want it to wrap the first", tt.errs, err)
		}
	}
}
