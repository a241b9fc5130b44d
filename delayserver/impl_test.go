package delayserver_test

import (
	"flag"
	"io"
	"strings"
	"testing"

	"github.com/asyncgo/async/delayserver"
)

func TestImplNames(t *testing.T) {
	for _, impl := range delayserver.Impls() {
		got, err := delayserver.ParseImpl(impl.String())
		if err != nil || got != impl {
			t.Errorf("ParseImpl(%q) = %v, %v; want %v", impl.String(), got, err, impl)
		}
	}
	if got := []string{delayserver.NetHTTP.String(), delayserver.Async.String()}; got[0] != "nethttp" || got[1] != "async" {
		t.Errorf("names %q, want nethttp and async", got)
	}
	if got := delayserver.Impl(9).String(); got != "Impl(9)" {
		t.Errorf("Impl(9).String() = %q", got)
	}
	for _, bad := range []string{"", "NetHTTP", "native", "http1"} {
		if _, err := delayserver.ParseImpl(bad); err == nil || !strings.Contains(err.Error(), `"`+bad+`"`) {
			t.Errorf("ParseImpl(%q): error %v, want one naming the input", bad, err)
		}
	}
}

// TestImplFlag checks that an Impl is a flag.Value, as cmd/delayserver
// uses it, with NetHTTP as its zero value.
func TestImplFlag(t *testing.T) {
	var impl delayserver.Impl
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Var(&impl, "impl", "")
	if impl != delayserver.NetHTTP {
		t.Errorf("zero Impl = %v, want nethttp", impl)
	}
	if err := fs.Parse([]string{"-impl", "async"}); err != nil || impl != delayserver.Async {
		t.Errorf("-impl async: %v, %v", impl, err)
	}
	if err := fs.Parse([]string{"-impl=bogus"}); err == nil || impl != delayserver.Async {
		t.Errorf("-impl=bogus: %v, %v; want an error and the value kept", impl, err)
	}
}
