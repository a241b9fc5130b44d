package http1

import (
	"sync/atomic"
	"time"
)

// dateCache holds the Date field's value (RFC 9110 section 6.6.1) for the
// current second, so that a response copies 29 bytes instead of
// formatting a time. Connections on several workers share it: the value
// is swapped whole, and a reader that finds an older second formats the
// new one and publishes it.
type dateCache struct {
	cur atomic.Pointer[dateValue]
}

type dateValue struct {
	sec int64
	b   [len(time.RFC1123)]byte // "Mon, 02 Jan 2006 15:04:05 GMT"
}

// append appends the date of now, in Unix nanoseconds, in IMF-fixdate
// form.
func (d *dateCache) append(b []byte, now int64) []byte {
	sec := now / int64(time.Second)
	v := d.cur.Load()
	if v == nil || v.sec != sec {
		v = &dateValue{sec: sec}
		time.Unix(sec, 0).UTC().AppendFormat(v.b[:0], http1Date)
		d.cur.Store(v)
	}
	return append(b, v.b[:]...)
}

// http1Date is IMF-fixdate: RFC 1123's layout, always in GMT.
const http1Date = "Mon, 02 Jan 2006 15:04:05 GMT"
