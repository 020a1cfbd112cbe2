package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/aimsgo/iso42001"
	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/sqlstore"
	"github.com/aimsgo/iso42001/audit"
	"github.com/aimsgo/iso42001/examples/manifests"
	"github.com/aimsgo/iso42001/lifecycle"
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

// until moves the clock on to t, if it is not there yet.
func (c *demoClock) until(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.now.Before(t) {
		c.now = t
	}
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
	// shift moves the manifest's dates by the distance from demoStart to
	// the run's start (AIMSCTL_NOW), so that the story keeps its shape.
	shift time.Duration
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
	d := &demo{w: w, ws: ws, clk: clk, shift: clk.Now().Sub(demoStart)}
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

// The parts of the manifest each phase applies, like a targeted plan:
// Plan applies what an organisation sets in Plan; Do the life cycle
// records; Check the measurements and internal audits; Act the
// management review and the change it decided (6.3). Each part keeps the
// sections its records refer to (roles, systems, objectives, metrics, audit
// programmes, all unchanged by then) and leaves out the rest, which the
// demo's Do phase has moved on from what Plan declared: a risk whose
// treatment was carried out and accepted is no longer the plan's risk.
func planPart(m *iso42001.Manifest) {
	m.Measurements, m.Audits, m.Reviews, m.Lifecycle = nil, nil, nil, nil
}

// lifecyclePart keeps the life cycle records and what they refer to,
// but the changes, which carry out what the management review decides.
func lifecyclePart(m *iso42001.Manifest) {
	l := m.Lifecycle
	recordsOnly(m)
	if l != nil {
		cp := *l
		cp.Changes = nil
		l = &cp
	}
	m.Measurements, m.Audits, m.Reviews, m.Lifecycle = nil, nil, nil, l
}

func checkPart(m *iso42001.Manifest) {
	recordsOnly(m)
	m.Reviews = nil
}

// actPart keeps the management review and the changes it decided.
func actPart(m *iso42001.Manifest) {
	var changes []iso42001.ChangeSpec
	if m.Lifecycle != nil {
		changes = m.Lifecycle.Changes
	}
	recordsOnly(m)
	m.Measurements, m.Audits = nil, nil
	if len(changes) > 0 {
		m.Lifecycle = &iso42001.LifecycleSpec{Changes: changes}
	}
}

// recordsOnly keeps the records of what happened and what they refer to.
func recordsOnly(m *iso42001.Manifest) {
	m.ContextIssues, m.InterestedParties, m.Scope, m.Documents = nil, nil, nil, nil
	m.RiskCriteria, m.Risks, m.SoA, m.ImpactAssessments, m.Lifecycle = nil, nil, nil, nil, nil
}

// manifest returns the embedded northwind.yaml, its dates moved by the
// run's shift, cut by part.
func (d *demo) manifest(part func(*iso42001.Manifest)) (*iso42001.Manifest, error) {
	m, err := iso42001.DecodeManifest(manifests.NorthwindName, manifests.Northwind())
	if err != nil {
		return nil, err
	}
	if d.shift != 0 {
		if m, err = shiftDates(m, d.shift); err != nil {
			return nil, err
		}
	}
	part(m)
	return m, nil
}

// shiftDates returns m with every date moved by shift: the manifest's
// JSON with each RFC 3339 time moved, read back.
func shiftDates(m *iso42001.Manifest, shift time.Duration) (*iso42001.Manifest, error) {
	b, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	var walk func(v any) any
	walk = func(v any) any {
		switch t := v.(type) {
		case map[string]any:
			for k, x := range t {
				t[k] = walk(x)
			}
		case []any:
			for i, x := range t {
				t[i] = walk(x)
			}
		case string:
			if at, err := time.Parse(time.RFC3339, t); err == nil && len(t) >= len("2006-01-02T15:04:05Z") {
				return at.Add(shift).UTC().Format(time.RFC3339)
			}
		}
		return v
	}
	if b, err = json.Marshal(walk(v)); err != nil {
		return nil, err
	}
	out := &iso42001.Manifest{}
	if err := json.Unmarshal(b, out); err != nil {
		return nil, err
	}
	return out, nil
}

// latest returns the latest of the dates of m's records of what happened
// (measurements, audits, reviews): the clock must have reached it before
// they are recorded.
func latest(m *iso42001.Manifest) time.Time {
	var t time.Time
	later := func(x time.Time) {
		if x.After(t) {
			t = x
		}
	}
	for _, v := range m.Measurements {
		later(v.At)
	}
	for _, a := range m.Audits {
		later(a.Completed)
	}
	for _, r := range m.Reviews {
		later(r.Held)
	}
	return t
}

// apply applies part of the manifest as alice, the AIMS manager, once
// the clock has reached the records' dates, and prints the plan's
// summary.
func (d *demo) apply(ctx context.Context, part func(*iso42001.Manifest)) (*iso42001.Plan, error) {
	m, err := d.manifest(part)
	if err != nil {
		return nil, err
	}
	d.clk.until(latest(m).Add(time.Hour))
	p, err := d.ws.AIMS.Apply(ctx, demoAlice, m, nil)
	if err != nil {
		return nil, err
	}
	byKind := map[string]int{}
	var kinds []string
	for _, c := range p.Changes {
		if c.Action == iso42001.ActionUnchanged {
			continue
		}
		if byKind[c.Kind] == 0 {
			kinds = append(kinds, c.Kind)
		}
		byKind[c.Kind]++
	}
	parts := make([]string, len(kinds))
	for i, k := range kinds {
		parts[i] = fmt.Sprintf("%d %s", byKind[k], k)
	}
	d.say("apply -f %s as alice: %s.", manifests.NorthwindName, p.Summary())
	d.say("         Carried out through the services, each step as the actor the manifest names: %s.", strings.Join(parts, ", "))
	return p, nil
}

// plan applies what Northwind sets in Plan (clauses 4-7, 6.1.4, the SoA)
// from its manifest, tells what it holds, and passes plan->do.
func (d *demo) plan(ctx context.Context) error {
	ws := d.ws.Workspace
	d.clk.advance(time.Hour)
	d.phase("Plan")
	if err := d.step("plan: apply the manifest", func() error {
		_, err := d.apply(ctx, planPart)
		return err
	}); err != nil {
		return err
	}
	return d.step("plan: what the manifest set", func() error {
		org, err := aims.Organisations(ws).Get(ctx, aims.OrganisationID)
		if err != nil {
			return err
		}
		issues, err := aims.ContextIssues(ws).All(ctx, nil)
		if err != nil {
			return err
		}
		parties, err := aims.InterestedParties(ws).All(ctx, nil)
		if err != nil {
			return err
		}
		scope, err := aims.Scopes(ws).Get(ctx, aims.ScopeID)
		if err != nil {
			return err
		}
		d.say("4.1-4.3  Organisation %q with %s and %s; scope covers %s.",
			org.Name, demoPlural(len(issues), "context issue"), demoPlural(len(parties), "interested party"), strings.Join(scope.AISystems, ", "))
		roles, err := aims.RoleAssignments(ws).All(ctx, nil)
		if err != nil {
			return err
		}
		var rs []string
		for _, r := range roles {
			names := make([]string, len(r.Roles))
			for i, x := range r.Roles {
				names[i] = string(x)
			}
			rs = append(rs, r.ID+" ("+strings.Join(names, ", ")+")")
		}
		d.say("5.3      Roles: %s.", strings.Join(rs, "; "))
		docs, err := d.ws.AIMS.Documents().Collection().All(ctx, nil)
		if err != nil {
			return err
		}
		var approved []string
		for _, doc := range docs {
			if doc.AIPolicy {
				d.say("5.2      AI policy %s written by %s, approved and published by %s (%s): the author never approves her own.", doc.ID, doc.Author, doc.Approver, doc.State)
				continue
			}
			approved = append(approved, doc.ID)
		}
		d.say("7.5      Documented information approved by bob: %s.", strings.Join(approved, ", "))
		objs, err := aims.Objectives(ws).All(ctx, nil)
		if err != nil {
			return err
		}
		for _, o := range objs {
			d.say("6.2      AI objective %s (%s), owned by %s.", o.ID, o.Title, o.Responsible)
		}
		reg, err := riskRegister(ctx, d.ws)
		if err != nil {
			return err
		}
		all, err := reg.All(ctx, risk.Filter{})
		if err != nil {
			return err
		}
		for _, rk := range all {
			var ids []string
			if rk.Treatment != nil {
				for _, c := range rk.Treatment.Controls {
					ids = append(ids, c.ID)
				}
			}
			d.say("6.1.2-3  Risk %s %q, owned by %s: %s; treated with %s.", rk.ID, rk.Title, rk.Owner, rk.Inherent.Score.Explain(), strings.Join(ids, ", "))
		}
		imp, err := impactService(ctx, d.ws)
		if err != nil {
			return err
		}
		for a, err := range imp.List(ctx, "") {
			if err != nil {
				return err
			}
			tier := "not screened"
			if a.Screening != nil {
				tier = string(a.Screening.Tier)
			}
			outcome := ""
			if a.Result != nil {
				outcome = string(a.Result.Outcome)
			}
			d.say("6.1.4    Impact assessment %s of %s by %s: outcome %s, EU AI Act tier %s; approved by %s.", a.ID, a.System, a.CreatedBy, outcome, tier, a.ApprovedBy)
		}
		svc, err := soaService(ctx, d.ws)
		if err != nil {
			return err
		}
		doc, err := svc.Approved(ctx)
		if err != nil {
			return err
		}
		applicable := 0
		for _, e := range doc.Entries {
			if e.Applicable {
				applicable++
			}
		}
		d.say("6.1.3    SoA version %d drafted by %s (%d of %d Annex A controls applicable, each decided with its reason), approved by %s.",
			doc.Number, doc.Author, applicable, len(doc.Entries), doc.ApprovedBy)
		d.say("9.1      Metrics and 9.2.2 the audit programme are set too: every clause 4-10 and Annex A, yearly.")
		return d.advance(ctx)
	})
}

// do implements the applicable controls and carries out the risk
// treatments, which a manifest does not declare (it says what should be;
// this is what people did), then passes do->check.
func (d *demo) do(ctx context.Context) error {
	d.clk.days(14)
	d.phase("Do")
	if err := d.step("do: controls", func() error {
		svc, err := soaService(ctx, d.ws)
		if err != nil {
			return err
		}
		appr, err := svc.Approved(ctx)
		if err != nil {
			return err
		}
		n := 0
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
			n++
		}
		d.say("8.1      erin records the %d applicable controls implemented, each with its evidence.", n)
		reg, err := riskRegister(ctx, d.ws)
		if err != nil {
			return err
		}
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
	return d.step("do: pass the gate", func() error { return d.advance(ctx) })
}

// check applies the measurements and internal audits the manifest
// records, then passes check->act.
func (d *demo) check(ctx context.Context) error {
	ws := d.ws.Workspace
	d.clk.days(30)
	d.phase("Check")
	if err := d.step("check: apply the measurements and audits", func() error {
		if _, err := d.apply(ctx, checkPart); err != nil {
			return err
		}
		st, err := audit.NewMetrics(ws).Status(ctx)
		if err != nil {
			return err
		}
		for _, s := range st {
			if s.Last == nil {
				continue
			}
			met := "not met"
			if s.Met {
				met = "met"
			}
			d.say("9.1      %s measured %g by %s (%s): %s.", s.Metric, s.Last.Value, s.Last.By, s.Last.Evidence, met)
		}
		as := d.ws.AIMS.Audits()
		audits, err := as.All(ctx)
		if err != nil {
			return err
		}
		for _, a := range audits {
			d.say("9.2      Audit %s led by %s, who owns none of its areas: %s, completed %s.",
				a.ID, a.Lead, demoPlural(len(a.Checklist), "checklist item"), a.Completed.Format("2006-01-02"))
			fs, err := as.FindingsOf(ctx, a.ID)
			if err != nil {
				return err
			}
			for _, f := range fs {
				if f.Nonconformity != "" {
					d.nc = f.Nonconformity
				}
				d.say("         finding %s (%s) against %s opened %s.", f.ID, f.Type, f.Ref, f.Nonconformity)
			}
		}
		if d.nc == "" {
			return errors.New("the audits opened no nonconformity")
		}
		return nil
	}); err != nil {
		return err
	}
	return d.step("check: pass the gate", func() error { return d.advance(ctx) })
}

// act takes the audit's nonconformity through corrective action, which a
// manifest does not declare, and applies the management review the
// manifest records with the change to the AIMS it decided, planned by
// alice and approved by bob (6.3).
func (d *demo) act(ctx context.Context) error {
	ws := d.ws.Workspace
	d.clk.days(7)
	d.phase("Act")
	if err := d.step("act: corrective action", func() error {
		ncs := audit.NewNonconformities(ws)
		id := d.nc
		n, err := ncs.Get(ctx, id)
		if err != nil {
			return err
		}
		owner := n.Owner
		if _, err := ncs.Correct(ctx, owner, id, "progress record added for the fairness risk's action"); err != nil {
			return err
		}
		rc := audit.RootCause{Method: "5 whys", Causes: []string{"treatment actions were tracked outside the register"},
			SimilarElsewhere: "none found among the other risks"}
		if _, err := ncs.Analyse(ctx, owner, id, rc); err != nil {
			return err
		}
		if _, err := ncs.Act(ctx, owner, id, audit.RootCause{}, []audit.Action{{Title: "Track every treatment action in the register's monthly review",
			Owner: demoErin, Due: d.clk.Now().AddDate(0, 0, 14)}}); err != nil {
			return err
		}
		d.say("10.2     Nonconformity %s: its owner %s corrects it, finds the root cause (5 whys) and plans an action for erin.", id, owner)
		d.clk.days(10)
		if _, err := ncs.Implement(ctx, demoErin, id); err != nil {
			return err
		}
		if _, err := ncs.Verify(ctx, demoErin, id, true, "looks fine to me"); !errors.Is(err, aims.ErrForbidden) {
			return fmt.Errorf("the implementer verifying her own action: got %v, want refusal", err)
		}
		if _, err := ncs.Verify(ctx, demoCarol, id, true, "the March treatment review lists every action"); err != nil {
			return err
		}
		n, err = ncs.Close(ctx, demoAlice, id)
		if err != nil {
			return err
		}
		d.say("10.2     erin implements the action; she may not verify it herself, carol finds it effective; alice closes it (%s).", n.State)
		return nil
	}); err != nil {
		return err
	}
	return d.step("act: apply the management review", func() error {
		if _, err := d.apply(ctx, actPart); err != nil {
			return err
		}
		rs, err := d.ws.AIMS.Reviews().Collection().All(ctx, nil)
		if err != nil {
			return err
		}
		for _, r := range rs {
			nf := 0
			for _, n := range r.Inputs.Findings {
				nf += n
			}
			d.say("9.3      Management review %s prepared by %s, inputs gathered from the records: %s, %s, %d overdue actions.",
				r.ID, r.CreatedBy, demoPlural(len(r.Inputs.Audits), "audit"), demoPlural(nf, "finding"), r.Inputs.OverdueActions)
			d.say("9.3.3    held on %s by top management: %s, %s, %s.",
				r.Held.Format("2006-01-02"), demoPlural(len(r.Decisions), "decision"), demoPlural(len(r.Changes), "change"), demoPlural(len(r.Actions), "action"))
		}
		cs, err := lifecycle.Changes(ws).All(ctx, nil)
		if err != nil {
			return err
		}
		for _, c := range cs {
			if c.Review == "" {
				continue
			}
			d.say("6.3      Change %s, which review %s decided, planned by %s, approved by %s (%s); %s carries it out.",
				c.ID, c.Review, c.CreatedBy, c.ApprovedBy, c.State, c.Responsible)
		}
		return nil
	})
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
