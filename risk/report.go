package risk

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"github.com/aimsgo/iso42001/internal/mdtext"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aimsgo/iso42001/controls"
	"github.com/aimsgo/iso42001/internal/csvsafe"
	"github.com/aimsgo/iso42001/internal/natsort"
	"github.com/invopop/jsonschema"
)

// ReportKind is the kind written into a [Report].
const ReportKind = "RiskRegisterReport"

// ReportSchemaVersion is the version of the JSON report format.
const ReportSchemaVersion = 1

// Report is a snapshot of the register for rendering: the criteria, every
// risk in natural order of id, and what the register derives about each
// (controls not considered, whether treatment is needed). Its JSON form is
// stable (fields only ever added; see [JSONSchema]); the Markdown, CSV and
// SVG forms are for people and may change between releases. Every
// renderer is deterministic: the same report gives the same bytes.
type Report struct {
	Kind          string       `json:"kind"`
	SchemaVersion int          `json:"schemaVersion"`
	Tenant        string       `json:"tenant"`
	GeneratedAt   time.Time    `json:"generatedAt"`
	Criteria      CriteriaSpec `json:"criteria"`
	Risks         []ReportRisk `json:"risks"`

	crit *Criteria
}

// ReportRisk is one risk of a [Report].
type ReportRisk struct {
	Risk
	// Unconsidered lists the relevant Annex A controls the treatment
	// neither chose nor rejected ([Register.Unconsidered]).
	Unconsidered []string `json:"unconsidered,omitempty"`
	// NeedsTreatment: the current level is above the appetite and there is
	// neither a treatment plan nor an acceptance.
	NeedsTreatment bool `json:"needsTreatment"`
}

// NewReport builds a report of risks under criteria c, with unconsidered
// controls taken from cat (nil: none computed), for tenant at time at.
// The risks are copied and sorted in natural order of id.
func NewReport(c *Criteria, cat *controls.Catalog, tenant string, at time.Time, risks []*Risk) *Report {
	rep := &Report{Kind: ReportKind, SchemaVersion: ReportSchemaVersion, Tenant: tenant, GeneratedAt: at.UTC(),
		Criteria: c.Spec(), crit: c, Risks: make([]ReportRisk, 0, len(risks))}
	for _, rk := range risks {
		if rk == nil {
			continue
		}
		rep.Risks = append(rep.Risks, newReportRisk(c, cat, rk))
	}
	slices.SortFunc(rep.Risks, func(a, b ReportRisk) int { return natsort.Compare(a.ID, b.ID) })
	return rep
}

// newReportRisk is rk as a report shows it.
func newReportRisk(c *Criteria, cat *controls.Catalog, rk *Risk) ReportRisk {
	rr := ReportRisk{Risk: *rk}
	if cat != nil {
		rr.Unconsidered = Unconsidered(cat, rk)
	}
	if cur, _ := rk.Current(); cur != nil && rk.Treatment == nil && rk.Acceptance == nil {
		lvl := c.Level(cur.Score.Band)
		rr.NeedsTreatment = lvl == 0 || !c.WithinAppetite(lvl)
	}
	return rr
}

// Report returns a snapshot of every risk in the register, stamped with
// the workspace clock.
func (r *Register) Report(ctx context.Context) (*Report, error) {
	all, err := r.All(ctx, Filter{})
	if err != nil {
		return nil, err
	}
	return NewReport(r.crit, r.catalog, r.ws.Tenant(), r.ws.Now(), all), nil
}

func sortRisks(rs []*Risk) {
	slices.SortFunc(rs, func(a, b *Risk) int { return natsort.Compare(a.ID, b.ID) })
}

// WriteJSON writes the report as indented JSON, valid against
// [JSONSchema]. It renders one risk at a time (the bytes are those of
// json.MarshalIndent of the whole report), so the output is never held
// whole in memory.
func (rep *Report) WriteJSON(w io.Writer) error {
	sw, err := startJSON(w, rep)
	if err != nil {
		return err
	}
	for i := range rep.Risks {
		if err := sw.risk(&rep.Risks[i]); err != nil {
			return err
		}
	}
	return sw.end()
}

// jsonStream writes a report's JSON a risk at a time: the head (every
// field before "risks"), then each risk indented as an element of the
// array, then the closing brackets, byte for byte what json.MarshalIndent
// writes for the whole report.
type jsonStream struct {
	bw *bufio.Writer
	n  int
}

// risksEmpty is how MarshalIndent ends a report without risks.
const risksEmpty = "\"risks\": []\n}"

func startJSON(w io.Writer, rep *Report) (*jsonStream, error) {
	head := *rep
	head.Risks = []ReportRisk{}
	data, err := json.MarshalIndent(&head, "", "  ")
	if err != nil {
		return nil, err
	}
	if !bytes.HasSuffix(data, []byte(risksEmpty)) {
		return nil, fmt.Errorf("risk report: unexpected JSON layout")
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.Write(data[:len(data)-len(risksEmpty)])
	bw.WriteString(`"risks": [`)
	return &jsonStream{bw: bw}, nil
}

func (s *jsonStream) risk(rr *ReportRisk) error {
	data, err := json.MarshalIndent(rr, "    ", "  ")
	if err != nil {
		return err
	}
	if s.n > 0 {
		s.bw.WriteByte(',')
	}
	s.n++
	s.bw.WriteString("\n    ")
	_, err = s.bw.Write(data)
	return err
}

func (s *jsonStream) end() error {
	if s.n > 0 {
		s.bw.WriteString("\n  ")
	}
	s.bw.WriteString("]\n}\n")
	return s.bw.Flush()
}

// WriteReportJSON writes what [Register.Report] followed by
// [Report.WriteJSON] writes, without building the report: each risk is
// decoded once, sorted by reference and rendered straight to w, so the
// register is held in memory once (as decoded risks), never as a report
// copy nor as rendered bytes.
func (r *Register) WriteReportJSON(ctx context.Context, w io.Writer) error {
	all, err := r.All(ctx, Filter{})
	if err != nil {
		return err
	}
	rep := &Report{Kind: ReportKind, SchemaVersion: ReportSchemaVersion, Tenant: r.ws.Tenant(), GeneratedAt: r.ws.Now().UTC(),
		Criteria: r.crit.Spec(), crit: r.crit}
	sw, err := startJSON(w, rep)
	if err != nil {
		return err
	}
	for i, rk := range all {
		rr := newReportRisk(r.crit, r.catalog, rk)
		all[i] = nil // rendered: let it go
		if err := sw.risk(&rr); err != nil {
			return err
		}
	}
	return sw.end()
}

// WriteReportCSV writes what [Register.Report] followed by
// [Report.WriteCSV] writes, streaming as [Register.WriteReportJSON] does.
func (r *Register) WriteReportCSV(ctx context.Context, w io.Writer) error {
	all, err := r.All(ctx, Filter{})
	if err != nil {
		return err
	}
	cw := csvsafe.NewWriter(w)
	if err := writeCSVHead(cw); err != nil {
		return err
	}
	for i, rk := range all {
		rr := newReportRisk(r.crit, r.catalog, rk)
		all[i] = nil
		if err := writeCSVRow(cw, &rr); err != nil {
			return err
		}
	}
	return cw.Flush()
}

// JSONSchema returns the JSON Schema (draft 2020-12) of the JSON report,
// generated from the Go types, so that other tools can validate what
// [Report.WriteJSON] writes.
func JSONSchema() ([]byte, error) {
	r := &jsonschema.Reflector{}
	s := r.Reflect(&Report{})
	s.ID = "https://github.com/aimsgo/iso42001/schemas/risk-register-report.json"
	s.Title = "ISO/IEC 42001 AI risk register report"
	return json.MarshalIndent(s, "", "  ")
}

// WriteCSV writes one row per risk, spreadsheet-safe (cells that a
// spreadsheet would run as formulas are neutralised). Lists inside a cell
// are joined with "; ". The last two columns explain the inherent and
// residual scores ([Score.Explain]), whatever scorer gave them; new
// columns are only ever added at the end.
func (rep *Report) WriteCSV(w io.Writer) error {
	cw := csvsafe.NewWriter(w)
	if err := writeCSVHead(cw); err != nil {
		return err
	}
	for i := range rep.Risks {
		if err := writeCSVRow(cw, &rep.Risks[i]); err != nil {
			return err
		}
	}
	return cw.Flush()
}

func writeCSVHead(cw *csvsafe.Writer) error {
	return cw.Write("id", "title", "state", "owner", "systems", "sources", "objectives",
		"inherent_likelihood", "inherent_consequence", "inherent_score", "inherent_band",
		"treatment_options", "controls", "rejected_controls", "open_actions",
		"residual_score", "residual_band", "accepted_by", "accepted_at", "acceptance_basis",
		"next_review", "unconsidered_controls", "needs_treatment",
		"inherent_explanation", "residual_explanation")
}

// writeCSVRow writes one risk's row.
func writeCSVRow(cw *csvsafe.Writer, rr *ReportRisk) error {
	var iL, iC, iS, iB, iX, rS, rB, rX, opts, ctrls, rej, open, accBy, accAt, basis string
	if g := rr.Inherent; g != nil {
		l, k := g.Score.levels()
		iL, iC = levelText(l), levelText(k)
		iS, iB, iX = formatNumber(g.Score.Value), g.Score.Band, g.Score.Explain()
	}
	if g := rr.Residual; g != nil {
		rS, rB, rX = formatNumber(g.Score.Value), g.Score.Band, g.Score.Explain()
	}
	if t := rr.Treatment; t != nil {
		opts = csvsafe.Join(optionStrings(t.Options))
		ctrls = csvsafe.Join(controlIDs(t.Controls))
		var rs, os []string
		for _, x := range t.Rejected {
			rs = append(rs, x.ID+" ("+x.Reason+")")
		}
		for _, a := range t.Actions {
			if a.Open() {
				os = append(os, a.ID+" due "+day(a.Due))
			}
		}
		rej, open = csvsafe.Join(rs), csvsafe.Join(os)
	}
	if a := rr.Acceptance; a != nil {
		accBy, accAt, basis = a.By, day(a.At), a.Basis
	}
	err := cw.Write(rr.ID, rr.Title, rr.State, rr.Owner, csvsafe.Join(rr.Systems),
		csvsafe.Join(stringsOf(rr.Sources)), csvsafe.Join(stringsOf(rr.Objectives)),
		iL, iC, iS, iB, opts, ctrls, rej, open, rS, rB, accBy, accAt, basis,
		day(rr.NextReview), csvsafe.Join(rr.Unconsidered), strconv.FormatBool(rr.NeedsTreatment), iX, rX)
	return err
}

func levelText(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

func stringsOf[S ~string](in []S) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = string(s)
	}
	return out
}

func optionStrings(os []Option) []string { return stringsOf(os) }

func controlIDs(cs []ControlChoice) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

func ratingText(g *Rating) string {
	if g == nil {
		return "-"
	}
	return mdtext.Escape(g.Score.Band) + " (" + formatNumber(g.Score.Value) + ")"
}

// WriteMarkdown writes the register as Markdown: a summary table, then one
// section per risk with its analysis, ratings, treatment, acceptance and
// the relevant Annex A controls not considered.
func (rep *Report) WriteMarkdown(w io.Writer) error {
	crit, err := rep.criteria()
	if err != nil {
		return err
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "# AI risk register\n\n")
	fmt.Fprintf(&b, "Tenant: %s. Generated: %s. Appetite: %s. Tolerance: %s. Risks: %d.\n\n",
		mdtext.Escape(rep.Tenant), rep.GeneratedAt.Format(time.RFC3339), mdtext.Escape(crit.Band(crit.Appetite()).Name),
		mdtext.Escape(crit.Band(crit.Tolerance()).Name), len(rep.Risks))
	b.WriteString("| ID | Title | Owner | State | Inherent | Residual | Treatment | Next review |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|\n")
	for _, rr := range rep.Risks {
		treat := "-"
		if t := rr.Treatment; t != nil {
			treat = mdtext.Escape(strings.Join(optionStrings(t.Options), ", "))
			if len(t.Controls) > 0 {
				treat += ": " + mdtext.Escape(strings.Join(controlIDs(t.Controls), ", "))
			}
		} else if rr.NeedsTreatment {
			treat = "**needed**"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", mdtext.Escape(rr.ID), mdtext.Escape(rr.Title),
			mdtext.Escape(rr.Owner), mdtext.Escape(rr.State), ratingText(rr.Inherent), ratingText(rr.Residual), treat,
			orDash(day(rr.NextReview)))
	}
	for _, rr := range rep.Risks {
		fmt.Fprintf(&b, "\n## %s: %s\n\n", mdtext.Escape(rr.ID), mdtext.Escape(rr.Title))
		if rr.Description != "" {
			fmt.Fprintf(&b, "%s\n\n", mdtext.Escape(rr.Description))
		}
		item := func(label, value string) {
			if value != "" {
				fmt.Fprintf(&b, "- %s: %s\n", label, value)
			}
		}
		item("State", mdtext.Escape(rr.State))
		item("Owner", mdtext.Escape(rr.Owner))
		item("AI systems", mdtext.Escape(strings.Join(rr.Systems, ", ")))
		item("Risk sources (Annex C.3)", mdtext.Escape(strings.Join(stringsOf(rr.Sources), ", ")))
		item("Objectives (Annex C.2)", mdtext.Escape(strings.Join(stringsOf(rr.Objectives), ", ")))
		item("Causes", mdtext.Escape(strings.Join(rr.Causes, "; ")))
		item("Consequences", mdtext.Escape(strings.Join(rr.Consequences, "; ")))
		if g := rr.Inherent; g != nil {
			item("Inherent risk", ratingLine(g))
		}
		if t := rr.Treatment; t != nil {
			item("Treatment", mdtext.Escape(strings.Join(optionStrings(t.Options), ", ")))
			item("Rationale", mdtext.Escape(t.Rationale))
			for _, x := range t.Controls {
				item("Control chosen", mdtext.Escape(x.ID)+noteText(x.Note))
			}
			for _, x := range t.Rejected {
				item("Control rejected", mdtext.Escape(x.ID)+": "+mdtext.Escape(x.Reason))
			}
			for _, a := range t.Actions {
				status := "open"
				if !a.Open() {
					status = "done " + day(a.Done)
				}
				item("Action", fmt.Sprintf("%s: %s (owner %s, due %s, %s)", mdtext.Escape(a.ID), mdtext.Escape(a.Title), mdtext.Escape(a.Owner), day(a.Due), status))
			}
			if g := t.Expected; g != nil {
				item("Expected residual risk", ratingLine(g))
			}
		}
		if g := rr.Residual; g != nil {
			item("Residual risk", ratingLine(g))
		}
		if a := rr.Acceptance; a != nil {
			item("Accepted", fmt.Sprintf("%s %s risk by %s on %s: %s", mdtext.Escape(a.Band), a.Stage, mdtext.Escape(a.By), day(a.At), mdtext.Escape(a.Basis)))
		}
		item("Next review", day(rr.NextReview))
		if len(rr.Unconsidered) > 0 {
			item("Annex A controls not considered (6.1.3 c)", mdtext.Escape(strings.Join(rr.Unconsidered, ", ")))
		}
		if rr.NeedsTreatment {
			item("Needs treatment", "above the appetite, with no treatment plan or acceptance")
		}
	}
	_, err = w.Write(b.Bytes())
	return err
}

// criteria returns the report's criteria, rebuilding them from the spec
// when the report was decoded from JSON.
func (rep *Report) criteria() (*Criteria, error) {
	if rep.crit != nil {
		return rep.crit, nil
	}
	return NewCriteria(rep.Criteria)
}

// ratingLine explains a rating, with who assessed it when and their note.
func ratingLine(g *Rating) string {
	s := mdtext.Escape(g.Score.Explain())
	if g.AssessedBy != "" {
		s += " (assessed by " + mdtext.Escape(g.AssessedBy) + " on " + day(g.AssessedAt) + ")"
	}
	if g.Note != "" {
		s += ". " + mdtext.Escape(g.Note)
	}
	return s
}

func noteText(n string) string {
	if n == "" {
		return ""
	}
	return " (" + mdtext.Escape(n) + ")"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
