package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// TestHoldIdle holds keep-alive connections to a net/http server in this
// process: each is answered once and stays open.
func TestHoldIdle(t *testing.T) {
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		io.WriteString(w, hello)
	}))
	defer srv.Close()
	const n = 200
	conns, err := holdIdle(context.Background(), strings.TrimPrefix(srv.URL, "http://"), n)
	defer closeAll(conns)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range conns {
		if c == nil {
			t.Fatalf("connection %d missing", i)
		}
	}
	if got := requests.Load(); got != n {
		t.Errorf("%d requests, want %d", got, n)
	}
}

// TestHoldIdleWrongAnswer fails when the server does not say hello.
func TestHoldIdleWrongAnswer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no", http.StatusTeapot)
	}))
	defer srv.Close()
	conns, err := holdIdle(context.Background(), strings.TrimPrefix(srv.URL, "http://"), 10)
	closeAll(conns)
	if err == nil || !strings.Contains(err.Error(), "418") {
		t.Fatalf("err = %v, want one naming status 418", err)
	}
}
