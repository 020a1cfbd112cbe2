package main

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/aimsgo/iso42001"
	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/sqlstore"
	"github.com/aimsgo/iso42001/audit"
	"github.com/aimsgo/iso42001/controls"
	"github.com/aimsgo/iso42001/impact"
	"github.com/aimsgo/iso42001/risk"
	"github.com/aimsgo/iso42001/soa"
)

// demoStart is when the demo begins unless AIMSCTL_NOW says otherwise: a
// fixed instant, so that every run prints the same story.
var demoStart = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

// The demo's cast. Each holds the roles the standard's separation of
// duties needs: authors never approve their own work, auditors never audit
// their own areas, implementers never verify their own actions.
const (
	demoAlice = "alice" // head of AI governance: AIMS manager, document controller
	demoBob   = "bob"   // chief operating officer: top management, approver
	demoCarol = "carol" // internal auditor
	demoDave  = "dave"  // head of credit risk: owns the credit model and its risks
	demoErin  = "erin"  // ML engineering lead: owns the assistant, fixes things
	demoFrank = "frank" // outsourced internal auditor: audits clause 9, which carol runs
)

// demoCommand is "aimsctl demo": the SDK shown end to end on a worked
// organisation, for a newcomer to read and then explore with --db.
func demoCommand() *command {
	return &command{name: "demo", summary: "walk a fictional organisation through a full PDCA cycle", usage: "[--db FILE]", run: runDemoCommand}
}

// runDemoCommand opens the demo's workspace (a temporary file unless --db
// names a new one) and runs [runDemo] on it.
func runDemoCommand(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl demo",
		"take a fictional lender through one Plan-Do-Check-Act cycle with the SDK, narrating each step; with --db the workspace is kept for other aimsctl commands",
		"[--db FILE]")
	db := f.String("db", "", "write the demo workspace to this new SQLite file (default: a temporary file, removed afterwards)")
	if _, err := leaf(f, args, 0, 0); err != nil {
		return err
	}
	start := demoStart
	if now := a.getenv("AIMSCTL_NOW"); now != "" {
		t, err := time.Parse(time.RFC3339, now)
		if err != nil {
			return usageError("AIMSCTL_NOW: %v", err)
		}
		start = t.UTC()
	}
	path := *db
	switch {
	case isPostgres(path):
		return usageError("aimsctl demo: --db must be a SQLite file, not a PostgreSQL URL")
	case path == "":
		dir, err := os.MkdirTemp("", "aimsctl-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		path = filepath.Join(dir, "demo.db")
	default:
		// Mixing the demo's records into a real workspace would corrupt
		// both stories: only a new or empty file is accepted.
		if st, err := os.Stat(path); err == nil && st.Size() > 0 {
			return fmt.Errorf("aimsctl demo: %s exists and is not empty: choose a new file", path)
		}
	}
	clk := &demoClock{now: start}
	ws, err := openDemoWorkspace(ctx, path, clk)
	if err != nil {
		return err
	}
	defer ws.Close()
	if err := runDemo(ctx, a.stdout, ws, clk); err != nil {
		return err
	}
	if *db != "" {
		fmt.Fprintf(a.stdout, "\nThe workspace is in %s: try 'aimsctl pdca status --db %s'.\n", *db, *db)
	}
	return nil
}

// demoClock is the demo's clock: it moves only when the story says so.
// It is safe for concurrent use, as a workspace clock must be.
type demoClock struct {
	mu  sync.Mutex
	now time.Time
}

// Now returns the current demo time.
func (c *demoClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// advance moves the clock on by d.
func (c *demoClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// days moves the clock on by n days.
func (c *demoClock) days(n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.AddDate(0, 0, n)
}

// openDemoWorkspace creates a SQLite workspace at path whose clock is clk
// and whose ids count up per kind, so that two runs write the same records.
func openDemoWorkspace(ctx context.Context, path string, clk *demoClock) (*workspace, error) {
	db, err := sql.Open("sqlite", sqliteDSN(path))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	store, err := sqlstore.Open(ctx, db, sqlstore.SQLite)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	var mu sync.Mutex
	seq := map[string]int{}
	sys, err := iso42001.Open(ctx, store, "default", &iso42001.Options{
		Clock: clk.Now,
		NewID: func(kind string) string {
			mu.Lock()
			defer mu.Unlock()
			seq[kind]++
			return fmt.Sprintf("%s-%d", kind, seq[kind])
		},
	})
	if err != nil {
		db.Close()
		return nil, err
	}
	return &workspace{Workspace: sys.Workspace(), AIMS: sys, db: db}, nil
}

// demo carries the services one run of the demo uses.
type demo struct {
	w   io.Writer
	ws  *workspace
	clk *demoClock
	nc  string // the nonconformity the audit opens
}

// say prints one line of narrative.
func (d *demo) say(format string, args ...any) { fmt.Fprintf(d.w, format+"\n", args...) }

// step runs fn as the named step; a failure names the step.
func (d *demo) step(name string, fn func() error) error {
	if err := fn(); err != nil {
		return fmt.Errorf("demo step %q: %w", name, err)
	}
	return nil
}

// runDemo takes the fictional Northwind Lending through one full PDCA
// cycle on ws, narrating each step on w. clk is ws's clock; the demo moves
// it on between steps. It stops at the first failing step, with an error
// naming it.
func runDemo(ctx context.Context, w io.Writer, ws *workspace, clk *demoClock) error {
	d := &demo{w: w, ws: ws, clk: clk}
	d.say("Northwind Lending provides a credit-scoring model and deploys an LLM assistant for its")
	d.say("customer service. This demo takes it through one ISO/IEC 42001 Plan-Do-Check-Act cycle.")
	for _, s := range []struct {
		name string
		fn   func(context.Context) error
	}{
		{"start", d.start},
		{"plan", d.plan},
		{"do", d.do},
		{"life cycle", d.lifecycle},
		{"check", d.check},
		{"act", d.act},
		{"finish", d.finish},
	} {
		if err := s.fn(ctx); err != nil {
			return err
		}
	}
	return nil
}

// phase prints a phase heading with the demo date.
func (d *demo) phase(title string) {
	d.say("\n== %s (%s) ==", title, d.clk.Now().Format("2006-01-02"))
}

// readiness runs certification readiness for stage.
func (d *demo) readiness(ctx context.Context, stage audit.Stage) (*audit.ReadinessReport, error) {
	return d.ws.AIMS.Readiness(ctx, stage)
}

// printReadiness prints a readiness report: failing items in full, passing
// ones counted.
func (d *demo) printReadiness(rep *audit.ReadinessReport) {
	if rep.Ready {
		d.say("Readiness, stage %d: READY, all %d checks pass.", rep.Stage, len(rep.Items))
		return
	}
	d.say("Readiness, stage %d: NOT READY, %d of %d checks fail:", rep.Stage, len(rep.Failing), len(rep.Items))
	for _, f := range rep.Failing {
		d.say("  MISSING %-6s %s: %s", f.Clause, f.Title, f.Detail)
	}
}

// demoPlural returns "1 audit" or "2 audits".
func demoPlural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// advance passes the PDCA gate out of the current phase.
func (d *demo) advance(ctx context.Context) error {
	pd := d.ws.AIMS.PDCA()
	st, err := pd.Status(ctx)
	if err != nil {
		return err
	}
	c, err := pd.Advance(ctx, demoAlice)
	if err != nil {
		return err
	}
	d.say("PDCA: gate %s passed (%s ok); cycle %d is now in phase %s.", st.Gate, demoPlural(len(st.Checks), "check"), c.Number, c.Phase())
	return nil
}

// start shows an empty AIMS failing readiness, clause by clause.
func (d *demo) start(ctx context.Context) error {
	return d.step("start", func() error {
		d.phase("Start: where the AIMS stands")
		rep, err := d.readiness(ctx, audit.Stage1)
		if err != nil {
			return err
		}
		d.printReadiness(rep)
		if rep.Ready {
			return errors.New("an empty workspace reports ready")
		}
		st, err := d.ws.AIMS.PDCA().Status(ctx)
		if err != nil {
			return err
		}
		if st.Ready {
			return errors.New("the PDCA gate of an empty workspace is open")
		}
		d.say("PDCA: cycle %d, phase %s; gate %s blocked by %d of %d checks, so the AIMS cannot skip its plan.",
			st.Cycle, st.Phase, st.Gate, len(st.Blocking), len(st.Checks))
		return nil
	})
}

// demoDoc returns a short demo document of type typ for clauses.
func demoDoc(number, title string, typ aims.DocType, clauses ...string) *aims.DocumentedInfo {
	return &aims.DocumentedInfo{Number: number, Title: title, Type: typ, Clauses: clauses,
		Text: "Northwind Lending " + strings.ToLower(title) + "."}
}

// approveDoc has alice write and submit doc and bob approve it.
func (d *demo) approveDoc(ctx context.Context, doc *aims.DocumentedInfo) (*aims.DocumentedInfo, error) {
	ds := d.ws.AIMS.Documents()
	if err := ds.Create(ctx, demoAlice, doc); err != nil {
		return nil, err
	}
	if _, err := ds.Submit(ctx, demoAlice, doc.ID); err != nil {
		return nil, err
	}
	return ds.Approve(ctx, demoBob, doc.ID)
}

// plan sets context, leadership and planning (clauses 4-7, 6.1.4, the
// SoA) and passes plan->do.
func (d *demo) plan(ctx context.Context) error {
	ws := d.ws.Workspace
	d.clk.advance(time.Hour)
	d.phase("Plan")
	if err := d.step("plan: roles", func() error {
		cast := []struct {
			who   string
			roles []aims.Role
		}{
			{demoAlice, []aims.Role{aims.RoleAIMSManager, aims.RoleDocumentController}},
			{demoBob, []aims.Role{aims.RoleTopManagement, aims.RoleApprover}},
			{demoCarol, []aims.Role{aims.RoleInternalAuditor, aims.RoleAuditManager}},
			{demoDave, []aims.Role{aims.RoleRiskManager}},
			{demoErin, []aims.Role{"ml-engineer"}},
			{demoFrank, []aims.Role{aims.RoleInternalAuditor}},
		}
		var parts []string
		for _, c := range cast {
			if err := aims.RoleAssignments(ws).Create(ctx, demoAlice, &aims.RoleAssignment{Meta: aims.Meta{ID: c.who}, Roles: c.roles}); err != nil {
				return err
			}
			rs := make([]string, len(c.roles))
			for i, r := range c.roles {
				rs[i] = string(r)
			}
			parts = append(parts, c.who+" ("+strings.Join(rs, ", ")+")")
		}
		d.say("5.3      Roles assigned: %s.", strings.Join(parts, "; "))
		return nil
	}); err != nil {
		return err
	}
	if err := d.step("plan: context", func() error {
		org := &aims.Organisation{Meta: aims.Meta{ID: aims.OrganisationID}, Name: "Northwind Lending",
			AIMSName: "Northwind AIMS", Description: "Consumer credit provider", Sectors: []string{"finance"},
			Roles: []aims.AIRole{aims.AIRoleProvider, aims.AIRoleUser}}
		if err := aims.Organisations(ws).Create(ctx, demoAlice, org); err != nil {
			return err
		}
		credit := &aims.AISystem{Meta: aims.Meta{ID: "credit-model"}, Name: "Credit scoring model",
			Purpose: "Score the creditworthiness of consumer loan applicants", Roles: []aims.AIRole{aims.AIRoleProvider},
			Owner: demoDave, ModelVersion: "v3", Stage: aims.StageOperationMonitoring,
			DataSources:       []aims.DataSource{{Name: "loan-history", Kind: aims.DataTraining, Provenance: "own loan book 2015-2025"}},
			DeploymentContext: "Online loan applications; a credit officer reviews every decline", InScope: true}
		assistant := &aims.AISystem{Meta: aims.Meta{ID: "support-assistant"}, Name: "Customer service assistant",
			Purpose: "Answer customers' questions about their loans", Roles: []aims.AIRole{aims.AIRoleUser},
			Owner: demoErin, ModelVersion: "vendor LLM 2025-11", Stage: aims.StageDeployment,
			DeploymentContext: "Web chat; hands over to a person on request", InScope: true}
		for _, s := range []*aims.AISystem{credit, assistant} {
			if err := aims.AISystems(ws).Create(ctx, demoAlice, s); err != nil {
				return err
			}
		}
		scope := &aims.Scope{Meta: aims.Meta{ID: aims.ScopeID},
			Statement:  "The development and operation of AI for consumer lending and customer service at Northwind Lending.",
			Inclusions: []string{"credit risk", "customer service", "ML engineering"},
			AISystems:  []string{credit.ID, assistant.ID}}
		if err := aims.Scopes(ws).Create(ctx, demoAlice, scope); err != nil {
			return err
		}
		issues := []*aims.ContextIssue{
			{Meta: aims.Meta{ID: "ctx-eu-ai-act"}, Title: "The EU AI Act makes credit scoring a high-risk use", Type: aims.IssueExternal, Category: aims.CategoryLegal},
			{Meta: aims.Meta{ID: "ctx-ml-skills"}, Title: "A small ML team carries both AI systems", Type: aims.IssueInternal, Category: aims.CategoryOrganisational},
		}
		for _, c := range issues {
			if err := aims.ContextIssues(ws).Create(ctx, demoAlice, c); err != nil {
				return err
			}
		}
		party := &aims.InterestedParty{Meta: aims.Meta{ID: "party-regulator"}, Name: "Financial supervisor", Category: aims.PartyRegulator,
			Requirements: []aims.Requirement{{ID: "req-explain", Text: "Explain the main reasons for each credit decline", Source: aims.SourceRegulatory, Addressed: true}}}
		if err := aims.InterestedParties(ws).Create(ctx, demoAlice, party); err != nil {
			return err
		}
		d.say("4.1-4.3  Organisation %q recorded with %d context issues (internal and external) and interested party %s;",
			org.Name, len(issues), party.ID)
		d.say("         inventory: %s, %s; scope %s covers both.", credit.ID, assistant.ID, scope.ID)
		return nil
	}); err != nil {
		return err
	}
	if err := d.step("plan: AI policy", func() error {
		ds := aims.NewDocuments(ws)
		pol := demoDoc("POL-AI", "AI policy", aims.DocPolicy, "5.2")
		pol.AIPolicy = true
		pol.Text = "Northwind Lending uses AI to serve customers fairly and transparently, within its risk appetite."
		if err := ds.Create(ctx, demoAlice, pol); err != nil {
			return err
		}
		if _, err := ds.Submit(ctx, demoAlice, pol.ID); err != nil {
			return err
		}
		d.clk.advance(2 * time.Hour)
		if _, err := ds.Approve(ctx, demoAlice, pol.ID); !errors.Is(err, aims.ErrForbidden) {
			return fmt.Errorf("the author approving her own policy: got %v, want refusal", err)
		}
		if _, err := ds.Approve(ctx, demoBob, pol.ID); err != nil {
			return err
		}
		p, err := ds.Publish(ctx, demoBob, pol.ID)
		if err != nil {
			return err
		}
		d.say("5.2      AI policy %s written by alice, submitted; alice may not approve it herself, bob approves and publishes it (%s).", p.ID, p.State)
		return nil
	}); err != nil {
		return err
	}
	if err := d.step("plan: objective", func() error {
		obj := &aims.Objective{Meta: aims.Meta{ID: "obj-fair-credit"}, Title: "Fair credit decisions",
			Statement:   "Approval rates may not differ by more than 5 points between protected groups.",
			Measures:    []aims.Measure{{Metric: "approval-gap", Target: 5, Unit: "points", Direction: aims.AtMost}},
			Responsible: demoDave, Due: d.clk.Now().AddDate(1, 0, 0),
			Related: []controls.AIObjective{controls.AIObjectiveFairness}, AISystems: []string{"credit-model"}}
		if err := aims.Objectives(ws).Create(ctx, demoAlice, obj); err != nil {
			return err
		}
		d.say("6.2      AI objective %s: approval gap at most 5 points, owned by dave.", obj.ID)
		return nil
	}); err != nil {
		return err
	}
	var reg *risk.Register
	if err := d.step("plan: risk assessment", func() error {
		if err := risk.SaveCriteria(ctx, ws, demoAlice, risk.DefaultCriteria()); err != nil {
			return err
		}
		var err error
		if reg, err = riskRegister(ctx, d.ws); err != nil {
			return err
		}
		d.say("6.1.1    Risk criteria saved (the SDK's defaults: 5x5 matrix with an appetite).")
		risks := []struct {
			rk   *risk.Risk
			a    risk.Assessment
			note string
			t    risk.Treatment
		}{
			{&risk.Risk{Meta: aims.Meta{ID: "R-1"}, Title: "Bias against protected groups in credit decisions",
				Owner: demoDave, Systems: []string{"credit-model"},
				Sources:      []controls.RiskSource{controls.SourceMachineLearning},
				Objectives:   []controls.AIObjective{controls.AIObjectiveFairness},
				Causes:       []string{"historical lending data encodes past discrimination"},
				Consequences: []string{"unfair refusals of credit", "regulatory action"}},
				risk.Assessment{Likelihood: 4, Consequence: 4}, "seen in back-testing",
				risk.Treatment{Options: []risk.Option{risk.OptionChangeLikelihood},
					Controls: []risk.ControlChoice{{ID: "A.7.4"}, {ID: "A.6.2.4"}, {ID: "A.5.4"}},
					Actions:  []risk.Action{{ID: "act-1", Title: "Fairness tests in the release gate", Owner: demoErin, Due: d.clk.Now().AddDate(0, 1, 0)}}}},
			{&risk.Risk{Meta: aims.Meta{ID: "R-2"}, Title: "Prompt injection makes the assistant disclose customer data",
				Owner: demoErin, Systems: []string{"support-assistant"},
				Sources:      []controls.RiskSource{controls.SourceMachineLearning},
				Objectives:   []controls.AIObjective{controls.AIObjectivePrivacy},
				Causes:       []string{"untrusted text reaches the model's instructions"},
				Consequences: []string{"disclosure of personal data"}},
				risk.Assessment{Likelihood: 3, Consequence: 4}, "red-team exercise",
				risk.Treatment{Options: []risk.Option{risk.OptionChangeLikelihood},
					Controls: []risk.ControlChoice{{ID: "A.6.2.6"}, {ID: "A.8.2"}},
					Actions:  []risk.Action{{ID: "act-2", Title: "Input filtering and output redaction", Owner: demoErin, Due: d.clk.Now().AddDate(0, 1, 0)}}}},
		}
		for _, r := range risks {
			if err := reg.Add(ctx, r.rk.Owner, r.rk); err != nil {
				return err
			}
			rk, err := reg.Assess(ctx, r.rk.Owner, r.rk.ID, risk.StageInherent, r.a, r.note)
			if err != nil {
				return err
			}
			for _, ev := range []risk.Event{risk.EventAnalyse, risk.EventEvaluate} {
				if _, err := reg.Fire(ctx, r.rk.Owner, rk.ID, ev, nil); err != nil {
					return err
				}
			}
			rk, err = reg.Treat(ctx, r.rk.Owner, rk.ID, r.t)
			if err != nil {
				return err
			}
			ids := make([]string, len(rk.Treatment.Controls))
			for i, c := range rk.Treatment.Controls {
				ids[i] = c.ID
			}
			d.say("6.1.2-3  Risk %s %q: %s; treated with %s.", rk.ID, rk.Title, rk.Inherent.Score.Explain(), strings.Join(ids, ", "))
		}
		return nil
	}); err != nil {
		return err
	}
	if err := d.step("plan: impact assessment", func() error {
		return d.impact(ctx, reg)
	}); err != nil {
		return err
	}
	if err := d.step("plan: procedures", func() error {
		docs := []*aims.DocumentedInfo{
			demoDoc("PRO-RA", "AI risk assessment process", aims.DocProcedure, "6.1.2", "8.2"),
			demoDoc("PRO-RT", "AI risk treatment process", aims.DocProcedure, "6.1.3", "8.3"),
			demoDoc("PRO-IA", "AI system impact assessment process", aims.DocProcedure, "6.1.4", "8.4"),
			demoDoc("PLN-RES", "Resource plan of the AIMS", aims.DocPlan, "7.1"),
			demoDoc("REC-COMP", "Training records of the AI team", aims.DocRecord, "7.2"),
			demoDoc("REC-AWARE", "Awareness briefing attendance on the AI policy", aims.DocRecord, "7.3"),
			demoDoc("PLN-COMM", "Communication plan of the AIMS", aims.DocPlan, "7.4"),
			demoDoc("PLN-OPS", "Operational plan for AI releases", aims.DocPlan, "8.1"),
		}
		var ids []string
		for _, doc := range docs {
			if _, err := d.approveDoc(ctx, doc); err != nil {
				return err
			}
			ids = append(ids, doc.ID)
		}
		d.say("7.5      Documented information approved by bob: %s.", strings.Join(ids, ", "))
		return nil
	}); err != nil {
		return err
	}
	if err := d.step("plan: statement of applicability", func() error {
		svc, err := soaService(ctx, d.ws)
		if err != nil {
			return err
		}
		if _, err := svc.Decide(ctx, demoAlice, soa.Decision{Control: "A.10.4", Choice: soa.Exclude,
			Reason: "Northwind supplies no AI system to customers as a product"}); err != nil {
			return err
		}
		doc, err := svc.Draft(ctx, demoAlice)
		if err != nil {
			return err
		}
		c := doc.Counts()
		_, err = svc.Submit(ctx, demoAlice, doc.Number)
		if !errors.Is(err, aims.ErrTransitionDenied) {
			return fmt.Errorf("submitting an SoA with %d undecided controls: got %v, want refusal", c.Undecided, err)
		}
		d.say("6.1.3    SoA draft %d: %d controls required by risk treatments, impact mitigations and screening duties, %d excluded,",
			doc.Number, c.Applicable, c.Excluded)
		d.say("         %d undecided: submitting it is refused until a person decides each.", c.Undecided)
		n := 0
		for _, e := range doc.Entries {
			if !e.Undecided {
				continue
			}
			reason := demoSoAReasons[strings.Join(strings.Split(e.Control, ".")[:2], ".")]
			if len(e.Proposals) > 0 {
				reason = "already operated: " + e.Proposals[0].Evidence
			}
			if _, err := svc.Decide(ctx, demoAlice, soa.Decision{Control: e.Control, Choice: soa.Include, Reason: reason}); err != nil {
				return err
			}
			n++
		}
		d.say("         alice includes the %d undecided controls, each with her reason (those already operated cite their records).", n)
		if doc, err = svc.Draft(ctx, demoAlice); err != nil {
			return err
		}
		if _, err := svc.Submit(ctx, demoAlice, doc.Number); err != nil {
			return err
		}
		d.clk.advance(time.Hour)
		if _, err := svc.Approve(ctx, demoAlice, doc.Number); !errors.Is(err, aims.ErrForbidden) {
			return fmt.Errorf("the author approving her own SoA: got %v, want refusal", err)
		}
		doc, err = svc.Approve(ctx, demoBob, doc.Number)
		if err != nil {
			return err
		}
		applicable := 0
		for _, e := range doc.Entries {
			if e.Applicable {
				applicable++
			}
		}
		d.say("6.1.3    SoA version %d drafted by alice (%d of %d Annex A controls applicable), approved by bob.",
			doc.Number, applicable, len(doc.Entries))
		return nil
	}); err != nil {
		return err
	}
	return d.step("plan: pass the gate", func() error { return d.advance(ctx) })
}

// demoAreas are the audit areas with their owners: every clause 4-10 and
// every Annex A objective; clause 9 only when withNine.
func demoAreas(withNine bool) []audit.Area {
	owners := []struct{ id, owner string }{
		{"4", demoAlice}, {"5", demoBob}, {"6", demoDave}, {"7", demoAlice}, {"8", demoDave}, {"9", demoCarol}, {"10", demoAlice},
		{"A.2", demoAlice}, {"A.3", demoAlice}, {"A.4", demoErin}, {"A.5", demoDave}, {"A.6", demoErin},
		{"A.7", demoErin}, {"A.8", demoDave}, {"A.9", demoDave}, {"A.10", demoAlice},
	}
	var out []audit.Area
	for _, o := range owners {
		if o.id == "9" && !withNine {
			continue
		}
		out = append(out, audit.Area{ID: o.id, Owner: o.owner, RiskLevel: 3})
	}
	return out
}

// demoSoAReasons are alice's reasons for including the controls no
// treatment or obligation requires, by Annex A objective.
var demoSoAReasons = map[string]string{
	"A.2":  "the AI policy and its alignment with other policies are Northwind's own",
	"A.3":  "roles and the reporting of concerns cover both AI systems",
	"A.4":  "the resources of both AI systems are documented and planned",
	"A.5":  "impact assessments are part of every release of the credit model",
	"A.6":  "Northwind develops, verifies and operates the credit model itself",
	"A.7":  "the credit model is trained on Northwind's own loan data",
	"A.8":  "applicants, customers and the supervisor need information about the AI",
	"A.9":  "credit officers use the scores and customers use the assistant",
	"A.10": "a vendor supplies the assistant's model; suppliers are in scope",
}

// impact assesses both in-scope systems (6.1.4, 8.4): the credit model in
// full, with its EU AI Act screening; the assistant more briefly.
func (d *demo) impact(ctx context.Context, reg *risk.Register) error {
	imp, err := impactService(ctx, d.ws)
	if err != nil {
		return err
	}
	a, err := imp.New(ctx, demoDave, "credit-model")
	if err != nil {
		return err
	}
	if a, err = imp.Answer(ctx, demoDave, a.ID, demoCreditAnswers()); err != nil {
		return err
	}
	screen, err := imp.Screen(ctx, demoDave, "credit-model", demoMerge(demoScreening("provider"), impact.Answers{
		"annex-iii": impact.ListValue("5b"), "derogation": impact.ListValue("none"), "profiling": impact.BoolValue(true)}))
	if err != nil {
		return err
	}
	if a, err = imp.Get(ctx, a.ID); err != nil {
		return err
	}
	a.Misuse = []string{"Employment screening with the credit score"}
	a.Stakeholders = []impact.Stakeholder{
		{Name: "loan applicants", Kind: impact.AffectedSubjects, Vulnerable: true, Note: "includes people in financial hardship"},
		{Name: "credit officers", Kind: impact.AffectedUsers},
	}
	a.Impacts = []impact.Impact{
		{ID: "I1", Title: "Unfair declines for protected groups", Effect: impact.Harm, Dimension: impact.DimensionFairness,
			Description: "Historic lending bias reproduced in scores declines some groups more often.",
			Affected:    []string{"loan applicants"},
			Levels:      impact.Levels{Severity: 4, Likelihood: 4, Scale: 4, Reversibility: 3},
			Sources:     []controls.RiskSource{controls.SourceMachineLearning},
			Mitigations: []impact.Mitigation{{Description: "Bias testing per release and data quality checks", Controls: []string{"A.7.4", "A.6.2.4"}}},
			Residual:    impact.Levels{Severity: 3, Likelihood: 2, Scale: 3, Reversibility: 2}},
		{ID: "I2", Title: "Faster decisions", Effect: impact.Benefit, Dimension: impact.DimensionEconomic, Affected: []string{"loan applicants"}},
	}
	a.Consulted = []impact.Consultation{{Party: "Consumer association", Date: d.clk.Now(), Summary: "Asked for reasons on declines"}}
	a.Decision = &impact.Decision{Verdict: impact.ProceedWithConditions, Rationale: "Benefits outweigh the residual harm once bias testing runs.",
		Conditions: []string{"bias test passes before each release"}}
	if a, err = imp.Update(ctx, demoDave, a); err != nil {
		return err
	}
	if _, err := imp.Submit(ctx, demoDave, a.ID); err != nil {
		return err
	}
	links, err := imp.Link(ctx, demoDave, a.ID)
	if err != nil {
		return err
	}
	d.clk.advance(time.Hour)
	if a, err = imp.Approve(ctx, demoBob, a.ID); err != nil {
		return err
	}
	d.say("6.1.4    Impact assessment %s of credit-model: outcome %s, EU AI Act tier %s; harm I1 linked to new risk %s; approved by bob.",
		a.ID, a.Result.Outcome, screen.Tier, links[0].Risk)
	// The harm above the threshold became a risk of its own: treat it.
	rk := links[0].Risk
	if r, err := reg.Get(ctx, rk); err != nil {
		return err
	} else if risk.State(r.State) != risk.StateTreatmentPlanned {
		analysis := func(r *risk.Risk) error {
			r.Causes = []string{"historic lending bias in the training data"}
			r.Consequences = []string{"unfair declines for protected groups"}
			return nil
		}
		if _, err := reg.Fire(ctx, demoDave, rk, risk.EventAnalyse, analysis); err != nil {
			return err
		}
		if _, err := reg.Fire(ctx, demoDave, rk, risk.EventEvaluate, nil); err != nil {
			return err
		}
	}
	if _, err := reg.Treat(ctx, demoDave, rk, risk.Treatment{Options: []risk.Option{risk.OptionChangeLikelihood},
		Controls: []risk.ControlChoice{{ID: "A.7.4"}, {ID: "A.6.2.4"}},
		Actions:  []risk.Action{{ID: "act-3", Title: "Bias test in every release", Owner: demoErin, Due: d.clk.Now().AddDate(0, 1, 0)}}}); err != nil {
		return err
	}
	d.say("6.1.3    Risk %s treated with A.7.4, A.6.2.4.", rk)

	b, err := imp.New(ctx, demoErin, "support-assistant")
	if err != nil {
		return err
	}
	if _, err = imp.Answer(ctx, demoErin, b.ID, demoAssistantAnswers()); err != nil {
		return err
	}
	screenB, err := imp.Screen(ctx, demoErin, "support-assistant", demoMerge(demoScreening("deployer"), impact.Answers{
		"public-service": impact.BoolValue(false), "interacts-with-people": impact.BoolValue(true), "interaction-obvious": impact.BoolValue(false)}))
	if err != nil {
		return err
	}
	if b, err = imp.Get(ctx, b.ID); err != nil {
		return err
	}
	b.Stakeholders = []impact.Stakeholder{{Name: "customers", Kind: impact.AffectedUsers}}
	b.Impacts = []impact.Impact{
		{ID: "I1", Title: "Wrong answers about loan terms", Effect: impact.Harm, Dimension: impact.DimensionEconomic,
			Affected: []string{"customers"},
			Levels:   impact.Levels{Severity: 1, Likelihood: 2, Scale: 1, Reversibility: 1},
			Mitigations: []impact.Mitigation{{Description: "Answers cite the customer's contract; hand-over to a person",
				Controls: []string{"A.8.2"}}}},
	}
	b.Decision = &impact.Decision{Verdict: impact.Proceed, Rationale: "Low harm, reversible, a person is one click away."}
	if b, err = imp.Update(ctx, demoErin, b); err != nil {
		return err
	}
	if _, err := imp.Submit(ctx, demoErin, b.ID); err != nil {
		return err
	}
	if b, err = imp.Approve(ctx, demoBob, b.ID); err != nil {
		return err
	}
	d.say("6.1.4    Impact assessment %s of support-assistant: outcome %s, EU AI Act tier %s; approved by bob.",
		b.ID, b.Result.Outcome, screenB.Tier)
	return nil
}

// demoCreditAnswers answers the built-in baseline questionnaire for the
// credit model.
func demoCreditAnswers() impact.Answers {
	return impact.Answers{
		"intended-uses":         impact.TextValue("Score consumer loan applicants' creditworthiness"),
		"foreseeable-misuse":    impact.TextValue("Using the score for employment screening"),
		"deployment-context":    impact.TextValue("Online loan applications; officers review declines"),
		"automation":            impact.TextValue("human-on-the-loop"),
		"significant-decisions": impact.BoolValue(true),
		"affected":              impact.ListValue("subjects", "users"),
		"vulnerable":            impact.BoolValue(true),
		"vulnerable-groups":     impact.ListValue("precarious"),
		"scale":                 impact.TextValue("population"),
		"dimensions":            impact.ListValue("fairness", "economic", "privacy"),
		"personal-data":         impact.BoolValue(true),
		"special-category-data": impact.BoolValue(false),
		"reversibility":         impact.TextValue("with-effort"),
		"contestable":           impact.BoolValue(true),
		"consulted":             impact.BoolValue(true),
		"consulted-whom":        impact.TextValue("Consumer association; they asked for reasons on declines"),
	}
}

// demoAssistantAnswers answers the baseline questionnaire for the assistant.
func demoAssistantAnswers() impact.Answers {
	a := demoCreditAnswers()
	a["intended-uses"] = impact.TextValue("Answer customers' questions about their loans")
	a["foreseeable-misuse"] = impact.TextValue("Asking it for financial advice")
	a["deployment-context"] = impact.TextValue("Web chat with hand-over to a person")
	a["significant-decisions"] = impact.BoolValue(false)
	a["affected"] = impact.ListValue("users")
	a["vulnerable"] = impact.BoolValue(false)
	delete(a, "vulnerable-groups")
	a["dimensions"] = impact.ListValue("economic", "privacy")
	a["reversibility"] = impact.TextValue("easily")
	a["consulted"] = impact.BoolValue(false)
	delete(a, "consulted-whom")
	return a
}

// demoScreening answers every EU AI Act screening question "no" for
// an organisation in role.
func demoScreening(role string) impact.Answers {
	a := impact.Answers{"role": impact.ListValue(role), "annex-iii": impact.ListValue("none")}
	for _, q := range []string{"manipulation", "exploits-vulnerabilities", "social-scoring", "crime-prediction",
		"face-scraping", "emotion-recognition", "sensitive-categorisation", "realtime-rbi", "annex-i-product",
		"interacts-with-people", "generates-synthetic-content", "biometric-categorisation", "deep-fake",
		"public-interest-text", "gpai-model"} {
		a[q] = impact.BoolValue(false)
	}
	return a
}

// demoMerge returns a copy of a with the answers of b set over it.
func demoMerge(a, b impact.Answers) impact.Answers {
	out := maps.Clone(a)
	maps.Copy(out, b)
	return out
}

// do defines monitoring, implements the applicable controls and sets the
// audit programme, then passes do->check.
func (d *demo) do(ctx context.Context) error {
	ws := d.ws.Workspace
	d.clk.days(14)
	d.phase("Do")
	if err := d.step("do: monitoring", func() error {
		m := &audit.Metric{Meta: aims.Meta{ID: "approval-gap"}, Title: "Approval-rate gap between protected groups",
			Objective: "obj-fair-credit", Measure: "approval-gap", Method: "monthly fairness report on decisions",
			FrequencyDays: 30, Target: 5, Direction: aims.AtMost, Unit: "points", MeasuredBy: demoErin, EvaluatedBy: demoDave}
		if err := audit.NewMetrics(ws).Add(ctx, demoAlice, m); err != nil {
			return err
		}
		d.say("9.1      Metric %s defined for objective %s: measured monthly by erin, evaluated by dave.", m.ID, m.Objective)
		return nil
	}); err != nil {
		return err
	}
	if err := d.step("do: controls", func() error {
		svc, err := soaService(ctx, d.ws)
		if err != nil {
			return err
		}
		appr, err := svc.Approved(ctx)
		if err != nil {
			return err
		}
		var ids []string
		for _, e := range appr.Entries {
			if !e.Applicable {
				continue
			}
			c := e.Control
			sum := sha256.Sum256([]byte("evidence of " + c))
			if _, err := svc.PutImplementation(ctx, demoErin, soa.Implementation{Control: c, Status: soa.StatusImplemented,
				Owner: demoErin, LastReview: d.clk.Now(),
				Evidence: []soa.Evidence{{URI: "evidence/" + c + ".pdf", SHA256: hex.EncodeToString(sum[:])}}}); err != nil {
				return err
			}
			ids = append(ids, c)
		}
		reg, err := riskRegister(ctx, d.ws)
		if err != nil {
			return err
		}
		d.say("8.1      Controls implemented with evidence: %s.", strings.Join(ids, ", "))
		// 8.3: each treatment carried out, the residual risk assessed, and
		// accepted by the risk's owner within the criteria's tolerance.
		all, err := reg.All(ctx, risk.Filter{})
		if err != nil {
			return err
		}
		for _, rk := range all {
			if rk.Treatment == nil {
				continue
			}
			for _, act := range rk.Treatment.Actions {
				if act.Open() {
					if _, err := reg.CompleteAction(ctx, act.Owner, rk.ID, act.ID); err != nil {
						return err
					}
				}
			}
			if _, err := reg.Assess(ctx, rk.Owner, rk.ID, risk.StageResidual, risk.Assessment{Likelihood: 2, Consequence: 2}, "after the treatment's actions"); err != nil {
				return err
			}
			if _, err := reg.Fire(ctx, rk.Owner, rk.ID, risk.EventCompleteTreatment, nil); err != nil {
				return err
			}
			acc, err := reg.Accept(ctx, rk.Owner, rk.ID, "residual risk within appetite after treatment", time.Time{})
			if err != nil {
				return err
			}
			d.say("8.3      Risk %s: actions done, residual %s, accepted by its owner %s; next review %s.",
				acc.ID, acc.Residual.Score.Band, acc.Acceptance.By, acc.NextReview.Format("2006-01-02"))
		}
		return nil
	}); err != nil {
		return err
	}
	if err := d.step("do: audit programme", func() error {
		pr := &audit.Programme{Meta: aims.Meta{ID: "prog-2026"}, Title: "Internal audit programme 2026", FrequencyDays: 365,
			Methods: []string{"document review", "interview", "sampling of records"}, Responsible: demoCarol,
			Criteria: []string{"ISO/IEC 42001:2023", "AI policy"},
			Areas:    demoAreas(true)}
		if err := d.ws.AIMS.Programmes().Create(ctx, demoCarol, pr); err != nil {
			return err
		}
		d.say("9.2.2    Audit programme %s set by carol: every clause 4-10 and Annex A, yearly; frank audits clause 9, which carol runs.", pr.ID)
		return nil
	}); err != nil {
		return err
	}
	return d.step("do: pass the gate", func() error { return d.advance(ctx) })
}

// check measures and runs the internal audit, which raises a minor
// nonconformity, then passes check->act.
func (d *demo) check(ctx context.Context) error {
	ws := d.ws.Workspace
	d.clk.days(30)
	d.phase("Check")
	if err := d.step("check: measurements", func() error {
		ms := audit.NewMetrics(ws)
		if err := ms.Record(ctx, demoErin, &audit.Measurement{Metric: "approval-gap", Value: 3.2, Evidence: "fairness report January"}); err != nil {
			return err
		}
		st, err := ms.Status(ctx)
		if err != nil {
			return err
		}
		met := "met"
		if len(st) == 0 || !st[0].Met {
			met = "not met"
		}
		d.say("9.1      Measured approval-gap = 3.2 points (target at most 5): %s.", met)
		return nil
	}); err != nil {
		return err
	}
	var finding *audit.Finding
	if err := d.step("check: internal audit", func() error {
		as := d.ws.AIMS.Audits()
		appr, err := d.ws.AIMS.SoA().Approved(ctx)
		if err != nil {
			return err
		}
		var applicable []string
		for _, e := range appr.Entries {
			if e.Applicable {
				applicable = append(applicable, e.Control)
			}
		}
		// Carol audits everything but clause 9, which she runs herself;
		// frank, an outsourced auditor, audits that.
		audits := []audit.PlanInput{
			{ID: "audit-2026-1", Programme: "prog-2026", Title: "The AIMS and its controls", Areas: demoAreas(false),
				Criteria: []string{"ISO/IEC 42001:2023", "AI policy"}, Auditors: []string{demoCarol}, Lead: demoCarol,
				Planned: d.clk.Now(), Applicable: applicable},
			{ID: "audit-2026-2", Programme: "prog-2026", Title: "Performance evaluation", Areas: []audit.Area{{ID: "9", Owner: demoCarol, RiskLevel: 2}},
				Criteria: []string{"ISO/IEC 42001:2023"}, Auditors: []string{demoFrank}, Lead: demoFrank,
				Planned: d.clk.Now(), Applicable: applicable},
		}
		for _, in := range audits {
			lead := in.Lead
			a, err := as.Plan(ctx, lead, in)
			if err != nil {
				return err
			}
			if _, err := as.Start(ctx, lead, a.ID); err != nil {
				return err
			}
			d.say("9.2      Audit %s planned and started by %s, who owns none of its areas: %d checklist items.", a.ID, lead, len(a.Checklist))
			d.clk.advance(4 * time.Hour)
			for _, it := range a.Checklist {
				res, note := audit.ResultConforms, ""
				if it.Ref == "8.3" {
					res, note = audit.ResultNonconforming, "treatment action of impact risk not tracked"
				}
				if _, err := as.RecordResult(ctx, lead, a.ID, it.Ref, res, []string{"records sampled for " + it.Ref}, note); err != nil {
					return err
				}
			}
			if a.ID == "audit-2026-1" {
				finding = &audit.Finding{Type: audit.FindingMinor, Ref: "8.3",
					Statement: "The treatment action of the impact-derived risk has no progress record",
					Evidence:  []string{"risk register sampled on the audit date"}}
				if err := as.AddFinding(ctx, lead, a.ID, finding); err != nil {
					return err
				}
			}
			if _, err := as.Complete(ctx, lead, a.ID, "The AIMS is effectively implemented."); err != nil {
				return err
			}
		}
		d.nc = finding.Nonconformity
		d.say("9.2      Together the audits cover clauses 4-10 and all %d applicable controls; minor nonconformity %s against 8.3", len(applicable), finding.ID)
		d.say("         opened %s (owner dave); both audits completed.", finding.Nonconformity)
		return nil
	}); err != nil {
		return err
	}
	return d.step("check: pass the gate", func() error { return d.advance(ctx) })
}

// act takes the nonconformity through corrective action and holds the
// management review.
func (d *demo) act(ctx context.Context) error {
	ws := d.ws.Workspace
	d.clk.days(7)
	d.phase("Act")
	if err := d.step("act: corrective action", func() error {
		ncs := audit.NewNonconformities(ws)
		id := d.nc
		if _, err := ncs.Correct(ctx, demoDave, id, "progress record added for the impact-derived risk's action"); err != nil {
			return err
		}
		rc := audit.RootCause{Method: "5 whys", Causes: []string{"risks opened from impact assessments skip the monthly treatment review"},
			SimilarElsewhere: "none found among the other risks"}
		if _, err := ncs.Analyse(ctx, demoDave, id, rc); err != nil {
			return err
		}
		if _, err := ncs.Act(ctx, demoDave, id, audit.RootCause{}, []audit.Action{{Title: "Add impact-derived risks to the monthly treatment review",
			Owner: demoErin, Due: d.clk.Now().AddDate(0, 0, 14)}}); err != nil {
			return err
		}
		d.say("10.2     Nonconformity %s: dave corrects it, finds the root cause (5 whys) and plans an action for erin.", id)
		d.clk.days(10)
		if _, err := ncs.Implement(ctx, demoErin, id); err != nil {
			return err
		}
		if _, err := ncs.Verify(ctx, demoErin, id, true, "looks fine to me"); !errors.Is(err, aims.ErrForbidden) {
			return fmt.Errorf("the implementer verifying her own action: got %v, want refusal", err)
		}
		if _, err := ncs.Verify(ctx, demoCarol, id, true, "the March treatment review lists every impact-derived risk"); err != nil {
			return err
		}
		n, err := ncs.Close(ctx, demoAlice, id)
		if err != nil {
			return err
		}
		d.say("10.2     erin implements the action; she may not verify it herself, carol finds it effective; alice closes it (%s).", n.State)
		return nil
	}); err != nil {
		return err
	}
	if err := d.step("act: management review", func() error {
		rs := d.ws.AIMS.Reviews()
		r, err := rs.Prepare(ctx, demoAlice, "mr-2026-1", "Management review, first cycle", d.clk.Now())
		if err != nil {
			return err
		}
		nf := 0
		for _, n := range r.Inputs.Findings {
			nf += n
		}
		d.say("9.3.2    Management review %s prepared by alice; inputs gathered from the records: %s, %s, %d overdue actions.",
			r.ID, demoPlural(len(r.Inputs.Audits), "audit"), demoPlural(nf, "finding"), r.Inputs.OverdueActions)
		d.say("         Monitoring: %s.", r.Inputs.Monitoring)
		d.clk.days(1)
		r, err = rs.Record(ctx, demoBob, r.ID, audit.Outcome{Attendees: []string{demoBob, demoAlice, demoDave, demoCarol},
			Decisions: []string{"Keep the fairness objective; extend monitoring to the assistant"},
			Changes:   []string{"Impact-derived risks join the monthly treatment review"},
			Actions:   []audit.ReviewAction{{Title: "Define a metric for the assistant", Owner: demoErin, Due: d.clk.Now().AddDate(0, 1, 0)}}})
		if err != nil {
			return err
		}
		d.say("9.3.3    bob (top management) holds the review on %s: %s, %s, %s.",
			r.Held.Format("2006-01-02"), demoPlural(len(r.Decisions), "decision"), demoPlural(len(r.Changes), "change"), demoPlural(len(r.Actions), "action"))
		return nil
	}); err != nil {
		return err
	}
	return nil
}

// finish shows the cycle's evidence complete, passes into the next cycle
// and verifies the journal. Readiness runs before the passage: checks
// such as "internal audit completed in this cycle" look at the cycle in
// progress, and cycle 2 has only just begun.
func (d *demo) finish(ctx context.Context) error {
	if err := d.step("readiness", func() error {
		d.phase("Readiness at the end of cycle 1")
		d.say("Taken before the passage: the 9.1, 9.2 and 9.3 checks ask for evidence from the cycle in progress.")
		for _, stage := range []audit.Stage{audit.Stage1, audit.Stage2} {
			rep, err := d.readiness(ctx, stage)
			if err != nil {
				return err
			}
			d.printReadiness(rep)
			if !rep.Ready {
				return fmt.Errorf("stage %d is not ready", stage)
			}
		}
		return nil
	}); err != nil {
		return err
	}
	if err := d.step("act: pass the gate", func() error { return d.advance(ctx) }); err != nil {
		return err
	}
	return d.step("journal", func() error {
		rep, err := d.ws.Verify(ctx)
		if err != nil {
			return err
		}
		d.say("Journal: %d entries verified, hash chain intact.", rep.Entries)
		return nil
	})
}
