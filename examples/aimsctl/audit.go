package main

// The Check and Act commands: certification readiness, nonconformities and
// improvements (10.1, 10.2), internal audits (9.2), management reviews
// (9.3), monitoring metrics (9.1) and the gap assessment.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/audit"
)

// dateLayout is how dates are written on the command line.
const dateLayout = "2006-01-02"

// parseDate parses a YYYY-MM-DD flag value; field names the flag in the
// error.
func parseDate(field, s string) (time.Time, error) {
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return time.Time{}, usageError("%s: want YYYY-MM-DD, got %q", field, s)
	}
	return t, nil
}

// -- readiness ---------------------------------------------------------------

func readinessCommand() *command {
	return &command{name: "readiness", summary: "certification readiness, clause by clause; exit 0 when ready", usage: "[--stage 1|2] [--format text|md]", run: runReadiness}
}

func runReadiness(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl readiness", "check certification readiness clause by clause: stage 1 (documentation) or stage 2 (operation, which includes stage 1); exit 0 when ready, 1 listing what is missing",
		"[--stage 1|2] [--format text|md]")
	wf := addWorkspaceFlags(f)
	stage := f.Int("stage", 2, "certification stage: 1 (documentation) or 2 (operation; includes stage 1)")
	format := f.String("format", "text", "text or md")
	if _, err := leaf(f, args, 0, 0); err != nil {
		return err
	}
	if *stage != 1 && *stage != 2 {
		return usageError("aimsctl readiness: --stage must be 1 or 2, got %d", *stage)
	}
	if *format != "text" && *format != "md" {
		return usageError("aimsctl readiness: --format must be text or md, got %q", *format)
	}
	ws, err := wf.open(ctx, a, false)
	if err != nil {
		return err
	}
	defer ws.Close()
	rep, err := ws.AIMS.Readiness(ctx, audit.Stage(*stage))
	if err != nil {
		return err
	}
	if *format == "md" {
		fmt.Fprint(a.stdout, rep.Markdown())
	} else {
		verdict := "READY"
		if !rep.Ready {
			verdict = fmt.Sprintf("NOT READY: %d of %d checks fail", len(rep.Failing), len(rep.Items))
		}
		fmt.Fprintf(a.stdout, "Stage %d readiness: %s\n", rep.Stage, verdict)
		tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "CLAUSE\tSTATUS\tCHECK\tDETAIL")
		for _, it := range rep.Items {
			mark := "ok"
			if !it.OK {
				mark = "MISSING"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", it.Clause, mark, it.Title, dash(oneLine(it.Detail)))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if !rep.Ready {
		return errSilent
	}
	return nil
}

// -- nonconformities -----------------------------------------------------------

func ncCommand() *command {
	return &command{
		name:    "nc",
		summary: "nonconformities and improvements with corrective action (10.1, 10.2)",
		usage:   "open|correct|analyse|act|implement|verify|close|list|show",
		sub: []*command{
			{name: "open", summary: "record a nonconformity or improvement opportunity", usage: "--type nonconformity|improvement --title T --source audit|incident|complaint|monitoring [--clause C] [--control ID]", run: runNCOpen},
			{name: "correct", summary: "record the immediate correction (containment)", usage: "ID --text T", run: runNCCorrect},
			{name: "analyse", summary: "record the root cause analysis", usage: "ID --method M --cause C [--cause C...]", run: runNCAnalyse},
			{name: "act", summary: "plan corrective actions, each with owner and due date", usage: "ID --action \"TITLE;OWNER;YYYY-MM-DD\" [--action ...]", run: runNCAct},
			{name: "implement", summary: "declare the actions done; the implementer may not verify them", usage: "ID", run: runNCImplement},
			{name: "verify", summary: "record whether the actions were effective (not by the implementer)", usage: "ID --effective|--ineffective --note TEXT", run: runNCVerify},
			{name: "close", summary: "close a verified nonconformity", usage: "ID", run: runNCClose},
			{name: "list", summary: "list nonconformities and improvements, or the overdue actions", usage: "[--overdue] [--type nonconformity|improvement]", run: runNCList},
			{name: "show", summary: "print one nonconformity or improvement in full", usage: "ID [--format text|json]", run: runNCShow},
		},
	}
}

// ncRun opens the workspace and runs fn on its register: the boilerplate of
// the nc leaf commands.
func ncRun(ctx context.Context, a *app, wf *wsFlags, fn func(r *audit.Nonconformities, actor string) (*audit.Nonconformity, error)) error {
	ws, err := wf.open(ctx, a, false)
	if err != nil {
		return err
	}
	defer ws.Close()
	n, err := fn(ws.AIMS.Nonconformities(), wf.who(a))
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "%s %s: %s (%s)\n", n.Type, n.ID, n.State, n.Title)
	return nil
}

func runNCOpen(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl nc open", "record a nonconformity (10.2) or an improvement opportunity (10.1); the actor owns it unless --owner says otherwise",
		"--type nonconformity|improvement --title T --source audit|incident|complaint|monitoring [--clause C | --control ID] [--description TEXT] [--severity major|minor] [--id ID]")
	wf := addWorkspaceFlags(f)
	id := f.String("id", "", "record id (default: generated)")
	typ := f.String("type", "nonconformity", "nonconformity or improvement")
	title := f.String("title", "", "what is wrong, or what could be better (required)")
	source := f.String("source", "", "where it came from: audit, incident, complaint, monitoring, management-review or other (required)")
	clause := f.String("clause", "", "the clause not met, e.g. 8.2")
	control := f.String("control", "", "the control not met, e.g. A.6.2.8")
	desc := f.String("description", "", "what was seen")
	severity := f.String("severity", "", "major or minor (nonconformities only; default minor)")
	owner := f.String("owner", "", "who answers for it until closed (default: the actor)")
	sourceRef := f.String("source-ref", "", "id of the incident, finding or measurement it comes from")
	if _, err := leaf(f, args, 0, 0); err != nil {
		return err
	}
	if *clause != "" && *control != "" {
		return usageError("aimsctl nc open: give at most one of --clause and --control")
	}
	n := &audit.Nonconformity{Meta: aims.Meta{ID: *id}, Type: audit.NCType(*typ), Title: *title, Ref: *clause + *control,
		Description: *desc, Source: audit.Source(*source), SourceRef: *sourceRef, Owner: *owner, Severity: audit.Severity(*severity)}
	if n.Type == audit.TypeNonconformity && n.Severity == "" {
		n.Severity = audit.SeverityMinor
	}
	ws, err := wf.open(ctx, a, false)
	if err != nil {
		return err
	}
	defer ws.Close()
	if err := ws.AIMS.Nonconformities().Open(ctx, wf.who(a), n); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "opened %s %s (owner %s): %s\n", n.Type, n.ID, n.Owner, n.Title)
	return nil
}

func runNCCorrect(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl nc correct", "record the immediate correction that contains the nonconformity", "ID --text T")
	wf := addWorkspaceFlags(f)
	text := f.String("text", "", "the correction made (required)")
	pos, err := leaf(f, args, 1, 1)
	if err != nil {
		return err
	}
	return ncRun(ctx, a, wf, func(r *audit.Nonconformities, actor string) (*audit.Nonconformity, error) {
		return r.Correct(ctx, actor, pos[0], *text)
	})
}

func runNCAnalyse(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl nc analyse", "record the root cause analysis", "ID --method M --cause C [--cause C...] [--similar TEXT]")
	wf := addWorkspaceFlags(f)
	method := f.String("method", "", "the technique, e.g. \"5 whys\", fishbone (required)")
	var causes multiFlag
	f.Var(&causes, "cause", "a cause found (repeatable; at least one)")
	similar := f.String("similar", "", "whether similar nonconformities exist or could occur elsewhere")
	pos, err := leaf(f, args, 1, 1)
	if err != nil {
		return err
	}
	return ncRun(ctx, a, wf, func(r *audit.Nonconformities, actor string) (*audit.Nonconformity, error) {
		return r.Analyse(ctx, actor, pos[0], audit.RootCause{Method: *method, Causes: causes, SimilarElsewhere: *similar})
	})
}

// parseActions parses "TITLE;OWNER;YYYY-MM-DD" values of flag name.
func parseActions(name string, vals []string) ([]audit.Action, error) {
	out := make([]audit.Action, 0, len(vals))
	for i, v := range vals {
		parts := strings.Split(v, ";")
		if len(parts) != 3 {
			return nil, usageError("--%s[%d]: want \"TITLE;OWNER;YYYY-MM-DD\", got %q", name, i, v)
		}
		due, err := parseDate(fmt.Sprintf("--%s[%d] due date", name, i), strings.TrimSpace(parts[2]))
		if err != nil {
			return nil, err
		}
		out = append(out, audit.Action{Title: strings.TrimSpace(parts[0]), Owner: strings.TrimSpace(parts[1]), Due: due})
	}
	return out, nil
}

func runNCAct(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl nc act", "plan the corrective (or improvement) actions, each with an owner and a due date", "ID --action \"TITLE;OWNER;YYYY-MM-DD\" [--action ...]")
	wf := addWorkspaceFlags(f)
	var acts multiFlag
	f.Var(&acts, "action", "an action as \"TITLE;OWNER;YYYY-MM-DD\" (repeatable; at least one)")
	pos, err := leaf(f, args, 1, 1)
	if err != nil {
		return err
	}
	actions, err := parseActions("action", acts)
	if err != nil {
		return err
	}
	return ncRun(ctx, a, wf, func(r *audit.Nonconformities, actor string) (*audit.Nonconformity, error) {
		return r.Act(ctx, actor, pos[0], audit.RootCause{}, actions)
	})
}

func runNCImplement(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl nc implement", "declare every planned action done; the actor becomes the implementer and may not verify them", "ID")
	wf := addWorkspaceFlags(f)
	pos, err := leaf(f, args, 1, 1)
	if err != nil {
		return err
	}
	return ncRun(ctx, a, wf, func(r *audit.Nonconformities, actor string) (*audit.Nonconformity, error) {
		return r.Implement(ctx, actor, pos[0])
	})
}

func runNCVerify(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl nc verify", "record the effectiveness review; neither the implementer nor an action owner may give it; ineffective sends the record back to analysis",
		"ID --effective|--ineffective --note TEXT")
	wf := addWorkspaceFlags(f)
	effective := f.Bool("effective", false, "the actions removed the cause")
	ineffective := f.Bool("ineffective", false, "the actions did not work: analyse again")
	note := f.String("note", "", "what shows it (required)")
	pos, err := leaf(f, args, 1, 1)
	if err != nil {
		return err
	}
	if *effective == *ineffective {
		return usageError("aimsctl nc verify: give exactly one of --effective and --ineffective")
	}
	return ncRun(ctx, a, wf, func(r *audit.Nonconformities, actor string) (*audit.Nonconformity, error) {
		return r.Verify(ctx, actor, pos[0], *effective, *note)
	})
}

func runNCClose(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl nc close", "close a nonconformity whose actions were verified effective", "ID")
	wf := addWorkspaceFlags(f)
	pos, err := leaf(f, args, 1, 1)
	if err != nil {
		return err
	}
	return ncRun(ctx, a, wf, func(r *audit.Nonconformities, actor string) (*audit.Nonconformity, error) {
		return r.Close(ctx, actor, pos[0])
	})
}

func runNCList(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl nc list", "list nonconformities and improvements, or with --overdue the actions past their due date (most late first)", "[--overdue] [--type nonconformity|improvement]")
	wf := addWorkspaceFlags(f)
	overdue := f.Bool("overdue", false, "list the actions past their due date instead")
	typ := f.String("type", "", "only nonconformity or improvement")
	if _, err := leaf(f, args, 0, 0); err != nil {
		return err
	}
	if *typ != "" && !audit.NCType(*typ).Valid() {
		return usageError("aimsctl nc list: --type must be nonconformity or improvement, got %q", *typ)
	}
	ws, err := wf.open(ctx, a, false)
	if err != nil {
		return err
	}
	defer ws.Close()
	reg := ws.AIMS.Nonconformities()
	tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	if *overdue {
		late, err := reg.Overdue(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintln(tw, "NONCONFORMITY\tACTION\tOWNER\tDUE\tDAYS LATE")
		for _, o := range late {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\n", o.Nonconformity, oneLine(o.Title), oneLine(o.Owner), o.Due.Format(dateLayout), o.DaysLate)
		}
		return tw.Flush()
	}
	all, err := reg.All(ctx, audit.NCType(*typ))
	if err != nil {
		return err
	}
	fmt.Fprintln(tw, "ID\tTYPE\tSTATE\tREF\tOWNER\tTITLE")
	for _, n := range all {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", n.ID, n.Type, n.State, dash(oneLine(n.Ref)), oneLine(n.Owner), oneLine(n.Title))
	}
	return tw.Flush()
}

// -- internal audit ------------------------------------------------------------

func auditCommand() *command {
	return &command{
		name:    "audit",
		summary: "internal audits (9.2): plan, fieldwork, findings, report",
		usage:   "plan|start|result|finding|complete|report|list",
		sub: []*command{
			{name: "plan", summary: "plan an audit with its checklist from the catalog (auditors own no audited area)", usage: "--id ID --title T --auditor WHO [--clause C[=OWNER]...] [--control ID[=OWNER]...] [--start YYYY-MM-DD]", run: runAuditPlan},
			{name: "start", summary: "start fieldwork", usage: "ID", run: runAuditStart},
			{name: "result", summary: "record checklist results with the evidence seen", usage: "AUDIT --ref REF... | --remaining --result conforms|nonconforming|not-applicable --evidence E", run: runAuditResult},
			{name: "finding", summary: "raise a finding; nonconformities and opportunities open a record in 'nc'", usage: "AUDIT --type major|minor|observation|opportunity --ref CLAUSE|CONTROL --text T --evidence E", run: runAuditFinding},
			{name: "complete", summary: "close fieldwork with the conclusion (every checklist item answered)", usage: "ID --conclusion T", run: runAuditComplete},
			{name: "report", summary: "write the audit report", usage: "ID [--format md|html|oscal] [--plan-oscal FILE]", run: runAuditReport},
			{name: "list", summary: "list audits", usage: "", run: runAuditList},
		},
	}
}

// parseAreas turns "ID" or "ID=OWNER" values of flag name into areas.
func parseAreas(name string, vals []string) ([]audit.Area, error) {
	out := make([]audit.Area, 0, len(vals))
	for i, v := range vals {
		id, owner, _ := strings.Cut(v, "=")
		id, owner = strings.TrimSpace(id), strings.TrimSpace(owner)
		if id == "" {
			return nil, usageError("--%s[%d]: want ID or ID=OWNER, got %q", name, i, v)
		}
		out = append(out, audit.Area{ID: id, Owner: owner})
	}
	return out, nil
}

func runAuditPlan(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl audit plan", "plan an internal audit; the checklist is built from the catalog: the clauses in scope, plus the controls given or, without --control, those the approved SoA marks applicable. An auditor who owns an audited area is refused",
		"--id ID --title T --auditor WHO [--auditor WHO...] [--clause C[=OWNER]...] [--control ID[=OWNER]...] [--start YYYY-MM-DD] [--criteria TEXT...] [--programme ID]")
	wf := addWorkspaceFlags(f)
	id := f.String("id", "", "audit id (required)")
	title := f.String("title", "", "audit title (required)")
	var auditors, clauses, ctrls, criteria multiFlag
	f.Var(&auditors, "auditor", "an assigned auditor; the first leads (repeatable; at least one)")
	f.Var(&clauses, "clause", "a clause in scope, with its owner as C=OWNER (repeatable; default clauses 4 to 10)")
	f.Var(&ctrls, "control", "a control in scope, with its owner as ID=OWNER (repeatable; default the approved SoA's applicable controls)")
	f.Var(&criteria, "criteria", "an audit criterion (repeatable; default ISO/IEC 42001:2023)")
	start := f.String("start", "", "planned date YYYY-MM-DD (default today)")
	programme := f.String("programme", "", "the audit programme the audit belongs to")
	if _, err := leaf(f, args, 0, 0); err != nil {
		return err
	}
	if *id == "" || len(auditors) == 0 {
		return usageError("aimsctl audit plan: --id and at least one --auditor are required")
	}
	areas, err := parseAreas("clause", clauses)
	if err != nil {
		return err
	}
	ctrlAreas, err := parseAreas("control", ctrls)
	if err != nil {
		return err
	}
	if len(clauses) == 0 {
		for c := 4; c <= 10; c++ {
			areas = append(areas, audit.Area{ID: strconv.Itoa(c)})
		}
	}
	if len(criteria) == 0 {
		criteria = multiFlag{"ISO/IEC 42001:2023"}
	}
	ws, err := wf.open(ctx, a, false)
	if err != nil {
		return err
	}
	defer ws.Close()
	planned := ws.Now()
	if *start != "" {
		if planned, err = parseDate("--start", *start); err != nil {
			return err
		}
	}
	var applicable []string
	if len(ctrlAreas) > 0 {
		for _, ar := range ctrlAreas {
			applicable = append(applicable, ar.ID)
		}
	} else {
		svc, err := soaService(ctx, ws)
		if err != nil {
			return err
		}
		doc, err := svc.Approved(ctx)
		switch {
		case errors.Is(err, aims.ErrNotFound):
			fmt.Fprintln(a.stderr, "note: no approved SoA: the checklist holds clauses only")
		case err != nil:
			return err
		default:
			for _, e := range doc.Entries {
				if e.Applicable {
					applicable = append(applicable, e.Control)
					ctrlAreas = append(ctrlAreas, audit.Area{ID: e.Control})
				}
			}
		}
	}
	areas = append(areas, ctrlAreas...)
	au, err := ws.AIMS.Audits().Plan(ctx, wf.who(a), audit.PlanInput{ID: *id, Programme: *programme, Title: *title,
		Areas: areas, Criteria: criteria, Auditors: auditors, Planned: planned, Applicable: applicable})
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "planned audit %s for %s, led by %s: %d checklist items\n", au.ID, au.Planned.Format(dateLayout), au.Lead, len(au.Checklist))
	return nil
}

// auditRun opens the workspace and runs fn on its audit service.
func auditRun(ctx context.Context, a *app, wf *wsFlags, fn func(s *audit.Audits, actor string) error) error {
	ws, err := wf.open(ctx, a, false)
	if err != nil {
		return err
	}
	defer ws.Close()
	return fn(ws.AIMS.Audits(), wf.who(a))
}

func runAuditStart(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl audit start", "start fieldwork; the actor must be an assigned auditor who owns no audited area", "ID")
	wf := addWorkspaceFlags(f)
	pos, err := leaf(f, args, 1, 1)
	if err != nil {
		return err
	}
	return auditRun(ctx, a, wf, func(s *audit.Audits, actor string) error {
		au, err := s.Start(ctx, actor, pos[0])
		if err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "audit %s %s\n", au.ID, au.State)
		return nil
	})
}

func runAuditResult(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl audit result", "record the result of checklist items with the evidence seen", "AUDIT --ref REF [--ref REF...] | --remaining --result conforms|nonconforming|not-applicable --evidence E [--note TEXT]")
	wf := addWorkspaceFlags(f)
	var refs, evidence multiFlag
	f.Var(&refs, "ref", "a checklist item (clause or control; repeatable)")
	remaining := f.Bool("remaining", false, "every item not yet answered")
	result := f.String("result", "", "conforms, nonconforming or not-applicable (required)")
	f.Var(&evidence, "evidence", "what was seen (repeatable)")
	note := f.String("note", "", "notes")
	pos, err := leaf(f, args, 1, 1)
	if err != nil {
		return err
	}
	if r := audit.Result(*result); !r.Valid() {
		return usageError("aimsctl audit result: --result must be conforms, nonconforming or not-applicable, got %q", *result)
	}
	if (len(refs) == 0) == !*remaining {
		return usageError("aimsctl audit result: give --ref or --remaining")
	}
	return auditRun(ctx, a, wf, func(s *audit.Audits, actor string) error {
		if *remaining {
			au, err := s.Get(ctx, pos[0])
			if err != nil {
				return err
			}
			for _, it := range au.Checklist {
				if it.Result == "" {
					refs = append(refs, it.Ref)
				}
			}
		}
		for _, ref := range refs {
			if _, err := s.RecordResult(ctx, actor, pos[0], ref, audit.Result(*result), evidence, *note); err != nil {
				return err
			}
		}
		fmt.Fprintf(a.stdout, "audit %s: %d items recorded as %s\n", pos[0], len(refs), *result)
		return nil
	})
}

// findingTypes maps the command line's short finding types to audit's.
var findingTypes = map[string]audit.FindingType{
	"major":       audit.FindingMajor,
	"minor":       audit.FindingMinor,
	"observation": audit.FindingObservation,
	"opportunity": audit.FindingOpportunity,
}

func runAuditFinding(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl audit finding", "raise a finding of an audit in progress; a major or minor nonconformity opens a nonconformity, an opportunity an improvement",
		"AUDIT --type major|minor|observation|opportunity --ref CLAUSE|CONTROL --text T --evidence E [--evidence E...]")
	wf := addWorkspaceFlags(f)
	typ := f.String("type", "", "major, minor, observation or opportunity (required)")
	ref := f.String("ref", "", "the clause or control (required)")
	text := f.String("text", "", "the finding's statement (required)")
	id := f.String("id", "", "finding id (default: generated)")
	var evidence multiFlag
	f.Var(&evidence, "evidence", "the evidence (repeatable)")
	pos, err := leaf(f, args, 1, 1)
	if err != nil {
		return err
	}
	ft, ok := findingTypes[*typ]
	if !ok {
		ft = audit.FindingType(*typ)
		if !ft.Valid() {
			return usageError("aimsctl audit finding: --type must be major, minor, observation or opportunity, got %q", *typ)
		}
	}
	return auditRun(ctx, a, wf, func(s *audit.Audits, actor string) error {
		fd := &audit.Finding{Meta: aims.Meta{ID: *id}, Type: ft, Ref: *ref, Statement: *text, Evidence: evidence}
		if err := s.AddFinding(ctx, actor, pos[0], fd); err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "finding %s (%s on %s)", fd.ID, fd.Type, fd.Ref)
		if fd.Nonconformity != "" {
			fmt.Fprintf(a.stdout, " opened %s", fd.Nonconformity)
		}
		fmt.Fprintln(a.stdout)
		return nil
	})
}

func runAuditComplete(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl audit complete", "close fieldwork with the conclusion; every checklist item must have a result", "ID --conclusion T")
	wf := addWorkspaceFlags(f)
	conclusion := f.String("conclusion", "", "the audit conclusion (required)")
	pos, err := leaf(f, args, 1, 1)
	if err != nil {
		return err
	}
	return auditRun(ctx, a, wf, func(s *audit.Audits, actor string) error {
		au, err := s.Complete(ctx, actor, pos[0], *conclusion)
		if err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "audit %s %s\n", au.ID, au.State)
		return nil
	})
}

func runAuditReport(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl audit report", "write an audit's report: Markdown, HTML, or OSCAL assessment-results; --plan-oscal also writes its OSCAL assessment-plan to a file",
		"ID [--format md|html|oscal] [--plan-oscal FILE]")
	wf := addWorkspaceFlags(f)
	format := f.String("format", "md", "md, html or oscal")
	planFile := f.String("plan-oscal", "", "also write the OSCAL assessment-plan to FILE")
	pos, err := leaf(f, args, 1, 1)
	if err != nil {
		return err
	}
	if !slices.Contains([]string{"md", "html", "oscal"}, *format) {
		return usageError("aimsctl audit report: --format must be md, html or oscal, got %q", *format)
	}
	return auditRun(ctx, a, wf, func(s *audit.Audits, _ string) error {
		rep, err := s.Report(ctx, pos[0])
		if err != nil {
			return err
		}
		if *planFile != "" {
			if err := writeFile(*planFile, func(w io.Writer) error { return audit.WritePlanOSCAL(w, rep.Audit) }); err != nil {
				return err
			}
		}
		switch *format {
		case "html":
			return rep.WriteHTML(a.stdout)
		case "oscal":
			return audit.WriteResultsOSCAL(a.stdout, rep)
		}
		return rep.WriteMarkdown(a.stdout)
	})
}

func runAuditList(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl audit list", "list the internal audits", "")
	wf := addWorkspaceFlags(f)
	if _, err := leaf(f, args, 0, 0); err != nil {
		return err
	}
	return auditRun(ctx, a, wf, func(s *audit.Audits, _ string) error {
		all, err := s.All(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tSTATE\tPLANNED\tLEAD\tTITLE")
		for _, au := range all {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", au.ID, au.State, au.Planned.Format(dateLayout), oneLine(au.Lead), oneLine(au.Title))
		}
		return tw.Flush()
	})
}

// -- management review ---------------------------------------------------------

func reviewCommand() *command {
	return &command{
		name:    "review",
		summary: "management reviews (9.3): inputs gathered from the records, decisions by top management",
		usage:   "prepare|record|show",
		sub: []*command{
			{name: "prepare", summary: "create a review with its inputs gathered from the records (9.3.2)", usage: "--id ID --title T [--planned YYYY-MM-DD]", run: runReviewPrepare},
			{name: "record", summary: "record a held review's decisions and changes (top management only)", usage: "ID --decision TEXT... --change TEXT...", run: runReviewRecord},
			{name: "show", summary: "show a review's inputs and outcome", usage: "ID", run: runReviewShow},
		},
	}
}

func runReviewPrepare(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl review prepare", "create a management review with its inputs gathered from the records (9.3.2)", "--id ID --title T [--planned YYYY-MM-DD]")
	wf := addWorkspaceFlags(f)
	id := f.String("id", "", "review id (required)")
	title := f.String("title", "", "review title (required)")
	plannedFlag := f.String("planned", "", "when it is held, YYYY-MM-DD (default today)")
	if _, err := leaf(f, args, 0, 0); err != nil {
		return err
	}
	if strings.TrimSpace(*id) == "" {
		return usageError("aimsctl review prepare: --id is required")
	}
	ws, err := wf.open(ctx, a, false)
	if err != nil {
		return err
	}
	defer ws.Close()
	planned := ws.Now()
	if *plannedFlag != "" {
		if planned, err = parseDate("--planned", *plannedFlag); err != nil {
			return err
		}
	}
	rv, err := ws.AIMS.Reviews().Prepare(ctx, wf.who(a), *id, *title, planned)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "review %s prepared for %s\n", rv.ID, rv.Planned.Format(dateLayout))
	fmt.Fprint(a.stdout, rv.Markdown())
	return nil
}

func runReviewRecord(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl review record", "record a management review as held, with its decisions, changes and actions (9.3.3); top management only",
		"ID --decision TEXT [--decision...] --change TEXT [--change...] [--attendee WHO...] [--action \"TITLE;OWNER;YYYY-MM-DD\"...] [--completed TITLE...]")
	wf := addWorkspaceFlags(f)
	var decisions, changes, attendees, acts, completed multiFlag
	f.Var(&decisions, "decision", "a decision on improvement opportunities (repeatable)")
	f.Var(&changes, "change", "a change needed to the AIMS (repeatable); plan each as a manifest lifecycle.changes entry whose review is ID (6.3)")
	f.Var(&attendees, "attendee", "who attended (repeatable; default the actor)")
	f.Var(&acts, "action", "an action decided, as \"TITLE;OWNER;YYYY-MM-DD\" (repeatable)")
	f.Var(&completed, "completed", "title of an earlier review's action now done (repeatable)")
	pos, err := leaf(f, args, 1, 1)
	if err != nil {
		return err
	}
	actions, err := parseActions("action", acts)
	if err != nil {
		return err
	}
	ws, err := wf.open(ctx, a, false)
	if err != nil {
		return err
	}
	defer ws.Close()
	if len(attendees) == 0 {
		attendees = multiFlag{wf.who(a)}
	}
	o := audit.Outcome{Attendees: attendees, Decisions: decisions, Changes: changes, Completed: completed}
	for _, ac := range actions {
		o.Actions = append(o.Actions, audit.ReviewAction{Title: ac.Title, Owner: ac.Owner, Due: ac.Due})
	}
	rv, err := ws.AIMS.Reviews().Record(ctx, wf.who(a), pos[0], o)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "review %s held on %s: %d decisions, %d changes, %d actions\n", rv.ID, rv.Held.Format(dateLayout), len(rv.Decisions), len(rv.Changes), len(rv.Actions))
	return nil
}

func runReviewShow(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl review show", "show a management review's inputs and outcome as Markdown", "ID")
	wf := addWorkspaceFlags(f)
	pos, err := leaf(f, args, 1, 1)
	if err != nil {
		return err
	}
	ws, err := wf.open(ctx, a, false)
	if err != nil {
		return err
	}
	defer ws.Close()
	rv, err := ws.AIMS.Reviews().Get(ctx, pos[0])
	if err != nil {
		return err
	}
	fmt.Fprint(a.stdout, rv.Markdown())
	writeReviewOutcome(a.stdout, rv)
	return nil
}

// writeReviewOutcome adds what Review.Markdown leaves out of a held
// review's outcome: attendees, changes and actions.
func writeReviewOutcome(w io.Writer, rv *audit.Review) {
	if len(rv.Attendees) > 0 {
		fmt.Fprintf(w, "\n## Attendees\n\n- %s\n", strings.Join(rv.Attendees, ", "))
	}
	if len(rv.Changes) > 0 {
		fmt.Fprint(w, "\n## Changes to the AIMS\n\n")
		for _, c := range rv.Changes {
			fmt.Fprintf(w, "- %s\n", c)
		}
	}
	if len(rv.Actions) > 0 {
		fmt.Fprint(w, "\n## Actions\n\n")
		for _, ac := range rv.Actions {
			status := "open"
			if !ac.Done.IsZero() {
				status = "done " + ac.Done.Format(dateLayout)
			}
			fmt.Fprintf(w, "- %s (owner %s, due %s, %s)\n", ac.Title, ac.Owner, ac.Due.Format(dateLayout), status)
		}
	}
}

// -- monitoring ----------------------------------------------------------------

func metricCommand() *command {
	return &command{
		name:    "metric",
		summary: "monitoring and measurement (9.1) of objectives and controls",
		usage:   "add|record|status",
		sub: []*command{
			{name: "add", summary: "define a metric for an objective or controls", usage: "--id ID --name N --objective OBJ|--control ID... --target X", run: runMetricAdd},
			{name: "record", summary: "record a measurement with its evidence", usage: "ID --value V --evidence URI", run: runMetricRecord},
			{name: "status", summary: "every metric against its target, and what is overdue", usage: "", run: runMetricStatus},
		},
	}
}

func runMetricAdd(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl metric add", "define a metric tied to an AI objective (6.2) or to controls: method, frequency, target, who measures and who evaluates",
		"--id ID --name N (--objective OBJ [--measure M] | --control ID...) --target X [--direction at-least|at-most|exactly] [--unit U] [--method TEXT] [--every DAYS] [--measured-by WHO] [--evaluated-by WHO]")
	wf := addWorkspaceFlags(f)
	id := f.String("id", "", "metric id (required)")
	name := f.String("name", "", "what is measured (required)")
	objective := f.String("objective", "", "the AI objective the metric evidences")
	measure := f.String("measure", "", "the objective's measure; its target and direction are used when --target is not given")
	var ctrls multiFlag
	f.Var(&ctrls, "control", "a control the metric evidences (repeatable)")
	target := f.String("target", "", "the value to reach")
	direction := f.String("direction", "at-least", "which side of the target is met: at-least, at-most or exactly")
	unit := f.String("unit", "", "unit of the target, e.g. %")
	method := f.String("method", "manual measurement recorded with aimsctl", "how it is measured")
	every := f.Int("every", 30, "days between measurements")
	measuredBy := f.String("measured-by", "", "who measures (default: the actor)")
	evaluatedBy := f.String("evaluated-by", "", "who evaluates the results (default: the actor)")
	if _, err := leaf(f, args, 0, 0); err != nil {
		return err
	}
	if strings.TrimSpace(*id) == "" {
		return usageError("aimsctl metric add: --id is required")
	}
	m := &audit.Metric{Meta: aims.Meta{ID: *id}, Title: *name, Objective: *objective, Measure: *measure, Controls: ctrls,
		Method: *method, FrequencyDays: *every, Direction: aims.Direction(*direction), Unit: *unit}
	switch {
	case *target != "":
		v, err := strconv.ParseFloat(*target, 64)
		if err != nil {
			return usageError("aimsctl metric add: --target: want a number, got %q", *target)
		}
		m.Target = v
	case *measure != "":
		m.Direction, m.Unit = "", "" // taken from the objective's measure
	default:
		return usageError("aimsctl metric add: --target is required unless --measure names the objective's measure")
	}
	ws, err := wf.open(ctx, a, false)
	if err != nil {
		return err
	}
	defer ws.Close()
	m.MeasuredBy, m.EvaluatedBy = *measuredBy, *evaluatedBy
	if m.MeasuredBy == "" {
		m.MeasuredBy = wf.who(a)
	}
	if m.EvaluatedBy == "" {
		m.EvaluatedBy = wf.who(a)
	}
	if err := ws.AIMS.Metrics().Add(ctx, wf.who(a), m); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "metric %s: %s %s %g%s every %d days\n", m.ID, m.Title, m.Direction, m.Target, m.Unit, m.FrequencyDays)
	return nil
}

func runMetricRecord(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl metric record", "record a measurement of a metric with its evidence; by who measures or evaluates it, or an AIMS manager", "ID --value V --evidence URI")
	wf := addWorkspaceFlags(f)
	value := f.String("value", "", "the measured value (required)")
	evidence := f.String("evidence", "", "where the result is retained, e.g. a URI (required)")
	pos, err := leaf(f, args, 1, 1)
	if err != nil {
		return err
	}
	v, err := strconv.ParseFloat(*value, 64)
	if err != nil {
		return usageError("aimsctl metric record: --value: want a number, got %q", *value)
	}
	ws, err := wf.open(ctx, a, false)
	if err != nil {
		return err
	}
	defer ws.Close()
	ms := ws.AIMS.Metrics()
	meas := &audit.Measurement{Metric: pos[0], Value: v, Evidence: *evidence}
	if err := ms.Record(ctx, wf.who(a), meas); err != nil {
		return err
	}
	m, err := ms.Get(ctx, pos[0])
	if err != nil {
		return err
	}
	verdict := "target met"
	if !m.Met(v) {
		verdict = "target NOT met"
	}
	fmt.Fprintf(a.stdout, "%s = %g%s at %s: %s (%s %g%s)\n", m.ID, v, m.Unit, meas.At.Format(dateLayout), verdict, m.Direction, m.Target, m.Unit)
	return nil
}

func runMetricStatus(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl metric status", "show every metric against its target and when it is next due", "")
	wf := addWorkspaceFlags(f)
	if _, err := leaf(f, args, 0, 0); err != nil {
		return err
	}
	ws, err := wf.open(ctx, a, false)
	if err != nil {
		return err
	}
	defer ws.Close()
	sts, err := ws.AIMS.Metrics().Status(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "METRIC\tLAST\tMET\tDUE\tTITLE")
	for _, s := range sts {
		last, met := "-", "-"
		if s.Last != nil {
			last = strconv.FormatFloat(s.Last.Value, 'g', -1, 64)
			met = "no"
			if s.Met {
				met = "yes"
			}
		}
		due := s.Due.Format(dateLayout)
		if s.Overdue {
			due += " OVERDUE"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", s.Metric, last, met, due, oneLine(s.Title))
	}
	return tw.Flush()
}

// -- gap assessment ------------------------------------------------------------

func gapCommand() *command {
	return &command{
		name:    "gap",
		summary: "maturity per clause and control, and the roadmap to close the gaps",
		usage:   "[--format md|json|svg] [--target N] | rate",
		run:     runGap,
		sub: []*command{
			{name: "rate", summary: "record a person's maturity rating of a clause or control", usage: "REF --level 0-5 [--evidence E...]", run: runGapRate},
		},
	}
}

func runGap(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl gap", "assess maturity 0-5 per clause and control, from the records and people's ratings, and order the gaps into a roadmap",
		"[--format md|json|svg] [--target 0-5]\n  aimsctl gap rate REF --level 0-5 [--evidence E...]")
	wf := addWorkspaceFlags(f)
	format := f.String("format", "md", "md, json or svg (a radar chart)")
	target := f.Int("target", int(audit.MaturityDefined), "the level every item should reach, 1-5")
	if _, err := leaf(f, args, 0, 0); err != nil {
		return err
	}
	if !slices.Contains([]string{"md", "json", "svg"}, *format) {
		return usageError("aimsctl gap: --format must be md, json or svg, got %q", *format)
	}
	if *target < 1 || *target > 5 {
		return usageError("aimsctl gap: --target must be 1 to 5, got %d", *target)
	}
	ws, err := wf.open(ctx, a, false)
	if err != nil {
		return err
	}
	defer ws.Close()
	as, err := ws.AIMS.GapAssessment(ctx, &audit.GapOptions{Target: audit.Maturity(*target)})
	if err != nil {
		return err
	}
	switch *format {
	case "json":
		return as.WriteJSON(a.stdout)
	case "svg":
		return as.WriteSVG(a.stdout)
	}
	return as.WriteMarkdown(a.stdout)
}

func runGapRate(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl gap rate", "record a person's maturity rating of a clause or control; it overrides what the records suggest", "REF --level 0-5 [--evidence E...]")
	wf := addWorkspaceFlags(f)
	level := f.Int("level", -1, "maturity 0 (none) to 5 (optimising) (required)")
	var evidence multiFlag
	f.Var(&evidence, "evidence", "what supports the rating (repeatable)")
	pos, err := leaf(f, args, 1, 1)
	if err != nil {
		return err
	}
	if m := audit.Maturity(*level); !m.Valid() {
		return usageError("aimsctl gap rate: --level must be 0 to 5, got %d", *level)
	}
	ws, err := wf.open(ctx, a, false)
	if err != nil {
		return err
	}
	defer ws.Close()
	if err := ws.AIMS.Gap().Set(ctx, wf.who(a), pos[0], audit.Maturity(*level), evidence); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "%s rated %s\n", pos[0], audit.Maturity(*level))
	return nil
}
