package asynccheck_test

import (
	"testing"

	"github.com/asyncgo/async/analysis/asynccheck"
	"golang.org/x/tools/go/analysis/analysistest"
)

// TestChecks runs each check on its package of good and bad cases under
// testdata/src, which import stubs of the async packages at their real
// paths (testdata/src/github.com/asyncgo/async/...): the stubs hold
// still while the real API changes, and the cases can name shapes the
// real packages do not have.
func TestChecks(t *testing.T) {
	for _, pkg := range []string{"discard", "await", "blocking", "result"} {
		t.Run(pkg, func(t *testing.T) {
			analysistest.Run(t, analysistest.TestData(), asynccheck.Analyzer, pkg)
		})
	}
}

// TestRealPackages runs the analyzer on a module (testdata/mod) that
// imports the repository's own packages through a replace directive, so
// that the two snippets are reported against tcp.Conn.WriteAll and
// mpsc.Sender.Send as they are, not as the stubs say they are.
func TestRealPackages(t *testing.T) {
	analysistest.Run(t, analysistest.TestData()+"/mod", asynccheck.Analyzer, "./...")
}
