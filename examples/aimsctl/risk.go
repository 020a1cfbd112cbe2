package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/controls"
	"github.com/aimsgo/iso42001/risk"
)

func riskCommand() *command {
	return &command{
		name:    "risk",
		summary: "the AI risk register (6.1.2, 6.1.3, 8.2, 8.3)",
		usage:   "add|list|assess|treat|accept|report|edit|action done",
		sub: []*command{
			{name: "add", summary: "add a risk to the register", usage: "--id ID --title TEXT --owner WHO [--system ID] [--source S] [--objective O] [--cause TEXT] [--consequence TEXT]", run: runRiskAdd},
			{name: "list", summary: "list the register", usage: "[--owner WHO] [--state STATE] [--band BAND]", run: runRiskList},
			{name: "assess", summary: "rate a risk (inherent, or --residual) and move it on as far as its workflow allows", usage: "ID --likelihood N --consequence N [--residual] [--factor NAME=V] [--note TEXT]", run: runRiskAssess},
			{name: "treat", summary: "record the treatment plan: options, controls, actions", usage: "ID --option OPTION --control ID [--reject ID=REASON] [--action TITLE;OWNER;YYYY-MM-DD]", run: runRiskTreat},
			{name: "accept", summary: "accept the risk (its owner, or who the criteria authorise for its band)", usage: "ID --basis TEXT [--next-review YYYY-MM-DD]", run: runRiskAccept},
			{name: "report", summary: "the register as md, csv, json or OSCAL, and a heatmap", usage: "--format md|csv|json|oscal [--heatmap FILE.svg] [--poam FILE.json]", run: runRiskReport},
			{name: "edit", summary: "change a risk's title, description, owner, causes or consequences", usage: "ID [--title T] [--description D] [--owner WHO] [--cause C]... [--consequence C]...", run: runRiskEdit},
			{name: "action", summary: "treatment actions: mark one done", usage: "done RISK ACTION", sub: []*command{
				{name: "done", summary: "mark a treatment action done", usage: "RISK ACTION", run: runRiskActionDone},
			}},
		},
	}
}

func runRiskAdd(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl risk add", "add a risk to the register, in state identified", "--id ID --title TEXT --owner WHO [--system ID]... [--source S]... [--objective O]... [--cause TEXT]... [--consequence TEXT]...")
	wf := addWorkspaceFlags(f)
	id := f.String("id", "", "risk id (default: generated)")
	title := f.String("title", "", "the risk in one line (required)")
	owner := f.String("owner", "", "the risk owner (required)")
	desc := f.String("description", "", "what could happen and to whom")
	var systems, sources, objectives, causes, conseqs multiFlag
	f.Var(&systems, "system", "an affected AI system id (repeatable)")
	f.Var(&sources, "source", "an Annex C.3 risk source, e.g. machine-learning (repeatable)")
	f.Var(&objectives, "objective", "an Annex C.2 objective threatened, e.g. fairness (repeatable)")
	f.Var(&causes, "cause", "a cause (repeatable)")
	f.Var(&conseqs, "consequence", "a consequence (repeatable)")
	if _, err := leaf(f, args, 0, 0); err != nil {
		return err
	}
	rk := &risk.Risk{Meta: aims.Meta{ID: *id}, Title: *title, Owner: *owner, Description: *desc,
		Systems: systems, Causes: causes, Consequences: conseqs}
	for _, s := range sources {
		rk.Sources = append(rk.Sources, controls.RiskSource(s))
	}
	for _, o := range objectives {
		rk.Objectives = append(rk.Objectives, controls.AIObjective(o))
	}
	ws, reg, err := openWith(ctx, a, wf, riskRegister)
	if err != nil {
		return err
	}
	defer ws.Close()
	if err := reg.Add(ctx, wf.who(a), rk); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "added risk %s (%s), owner %s\n", rk.ID, rk.Title, rk.Owner)
	return nil
}

func band(r *risk.Rating) string {
	if r == nil {
		return "-"
	}
	return r.Score.Band
}

func runRiskList(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl risk list", "list the risk register in natural id order", "[--owner WHO] [--state STATE] [--band BAND] [--system ID]")
	wf := addWorkspaceFlags(f)
	owner := f.String("owner", "", "only this owner's risks")
	state := f.String("state", "", "only risks in this state")
	bandF := f.String("band", "", "only risks whose current band is this")
	system := f.String("system", "", "only risks affecting this AI system")
	if _, err := leaf(f, args, 0, 0); err != nil {
		return err
	}
	ws, reg, err := openWith(ctx, a, wf, riskRegister)
	if err != nil {
		return err
	}
	defer ws.Close()
	tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tTITLE\tOWNER\tSTATE\tINHERENT\tRESIDUAL")
	for rk, err := range reg.List(ctx, risk.Filter{Owner: *owner, State: risk.State(*state), Band: *bandF, System: *system}) {
		if err != nil {
			return err
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", rk.ID, oneLine(rk.Title), oneLine(rk.Owner), rk.State, band(rk.Inherent), band(rk.Residual))
	}
	return tw.Flush()
}

func runRiskAssess(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl risk assess", "rate a risk with the workspace's scorer and move it on as far as its workflow allows", "ID --likelihood N --consequence N [--residual] [--factor NAME=V]... [--note TEXT]")
	wf := addWorkspaceFlags(f)
	l := f.Int("likelihood", 0, "likelihood level on the criteria's scale")
	c := f.Int("consequence", 0, "consequence level on the criteria's scale")
	residual := f.Bool("residual", false, "rate the residual risk (after treatment) instead of the inherent one")
	note := f.String("note", "", "the assessor's reasoning")
	var factors multiFlag
	f.Var(&factors, "factor", "a factor level for a weighted scorer, NAME=VALUE (repeatable)")
	pos, err := leaf(f, args, 1, 1)
	if err != nil {
		return err
	}
	as := risk.Assessment{Likelihood: *l, Consequence: *c}
	for _, kv := range factors {
		name, val, ok := strings.Cut(kv, "=")
		v, perr := strconv.ParseFloat(val, 64)
		if !ok || perr != nil {
			return usageError("aimsctl risk assess: --factor must be NAME=NUMBER, got %q", kv)
		}
		if as.Factors == nil {
			as.Factors = map[string]float64{}
		}
		as.Factors[name] = v
	}
	stage := risk.StageInherent
	if *residual {
		stage = risk.StageResidual
	}
	ws, reg, err := openWith(ctx, a, wf, riskRegister)
	if err != nil {
		return err
	}
	defer ws.Close()
	actor := wf.who(a)
	rk, err := reg.Assess(ctx, actor, pos[0], stage, as, *note)
	if err != nil {
		return err
	}
	rating := rk.Inherent
	if *residual {
		rating = rk.Residual
	}
	fmt.Fprintf(a.stdout, "%s %s: %s\n", rk.ID, stage, rating.Score.Explain())
	// Move on through analysis and evaluation when the workflow allows it.
	for _, ev := range []risk.Event{risk.EventAnalyse, risk.EventEvaluate, risk.EventCompleteTreatment} {
		evs, err := reg.Actions(ctx, actor, rk.ID)
		if err != nil || !containsEvent(evs, ev) {
			continue
		}
		if rk, err = reg.Fire(ctx, actor, rk.ID, ev, nil); err != nil {
			return err
		}
	}
	fmt.Fprintf(a.stdout, "%s is now %s", rk.ID, rk.State)
	if cur, _ := rk.Current(); cur != nil {
		if reg.Criteria().WithinAppetite(cur.Score.Level()) {
			fmt.Fprint(a.stdout, "; within appetite")
		} else {
			fmt.Fprint(a.stdout, "; above appetite: treat it or have it accepted")
		}
	}
	fmt.Fprintln(a.stdout)
	return nil
}

func containsEvent(evs []risk.Event, ev risk.Event) bool {
	for _, e := range evs {
		if e == ev {
			return true
		}
	}
	return false
}

func runRiskTreat(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl risk treat", "record a risk's treatment plan: options, controls chosen (Annex A or own), rejected controls, actions", "ID --option OPTION... --control ID... [--reject ID=REASON]... [--action TITLE;OWNER;YYYY-MM-DD]... [--rationale TEXT]")
	wf := addWorkspaceFlags(f)
	var options, ctrls, rejects, actions multiFlag
	f.Var(&options, "option", "avoid, remove-source, change-likelihood, change-consequence, share or retain (repeatable)")
	f.Var(&ctrls, "control", "a control chosen, e.g. A.7.4 (repeatable)")
	f.Var(&rejects, "reject", "a control considered and rejected, ID=REASON (repeatable)")
	f.Var(&actions, "action", "an action, TITLE;OWNER;YYYY-MM-DD (repeatable)")
	rationale := f.String("rationale", "", "why these options")
	pos, err := leaf(f, args, 1, 1)
	if err != nil {
		return err
	}
	t := risk.Treatment{Rationale: *rationale}
	for _, o := range options {
		t.Options = append(t.Options, risk.Option(o))
	}
	for _, c := range ctrls {
		t.Controls = append(t.Controls, risk.ControlChoice{ID: c})
	}
	for _, r := range rejects {
		id, reason, ok := strings.Cut(r, "=")
		if !ok {
			return usageError("aimsctl risk treat: --reject must be ID=REASON, got %q", r)
		}
		t.Rejected = append(t.Rejected, risk.Rejection{ID: id, Reason: reason})
	}
	for i, s := range actions {
		parts := strings.Split(s, ";")
		if len(parts) != 3 {
			return usageError("aimsctl risk treat: --action must be TITLE;OWNER;YYYY-MM-DD, got %q", s)
		}
		due, err := time.Parse(time.DateOnly, strings.TrimSpace(parts[2]))
		if err != nil {
			return usageError("aimsctl risk treat: --action %q: due date must be YYYY-MM-DD", s)
		}
		t.Actions = append(t.Actions, risk.Action{ID: fmt.Sprintf("act-%d", i+1), Title: strings.TrimSpace(parts[0]), Owner: strings.TrimSpace(parts[1]), Due: due})
	}
	ws, reg, err := openWith(ctx, a, wf, riskRegister)
	if err != nil {
		return err
	}
	defer ws.Close()
	rk, err := reg.Treat(ctx, wf.who(a), pos[0], t)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "%s: treatment planned (%s)\n", rk.ID, rk.State)
	if missing := reg.Unconsidered(rk); len(missing) > 0 {
		fmt.Fprintf(a.stdout, "Annex A controls relevant to its sources and objectives not yet considered (6.1.3 c): %s\n", strings.Join(missing, ", "))
	}
	return nil
}

func runRiskAccept(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl risk accept", "accept a risk: its owner, or who the criteria authorise for its band", "ID --basis TEXT [--next-review YYYY-MM-DD]")
	wf := addWorkspaceFlags(f)
	basis := f.String("basis", "", "on what basis the risk is accepted (required)")
	next := f.String("next-review", "", "next review date (default: one year from now)")
	pos, err := leaf(f, args, 1, 1)
	if err != nil {
		return err
	}
	ws, reg, err := openWith(ctx, a, wf, riskRegister)
	if err != nil {
		return err
	}
	defer ws.Close()
	review := ws.Now().AddDate(1, 0, 0)
	if *next != "" {
		if review, err = time.Parse(time.DateOnly, *next); err != nil {
			return usageError("aimsctl risk accept: --next-review must be YYYY-MM-DD, got %q", *next)
		}
	}
	rk, err := reg.Accept(ctx, wf.who(a), pos[0], *basis, review)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "%s accepted by %s; next review %s\n", rk.ID, wf.who(a), rk.NextReview.Format(time.DateOnly))
	return nil
}

func runRiskReport(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl risk report", "write the risk register; oscal writes assessment-results (valid against NIST's schema)", "--format md|csv|json|oscal [--heatmap FILE.svg] [--poam FILE.json]")
	wf := addWorkspaceFlags(f)
	format := f.String("format", "md", "md, csv, json or oscal")
	heatmap := f.String("heatmap", "", "also write the inherent and residual heatmap as SVG to this file")
	poam := f.String("poam", "", "also write open treatments as an OSCAL plan of action and milestones to this file")
	if _, err := leaf(f, args, 0, 0); err != nil {
		return err
	}
	switch *format {
	case "md", "csv", "json", "oscal":
	default:
		return usageError("aimsctl risk report: --format must be md, csv, json or oscal, got %q", *format)
	}
	ws, reg, err := openWith(ctx, a, wf, riskRegister)
	if err != nil {
		return err
	}
	defer ws.Close()
	rep, err := reg.Report(ctx)
	if err != nil {
		return err
	}
	if *heatmap != "" {
		if err := writeFile(*heatmap, rep.WriteHeatmapSVG); err != nil {
			return err
		}
	}
	if *poam != "" {
		if err := writeFile(*poam, rep.WritePOAM); err != nil {
			return err
		}
	}
	switch *format {
	case "csv":
		return rep.WriteCSV(a.stdout)
	case "json":
		return rep.WriteJSON(a.stdout)
	case "oscal":
		return rep.WriteAssessmentResults(a.stdout)
	}
	if err := rep.WriteMarkdown(a.stdout); err != nil {
		return err
	}
	fmt.Fprintln(a.stdout)
	return rep.WriteHeatmapMarkdown(a.stdout)
}

// writeFile writes a report to path, leaving no partial file on failure.
func writeFile(path string, write func(io.Writer) error) error {
	tmp := path + ".tmp"
	fh, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if err := write(fh); err != nil {
		fh.Close()
		os.Remove(tmp)
		return err
	}
	if err := fh.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}
