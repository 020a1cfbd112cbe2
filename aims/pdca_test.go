package aims_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/aimsgo/iso42001/aims"
)

func noop(context.Context, *aims.Workspace) (bool, string, error) { return true, "", nil }

func TestChecksAdd(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		add   []aims.Check
		paths []string
	}{
		{"valid", []aims.Check{{ID: "x", Clause: "6.1.2", Gate: aims.GatePlanToDo, Run: noop}}, nil},
		{"duplicate of registered", []aims.Check{{ID: "scope-defined", Clause: "4.3", Gate: aims.GatePlanToDo, Run: noop}}, []string{"checks[0].id"}},
		{"duplicate in batch", []aims.Check{
			{ID: "y", Clause: "9.2", Gate: aims.GateCheckToAct, Run: noop},
			{ID: "y", Clause: "9.2", Gate: aims.GateCheckToAct, Run: noop},
		}, []string{"checks[1].id"}},
		{"everything missing", []aims.Check{{Gate: "later"}}, []string{"checks[0].id", "checks[0].clause", "checks[0].gate", "checks[0].run"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cs := aims.NewChecks()
			if err := cs.Add(aims.KernelChecks()...); err != nil {
				t.Fatal(err)
			}
			err := cs.Add(tc.add...)
			if diff := cmp.Diff(tc.paths, problemPaths(t, err)); diff != "" {
				t.Errorf("Add problem paths (-want +got):\n%s", diff)
			}
			n := len(cs.For(aims.GatePlanToDo)) + len(cs.For(aims.GateCheckToAct))
			want := 9 // the kernel's: 4.1, 4.2, 4.3 (two), 5.1, 5.2, 5.3, 6.2, 7.5
			if err == nil {
				want += len(tc.add)
			}
			if n != want {
				t.Errorf("registry holds %d checks, want %d (a refused Add registers nothing)", n, want)
			}
		})
	}
}

func TestChecksForNaturalOrder(t *testing.T) {
	t.Parallel()
	cs := aims.NewChecks()
	err := cs.Add(
		aims.Check{ID: "mgmt-review", Clause: "9.3", Gate: aims.GateActToPlan, Run: noop},
		aims.Check{ID: "corrective", Clause: "10.2", Gate: aims.GateActToPlan, Run: noop},
		aims.Check{ID: "b", Clause: "A.10.2", Gate: aims.GateActToPlan, Run: noop},
		aims.Check{ID: "a", Clause: "A.2.2", Gate: aims.GateActToPlan, Run: noop},
		aims.Check{ID: "audit", Clause: "9.2", Gate: aims.GateActToPlan, Run: noop},
		aims.Check{ID: "aa", Clause: "9.2", Gate: aims.GateActToPlan, Run: noop},
		aims.Check{ID: "other-gate", Clause: "1", Gate: aims.GateDoToCheck, Run: noop},
	)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range cs.For(aims.GateActToPlan) {
		got = append(got, c.Clause+" "+c.ID)
	}
	want := []string{"9.2 aa", "9.2 audit", "9.3 mgmt-review", "10.2 corrective", "A.2.2 a", "A.10.2 b"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("For(act->plan) (-want +got):\n%s", diff)
	}
}

// recPlan creates the evidence the kernel checks look for; the caller has
// given "boss" the top-management role, who approves the AI policy.
func recPlan(t *testing.T, ws *aims.Workspace) {
	t.Helper()
	ctx := t.Context()
	recAssign(t, ws, "ana", aims.RoleAIMSManager, aims.RoleApprover)
	recContext(t, ws)
	if err := aims.AISystems(ws).Create(ctx, "ana", validSystem()); err != nil {
		t.Fatal(err)
	}
	scope := validScope()
	if err := aims.Scopes(ws).Create(ctx, "ana", scope); err != nil {
		t.Fatal(err)
	}
	docs := aims.NewDocuments(ws)
	pol := &aims.DocumentedInfo{Title: "AI policy", Type: aims.DocPolicy, AIPolicy: true, Text: "We use AI responsibly."}
	if err := docs.Create(ctx, "ana", pol); err != nil {
		t.Fatal(err)
	}
	if _, err := docs.Submit(ctx, "ana", pol.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := docs.Approve(ctx, "boss", pol.ID); err != nil {
		t.Fatal(err)
	}
	if err := aims.Objectives(ws).Create(ctx, "ana", validObjective()); err != nil {
		t.Fatal(err)
	}
}

// recContext records an internal and an external issue (4.1) and an
// interested party with a requirement (4.2).
func recContext(t testing.TB, ws *aims.Workspace) {
	t.Helper()
	ctx := context.Background()
	internal := &aims.ContextIssue{Title: "Few ML engineers", Type: aims.IssueInternal, Category: aims.CategoryTechnical}
	for _, c := range []*aims.ContextIssue{validIssue(), internal} {
		if err := aims.ContextIssues(ws).Create(ctx, "ana", c); err != nil {
			t.Fatal(err)
		}
	}
	if err := aims.InterestedParties(ws).Create(ctx, "ana", validParty()); err != nil {
		t.Fatal(err)
	}
}

func blockingRules(st aims.Status) []string {
	var out []string
	for _, r := range st.Blocking {
		out = append(out, r.Clause+" "+r.ID)
	}
	return out
}

func TestPDCAStatusFreshWorkspace(t *testing.T) {
	t.Parallel()
	ws := recWorkspace(t)
	pd := aims.NewPDCA(ws, nil)
	st, err := pd.Status(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := aims.Status{
		Cycle: 1, Phase: aims.PhasePlan, Next: aims.PhaseDo, Gate: aims.GatePlanToDo, Ready: false,
		Checks: []aims.CheckResult{
			{ID: "context-issues", Clause: "4.1", Title: "Internal and external issues determined", Detail: "no internal or external issue is recorded"},
			{ID: "interested-parties", Clause: "4.2", Title: "Interested parties and their requirements determined", Detail: "no interested party is recorded"},
			{ID: "ai-system-inventory", Clause: "4.3", Title: "AI systems inventoried", Detail: "the AI system inventory is empty"},
			{ID: "scope-defined", Clause: "4.3", Title: "AIMS scope defined", Detail: "no AIMS scope is recorded"},
			{ID: "leadership", Clause: "5.1", Title: "Top management named and committed to the AI policy", Detail: "nobody holds the role top-management"},
			{ID: "ai-policy", Clause: "5.2", Title: "AI policy approved", Detail: "no AI policy is approved or published"},
			{ID: "roles-assigned", Clause: "5.3", Title: "Roles and responsibilities assigned", Detail: "no roles are assigned"},
			{ID: "ai-objectives", Clause: "6.2", Title: "AI objectives set", Detail: "no AI objectives are set"},
			{ID: "documented-information", Clause: "7.5", Title: "Documented information controlled and reviewed on time", Detail: "no approved or published documented information is in force"},
		},
	}
	want.Blocking = want.Checks
	if diff := cmp.Diff(want, st); diff != "" {
		t.Errorf("Status (-want +got):\n%s", diff)
	}
	// Status does not write.
	if h, err := ws.Store().Head(t.Context(), ws.Tenant()); !errors.Is(err, aims.ErrNotFound) {
		t.Errorf("journal head after Status = %+v, %v; want an empty journal", h, err)
	}
}

func TestPDCAScopeReferencesInventory(t *testing.T) {
	t.Parallel()
	ws := recWorkspace(t)
	s := validScope()
	s.AISystems = []string{"ghost"}
	if err := aims.Scopes(ws).Create(t.Context(), "ana", s); err != nil {
		t.Fatal(err)
	}
	st, err := aims.NewPDCA(ws, nil).Status(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := aims.CheckResult{ID: "scope-defined", Clause: "4.3", Title: "AIMS scope defined",
		Detail: `scope aims-scope names AI system "ghost", which is not in the inventory`}
	var got aims.CheckResult
	for _, r := range st.Checks {
		if r.ID == want.ID {
			got = r
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("scope check (-want +got):\n%s", diff)
	}
}

func TestPDCAAdvance(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	ws := recWorkspace(t)
	cs := aims.NewChecks()
	if err := cs.Add(aims.KernelChecks()...); err != nil {
		t.Fatal(err)
	}
	reviewed := false
	if err := cs.Add(aims.Check{ID: "management-review", Clause: "9.3", Title: "Management review held", Gate: aims.GateActToPlan,
		Run: func(context.Context, *aims.Workspace) (bool, string, error) {
			if !reviewed {
				return false, "no management review this cycle", nil
			}
			return true, "held", nil
		}}); err != nil {
		t.Fatal(err)
	}
	pd := aims.NewPDCA(ws, cs)

	// Nothing planned: refused, every failing check listed clause by clause.
	recAssign(t, ws, "boss", aims.RoleTopManagement)
	_, err := pd.Advance(ctx, "boss")
	if !errors.Is(err, aims.ErrTransitionDenied) {
		t.Fatalf("Advance(empty plan) = %v, want ErrTransitionDenied", err)
	}
	var te *aims.TransitionError
	if !errors.As(err, &te) {
		t.Fatalf("Advance error %T is not a *TransitionError", err)
	}
	wantUnmet := []aims.Unmet{
		{Rule: "4.1 context-issues", Reason: "no internal or external issue is recorded"},
		{Rule: "4.2 interested-parties", Reason: "no interested party is recorded"},
		{Rule: "4.3 ai-system-inventory", Reason: "the AI system inventory is empty"},
		{Rule: "4.3 scope-defined", Reason: "no AIMS scope is recorded"},
		{Rule: "5.1 leadership", Reason: "top management (boss) has approved no AI policy"},
		{Rule: "5.2 ai-policy", Reason: "no AI policy is approved or published"},
		{Rule: "6.2 ai-objectives", Reason: "no AI objectives are set"},
		{Rule: "7.5 documented-information", Reason: "no approved or published documented information is in force"},
	}
	if diff := cmp.Diff(wantUnmet, te.Unmet); diff != "" {
		t.Errorf("Unmet (-want +got):\n%s", diff)
	}

	recPlan(t, ws)
	st, err := pd.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !st.Ready || len(st.Blocking) != 0 || len(st.Checks) != 9 {
		t.Errorf("Status after planning: ready %v, blocking %v, %d checks", st.Ready, blockingRules(st), len(st.Checks))
	}

	// Authority: an actor without top-management or aims-manager.
	recAssign(t, ws, "eve", aims.RoleApprover)
	if _, err := pd.Advance(ctx, "eve"); !errors.Is(err, aims.ErrForbidden) {
		t.Fatalf("Advance by eve = %v, want ErrForbidden", err)
	}

	c, err := pd.Advance(ctx, "boss")
	if err != nil {
		t.Fatal(err)
	}
	if c.Phase() != aims.PhaseDo || c.Number != 1 {
		t.Errorf("after plan->do: phase %s cycle %d", c.Phase(), c.Number)
	}
	for _, want := range []aims.Phase{aims.PhaseCheck, aims.PhaseAct} {
		if c, err = pd.Advance(ctx, "ana"); err != nil {
			t.Fatal(err)
		}
		if c.Phase() != want {
			t.Errorf("phase %s, want %s", c.Phase(), want)
		}
	}
	st, err = pd.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"9.3 management-review"}, blockingRules(st)); diff != "" {
		t.Errorf("blocking at act->plan (-want +got):\n%s", diff)
	}
	if _, err := pd.Advance(ctx, "ana"); !errors.Is(err, aims.ErrTransitionDenied) {
		t.Fatalf("Advance without management review = %v, want ErrTransitionDenied", err)
	}
	reviewed = true
	c, err = pd.Advance(ctx, "ana")
	if err != nil {
		t.Fatal(err)
	}
	if c.Phase() != aims.PhasePlan || c.Number != 2 {
		t.Errorf("after act->plan: phase %s cycle %d, want plan 2", c.Phase(), c.Number)
	}

	rep, err := ws.Verify(ctx)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	// The cycle's journal: create, then four passages.
	var events []string
	entries, err := ws.Store().ReadJournal(ctx, ws.Tenant(), 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Kind == aims.KindCycle {
			events = append(events, e.Event+":"+e.From+">"+e.To)
		}
	}
	want := []string{"create:>plan", "plan->do:plan>do", "do->check:do>check", "check->act:check>act", "act->plan:act>plan"}
	if diff := cmp.Diff(want, events); diff != "" {
		t.Errorf("cycle journal (-want +got):\n%s", diff)
	}
	if rep.Entries != len(entries) {
		t.Errorf("Verify checked %d entries, journal has %d", rep.Entries, len(entries))
	}
}

func TestPDCACheckError(t *testing.T) {
	t.Parallel()
	ws := recWorkspace(t)
	recAssign(t, ws, "boss", aims.RoleTopManagement)
	broken := errors.New("metrics service down")
	cs := aims.NewChecks()
	if err := cs.Add(aims.Check{ID: "metrics", Clause: "9.1", Gate: aims.GatePlanToDo,
		Run: func(context.Context, *aims.Workspace) (bool, string, error) { return false, "", broken }}); err != nil {
		t.Fatal(err)
	}
	pd := aims.NewPDCA(ws, cs)
	if _, err := pd.Status(t.Context()); !errors.Is(err, broken) {
		t.Errorf("Status = %v, want the check's error", err)
	}
	_, err := pd.Advance(t.Context(), "boss")
	if !errors.Is(err, broken) || errors.Is(err, aims.ErrTransitionDenied) {
		t.Errorf("Advance = %v, want the check's error, not a refusal", err)
	}
	c, err := pd.Current(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if c.Phase() != aims.PhasePlan || c.Version != 1 {
		t.Errorf("cycle after failed Advance: phase %s version %d, want plan 1", c.Phase(), c.Version)
	}
}

func TestPDCACurrent(t *testing.T) {
	t.Parallel()
	ws := recWorkspace(t)
	pd := aims.NewPDCA(ws, nil)
	c, err := pd.Current(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := &aims.Cycle{
		Meta: aims.Meta{Kind: aims.KindCycle, SchemaVersion: 1, ID: aims.CycleID, Version: 1, State: "plan", Workflow: "pdca@1",
			CreatedAt: recClock, CreatedBy: "system", UpdatedAt: recClock, UpdatedBy: "system"},
		Number: 1, Started: recClock, PhaseStarted: recClock,
	}
	if diff := cmp.Diff(want, c); diff != "" {
		t.Errorf("Current (-want +got):\n%s", diff)
	}
	again, err := pd.Current(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(c, again); diff != "" {
		t.Errorf("second Current (-first +second):\n%s", diff)
	}
}

func TestPDCAMermaid(t *testing.T) {
	t.Parallel()
	m, err := aims.NewPDCA(recWorkspace(t), nil).Mermaid()
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "pdca-workflow.mmd", m)
}

func TestPhaseNextAndGate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		p    aims.Phase
		next aims.Phase
		gate aims.Gate
	}{
		{aims.PhasePlan, aims.PhaseDo, aims.GatePlanToDo},
		{aims.PhaseDo, aims.PhaseCheck, aims.GateDoToCheck},
		{aims.PhaseCheck, aims.PhaseAct, aims.GateCheckToAct},
		{aims.PhaseAct, aims.PhasePlan, aims.GateActToPlan},
		{"review", "", ""},
	}
	for _, tc := range tests {
		t.Run(string(tc.p), func(t *testing.T) {
			t.Parallel()
			if got := tc.p.Next(); got != tc.next {
				t.Errorf("Next() = %q, want %q", got, tc.next)
			}
			if got := aims.GateFrom(tc.p); got != tc.gate {
				t.Errorf("GateFrom() = %q, want %q", got, tc.gate)
			}
		})
	}
}

// BenchmarkPDCAStatus measures a readiness evaluation over a planned
// workspace; BenchmarkPDCAStatusBaseline reads the same records with bare
// store lists, the least any status could cost.
func BenchmarkPDCAStatus(b *testing.B) {
	ws := benchPlanned(b)
	pd := aims.NewPDCA(ws, nil)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := pd.Status(b.Context()); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPDCAStatusBaseline(b *testing.B) {
	ws := benchPlanned(b)
	kinds := []string{aims.KindCycle, aims.KindContextIssue, aims.KindInterestedParty, aims.KindScope, aims.KindAISystem,
		aims.KindDocument, aims.KindRoleAssignment, aims.KindObjective}
	b.ReportAllocs()
	for b.Loop() {
		for _, k := range kinds {
			if _, err := ws.Store().List(b.Context(), ws.Tenant(), aims.Query{Kind: k, Limit: 1}); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func benchPlanned(b *testing.B) *aims.Workspace {
	b.Helper()
	ws := recWorkspace(b)
	ctx := b.Context()
	recAssign(b, ws, "boss", aims.RoleTopManagement)
	recContext(b, ws)
	if err := aims.AISystems(ws).Create(ctx, "ana", validSystem()); err != nil {
		b.Fatal(err)
	}
	if err := aims.Scopes(ws).Create(ctx, "ana", validScope()); err != nil {
		b.Fatal(err)
	}
	// The policy goes through its workflow: records cannot be born approved.
	docs := aims.NewDocuments(ws)
	d := validDoc()
	if err := docs.Create(ctx, "ana", d); err != nil {
		b.Fatal(err)
	}
	if _, err := docs.Submit(ctx, "ana", d.ID); err != nil {
		b.Fatal(err)
	}
	if _, err := docs.Approve(ctx, "boss", d.ID); err != nil {
		b.Fatal(err)
	}
	if err := aims.Objectives(ws).Create(ctx, "ana", validObjective()); err != nil {
		b.Fatal(err)
	}
	return ws
}

// recDoc creates a document authored by ana and, when approver is set,
// approved by approver; it returns the document's id.
func recDoc(t *testing.T, ws *aims.Workspace, d *aims.DocumentedInfo, approver string) string {
	t.Helper()
	ctx := t.Context()
	docs := aims.NewDocuments(ws)
	if err := docs.Create(ctx, "ana", d); err != nil {
		t.Fatal(err)
	}
	if approver == "" {
		return d.ID
	}
	if _, err := docs.Submit(ctx, "ana", d.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := docs.Approve(ctx, approver, d.ID); err != nil {
		t.Fatal(err)
	}
	return d.ID
}

func TestKernelChecksByCase(t *testing.T) {
	t.Parallel()
	issue := func(typ aims.IssueType, title string) func(*testing.T, *aims.Workspace) {
		return func(t *testing.T, ws *aims.Workspace) {
			if err := aims.ContextIssues(ws).Create(t.Context(), "ana", &aims.ContextIssue{Title: title, Type: typ, Category: aims.CategoryTechnical}); err != nil {
				t.Fatal(err)
			}
		}
	}
	party := func(id string, reqs ...aims.Requirement) func(*testing.T, *aims.Workspace) {
		return func(t *testing.T, ws *aims.Workspace) {
			p := &aims.InterestedParty{Meta: aims.Meta{ID: id}, Name: id, Category: aims.PartyCustomer, Requirements: reqs}
			if err := aims.InterestedParties(ws).Create(t.Context(), "ana", p); err != nil {
				t.Fatal(err)
			}
		}
	}
	explain := aims.Requirement{ID: "explain", Text: "Explain prioritisation", Source: aims.SourceContractual}
	assign := func(actor string, roles ...aims.Role) func(*testing.T, *aims.Workspace) {
		return func(t *testing.T, ws *aims.Workspace) { recAssign(t, ws, actor, roles...) }
	}
	policy := func(approver string) func(*testing.T, *aims.Workspace) {
		return func(t *testing.T, ws *aims.Workspace) { recDoc(t, ws, validDoc(), approver) }
	}
	reviewDue := func(approver string, due time.Time) func(*testing.T, *aims.Workspace) {
		return func(t *testing.T, ws *aims.Workspace) {
			recDoc(t, ws, &aims.DocumentedInfo{Meta: aims.Meta{ID: "proc-1"}, Title: "Model release procedure", Type: aims.DocProcedure,
				Text: "Every release is validated.", ReviewDue: due}, approver)
		}
	}
	past, future := recClock.AddDate(0, -1, 0), recClock.AddDate(0, 1, 0)
	tests := []struct {
		name  string
		check string
		setup []func(*testing.T, *aims.Workspace)
		want  aims.CheckResult
	}{
		// 4.1
		{"no issue", "context-issues", nil,
			aims.CheckResult{Detail: "no internal or external issue is recorded"}},
		{"external only", "context-issues", []func(*testing.T, *aims.Workspace){issue(aims.IssueExternal, "EU AI Act")},
			aims.CheckResult{Detail: "1 external issues but no internal one"}},
		{"internal only", "context-issues", []func(*testing.T, *aims.Workspace){issue(aims.IssueInternal, "Few ML engineers")},
			aims.CheckResult{Detail: "1 internal issues but no external one"}},
		{"internal and external", "context-issues", []func(*testing.T, *aims.Workspace){
			issue(aims.IssueExternal, "EU AI Act"), issue(aims.IssueInternal, "Few ML engineers"), issue(aims.IssueInternal, "Legacy data")},
			aims.CheckResult{OK: true, Detail: "2 internal and 1 external issues recorded"}},
		// 4.2
		{"no party", "interested-parties", nil,
			aims.CheckResult{Detail: "no interested party is recorded"}},
		{"parties without requirements", "interested-parties", []func(*testing.T, *aims.Workspace){party("hospitals"), party("patients")},
			aims.CheckResult{Detail: "2 interested parties, none with a requirement recorded"}},
		{"party with a requirement", "interested-parties", []func(*testing.T, *aims.Workspace){party("hospitals", explain), party("patients")},
			aims.CheckResult{OK: true, Detail: "2 interested parties with 1 requirements; without requirements: patients"}},
		// 5.1
		{"nobody in top management", "leadership", []func(*testing.T, *aims.Workspace){assign("ana", aims.RoleAIMSManager), assign("carl", aims.RoleApprover), policy("carl")},
			aims.CheckResult{Detail: "nobody holds the role top-management"}},
		{"top management without a policy", "leadership", []func(*testing.T, *aims.Workspace){assign("boss", aims.RoleTopManagement)},
			aims.CheckResult{Detail: "top management (boss) has approved no AI policy"}},
		{"policy approved outside top management", "leadership", []func(*testing.T, *aims.Workspace){
			assign("boss", aims.RoleTopManagement), assign("carl", aims.RoleApprover), policy("carl")},
			aims.CheckResult{Detail: `AI policy ai-policy-r1 was approved by "carl", who does not hold the role top-management`}},
		{"policy approved by top management", "leadership", []func(*testing.T, *aims.Workspace){assign("boss", aims.RoleTopManagement), policy("boss")},
			aims.CheckResult{OK: true, Detail: "top management boss; AI policy ai-policy-r1 approved by boss"}},
		// 7.5
		{"no document", "documented-information", nil,
			aims.CheckResult{Detail: "no approved or published documented information is in force"}},
		{"approved document past its review date", "documented-information", []func(*testing.T, *aims.Workspace){
			assign("boss", aims.RoleTopManagement), policy("boss"), reviewDue("boss", past)},
			aims.CheckResult{Detail: "documents past their review date: proc-1 (review due 2025-02-01)"}},
		{"a draft alone is not documented information in force", "documented-information", []func(*testing.T, *aims.Workspace){reviewDue("", past)},
			aims.CheckResult{Detail: "no approved or published documented information is in force"}},
		{"documents reviewed on time", "documented-information", []func(*testing.T, *aims.Workspace){
			assign("boss", aims.RoleTopManagement), policy("boss"), reviewDue("boss", future)},
			aims.CheckResult{OK: true, Detail: "2 documents in force, none past its review date"}},
	}
	for _, tc := range tests {
		t.Run(tc.check+"/"+tc.name, func(t *testing.T) {
			t.Parallel()
			ws := recWorkspace(t)
			for _, f := range tc.setup {
				f(t, ws)
			}
			var c *aims.Check
			for _, k := range aims.KernelChecks() {
				if k.ID == tc.check {
					c = &k
				}
			}
			if c == nil {
				t.Fatalf("no kernel check %s", tc.check)
			}
			ok, detail, err := c.Run(t.Context(), ws)
			if err != nil {
				t.Fatal(err)
			}
			tc.want.ID, tc.want.Clause, tc.want.Title = c.ID, c.Clause, c.Title
			got := aims.CheckResult{ID: c.ID, Clause: c.Clause, Title: c.Title, OK: ok, Detail: detail}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tc.check, diff)
			}
		})
	}
}

func TestKernelCheckClauses(t *testing.T) {
	t.Parallel()
	var got []string
	for _, c := range aims.KernelChecks() {
		if c.Gate != aims.GatePlanToDo || c.Title == "" {
			t.Errorf("check %s: gate %q title %q", c.ID, c.Gate, c.Title)
		}
		got = append(got, c.Clause+" "+c.ID)
	}
	want := []string{"4.1 context-issues", "4.2 interested-parties", "4.3 scope-defined", "4.3 ai-system-inventory",
		"5.1 leadership", "5.2 ai-policy", "5.3 roles-assigned", "6.2 ai-objectives", "7.5 documented-information"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("KernelChecks (-want +got):\n%s", diff)
	}
}
