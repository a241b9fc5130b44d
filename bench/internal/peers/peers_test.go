package peers

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckModule(t *testing.T) {
	dir := t.TempDir()
	gomod := filepath.Join(dir, "go.mod")
	if err := os.WriteFile(gomod, []byte("module \"example.com/x\"\n\ngo 1.26\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := checkModule(gomod, "example.com/x"); err != nil {
		t.Errorf("checkModule(want its own path) = %v", err)
	}
	if err := checkModule(gomod, "example.com/y"); err == nil || !strings.Contains(err.Error(), "want example.com/y") {
		t.Errorf("checkModule(other path) = %v, want a mismatch", err)
	}
	if err := checkModule(os.DevNull, "example.com/x"); err == nil {
		t.Error("checkModule(no module) = nil, want an error")
	}
}

func TestRunFoldsOutput(t *testing.T) {
	err := Run(context.Background(), t.TempDir(), "sh", "-c", "echo boom; exit 3")
	if err == nil || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("Run = %v, want the command's output in the error", err)
	}
}
