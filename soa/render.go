package soa

import (
	"bufio"
	"fmt"
	"github.com/aimsgo/iso42001/internal/mdtext"
	"html/template"
	"io"
	"strconv"
	"strings"

	"github.com/aimsgo/iso42001/internal/csvsafe"
)

// Format names an output format of [Render].
type Format string

// Output formats.
const (
	FormatMarkdown Format = "md"
	FormatHTML     Format = "html"
	FormatCSV      Format = "csv"
	FormatJSON     Format = "json"
	FormatOSCAL    Format = "oscal"
)

// Formats lists every format, in the order a help text shows them.
func Formats() []Format {
	return []Format{FormatMarkdown, FormatHTML, FormatCSV, FormatJSON, FormatOSCAL}
}

// Valid reports whether f is one of the defined formats.
func (f Format) Valid() bool {
	switch f {
	case FormatMarkdown, FormatHTML, FormatCSV, FormatJSON, FormatOSCAL:
		return true
	}
	return false
}

// Render writes s to w in format f; OSCAL uses default [OSCALOptions].
// An unknown format is an error naming the valid ones.
func Render(w io.Writer, s *SoA, f Format) error {
	switch f {
	case FormatMarkdown:
		return WriteMarkdown(w, s)
	case FormatHTML:
		return WriteHTML(w, s)
	case FormatCSV:
		return WriteCSV(w, s)
	case FormatJSON:
		return Encode(w, s)
	case FormatOSCAL:
		return WriteOSCAL(w, s, nil)
	}
	return fmt.Errorf("soa: unknown format %q (want md, html, csv, json or oscal)", f)
}

// applicableText is an entry's Applicable column: yes, no or undecided.
func applicableText(e *Entry) string {
	if e.Undecided {
		return "undecided"
	}
	return yesNo(e.Applicable)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// stateOf names the version's workflow state, "unsaved" before it is
// stored.
func stateOf(s *SoA) string {
	if s.State == "" {
		return "unsaved"
	}
	return s.State
}

// header returns the one-line description of the version.
func header(s *SoA) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Version %d (%s)", s.Number, stateOf(s))
	fmt.Fprintf(&b, " · catalog %s", s.Catalog)
	if s.CatalogVersion != "" {
		b.WriteString(" version " + s.CatalogVersion)
	}
	if !s.GeneratedAt.IsZero() {
		b.WriteString(" · generated " + dateText(s.GeneratedAt))
	}
	if s.Author != "" {
		b.WriteString(" by " + s.Author)
	}
	return b.String()
}

func approval(s *SoA) string {
	if s.ApprovedBy == "" {
		return ""
	}
	out := "Approved by " + s.ApprovedBy
	if !s.ApprovedAt.IsZero() {
		out += " on " + dateText(s.ApprovedAt)
	}
	if s.SupersededBy != 0 {
		out += "; superseded by version " + strconv.Itoa(s.SupersededBy)
	}
	return out + "."
}

func countsLine(s *SoA) string {
	c := s.Counts()
	var b strings.Builder
	fmt.Fprintf(&b, "%d controls: %d applicable, %d not applicable.", c.Controls, c.Applicable, c.Excluded)
	if c.Undecided > 0 {
		fmt.Fprintf(&b, " %d undecided: this SoA cannot be approved until a person decides each.", c.Undecided)
	}
	if c.Applicable > 0 {
		b.WriteString(" Applicable by status:")
		sep := " "
		for _, st := range []Status{StatusImplemented, StatusPartial, StatusPlanned, StatusNotStarted, ""} {
			if n := c.ByStatus[st]; n > 0 {
				name := string(st)
				if st == "" {
					name = "no status"
				}
				fmt.Fprintf(&b, "%s%s %d", sep, name, n)
				sep = ", "
			}
		}
		b.WriteByte('.')
	}
	return b.String()
}

func titleOf(s *SoA) string {
	if s.Organization == "" {
		return s.Title
	}
	return s.Title + " — " + s.Organization
}

// WriteMarkdown renders s as a Markdown document for people: a header,
// a summary, a table of every control with its applicability, status,
// owner and justification, then the evidence. The layout is for reading
// and may change; use [Encode] for a stable format.
func WriteMarkdown(w io.Writer, s *SoA) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# %s\n\n%s\n", mdtext.Escape(titleOf(s)), mdtext.Escape(header(s)))
	if a := approval(s); a != "" {
		fmt.Fprintf(bw, "\n%s\n", mdtext.Escape(a))
	}
	if s.Scope != "" {
		fmt.Fprintf(bw, "\nScope: %s\n", mdtext.Escape(s.Scope))
	}
	fmt.Fprintf(bw, "\n%s\n\n", countsLine(s))
	bw.WriteString("| Control | Title | Applicable | Status | Owner | Justification |\n|---|---|---|---|---|---|\n")
	for i := range s.Entries {
		e := &s.Entries[i]
		fmt.Fprintf(bw, "| %s | %s | %s | %s | %s | %s |\n", mdtext.Escape(e.Control), mdtext.Escape(e.Title), applicableText(e),
			mdtext.Escape(string(e.Status)), mdtext.Escape(e.Owner), mdtext.Escape(e.Justification))
	}
	first := true
	for i := range s.Entries {
		e := &s.Entries[i]
		if len(e.Evidence) == 0 && e.LastReview.IsZero() {
			continue
		}
		if first {
			bw.WriteString("\n## Evidence and reviews\n\n")
			first = false
		}
		fmt.Fprintf(bw, "- %s", mdtext.Escape(e.Control))
		if !e.LastReview.IsZero() {
			fmt.Fprintf(bw, " (last reviewed %s)", dateText(e.LastReview))
		}
		bw.WriteString("\n")
		for _, ev := range e.Evidence {
			label := ev.URI
			if ev.Title != "" {
				label = ev.Title + ": " + ev.URI
			}
			fmt.Fprintf(bw, "  - %s (sha256 `%s`)\n", mdtext.Escape(label), ev.SHA256)
		}
	}
	if len(s.Unresolved) > 0 {
		bw.WriteString("\n## Unknown controls\n\n")
		for _, u := range s.Unresolved {
			fmt.Fprintf(bw, "- %s: named by %s\n", mdtext.Escape(u.Control), mdtext.Escape(describe(u.Source)))
		}
	}
	return bw.Flush()
}

// WriteCSV renders s as CSV, one row per control, with a header row.
// Cells that a spreadsheet would run as a formula are neutralised.
// Columns: control, title, origin, applicable, status, owner,
// justification, sources (kind:id; ...), decision, evidence (uri
// sha256; ...), last_review.
func WriteCSV(w io.Writer, s *SoA) error {
	cw := csvsafe.NewWriter(w)
	if err := cw.Write("control", "title", "origin", "applicable", "status", "owner", "justification", "sources", "decision", "evidence", "last_review"); err != nil {
		return err
	}
	for i := range s.Entries {
		e := &s.Entries[i]
		srcs := make([]string, len(e.Sources))
		for j, src := range e.Sources {
			srcs[j] = string(src.Kind) + ":" + src.ID
		}
		ev := make([]string, len(e.Evidence))
		for j, x := range e.Evidence {
			ev[j] = x.URI + " " + x.SHA256
		}
		var dec string
		if d := e.Decision; d != nil {
			dec = string(d.Choice)
			if d.By != "" {
				dec += " by " + d.By
			}
			if !d.At.IsZero() {
				dec += " on " + dateText(d.At)
			}
		}
		if err := cw.Write(e.Control, e.Title, string(e.Origin), applicableText(e), string(e.Status), e.Owner,
			e.Justification, csvsafe.Join(srcs), dec, csvsafe.Join(ev), dateText(e.LastReview)); err != nil {
			return err
		}
	}
	return cw.Flush()
}

type htmlEntry struct {
	*Entry
	Class      string
	Applicable string
	LastReview string
}

type htmlPage struct {
	Title, Header, Approval, Scope, Counts string
	Entries                                []htmlEntry
	Unresolved                             []string
}

// WriteHTML renders s as one self-contained HTML page (inline CSS, no
// scripts, no external resources) that a person can print or mail. All
// user text is escaped by html/template.
func WriteHTML(w io.Writer, s *SoA) error {
	p := htmlPage{Title: titleOf(s), Header: header(s), Approval: approval(s), Scope: s.Scope, Counts: countsLine(s)}
	for i := range s.Entries {
		e := &s.Entries[i]
		he := htmlEntry{Entry: e, Class: "out", Applicable: "no", LastReview: dateText(e.LastReview)}
		if e.Undecided {
			he.Class, he.Applicable = "undecided", "undecided"
		}
		if e.Applicable {
			he.Class, he.Applicable = "in", "yes"
		}
		p.Entries = append(p.Entries, he)
	}
	for _, u := range s.Unresolved {
		p.Unresolved = append(p.Unresolved, u.Control+": named by "+describe(u.Source))
	}
	return htmlTemplate.Execute(w, p)
}

var htmlTemplate = template.Must(template.New("soa").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{.Title}}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em;color:#111;font-size:11pt}
h1{font-size:1.5em;margin-bottom:.2em}
p.meta{color:#555;margin-top:0}
table{border-collapse:collapse;width:100%}
th,td{border:1px solid #bbb;padding:.35em .5em;vertical-align:top;text-align:left}
th{background:#eee}
tr.out td{color:#555;background:#fafafa}
tr.undecided td{background:#fff4e5}
td.id{white-space:nowrap;font-weight:600}
ul.ev{margin:.3em 0 0 1em;padding:0;font-size:.9em}
code{font-size:.85em;word-break:break-all}
@media print{body{margin:0}tr{page-break-inside:avoid}}
</style>
</head>
<body>
<h1>{{.Title}}</h1>
<p class="meta">{{.Header}}</p>
{{with .Approval}}<p>{{.}}</p>
{{end}}{{with .Scope}}<p>Scope: {{.}}</p>
{{end}}<p>{{.Counts}}</p>
<table>
<thead><tr><th>Control</th><th>Title</th><th>Applicable</th><th>Status</th><th>Owner</th><th>Justification</th></tr></thead>
<tbody>
{{range .Entries}}<tr class="{{.Class}}"><td class="id">{{.Control}}</td><td>{{.Title}}</td><td>{{.Applicable}}</td><td>{{.Status}}</td><td>{{.Owner}}</td><td>{{.Justification}}{{if or .Evidence .LastReview}}<ul class="ev">{{with .LastReview}}<li>Last reviewed {{.}}</li>{{end}}{{range .Evidence}}<li>{{with .Title}}{{.}}: {{end}}{{.URI}} <code>sha256 {{.SHA256}}</code></li>{{end}}</ul>{{end}}</td></tr>
{{end}}</tbody>
</table>
{{if .Unresolved}}<h2>Unknown controls</h2>
<ul>
{{range .Unresolved}}<li>{{.}}</li>
{{end}}</ul>
{{end}}</body>
</html>
`))
