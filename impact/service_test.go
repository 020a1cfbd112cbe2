package impact

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/memstore"
	"github.com/aimsgo/iso42001/controls"
	"github.com/aimsgo/iso42001/risk"
	"github.com/aimsgo/iso42001/soa"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Actors: alice writes assessments and owns the system, bob reviews,
// dave holds no role.
const (
	alice = "alice"
	bob   = "bob"
	dave  = "dave"
	admin = "admin"
)

type fixture struct {
	ws    *aims.Workspace
	clock *clock
	reg   *risk.Register
	svc   *Service
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := t.Context()
	clk := &clock{now: t0}
	var mu sync.Mutex
	n := map[string]int{}
	ws, err := aims.NewWorkspace(memstore.New(), "acme", &aims.Options{Clock: clk.Now, NewID: func(kind string) string {
		mu.Lock()
		defer mu.Unlock()
		n[kind]++
		return fmt.Sprintf("%s-%d", kind, n[kind])
	}})
	if err != nil {
		t.Fatal(err)
	}
	if err := aims.NewCollection[aims.RoleAssignment](ws, aims.KindRoleAssignment, 1).Create(ctx, admin, &aims.RoleAssignment{Meta: aims.Meta{ID: bob}, Roles: []aims.Role{aims.RoleApprover}}); err != nil {
		t.Fatal(err)
	}
	if err := aims.AISystems(ws).Create(ctx, admin, creditModel()); err != nil {
		t.Fatal(err)
	}
	crit := risk.DefaultCriteria()
	reg, err := risk.NewRegister(ws, crit, risk.NewMatrix(crit), nil)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := NewService(ctx, ws, &Options{Register: reg})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{ws: ws, clock: clk, reg: reg, svc: svc}
}

func creditModel() *aims.AISystem {
	return &aims.AISystem{
		Meta: aims.Meta{ID: "credit-model"}, Name: "Credit scoring model", Purpose: "Score the creditworthiness of consumer loan applicants",
		Roles: []aims.AIRole{aims.AIRoleProvider}, Owner: alice, ModelVersion: "v1",
		DataSources:       []aims.DataSource{{Name: "loan-history", Kind: "training", Provenance: "own loan book 2015-2024"}},
		DeploymentContext: "Online loan applications in Germany; a credit officer reviews declines", InScope: true,
	}
}

func baselineAnswers() Answers {
	return Answers{
		"intended-uses":         TextValue("Score consumer loan applicants' creditworthiness"),
		"foreseeable-misuse":    TextValue("Using the score for employment screening"),
		"deployment-context":    TextValue("Online loan applications; officers review declines"),
		"automation":            TextValue("human-on-the-loop"),
		"significant-decisions": BoolValue(true),
		"affected":              ListValue("subjects", "users"),
		"vulnerable":            BoolValue(true),
		"vulnerable-groups":     ListValue("precarious"),
		"scale":                 TextValue("population"),
		"dimensions":            ListValue("fairness", "economic", "privacy"),
		"personal-data":         BoolValue(true),
		"special-category-data": BoolValue(false),
		"reversibility":         TextValue("with-effort"),
		"contestable":           BoolValue(true),
		"consulted":             BoolValue(true),
		"consulted-whom":        TextValue("Consumer association; they asked for reasons on declines"),
	}
}

func creditScreening() Answers {
	return with(benign("provider"), "annex-iii", ListValue("5b"), "derogation", ListValue("none"), "profiling", BoolValue(true))
}

// fill completes a draft the way an assessor would.
func fill(a *Assessment) {
	a.Misuse = []string{"Employment screening with the credit score"}
	a.Stakeholders = []Stakeholder{
		{Name: "loan applicants", Kind: AffectedSubjects, Vulnerable: true, Note: "includes people in financial hardship"},
		{Name: "credit officers", Kind: AffectedUsers},
	}
	a.Impacts = []Impact{
		{ID: "I1", Title: "Unfair declines for protected groups", Effect: Harm, Dimension: DimensionFairness,
			Description: "Historic lending bias reproduced in scores declines applicants from some groups more often.",
			Affected:    []string{"loan applicants"},
			Levels:      Levels{Severity: 4, Likelihood: 4, Scale: 4, Reversibility: 3},
			Sources:     []controls.RiskSource{controls.SourceMachineLearning},
			Mitigations: []Mitigation{{Description: "Bias testing per release and data quality checks", Controls: []string{"A.7.4", "A.6.2.4"}}},
			Residual:    Levels{Severity: 3, Likelihood: 2, Scale: 3, Reversibility: 2}},
		{ID: "I2", Title: "Faster decisions", Effect: Benefit, Dimension: DimensionEconomic, Affected: []string{"loan applicants"}},
		{ID: "I3", Title: "Minor inconvenience from extra questions", Effect: Harm, Dimension: DimensionWellbeing,
			Levels: Levels{Severity: 1, Likelihood: 2, Scale: 1, Reversibility: 1}},
	}
	a.Consulted = []Consultation{{Party: "Consumer association", Date: t0, Summary: "Asked for reasons on declines"}}
	a.Decision = &Decision{Verdict: ProceedWithConditions, Rationale: "Benefits outweigh the residual harm once bias testing runs.",
		Conditions: []string{"bias test passes before each release"}}
}

func must[T any](t testing.TB) func(v T, err error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// draft walks an assessment to in-review.
func (f *fixture) draft(t *testing.T) *Assessment {
	t.Helper()
	ctx := t.Context()
	a := must[*Assessment](t)(f.svc.New(ctx, alice, "credit-model"))
	a = must[*Assessment](t)(f.svc.Answer(ctx, alice, a.ID, baselineAnswers()))
	must[*Screening](t)(f.svc.Screen(ctx, alice, "credit-model", creditScreening()))
	a = must[*Assessment](t)(f.svc.Get(ctx, a.ID))
	fill(a)
	return must[*Assessment](t)(f.svc.Update(ctx, alice, a))
}

func TestAssessmentEndToEnd(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	a := f.draft(t)
	if a.Result == nil || a.Result.Outcome != "significant" {
		t.Fatalf("baseline outcome = %+v, want significant", a.Result)
	}
	if a.Screening == nil || a.Screening.Tier != TierHighRisk {
		t.Fatalf("screening = %+v, want high-risk", a.Screening)
	}
	if got := a.Impacts[0].Score; got == nil || got.Band != "critical" {
		t.Fatalf("I1 score = %+v, want band critical", got)
	}
	if got := a.Impacts[2].Score; got == nil || got.Band != "low" {
		t.Fatalf("I3 score = %+v, want band low", got)
	}
	must[*Assessment](t)(f.svc.Submit(ctx, alice, a.ID))

	// The author may not approve; nor may someone without the role.
	for _, actor := range []string{alice, dave} {
		if _, err := f.svc.Approve(ctx, actor, a.ID); !errors.Is(err, aims.ErrForbidden) {
			t.Errorf("Approve by %s: err = %v, want ErrForbidden", actor, err)
		}
	}
	// The above-threshold harm must reach the register first.
	_, err := f.svc.Approve(ctx, bob, a.ID)
	if !errors.Is(err, aims.ErrTransitionDenied) || !strings.Contains(err.Error(), "I1") {
		t.Fatalf("Approve before Link: err = %v, want ErrTransitionDenied naming I1", err)
	}
	links := must[[]RiskLink](t)(f.svc.Link(ctx, alice, a.ID))
	want := []RiskLink{{Impact: "I1", Risk: a.ID + "-I1", Created: true, Band: "critical"}}
	if diff := cmp.Diff(want, links); diff != "" {
		t.Errorf("links (-want +got):\n%s", diff)
	}
	rk := must[*risk.Risk](t)(f.reg.Get(ctx, a.ID+"-I1"))
	if diff := cmp.Diff([]controls.RiskSource{controls.SourceMachineLearning}, rk.Sources); diff != "" {
		t.Errorf("risk sources (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"credit-model"}, rk.Systems); diff != "" {
		t.Errorf("risk systems (-want +got):\n%s", diff)
	}
	if rk.Inherent == nil || rk.Owner != alice {
		t.Errorf("risk inherent = %v, owner = %q; want rated, owned by alice", rk.Inherent, rk.Owner)
	}
	// Linking again changes nothing.
	again := must[[]RiskLink](t)(f.svc.Link(ctx, alice, a.ID))
	if len(again) != 1 || again[0].Created {
		t.Errorf("second Link = %+v, want the existing link", again)
	}

	f.clock.Add(time.Hour)
	a = must[*Assessment](t)(f.svc.Approve(ctx, bob, a.ID))
	if a.State != string(StateApproved) || a.ApprovedBy != bob || !a.NextReview.Equal(t0.Add(time.Hour).AddDate(0, 0, DefaultReviewDays)) {
		t.Errorf("approved = state %s by %s next %v", a.State, a.ApprovedBy, a.NextReview)
	}
	// Approved is immutable.
	a.Title = "changed"
	if _, err := f.svc.Update(ctx, alice, a); !errors.Is(err, aims.ErrTransitionDenied) {
		t.Errorf("Update of approved: err = %v, want ErrTransitionDenied", err)
	}
	if _, err := f.svc.Answer(ctx, alice, a.ID, baselineAnswers()); !errors.Is(err, aims.ErrTransitionDenied) {
		t.Errorf("Answer on approved: err = %v, want ErrTransitionDenied", err)
	}

	// The mitigation controls reach the SoA, citing the assessment.
	s, err := soa.Generate(ctx, soa.Inputs{Requirers: []soa.Requirer{f.svc}})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range s.Entries {
		if e.Control != "A.7.4" {
			continue
		}
		if !e.Applicable || !strings.Contains(e.Justification, a.ID) {
			t.Errorf("A.7.4: applicable %v, justification %q; want applicable citing %s", e.Applicable, e.Justification, a.ID)
		}
	}

	// A newer assessment supersedes it.
	b := f.draft(t)
	must[*Assessment](t)(f.svc.Submit(ctx, alice, b.ID))
	must[[]RiskLink](t)(f.svc.Link(ctx, alice, b.ID))
	f.clock.Add(time.Hour)
	b = must[*Assessment](t)(f.svc.Approve(ctx, bob, b.ID))
	if b.Supersedes != a.ID {
		t.Errorf("supersedes = %q, want %q", b.Supersedes, a.ID)
	}
	old := must[*Assessment](t)(f.svc.Get(ctx, a.ID))
	if old.State != string(StateSuperseded) || old.SupersededBy != b.ID {
		t.Errorf("old: state %s superseded by %q; want superseded by %s", old.State, old.SupersededBy, b.ID)
	}
	cur := must[*Assessment](t)(f.svc.Current(ctx, "credit-model"))
	if cur.ID != b.ID {
		t.Errorf("current = %s, want %s", cur.ID, b.ID)
	}
	if _, err := f.ws.Verify(ctx); err != nil {
		t.Errorf("journal: %v", err)
	}
}

func TestUpdateChecks(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	a := must[*Assessment](t)(f.svc.New(ctx, alice, "credit-model"))
	fill(a)
	a.Impacts[0].Mitigations[0].Controls = []string{"A.7.4", "A.99.1"}
	a.Impacts[0].Mitigations[0].Risks = []string{"no-such-risk"}
	a.Impacts[2].Levels.Likelihood = 9
	a.Impacts[1].Affected = []string{"nobody"}
	_, err := f.svc.Update(ctx, alice, a)
	var ve *aims.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("err = %v, want a validation error", err)
	}
	var got []string
	for _, p := range ve.Problems {
		got = append(got, p.Path)
	}
	// The form is checked first; references and scores once it is sound.
	if diff := cmp.Diff([]string{"impacts[1].affected[0]"}, got); diff != "" {
		t.Errorf("paths (-want +got):\n%s", diff)
	}
	a.Impacts[1].Affected = nil
	_, err = f.svc.Update(ctx, alice, a)
	if !errors.As(err, &ve) {
		t.Fatalf("err = %v, want a validation error", err)
	}
	got = nil
	for _, p := range ve.Problems {
		got = append(got, p.String())
	}
	want := []string{
		`impacts[0].mitigations[0].controls[1]: unknown control "A.99.1": not in catalog iso42001-2023`,
		`impacts[0].mitigations[0].risks[0]: no risk "no-such-risk" in the register`,
		"impacts[2].levels.likelihood: must be between 1 and 5, got 9",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

func TestSubmitGuards(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	a := must[*Assessment](t)(f.svc.New(ctx, alice, "credit-model"))
	partial := baselineAnswers()
	delete(partial, "scale")
	must[*Assessment](t)(f.svc.Answer(ctx, alice, a.ID, partial))
	_, err := f.svc.Submit(ctx, alice, a.ID)
	var te *aims.TransitionError
	if !errors.As(err, &te) {
		t.Fatalf("err = %v, want *aims.TransitionError", err)
	}
	var rules []string
	for _, u := range te.Unmet {
		rules = append(rules, u.Rule)
	}
	if diff := cmp.Diff([]string{"questionnaire-complete", "decision-made"}, rules); diff != "" {
		t.Errorf("unmet (-want +got):\n%s\n%v", diff, err)
	}
	// Reviewers send back with a reason, recorded as a comment.
	b := f.draft(t)
	must[*Assessment](t)(f.svc.Submit(ctx, alice, b.ID))
	b = must[*Assessment](t)(f.svc.Reject(ctx, bob, b.ID, "Add the misuse by brokers"))
	if b.State != string(StateDraft) || len(b.Comments) != 1 || b.Comments[0].By != bob {
		t.Errorf("after reject: state %s comments %+v", b.State, b.Comments)
	}
}

func TestDueAndInventory(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	systems := aims.AISystems(f.ws)
	if err := systems.Create(ctx, admin, &aims.AISystem{Meta: aims.Meta{ID: "chatbot"}, Name: "Support chatbot", InScope: true}); err != nil {
		t.Fatal(err)
	}
	if err := systems.Create(ctx, admin, &aims.AISystem{Meta: aims.Meta{ID: "lab-toy"}, Name: "Lab experiment"}); err != nil {
		t.Fatal(err)
	}
	a := f.draft(t)
	must[*Assessment](t)(f.svc.Submit(ctx, alice, a.ID))
	must[[]RiskLink](t)(f.svc.Link(ctx, alice, a.ID))
	a = must[*Assessment](t)(f.svc.Approve(ctx, bob, a.ID))

	due := must[[]DueItem](t)(f.svc.Due(ctx, t0.Add(24*time.Hour)))
	want := []DueItem{{System: "chatbot", Name: "Support chatbot", Reasons: []DueReason{{TriggerNoAssessment, "the system is in scope and has no approved impact assessment"}}}}
	if diff := cmp.Diff(want, due); diff != "" {
		t.Errorf("due at first (-want +got):\n%s", diff)
	}

	sys := must[*aims.AISystem](t)(systems.Get(ctx, "credit-model"))
	sys.ModelVersion = "v2"
	sys.DataSources = append(sys.DataSources, aims.DataSource{Name: "bureau-feed", Kind: "production"})
	if err := systems.Update(ctx, admin, sys); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.NoteIncident(ctx, alice, &Incident{System: "credit-model", At: t0.Add(48 * time.Hour), Summary: "Decline rate doubled for one postcode"}); err != nil {
		t.Fatal(err)
	}
	passed := Incident{System: "credit-model", At: t0.Add(72 * time.Hour), Summary: "Complaint from regulator"}
	due = must[[]DueItem](t)(f.svc.Due(ctx, t0.AddDate(1, 0, 1), passed))
	var got []Trigger
	for _, d := range due {
		if d.System == "credit-model" {
			for _, r := range d.Reasons {
				got = append(got, r.Trigger)
			}
		}
	}
	if diff := cmp.Diff([]Trigger{TriggerModelVersion, TriggerDataSources, TriggerIncident, TriggerIncident, TriggerReviewPeriod}, got); diff != "" {
		t.Errorf("credit-model triggers (-want +got):\n%s", diff)
	}

	inv := must[[]InventoryItem](t)(f.svc.Inventory(ctx))
	wantInv := []InventoryItem{
		{System: "chatbot", Name: "Support chatbot", InScope: true},
		{System: "credit-model", Name: "Credit scoring model", InScope: true, Current: a.ID, Version: "v1", Tier: TierHighRisk,
			Outcome: "significant", ApprovedAt: a.ApprovedAt, NextReview: a.NextReview},
		{System: "lab-toy", Name: "Lab experiment"},
	}
	if diff := cmp.Diff(wantInv, inv); diff != "" {
		t.Errorf("inventory (-want +got):\n%s", diff)
	}
}

func TestServiceRequiresRegisterToLink(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ws, err := aims.NewWorkspace(memstore.New(), "acme", nil)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := NewService(ctx, ws, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Link(ctx, alice, "x"); !errors.Is(err, aims.ErrInvalid) {
		t.Errorf("Link without register: err = %v, want ErrInvalid", err)
	}
	if svc.Threshold() != 2 {
		t.Errorf("default threshold = %d, want 2 (first band above the appetite)", svc.Threshold())
	}
}
