package controls

import (
	"bufio"
	"fmt"
	"github.com/aimsgo/iso42001/internal/mdtext"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/aimsgo/iso42001/internal/csvsafe"
)

// WriteTable writes c as a plain text table aligned with spaces: one row
// per clause (with its PDCA phase), then one per control (with its
// objective). The layout is for people and may change between releases.
func WriteTable(w io.Writer, c *Catalog) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tTITLE\tOBJECTIVE/PHASE")
	for cl := range c.Clauses() {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", cl.ID, cl.Title, cl.Phase)
	}
	for ct := range c.Controls() {
		obj := ct.Objective
		if obj == "" {
			obj = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", ct.ID, ct.Title, obj)
	}
	return tw.Flush()
}

// WriteMarkdown writes c as a Markdown document: the clauses by PDCA phase,
// then Annex A controls grouped by objective, then own controls, then the
// Annex C entries. The layout is for people and may change.
func WriteMarkdown(w io.Writer, c *Catalog) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# %s\n\n", mdtext.Escape(c.Title()))
	fmt.Fprintf(bw, "## Clauses\n\n| Clause | Title | Phase | Documented information |\n|---|---|---|---|\n")
	for cl := range c.Clauses() {
		fmt.Fprintf(bw, "| %s | %s | %s | %s |\n", cl.ID, mdtext.Escape(cl.Title), cl.Phase, mdtext.Escape(strings.Join(cl.DocumentedInformation, "; ")))
	}
	fmt.Fprintf(bw, "\n## Annex A controls\n")
	for ob := range c.Objectives() {
		if ob.Parent != "" {
			fmt.Fprintf(bw, "\n#### %s %s\n\n", ob.ID, mdtext.Escape(ob.Title))
		} else {
			fmt.Fprintf(bw, "\n### %s %s\n\n", ob.ID, mdtext.Escape(ob.Title))
		}
		fmt.Fprintf(bw, "%s\n", mdtext.Escape(ob.Summary))
		first := true
		for ct := range c.ControlsIn(ob.ID) {
			if ct.Objective != ob.ID {
				continue
			}
			if first {
				fmt.Fprintf(bw, "\n| Control | Title | Summary |\n|---|---|---|\n")
				first = false
			}
			fmt.Fprintf(bw, "| %s | %s | %s |\n", ct.ID, mdtext.Escape(ct.Title), mdtext.Escape(ct.Summary))
		}
	}
	first := true
	for ct := range c.Controls() {
		if ct.Origin != OriginOrganization {
			continue
		}
		if first {
			fmt.Fprintf(bw, "\n## Organization controls\n\n| Control | Title | Summary |\n|---|---|---|\n")
			first = false
		}
		fmt.Fprintf(bw, "| %s | %s | %s |\n", ct.ID, mdtext.Escape(ct.Title), mdtext.Escape(ct.Summary))
	}
	fmt.Fprintf(bw, "\n## Annex C\n\n| Entry | Title | Relevant controls |\n|---|---|---|\n")
	for o := range c.AIObjectives() {
		fmt.Fprintf(bw, "| %s | %s | %s |\n", o.Label, mdtext.Escape(o.Title), strings.Join(o.Controls, ", "))
	}
	for s := range c.RiskSources() {
		fmt.Fprintf(bw, "| %s | %s | %s |\n", s.Label, mdtext.Escape(s.Title), strings.Join(s.Controls, ", "))
	}
	return bw.Flush()
}

// WriteCSV writes one row per clause and control with a header row:
// kind, id, title, objective, phase, origin, summary, guidance, related.
// Cells are made spreadsheet-safe with csvsafe; lists are joined with "; ".
func WriteCSV(w io.Writer, c *Catalog) error {
	cw := csvsafe.NewWriter(w)
	if err := cw.Write("kind", "id", "title", "objective", "phase", "origin", "summary", "guidance", "related"); err != nil {
		return err
	}
	for cl := range c.Clauses() {
		if err := cw.Write("clause", cl.ID, cl.Title, "", string(cl.Phase), "", cl.Summary,
			csvsafe.Join(cl.DocumentedInformation), ""); err != nil {
			return err
		}
	}
	for ct := range c.Controls() {
		related := append(append([]string{}, ct.RelatedClauses...), ct.RelatedControls...)
		if err := cw.Write("control", ct.ID, ct.Title, ct.Objective, "", string(ct.Origin), ct.Summary,
			csvsafe.Join(ct.Guidance), csvsafe.Join(related)); err != nil {
			return err
		}
	}
	return cw.Flush()
}
