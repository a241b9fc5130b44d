package http1

import "strconv"

// statusText returns the reason phrase of a status code (RFC 9110
// section 15), or "" for one it does not know. The package does not
// import net/http for it: a server on the runtime should not link it.
func statusText(code int) string {
	switch code {
	case 100:
		return "Continue"
	case 101:
		return "Switching Protocols"
	case 200:
		return "OK"
	case 201:
		return "Created"
	case 202:
		return "Accepted"
	case 204:
		return "No Content"
	case 206:
		return "Partial Content"
	case 301:
		return "Moved Permanently"
	case 302:
		return "Found"
	case 303:
		return "See Other"
	case 304:
		return "Not Modified"
	case 307:
		return "Temporary Redirect"
	case 308:
		return "Permanent Redirect"
	case 400:
		return "Bad Request"
	case 401:
		return "Unauthorized"
	case 403:
		return "Forbidden"
	case 404:
		return "Not Found"
	case 405:
		return "Method Not Allowed"
	case 408:
		return "Request Timeout"
	case 409:
		return "Conflict"
	case 410:
		return "Gone"
	case 411:
		return "Length Required"
	case 413:
		return "Content Too Large"
	case 414:
		return "URI Too Long"
	case 415:
		return "Unsupported Media Type"
	case 417:
		return "Expectation Failed"
	case 426:
		return "Upgrade Required"
	case 429:
		return "Too Many Requests"
	case 431:
		return "Request Header Fields Too Large"
	case 500:
		return "Internal Server Error"
	case 501:
		return "Not Implemented"
	case 502:
		return "Bad Gateway"
	case 503:
		return "Service Unavailable"
	case 504:
		return "Gateway Timeout"
	case 505:
		return "HTTP Version Not Supported"
	}
	return ""
}

// StatusText returns the reason phrase of an HTTP status code, such as
// "Not Found" for 404, or "" if the code is not one of RFC 9110's.
func StatusText(code int) string { return statusText(code) }

// statusLine200 is the most common status line, kept whole.
const statusLine200 = "HTTP/1.1 200 OK\r\n"

// appendStatusLine appends "HTTP/1.1 <code> <reason>\r\n". The reason of
// a code without one is empty, as RFC 9112 section 4 allows.
func appendStatusLine(b []byte, code int) []byte {
	if code == 200 {
		return append(b, statusLine200...)
	}
	b = append(b, "HTTP/1.1 "...)
	b = strconv.AppendInt(b, int64(code), 10)
	b = append(b, ' ')
	b = append(b, statusText(code)...)
	return append(b, crlf...)
}
