package pin

import (
	"context"
	"fmt"
	"net"
	"time"
)

// FreeAddr returns a loopback address with a port nothing listens on now.
// The port may still be taken before a server binds it: a server that
// exits before listening is worth another try on another port.
func FreeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// WaitListening dials addr until it connects, the child exits, or timeout.
func (c *Child) WaitListening(ctx context.Context, addr string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		conn, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			conn.Close()
			return nil
		}
		if c.Exited() {
			return fmt.Errorf("%s exited (%v) before listening on %s; %s: %s", c.Name, c.err, addr, c.outName, c.Out)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: not listening on %s after %v: %v; %s: %s", c.Name, addr, timeout, err, c.outName, c.Out)
		}
		if err := Sleep(ctx, 20*time.Millisecond); err != nil {
			return err
		}
	}
}

// Sleep sleeps for d unless ctx ends first.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// StartServer starts bin pinned to cpus on a free loopback port, passing
// "-addr host:port" before args, and waits up to timeout until it accepts
// connections. The port is free when chosen but may be taken (as another
// socket's ephemeral port) before the server binds it, so a server that
// exits before listening is tried again on another port.
func (g *Group) StartServer(ctx context.Context, name, cpus string, timeout time.Duration, bin string, args ...string) (*Child, string, error) {
	const attempts = 3
	var err error
	for range attempts {
		var addr string
		if addr, err = FreeAddr(); err != nil {
			return nil, "", err
		}
		var s *Child
		argv := append([]string{"-addr", addr}, args...)
		if s, err = g.Start(name, cpus, Options{}, bin, argv...); err != nil {
			return nil, "", err
		}
		if err = s.WaitListening(ctx, addr, timeout); err == nil {
			return s, addr, nil
		}
		died := s.Exited() // rather than hung: worth another port
		s.Kill()
		if !died || ctx.Err() != nil {
			break
		}
	}
	return nil, "", err
}
