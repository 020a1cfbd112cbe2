package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/controls"
	"github.com/aimsgo/iso42001/impact"
)

// impactCommand is the `aimsctl impact` family: AI system impact
// assessments (6.1.4, 8.4, A.5) and the EU AI Act screening.
func impactCommand() *command {
	return &command{
		name:    "impact",
		summary: "AI system impact assessments (6.1.4, 8.4) and the EU AI Act screening",
		usage:   "new|answer|screen|harm|decide|link|approve|report|inventory|due",
		sub: []*command{
			{name: "questions", summary: "a questionnaire's question ids, types and choices", usage: "[--questionnaire ID]", run: runImpactQuestions},
			{name: "new", summary: "start a draft impact assessment of an AI system", usage: "--system ID", run: runImpactNew},
			{name: "answer", summary: "record the questionnaire answers of a draft from a YAML or JSON file", usage: "ID --file ANSWERS.yaml", run: runImpactAnswer},
			{name: "screen", summary: "screen an AI system against the EU AI Act (a screening aid, not legal advice)", usage: "--system ID --file ANSWERS.yaml [--format text|json]", run: runImpactScreen},
			{name: "harm", summary: "record (or replace) a harm or benefit of a draft, judged on severity, likelihood, scale, reversibility", usage: "ID --id I1 --title TEXT --dimension DIM --severity N --likelihood N --scale N --reversibility N [--source S...] [--mitigation TEXT --control ID...] [--benefit]", run: runImpactHarm},
			{name: "decide", summary: "record the decision of a draft assessment", usage: "ID --verdict proceed|proceed-with-conditions|do-not-proceed --rationale TEXT [--condition TEXT...]", run: runImpactDecide},
			{name: "link", summary: "open risks in the register for the harms above the risk threshold", usage: "ID", run: runImpactLink},
			{name: "approve", summary: "submit (if still a draft) and approve an assessment; the approver is not its author", usage: "ID [--as WHO]", run: runImpactApprove},
			{name: "report", summary: "write an assessment's report", usage: "ID [--format md|html|json]", run: runImpactReport},
			{name: "inventory", summary: "each AI system's current assessment and EU AI Act tier", usage: "[--format table|json]", run: impactInventory("inventory")},
			{name: "list", summary: "the same as inventory", usage: "[--format table|json]", run: impactInventory("list")},
			{name: "due", summary: "the AI systems whose impact assessment is due, and why", usage: "[--format text|json]", run: runImpactDue},
		},
	}
}

// impactOpen opens the workspace and its impact service; the caller closes
// the workspace.
// readAnswers reads and decodes an answers file. It reads at most one byte
// more than impact.MaxAnswersSize, so an oversized file is refused by
// DecodeAnswers without being loaded whole.
func readAnswers(path, cmd string) (impact.Answers, error) {
	if path == "" {
		return nil, usageError("%s: --file is required", cmd)
	}
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cmd, err)
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, impact.MaxAnswersSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cmd, err)
	}
	ans, err := impact.DecodeAnswers(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %w", cmd, path, err)
	}
	return ans, nil
}

func runImpactNew(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl impact new", "start a draft impact assessment of an AI system of the inventory; prints its id", "--system ID [--as WHO]")
	wf := addWorkspaceFlags(f)
	system := f.String("system", "", "AI system id (required)")
	if _, err := leaf(f, args, 0, 0); err != nil {
		return err
	}
	if *system == "" {
		return usageError("aimsctl impact new: --system is required")
	}
	ws, svc, err := openWith(ctx, a, wf, impactService)
	if err != nil {
		return err
	}
	defer ws.Close()
	as, err := svc.New(ctx, wf.who(a), *system)
	if err != nil {
		return err
	}
	fmt.Fprintln(a.stdout, as.ID)
	return nil
}

func runImpactAnswer(ctx context.Context, a *app, args []string) error {
	const cmd = "aimsctl impact answer"
	f := a.flags(cmd, "record the questionnaire answers of a draft assessment, replacing earlier ones", "ID --file ANSWERS.yaml [--as WHO]")
	wf := addWorkspaceFlags(f)
	file := f.String("file", "", "answers: a YAML or JSON map from question id to answer (required)")
	pos, err := leaf(f, args, 1, 1)
	if err != nil {
		return err
	}
	ans, err := readAnswers(*file, cmd)
	if err != nil {
		return err
	}
	ws, svc, err := openWith(ctx, a, wf, impactService)
	if err != nil {
		return err
	}
	defer ws.Close()
	as, err := svc.Answer(ctx, wf.who(a), pos[0], ans)
	if err != nil {
		if errors.Is(err, aims.ErrInvalid) && impact.IsScreeningAnswers(ans) {
			system := "SYSTEM"
			if got, gerr := svc.Get(ctx, pos[0]); gerr == nil {
				system = got.System
			}
			return fmt.Errorf("%s: %s answers the EU AI Act screening, not the assessment's questionnaire; record it with: aimsctl impact screen --system %s --file %s\n%w", cmd, *file, system, *file, err)
		}
		return err
	}
	fmt.Fprintf(a.stdout, "%s: %d answers recorded\n", as.ID, len(ans))
	if as.Result != nil {
		if as.Result.Outcome != "" {
			fmt.Fprintf(a.stdout, "outcome: %s\n", as.Result.Outcome)
		}
		if len(as.Result.Missing) > 0 {
			fmt.Fprintf(a.stdout, "still unanswered (required before submission): %s\n", strings.Join(as.Result.Missing, ", "))
		}
	}
	return nil
}

func runImpactScreen(ctx context.Context, a *app, args []string) error {
	const cmd = "aimsctl impact screen"
	f := a.flags(cmd, "screen an AI system against the EU AI Act: the tier, every reason with its article, the obligations for the declared roles (recorded on the system's draft assessment, if any)", "--system ID --file ANSWERS.yaml [--format text|json]")
	wf := addWorkspaceFlags(f)
	system := f.String("system", "", "AI system id (required)")
	file := f.String("file", "", "answers to the EU AI Act screening questionnaire, YAML or JSON (required)")
	format := f.String("format", "text", "text or json")
	if _, err := leaf(f, args, 0, 0); err != nil {
		return err
	}
	if *system == "" {
		return usageError("%s: --system is required", cmd)
	}
	if *format != "text" && *format != "json" {
		return usageError("%s: --format must be text or json, got %q", cmd, *format)
	}
	ans, err := readAnswers(*file, cmd)
	if err != nil {
		return err
	}
	ws, svc, err := openWith(ctx, a, wf, impactService)
	if err != nil {
		return err
	}
	defer ws.Close()
	sc, err := svc.Screen(ctx, wf.who(a), *system, ans)
	if err != nil {
		return err
	}
	if *format == "json" {
		return writeJSON(a.stdout, sc)
	}
	return writeScreening(a.stdout, *system, sc)
}

// writeScreening prints a screening for people: tier, reasons (decisive
// ones marked), obligations and the notice.
func writeScreening(w io.Writer, system string, sc *impact.Screening) error {
	p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	p("System %s: EU AI Act tier %s\n", system, sc.Tier)
	p("Screened with %s; declared roles: %s\n", sc.Questionnaire, dash(strings.Join(sc.Roles, ", ")))
	p("\nReasons:\n")
	if len(sc.Reasons) == 0 {
		p("  (none)\n")
	}
	for _, r := range sc.Reasons {
		mark := " "
		if r.Decisive {
			mark = "*"
		}
		p("  %s %s [%s]\n", mark, r.Text, dash(r.Reference))
	}
	p("  (* decisive)\n")
	p("\nObligations:\n")
	if len(sc.Obligations) == 0 {
		p("  (none)\n")
	}
	for _, d := range sc.Obligations {
		p("  - %s (%s, %s): %s\n", d.ID, dash(d.Role), dash(d.Reference), d.Text)
	}
	notice := sc.Notice
	if notice == "" {
		notice = "This screening is an aid, not legal advice."
	}
	p("\nNotice: %s\n", notice)
	return nil
}

func runImpactHarm(ctx context.Context, a *app, args []string) error {
	const cmd = "aimsctl impact harm"
	f := a.flags(cmd, "record a harm (or, with --benefit, a benefit) of a draft assessment; an impact with the same --id is replaced. The service scores it with the risk criteria",
		"ID --id I1 --title TEXT --dimension DIM --severity N --likelihood N --scale N --reversibility N [--source S...] [--mitigation TEXT --control ID...] [--benefit]")
	wf := addWorkspaceFlags(f)
	iid := f.String("id", "", "impact id within the assessment, e.g. I1 (required)")
	title := f.String("title", "", "the impact in one line (required)")
	desc := f.String("description", "", "what happens, to whom, how")
	dim := f.String("dimension", "", "fundamental-rights, fairness, privacy, safety-health, wellbeing, economic, environment, society-democracy or transparency-accountability")
	benefit := f.Bool("benefit", false, "record a benefit instead of a harm")
	var lv impact.Levels
	f.IntVar(&lv.Severity, "severity", 0, "severity, on the criteria's consequence scale")
	f.IntVar(&lv.Likelihood, "likelihood", 0, "likelihood, on the criteria's likelihood scale")
	f.IntVar(&lv.Scale, "scale", 0, "how many people, 1-5")
	f.IntVar(&lv.Reversibility, "reversibility", 0, "how hard to undo, 1-5")
	var sources, ctrls multiFlag
	f.Var(&sources, "source", "an Annex C risk source behind the harm (repeatable)")
	mitigation := f.String("mitigation", "", "a measure against the harm")
	f.Var(&ctrls, "control", "a catalog control the mitigation applies (repeatable)")
	pos, err := leaf(f, args, 1, 1)
	if err != nil {
		return err
	}
	if *iid == "" {
		return usageError("%s: --id is required", cmd)
	}
	if *mitigation == "" && len(ctrls) > 0 {
		return usageError("%s: --control needs --mitigation", cmd)
	}
	im := impact.Impact{ID: *iid, Title: *title, Description: *desc, Effect: impact.Harm, Dimension: impact.Dimension(*dim), Levels: lv}
	if *benefit {
		im.Effect = impact.Benefit
	}
	for _, src := range sources {
		im.Sources = append(im.Sources, controls.RiskSource(src))
	}
	if *mitigation != "" {
		im.Mitigations = []impact.Mitigation{{Description: *mitigation, Controls: ctrls}}
	}
	ws, svc, err := openWith(ctx, a, wf, impactService)
	if err != nil {
		return err
	}
	defer ws.Close()
	as, err := svc.Get(ctx, pos[0])
	if err != nil {
		return err
	}
	replaced := false
	for i := range as.Impacts {
		if as.Impacts[i].ID == im.ID {
			as.Impacts[i], replaced = im, true
		}
	}
	if !replaced {
		as.Impacts = append(as.Impacts, im)
	}
	as, err = svc.Update(ctx, wf.who(a), as)
	if err != nil {
		return err
	}
	for i := range as.Impacts {
		got := &as.Impacts[i]
		if got.ID != im.ID {
			continue
		}
		fmt.Fprintf(a.stdout, "%s: %s %s recorded", as.ID, got.Effect, got.ID)
		if got.Score != nil {
			fmt.Fprintf(a.stdout, ", band %s", got.Score.Band)
			if svc.AboveThreshold(got) {
				fmt.Fprintf(a.stdout, " (at or above the risk threshold: run 'aimsctl impact link %s')", as.ID)
			}
		}
		fmt.Fprintln(a.stdout)
	}
	return nil
}

func runImpactDecide(ctx context.Context, a *app, args []string) error {
	const cmd = "aimsctl impact decide"
	f := a.flags(cmd, "record the decision a draft assessment reaches (submission needs one)", "ID --verdict proceed|proceed-with-conditions|do-not-proceed --rationale TEXT [--condition TEXT...]")
	wf := addWorkspaceFlags(f)
	verdict := f.String("verdict", "", "proceed, proceed-with-conditions or do-not-proceed (required)")
	rationale := f.String("rationale", "", "why, in plain language")
	var conds multiFlag
	f.Var(&conds, "condition", "a condition of proceed-with-conditions (repeatable)")
	pos, err := leaf(f, args, 1, 1)
	if err != nil {
		return err
	}
	ws, svc, err := openWith(ctx, a, wf, impactService)
	if err != nil {
		return err
	}
	defer ws.Close()
	as, err := svc.Get(ctx, pos[0])
	if err != nil {
		return err
	}
	as.Decision = &impact.Decision{Verdict: impact.Verdict(*verdict), Rationale: *rationale, Conditions: conds}
	if _, err := svc.Update(ctx, wf.who(a), as); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "%s: decision %s\n", as.ID, *verdict)
	return nil
}

func runImpactLink(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl impact link", "open a risk in the register for every harm at or above the risk threshold (approval waits for it); running it again is harmless", "ID [--as WHO]")
	wf := addWorkspaceFlags(f)
	pos, err := leaf(f, args, 1, 1)
	if err != nil {
		return err
	}
	ws, svc, err := openWith(ctx, a, wf, impactService)
	if err != nil {
		return err
	}
	defer ws.Close()
	links, err := svc.Link(ctx, wf.who(a), pos[0])
	if err != nil {
		return err
	}
	if len(links) == 0 {
		fmt.Fprintf(a.stdout, "%s: no harm at or above the risk threshold (band level %d)\n", pos[0], svc.Threshold())
		return nil
	}
	for _, l := range links {
		what := "already linked to"
		if l.Created {
			what = "opened"
		}
		fmt.Fprintf(a.stdout, "%s: harm %s (%s) %s risk %s\n", pos[0], l.Impact, l.Band, what, l.Risk)
	}
	return nil
}

func runImpactApprove(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl impact approve", "submit the assessment if it is still a draft, then approve it; the approver holds a reviewer role and is not its author", "ID [--as WHO]")
	wf := addWorkspaceFlags(f)
	pos, err := leaf(f, args, 1, 1)
	if err != nil {
		return err
	}
	ws, svc, err := openWith(ctx, a, wf, impactService)
	if err != nil {
		return err
	}
	defer ws.Close()
	who := wf.who(a)
	as, err := svc.Get(ctx, pos[0])
	if err != nil {
		return err
	}
	if impact.State(as.State) == impact.StateDraft {
		if as, err = svc.Submit(ctx, who, as.ID); err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "%s submitted for review\n", as.ID)
	}
	as, err = svc.Approve(ctx, who, as.ID)
	if err != nil {
		if errors.Is(err, aims.ErrForbidden) {
			return fmt.Errorf("%w (the assessment stays %s: another reviewer must approve it)", err, impact.StateInReview)
		}
		return err
	}
	fmt.Fprintf(a.stdout, "%s approved by %s; next review %s\n", as.ID, who, as.NextReview.UTC().Format("2006-01-02"))
	if as.Supersedes != "" {
		fmt.Fprintf(a.stdout, "%s superseded\n", as.Supersedes)
	}
	return nil
}

func runImpactReport(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl impact report", "write an assessment's report: Markdown, self-contained HTML, or JSON for tools", "ID [--format md|html|json]")
	wf := addWorkspaceFlags(f)
	format := f.String("format", "md", "md, html or json")
	pos, err := leaf(f, args, 1, 1)
	if err != nil {
		return err
	}
	fm := impact.Format(*format)
	if !fm.Valid() {
		return usageError("aimsctl impact report: --format must be md, html or json, got %q", *format)
	}
	ws, svc, err := openWith(ctx, a, wf, impactService)
	if err != nil {
		return err
	}
	defer ws.Close()
	return svc.Report(ctx, pos[0], fm, a.stdout)
}

// impactInventory returns the run function of `impact inventory` under
// name (it is also `impact list`).
func impactInventory(name string) func(ctx context.Context, a *app, args []string) error {
	return func(ctx context.Context, a *app, args []string) error {
		return runImpactInventory(ctx, a, "aimsctl impact "+name, args)
	}
}

func runImpactInventory(ctx context.Context, a *app, path string, args []string) error {
	f := a.flags(path, "list every AI system with its current (approved) impact assessment, EU AI Act tier and any assessment in progress", "[--format table|json]")
	wf := addWorkspaceFlags(f)
	format := f.String("format", "table", "table or json")
	if _, err := leaf(f, args, 0, 0); err != nil {
		return err
	}
	if *format != "table" && *format != "json" {
		return usageError("%s: --format must be table or json, got %q", path, *format)
	}
	ws, svc, err := openWith(ctx, a, wf, impactService)
	if err != nil {
		return err
	}
	defer ws.Close()
	items, err := svc.Inventory(ctx)
	if err != nil {
		return err
	}
	if *format == "json" {
		return writeJSON(a.stdout, items)
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SYSTEM\tNAME\tCURRENT\tTIER\tOUTCOME\tNEXT REVIEW\tPENDING")
	for _, it := range items {
		next := ""
		if !it.NextReview.IsZero() {
			next = it.NextReview.UTC().Format("2006-01-02")
		}
		pending := ""
		if it.Pending != "" {
			pending = it.Pending + " (" + string(it.PendingState) + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", it.System, oneLine(it.Name), dash(it.Current), dash(string(it.Tier)), dash(it.Outcome), dash(next), dash(pending))
	}
	return tw.Flush()
}

func runImpactDue(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl impact due", "list the AI systems whose impact assessment is due, and why (no assessment, a changed model, data, purpose or context, an incident, the review period)", "[--format text|json]")
	wf := addWorkspaceFlags(f)
	format := f.String("format", "text", "text or json")
	if _, err := leaf(f, args, 0, 0); err != nil {
		return err
	}
	if *format != "text" && *format != "json" {
		return usageError("aimsctl impact due: --format must be text or json, got %q", *format)
	}
	ws, svc, err := openWith(ctx, a, wf, impactService)
	if err != nil {
		return err
	}
	defer ws.Close()
	items, err := svc.Due(ctx, ws.Now())
	if err != nil {
		return err
	}
	if *format == "json" {
		if items == nil {
			items = []impact.DueItem{}
		}
		return writeJSON(a.stdout, items)
	}
	if len(items) == 0 {
		fmt.Fprintln(a.stdout, "no impact assessment is due")
		return nil
	}
	for _, it := range items {
		fmt.Fprintf(a.stdout, "%s (%s)", it.System, it.Name)
		if it.Assessment != "" {
			fmt.Fprintf(a.stdout, ", current assessment %s", it.Assessment)
		}
		fmt.Fprintln(a.stdout, ":")
		for _, r := range it.Reasons {
			fmt.Fprintf(a.stdout, "  - %s: %s\n", r.Trigger, r.Detail)
		}
	}
	return nil
}
