package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/soa"
)

func soaCommand() *command {
	return &command{
		name:    "soa",
		summary: "the Statement of Applicability (6.1.3 d, e)",
		usage:   "[--format md|html|csv|json|oscal] [--version N] | decide | obligation | draft | approve | diff",
		run:     runSoA,
		sub: []*command{
			{name: "decide", summary: "include or exclude a control, with the reason", usage: "CONTROL --exclude|--include --reason TEXT", run: runSoADecide},
			{name: "obligation", summary: "record a legal, regulatory, contractual or interested-party obligation that requires controls", usage: "--id ID --title TEXT --type TYPE --reference REF --control ID...", run: runSoAObligation},
			{name: "draft", summary: "generate the SoA from the workspace and save it as the open draft, submitted for review", usage: "[--as WHO]", run: runSoADraft},
			{name: "approve", summary: "approve the version in review (the approver is not its author)", usage: "[--version N] [--as WHO]", run: runSoAApprove},
			{name: "diff", summary: "what changed between two versions", usage: "V1 V2 [--format text|md]", run: runSoADiff},
		},
	}
}

func runSoA(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl soa", "write the workspace's Statement of Applicability: the approved version, a stored version, or with --draft the one the current records give (its header says which)",
		"[--format md|html|csv|json|oscal] [--version N | --draft]\n  aimsctl soa decide CONTROL --exclude|--include --reason TEXT\n  aimsctl soa draft | approve | diff V1 V2")
	wf := addWorkspaceFlags(f)
	format := f.String("format", "md", "output format: md, html, csv, json or oscal")
	version := f.Int("version", 0, "a stored version (default: the approved one)")
	draft := f.Bool("draft", false, "generate the SoA from the current records instead of showing the approved version")
	if _, err := leaf(f, args, 0, 0); err != nil {
		return err
	}
	if *draft && *version > 0 {
		return usageError("aimsctl soa: give at most one of --version and --draft")
	}
	fm := soa.Format(*format)
	if !fm.Valid() {
		return usageError("aimsctl soa: --format must be md, html, csv, json or oscal, got %q", *format)
	}
	ws, svc, err := openWith(ctx, a, wf, soaService)
	if err != nil {
		return err
	}
	defer ws.Close()
	var doc *soa.SoA
	switch {
	case *version > 0:
		doc, err = svc.Version(ctx, *version)
	case *draft:
		doc, err = svc.Preview(ctx)
	default:
		doc, err = svc.Approved(ctx)
		if errors.Is(err, aims.ErrNotFound) {
			return fmt.Errorf("no SoA version is approved yet: see the current one with 'aimsctl soa --draft', then 'aimsctl soa draft' and 'aimsctl soa approve'")
		}
	}
	if err != nil {
		return err
	}
	return soa.Render(a.stdout, doc, fm)
}

func runSoADecide(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl soa decide", "include or exclude a control in the SoA, with the reason; exclusions need one", "CONTROL --exclude|--include --reason TEXT")
	wf := addWorkspaceFlags(f)
	exclude := f.Bool("exclude", false, "the control does not apply")
	include := f.Bool("include", false, "the control applies whatever the risks say")
	reason := f.String("reason", "", "why, in plain language (required for --exclude)")
	pos, err := leaf(f, args, 1, 1)
	if err != nil {
		return err
	}
	if *exclude == *include {
		return usageError("aimsctl soa decide: give exactly one of --exclude and --include")
	}
	choice := soa.Include
	if *exclude {
		choice = soa.Exclude
	}
	ws, svc, err := openWith(ctx, a, wf, soaService)
	if err != nil {
		return err
	}
	defer ws.Close()
	if _, err := svc.Decide(ctx, wf.who(a), soa.Decision{Control: pos[0], Choice: choice, Reason: *reason}); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "%s: %s (%s)\n", pos[0], choice, dash(*reason))
	return nil
}

func runSoAObligation(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl soa obligation", "record an obligation (law, regulation, contract, interested party) and the controls it requires", "--id ID --title TEXT --type legal|regulatory|contractual|interested-party --reference REF --control ID [--control ID...]")
	wf := addWorkspaceFlags(f)
	id := f.String("id", "", "obligation id (required)")
	title := f.String("title", "", "short title")
	typ := f.String("type", "legal", "legal, regulatory, contractual or interested-party")
	ref := f.String("reference", "", "where it comes from, e.g. \"EU AI Act Art. 12\"")
	var ctrls multiFlag
	f.Var(&ctrls, "control", "a control the obligation requires (repeatable)")
	if _, err := leaf(f, args, 0, 0); err != nil {
		return err
	}
	ws, svc, err := openWith(ctx, a, wf, soaService)
	if err != nil {
		return err
	}
	defer ws.Close()
	o := soa.Obligation{ID: *id, Type: soa.ObligationType(*typ), Title: *title, Reference: *ref, Controls: ctrls}
	if _, err := svc.PutObligation(ctx, wf.who(a), o); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "obligation %s requires %s\n", *id, strings.Join(ctrls, ", "))
	return nil
}

func runSoADraft(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl soa draft", "generate the SoA from the workspace, save it as the open draft and submit it for review", "[--as WHO] [--no-submit]")
	wf := addWorkspaceFlags(f)
	noSubmit := f.Bool("no-submit", false, "save the draft without submitting it")
	if _, err := leaf(f, args, 0, 0); err != nil {
		return err
	}
	ws, svc, err := openWith(ctx, a, wf, soaService)
	if err != nil {
		return err
	}
	defer ws.Close()
	doc, err := svc.Draft(ctx, wf.who(a))
	if err != nil {
		return err
	}
	rep := soa.Validate(doc)
	for _, fd := range rep.Warnings() {
		fmt.Fprintf(a.stderr, "%s\n", fd)
	}
	if *noSubmit {
		fmt.Fprintf(a.stdout, "SoA version %d saved as a draft\n", doc.Number)
		return nil
	}
	if errs := rep.Errors(); len(errs) > 0 {
		return soaRefusal(fmt.Sprintf("SoA version %d saved as a draft but not submitted", doc.Number), errs)
	}
	if _, err := svc.Submit(ctx, wf.who(a), doc.Number); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "SoA version %d saved and submitted for review\n", doc.Number)
	return nil
}

func runSoAApprove(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl soa approve", "approve the SoA version in review; the approver must not be its author", "[--version N] [--as WHO]")
	wf := addWorkspaceFlags(f)
	version := f.Int("version", 0, "version to approve (default: the latest)")
	if _, err := leaf(f, args, 0, 0); err != nil {
		return err
	}
	ws, svc, err := openWith(ctx, a, wf, soaService)
	if err != nil {
		return err
	}
	defer ws.Close()
	n := *version
	if n == 0 {
		latest, err := svc.Latest(ctx)
		if errors.Is(err, aims.ErrNotFound) {
			return fmt.Errorf("no SoA version yet: run 'aimsctl soa draft' first")
		}
		if err != nil {
			return err
		}
		n = latest.Number
		if soa.State(latest.State) == soa.StateDraft {
			if errs := soa.Validate(latest).Errors(); len(errs) > 0 {
				return soaRefusal(fmt.Sprintf("SoA version %d cannot be approved", n), errs)
			}
			return fmt.Errorf("SoA version %d is a draft: submit it with 'aimsctl soa draft' first", n)
		}
	}
	doc, err := svc.Approve(ctx, wf.who(a), n)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "SoA version %d approved by %s\n", doc.Number, wf.who(a))
	return nil
}

// soaRefusal words why an SoA cannot go forward: the undecided controls in
// one list, then each other error with its control.
func soaRefusal(what string, errs []soa.Finding) error {
	var b strings.Builder
	b.WriteString(what + ":")
	var undecided []string
	for _, f := range errs {
		if f.Rule == soa.RuleUndecided {
			undecided = append(undecided, f.Control)
		}
	}
	if len(undecided) > 0 {
		fmt.Fprintf(&b, "\n  %d undecided (decide each with 'aimsctl soa decide CONTROL --include|--exclude --reason TEXT'): %s",
			len(undecided), strings.Join(undecided, ", "))
	}
	for _, f := range errs {
		if f.Rule != soa.RuleUndecided {
			fmt.Fprintf(&b, "\n  %s: %s", f.Control, f.Message)
		}
	}
	return errors.New(b.String())
}

func runSoADiff(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl soa diff", "show what changed between two SoA versions", "V1 V2 [--format text|md]")
	wf := addWorkspaceFlags(f)
	format := f.String("format", "text", "text or md")
	pos, err := leaf(f, args, 2, 2)
	if err != nil {
		return err
	}
	var vs [2]int
	for i, p := range pos {
		n, err := strconv.Atoi(strings.TrimPrefix(p, "v"))
		if err != nil || n <= 0 {
			return usageError("aimsctl soa diff: %q is not a version number", p)
		}
		vs[i] = n
	}
	ws, svc, err := openWith(ctx, a, wf, soaService)
	if err != nil {
		return err
	}
	defer ws.Close()
	d, err := svc.Diff(ctx, vs[0], vs[1])
	if err != nil {
		return err
	}
	switch *format {
	case "text":
		return d.WriteText(a.stdout)
	case "md":
		return d.WriteMarkdown(a.stdout)
	}
	return usageError("aimsctl soa diff: --format must be text or md, got %q", *format)
}
