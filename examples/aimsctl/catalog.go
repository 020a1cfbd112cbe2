package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/aimsgo/iso42001"
	"github.com/aimsgo/iso42001/aims/memstore"
	"github.com/aimsgo/iso42001/controls"
	"github.com/aimsgo/iso42001/internal/csvsafe"
	"github.com/aimsgo/iso42001/internal/natsort"
)

func catalogCommand() *command {
	c := &command{
		name:    "catalog",
		summary: "print the ISO/IEC 42001 catalog, one control, or a crosswalk",
		usage:   "[--format table|md|csv|json|oscal] | show ID | map --to FRAMEWORK [--format table|csv|json|oscal] | trace [ID]",
		run:     runCatalog,
	}
	c.sub = []*command{
		{name: "show", summary: "show one control or clause with its objective, summary and mappings", usage: "ID", run: runCatalogShow},
		{name: "map", summary: "print a crosswalk to nist-ai-rmf, eu-ai-act or iso27001", usage: "--to FRAMEWORK [--format table|csv|json|oscal]", run: runCatalogMap},
		{name: "trace", summary: "what in the SDK supports each clause and control: record kinds, checks, workflows", usage: "[ID] [--format table|json]", run: runCatalogTrace},
	}
	return c
}

func runCatalog(_ context.Context, a *app, args []string) error {
	f := a.flags("aimsctl catalog", "print the ISO/IEC 42001 catalog (clauses 4-10 and Annex A)",
		"[--format table|md|csv|json|oscal]\n  aimsctl catalog show ID\n  aimsctl catalog map --to nist-ai-rmf|eu-ai-act|iso27001\n  aimsctl catalog trace [ID]")
	format := f.String("format", "table", "output format: table, md, csv, json or oscal")
	if _, err := leaf(f, args, 0, 0); err != nil {
		return err
	}
	cat := controls.ISO42001()
	switch *format {
	case "table":
		return controls.WriteTable(a.stdout, cat)
	case "md", "markdown":
		return controls.WriteMarkdown(a.stdout, cat)
	case "csv":
		return controls.WriteCSV(a.stdout, cat)
	case "json":
		return controls.Encode(a.stdout, cat)
	case "oscal":
		return controls.ExportOSCAL(a.stdout, cat, nil)
	}
	return usageError("aimsctl catalog: --format must be table, md, csv, json or oscal, got %q", *format)
}

func runCatalogTrace(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl catalog trace", "print what in the SDK supports each clause leaf and Annex A control: the record kinds that hold its evidence, the checks that test it, the workflows that govern it",
		"[ID] [--format table|json]")
	format := f.String("format", "table", "table or json")
	pos, err := leaf(f, args, 0, 1)
	if err != nil {
		return err
	}
	if *format != "table" && *format != "json" {
		return usageError("aimsctl catalog trace: --format must be table or json, got %q", *format)
	}
	// The table does not depend on a workspace's records: an in-memory
	// AIMS gives it.
	sys, err := iso42001.Open(ctx, memstore.New(), "trace", nil)
	if err != nil {
		return err
	}
	rows := sys.Trace()
	if len(pos) == 1 {
		s, err := sys.TraceOf(strings.TrimSpace(pos[0]))
		if err != nil {
			return usageError("aimsctl catalog trace: no clause leaf or control %q (headings such as 9.2 have none; try 9.2.1)", pos[0])
		}
		rows = []iso42001.Support{s}
	}
	if *format == "json" {
		return writeJSON(a.stdout, rows)
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "REF\tTITLE\tRECORDS\tCHECKS\tWORKFLOWS")
	for _, s := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", s.Ref, s.Title, strings.Join(s.Records, ", "), dash(strings.Join(s.Checks, ", ")), dash(strings.Join(s.Workflows, ", ")))
	}
	return tw.Flush()
}

func runCatalogShow(_ context.Context, a *app, args []string) error {
	f := a.flags("aimsctl catalog show", "show one Annex A control or clause with its objective, summary and mappings", "ID")
	pos, err := leaf(f, args, 1, 1)
	if err != nil {
		return err
	}
	cat := controls.ISO42001()
	id := strings.TrimSpace(pos[0])
	w := a.stdout
	if ctl, err := cat.Control(id); err == nil {
		fmt.Fprintf(w, "%s  %s\n", ctl.ID, ctl.Title)
		if ctl.Objective != "" {
			if obj, err := cat.Objective(ctl.Objective); err == nil {
				fmt.Fprintf(w, "Objective:  %s %s\n", obj.ID, obj.Title)
			}
		}
		fmt.Fprintf(w, "Origin:     %s\n", ctl.Origin)
		fmt.Fprintf(w, "\n%s\n", ctl.Summary)
		writeList(w, "Guidance topics (Annex B)", ctl.Guidance)
		writeList(w, "Related clauses", ctl.RelatedClauses)
		writeList(w, "Related controls", ctl.RelatedControls)
		return writeMappings(w, cat, ctl.ID)
	}
	cl, err := cat.Clause(id)
	if err != nil {
		return fmt.Errorf("no control or clause %q in the ISO/IEC 42001 catalog", id)
	}
	fmt.Fprintf(w, "%s  %s\n", cl.ID, cl.Title)
	fmt.Fprintf(w, "Phase:      %s\n", cl.Phase)
	fmt.Fprintf(w, "\n%s\n", cl.Summary)
	writeList(w, "Documented information required", cl.DocumentedInformation)
	return writeMappings(w, cat, cl.ID)
}

func writeList(w io.Writer, title string, items []string) {
	if len(items) == 0 {
		return
	}
	fmt.Fprintf(w, "\n%s:\n", title)
	for _, it := range items {
		fmt.Fprintf(w, "  - %s\n", it)
	}
}

func writeMappings(w io.Writer, cat *controls.Catalog, id string) error {
	var ms []controls.Mapping
	for m := range cat.MappingsFrom(id) {
		ms = append(ms, m)
	}
	if len(ms) == 0 {
		return nil
	}
	fmt.Fprintln(w, "\nMappings:")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, m := range ms {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", m.Framework, m.Ref, m.Strength, m.Basis)
	}
	return tw.Flush()
}

func runCatalogMap(_ context.Context, a *app, args []string) error {
	f := a.flags("aimsctl catalog map", "print the crosswalk from ISO/IEC 42001 to another framework; each pair's basis cites its source or says \"derived:\" and why",
		"--to nist-ai-rmf|eu-ai-act|iso27001 [--format table|csv|json|oscal]")
	to := f.String("to", "", "framework: nist-ai-rmf, eu-ai-act or iso27001 (required)")
	format := f.String("format", "table", "output format: table, csv, json or oscal")
	if _, err := leaf(f, args, 0, 0); err != nil {
		return err
	}
	fw := controls.Framework(*to)
	if !fw.Valid() {
		var names []string
		for _, x := range controls.Frameworks() {
			names = append(names, string(x))
		}
		return usageError("aimsctl catalog map: --to must be one of %s, got %q", strings.Join(names, ", "), *to)
	}
	cat := controls.ISO42001()
	if *format == "oscal" {
		return controls.ExportOSCALMapping(a.stdout, cat, fw, nil)
	}
	var ms []controls.Mapping
	for m := range cat.Mappings(fw) {
		ms = append(ms, m)
	}
	slices.SortStableFunc(ms, func(x, y controls.Mapping) int {
		if c := natsort.Compare(x.From, y.From); c != 0 {
			return c
		}
		return natsort.Compare(x.Ref, y.Ref)
	})
	switch *format {
	case "table":
		tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "ISO/IEC 42001\t"+string(fw)+"\tSTRENGTH\tBASIS")
		for _, m := range ms {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", m.From, m.Ref, m.Strength, m.Basis)
		}
		return tw.Flush()
	case "csv":
		w := csvsafe.NewWriter(a.stdout)
		if err := w.Write("iso42001", string(fw), "strength", "basis"); err != nil {
			return err
		}
		for _, m := range ms {
			if err := w.Write(m.From, m.Ref, string(m.Strength), m.Basis); err != nil {
				return err
			}
		}
		return w.Flush()
	case "json":
		if ms == nil {
			ms = []controls.Mapping{}
		}
		return writeJSON(a.stdout, ms)
	}
	return usageError("aimsctl catalog map: --format must be table, csv, json or oscal, got %q", *format)
}
