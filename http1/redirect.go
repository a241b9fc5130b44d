package http1

import (
	"errors"
	"fmt"
	"strings"
)

// ErrUseLastResponse, returned by a Client's CheckRedirect, makes Do
// return the redirect response itself, with its body unread, instead of
// following it.
var ErrUseLastResponse = errors.New("http1: use last response")

// errNilRequest is the error of Do(nil).
var errNilRequest = errors.New("nil request")

// FollowRedirects returns a redirect policy for Client.CheckRedirect that
// follows up to max redirects in a row and then fails with an error
// saying it stopped ("stopped after 10 redirects"); net/http's default
// policy is FollowRedirects(10).
func FollowRedirects(max int) func(req *ClientRequest, via []*ClientRequest) error {
	return func(req *ClientRequest, via []*ClientRequest) error {
		if len(via) >= max {
			return fmt.Errorf("stopped after %d redirects", max)
		}
		return nil
	}
}

// isRedirect reports whether status is a redirect the Client follows
// (RFC 9110 section 15.4): 300 (a choice) and 304 (not modified) are
// answers, not redirects.
func isRedirect(status int) bool {
	switch status {
	case 301, 302, 303, 307, 308:
		return true
	}
	return false
}

// redirect returns the request that follows resp, if the Client follows
// redirects and resp is one with a Location, and the requests made so
// far (for the next call); nil if resp is the answer. The policy decides
// last: its error, or ErrUseLastResponse, is returned as it is.
//
// 301, 302 and 303 become a GET without a body (a HEAD stays a HEAD), as
// browsers and net/http do; RFC 9110 allows it for 301 and 302 and asks
// it for 303. 307 and 308 must repeat the request as it was, body
// included (RFC 9110 sections 15.4.8 and 15.4.9), which takes GetBody.
// Credentials (Authorization, Cookie, Proxy-Authorization) and a Host set
// by hand are not sent to another host.
func (f *doFuture) redirect(resp *Response) (next *ClientRequest, via []*ClientRequest, err error) {
	req := f.req
	if f.c.CheckRedirect == nil || !isRedirect(resp.StatusCode) {
		return nil, nil, nil
	}
	loc, ok := resp.Header.Lookup("Location")
	if !ok {
		return nil, nil, nil // nowhere to go: the 3xx is the answer
	}
	u, err := req.URL.Parse(loc)
	if err != nil {
		return nil, nil, fmt.Errorf("%d with an invalid Location %q: %w", resp.StatusCode, loc, err)
	}
	next = &ClientRequest{Method: req.Method, URL: u}
	sameHost := strings.EqualFold(u.Host, req.URL.Host)
	for name, value := range req.Header.All() {
		if !sameHost && isHostBound(name) {
			continue
		}
		next.Header.Add(name, value)
	}
	switch resp.StatusCode {
	case 301, 302, 303:
		if req.Method != "HEAD" {
			next.Method = "GET"
		}
	default:
		if req.Body != nil {
			if req.GetBody == nil {
				return nil, nil, fmt.Errorf("%d to %s must send the %s body again, and it cannot be read again: "+
					"set ClientRequest.GetBody (BytesBody and StringBody bodies have it)",
					resp.StatusCode, redactedURL(u), req.Method)
			}
			body, err := req.GetBody()
			if err != nil {
				return nil, nil, fmt.Errorf("%d to %s: GetBody: %w", resp.StatusCode, redactedURL(u), err)
			}
			next.Body, next.ContentLength, next.GetBody = body, req.ContentLength, req.GetBody
		}
	}
	// A copy, so that the slice the policy sees is never appended to in
	// place behind its back.
	via = append(f.via[:len(f.via):len(f.via)], req)
	if err := f.c.CheckRedirect(next, via); err != nil {
		return nil, nil, err
	}
	return next, via, nil
}

// isHostBound reports whether a field must not follow a redirect to
// another host.
func isHostBound(name string) bool {
	for _, n := range [...]string{"Authorization", "Cookie", "Proxy-Authorization", "Host"} {
		if equalFoldString(name, n) {
			return true
		}
	}
	return false
}
