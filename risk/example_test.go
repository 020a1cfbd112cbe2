package risk_test

import (
	"context"
	"fmt"
	"time"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/memstore"
	"github.com/aimsgo/iso42001/controls"
	"github.com/aimsgo/iso42001/risk"
)

// A register on an in-memory workspace: add a risk, assess it, analyse
// and evaluate it, and see which Annex A controls are relevant.
func ExampleNewRegister() {
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	ws, _ := aims.NewWorkspace(memstore.New(), "acme", &aims.Options{Clock: func() time.Time { return now }})

	crit := risk.DefaultCriteria()
	_ = risk.SaveCriteria(ctx, ws, "admin", crit) // so the CLI and audits apply the same criteria
	scorer, _ := risk.Builtins().ForCriteria(crit)
	reg, err := risk.NewRegister(ws, crit, scorer, nil)
	if err != nil {
		panic(err)
	}

	err = reg.Add(ctx, "alice", &risk.Risk{
		Meta:         aims.Meta{ID: "risk-1"},
		Title:        "Bias in the credit-scoring model",
		Owner:        "alice",
		Sources:      []controls.RiskSource{controls.SourceMachineLearning},
		Objectives:   []controls.AIObjective{controls.AIObjectiveFairness},
		Causes:       []string{"historical data encodes past discrimination"},
		Consequences: []string{"unfair refusals of credit"},
	})
	if err != nil {
		panic(err)
	}
	rk, err := reg.Assess(ctx, "alice", "risk-1", risk.StageInherent, risk.Assessment{Likelihood: 4, Consequence: 4}, "")
	if err != nil {
		panic(err)
	}
	fmt.Println(rk.Inherent.Score.Explain())
	_, _ = reg.Fire(ctx, "alice", "risk-1", risk.EventAnalyse, nil)
	rk, _ = reg.Fire(ctx, "alice", "risk-1", risk.EventEvaluate, nil)
	fmt.Println(rk.State, "within appetite:", crit.WithinAppetite(rk.Inherent.Score.Level()))
	fmt.Println("relevant controls not yet considered:", reg.Unconsidered(rk))
	// Output:
	// high (16): likelihood likely (4) x consequence major (4) [matrix]
	// evaluated within appetite: false
	// relevant controls not yet considered: [A.5.4 A.5.5 A.6.2.4 A.7.2 A.7.4 A.7.5 A.7.6]
}

// Scorers are picked by name from a registry value, configured with JSON.
func ExampleScorers_Build() {
	crit := risk.DefaultCriteria()
	w, err := risk.Builtins().Build("weighted", crit, []byte(`{"factors":[
		{"name":"severity","weight":3},{"name":"reversibility","weight":1},{"name":"likelihood","weight":2}]}`))
	if err != nil {
		panic(err)
	}
	s, err := w.Score(risk.Assessment{Likelihood: 2, Factors: map[string]float64{"severity": 5, "reversibility": 4}})
	if err != nil {
		panic(err)
	}
	fmt.Println(s.Explain())
	_, err = w.Score(risk.Assessment{Likelihood: 6, Factors: map[string]float64{"severity": 5, "reversibility": 4}})
	fmt.Println(err)
	// Output:
	// critical (18): severity 5 x3 + reversibility 4 x1 + likelihood 2 x2 [weighted]
	// invalid: factors.likelihood: must be between 1 and 5, got 6
}

// A caller's own method plugs in by implementing Scorer, here with
// ScorerFunc.
func ExampleScorerFunc() {
	crit := risk.DefaultCriteria()
	matrix := risk.NewMatrix(crit)
	// Safety-critical systems: never score below high.
	floor := risk.ScorerFunc(func(a risk.Assessment) (risk.Score, error) {
		s, err := matrix.Score(a)
		if err != nil || s.Level() >= 3 {
			return s, err
		}
		return risk.Score{Value: s.Value, Band: crit.Band(3).Name,
			Rationale: &risk.Rationale{Level: 3, Method: "safety-floor", Note: "raised from " + s.Band}}, nil
	})
	s, _ := floor.Score(risk.Assessment{Likelihood: 1, Consequence: 2})
	fmt.Println(s.Explain())
	// Output:
	// high (2): raised from low [safety-floor]
}

// The quantitative scorer is deterministic for a seed.
func ExampleQuantitative() {
	q, err := risk.NewQuantitative(risk.DefaultCriteria(), risk.QuantitativeConfig{Seed: 42, Trials: 10000})
	if err != nil {
		panic(err)
	}
	s, _ := q.Score(risk.Assessment{Exposure: &risk.Exposure{
		Frequency: risk.Range{Min: 0.5, Max: 2},         // incidents per year
		Loss:      risk.Range{Min: 5_000, Max: 200_000}, // per incident, 90% interval
	}})
	fmt.Println(s.Band, s.Rationale.Simulation.P50 < s.Rationale.Simulation.P99)
	// Output:
	// medium true
}
