package lifecycle

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/asyncgo/async/internal/fdcheck"
)

func TestMain(m *testing.M) {
	fdcheck.Warm() // before any test counts descriptors
	goleak.VerifyTestMain(m)
}
