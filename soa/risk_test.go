package soa_test

import (
	"context"
	"iter"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/memstore"
	"github.com/aimsgo/iso42001/controls"
	riskpkg "github.com/aimsgo/iso42001/risk"
	"github.com/aimsgo/iso42001/soa"
)

// TestRisksFeedTheSoA: the controls a risk treatment chooses become SoA
// requirements whose justification names the risk and its band, and a
// closed-out or untreated risk requires nothing.
func TestRisksFeedTheSoA(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	reg := newRegister(t)
	for _, id := range []string{"risk-1", "risk-2"} {
		addAssessed(t, reg, id)
	}
	treat(t, reg, "risk-1", "A.7.4", "A.6.2.4")
	doc, err := soa.Generate(ctx, soa.Inputs{Catalog: controls.ISO42001(), Requirers: []soa.Requirer{soa.Risks(reg)}, GeneratedAt: now})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range doc.Entries {
		switch e.Control {
		case "A.7.4", "A.6.2.4":
			if !e.Applicable || !strings.Contains(e.Justification, "risk-1") || !strings.Contains(e.Justification, "high") {
				t.Errorf("%s: applicable %v, justification %q; want it traced to risk-1 (high)", e.Control, e.Applicable, e.Justification)
			}
			if strings.Contains(e.Justification, "risk-2") {
				t.Errorf("%s cites the untreated risk-2: %q", e.Control, e.Justification)
			}
		}
	}
}

// TestRisksInNaturalOrder: an entry lists its risk sources in natural
// order of id, whether the register alone requires the control (its
// sources arrive in order and are kept as they come) or another requirer
// does too (they are sorted).
func TestRisksInNaturalOrder(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	reg := newRegister(t)
	for _, id := range []string{"risk-10", "risk-2", "risk-9"} {
		addAssessed(t, reg, id)
		treat(t, reg, id, "A.7.4", "A.6.2.4")
	}
	other := soa.RequirerFunc(func(context.Context) iter.Seq2[soa.Requirement, error] {
		return func(yield func(soa.Requirement, error) bool) {
			yield(soa.Requirement{Control: "A.7.4", Source: soa.Source{Kind: soa.SourceRisk, ID: "risk-3", Title: "From elsewhere", Level: "low"}}, nil)
		}
	})
	doc, err := soa.Generate(ctx, soa.Inputs{Catalog: controls.ISO42001(), Requirers: []soa.Requirer{other, soa.Risks(reg)}, GeneratedAt: now})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{"A.6.2.4": {"risk-2", "risk-9", "risk-10"}, "A.7.4": {"risk-2", "risk-3", "risk-9", "risk-10"}}
	for _, e := range doc.Entries {
		if w, ok := want[e.Control]; ok {
			var got []string
			for _, src := range e.Sources {
				got = append(got, src.ID)
			}
			if !slices.Equal(got, w) {
				t.Errorf("%s sources = %v, want %v", e.Control, got, w)
			}
		}
	}
}

var now = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

// newRegister returns an empty register on a fresh memstore.
func newRegister(t *testing.T) *riskpkg.Register {
	t.Helper()
	ws, err := aims.NewWorkspace(memstore.New(), "acme", &aims.Options{Clock: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	crit := riskpkg.DefaultCriteria()
	scorer, err := riskpkg.Builtins().ForCriteria(crit)
	if err != nil {
		t.Fatal(err)
	}
	reg, err := riskpkg.NewRegister(ws, crit, scorer, nil)
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

// addAssessed adds risk id, assessed high.
func addAssessed(t *testing.T, reg *riskpkg.Register, id string) {
	t.Helper()
	ctx := t.Context()
	if err := reg.Add(ctx, "alice", &riskpkg.Risk{
		Meta: aims.Meta{ID: id}, Title: "Bias in the credit-scoring model " + id, Owner: "alice",
		Sources:    []controls.RiskSource{controls.SourceMachineLearning},
		Objectives: []controls.AIObjective{controls.AIObjectiveFairness},
		Causes:     []string{"skewed history"}, Consequences: []string{"unfair refusals"},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := reg.Assess(ctx, "alice", id, riskpkg.StageInherent, riskpkg.Assessment{Likelihood: 4, Consequence: 4}, ""); err != nil {
		t.Fatal(err)
	}
}

// treat takes risk id through analysis and evaluation and plans its
// treatment with the controls.
func treat(t *testing.T, reg *riskpkg.Register, id string, ctrls ...string) {
	t.Helper()
	ctx := t.Context()
	for _, ev := range []riskpkg.Event{riskpkg.EventAnalyse, riskpkg.EventEvaluate} {
		if _, err := reg.Fire(ctx, "alice", id, ev, nil); err != nil {
			t.Fatal(err)
		}
	}
	var choices []riskpkg.ControlChoice
	for _, c := range ctrls {
		choices = append(choices, riskpkg.ControlChoice{ID: c})
	}
	if _, err := reg.Treat(ctx, "alice", id, riskpkg.Treatment{
		Options:  []riskpkg.Option{riskpkg.OptionChangeLikelihood},
		Controls: choices,
		Actions:  []riskpkg.Action{{ID: "act-1", Title: "Add fairness tests", Owner: "bob", Due: now.AddDate(0, 1, 0)}},
	}); err != nil {
		t.Fatal(err)
	}
}
