package http1

import (
	"fmt"
	"iter"
)

// Header is the field lines of a message being written: a response a
// handler writes, or a request the client sends. Names are compared
// ignoring ASCII case and written as given; the order of Add is kept.
//
// A Header is reused from one message to the next (Reset keeps its
// capacity), so setting fields from string constants allocates nothing.
// The zero Header is empty and ready to use.
//
// Names must be tokens and values must hold no control characters
// (RFC 9110 section 5); writing a message with a field that breaks either
// rule fails with an error naming the field, and nothing is sent.
// Content-Length, Transfer-Encoding and Connection frame the message, so
// the writer sets them itself: see ResponseWriter.
type Header struct {
	list []headerField
}

type headerField struct{ name, value string }

// Add appends a field line, after any others of the same name.
func (h *Header) Add(name, value string) {
	h.list = append(h.list, headerField{name, value})
}

// Set replaces every field line named name with one holding value.
func (h *Header) Set(name, value string) {
	for i := range h.list {
		if equalFoldString(h.list[i].name, name) {
			h.list[i].value = value
			h.delFrom(i+1, name)
			return
		}
	}
	h.Add(name, value)
}

// Get returns the value of the first field line named name, or "".
func (h *Header) Get(name string) string {
	v, _ := h.Lookup(name)
	return v
}

// Lookup returns the value of the first field line named name and
// whether there is one.
func (h *Header) Lookup(name string) (string, bool) {
	for _, f := range h.list {
		if equalFoldString(f.name, name) {
			return f.value, true
		}
	}
	return "", false
}

// Values returns the values of every field line named name, in order.
func (h *Header) Values(name string) []string {
	var vs []string
	for _, f := range h.list {
		if equalFoldString(f.name, name) {
			vs = append(vs, f.value)
		}
	}
	return vs
}

// Del removes every field line named name.
func (h *Header) Del(name string) { h.delFrom(0, name) }

func (h *Header) delFrom(i int, name string) {
	kept := h.list[:i]
	for _, f := range h.list[i:] {
		if !equalFoldString(f.name, name) {
			kept = append(kept, f)
		}
	}
	clear(h.list[len(kept):])
	h.list = kept
}

// Len returns the number of field lines.
func (h *Header) Len() int { return len(h.list) }

// All yields every field line's name and value, in order.
func (h *Header) All() iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		for _, f := range h.list {
			if !yield(f.name, f.value) {
				return
			}
		}
	}
}

// Reset removes every field line, keeping the capacity for the next
// message.
func (h *Header) Reset() {
	clear(h.list)
	h.list = h.list[:0]
}

// check returns an error naming the first field line that may not be
// written: a name that is not a token, or a value with a control
// character (which could split the head and smuggle a message).
func (h *Header) check() error {
	for _, f := range h.list {
		if !isTokenString(f.name) {
			return fmt.Errorf("http1: invalid header field name %q", f.name)
		}
		if !validValueString(f.value) {
			return fmt.Errorf("http1: invalid value %q in header field %s", f.value, f.name)
		}
	}
	return nil
}

// appendTo appends the field lines to b, each ending in CRLF.
func (h *Header) appendTo(b []byte) []byte {
	for _, f := range h.list {
		b = append(b, f.name...)
		b = append(b, ": "...)
		b = append(b, f.value...)
		b = append(b, "\r\n"...)
	}
	return b
}

// equalFoldString reports whether a and b are equal ignoring ASCII case.
func equalFoldString(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if lowerByte(a[i]) != lowerByte(b[i]) {
			return false
		}
	}
	return true
}

func lowerByte(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func isTokenString(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if charClass[s[i]]&classToken == 0 {
			return false
		}
	}
	return true
}

func validValueString(s string) bool {
	for i := 0; i < len(s); i++ {
		if charClass[s[i]]&classValue == 0 {
			return false
		}
	}
	return true
}
