// Command gnetecho is an echo server on gnet v2 with a single event loop,
// or with -threads N (N > 1) N event loops (gnet's multicore mode, the
// connections spread over the loops): OnTraffic writes back whatever
// arrived, as gnet's own echo example does.
//
//	gnetecho -addr 127.0.0.1:7000
//	gnetecho -addr 127.0.0.1:7000 -threads 2
package main

import (
	"flag"
	"log"

	"github.com/panjf2000/gnet/v2"
	"github.com/panjf2000/gnet/v2/pkg/logging"
)

// echo is the event handler; the embedded engine supplies no-op callbacks.
type echo struct {
	gnet.BuiltinEventEngine
}

// OnTraffic echoes every byte buffered for c.
func (*echo) OnTraffic(c gnet.Conn) gnet.Action {
	buf, _ := c.Next(-1)
	if _, err := c.Write(buf); err != nil {
		return gnet.Close
	}
	return gnet.None
}

func main() {
	addr := flag.String("addr", "127.0.0.1:7000", "TCP address to listen on (host:port)")
	threads := flag.Int("threads", 1, "event loops: 1, or `N` > 1 for multicore mode with N loops")
	flag.Parse()
	if *threads < 1 {
		log.Fatal("gnetecho: -threads must be 1 or more")
	}
	err := gnet.Run(&echo{}, "tcp://"+*addr,
		gnet.WithMulticore(*threads > 1),
		gnet.WithNumEventLoop(*threads),
		gnet.WithLogLevel(logging.ErrorLevel),
	)
	if err != nil {
		log.Fatalf("gnetecho: serve %s: %v", *addr, err)
	}
}
