package dns_test

import (
	"fmt"
	"time"

	"github.com/asyncgo/async/dns"
	"github.com/asyncgo/async/executor"
	"github.com/asyncgo/async/timer"
)

func ExampleLookup() {
	// localhost and IP literals need no lookup: the future is ready on its
	// first poll. Other names are looked up on a goroutine of their own
	// while the executor runs its other tasks.
	res, err := executor.Run(dns.Lookup("localhost"))
	fmt.Println(res.Value, res.Err, err)

	// A lookup can be bounded like any future; if the time runs out, the
	// future is cancelled and so is its lookup.
	timed, err := executor.Run(timer.Timeout(dns.Lookup("192.0.2.1"), time.Second))
	fmt.Println(timed.Value, timed.Err, err)
	// Output:
	// [127.0.0.1 ::1] <nil> <nil>
	// [192.0.2.1] <nil> <nil>
}

func ExampleLookupHostPort() {
	// The port may be a service name, looked up with the host.
	res, err := executor.Run(dns.LookupHostPort("localhost:https"))
	fmt.Println(res.Value, res.Err, err)
	// Output: [127.0.0.1:443 [::1]:443] <nil> <nil>
}
