package main

import (
	"github.com/asyncgo/async"
	"github.com/asyncgo/async/http1"
)

// maxBody bounds the bodies the tour reads: the delayserver's are a few
// bytes.
const maxBody = 1 << 20

// page is what fetch got: the status and the whole body.
type page struct {
	status int
	reason string
	body   []byte
}

// fetch returns a future that GETs path from the delayserver at server
// ("host:port") with package http1's client and reads the whole body.
// http1.Get makes one request on a connection of its own, closed once the
// body is read, so the sections that count the reactor's sockets see the
// request's socket come and go.
func fetch(server, path string) async.Future[async.Result[page]] {
	return async.Go(func(co *async.Co) async.Result[page] {
		resp, err := async.Get(co, http1.Get("http://"+server+path))
		if err != nil {
			return async.Err[page](err)
		}
		body, err := async.Get(co, resp.Body.ReadAll(maxBody))
		if err != nil {
			return async.Err[page](err)
		}
		return async.Ok(page{status: resp.StatusCode, reason: resp.Reason, body: body})
	})
}
