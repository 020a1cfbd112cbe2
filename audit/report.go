package audit

import (
	"bufio"
	"context"
	"fmt"
	"github.com/aimsgo/iso42001/internal/mdtext"
	"html"
	"io"
	"strings"

	"github.com/aimsgo/iso42001/internal/natsort"
	"slices"
)

// Report is the audit report of one audit: the plan, the checklist
// results and the findings with their nonconformities.
type Report struct {
	Audit    *Audit     `json:"audit"`
	Findings []*Finding `json:"findings"`
	// Nonconformities maps a finding's nonconformity id to its current state.
	Nonconformities map[string]string `json:"nonconformities,omitempty"`
}

// Report gathers the report of audit id. Findings sort by ref in natural
// order, then id.
func (s *Audits) Report(ctx context.Context, id string) (*Report, error) {
	a, err := s.c.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	fs, err := s.FindingsOf(ctx, id)
	if err != nil {
		return nil, err
	}
	sortFindings(fs)
	rep := &Report{Audit: a, Findings: fs, Nonconformities: map[string]string{}}
	for _, f := range fs {
		if f.Nonconformity == "" {
			continue
		}
		n, err := s.ncs.Get(ctx, f.Nonconformity)
		if err != nil {
			rep.Nonconformities[f.Nonconformity] = "missing"
			continue
		}
		rep.Nonconformities[f.Nonconformity] = n.State
	}
	return rep, nil
}

func sortFindings(fs []*Finding) {
	slices.SortFunc(fs, func(a, b *Finding) int {
		if c := natsort.Compare(a.Ref, b.Ref); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
}

// Counts returns the number of findings of each type.
func (r *Report) Counts() map[FindingType]int {
	out := map[FindingType]int{}
	for _, f := range r.Findings {
		out[f.Type]++
	}
	return out
}

var findingTypes = []FindingType{FindingMajor, FindingMinor, FindingObservation, FindingOpportunity}

// WriteMarkdown renders the report as Markdown; the same report renders
// byte-identically.
func (r *Report) WriteMarkdown(w io.Writer) error {
	b := bufio.NewWriter(w)
	a := r.Audit
	fmt.Fprintf(b, "# Internal audit report: %s\n\n", mdtext.Escape(a.Title))
	fmt.Fprintf(b, "- Audit: %s (%s)\n", mdtext.Escape(a.ID), a.State)
	if a.Programme != "" {
		fmt.Fprintf(b, "- Programme: %s\n", mdtext.Escape(a.Programme))
	}
	fmt.Fprintf(b, "- Planned: %s; started: %s; completed: %s\n", date(a.Planned), date(a.Started), date(a.Completed))
	fmt.Fprintf(b, "- Lead auditor: %s; auditors: %s\n", mdtext.Escape(a.Lead), mdtext.Escape(strings.Join(a.Auditors, ", ")))
	areas := make([]string, len(a.Areas))
	for i, ar := range a.Areas {
		areas[i] = ar.ID
	}
	fmt.Fprintf(b, "- Scope: %s\n", mdtext.Escape(joinRefs(areas)))
	fmt.Fprintf(b, "- Criteria: %s\n\n", mdtext.Escape(joinRefs(a.Criteria)))
	c := r.Counts()
	b.WriteString("## Summary\n\n| Finding type | Count |\n|---|---|\n")
	for _, t := range findingTypes {
		fmt.Fprintf(b, "| %s | %d |\n", t, c[t])
	}
	if a.Conclusion != "" {
		fmt.Fprintf(b, "\nConclusion: %s\n", mdtext.Escape(a.Conclusion))
	}
	b.WriteString("\n## Findings\n\n")
	if len(r.Findings) == 0 {
		b.WriteString("No findings.\n")
	} else {
		b.WriteString("| Id | Ref | Type | Statement | Evidence | Auditor | Action |\n|---|---|---|---|---|---|---|\n")
		for _, f := range r.Findings {
			action := "-"
			if f.Nonconformity != "" {
				action = f.Nonconformity + " (" + r.Nonconformities[f.Nonconformity] + ")"
			}
			fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s | %s |\n", mdtext.Escape(f.ID), mdtext.Escape(f.Ref), f.Type, mdtext.Escape(f.Statement),
				mdtext.Escape(strings.Join(f.Evidence, "; ")), mdtext.Escape(f.Auditor), mdtext.Escape(action))
		}
	}
	b.WriteString("\n## Checklist\n\n| Ref | Title | Result | Evidence | Auditor |\n|---|---|---|---|---|\n")
	for _, it := range a.Checklist {
		res := string(it.Result)
		if res == "" {
			res = "not assessed"
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s |\n", mdtext.Escape(it.Ref), mdtext.Escape(it.Title), res, mdtext.Escape(strings.Join(it.Evidence, "; ")), mdtext.Escape(it.Auditor))
	}
	return b.Flush()
}

// WriteHTML renders the report as a standalone HTML page; every text from
// records is escaped.
func (r *Report) WriteHTML(w io.Writer) error {
	b := bufio.NewWriter(w)
	e := html.EscapeString
	a := r.Audit
	fmt.Fprintf(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>Internal audit report: %s</title></head>\n<body>\n", e(a.Title))
	fmt.Fprintf(b, "<h1>Internal audit report: %s</h1>\n<ul>\n", e(a.Title))
	fmt.Fprintf(b, "<li>Audit: %s (%s)</li>\n", e(a.ID), e(a.State))
	fmt.Fprintf(b, "<li>Planned: %s; started: %s; completed: %s</li>\n", date(a.Planned), date(a.Started), date(a.Completed))
	fmt.Fprintf(b, "<li>Lead auditor: %s; auditors: %s</li>\n", e(a.Lead), e(strings.Join(a.Auditors, ", ")))
	fmt.Fprintf(b, "<li>Criteria: %s</li>\n</ul>\n", e(joinRefs(a.Criteria)))
	c := r.Counts()
	b.WriteString("<h2>Summary</h2>\n<table>\n<tr><th>Finding type</th><th>Count</th></tr>\n")
	for _, t := range findingTypes {
		fmt.Fprintf(b, "<tr><td>%s</td><td>%d</td></tr>\n", t, c[t])
	}
	b.WriteString("</table>\n")
	if a.Conclusion != "" {
		fmt.Fprintf(b, "<p>Conclusion: %s</p>\n", e(a.Conclusion))
	}
	b.WriteString("<h2>Findings</h2>\n<table>\n<tr><th>Id</th><th>Ref</th><th>Type</th><th>Statement</th><th>Evidence</th><th>Auditor</th><th>Action</th></tr>\n")
	for _, f := range r.Findings {
		action := "-"
		if f.Nonconformity != "" {
			action = f.Nonconformity + " (" + r.Nonconformities[f.Nonconformity] + ")"
		}
		fmt.Fprintf(b, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n",
			e(f.ID), e(f.Ref), e(string(f.Type)), e(f.Statement), e(strings.Join(f.Evidence, "; ")), e(f.Auditor), e(action))
	}
	b.WriteString("</table>\n<h2>Checklist</h2>\n<table>\n<tr><th>Ref</th><th>Title</th><th>Result</th><th>Evidence</th><th>Auditor</th></tr>\n")
	for _, it := range a.Checklist {
		res := string(it.Result)
		if res == "" {
			res = "not assessed"
		}
		fmt.Fprintf(b, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n", e(it.Ref), e(it.Title), e(res), e(strings.Join(it.Evidence, "; ")), e(it.Auditor))
	}
	b.WriteString("</table>\n</body>\n</html>\n")
	return b.Flush()
}
