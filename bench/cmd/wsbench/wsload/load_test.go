package main

import (
	"bufio"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/asyncgo/async/bench/internal/loadproto"
	"github.com/gorilla/websocket"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// chatServer serves a room on loopback until the test ends: every
// message goes to every connection, unless mute, when none does.
func chatServer(t *testing.T, mute bool) string {
	t.Helper()
	var mu sync.Mutex
	conns := map[*websocket.Conn]bool{}
	up := websocket.Upgrader{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		mu.Lock()
		conns[c] = true
		mu.Unlock()
		for {
			_, msg, err := c.ReadMessage()
			if err != nil {
				break
			}
			if mute {
				continue
			}
			mu.Lock()
			for o := range conns {
				o.WriteMessage(websocket.BinaryMessage, msg)
			}
			mu.Unlock()
		}
		mu.Lock()
		delete(conns, c)
		mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

func testConfig(addr string) config {
	return config{addr: addr, conns: 20, size: 64, warmup: 1, broadcasts: 3, pause: time.Millisecond,
		connectTimeout: 30 * time.Second, deliveryTimeout: 10 * time.Second, dialers: 4, descriptorsSpared: 64}
}

func TestRun(t *testing.T) {
	var out strings.Builder
	if err := run(testConfig(chatServer(t, false)), strings.NewReader("go\n"), &out); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(strings.NewReader(out.String()))
	var lines []string
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if len(lines) != 3 || lines[0] != loadproto.Ready || lines[1] != loadproto.End {
		t.Fatalf("output:\n%s", out.String())
	}
	res, err := loadproto.DecodeFanout(lines[2])
	if err != nil {
		t.Fatal(err)
	}
	if res.Conns != 20 || res.Broadcasts != 3 || res.Deliveries != 60 || !(res.P50us > 0) || res.P99us < res.P50us || res.MaxUs < res.P99us {
		t.Errorf("result = %+v", res)
	}
}

func TestRunWithoutGo(t *testing.T) {
	var out strings.Builder
	err := run(testConfig(chatServer(t, false)), strings.NewReader(""), &out)
	if err == nil || !strings.Contains(err.Error(), "waiting for") || out.String() != loadproto.Ready+"\n" {
		t.Errorf("run with stdin closed: %v, output %q; want it to stop after ready", err, out.String())
	}
}

func TestRunMuteServer(t *testing.T) {
	cfg := testConfig(chatServer(t, true))
	cfg.connectTimeout = 600 * time.Millisecond
	err := run(cfg, strings.NewReader("go\n"), &strings.Builder{})
	if err == nil || !strings.Contains(err.Error(), "no message reached all 20 connections") {
		t.Errorf("run against a server that broadcasts nothing: %v", err)
	}
}

func TestPercentiles(t *testing.T) {
	lat := make([]time.Duration, 200)
	for i := range lat {
		lat[i] = time.Duration(200-i) * time.Microsecond // 200 µs down to 1 µs
	}
	p50, p99, mx := percentiles(lat)
	if p50 != 100 || p99 != 198 || mx != 200 {
		t.Errorf("percentiles = %v, %v, %v; want 100, 198, 200", p50, p99, mx)
	}
	if p50, p99, mx := percentiles(nil); p50 != 0 || p99 != 0 || mx != 0 {
		t.Errorf("percentiles(nil) = %v, %v, %v", p50, p99, mx)
	}
}
