package http1

import (
	"errors"
	"fmt"
	"strings"
	"syscall"
)

// fmtSscan reads the first number of s: the status code of a status line.
func fmtSscan(s string, v any) (int, error) {
	s = strings.TrimPrefix(s, "HTTP/1.1 ")
	s = strings.TrimPrefix(s, "HTTP/1.0 ")
	return fmt.Sscan(s, v)
}

func fmtSscanHex(s string, v *int) (int, error) { return fmt.Sscanf(s, "%x", v) }

func isReset(err error) bool { return errors.Is(err, syscall.ECONNRESET) }
