// Command quickstart walks one organisation through the Plan phase of an
// AI management system with the SDK, in memory: an AI system in the
// inventory, a risk assessed and treated with Annex A controls, and the
// Statement of Applicability those choices produce, with the journal
// verified at the end.
//
//	go run ./examples/quickstart
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/memstore"
	"github.com/aimsgo/iso42001/controls"
	"github.com/aimsgo/iso42001/risk"
	"github.com/aimsgo/iso42001/soa"
)

func main() {
	if err := run(os.Stdout, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run(w io.Writer, _ []string) error {
	ctx := context.Background()
	// A fixed clock makes every run print the same thing.
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	ws, err := aims.NewWorkspace(memstore.New(), "acme-lending", &aims.Options{Clock: func() time.Time { return now }})
	if err != nil {
		return err
	}

	// The standard as data.
	cat := controls.ISO42001()
	logs, err := cat.Control("A.6.2.8")
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Catalog: %s %s\n", logs.ID, logs.Title)
	for m := range cat.MappingsFrom(logs.ID) {
		if m.Framework == controls.FrameworkEUAIAct {
			fmt.Fprintf(w, "  maps to EU AI Act %s (%s)\n", m.Ref, m.Strength)
		}
	}

	// Clause 4.3: the AI system inventory.
	credit := &aims.AISystem{Meta: aims.Meta{ID: "credit-model"}, Name: "Credit scoring model",
		Roles: []aims.AIRole{aims.AIRoleProvider}, Owner: "alice", InScope: true}
	if err := aims.AISystems(ws).Create(ctx, "alice", credit); err != nil {
		return err
	}
	fmt.Fprintf(w, "Inventory: %s (%s)\n", credit.Name, credit.ID)

	// Clauses 6.1.2 and 6.1.3: assess and treat a risk.
	crit := risk.DefaultCriteria()
	scorer, err := risk.Builtins().ForCriteria(crit)
	if err != nil {
		return err
	}
	reg, err := risk.NewRegister(ws, crit, scorer, nil)
	if err != nil {
		return err
	}
	bias := &risk.Risk{Meta: aims.Meta{ID: "R-1"}, Title: "Bias against protected groups in credit decisions",
		Owner: "alice", Systems: []string{credit.ID},
		Sources:      []controls.RiskSource{controls.SourceMachineLearning},
		Objectives:   []controls.AIObjective{controls.AIObjectiveFairness},
		Causes:       []string{"historical lending data encodes past discrimination"},
		Consequences: []string{"unfair refusals of credit", "regulatory action"}}
	if err := reg.Add(ctx, "alice", bias); err != nil {
		return err
	}
	rk, err := reg.Assess(ctx, "alice", bias.ID, risk.StageInherent, risk.Assessment{Likelihood: 4, Consequence: 4}, "seen in back-testing")
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Risk %s: %s\n", rk.ID, rk.Inherent.Score.Explain())
	for _, ev := range []risk.Event{risk.EventAnalyse, risk.EventEvaluate} {
		if _, err := reg.Fire(ctx, "alice", rk.ID, ev, nil); err != nil {
			return err
		}
	}
	rk, err = reg.Treat(ctx, "alice", rk.ID, risk.Treatment{
		Options:  []risk.Option{risk.OptionChangeLikelihood},
		Controls: []risk.ControlChoice{{ID: "A.7.4"}, {ID: "A.6.2.4"}, {ID: "A.5.4"}},
		Actions:  []risk.Action{{ID: "act-1", Title: "Fairness tests in the release gate", Owner: "bob", Due: now.AddDate(0, 1, 0)}},
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Treatment: %d controls chosen; relevant controls not yet considered: %v\n",
		len(rk.Treatment.Controls), reg.Unconsidered(rk))

	// Clause 6.1.3 d: the Statement of Applicability, traced to the risk.
	doc, err := soa.Generate(ctx, soa.Inputs{Catalog: cat, Requirers: []soa.Requirer{soa.Risks(reg)},
		Decisions: []soa.Decision{{Control: "A.10.4", Choice: soa.Exclude,
			Reason: "we supply no AI system to customers", By: "alice", At: now}},
		GeneratedAt: now})
	if err != nil {
		return err
	}
	applicable := 0
	for _, e := range doc.Entries {
		if e.Applicable {
			applicable++
		}
		if e.Control == "A.7.4" || e.Control == "A.10.4" {
			fmt.Fprintf(w, "SoA %s: %s\n", e.Control, e.Justification)
		}
	}
	fmt.Fprintf(w, "SoA: %d of %d controls applicable\n", applicable, len(doc.Entries))

	// The journal: every change above, hash-chained.
	rep, err := ws.Verify(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Journal: %d entries verified\n", rep.Entries)
	return nil
}
