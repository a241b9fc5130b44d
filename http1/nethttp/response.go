package nethttp

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// bufSize is how much of a response the handler's goroutine buffers
// before it hands the bytes to the loop: a response this small goes over
// in one op at the end, with its Content-Length. net/http buffers about as
// much (a 4 KiB bufio.Writer on the connection).
const bufSize = 4 << 10

// goState is the goroutine's side of an exchange: the response as the
// handler writes it. Only the handler's goroutines touch it (net/http's
// rule: one at a time, and not after ServeHTTP returns).
type goState struct {
	header http.Header // Header(), reused: cleared for each request
	fields []field     // the header as WriteHeader found it
	buf    []byte      // body bytes not yet handed over; bufSize capacity

	status      int
	wroteHeader bool  // the status is set and the header snapshotted
	headSent    bool  // an op carried the head to the loop
	sniff       bool  // no Content-Type was set: detect one from the body
	head        bool  // the request is a HEAD: count the body, send none
	hijacked    bool  // Hijack succeeded
	written     int64 // body bytes the handler wrote
	declared    int64 // the Content-Length the handler set, or -1
	broken      error // an op failed; sticky
}

func (g *goState) reset() {
	if len(g.header) > 64 {
		g.header = make(http.Header) // let an unusually large one go
	} else {
		clear(g.header)
	}
	clear(g.fields[:cap(g.fields)])
	*g = goState{header: g.header, fields: g.fields[:0], buf: g.buf[:0]}
}

// responseWriter is a request's http.ResponseWriter. It supports
// http.Flusher (and FlushError, for http.ResponseController),
// http.Hijacker and io.StringWriter.
type responseWriter struct {
	x     *exchange
	gen   uint64
	ended bool // the handler returned: the writer is dead
}

// errAfterEnd is what a writer used after its handler returned answers.
var errAfterEnd = errors.New("nethttp: ResponseWriter used after the handler returned")

// Header returns the response header, to change before WriteHeader or
// the first Write; later changes are ignored, as net/http ignores them.
func (w *responseWriter) Header() http.Header { return w.x.g.header }

// WriteHeader sets the status, as net/http's does: the first call wins,
// later ones are logged and ignored, and a code outside 100 to 999
// panics. The header is snapshotted now. Informational codes (1xx) other
// than 101 are ignored: the server sends 100 Continue itself when the
// handler reads a body that the client asked it for, and 103 Early Hints
// are not sent. 101 Switching Protocols goes out with Hijack.
func (w *responseWriter) WriteHeader(code int) {
	g := &w.x.g
	switch {
	case w.ended:
		w.x.a.logError(fmt.Errorf("nethttp: WriteHeader(%d) %v", code, errAfterEnd))
		return
	case g.hijacked:
		w.x.a.logError(fmt.Errorf("nethttp: WriteHeader(%d) on a hijacked connection", code))
		return
	case g.wroteHeader:
		w.x.a.logError(fmt.Errorf("nethttp: superfluous WriteHeader(%d): the status is %d already", code, g.status))
		return
	}
	if code < 100 || code > 999 {
		panic(fmt.Sprintf("invalid WriteHeader code %v", code))
	}
	if code < 200 && code != http.StatusSwitchingProtocols {
		return
	}
	w.setStatus(code)
}

// setStatus sets the status and snapshots the header.
func (w *responseWriter) setStatus(code int) {
	g := &w.x.g
	g.wroteHeader = true
	g.status = code
	w.snapshot()
}

// snapshot copies the header into fields, as the response's head will
// have it: keys sorted (as net/http writes them), values with control
// characters made spaces, invalid names dropped. Content-Length declares
// the body's length; Date and Transfer-Encoding are the server's.
func (w *responseWriter) snapshot() {
	g := &w.x.g
	g.fields = g.fields[:0]
	g.declared = -1
	_, hasType := g.header["Content-Type"]
	g.sniff = !hasType
	for k, vs := range g.header {
		if !validName(k) {
			continue
		}
		switch k {
		case "Date", "Transfer-Encoding":
			continue
		case "Content-Length":
			if len(vs) == 0 {
				continue
			}
			n, err := strconv.ParseInt(strings.TrimSpace(vs[0]), 10, 64)
			if err != nil || n < 0 {
				w.x.a.logError(fmt.Errorf("nethttp: invalid Content-Length %q set by the handler: ignored", vs[0]))
				continue
			}
			g.declared = n
			g.fields = append(g.fields, field{k, strconv.FormatInt(n, 10)})
			continue
		}
		for _, v := range vs {
			g.fields = append(g.fields, field{k, cleanValue(v)})
		}
	}
	slices.SortStableFunc(g.fields, func(a, b field) int { return strings.Compare(a.name, b.name) })
}

// Write writes body bytes, as net/http's does: it sets the status to 200
// if WriteHeader was not called, fails with http.ErrBodyNotAllowed for a
// status without a body and http.ErrContentLength past a declared length,
// and counts but sends nothing for a HEAD request. Bytes are buffered up
// to 4 KiB; beyond, the buffer and p go to the loop, and Write waits
// until the server took them, which is the backpressure of a slow client.
// After the connection broke it returns the error that broke it.
func (w *responseWriter) Write(p []byte) (int, error) {
	if err := w.accept(len(p)); err != nil {
		return 0, err
	}
	g := &w.x.g
	if g.head {
		if g.sniff && !g.headSent && len(p) > 0 {
			g.sniff = false
			g.fields = append(g.fields, field{"Content-Type", http.DetectContentType(p)})
		}
		return len(p), nil
	}
	if len(g.buf)+len(p) <= cap(g.buf) {
		g.buf = append(g.buf, p...)
		return len(p), nil
	}
	if err := w.send(g.buf, p, false); err != nil {
		return 0, err
	}
	return len(p), nil
}

// WriteString is Write for a string; one that fits the buffer is copied
// into it without a conversion.
func (w *responseWriter) WriteString(s string) (int, error) {
	g := &w.x.g
	if g.head || len(g.buf)+len(s) > cap(g.buf) {
		return w.Write([]byte(s))
	}
	if err := w.accept(len(s)); err != nil {
		return 0, err
	}
	g.buf = append(g.buf, s...)
	return len(s), nil
}

// accept checks that n more body bytes may be written, setting the
// status to 200 if it is not set, and counts them.
func (w *responseWriter) accept(n int) error {
	g := &w.x.g
	if err := w.usable(); err != nil {
		return err
	}
	if !g.wroteHeader {
		w.setStatus(http.StatusOK)
	}
	if !bodyAllowed(g.status) {
		return http.ErrBodyNotAllowed
	}
	g.written += int64(n)
	if g.declared >= 0 && g.written > g.declared {
		return http.ErrContentLength
	}
	return nil
}

// Flush sends the head, if it is not sent, and what was written so far,
// and waits until the client took it (http.Flusher).
func (w *responseWriter) Flush() { _ = w.FlushError() }

// FlushError is Flush, reporting why it failed; http.ResponseController
// uses it.
func (w *responseWriter) FlushError() error {
	g := &w.x.g
	if err := w.usable(); err != nil {
		return err
	}
	if !g.wroteHeader {
		w.setStatus(http.StatusOK)
	}
	if g.status == http.StatusSwitchingProtocols {
		return nil // its head goes out with Hijack
	}
	return w.send(g.buf, nil, true)
}

// usable returns why the writer cannot write, or nil.
func (w *responseWriter) usable() error {
	g := &w.x.g
	switch {
	case w.ended:
		return errAfterEnd
	case g.hijacked:
		return http.ErrHijacked
	}
	return g.broken
}

// send hands a and b to the loop, and the head with them if it is the
// first op to send the response, and waits until the loop took them.
func (w *responseWriter) send(a, b []byte, flush bool) error {
	x := w.x
	g := &x.g
	o := op{kind: opWrite, a: a, b: b, flush: flush}
	g.addHead(&o)
	r := x.call(w.gen, o)
	g.buf = g.buf[:0]
	if r.err != nil {
		g.broken = r.err
	}
	return r.err
}

// addHead puts the status and fields on o if no op carried them yet,
// with a Content-Type detected from the first bytes of the body if the
// handler set none (as net/http does).
func (g *goState) addHead(o *op) {
	if g.headSent {
		return
	}
	g.headSent = true
	if g.sniff && bodyAllowed(g.status) {
		var first [512]byte
		n := copy(first[:], o.a)
		n += copy(first[n:], o.b)
		if n > 0 {
			g.fields = append(g.fields, field{"Content-Type", http.DetectContentType(first[:n])})
		}
	}
	o.head, o.status, o.fields = true, g.status, g.fields
}

// bodyAllowed reports whether a response with status may have a body
// (RFC 9110 sections 15.2, 15.3.5 and 15.4.5).
func bodyAllowed(status int) bool {
	return status >= 200 && status != http.StatusNoContent && status != http.StatusNotModified
}

// validName reports whether k is a token (RFC 9110 section 5.6.2), which
// a field name must be; net/http drops a field whose name is not.
func validName(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// cleanValue returns v with every control character but HTAB made a
// space, so that no value can end the head early (net/http makes CR and
// LF spaces; the server refuses the other controls). It allocates only
// for a value that needs it.
func cleanValue(v string) string {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < ' ' && c != '\t' || c == 0x7f {
			b := []byte(v)
			for j := i; j < len(b); j++ {
				if c := b[j]; c < ' ' && c != '\t' || c == 0x7f {
					b[j] = ' '
				}
			}
			return string(b)
		}
	}
	return v
}
