package nethttp

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/asyncgo/async/internal/rttest"
)

// itemsMux is a ServeMux with patterns, as a net/http service has.
func itemsMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "item %s (pattern %q, query %q)", r.PathValue("id"), r.Pattern, r.URL.Query().Get("v"))
	})
	mux.HandleFunc("POST /items", func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.Header().Set("Location", "/items/7")
		w.WriteHeader(http.StatusCreated)
		fmt.Fprintf(w, "created from %q", b)
	})
	return mux
}

// get does a request and returns the status, the header and the body.
func do(t *testing.T, ts *testServer, method, path, body string) (int, http.Header, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, ts.url+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := ts.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the body: %v", method, path, err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

func TestServeMuxPatterns(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		ts := startServer(t, x, itemsMux())
		for _, c := range []struct {
			method, path, body string
			status             int
			want               string
		}{
			{"GET", "/items/42?v=x", "", 200, `item 42 (pattern "GET /items/{id}", query "x")`},
			{"POST", "/items", "name=box", 201, `created from "name=box"`},
			{"GET", "/nothing/here", "", 404, "404 page not found\n"},
			{"DELETE", "/items/42", "", 405, "Method Not Allowed\n"},
		} {
			status, h, body := do(t, ts, c.method, c.path, c.body)
			if status != c.status || body != c.want {
				t.Errorf("%s %s: %d %q; want %d %q", c.method, c.path, status, body, c.status, c.want)
			}
			switch status {
			case 201:
				if h.Get("Location") != "/items/7" {
					t.Errorf("POST: Location %q", h.Get("Location"))
				}
			case 405:
				if allow := h.Get("Allow"); !strings.Contains(allow, "GET") {
					t.Errorf("405: Allow %q; want GET in it", allow)
				}
			}
		}
	})
}

// stamp is middleware that adds a header to every response.
func stamp(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Served-By", "nethttp")
		next.ServeHTTP(w, r)
	})
}

func TestMiddleware(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		ts := startServer(t, x, stamp(http.StripPrefix("/api", itemsMux())))
		status, h, body := do(t, ts, "GET", "/api/items/9", "")
		if status != 200 || body != `item 9 (pattern "GET /items/{id}", query "")` {
			t.Errorf("GET /api/items/9: %d %q", status, body)
		}
		if h.Get("X-Served-By") != "nethttp" {
			t.Errorf("X-Served-By %q; want the middleware's", h.Get("X-Served-By"))
		}
		status, h, _ = do(t, ts, "GET", "/items/9", "")
		if status != 404 || h.Get("X-Served-By") != "nethttp" {
			t.Errorf("GET /items/9 without the prefix: %d, X-Served-By %q; want 404 from StripPrefix, stamped", status, h.Get("X-Served-By"))
		}
	})
}

// TestFileServer serves files with http.FileServer: a whole file, a
// range, a HEAD, and a conditional request answered 304.
func TestFileServer(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		content := strings.Repeat("0123456789", 2000)
		fsys := fstest.MapFS{"data.txt": {Data: []byte(content), ModTime: time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)}}
		ts := startServer(t, x, http.FileServerFS(fsys))
		status, h, body := do(t, ts, "GET", "/data.txt", "")
		if status != 200 || body != content || h.Get("Content-Length") != "20000" || h.Get("Content-Type") != "text/plain; charset=utf-8" {
			t.Errorf("GET: %d, %d bytes, %v", status, len(body), h)
		}
		req, _ := http.NewRequest("GET", ts.url+"/data.txt", nil)
		req.Header.Set("Range", "bytes=5-14")
		resp, err := ts.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 206 || string(b) != "5678901234" || resp.Header.Get("Content-Range") != "bytes 5-14/20000" {
			t.Errorf("a range: %d %q %v", resp.StatusCode, b, resp.Header)
		}
		req, _ = http.NewRequest("HEAD", ts.url+"/data.txt", nil)
		if resp, err = ts.client.Do(req); err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.ContentLength != 20000 {
			t.Errorf("HEAD: %d, ContentLength %d", resp.StatusCode, resp.ContentLength)
		}
		req, _ = http.NewRequest("GET", ts.url+"/data.txt", nil)
		req.Header.Set("If-Modified-Since", "Thu, 02 Jan 2020 03:04:05 GMT")
		if resp, err = ts.client.Do(req); err != nil {
			t.Fatal(err)
		}
		b, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 304 || len(b) != 0 {
			t.Errorf("If-Modified-Since: %d %q", resp.StatusCode, b)
		}
	})
}
