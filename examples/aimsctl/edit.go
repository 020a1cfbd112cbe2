package main

// The commands a person uses between manifests: editing a risk, marking a
// treatment action done, the risk criteria, a nonconformity in full, the
// journal's entries, and a questionnaire's question ids.

import (
	"context"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/aimsgo/iso42001/impact"
	"github.com/aimsgo/iso42001/risk"
)

func runRiskEdit(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl risk edit", "change a risk's title, description, owner, causes or consequences; its workflow state stays as it is",
		"ID [--title T] [--description D] [--owner WHO] [--cause C]... [--consequence C]...")
	wf := addWorkspaceFlags(f)
	title := f.String("title", "", "new title")
	desc := f.String("description", "", "new description")
	owner := f.String("owner", "", "new risk owner")
	var causes, conseqs multiFlag
	f.Var(&causes, "cause", "the causes (repeatable; replaces the list)")
	f.Var(&conseqs, "consequence", "the consequences (repeatable; replaces the list)")
	pos, err := leaf(f, args, 1, 1)
	if err != nil {
		return err
	}
	ws, reg, err := openWith(ctx, a, wf, riskRegister)
	if err != nil {
		return err
	}
	defer ws.Close()
	rk, err := reg.Get(ctx, pos[0])
	if err != nil {
		return err
	}
	changed := false
	set := func(dst *string, v string) {
		if v != "" && *dst != v {
			*dst, changed = v, true
		}
	}
	set(&rk.Title, *title)
	set(&rk.Description, *desc)
	set(&rk.Owner, *owner)
	if len(causes) > 0 {
		rk.Causes, changed = causes, true
	}
	if len(conseqs) > 0 {
		rk.Consequences, changed = conseqs, true
	}
	if !changed {
		return usageError("aimsctl risk edit: nothing to change: give --title, --description, --owner, --cause or --consequence")
	}
	if err := reg.Collection().Update(ctx, wf.who(a), rk); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "risk %s updated (version %d)\n", rk.ID, rk.Version)
	return nil
}

func runRiskActionDone(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl risk action done", "mark a treatment action of a risk done, at the workspace clock's time", "RISK ACTION")
	wf := addWorkspaceFlags(f)
	pos, err := leaf(f, args, 2, 2)
	if err != nil {
		return err
	}
	ws, reg, err := openWith(ctx, a, wf, riskRegister)
	if err != nil {
		return err
	}
	defer ws.Close()
	rk, err := reg.CompleteAction(ctx, wf.who(a), pos[0], pos[1])
	if err != nil {
		return err
	}
	open := 0
	if rk.Treatment != nil {
		for _, act := range rk.Treatment.Actions {
			if act.Open() {
				open++
			}
		}
	}
	fmt.Fprintf(a.stdout, "action %s of risk %s done; %d still open\n", pos[1], rk.ID, open)
	return nil
}

func criteriaCommand() *command {
	return &command{
		name:    "criteria",
		summary: "the AI risk criteria (6.1.1): scales, bands, appetite, acceptance authority",
		usage:   "show | set -f FILE",
		sub: []*command{
			{name: "show", summary: "print the workspace's risk criteria as JSON (the defaults when none are saved)", usage: "", run: runCriteriaShow},
			{name: "set", summary: "save risk criteria from a JSON file (the shape 'criteria show' prints)", usage: "-f FILE", run: runCriteriaSet},
		},
	}
}

func runCriteriaShow(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl criteria show", "print the workspace's risk criteria as JSON; the SDK's defaults when none are saved", "")
	wf := addWorkspaceFlags(f)
	if _, err := leaf(f, args, 0, 0); err != nil {
		return err
	}
	ws, err := wf.open(ctx, a, false)
	if err != nil {
		return err
	}
	defer ws.Close()
	return writeJSON(a.stdout, ws.AIMS.Criteria().Spec())
}

func runCriteriaSet(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl criteria set", "save the risk criteria read from a JSON file (as 'criteria show' prints them)", "-f FILE")
	wf := addWorkspaceFlags(f)
	file := f.String("f", "", "the criteria file (required)")
	if _, err := leaf(f, args, 0, 0); err != nil {
		return err
	}
	if *file == "" {
		return usageError("aimsctl criteria set: -f FILE is required")
	}
	data, err := os.ReadFile(*file)
	if err != nil {
		return err
	}
	crit, err := risk.DecodeCriteria(data)
	if err != nil {
		return fmt.Errorf("%s: %w", *file, err)
	}
	ws, err := wf.open(ctx, a, false)
	if err != nil {
		return err
	}
	defer ws.Close()
	if err := risk.SaveCriteria(ctx, ws.Workspace, wf.who(a), crit); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "risk criteria saved: %dx%d scales, %d bands, appetite up to %s\n",
		crit.LikelihoodLevels(), crit.ConsequenceLevels(), crit.Bands(), crit.Band(crit.Appetite()).Name)
	return nil
}

func runNCShow(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl nc show", "print a nonconformity or improvement in full: its correction, root cause, actions and verifications", "ID [--format text|json]")
	wf := addWorkspaceFlags(f)
	format := f.String("format", "text", "text or json")
	pos, err := leaf(f, args, 1, 1)
	if err != nil {
		return err
	}
	ws, err := wf.open(ctx, a, false)
	if err != nil {
		return err
	}
	defer ws.Close()
	n, err := ws.AIMS.Nonconformities().Get(ctx, pos[0])
	if err != nil {
		return err
	}
	if *format == "json" {
		return writeJSON(a.stdout, n)
	}
	w := a.stdout
	fmt.Fprintf(w, "%s %s: %s\n", n.Type, n.ID, oneLine(n.Title))
	fmt.Fprintf(w, "State:      %s\nOwner:      %s\nSource:     %s %s\nRef:        %s\n", n.State, n.Owner, n.Source, n.SourceRef, dash(n.Ref))
	if n.Severity != "" {
		fmt.Fprintf(w, "Severity:   %s\n", n.Severity)
	}
	if n.Description != "" {
		fmt.Fprintf(w, "\n%s\n", n.Description)
	}
	if n.Correction != "" {
		fmt.Fprintf(w, "\nCorrection: %s\n", oneLine(n.Correction))
	}
	if rc := n.RootCause; len(rc.Causes) > 0 {
		fmt.Fprintf(w, "Root cause (%s): %s\n", oneLine(rc.Method), oneLine(strings.Join(rc.Causes, "; ")))
	}
	now := ws.Now()
	for _, act := range n.Actions {
		state := "open"
		switch {
		case !act.Done.IsZero():
			state = "done " + act.Done.Format(dateLayout)
		case act.Due.Before(now):
			state = "OVERDUE"
		}
		fmt.Fprintf(w, "Action:     %s (owner %s, due %s): %s\n", oneLine(act.Title), act.Owner, act.Due.Format(dateLayout), state)
	}
	for _, v := range n.Verifications {
		verdict := "ineffective"
		if v.Effective {
			verdict = "effective"
		}
		fmt.Fprintf(w, "Verified:   %s by %s on %s: %s\n", verdict, v.By, v.At.Format(dateLayout), oneLine(v.Note))
	}
	return nil
}

func runJournalLog(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl journal log", "list the journal's entries, oldest first: who did what to which record, when", "[--kind K] [--id ID] [--limit N]")
	wf := addWorkspaceFlags(f)
	kind := f.String("kind", "", "only entries of this record kind")
	id := f.String("id", "", "only entries of this record id")
	limit := f.Int("limit", 0, "at most this many entries, the newest (0: all)")
	if _, err := leaf(f, args, 0, 0); err != nil {
		return err
	}
	ws, err := wf.open(ctx, a, false)
	if err != nil {
		return err
	}
	defer ws.Close()
	type row struct{ seq, at, actor, event, rec, change string }
	var rows []row
	st := ws.Store()
	for from := uint64(1); ; {
		page, err := st.ReadJournal(ctx, ws.Tenant(), from, 1000)
		if err != nil {
			return err
		}
		for _, e := range page {
			if (*kind != "" && e.Kind != *kind) || (*id != "" && e.ID != *id) {
				continue
			}
			change := e.To
			if e.From != "" && e.From != e.To {
				change = e.From + " -> " + e.To
			}
			rows = append(rows, row{fmt.Sprint(e.Seq), e.Time.UTC().Format("2006-01-02 15:04"), oneLine(e.Actor), e.Event,
				e.Kind + "/" + oneLine(e.ID) + fmt.Sprintf(" v%d", e.Version), change})
		}
		if len(page) < 1000 {
			break
		}
		from = page[len(page)-1].Seq + 1
	}
	if *limit > 0 && len(rows) > *limit {
		rows = rows[len(rows)-*limit:]
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SEQ\tTIME\tACTOR\tEVENT\tRECORD\tSTATE")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.seq, r.at, r.actor, r.event, r.rec, dash(r.change))
	}
	return tw.Flush()
}

func runImpactQuestions(_ context.Context, a *app, args []string) error {
	f := a.flags("aimsctl impact questions", "list a questionnaire's question ids, types and choices: what an answers file may say", "[--questionnaire ID]")
	id := f.String("questionnaire", impact.BaselineID, "a built-in questionnaire: "+strings.Join(impact.BuiltinIDs(), ", "))
	if _, err := leaf(f, args, 0, 0); err != nil {
		return err
	}
	form, err := impact.Builtin(*id)
	if err != nil {
		return usageError("aimsctl impact questions: --questionnaire must be one of %s, got %q", strings.Join(impact.BuiltinIDs(), ", "), *id)
	}
	q := form.Questionnaire()
	fmt.Fprintf(a.stdout, "%s (%s)\n", q.Title, form.Ref())
	tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tTYPE\tREQUIRED\tCHOICES\tQUESTION")
	for _, sec := range q.Sections {
		for _, qu := range sec.Questions {
			writeQuestion(tw, qu)
		}
	}
	return tw.Flush()
}

func writeQuestion(tw *tabwriter.Writer, qu impact.Question) {
	{
		var choices []string
		for _, c := range qu.Choices {
			choices = append(choices, c.ID)
		}
		req := "no"
		if qu.Required {
			req = "yes"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", qu.ID, qu.Type, req, dash(strings.Join(choices, ", ")), oneLine(qu.Text))
	}
}

// oneLine folds control characters and line breaks into spaces, so that
// text from records cannot move the cursor or forge lines on a terminal.
func oneLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == ' '
	}), " ")
}
