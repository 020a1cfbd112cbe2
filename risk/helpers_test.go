package risk

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/memstore"
	"github.com/aimsgo/iso42001/controls"
)

// t0 is the fixtures' "now".
var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// clock is a settable test clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// Actors of the fixtures.
const (
	alice = "alice" // owner of most risks
	bob   = "bob"   // AI governance board member
	carol = "carol" // risk manager
	dave  = "dave"  // no role
	admin = "admin"
)

type fixture struct {
	ws    *aims.Workspace
	clock *clock
	reg   *Register
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	return newFixtureOn(t, memstore.New())
}

// newFixtureOn is newFixture on store.
func newFixtureOn(t testing.TB, store aims.Store) *fixture {
	t.Helper()
	ctx := context.Background()
	clk := &clock{now: t0}
	ws, err := aims.NewWorkspace(store, "acme", &aims.Options{Clock: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	roles := aims.NewCollection[aims.RoleAssignment](ws, aims.KindRoleAssignment, 1)
	for actor, rs := range map[string][]aims.Role{bob: {aims.RoleGovernanceBoard}, carol: {aims.RoleRiskManager}} {
		if err := roles.Create(ctx, admin, &aims.RoleAssignment{Meta: aims.Meta{ID: actor}, Roles: rs}); err != nil {
			t.Fatal(err)
		}
	}
	// The AI systems the tests' risks affect: Add refuses a system the
	// inventory does not hold.
	for _, id := range []string{"credit-scoring", "fraud-detection", "support-assistant", "a"} {
		if err := aims.AISystems(ws).Create(ctx, admin, &aims.AISystem{Meta: aims.Meta{ID: id}, Name: id, Roles: []aims.AIRole{aims.AIRoleProvider}}); err != nil {
			t.Fatal(err)
		}
	}
	crit := DefaultCriteria()
	if err := SaveCriteria(ctx, ws, admin, crit); err != nil {
		t.Fatal(err)
	}
	reg, err := NewRegister(ws, crit, NewMatrix(crit), nil)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{ws: ws, clock: clk, reg: reg}
}

// okRisk returns a function that fails the test on err and returns rk:
// ok := okRisk(t); ok(reg.Fire(...)).
func okRisk(t testing.TB) func(rk *Risk, err error) *Risk {
	return func(rk *Risk, err error) *Risk {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return rk
	}
}

func biasRisk() *Risk {
	return &Risk{
		Meta:         aims.Meta{ID: "risk-1"},
		Title:        "Bias in the credit-scoring model",
		Description:  "The model scores applicants from some postcodes lower for reasons unrelated to credit risk.",
		Systems:      []string{"credit-scoring"},
		Sources:      []controls.RiskSource{controls.SourceMachineLearning},
		Objectives:   []controls.AIObjective{controls.AIObjectiveFairness},
		Owner:        alice,
		Causes:       []string{"historical lending data encodes past discrimination", "postcode acts as a proxy for ethnicity"},
		Consequences: []string{"unfair refusals of credit", "breach of equal-treatment law"},
	}
}

func injectionRisk() *Risk {
	return &Risk{
		Meta:         aims.Meta{ID: "risk-2"},
		Title:        "Prompt injection in the LLM support assistant",
		Description:  "Instructions hidden in customer e-mails make the assistant reveal other customers' data.",
		Systems:      []string{"support-assistant"},
		Sources:      []controls.RiskSource{controls.SourceLackOfTransparency, controls.SourceEnvironmentComplexity},
		Objectives:   []controls.AIObjective{controls.AIObjectiveSecurity, controls.AIObjectivePrivacy},
		Owner:        alice,
		Causes:       []string{"the model cannot tell instructions from data", "the assistant can call the CRM API"},
		Consequences: []string{"disclosure of personal data"},
	}
}

func driftRisk() *Risk {
	return &Risk{
		Meta:         aims.Meta{ID: "risk-3"},
		Title:        "Data drift degrades the fraud-detection model",
		Systems:      []string{"fraud-detection"},
		Sources:      []controls.RiskSource{controls.SourceLifecycle},
		Objectives:   []controls.AIObjective{controls.AIObjectiveRobustness},
		Owner:        carol,
		Causes:       []string{"payment patterns change after a new product launch"},
		Consequences: []string{"missed fraud", "false alarms block genuine customers"},
	}
}

func theftRisk() *Risk {
	return &Risk{
		Meta:         aims.Meta{ID: "risk-4"},
		Title:        "Theft of model weights",
		Systems:      []string{"credit-scoring", "fraud-detection"},
		Sources:      []controls.RiskSource{controls.SourceHardware},
		Objectives:   []controls.AIObjective{controls.AIObjectiveSecurity},
		Owner:        alice,
		Causes:       []string{"weights stored on a shared build server"},
		Consequences: []string{"competitor reuses the model"},
	}
}

// analysed adds rk and moves it to analysed with an inherent rating.
func (f *fixture) analysed(t testing.TB, rk *Risk, l, c int) {
	t.Helper()
	ctx := context.Background()
	must := okRisk(t)
	if err := f.reg.Add(ctx, alice, rk); err != nil {
		t.Fatal(err)
	}
	must(f.reg.Assess(ctx, alice, rk.ID, StageInherent, Assessment{Likelihood: l, Consequence: c}, ""))
	must(f.reg.Fire(ctx, alice, rk.ID, EventAnalyse, nil))
}

// populate builds the register the golden files show:
//
//	risk-1 bias: high, treatment planned, one action done, one overdue
//	risk-2 prompt injection: high -> treated -> medium, accepted by bob, monitoring
//	risk-3 drift: medium, evaluated, needs treatment
//	risk-4 theft: low, accepted by its owner without treatment
//	risk-10: identified only
func (f *fixture) populate(t testing.TB) {
	t.Helper()
	ctx := context.Background()
	r := f.reg
	must := okRisk(t)

	f.analysed(t, biasRisk(), 4, 4)
	must(r.Fire(ctx, alice, "risk-1", EventEvaluate, nil))
	must(r.Treat(ctx, alice, "risk-1", Treatment{
		Options:   []Option{OptionChangeLikelihood, OptionChangeConsequence},
		Rationale: "Remove proxy features, test for disparate impact before each release, and let applicants ask for human review.",
		Controls: []ControlChoice{
			{ID: "A.7.4", Note: "data quality requirements include representativeness"},
			{ID: "A.6.2.4", Note: "fairness tests in verification and validation"},
			{ID: "A.5.4"},
		},
		Rejected: []Rejection{{ID: "A.7.6", Reason: "data preparation is covered by the data quality work of A.7.4"}},
		Actions: []Action{
			{ID: "act-1", Title: "Drop postcode and retrain", Owner: "erin", Due: t0.AddDate(0, 0, 14)},
			{ID: "act-2", Title: "Disparate-impact test in the release pipeline", Owner: "erin", Due: t0.AddDate(0, 1, 0)},
		},
		Expected: &Rating{Assessment: Assessment{Likelihood: 2, Consequence: 4}},
	}))
	f.clock.Set(t0.AddDate(0, 0, 10))
	must(r.CompleteAction(ctx, "erin", "risk-1", "act-1"))

	f.clock.Set(t0)
	f.analysed(t, injectionRisk(), 4, 3)
	must(r.Fire(ctx, alice, "risk-2", EventEvaluate, nil))
	must(r.Treat(ctx, alice, "risk-2", Treatment{
		Options:   []Option{OptionChangeLikelihood},
		Rationale: "Separate instructions from retrieved content and restrict the assistant's API scope.",
		Controls:  []ControlChoice{{ID: "A.6.2.6"}, {ID: "A.6.2.8"}, {ID: "A.8.2"}},
		Rejected: []Rejection{
			{ID: "A.4.5", Reason: "tooling resources are documented already"},
			{ID: "A.10.3", Reason: "the model supplier is assessed under the vendor programme"},
		},
		Actions: []Action{{ID: "act-1", Title: "Read-only CRM scope for the assistant", Owner: "frank", Due: t0.AddDate(0, 0, 7)}},
	}))
	must(r.CompleteAction(ctx, "frank", "risk-2", "act-1"))
	must(r.Assess(ctx, alice, "risk-2", StageResidual, Assessment{Likelihood: 2, Consequence: 3}, "scope limited; injection still possible"))
	must(r.Fire(ctx, alice, "risk-2", EventCompleteTreatment, nil))
	must(r.Accept(ctx, bob, "risk-2", "Residual risk reviewed by the AI governance board; monitored monthly.", time.Time{}))
	must(r.Fire(ctx, alice, "risk-2", EventMonitor, nil))

	f.analysed(t, driftRisk(), 3, 3)
	must(r.Fire(ctx, carol, "risk-3", EventEvaluate, nil))

	f.analysed(t, theftRisk(), 2, 2)
	must(r.Fire(ctx, alice, "risk-4", EventEvaluate, nil))
	must(r.Accept(ctx, alice, "risk-4", "Within appetite: weights are encrypted at rest.", t0.AddDate(0, 6, 0)))

	if err := r.Add(ctx, alice, &Risk{Meta: aims.Meta{ID: "risk-10"}, Title: "Hallucinated policy terms in customer answers",
		Owner: alice, Systems: []string{"support-assistant"}, Sources: []controls.RiskSource{controls.SourceTechnologyReadiness},
		Objectives: []controls.AIObjective{controls.AIObjectiveTransparency}}); err != nil {
		t.Fatal(err)
	}
}
