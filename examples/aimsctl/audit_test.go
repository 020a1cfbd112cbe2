package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/internal/oscaltest"
)

// checkActCommands are the commands of audit.go.
func checkActCommands() []*command {
	return []*command{readinessCommand(), ncCommand(), auditCommand(), reviewCommand(), metricCommand(), gapCommand()}
}

// auditRoot is root() plus the Check/Act commands it does not register
// yet, so that these tests keep working once main.go registers them.
func auditRoot() *command {
	r := root()
	have := map[string]bool{}
	for _, c := range r.sub {
		have[c.name] = true
	}
	for _, c := range checkActCommands() {
		if !have[c.name] {
			r.sub = append(r.sub, c)
		}
	}
	return r
}

// acli runs aimsctl over auditRoot and returns stdout, stderr and the exit
// code.
func acli(t *testing.T, env map[string]string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	a := &app{stdout: &out, stderr: &errb, getenv: func(k string) string { return env[k] }}
	err := a.dispatch(t.Context(), auditRoot(), args, nil)
	code := report(&errb, err)
	return out.String(), errb.String(), code
}

// auditEnv is a fresh workspace with fixed clock and the people of the
// tests: alice manages the AIMS, bob audits, carol is top management.
type auditEnv struct {
	t   *testing.T
	db  string
	dir string
	env map[string]string
}

func newAuditEnv(t *testing.T) *auditEnv {
	t.Helper()
	dir := t.TempDir()
	e := &auditEnv{t: t, db: filepath.Join(dir, "ws.db"), dir: dir, env: map[string]string{"AIMSCTL_NOW": "2026-11-24T10:00:00Z"}}
	e.must("alice", "init")
	e.must("alice", "role", "assign", "--actor", "alice", "--role", "aims-manager")
	e.must("alice", "role", "assign", "--actor", "bob", "--role", "internal-auditor")
	e.must("alice", "role", "assign", "--actor", "carol", "--role", "top-management")
	return e
}

func (e *auditEnv) run(as string, args ...string) (string, string, int) {
	e.t.Helper()
	return acli(e.t, e.env, append(args, "--db", e.db, "--as", as)...)
}

func (e *auditEnv) must(as string, args ...string) string {
	e.t.Helper()
	out, stderr, code := e.run(as, args...)
	if code != 0 {
		e.t.Fatalf("%s %v: exit %d: %s", as, args, code, stderr)
	}
	return out
}

// refused runs a command that must fail with every one of wants in its
// stderr and leave the journal as it was.
func (e *auditEnv) refused(as string, wants []string, args ...string) {
	e.t.Helper()
	before := e.must("alice", "journal", "verify")
	_, stderr, code := e.run(as, args...)
	if code == 0 {
		e.t.Fatalf("%s %v: exit 0, want a failure", as, args)
	}
	for _, w := range wants {
		if !strings.Contains(stderr, w) {
			e.t.Errorf("%s %v: stderr %q lacks %q", as, args, stderr, w)
		}
	}
	if after := e.must("alice", "journal", "verify"); after != before {
		e.t.Errorf("%s %v was refused but changed the journal: %q -> %q", as, args, before, after)
	}
}

func contains(t *testing.T, what, out string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(out, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, out)
		}
	}
}

func TestReadiness(t *testing.T) {
	t.Parallel()
	e := newAuditEnv(t)
	for _, tc := range []struct {
		name  string
		args  []string
		wants []string
	}{
		{"stage 2 default", nil, []string{"Stage 2 readiness: NOT READY", "5.2", "6.1.3", "MISSING", "9.3.3", "Management review"}},
		{"stage 1", []string{"--stage", "1"}, []string{"Stage 1 readiness: NOT READY", "5.2", "6.1.3", "Statement of Applicability approved"}},
		{"markdown", []string{"--format", "md"}, []string{"# Certification readiness: stage 2 (not ready)", "| 5.2 |"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			out, stderr, code := e.run("alice", append([]string{"readiness"}, tc.args...)...)
			if code != 1 || stderr != "" {
				t.Errorf("exit %d, stderr %q; want 1 with the listing on stdout only", code, stderr)
			}
			contains(t, "readiness", out, tc.wants...)
		})
	}
	// Stage 1 lists no stage 2 item.
	out, _, _ := e.run("alice", "readiness", "--stage", "1")
	if strings.Contains(out, "Internal audit completed") || strings.Contains(out, "Controls operating") {
		t.Errorf("stage 1 lists stage 2 checks:\n%s", out)
	}
	if _, stderr, code := e.run("alice", "readiness", "--stage", "3"); code != 2 || !strings.Contains(stderr, "--stage") {
		t.Errorf("--stage 3: exit %d, %q; want usage error naming --stage", code, stderr)
	}
}

// TestReadinessUsesRecords: the SoA item of stage 1 is answered by the SoA
// service's own check (re-labelled), not only by a document.
func TestReadinessUsesRecords(t *testing.T) {
	t.Parallel()
	e := newAuditEnv(t)
	out, _, _ := e.run("alice", "readiness", "--stage", "1")
	line := lineWith(out, "Statement of Applicability")
	if !strings.Contains(line, "6.1.3") || !strings.Contains(line, "MISSING") {
		t.Fatalf("SoA line before approval: %q", line)
	}
	// An empty register evidences no assessment: zero risks is not
	// "risks assessed".
	if line := lineWith(out, "AI risks assessed"); !strings.HasPrefix(line, "6.1.2") || !strings.Contains(line, "MISSING") || !strings.Contains(line, "no open AI risk is recorded") {
		t.Errorf("6.1.2 line on an empty register: %q", line)
	}
	e.must("alice", "risk", "add", "--id", "R-1", "--title", "Data drift", "--owner", "alice",
		"--source", "lifecycle", "--cause", "customer mix changes", "--consequence", "worse predictions")
	e.must("alice", "risk", "assess", "R-1", "--likelihood", "1", "--consequence", "1")
	decideUndecided(t, e.run, "alice")
	e.must("alice", "soa", "draft")
	e.must("alice", "role", "assign", "--actor", "carol", "--role", "approver")
	e.must("carol", "soa", "approve")
	out, _, _ = e.run("alice", "readiness", "--stage", "1")
	if line := lineWith(out, "AI risks assessed"); !strings.HasPrefix(line, "6.1.2") || !strings.Contains(line, "ok") || strings.Contains(line, "MISSING") {
		t.Errorf("6.1.2 line with an assessed risk: %q\n%s", line, out)
	}
	line = lineWith(out, "Statement of Applicability")
	if !strings.Contains(line, "6.1.3") || !strings.Contains(line, "ok") || strings.Contains(line, "MISSING") {
		t.Errorf("SoA line after approval: %q\n%s", line, out)
	}
}

func lineWith(out, s string) string {
	for l := range strings.Lines(out) {
		if strings.Contains(l, s) {
			return l
		}
	}
	return ""
}

var openedID = regexp.MustCompile(`opened (?:nonconformity|improvement) (\S+) `)

func TestNonconformityLifecycle(t *testing.T) {
	t.Parallel()
	e := newAuditEnv(t)
	out := e.must("alice", "nc", "open", "--type", "nonconformity", "--title", "Model card missing for credit model",
		"--source", "incident", "--control", "A.6.2.7", "--description", "release 3 shipped without one")
	m := openedID.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("nc open output: %q", out)
	}
	id := m[1]
	contains(t, "nc open", out, "owner alice")

	e.refused("alice", []string{"source", "gremlins"}, "nc", "open", "--title", "x", "--source", "gremlins")
	e.refused("alice", []string{"--clause", "--control"}, "nc", "open", "--title", "x", "--source", "audit", "--clause", "8.2", "--control", "A.6.2.7")
	e.refused("alice", []string{"--action[0]", "YYYY-MM-DD"}, "nc", "act", id, "--action", "Write it;alice")
	e.refused("alice", []string{"root-cause"}, "nc", "act", id, "--action", "Write the card;alice;2026-12-15")

	contains(t, "correct", e.must("alice", "nc", "correct", id, "--text", "model card written for release 3"), id+": corrected")
	contains(t, "analyse", e.must("alice", "nc", "analyse", id, "--method", "5 whys", "--cause", "release checklist lacks the model card"), id+": analysed")
	contains(t, "act", e.must("alice", "nc", "act", id, "--action", "Add model card to release checklist;alice;2026-12-15"), id+": action-planned")
	contains(t, "implement", e.must("alice", "nc", "implement", id), id+": implemented")
	e.refused("alice", []string{"forbidden", "verifier-is-not-implementer"}, "nc", "verify", id, "--effective", "--note", "looks fine")
	e.refused("bob", []string{"note"}, "nc", "verify", id, "--effective")
	e.refused("bob", []string{"exactly one"}, "nc", "verify", id, "--note", "x")
	contains(t, "verify", e.must("bob", "nc", "verify", id, "--effective", "--note", "release 4 checklist has the card"), id+": verified")
	contains(t, "close", e.must("alice", "nc", "close", id), id+": closed")

	// An improvement with a late action shows in --overdue.
	out = e.must("alice", "nc", "open", "--id", "IMP-1", "--type", "improvement", "--title", "Automate drift alerts", "--source", "monitoring")
	contains(t, "improvement", out, "opened improvement IMP-1")
	e.must("alice", "nc", "act", "IMP-1", "--action", "Wire alerts;dave;2026-11-14")
	list := e.must("alice", "nc", "list")
	contains(t, "nc list", list, id, "closed", "IMP-1", "action-planned", "A.6.2.7")
	late := e.must("alice", "nc", "list", "--overdue")
	contains(t, "nc list --overdue", late, "IMP-1", "Wire alerts", "dave", "2026-11-14", "10")
	if strings.Contains(late, id) {
		t.Errorf("closed nonconformity listed as overdue:\n%s", late)
	}
	if only := e.must("alice", "nc", "list", "--type", "improvement"); strings.Contains(only, id) || !strings.Contains(only, "IMP-1") {
		t.Errorf("nc list --type improvement:\n%s", only)
	}
	e.must("alice", "journal", "verify")
}

func TestAuditCommands(t *testing.T) {
	t.Parallel()
	e := newAuditEnv(t)
	// The auditor owns an audited area: refused, nothing written.
	e.refused("alice", []string{"forbidden", "auditor-is-independent", "auditors[0]"},
		"audit", "plan", "--id", "IA-1", "--title", "Risk processes", "--auditor", "bob", "--clause", "8.2=bob", "--control", "A.6.2.7=alice")
	e.refused("alice", []string{"A.99"}, "audit", "plan", "--id", "IA-1", "--title", "x", "--auditor", "bob", "--clause", "8.2", "--control", "A.99")
	e.refused("alice", []string{"--start", "YYYY-MM-DD"}, "audit", "plan", "--id", "IA-1", "--title", "x", "--auditor", "bob", "--start", "tomorrow")
	out := e.must("alice", "audit", "plan", "--id", "IA-1", "--title", "Risk processes", "--auditor", "bob",
		"--clause", "8.2=alice", "--control", "A.6.2.7=alice", "--start", "2026-12-01")
	contains(t, "audit plan", out, "planned audit IA-1 for 2026-12-01, led by bob: 2 checklist items")

	e.refused("alice", []string{"forbidden"}, "audit", "start", "IA-1")
	contains(t, "audit start", e.must("bob", "audit", "start", "IA-1"), "audit IA-1 in-progress")
	out = e.must("bob", "audit", "finding", "IA-1", "--type", "minor", "--ref", "A.6.2.7", "--text", "No model card for release 3", "--evidence", "release folder r3")
	if !strings.Contains(out, "minor-nonconformity on A.6.2.7") || !strings.Contains(out, "opened ") {
		t.Errorf("finding output: %q", out)
	}
	e.must("bob", "audit", "finding", "IA-1", "--id", "F-OBS", "--type", "observation", "--ref", "8.2", "--text", "Assessments are thorough", "--evidence", "risk register")
	e.refused("bob", []string{"--type", "grave"}, "audit", "finding", "IA-1", "--type", "grave", "--ref", "8.2", "--text", "x", "--evidence", "y")
	e.refused("bob", []string{"checklist-answered"}, "audit", "complete", "IA-1", "--conclusion", "Mostly conforming")
	e.must("bob", "audit", "result", "IA-1", "--ref", "A.6.2.7", "--result", "nonconforming", "--evidence", "release folder r3")
	contains(t, "result --remaining", e.must("bob", "audit", "result", "IA-1", "--remaining", "--result", "conforms", "--evidence", "risk register"), "1 items recorded as conforms")
	contains(t, "complete", e.must("bob", "audit", "complete", "IA-1", "--conclusion", "Mostly conforming"), "audit IA-1 completed")

	md := e.must("alice", "audit", "report", "IA-1")
	contains(t, "report md", md, "Risk processes", "No model card for release 3", "Assessments are thorough", "Mostly conforming", "A.6.2.7")
	html := e.must("alice", "audit", "report", "IA-1", "--format", "html")
	contains(t, "report html", html, "<html", "No model card for release 3")
	if _, stderr, code := e.run("alice", "audit", "report", "IA-1", "--format", "pdf"); code != 2 || !strings.Contains(stderr, "--format") {
		t.Errorf("--format pdf: exit %d, %q", code, stderr)
	}
	contains(t, "audit list", e.must("alice", "audit", "list"), "IA-1", "completed", "2026-12-01", "bob")
	// The minor nonconformity is in the register, owned by the area's owner.
	contains(t, "nc list", e.must("alice", "nc", "list"), "No model card for release 3", "A.6.2.7", "alice")

	// OSCAL last: Validate skips the rest of the test without the schemas.
	plan := filepath.Join(e.dir, "plan.json")
	ar := e.must("alice", "audit", "report", "IA-1", "--format", "oscal", "--plan-oscal", plan)
	oscaltest.Validate(t, oscaltest.AssessmentResults, []byte(ar))
	contains(t, "assessment-results", ar, `"assessment-results"`, "No model card for release 3")
	p, err := os.ReadFile(plan)
	if err != nil {
		t.Fatal(err)
	}
	oscaltest.Validate(t, oscaltest.AssessmentPlan, p)
}

func TestAuditPlanFromSoA(t *testing.T) {
	t.Parallel()
	e := newAuditEnv(t)
	out, stderr, code := e.run("alice", "audit", "plan", "--id", "IA-2", "--title", "Whole AIMS", "--auditor", "bob")
	if code != 0 || !strings.Contains(stderr, "no approved SoA") {
		t.Fatalf("plan without SoA: exit %d, %q", code, stderr)
	}
	without := countItems(t, out)
	e.must("alice", "soa", "decide", "A.6.2.7", "--include", "--reason", "we publish model documentation")
	decideUndecided(t, e.run, "alice")
	e.must("alice", "soa", "draft")
	e.must("alice", "role", "assign", "--actor", "carol", "--role", "approver")
	e.must("carol", "soa", "approve")
	out = e.must("alice", "audit", "plan", "--id", "IA-3", "--title", "Whole AIMS", "--auditor", "bob")
	if with := countItems(t, out); with <= without {
		t.Errorf("plan with an approved SoA: %d items, without %d; want the applicable controls added", with, without)
	}
	rep := e.must("alice", "audit", "report", "IA-3")
	contains(t, "plan from SoA", rep, "A.6.2.7")
}

var itemsRE = regexp.MustCompile(`: (\d+) checklist items`)

func countItems(t *testing.T, out string) int {
	t.Helper()
	m := itemsRE.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no item count in %q", out)
	}
	n := 0
	for _, c := range m[1] {
		n = n*10 + int(c-'0')
	}
	return n
}

func TestReviewCommands(t *testing.T) {
	t.Parallel()
	e := newAuditEnv(t)
	out := e.must("alice", "review", "prepare", "--id", "MR-1", "--title", "Annual review")
	contains(t, "review prepare", out, "review MR-1 prepared for 2026-11-24")
	e.refused("alice", []string{"forbidden", "top-management"}, "review", "record", "MR-1", "--decision", "Fund a bias team", "--change", "Add fairness objective")
	e.refused("carol", []string{"--action[0]"}, "review", "record", "MR-1", "--decision", "x", "--action", "no date")
	out = e.must("carol", "review", "record", "MR-1", "--decision", "Fund a bias team", "--change", "Add fairness objective",
		"--action", "Hire fairness lead;carol;2027-03-31")
	contains(t, "review record", out, "review MR-1 held on 2026-11-24: 1 decisions, 1 changes, 1 actions")
	contains(t, "review show", e.must("alice", "review", "show", "MR-1"), "Fund a bias team", "Add fairness objective", "Hire fairness lead")
}

func TestMetricCommands(t *testing.T) {
	t.Parallel()
	e := newAuditEnv(t)
	// An objective with a measure, written through the SDK (the CLI has no
	// objective command).
	tenant, actor := "default", "alice"
	wf := &wsFlags{db: &e.db, tenant: &tenant, actor: &actor}
	ws, err := wf.open(t.Context(), &app{getenv: func(k string) string { return e.env[k] }}, false)
	if err != nil {
		t.Fatal(err)
	}
	err = aims.Objectives(ws.Workspace).Create(t.Context(), "alice", &aims.Objective{Meta: aims.Meta{ID: "OBJ-FAIR"}, Title: "Fair credit decisions",
		Responsible: "alice", Measures: []aims.Measure{{Metric: "approval-gap", Target: 2, Unit: "%", Direction: aims.Direction("at-most")}}})
	ws.Close()
	if err != nil {
		t.Fatal(err)
	}

	e.refused("alice", []string{"objective", "OBJ-NONE"}, "metric", "add", "--id", "M-0", "--name", "x", "--objective", "OBJ-NONE", "--target", "1")
	e.refused("alice", []string{"objective", "is required"}, "metric", "add", "--id", "M-0", "--name", "x", "--target", "1")
	e.refused("alice", []string{"--target"}, "metric", "add", "--id", "M-0", "--name", "x", "--control", "A.6.2.7", "--target", "lots")
	out := e.must("alice", "metric", "add", "--id", "M-GAP", "--name", "Approval rate gap", "--objective", "OBJ-FAIR", "--measure", "approval-gap", "--every", "7")
	contains(t, "metric add from measure", out, "metric M-GAP: Approval rate gap at-most 2% every 7 days")
	out = e.must("alice", "metric", "add", "--id", "M-CARD", "--name", "Releases with a model card", "--control", "A.6.2.7", "--target", "100", "--unit", "%", "--measured-by", "bob")
	contains(t, "metric add for a control", out, "metric M-CARD: Releases with a model card at-least 100% every 30 days")

	e.refused("alice", []string{"evidence", "is required"}, "metric", "record", "M-GAP", "--value", "1.5")
	e.refused("mallory", []string{"forbidden"}, "metric", "record", "M-GAP", "--value", "1.5", "--evidence", "x")
	contains(t, "record met", e.must("alice", "metric", "record", "M-GAP", "--value", "1.5", "--evidence", "https://bi.example/gap/2026-11"), "M-GAP = 1.5% at 2026-11-24: target met")
	contains(t, "record not met", e.must("bob", "metric", "record", "M-CARD", "--value", "80", "--evidence", "release audit"), "target NOT met")

	st := e.must("alice", "metric", "status")
	gap := lineWith(st, "M-GAP")
	card := lineWith(st, "M-CARD")
	contains(t, "status M-GAP", gap, "1.5", "yes", "2026-12-01")
	contains(t, "status M-CARD", card, "80", "no", "2026-12-24")
	if strings.Contains(st, "OVERDUE") {
		t.Errorf("nothing is overdue yet:\n%s", st)
	}
	late := map[string]string{"AIMSCTL_NOW": "2026-12-10T10:00:00Z"}
	out, _, code := acli(t, late, "metric", "status", "--db", e.db)
	if code != 0 || !strings.Contains(lineWith(out, "M-GAP"), "OVERDUE") || strings.Contains(lineWith(out, "M-CARD"), "OVERDUE") {
		t.Errorf("status on 2026-12-10: exit %d\n%s", code, out)
	}
}

func TestGapCommand(t *testing.T) {
	t.Parallel()
	e := newAuditEnv(t)
	e.refused("alice", []string{"--level"}, "gap", "rate", "6.1.2", "--level", "7")
	contains(t, "gap rate", e.must("alice", "gap", "rate", "6.1.2", "--level", "4", "--evidence", "risk procedure v2"), "6.1.2 rated")
	for _, tc := range []struct {
		format string
		check  func(t *testing.T, out string)
	}{
		{"md", func(t *testing.T, out string) { contains(t, "gap md", out, "6.1.2", "Roadmap") }},
		{"json", func(t *testing.T, out string) {
			var as struct {
				Target int `json:"target"`
				Items  []struct {
					Ref    string `json:"ref"`
					Level  int    `json:"level"`
					Source string `json:"source"`
				} `json:"items"`
			}
			if err := json.Unmarshal([]byte(out), &as); err != nil {
				t.Fatalf("gap json: %v\n%.300s", err, out)
			}
			if as.Target != 3 {
				t.Errorf("target %d, want 3", as.Target)
			}
			var found bool
			for _, it := range as.Items {
				if it.Ref == "6.1.2" {
					found = true
					if it.Level != 4 || it.Source != "person" {
						t.Errorf("6.1.2: level %d from %q, want 4 from person", it.Level, it.Source)
					}
				}
			}
			if !found {
				t.Errorf("gap json has no 6.1.2 item")
			}
		}},
		{"svg", func(t *testing.T, out string) {
			if !strings.HasPrefix(strings.TrimSpace(out), "<svg") || !strings.HasSuffix(strings.TrimSpace(out), "</svg>") {
				t.Errorf("gap svg: %.120q", out)
			}
		}},
	} {
		t.Run(tc.format, func(t *testing.T) {
			t.Parallel()
			out, stderr, code := e.run("alice", "gap", "--format", tc.format)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			tc.check(t, out)
			again, _, _ := e.run("alice", "gap", "--format", tc.format)
			if again != out {
				t.Errorf("gap --format %s is not deterministic", tc.format)
			}
		})
	}
	if _, stderr, code := e.run("alice", "gap", "--format", "pdf"); code != 2 || !strings.Contains(stderr, "--format") {
		t.Errorf("--format pdf: exit %d, %q", code, stderr)
	}
}

// TestCheckActHelp: --help works on every Check/Act command and exits 0.
func TestCheckActHelp(t *testing.T) {
	t.Parallel()
	var walk func(c *command, path []string)
	walk = func(c *command, path []string) {
		args := append(append([]string(nil), path...), "--help")
		out, stderr, code := acli(t, nil, args...)
		if code != 0 || !strings.Contains(out, "Usage:") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, stderr)
		}
		for _, s := range c.sub {
			walk(s, append(append([]string(nil), path...), s.name))
		}
	}
	for _, c := range checkActCommands() {
		walk(c, []string{c.name})
	}
}
