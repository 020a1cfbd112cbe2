package soa_test

import (
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
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
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
	for _, id := range []string{"risk-1", "risk-2"} {
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
	for _, ev := range []riskpkg.Event{riskpkg.EventAnalyse, riskpkg.EventEvaluate} {
		if _, err := reg.Fire(ctx, "alice", "risk-1", ev, nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := reg.Treat(ctx, "alice", "risk-1", riskpkg.Treatment{
		Options:  []riskpkg.Option{riskpkg.OptionChangeLikelihood},
		Controls: []riskpkg.ControlChoice{{ID: "A.7.4"}, {ID: "A.6.2.4"}},
		Actions:  []riskpkg.Action{{ID: "act-1", Title: "Add fairness tests", Owner: "bob", Due: now.AddDate(0, 1, 0)}},
	}); err != nil {
		t.Fatal(err)
	}
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
