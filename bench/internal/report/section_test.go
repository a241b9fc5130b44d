package report

import "testing"

func TestReplaceSection(t *testing.T) {
	for _, tc := range []struct{ name, doc, want string }{
		{"empty file", "", "<!-- begin x -->\nnew\n<!-- end x -->\n"},
		{"appended", "# Top\n", "# Top\n\n<!-- begin x -->\nnew\n<!-- end x -->\n"},
		{"replaced, others kept",
			"# Top\n<!-- begin y -->\nY\n<!-- end y -->\n<!-- begin x -->\nold\nlines\n<!-- end x -->\ntail\n",
			"# Top\n<!-- begin y -->\nY\n<!-- end y -->\n<!-- begin x -->\nnew\n<!-- end x -->\ntail\n"},
	} {
		got, err := ReplaceSection([]byte(tc.doc), "x", []byte("new"))
		if err != nil || string(got) != tc.want {
			t.Errorf("%s: got %q, %v; want %q", tc.name, got, err, tc.want)
		}
	}
	if _, err := ReplaceSection([]byte("<!-- begin x -->\nopen"), "x", nil); err == nil {
		t.Error("a section without its end marker was replaced")
	}
}
