package http1

// Abort ends the response the way a handler that panics ends it, without
// logging anything: if the head was not sent, what was written of the
// body is dropped and the server answers with status (a plain-text
// response of its own) or, for status 0, with nothing; either way the
// connection closes once what was sent goes out, so a client reading a
// response cut short sees it fail rather than end. After Hijack it only
// lets the connection go, leaving its socket to the handler.
//
// It is for adapters that run handlers of another kind (package
// http1/nethttp turns a net/http handler's panic into Abort(500), and
// http.ErrAbortHandler into Abort(0)). Call it from the handler's future
// just before that future is ready; the server then neither ends the
// body nor drains the request's.
func (w *ResponseWriter) Abort(status int) {
	x := w.x
	c := x.c
	if c.state != stHandler {
		return
	}
	if !w.committed {
		x.out = x.out[:w.bodyStart]
		if status != 0 {
			c.answer(status, statusText(status))
			return
		}
	}
	// pollHandler sees the state changed and skips finish, so no chunk
	// terminator follows; close leaves a hijacked socket open.
	c.state = stClosing
}
