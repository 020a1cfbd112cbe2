package impact

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"github.com/aimsgo/iso42001/internal/mdtext"
	"html/template"
	"io"
	"strconv"
	"strings"

	"github.com/aimsgo/iso42001/aims"
)

// Format is a report format.
type Format string

// Report formats.
const (
	// FormatMarkdown is for people, in a repository or a wiki; its layout
	// may change between releases.
	FormatMarkdown Format = "md"
	// FormatHTML is one self-contained page to print or mail; all user
	// text is escaped. Its layout may change between releases.
	FormatHTML Format = "html"
	// FormatJSON is stable interchange, described by [ReportSchema].
	FormatJSON Format = "json"
)

// Valid reports whether f is a known format.
func (f Format) Valid() bool { return f == FormatMarkdown || f == FormatHTML || f == FormatJSON }

// ReportSchemaID is the $id of the JSON report's schema.
const ReportSchemaID = "https://github.com/aimsgo/iso42001/schemas/impact-report.json"

// Report is the JSON report of one assessment: the assessment as stored,
// plus what the service derives from it.
type Report struct {
	// Schema is [ReportSchemaID].
	Schema string `json:"$schema"`
	// Assessment is the assessment.
	Assessment *Assessment `json:"assessment"`
	// Threshold is the band level from which a harm must reach the risk
	// register.
	Threshold int `json:"threshold"`
	// AboveThreshold lists the harms at or above it.
	AboveThreshold []string `json:"aboveThreshold"`
}

// ReportSchema returns the JSON Schema of the JSON report.
func ReportSchema() ([]byte, error) {
	return schemaOf(&Report{}, ReportSchemaID, "Impact assessment report")
}

// Report renders the assessment id in format to w.
func (s *Service) Report(ctx context.Context, id string, format Format, w io.Writer) error {
	a, err := s.assessments.Get(ctx, id)
	if err != nil {
		return err
	}
	return s.Write(w, a, format)
}

// Write renders a in format to w.
func (s *Service) Write(w io.Writer, a *Assessment, format Format) error {
	switch format {
	case FormatJSON:
		return WriteJSON(w, a, s.threshold)
	case FormatMarkdown:
		return WriteMarkdown(w, a, s.threshold)
	case FormatHTML:
		return WriteHTML(w, a, s.threshold)
	}
	return aims.Invalid("format", fmt.Sprintf("must be md, html or json, got %q", format))
}

func aboveThreshold(a *Assessment, threshold int) []string {
	out := []string{}
	for _, h := range a.Harms() {
		if h.Score != nil && h.Score.Level() >= threshold {
			out = append(out, h.ID)
		}
	}
	return out
}

// WriteJSON writes the JSON report of a: indented, stable field order.
func WriteJSON(w io.Writer, a *Assessment, threshold int) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(Report{Schema: ReportSchemaID, Assessment: a, Threshold: threshold, AboveThreshold: aboveThreshold(a, threshold)})
}

func levelsText(l Levels) string {
	if l.IsZero() {
		return ""
	}
	return fmt.Sprintf("S%d L%d Sc%d R%d", l.Severity, l.Likelihood, l.Scale, l.Reversibility)
}

// WriteMarkdown writes a as Markdown for people.
func WriteMarkdown(w io.Writer, a *Assessment, threshold int) error {
	bw := bufio.NewWriter(w)
	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }
	p("# %s\n\n", mdtext.Escape(a.Title))
	p("| Field | Value |\n| --- | --- |\n")
	row := func(k, v string) {
		if v != "" {
			p("| %s | %s |\n", k, mdtext.Escape(v))
		}
	}
	row("Assessment", a.ID)
	row("AI system", a.System)
	row("System version", a.SystemVersion)
	row("State", a.State)
	row("Author", a.CreatedBy)
	row("Created", day(a.CreatedAt))
	row("Approved by", a.ApprovedBy)
	row("Approved", day(a.ApprovedAt))
	row("Next review", day(a.NextReview))
	row("Supersedes", a.Supersedes)
	row("Superseded by", a.SupersededBy)
	p("\n")
	if s := a.Screening; s != nil {
		p("## EU AI Act screening: %s\n\n", mdtext.Escape(string(s.Tier)))
		p("Roles: %s. Questionnaire %s.\n\n", mdtext.Escape(strings.Join(s.Roles, ", ")), mdtext.Escape(s.Questionnaire))
		writeReasonsMD(p, s.Reasons)
		if len(s.Obligations) > 0 {
			p("### Obligations\n\n| Role | Reference | Duty |\n| --- | --- | --- |\n")
			for _, d := range s.Obligations {
				p("| %s | %s | %s |\n", mdtext.Escape(d.Role), mdtext.Escape(d.Reference), mdtext.Escape(d.Text))
			}
			p("\n")
		}
		p("> %s\n\n", mdtext.Escape(s.Notice))
	}
	if r := a.Result; r != nil {
		p("## Questionnaire: %s\n\n", mdtext.Escape(r.OutcomeTitle))
		p("Questionnaire %s, outcome `%s`.", mdtext.Escape(r.Questionnaire), r.Outcome)
		if len(r.Missing) > 0 {
			p(" Unanswered required questions: %s.", mdtext.Escape(strings.Join(r.Missing, ", ")))
		}
		p("\n\n")
		writeReasonsMD(p, r.Reasons)
	}
	list := func(title string, items []string) {
		if len(items) == 0 {
			return
		}
		p("## %s\n\n", title)
		for _, s := range items {
			p("- %s\n", mdtext.Escape(s))
		}
		p("\n")
	}
	list("Intended uses", a.IntendedUses)
	list("Reasonably foreseeable misuse", a.Misuse)
	if a.DeploymentContext != "" {
		p("## Deployment context\n\n%s\n\n", mdtext.Escape(a.DeploymentContext))
	}
	if len(a.Stakeholders) > 0 {
		p("## People affected\n\n| Group | Kind | Vulnerable | Note |\n| --- | --- | --- | --- |\n")
		for _, s := range a.Stakeholders {
			v := ""
			if s.Vulnerable {
				v = "yes"
			}
			p("| %s | %s | %s | %s |\n", mdtext.Escape(s.Name), s.Kind, v, mdtext.Escape(s.Note))
		}
		p("\n")
	}
	if len(a.Impacts) > 0 {
		p("## Impacts\n\nHarms at or above band level %d feed the risk register.\n\n", threshold)
		p("| ID | Effect | Dimension | Impact | Levels | Score | Residual | Controls | Risk |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
		for _, im := range a.Impacts {
			score, residual := "", ""
			if im.Score != nil {
				score = im.Score.Band + " (" + strconv.FormatFloat(im.Score.Value, 'g', 4, 64) + ")"
			}
			if im.ResidualScore != nil {
				residual = im.ResidualScore.Band + " (" + strconv.FormatFloat(im.ResidualScore.Value, 'g', 4, 64) + ")"
			}
			var ctrls []string
			for _, m := range im.Mitigations {
				ctrls = append(ctrls, m.Controls...)
			}
			p("| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", mdtext.Escape(im.ID), im.Effect, im.Dimension, mdtext.Escape(im.Title),
				levelsText(im.Levels), mdtext.Escape(score), mdtext.Escape(residual), mdtext.Escape(strings.Join(ctrls, ", ")), mdtext.Escape(im.Risk))
		}
		p("\nLevels: S severity, L likelihood, Sc scale, R reversibility.\n\n")
		for _, im := range a.Impacts {
			if im.Description == "" && len(im.Mitigations) == 0 {
				continue
			}
			p("### %s %s\n\n", mdtext.Escape(im.ID), mdtext.Escape(im.Title))
			if im.Description != "" {
				p("%s\n\n", mdtext.Escape(im.Description))
			}
			if im.Score != nil {
				p("Score: %s\n\n", mdtext.Escape(im.Score.Explain()))
			}
			for _, m := range im.Mitigations {
				p("- Mitigation: %s", mdtext.Escape(m.Description))
				if len(m.Controls) > 0 {
					p(" (controls %s)", mdtext.Escape(strings.Join(m.Controls, ", ")))
				}
				if len(m.Risks) > 0 {
					p(" (risks %s)", mdtext.Escape(strings.Join(m.Risks, ", ")))
				}
				p("\n")
			}
			if len(im.Mitigations) > 0 {
				p("\n")
			}
		}
	}
	if len(a.Consulted) > 0 {
		p("## Consulted\n\n| Party | Date | Summary |\n| --- | --- | --- |\n")
		for _, c := range a.Consulted {
			p("| %s | %s | %s |\n", mdtext.Escape(c.Party), day(c.Date), mdtext.Escape(c.Summary))
		}
		p("\n")
	}
	if d := a.Decision; d != nil {
		p("## Decision: %s\n\n%s\n\n", d.Verdict, mdtext.Escape(d.Rationale))
		for _, c := range d.Conditions {
			p("- Condition: %s\n", mdtext.Escape(c))
		}
		if len(d.Conditions) > 0 {
			p("\n")
		}
	}
	if len(a.Comments) > 0 {
		p("## Review comments\n\n")
		for _, c := range a.Comments {
			p("- %s, %s: %s\n", mdtext.Escape(c.By), day(c.At), mdtext.Escape(c.Text))
		}
		p("\n")
	}
	return bw.Flush()
}

func writeReasonsMD(p func(string, ...any), reasons []Reason) {
	if len(reasons) == 0 {
		return
	}
	p("| | Reference | Reason | Answers |\n| --- | --- | --- | --- |\n")
	for _, r := range reasons {
		mark := ""
		if r.Decisive {
			mark = "**decisive**"
		}
		var tr []string
		for _, t := range r.Trace {
			tr = append(tr, t.Question+" = "+t.Answer.String())
		}
		p("| %s | %s | %s | %s |\n", mark, mdtext.Escape(r.Reference), mdtext.Escape(r.Text), mdtext.Escape(strings.Join(tr, "; ")))
	}
	p("\n")
}

type htmlView struct {
	A         *Assessment
	Threshold int
}

func htmlFuncs() template.FuncMap {
	return template.FuncMap{
		"day":    day,
		"levels": levelsText,
		"join":   strings.Join,
		"trace": func(ts []Trace) string {
			s := make([]string, len(ts))
			for i, t := range ts {
				s[i] = t.Question + " = " + t.Answer.String()
			}
			return strings.Join(s, "; ")
		},
		"controls": func(ms []Mitigation) string {
			var c []string
			for _, m := range ms {
				c = append(c, m.Controls...)
			}
			return strings.Join(c, ", ")
		},
	}
}

const htmlText = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{.A.Title}}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:60rem;color:#1a1a1a;line-height:1.4}
table{border-collapse:collapse;width:100%;margin:0.5rem 0 1.5rem}
th,td{border:1px solid #ccc;padding:0.3rem 0.5rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}
.tier{display:inline-block;padding:0.1rem 0.6rem;border-radius:0.3rem;background:#eee;font-weight:600}
.decisive{font-weight:600}
.notice{border-left:4px solid #999;padding:0.3rem 0.8rem;background:#fafafa}
@media print{body{margin:0}}
</style>
</head>
<body>
<h1>{{.A.Title}}</h1>
<table>
<tr><th>Assessment</th><td>{{.A.ID}}</td></tr>
<tr><th>AI system</th><td>{{.A.System}}{{with .A.SystemVersion}} ({{.}}){{end}}</td></tr>
<tr><th>State</th><td>{{.A.State}}</td></tr>
<tr><th>Author</th><td>{{.A.CreatedBy}}</td></tr>
{{with .A.ApprovedBy}}<tr><th>Approved by</th><td>{{.}} on {{day $.A.ApprovedAt}}</td></tr>{{end}}
{{with day .A.NextReview}}<tr><th>Next review</th><td>{{.}}</td></tr>{{end}}
{{with .A.Supersedes}}<tr><th>Supersedes</th><td>{{.}}</td></tr>{{end}}
{{with .A.SupersededBy}}<tr><th>Superseded by</th><td>{{.}}</td></tr>{{end}}
</table>
{{with .A.Screening}}
<h2>EU AI Act screening: <span class="tier">{{.Tier}}</span></h2>
<p>Roles: {{join .Roles ", "}}. Questionnaire {{.Questionnaire}}.</p>
{{template "reasons" .Reasons}}
{{if .Obligations}}<h3>Obligations</h3>
<table><tr><th>Role</th><th>Reference</th><th>Duty</th></tr>
{{range .Obligations}}<tr><td>{{.Role}}</td><td>{{.Reference}}</td><td>{{.Text}}</td></tr>
{{end}}</table>{{end}}
<p class="notice">{{.Notice}}</p>
{{end}}
{{with .A.Result}}
<h2>Questionnaire: {{.OutcomeTitle}}</h2>
<p>Questionnaire {{.Questionnaire}}, outcome {{.Outcome}}.{{if .Missing}} Unanswered required questions: {{join .Missing ", "}}.{{end}}</p>
{{template "reasons" .Reasons}}
{{end}}
{{if .A.IntendedUses}}<h2>Intended uses</h2><ul>{{range .A.IntendedUses}}<li>{{.}}</li>{{end}}</ul>{{end}}
{{if .A.Misuse}}<h2>Reasonably foreseeable misuse</h2><ul>{{range .A.Misuse}}<li>{{.}}</li>{{end}}</ul>{{end}}
{{with .A.DeploymentContext}}<h2>Deployment context</h2><p>{{.}}</p>{{end}}
{{if .A.Stakeholders}}<h2>People affected</h2>
<table><tr><th>Group</th><th>Kind</th><th>Vulnerable</th><th>Note</th></tr>
{{range .A.Stakeholders}}<tr><td>{{.Name}}</td><td>{{.Kind}}</td><td>{{if .Vulnerable}}yes{{end}}</td><td>{{.Note}}</td></tr>
{{end}}</table>{{end}}
{{if .A.Impacts}}<h2>Impacts</h2>
<p>Harms at or above band level {{.Threshold}} feed the risk register.</p>
<table><tr><th>ID</th><th>Effect</th><th>Dimension</th><th>Impact</th><th>Levels</th><th>Score</th><th>Residual</th><th>Controls</th><th>Risk</th></tr>
{{range .A.Impacts}}<tr><td>{{.ID}}</td><td>{{.Effect}}</td><td>{{.Dimension}}</td><td>{{.Title}}{{with .Description}}<br><small>{{.}}</small>{{end}}</td><td>{{levels .Levels}}</td><td>{{with .Score}}{{.Band}}{{end}}</td><td>{{with .ResidualScore}}{{.Band}}{{end}}</td><td>{{controls .Mitigations}}</td><td>{{.Risk}}</td></tr>
{{end}}</table>
<p><small>Levels: S severity, L likelihood, Sc scale, R reversibility.</small></p>{{end}}
{{if .A.Consulted}}<h2>Consulted</h2>
<table><tr><th>Party</th><th>Date</th><th>Summary</th></tr>
{{range .A.Consulted}}<tr><td>{{.Party}}</td><td>{{day .Date}}</td><td>{{.Summary}}</td></tr>
{{end}}</table>{{end}}
{{with .A.Decision}}<h2>Decision: {{.Verdict}}</h2><p>{{.Rationale}}</p>
{{if .Conditions}}<ul>{{range .Conditions}}<li>Condition: {{.}}</li>{{end}}</ul>{{end}}{{end}}
{{if .A.Comments}}<h2>Review comments</h2><ul>{{range .A.Comments}}<li>{{.By}}, {{day .At}}: {{.Text}}</li>{{end}}</ul>{{end}}
</body>
</html>
{{define "reasons"}}{{if .}}<table><tr><th></th><th>Reference</th><th>Reason</th><th>Answers</th></tr>
{{range .}}<tr{{if .Decisive}} class="decisive"{{end}}><td>{{if .Decisive}}decisive{{end}}</td><td>{{.Reference}}</td><td>{{.Text}}</td><td>{{trace .Trace}}</td></tr>
{{end}}</table>{{end}}{{end}}`

// htmlTemplate parses the report template; it is a constant, so a parse
// error is a programming error caught by the tests.
func htmlTemplate() (*template.Template, error) {
	return template.New("report").Funcs(htmlFuncs()).Parse(htmlText)
}

// WriteHTML writes a as one self-contained HTML page (inline CSS, no
// scripts, no external resources); every user text is escaped by
// html/template.
func WriteHTML(w io.Writer, a *Assessment, threshold int) error {
	t, err := htmlTemplate()
	if err != nil {
		return err
	}
	return t.Execute(w, htmlView{A: a, Threshold: threshold})
}
