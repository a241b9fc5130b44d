package http1

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/aio"
	"github.com/asyncgo/async/internal/rttest"
)

// clRedirectServer redirects /r/CODE/... to what follows the code,
// /abs?to=URL to URL and /loop to itself, and answers anything else with
// the method, path, body and Authorization it got.
func clRedirectServer(t *testing.T) *clServer {
	return clStart(t, func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if rest, ok := strings.CutPrefix(r.URL.Path, "/r/"); ok {
			code, to, _ := strings.Cut(rest, "/")
			var status int
			fmt.Sscan(code, &status)
			w.Header().Set("Location", "/"+to)
			w.WriteHeader(status)
			io.WriteString(w, "redirecting")
			return
		}
		switch r.URL.Path {
		case "/abs":
			http.Redirect(w, r, r.URL.Query().Get("to"), http.StatusFound)
			return
		case "/loop":
			http.Redirect(w, r, "/loop", http.StatusFound)
			return
		}
		fmt.Fprintf(w, "%s %s body=%q auth=%q", r.Method, r.URL.Path, body, r.Header.Get("Authorization"))
	})
}

// By default a redirect is the response.
func TestClientRedirectsOffByDefault(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		clCheckFDs(t)
		srv := clRedirectServer(t)
		var c Client
		defer c.CloseIdle()
		clRun(t, x, func(co *async.Co) error {
			resp, err := async.Await(co, c.Get(srv.URL+"/r/302/b")).Get()
			if err != nil {
				return err
			}
			body, err := clReadAll(co, resp.Body)
			if resp.StatusCode != 302 || resp.Header.Get("Location") != "/b" || body != "redirecting" || err != nil {
				return fmt.Errorf("got %d to %q, %q, %v; want the 302", resp.StatusCode, resp.Header.Get("Location"), body, err)
			}
			return nil
		})
	})
}

// FollowRedirects follows them: 301, 302 and 303 turn into a GET without
// a body; 307 and 308 repeat the request, body and all, if it can be read
// again, and fail clearly if not.
func TestClientFollowRedirects(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		clCheckFDs(t)
		srv := clRedirectServer(t)
		c := Client{CheckRedirect: FollowRedirects(10)}
		defer c.CloseIdle()
		clRun(t, x, func(co *async.Co) error {
			for _, tc := range []struct {
				method, path string
				body         aio.Reader
				want         string
			}{
				{"GET", "/r/301/b", nil, `GET /b body="" auth="secret"`},
				{"GET", "/r/302/r/307/c", nil, `GET /c body="" auth="secret"`},
				{"POST", "/r/303/b", StringBody("form"), `GET /b body="" auth="secret"`},
				{"POST", "/r/302/b", StringBody("form"), `GET /b body="" auth="secret"`},
				{"HEAD", "/r/303/b", nil, ``},
				{"POST", "/r/307/b", StringBody("form"), `POST /b body="form" auth="secret"`},
				{"PUT", "/r/308/r/307/b", StringBody("data"), `PUT /b body="data" auth="secret"`},
			} {
				req, _ := NewRequest(tc.method, srv.URL+tc.path, tc.body)
				req.Header.Set("Authorization", "secret")
				resp, err := async.Await(co, c.Do(req)).Get()
				if err != nil {
					return err
				}
				body, err := clReadAll(co, resp.Body)
				if err != nil || body != tc.want || resp.StatusCode != 200 {
					return fmt.Errorf("%s %s: %d %q, %v; want 200 %q", tc.method, tc.path, resp.StatusCode, body, err, tc.want)
				}
				if p := resp.Request.URL.Path; p != "/b" && p != "/c" {
					return fmt.Errorf("%s %s: Request is for %s, want the last one", tc.method, tc.path, resp.Request.URL)
				}
			}
			// A body that cannot be read again cannot follow a 307.
			pr, pw := aio.Pipe(16)
			pw.Close()
			req, _ := NewRequest("POST", srv.URL+"/r/307/b", pr)
			_, err := async.Await(co, c.Do(req)).Get()
			want := "http1: POST " + srv.URL + "/r/307/b: redirect: 307 to " + srv.URL + "/b must send the POST body again, " +
				"and it cannot be read again: set ClientRequest.GetBody (BytesBody and StringBody bodies have it)"
			if err == nil || err.Error() != want {
				return fmt.Errorf("307 with a pipe's body: %v\nwant %s", err, want)
			}
			if n := srv.accepted.Load(); n != 1 {
				return fmt.Errorf("server accepted %d connections, want 1: a redirect's small body is read with its head", n)
			}
			return nil
		})
	})
}

// A redirect loop ends at the policy's limit with an error that says so;
// ErrUseLastResponse returns the redirect; a policy's error is the
// request's; credentials are not sent to another host.
func TestClientRedirectPolicy(t *testing.T) {
	rttest.Each(t, func(t *testing.T, x rttest.Executor) {
		clCheckFDs(t)
		srv := clRedirectServer(t)
		other := clRedirectServer(t)
		c := Client{CheckRedirect: FollowRedirects(5)}
		defer c.CloseIdle()
		clRun(t, x, func(co *async.Co) error {
			_, err := async.Await(co, c.Get(srv.URL+"/loop")).Get()
			if want := "http1: GET " + srv.URL + "/loop: redirect: stopped after 5 redirects"; err == nil || err.Error() != want {
				return fmt.Errorf("loop: %v, want %q", err, want)
			}

			var seen []string
			c2 := Client{CheckRedirect: func(req *ClientRequest, via []*ClientRequest) error {
				seen = append(seen, fmt.Sprintf("%s<-%d", req.URL.Path, len(via)))
				if len(via) == 2 {
					return ErrUseLastResponse
				}
				return nil
			}}
			defer c2.CloseIdle()
			resp, err := async.Await(co, c2.Get(srv.URL+"/r/302/r/301/r/303/b")).Get()
			if err != nil {
				return err
			}
			resp.Body.Close()
			if got := strings.Join(seen, " "); resp.StatusCode != 301 || got != "/r/301/r/303/b<-1 /r/303/b<-2" {
				return fmt.Errorf("got %d after %s, want the 301 after one redirect followed", resp.StatusCode, got)
			}

			stop := errors.New("no, thanks")
			c3 := Client{CheckRedirect: func(*ClientRequest, []*ClientRequest) error { return stop }}
			defer c3.CloseIdle()
			if _, err := async.Await(co, c3.Get(srv.URL+"/r/302/b")).Get(); !errors.Is(err, stop) {
				return fmt.Errorf("policy's error: %v", err)
			}

			req, _ := NewRequest("GET", srv.URL+"/abs?to="+other.URL+"/x", nil)
			req.Header.Set("Authorization", "secret")
			resp, err = async.Await(co, c.Do(req)).Get()
			if err != nil {
				return err
			}
			if body, err := clReadAll(co, resp.Body); body != `GET /x body="" auth=""` || err != nil {
				return fmt.Errorf("redirect to another host: %q, %v", body, err)
			}
			return nil
		})
	})
}
