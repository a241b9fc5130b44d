package aio

import (
	"errors"
	"fmt"
	"net"
	"os"
	"testing"
	"time"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/internal/fdcheck"
	"github.com/asyncgo/async/internal/rttest"
	"github.com/asyncgo/async/timer"
)

// TestTimeoutsNameTheRead: a helper that times out waiting for a tcp.Conn
// names the read it was waiting for, as the Read itself would.
func TestTimeoutsNameTheRead(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		fdcheck.Check(t)
		run(t, x, func(co *async.Co) error {
			c, s, err := tcpPair(co)
			if err != nil {
				return err
			}
			want := "read tcp " + c.LocalAddr().String() + "->" + c.RemoteAddr().String() + ": i/o timeout"
			const d = 20 * time.Millisecond
			checks := []struct {
				name string
				err  func() error
			}{
				{"ReadFull", func() error {
					_, err := async.Get(co, timer.Timeout(ReadFull(c, make([]byte, 8)), d))
					return err
				}},
				{"LineReader.Next", func() error {
					_, err := async.Get(co, timer.Timeout(NewLineReader(c, 64).Next(), d))
					return err
				}},
				{"BufReader.ReadLine", func() error {
					_, err := async.Get(co, timer.Timeout(NewReader(c, 64).ReadLine(), d))
					return err
				}},
				{"Copy", func() error {
					_, err := async.Get(co, timer.Timeout(Copy(s, c, make([]byte, 64)), d))
					return err
				}},
			}
			for _, ch := range checks {
				if err := checkNamedTimeout(ch.err(), want); err != nil {
					return fmt.Errorf("%s: %v", ch.name, err)
				}
			}
			return closeAll(co, c, s)
		})
	})
}

func checkNamedTimeout(err error, want string) error {
	var ne net.Error
	switch {
	case err == nil:
		return fmt.Errorf("no error; want %q", want)
	case err.Error() != want:
		return fmt.Errorf("error %q; want %q", err, want)
	case !errors.As(err, &ne) || !ne.Timeout():
		return fmt.Errorf("error %q is not a net.Error with Timeout() true", err)
	case !errors.Is(err, os.ErrDeadlineExceeded) || !errors.Is(err, timer.ErrTimeout):
		return fmt.Errorf("error %q is not os.ErrDeadlineExceeded and timer.ErrTimeout", err)
	}
	return nil
}
