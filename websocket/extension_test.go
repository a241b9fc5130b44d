package websocket

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseExtensions(t *testing.T) {
	p := func(name string, value ...string) extensionParam {
		if len(value) == 0 {
			return extensionParam{name: name}
		}
		return extensionParam{name: name, value: value[0], hasValue: true}
	}
	tests := []struct {
		in   string
		want []extension
	}{
		{"", nil},
		{"  ", nil},
		{"permessage-deflate", []extension{{name: "permessage-deflate"}}},
		{"permessage-deflate; client_max_window_bits", []extension{
			{name: "permessage-deflate", params: []extensionParam{p("client_max_window_bits")}}}},
		{"Permessage-Deflate ;server_max_window_bits = 10 ; client_no_context_takeover", []extension{
			{name: "Permessage-Deflate", params: []extensionParam{p("server_max_window_bits", "10"), p("client_no_context_takeover")}}}},
		{`a; x="y", b ,c;z=1`, []extension{
			{name: "a", params: []extensionParam{p("x", "y")}},
			{name: "b"},
			{name: "c", params: []extensionParam{p("z", "1")}}}},
		{"\ta\t,\t, ,b", []extension{{name: "a"}, {name: "b"}}},
		{`a; x="\1\5"`, []extension{{name: "a", params: []extensionParam{p("x", "15")}}}},
		{"x-webkit-deflate-frame, permessage-deflate; client_max_window_bits", []extension{
			{name: "x-webkit-deflate-frame"},
			{name: "permessage-deflate", params: []extensionParam{p("client_max_window_bits")}}}},
	}
	for _, tt := range tests {
		got, err := parseExtensions(tt.in, nil)
		if err != nil {
			t.Errorf("parseExtensions(%q): %v", tt.in, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("parseExtensions(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestParseExtensionsErrors(t *testing.T) {
	bad := []string{
		";a",
		"a;",
		"a;;b",
		"a; =1",
		"a; x=",
		"a; x=,",
		`a; x="`,
		`a; x="1`,
		`a; x=""`,
		`a; x="1 5"`,
		`a; x="a,b"`,
		"a b",
		"a; x=1 2",
		"a; x y",
		"a/b",
		"a; x=\"é\"",
		"permessage-deflate; x=@",
	}
	for _, h := range bad {
		_, err := parseExtensions(h, nil)
		if err == nil {
			t.Errorf("parseExtensions(%q): no error", h)
			continue
		}
		prefix := `websocket: bad Sec-WebSocket-Extensions "` + strings.ReplaceAll(h, `"`, `\"`) + `": `
		if !strings.HasPrefix(err.Error(), prefix) {
			t.Errorf("parseExtensions(%q): error %q does not start with %q", h, err, prefix)
		}
	}
}

func TestAcceptDeflate(t *testing.T) {
	tests := []struct {
		offers   []string
		ok       bool
		p        deflateParams
		response string
	}{
		{nil, false, deflateParams{}, ""},
		{[]string{""}, false, deflateParams{}, ""},
		{[]string{"x-webkit-deflate-frame"}, false, deflateParams{}, ""},
		{[]string{"permessage-deflate"}, true, deflateParams{}, "permessage-deflate"},
		{[]string{"PerMessage-Deflate"}, true, deflateParams{}, "permessage-deflate"},
		// Chrome's and Firefox's offer: the hint is not echoed.
		{[]string{"permessage-deflate; client_max_window_bits"}, true, deflateParams{}, "permessage-deflate"},
		{[]string{"permessage-deflate; client_max_window_bits=10"}, true, deflateParams{}, "permessage-deflate"},
		{[]string{"permessage-deflate; server_max_window_bits=15"}, true, deflateParams{}, "permessage-deflate"},
		{[]string{"permessage-deflate; server_no_context_takeover"}, true,
			deflateParams{serverNoTakeover: true}, "permessage-deflate; server_no_context_takeover"},
		{[]string{"permessage-deflate;client_no_context_takeover;Server_No_Context_Takeover"}, true,
			deflateParams{serverNoTakeover: true, clientNoTakeover: true},
			"permessage-deflate; server_no_context_takeover; client_no_context_takeover"},
		// A smaller server window cannot be honoured: the next offer is.
		{[]string{"permessage-deflate; server_max_window_bits=10, permessage-deflate; client_no_context_takeover"}, true,
			deflateParams{clientNoTakeover: true}, "permessage-deflate; client_no_context_takeover"},
		{[]string{"permessage-deflate; server_max_window_bits=8"}, false, deflateParams{}, ""},
		// Offers RFC 7692 says to decline.
		{[]string{"permessage-deflate; foo"}, false, deflateParams{}, ""},
		{[]string{"permessage-deflate; server_no_context_takeover; server_no_context_takeover"}, false, deflateParams{}, ""},
		{[]string{"permessage-deflate; client_max_window_bits; client_max_window_bits=9"}, false, deflateParams{}, ""},
		{[]string{"permessage-deflate; server_no_context_takeover=1"}, false, deflateParams{}, ""},
		{[]string{"permessage-deflate; server_max_window_bits"}, false, deflateParams{}, ""},
		{[]string{"permessage-deflate; server_max_window_bits=16"}, false, deflateParams{}, ""},
		{[]string{"permessage-deflate; server_max_window_bits=015"}, false, deflateParams{}, ""},
		{[]string{"permessage-deflate; client_max_window_bits=7"}, false, deflateParams{}, ""},
		// The offers may come on several header lines, in order.
		{[]string{"permessage-deflate; foo", "x-other", "permessage-deflate; server_max_window_bits=\"15\""}, true,
			deflateParams{}, "permessage-deflate"},
	}
	for _, tt := range tests {
		p, response, ok, err := acceptDeflate(tt.offers)
		if err != nil {
			t.Errorf("acceptDeflate(%q): %v", tt.offers, err)
			continue
		}
		if ok != tt.ok || p != tt.p || response != tt.response {
			t.Errorf("acceptDeflate(%q) = %+v, %q, %v; want %+v, %q, %v", tt.offers, p, response, ok, tt.p, tt.response, tt.ok)
		}
		if ok {
			// The response must be one the client side accepts.
			cp, cok, err := acceptDeflateResponse([]string{response})
			if err != nil || !cok || cp != p {
				t.Errorf("acceptDeflateResponse(%q) = %+v, %v, %v; want %+v", response, cp, cok, err, p)
			}
		}
	}
	if _, _, _, err := acceptDeflate([]string{"permessage-deflate", "a b"}); err == nil ||
		!strings.Contains(err.Error(), `bad Sec-WebSocket-Extensions "a b"`) {
		t.Errorf("acceptDeflate of a bad header line: error %v", err)
	}
}

func TestDeflateOffer(t *testing.T) {
	// The server side must accept the client's offer as it is.
	p, response, ok, err := acceptDeflate([]string{deflateOffer()})
	if err != nil || !ok || p != (deflateParams{}) || response != "permessage-deflate" {
		t.Fatalf("acceptDeflate(%q) = %+v, %q, %v, %v", deflateOffer(), p, response, ok, err)
	}
}

func TestAcceptDeflateResponse(t *testing.T) {
	good := []struct {
		values []string
		ok     bool
		p      deflateParams
	}{
		{nil, false, deflateParams{}},
		{[]string{""}, false, deflateParams{}},
		{[]string{"permessage-deflate"}, true, deflateParams{}},
		{[]string{" permessage-deflate ; server_no_context_takeover"}, true, deflateParams{serverNoTakeover: true}},
		{[]string{"permessage-deflate; client_no_context_takeover"}, true, deflateParams{clientNoTakeover: true}},
		{[]string{"permessage-deflate; server_max_window_bits=8; client_no_context_takeover"}, true, deflateParams{clientNoTakeover: true}},
		{[]string{"permessage-deflate; server_max_window_bits=15"}, true, deflateParams{}},
	}
	for _, tt := range good {
		p, ok, err := acceptDeflateResponse(tt.values)
		if err != nil || ok != tt.ok || p != tt.p {
			t.Errorf("acceptDeflateResponse(%q) = %+v, %v, %v; want %+v, %v", tt.values, p, ok, err, tt.p, tt.ok)
		}
	}
	bad := []struct {
		values []string
		why    string
	}{
		{[]string{"x-webkit-deflate-frame"}, "extension x-webkit-deflate-frame was not offered"},
		{[]string{"permessage-deflate, permessage-deflate"}, "permessage-deflate accepted twice"},
		{[]string{"permessage-deflate", "permessage-deflate"}, "permessage-deflate accepted twice"},
		{[]string{"permessage-deflate; client_max_window_bits=15"}, "client_max_window_bits was not offered"},
		{[]string{"permessage-deflate; client_max_window_bits"}, "client_max_window_bits was not offered"},
		{[]string{"permessage-deflate; server_max_window_bits"}, "server_max_window_bits has no value"},
		{[]string{"permessage-deflate; server_max_window_bits=7"}, `server_max_window_bits="7" is not a number from 8 to 15`},
		{[]string{"permessage-deflate; server_max_window_bits=16"}, `server_max_window_bits="16" is not a number from 8 to 15`},
		{[]string{"permessage-deflate; server_no_context_takeover; server_no_context_takeover"}, "parameter server_no_context_takeover repeated"},
		{[]string{"permessage-deflate; server_no_context_takeover=true"}, `server_no_context_takeover has a value ("true")`},
		{[]string{"permessage-deflate; foo=1"}, "unknown parameter foo"},
		{[]string{"permessage-deflate;"}, "missing a parameter name at the end"},
	}
	for _, tt := range bad {
		_, _, err := acceptDeflateResponse(tt.values)
		want := `websocket: bad Sec-WebSocket-Extensions "`
		if err == nil || !strings.HasPrefix(err.Error(), want) || !strings.HasSuffix(err.Error(), tt.why) {
			t.Errorf("acceptDeflateResponse(%q): error %v, want %s...: %s", tt.values, err, want, tt.why)
		}
	}
}

func FuzzParseExtensions(f *testing.F) {
	for _, s := range []string{"permessage-deflate; client_max_window_bits", `a; x="\y"`, "a, b;c=d", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		exts, err := parseExtensions(h, nil)
		if err != nil {
			return
		}
		// What parses must parse the same once written back.
		var b strings.Builder
		for i, e := range exts {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(e.name)
			for _, q := range e.params {
				b.WriteString("; " + q.name)
				if q.hasValue {
					b.WriteString("=" + q.value)
				}
			}
		}
		again, err := parseExtensions(b.String(), nil)
		if err != nil || !reflect.DeepEqual(again, exts) {
			t.Fatalf("%q parsed as %+v; written back as %q it parses as %+v, %v", h, exts, b.String(), again, err)
		}
		acceptDeflate([]string{h})
		acceptDeflateResponse([]string{h})
	})
}
