// Package mdtext makes user text safe in Markdown reports: one line, with
// every character that would start Markdown or HTML markup escaped, so a
// title cannot become a link, an image, a heading, a table break or a tag.
package mdtext

import "strings"

// Escape returns s on one line (CR, LF and tabs become spaces) with the
// characters \ ` * _ [ ] | # ! ~ backslash-escaped and < > written as
// &lt; &gt; (which every renderer honours, unlike \<). It is for table
// cells and inline text; CommonMark and GitHub render the escapes as the
// plain characters.
func Escape(s string) string {
	if !strings.ContainsAny(s, "\\`*_[]<>|#!~\r\n\t") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for _, r := range s {
		switch r {
		case '\\', '`', '*', '_', '[', ']', '|', '#', '!', '~':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '\r', '\n', '\t':
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
