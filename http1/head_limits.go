package http1

// limits bounds what a peer may make the parser hold. A nil *limits, or
// a field of zero, means the default; defaultLimits holds them.
//
// The defaults, and why:
//
//   - startLine, 8 KiB: the request line (or status line) without its
//     CRLF; a longer request line is answered 414 URI Too Long. nginx's
//     large_client_header_buffers is 8 KiB per line, Apache's
//     LimitRequestLine 8190 bytes, and browsers and CDNs keep URLs well
//     under it.
//   - headerBytes, 64 KiB: the whole head, from its first byte (any
//     empty lines before the request line included) to the CRLF CRLF
//     that ends it; more is answered 431. Go's net/http allows 1 MiB,
//     nginx 32 KiB by default (4 buffers of 8 KiB). Large cookie sets and
//     bearer tokens reach tens of KiB, so 32 KiB is tight; 1 MiB lets
//     every slow connection pin a megabyte of buffer. 64 KiB is twice
//     nginx's default at a sixteenth of Go's.
//   - headerCount, 100: field lines in one head; more is answered 431.
//     Apache's LimitRequestFields is 100 too; browsers typically send 10
//     to 20. The field list grows to this many entries of 16 bytes.
type limits struct {
	startLine   int
	headerBytes int
	headerCount int
}

var defaultLimits = limits{
	startLine:   8 << 10,
	headerBytes: 64 << 10,
	headerCount: 100,
}

// maxLeadingEmptyLines is how many empty lines may come before a request
// line. RFC 9112 section 2.2 says a server SHOULD ignore at least one
// CRLF there (some clients send one after a POST body); a few more are
// harmless, an endless stream of them is not.
const maxLeadingEmptyLines = 4

// maxLimit keeps every offset of a head within a uint32.
const maxLimit = 1 << 30

// orDefault returns the limits to use: each field of zero (or less) is
// its default, and the others are clamped to a sane range. headerBytes is
// at least the start line plus the empty lines that may precede it, so a
// head that fits the start-line limit is never cut off by the byte limit
// first.
func (lim *limits) orDefault() limits {
	if lim == nil {
		return defaultLimits
	}
	l := *lim
	if l.startLine <= 0 {
		l.startLine = defaultLimits.startLine
	}
	if l.headerBytes <= 0 {
		l.headerBytes = defaultLimits.headerBytes
	}
	if l.headerCount <= 0 {
		l.headerCount = defaultLimits.headerCount
	}
	l.startLine = clampLimit(l.startLine, 16, maxLimit/2)
	l.headerBytes = clampLimit(l.headerBytes, l.startLine+2+2*maxLeadingEmptyLines+2, maxLimit)
	l.headerCount = min(l.headerCount, maxLimit)
	return l
}

func clampLimit(v, lo, hi int) int {
	return min(max(v, lo), hi)
}
