package http1

import (
	"bytes"
	"iter"
	"net"
	"net/url"

	"github.com/asyncgo/async/aio"
)

// Request is a request as a handler sees it: a view of the head the
// server parsed, and the body as a stream.
//
// The byte slices it returns point into the connection's buffer: they
// are valid until the handler's future is ready, and must be copied to
// be kept longer. Reading them allocates nothing.
type Request struct {
	x *exchange
}

// Method returns the request method, such as "GET". The methods of RFC
// 9110 are returned without allocating.
func (r *Request) Method() string {
	m := r.x.head.method()
	for _, s := range knownMethods {
		if string(m) == s {
			return s
		}
	}
	return string(m)
}

var knownMethods = [...]string{"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"}

// Target returns the request-target as received: for most requests the
// path and query, "/search?q=x".
func (r *Request) Target() []byte { return r.x.head.target() }

// Path returns the target's path, without its query: for a target in
// absolute form ("http://host/p"), the path after the authority.
func (r *Request) Path() []byte {
	t := r.x.head.target()
	if r.x.head.form == absoluteForm {
		t = t[bytes.Index(t, []byte("//"))+2:]
		if i := bytes.IndexByte(t, '/'); i >= 0 {
			t = t[i:]
		} else {
			t = nil
		}
	}
	if i := bytes.IndexByte(t, '?'); i >= 0 {
		t = t[:i]
	}
	return t[:len(t):len(t)] // an append must not write over the query
}

// Query returns the target's query, after the "?", or nil.
func (r *Request) Query() []byte {
	t := r.x.head.target()
	if i := bytes.IndexByte(t, '?'); i >= 0 {
		return t[i+1:]
	}
	return nil
}

// URL parses the target into a URL. It allocates; Path and Query do not.
func (r *Request) URL() (*url.URL, error) {
	return url.ParseRequestURI(string(r.x.head.target()))
}

// Proto returns "HTTP/1.1" or "HTTP/1.0".
func (r *Request) Proto() string {
	if r.x.head.minor == 0 {
		return "HTTP/1.0"
	}
	return "HTTP/1.1"
}

// ProtoMinor returns the minor version, 1 or 0.
func (r *Request) ProtoMinor() int { return r.x.head.minor }

// Host returns the host the request is for: the authority of a target in
// absolute form ("http://host/p", which RFC 9112 section 3.2.2 says wins
// over the Host field), else the Host field's value; an HTTP/1.0 request
// may have neither.
func (r *Request) Host() []byte {
	h := &r.x.head
	if h.form == absoluteForm {
		t := h.target()
		t = t[bytes.Index(t, []byte("//"))+2:]
		if i := bytes.IndexAny(t, "/?"); i >= 0 {
			t = t[:i]
		}
		if i := bytes.LastIndexByte(t, '@'); i >= 0 {
			t = t[i+1:]
		}
		return t[:len(t):len(t)]
	}
	return h.host()
}

// Field returns the value of the first field line named name, compared
// ignoring case, or nil.
func (r *Request) Field(name string) []byte {
	v, _ := r.LookupField(name)
	return v
}

// LookupField returns the value of the first field line named name and
// whether there is one: a field may be present with an empty value.
func (r *Request) LookupField(name string) ([]byte, bool) {
	f := &r.x.head.fields
	for i := range f.list {
		if equalFoldBytes(f.name(i), name) {
			return f.value(i), true
		}
	}
	return nil, false
}

// Fields yields every field line's name and value, in the order
// received, names as the client wrote them.
func (r *Request) Fields() iter.Seq2[[]byte, []byte] {
	return func(yield func([]byte, []byte) bool) {
		f := &r.x.head.fields
		for i := range f.list {
			if !yield(f.name(i), f.value(i)) {
				return
			}
		}
	}
}

// ContentLength returns the length of the body: its Content-Length, 0
// for a request without a body, or -1 for a chunked one, whose length is
// known only at its end.
func (r *Request) ContentLength() int64 {
	h := &r.x.head
	switch {
	case h.chunked:
		return -1
	case h.contentLength > 0:
		return h.contentLength
	}
	return 0
}

// Body returns the request body as a stream. Reading it reads the
// connection as the handler asks, so a large upload is never held whole
// (and a client that sent Expect: 100-continue is told to go on at the
// first read). The stream ends with io.EOF; a malformed body or one over
// the server's limit fails the read, and the server answers 400 or 413 if
// the handler has not answered yet. A body the handler does not read to
// its end is read and discarded after it, up to the server's
// MaxDrainBytes, or the connection is closed.
//
// Its Read returns a future that is reused: one Read at a time.
func (r *Request) Body() aio.Reader { return &r.x.body }

// RemoteAddr returns the client's address.
func (r *Request) RemoteAddr() net.Addr { return r.x.c.c.RemoteAddr() }

// LocalAddr returns the address the request was received on.
func (r *Request) LocalAddr() net.Addr { return r.x.c.c.LocalAddr() }

// equalFoldBytes reports whether b equals s ignoring ASCII case.
func equalFoldBytes(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range b {
		if lowerByte(b[i]) != lowerByte(s[i]) {
			return false
		}
	}
	return true
}
