package memstat

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestFetchRead(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != Path {
			http.NotFound(w, r)
			return
		}
		w.Write(Read().Encode())
	}))
	defer srv.Close()
	s, err := Fetch(context.Background(), strings.TrimPrefix(srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	if s.HeapInuse == 0 || s.StackInuse == 0 || s.Goroutines < 2 || s.Go() != s.HeapInuse+s.StackInuse {
		t.Errorf("stats = %+v, want a heap, stacks and goroutines", s)
	}
}

func TestFetchErrors(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no such thing", http.StatusNotFound)
	}))
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")
	if _, err := Fetch(context.Background(), addr); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("Fetch from a server without stats: %v; want a 404 error", err)
	}
	if _, err := Decode([]byte("{")); err == nil {
		t.Error("Decode of broken JSON succeeded")
	}
}
