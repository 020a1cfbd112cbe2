package risk

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/controls"
	"github.com/google/go-cmp/cmp"
)

func TestLifecycleHappyPath(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.populate(t)
	ctx := t.Context()
	want := map[string]State{
		"risk-1": StateTreatmentPlanned, "risk-2": StateMonitoring, "risk-3": StateEvaluated,
		"risk-4": StateAccepted, "risk-10": StateIdentified,
	}
	got := map[string]State{}
	all, err := f.reg.All(ctx, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, rk := range all {
		got[rk.ID] = State(rk.State)
		order = append(order, rk.ID)
		if rk.Workflow != "risk@1" {
			t.Errorf("%s: workflow %q, want risk@1", rk.ID, rk.Workflow)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("states (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"risk-1", "risk-2", "risk-3", "risk-4", "risk-10"}, order); diff != "" {
		t.Errorf("All order (-want +got):\n%s", diff)
	}
	// The journal is intact and holds every transition.
	rep, err := f.ws.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Entries < 20 {
		t.Errorf("journal has %d entries, want at least 20", rep.Entries)
	}
	r2, err := f.reg.Get(ctx, "risk-2")
	if err != nil {
		t.Fatal(err)
	}
	wantAcc := &Acceptance{By: bob, At: t0, Basis: "Residual risk reviewed by the AI governance board; monitored monthly.",
		Stage: StageResidual, Band: "medium", Level: 2}
	if diff := cmp.Diff(wantAcc, r2.Acceptance); diff != "" {
		t.Errorf("acceptance (-want +got):\n%s", diff)
	}
	if want := t0.Add(365 * 24 * time.Hour); !r2.NextReview.Equal(want) {
		t.Errorf("next review %v, want %v (criteria default interval)", r2.NextReview, want)
	}
	r1, err := f.reg.Get(ctx, "risk-1")
	if err != nil {
		t.Fatal(err)
	}
	if e := r1.Treatment.Expected; e == nil || e.Score.Band != "medium" || e.Score.Value != 8 {
		t.Errorf("expected residual = %+v, want medium (8)", e)
	}
}

func TestFilter(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.populate(t)
	tests := []struct {
		name   string
		filter Filter
		want   []string
	}{
		{"all", Filter{}, []string{"risk-1", "risk-2", "risk-3", "risk-4", "risk-10"}},
		{"owner", Filter{Owner: carol}, []string{"risk-3"}},
		{"state", Filter{State: StateMonitoring}, []string{"risk-2"}},
		{"band", Filter{Band: "high"}, []string{"risk-1"}},
		{"system", Filter{System: "fraud-detection"}, []string{"risk-3", "risk-4"}},
		{"combined", Filter{Owner: alice, System: "credit-scoring"}, []string{"risk-1", "risk-4"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got []string
			for rk, err := range f.reg.List(t.Context(), tt.filter) {
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, rk.ID)
			}
			sortIDs(got)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("List (-want +got):\n%s", diff)
			}
		})
	}
}

func sortIDs(ids []string) {
	rs := make([]*Risk, len(ids))
	for i, id := range ids {
		rs[i] = &Risk{Meta: aims.Meta{ID: id}}
	}
	sortRisks(rs)
	for i, r := range rs {
		ids[i] = r.ID
	}
}

// unmetRules returns the rules of a TransitionError, or nil.
func unmetRules(err error) []string {
	var te *aims.TransitionError
	if !errors.As(err, &te) {
		return nil
	}
	var out []string
	for _, u := range te.Unmet {
		out = append(out, u.Rule)
	}
	return out
}

func TestIllegalSteps(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.populate(t)
	ctx := t.Context()
	if err := f.reg.Add(ctx, alice, &Risk{Meta: aims.Meta{ID: "risk-20"}, Title: "Unanalysed", Owner: alice}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		id        string
		actor     string
		ev        Event
		change    func(*Risk) error
		category  error
		wantRules []string
	}{
		{"evaluate from identified", "risk-10", alice, EventEvaluate, nil, aims.ErrTransitionDenied, []string{"transition"}},
		{"analyse without causes and consequences", "risk-20", alice, EventAnalyse, nil, aims.ErrTransitionDenied, []string{"causes", "consequences"}},
		{"accept while treatment planned", "risk-1", alice, EventAccept, nil, aims.ErrTransitionDenied, []string{"transition"}},
		{"complete treatment with an open action and no residual", "risk-1", alice, EventCompleteTreatment, nil, aims.ErrTransitionDenied, []string{"actions-done", "residual-score"}},
		{"close without reason", "risk-2", alice, EventClose, nil, aims.ErrTransitionDenied, []string{"closed-reason"}},
		{"reopen without reason", "risk-2", alice, EventReopen, nil, aims.ErrTransitionDenied, []string{"reopen-reason"}},
		{"plan treatment without option", "risk-3", carol, EventPlanTreatment, func(r *Risk) error { r.Treatment = &Treatment{}; return nil },
			aims.ErrTransitionDenied, []string{"treatment-option"}},
		{"plan treatment without measures", "risk-3", carol, EventPlanTreatment,
			func(r *Risk) error { r.Treatment = &Treatment{Options: []Option{OptionChangeLikelihood}}; return nil },
			aims.ErrTransitionDenied, []string{"treatment-measures"}},
		{"unknown event", "risk-3", carol, Event("escalate"), nil, aims.ErrTransitionDenied, []string{"transition"}},
		{"accept without basis", "risk-3", carol, EventAccept, nil, aims.ErrTransitionDenied, []string{"acceptance-basis"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			before, err := f.reg.Get(ctx, tt.id)
			if err != nil {
				t.Fatal(err)
			}
			_, err = f.reg.Fire(ctx, tt.actor, tt.id, tt.ev, tt.change)
			if !errors.Is(err, tt.category) {
				t.Fatalf("Fire %s = %v, want %v", tt.ev, err, tt.category)
			}
			if diff := cmp.Diff(tt.wantRules, unmetRules(err)); diff != "" {
				t.Errorf("unmet rules (-want +got):\n%s\nerror: %v", diff, err)
			}
			after, err := f.reg.Get(ctx, tt.id)
			if err != nil {
				t.Fatal(err)
			}
			if after.Version != before.Version || after.State != before.State {
				t.Errorf("refused firing wrote the record: version %d -> %d, state %s -> %s", before.Version, after.Version, before.State, after.State)
			}
		})
	}
}

func TestGuardReasons(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	rk := biasRisk()
	if err := f.reg.Add(ctx, alice, rk); err != nil {
		t.Fatal(err)
	}
	if _, err := f.reg.Fire(ctx, alice, rk.ID, EventAnalyse, nil); err != nil {
		t.Fatal(err)
	}
	_, err := f.reg.Fire(ctx, alice, rk.ID, EventEvaluate, nil)
	if !errors.Is(err, aims.ErrTransitionDenied) || !strings.Contains(err.Error(), "evaluation needs an inherent score") {
		t.Errorf("evaluate without a score = %v, want the reason", err)
	}
}

func TestAcceptanceAuthority(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		l, c      int // inherent rating of the risk owned by alice
		actor     string
		wantErr   error
		wantRules []string
	}{
		{"owner accepts high", 4, 3, alice, nil, nil},
		{"board member accepts high", 4, 3, bob, nil, nil},
		{"risk manager may not accept high", 4, 3, carol, aims.ErrForbidden, []string{"role"}},
		{"actor without role may not accept", 2, 2, dave, aims.ErrForbidden, []string{"role"}},
		{"risk manager accepts medium", 3, 3, carol, nil, nil},
		{"owner may not accept above tolerance", 5, 5, alice, aims.ErrTransitionDenied, []string{"within-tolerance"}},
		{"nobody with a role accepts above tolerance", 5, 4, bob, aims.ErrForbidden, []string{"role"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			ctx := t.Context()
			f.analysed(t, theftRisk(), tt.l, tt.c)
			if _, err := f.reg.Fire(ctx, alice, "risk-4", EventEvaluate, nil); err != nil {
				t.Fatal(err)
			}
			got, err := f.reg.Accept(ctx, tt.actor, "risk-4", "considered by the accountable person", time.Time{})
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("Accept by %s = %v, want success", tt.actor, err)
				}
				if got.State != string(StateAccepted) || got.Acceptance.By != tt.actor || !got.Acceptance.At.Equal(t0) {
					t.Errorf("accepted record = state %s, acceptance %+v", got.State, got.Acceptance)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Accept by %s = %v, want %v", tt.actor, err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.wantRules, unmetRules(err)); diff != "" {
				t.Errorf("unmet rules (-want +got):\n%s", diff)
			}
		})
	}
}

func TestActionsAvailable(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.populate(t)
	tests := []struct {
		id, actor string
		want      []Event
	}{
		{"risk-3", alice, nil}, // accept needs a basis: the data the event carries
		{"risk-2", alice, nil}, // review, close and reopen need data too
		{"risk-10", alice, nil},
	}
	for _, tt := range tests {
		got, err := f.reg.Actions(t.Context(), tt.actor, tt.id)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Actions(%s, %s) (-want +got):\n%s", tt.id, tt.actor, diff)
		}
	}
	// Once assessed, an identified risk with causes and consequences can be analysed.
	ctx := t.Context()
	if err := f.reg.Add(ctx, alice, driftRisk2()); err != nil {
		t.Fatal(err)
	}
	got, err := f.reg.Actions(ctx, alice, "risk-30")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]Event{EventAnalyse}, got); diff != "" {
		t.Errorf("Actions (-want +got):\n%s", diff)
	}
}

func driftRisk2() *Risk {
	r := driftRisk()
	r.ID = "risk-30"
	return r
}

func TestAssessStateAndInput(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.populate(t)
	ctx := t.Context()
	tests := []struct {
		name     string
		id       string
		stage    Stage
		a        Assessment
		category error
		text     string
	}{
		{"likelihood out of range", "risk-10", StageInherent, Assessment{Likelihood: 6, Consequence: 3}, aims.ErrInvalid, "likelihood: must be between 1 and 5, got 6"},
		{"consequence zero", "risk-10", StageInherent, Assessment{Likelihood: 2}, aims.ErrInvalid, "consequence: must be between 1 and 5, got 0"},
		{"inherent after evaluation", "risk-3", StageInherent, Assessment{Likelihood: 2, Consequence: 2}, aims.ErrTransitionDenied, "only allowed in states identified, analysed"},
		{"residual before treatment", "risk-3", StageResidual, Assessment{Likelihood: 2, Consequence: 2}, aims.ErrTransitionDenied, "treatment-planned, treated"},
		{"unknown stage", "risk-3", Stage("target"), Assessment{Likelihood: 2, Consequence: 2}, aims.ErrInvalid, "stage"},
		{"missing risk", "risk-99", StageInherent, Assessment{Likelihood: 2, Consequence: 2}, aims.ErrNotFound, "not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := f.reg.Assess(ctx, alice, tt.id, tt.stage, tt.a, "")
			if !errors.Is(err, tt.category) || !strings.Contains(err.Error(), tt.text) {
				t.Errorf("Assess = %v, want %v containing %q", err, tt.category, tt.text)
			}
		})
	}
	got, err := f.reg.Assess(ctx, alice, "risk-10", StageInherent, Assessment{Likelihood: 3, Consequence: 2}, "first look")
	if err != nil {
		t.Fatal(err)
	}
	want := &Rating{Assessment: Assessment{Likelihood: 3, Consequence: 2}, Note: "first look", AssessedAt: t0, AssessedBy: alice,
		Score: Score{Value: 6, Band: "medium", Rationale: &Rationale{Level: 2, Method: "matrix", Likelihood: 3, LikelihoodLabel: "possible", Consequence: 2, ConsequenceLabel: "minor"}}}
	if diff := cmp.Diff(want, got.Inherent); diff != "" {
		t.Errorf("inherent (-want +got):\n%s", diff)
	}
}

func TestTreatChecksCatalog(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.populate(t)
	ctx := t.Context()
	_, err := f.reg.Treat(ctx, carol, "risk-3", Treatment{
		Options:  []Option{OptionChangeLikelihood},
		Controls: []ControlChoice{{ID: "A.6.2.6"}, {ID: "A.99.1"}},
		Rejected: []Rejection{{ID: "ACME-7", Reason: "n/a"}},
		Expected: &Rating{Assessment: Assessment{Likelihood: 9, Consequence: 1}},
	})
	var ve *aims.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("Treat = %v, want a validation error", err)
	}
	var got []string
	for _, p := range ve.Problems {
		got = append(got, p.String())
	}
	want := []string{
		`treatment.controls[1].id: unknown control "A.99.1" in catalog iso42001-2023`,
		`treatment.rejected[0].id: unknown control "ACME-7" in catalog iso42001-2023`,
		`treatment.expected.assessment.likelihood: must be between 1 and 5, got 9`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}

	// The organisation's own controls count once merged into the catalog.
	own, err := controls.Merge(controls.ISO42001(), controls.Control{ID: "ACME-7", Namespace: "ACME", Title: "Drift dashboard", Summary: "Weekly drift report."})
	if err != nil {
		t.Fatal(err)
	}
	reg, err := NewRegister(f.ws, f.reg.Criteria(), f.reg.Scorer(), &Options{Catalog: own})
	if err != nil {
		t.Fatal(err)
	}
	rk, err := reg.Treat(ctx, carol, "risk-3", Treatment{
		Options:  []Option{OptionChangeLikelihood},
		Controls: []ControlChoice{{ID: "ACME-7"}, {ID: "A.6.2.6"}},
		Actions:  []Action{{ID: "a1", Title: "Weekly drift report", Owner: carol, Due: t0.AddDate(0, 0, 30)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if rk.State != string(StateTreatmentPlanned) {
		t.Errorf("state %s, want treatment-planned", rk.State)
	}
	// Revising the plan keeps the state and journals the revision.
	rk, err = reg.Treat(ctx, carol, "risk-3", Treatment{Options: []Option{OptionRetain}, Rationale: "cheaper to retrain monthly"})
	if err != nil {
		t.Fatal(err)
	}
	if rk.State != string(StateTreatmentPlanned) || len(rk.Treatment.Controls) != 0 {
		t.Errorf("revised plan: state %s, treatment %+v", rk.State, rk.Treatment)
	}
}

func TestUnconsidered(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.populate(t)
	tests := []struct {
		id   string
		want []string
	}{
		// machine-learning + fairness: A.5.4 A.5.5 A.6.2.4 A.7.2 A.7.4 A.7.5 A.7.6;
		// chosen A.7.4, A.6.2.4, A.5.4; A.7.6 rejected with a reason.
		{"risk-1", []string{"A.5.5", "A.7.2", "A.7.5"}},
		// No treatment yet: everything relevant is unconsidered.
		{"risk-3", controls.ISO42001().RelevantControls([]controls.RiskSource{controls.SourceLifecycle}, []controls.AIObjective{controls.AIObjectiveRobustness})},
	}
	for _, tt := range tests {
		rk, err := f.reg.Get(t.Context(), tt.id)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tt.want, f.reg.Unconsidered(rk)); diff != "" {
			t.Errorf("Unconsidered(%s) (-want +got):\n%s", tt.id, diff)
		}
	}
	// A rejection without a reason does not count as considered.
	rk := &Risk{Sources: []controls.RiskSource{controls.SourceMachineLearning}, Treatment: &Treatment{
		Controls: []ControlChoice{{ID: "A.5.4"}, {ID: "A.5.5"}, {ID: "A.6.2.4"}, {ID: "A.7.2"}, {ID: "A.7.4"}, {ID: "A.7.5"}},
		Rejected: []Rejection{{ID: "A.7.6", Reason: " "}}}}
	got := Unconsidered(controls.ISO42001(), rk)
	want := []string{}
	for _, id := range controls.ISO42001().RelevantControls(rk.Sources, nil) {
		if id == "A.7.6" {
			want = append(want, id)
		}
	}
	if len(want) == 0 {
		t.Fatal("catalog no longer relates A.7.6 to machine-learning; update the test")
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Unconsidered with empty reason (-want +got):\n%s", diff)
	}
}

func TestOverdue(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.populate(t)
	tests := []struct {
		name string
		now  time.Time
		want []OverdueItem
	}{
		{"nothing due yet", t0.AddDate(0, 0, 1), nil},
		{"open action past due", t0.AddDate(0, 1, 5), []OverdueItem{
			{RiskID: "risk-1", Title: "Bias in the credit-scoring model", Owner: "erin", What: "action", ActionID: "act-2", Due: t0.AddDate(0, 1, 0),
				Why: `action "act-2" (Disparate-impact test in the release pipeline) was due 2026-04-02 (5 days ago) and is not done; owner erin`},
		}},
		{"reviews and actions", t0.AddDate(1, 0, 1), []OverdueItem{
			{RiskID: "risk-1", Title: "Bias in the credit-scoring model", Owner: "erin", What: "action", ActionID: "act-2", Due: t0.AddDate(0, 1, 0),
				Why: `action "act-2" (Disparate-impact test in the release pipeline) was due 2026-04-02 (335 days ago) and is not done; owner erin`},
			{RiskID: "risk-2", Title: "Prompt injection in the LLM support assistant", Owner: alice, What: "review", Due: t0.AddDate(1, 0, 0),
				Why: "review was due 2027-03-02 (1 days ago); owner alice"},
			{RiskID: "risk-4", Title: "Theft of model weights", Owner: alice, What: "review", Due: t0.AddDate(0, 6, 0),
				Why: "review was due 2026-09-02 (182 days ago); owner alice"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := f.reg.Overdue(t.Context(), tt.now)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Overdue (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReviewReopenClose(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.populate(t)
	ctx := t.Context()
	f.clock.Set(t0.AddDate(0, 1, 0))
	rk, err := f.reg.Review(ctx, alice, "risk-2", "no incidents this month", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if rk.State != string(StateMonitoring) || len(rk.Reviews) != 1 || !rk.NextReview.Equal(t0.AddDate(0, 1, 0).Add(365*24*time.Hour)) {
		t.Errorf("after review: state %s, reviews %+v, next %v", rk.State, rk.Reviews, rk.NextReview)
	}
	// A review whose next date is not after it is refused.
	if _, err := f.reg.Review(ctx, alice, "risk-2", "", t0); !errors.Is(err, aims.ErrTransitionDenied) {
		t.Errorf("review with a past next date = %v, want ErrTransitionDenied", err)
	}
	// Reopening needs a valid trigger.
	if _, err := f.reg.Reopen(ctx, alice, "risk-2", Trigger("rumour"), "x"); !errors.Is(err, aims.ErrInvalid) {
		t.Errorf("reopen with a bad trigger = %v, want ErrInvalid", err)
	}
	rk, err = f.reg.Reopen(ctx, dave, "risk-2", TriggerIncident, "an injected e-mail exported a customer list")
	if err != nil {
		t.Fatal(err)
	}
	if rk.State != string(StateIdentified) || rk.Acceptance != nil || rk.Residual != nil {
		t.Errorf("after reopen: state %s, acceptance %+v, residual %+v", rk.State, rk.Acceptance, rk.Residual)
	}
	last := rk.Reopenings[len(rk.Reopenings)-1]
	if last.From != string(StateMonitoring) || last.Superseded == nil || last.Superseded.By != bob || last.Trigger != TriggerIncident {
		t.Errorf("reopening record %+v", last)
	}
	// The inherent rating may be revised again.
	if _, err := f.reg.Assess(ctx, alice, "risk-2", StageInherent, Assessment{Likelihood: 5, Consequence: 4}, "after the incident"); err != nil {
		t.Fatal(err)
	}
	// risk-4: monitor then close.
	must := okRisk(t)
	must(f.reg.Fire(ctx, alice, "risk-4", EventMonitor, nil))
	rk = must(f.reg.Close(ctx, alice, "risk-4", "weights moved to an HSM-backed store; source removed"))
	if rk.State != string(StateClosed) {
		t.Errorf("state %s, want closed", rk.State)
	}
	rk = must(f.reg.Reopen(ctx, alice, "risk-4", TriggerReview, "the HSM contract ended"))
	if rk.State != string(StateIdentified) || rk.ClosedReason != "" {
		t.Errorf("reopened closed risk: state %s, closedReason %q", rk.State, rk.ClosedReason)
	}
}

func TestAddRefuses(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	tests := []struct {
		name string
		rk   *Risk
		want []string
	}{
		{"nil", nil, []string{"risk: is required"}},
		{"empty", &Risk{}, []string{"title: is required", "owner: is required: the actor accountable for the risk"}},
		{"carries a rating and a state", &Risk{Meta: aims.Meta{State: "accepted"}, Title: "x", Owner: alice, Inherent: &Rating{Score: Score{Band: "low", Rationale: &Rationale{Level: 1}}}},
			[]string{"inherent: must be empty on a new risk: set it through the register (Assess, Treat, Accept)", `state: must be empty on a new risk, got "accepted"`}},
		{"unknown annex C values", &Risk{Title: "x", Owner: alice, Sources: []controls.RiskSource{"weather"}, Objectives: []controls.AIObjective{"speed"}},
			[]string{`sources[0]: unknown risk source "weather"`, `objectives[0]: unknown AI objective "speed"`}},
		{"duplicate systems", &Risk{Title: "x", Owner: alice, Systems: []string{"a", "a"}}, []string{`systems[1]: duplicate "a"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := f.reg.Add(ctx, alice, tt.rk)
			var ve *aims.ValidationError
			if !errors.As(err, &ve) || !errors.Is(err, aims.ErrInvalid) {
				t.Fatalf("Add = %v, want a validation error", err)
			}
			var got []string
			for _, p := range ve.Problems {
				got = append(got, p.String())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
	// Duplicate ids conflict.
	if err := f.reg.Add(ctx, alice, biasRisk()); err != nil {
		t.Fatal(err)
	}
	if err := f.reg.Add(ctx, alice, biasRisk()); !errors.Is(err, aims.ErrConflict) {
		t.Errorf("second Add = %v, want ErrConflict", err)
	}
}

func TestTreatmentValidation(t *testing.T) {
	t.Parallel()
	rk := biasRisk()
	rk.Treatment = &Treatment{
		Options:  []Option{"insure", OptionShare, OptionShare},
		Controls: []ControlChoice{{ID: "A.7.4"}, {ID: "A.7.4"}},
		Rejected: []Rejection{{ID: "A.7.4", Reason: "x"}, {ID: "A.7.6"}},
		Actions:  []Action{{ID: "a"}, {ID: "a", Title: "t", Owner: "o", Due: t0}},
	}
	err := rk.Validate()
	var ve *aims.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("Validate = %v", err)
	}
	var got []string
	for _, p := range ve.Problems {
		got = append(got, p.String())
	}
	want := []string{
		`treatment.options[0]: unknown treatment option "insure" (want avoid, remove-source, change-likelihood, change-consequence, share or retain)`,
		`treatment.options[2]: duplicate option "share"`,
		`treatment.controls[1].id: duplicate control "A.7.4"`,
		`treatment.rejected[0].id: control "A.7.4" is both chosen and rejected`,
		`treatment.rejected[1].reason: is required: say why the control was not chosen`,
		`treatment.actions[0].title: is required`,
		`treatment.actions[0].owner: is required`,
		`treatment.actions[0].due: is required`,
		`treatment.actions[1].id: duplicate action "a"`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

func TestEvaluateAll(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.populate(t)
	got, err := f.reg.EvaluateAll(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := []RiskEvaluation{
		{ID: "risk-1", State: StateTreatmentPlanned, Stage: StageInherent, Evaluation: Evaluation{Level: 3, Band: "high", Value: 16, Acceptable: true}},
		{ID: "risk-2", State: StateMonitoring, Stage: StageResidual, Evaluation: Evaluation{Level: 2, Band: "medium", Value: 6, Acceptable: true}},
		{ID: "risk-3", State: StateEvaluated, Stage: StageInherent, Evaluation: Evaluation{Level: 2, Band: "medium", Value: 9, Acceptable: true}, NeedsTreatment: true},
		{ID: "risk-4", State: StateAccepted, Stage: StageInherent, Evaluation: Evaluation{Level: 1, Band: "low", Value: 4, WithinAppetite: true, Acceptable: true}},
		{ID: "risk-10", State: StateIdentified},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("EvaluateAll (-want +got):\n%s", diff)
	}
	// Under stricter criteria (appetite negligible... here: a matrix that
	// makes every cell critical), every stored band changes.
	spec := DefaultSpec()
	spec.Tolerance = "critical"
	var cells [][]string
	for range 5 {
		cells = append(cells, []string{"critical", "critical", "critical", "critical", "critical"})
	}
	spec.Matrix = cells
	strict, err := NewCriteria(spec)
	if err != nil {
		t.Fatal(err)
	}
	reg, err := NewRegister(f.ws, strict, NewMatrix(strict), nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err = reg.EvaluateAll(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range got[:4] {
		if !e.Changed || e.Evaluation.Band != "critical" {
			t.Errorf("%s: changed %v band %s, want changed to critical", e.ID, e.Changed, e.Evaluation.Band)
		}
	}
}

func TestChecks(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	type result struct {
		OK     bool
		Detail string
	}
	run := func(t *testing.T, f *fixture) map[string]result {
		t.Helper()
		out := map[string]result{}
		for _, c := range f.reg.Checks() {
			if g := checkGates[c.ID]; c.Gate != g.Gate || c.Clause != g.Clause || c.Title == "" {
				t.Errorf("check %s: gate %q clause %q title %q, want gate %q clause %q", c.ID, c.Gate, c.Clause, c.Title, g.Gate, g.Clause)
			}
			ok, detail, err := c.Run(ctx, f.ws)
			if err != nil {
				t.Fatal(err)
			}
			out[c.ID] = result{ok, detail}
		}
		return out
	}
	f := newFixture(t)
	f.populate(t)
	want := map[string]result{
		CheckCriteria: {true, "risk criteria are defined"},
		CheckAssessed: {false, "1 of 5 open risks not assessed: risk-10"},
		// risk-10 was never assessed, so it is not within appetite either.
		CheckTreated:            {false, "2 of 5 open risks neither assessed within appetite nor treated or accepted: risk-3, risk-10"},
		CheckAssessmentsCurrent: {false, "1 of 5 open risks unassessed or past their review date: risk-10"},
		// risk-2 (treated, residual accepted) and risk-4 (accepted within
		// appetite) pass; planned, evaluated and identified risks do not.
		CheckTreatmentResults: {false, "3 of 5 open risks not yet treated, residual-assessed and accepted: risk-1, risk-3, risk-10"},
	}
	if diff := cmp.Diff(want, run(t, f)); diff != "" {
		t.Errorf("checks (-want +got):\n%s", diff)
	}
	// The checks register in the kernel's registry.
	if err := aims.NewChecks().Add(f.reg.Checks()...); err != nil {
		t.Errorf("Checks.Add = %v", err)
	}

	// A workspace without criteria and risks.
	empty := newFixture(t)
	if err := empty.ws.Store().Delete(ctx, empty.ws.Tenant(), KindCriteria, CriteriaID, 1); err != nil {
		t.Fatal(err)
	}
	want = map[string]result{
		CheckCriteria: {false, "no risk criteria saved in the workspace: define the scales, bands, appetite and acceptance authority and save them"},
		// No risk recorded is an assessment nobody made, not a pass.
		CheckAssessed:           {false, noOpenRisk},
		CheckTreated:            {false, noOpenRisk},
		CheckAssessmentsCurrent: {false, noOpenRisk},
		CheckTreatmentResults:   {false, noOpenRisk},
	}
	if diff := cmp.Diff(want, run(t, empty)); diff != "" {
		t.Errorf("checks on an empty workspace (-want +got):\n%s", diff)
	}
}

func TestNewRegisterRequires(t *testing.T) {
	t.Parallel()
	_, err := NewRegister(nil, nil, nil, nil)
	var ve *aims.ValidationError
	if !errors.As(err, &ve) || len(ve.Problems) != 3 {
		t.Errorf("NewRegister(nil...) = %v, want three problems", err)
	}
}

func TestWorkflowMermaid(t *testing.T) {
	t.Parallel()
	m, err := NewWorkflow(DefaultCriteria())
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "workflow.mmd.golden", []byte(m.Mermaid()))
}

func TestRateRefusesInconsistentScorer(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tests := []struct {
		name string
		s    Score
	}{
		{"no rationale", Score{Value: 1, Band: "low"}},
		{"unknown band", Score{Value: 1, Band: "tiny", Rationale: &Rationale{Level: 1}}},
		{"level does not match band", Score{Value: 1, Band: "low", Rationale: &Rationale{Level: 3}}},
	}
	for _, tt := range tests {
		reg, err := NewRegister(f.ws, f.reg.Criteria(), ScorerFunc(func(Assessment) (Score, error) { return tt.s, nil }), nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := reg.Rate(alice, Assessment{}, ""); err == nil {
			t.Errorf("%s: Rate accepted %+v", tt.name, tt.s)
		}
	}
}

// TestAddRefusesUnknownSystem: a risk names AI systems of the inventory.
func TestAddRefusesUnknownSystem(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	rk := &Risk{Meta: aims.Meta{ID: "risk-x"}, Title: "Drift", Owner: alice, Systems: []string{"credit-scoring", "no-such-system"}}
	err := f.reg.Add(t.Context(), alice, rk)
	if !errors.Is(err, aims.ErrInvalid) || !strings.Contains(err.Error(), `systems[1]: "no-such-system" is not an AI system of the inventory`) {
		t.Fatalf("Add = %v, want ErrInvalid naming systems[1]", err)
	}
	if ok, _ := f.reg.Collection().Exists(t.Context(), "risk-x"); ok {
		t.Error("the refused risk was stored")
	}
}
