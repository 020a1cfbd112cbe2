package mdtext

import "testing"

func TestEscape(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"plain title", "plain title"},
		{"[click](http://evil)", `\[click\](http://evil)`},
		{"![img](x)", `\!\[img\](x)`},
		{"<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"},
		{"a|b", `a\|b`},
		{"# heading\nsecond line", `\# heading second line`},
		{"**bold** _it_ `code` ~~x~~", "\\*\\*bold\\*\\* \\_it\\_ \\`code\\` \\~\\~x\\~\\~"},
		{`back\slash`, `back\\slash`},
	} {
		if got := Escape(tc.in); got != tc.want {
			t.Errorf("Escape(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func FuzzEscape(f *testing.F) {
	f.Add("[x](y) | <b>")
	f.Fuzz(func(t *testing.T, s string) {
		got := Escape(s)
		for i := 0; i < len(got); i++ {
			switch got[i] {
			case '\n', '\r':
				t.Fatalf("Escape(%q) = %q keeps a line break", s, got)
			case '\\':
				i++ // the escaped character
			case '`', '*', '_', '[', ']', '<', '>', '|', '#', '!', '~':
				t.Fatalf("Escape(%q) = %q leaves %q unescaped at %d", s, got, got[i], i)
			}
		}
	})
}
