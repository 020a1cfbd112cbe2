package iso42001_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/aimsgo/iso42001"
	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/memstore"
	"github.com/aimsgo/iso42001/controls"
	"github.com/aimsgo/iso42001/impact"
	"github.com/aimsgo/iso42001/risk"
	"github.com/google/go-cmp/cmp"
)

// fairScorer is a FAIR-like caller's scorer with its own inputs: threat
// event frequency ("tef", events a year), vulnerability (0..1, the share
// of events that cause a loss) and loss magnitude ("loss", per event).
// The Value is the annualised loss; log10 of it is placed on the
// criteria's score range (1 to 10^7 and above) and banded by BandOf.
type fairScorer struct{ c *risk.Criteria }

func (f fairScorer) Score(a risk.Assessment) (risk.Score, error) {
	var p aims.Problems
	in := func(name string, hi float64) float64 {
		v, ok := a.Input(name)
		switch {
		case !ok:
			p.Add("factors."+name, "is required")
		case !(v >= 0 && v <= hi):
			p.Addf("factors."+name, "must be between 0 and %g, got %g", hi, v)
		}
		return v
	}
	tef, vuln, loss := in("tef", 1e6), in("vulnerability", 1), in("loss", 1e15)
	if err := p.Err(); err != nil {
		return risk.Score{}, err
	}
	ale := tef * vuln * loss
	bands := f.c.Spec().Bands
	lo, hi := bands[0].Min, bands[len(bands)-1].Max
	level, err := f.c.BandOf(lo + min(math.Log10(max(ale, 1))/7, 1)*(hi-lo))
	if err != nil {
		return risk.Score{}, err
	}
	return risk.Score{Value: ale, Band: f.c.Band(level).Name, Rationale: &risk.Rationale{Level: level, Method: "fair",
		Note: fmt.Sprintf("TEF %g/yr x vulnerability %g x loss %g = annualised loss %g", tef, vuln, loss, ale)}}, nil
}

func fair(tef, vuln, loss float64) risk.Assessment {
	return risk.Assessment{Factors: map[string]float64{"tef": tef, "vulnerability": vuln, "loss": loss}}
}

// TestCustomScorerEndToEnd plugs a caller's scorer in through Open and
// runs it through the register, evaluation, reports, heatmap and the
// impact service's Link.
func TestCustomScorerEndToEnd(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	spec := risk.DefaultSpec()
	spec.Scorer = "fair"
	crit, err := risk.NewCriteria(spec)
	if err != nil {
		t.Fatal(err)
	}
	reg := risk.NewScorers()
	if err := reg.Register("fair", func(c *risk.Criteria, _ json.RawMessage) (risk.Scorer, error) { return fairScorer{c}, nil }); err != nil {
		t.Fatal(err)
	}
	// The impact's judgements become the scorer's inputs: likelihood as
	// events a year, scale as a tenth of vulnerability, severity as the
	// loss's order of magnitude.
	riskInput := func(im *impact.Impact) risk.Assessment {
		l := im.Levels
		return fair(float64(l.Likelihood), float64(l.Scale)/10, math.Pow(10, float64(l.Severity)))
	}
	clock := func() time.Time { return time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC) }
	a, err := iso42001.Open(ctx, memstore.New(), "t", &iso42001.Options{Scorers: reg, Criteria: crit, Clock: clock, ImpactRiskInput: riskInput})
	if err != nil {
		t.Fatal(err)
	}
	iso42001.SeedRoles(t, a, "alice", nil)
	if _, ok := a.Risks().Scorer().(fairScorer); !ok {
		t.Fatalf("register scorer = %T, want the criteria's fair scorer", a.Risks().Scorer())
	}

	// Register: add, assess with the scorer's own inputs.
	if err := aims.AISystems(a.Workspace()).Create(ctx, "alice", &aims.AISystem{Meta: aims.Meta{ID: "credit"}, Name: "Credit scoring", Roles: []aims.AIRole{aims.AIRoleProvider}, Owner: "alice", InScope: true}); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"r1", "r2"} {
		rk := &risk.Risk{Meta: aims.Meta{ID: id}, Title: "Model weights leak " + id, Owner: "alice", Systems: []string{"credit"},
			Sources: []controls.RiskSource{controls.SourceHardware}, Objectives: []controls.AIObjective{controls.AIObjectiveSecurity}}
		if err := a.Risks().Add(ctx, "alice", rk); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.Risks().Assess(ctx, "alice", "r1", risk.StageInherent, fair(4, 0.25, 200_000), "incident data 2024-2026"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Risks().Assess(ctx, "alice", "r2", risk.StageInherent, fair(1, 0.5, 20), ""); err != nil {
		t.Fatal(err)
	}
	_, err = a.Risks().Assess(ctx, "alice", "r2", risk.StageInherent, fair(1, 2, 20), "")
	if !strings.Contains(fmt.Sprint(err), "factors.vulnerability: must be between 0 and 1, got 2") {
		t.Errorf("Assess with vulnerability 2 = %v, want the input's path and rule", err)
	}
	const explain = "critical (200000): TEF 4/yr x vulnerability 0.25 x loss 200000 = annualised loss 200000 [fair]"
	r1, err := a.Risks().Get(ctx, "r1")
	if err != nil {
		t.Fatal(err)
	}
	if got := r1.Inherent.Score.Explain(); got != explain {
		t.Errorf("Explain = %q, want %q", got, explain)
	}

	// Evaluate over assessments, and the whole register.
	evs, err := risk.Evaluate(crit, a.Risks().Scorer(), []risk.Assessment{fair(4, 0.25, 200_000), fair(1, 0.5, 20)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []risk.Evaluation{{Level: 4, Band: "critical", Value: 200_000}, {Level: 1, Band: "low", Value: 10, WithinAppetite: true, Acceptable: true}}
	if diff := cmp.Diff(want, evs); diff != "" {
		t.Errorf("Evaluate (-want +got):\n%s", diff)
	}
	all, err := a.Risks().EvaluateAll(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var allEvs []risk.Evaluation
	for _, e := range all {
		if e.Error != "" || e.Changed {
			t.Errorf("EvaluateAll %s: error %q, changed %v", e.ID, e.Error, e.Changed)
		}
		allEvs = append(allEvs, e.Evaluation)
	}
	if diff := cmp.Diff(want, allEvs); diff != "" {
		t.Errorf("EvaluateAll (-want +got):\n%s", diff)
	}

	// Impact: a harm above the threshold opens a risk rated by the fair
	// scorer from the RiskInput mapping, in one Link.
	ia, err := a.Impacts().New(ctx, "alice", "credit")
	if err != nil {
		t.Fatal(err)
	}
	ia.Impacts = []impact.Impact{{ID: "I1", Title: "Unfair declines", Effect: impact.Harm, Dimension: impact.DimensionFairness,
		Levels:  impact.Levels{Severity: 5, Likelihood: 4, Scale: 5, Reversibility: 4},
		Sources: []controls.RiskSource{controls.SourceMachineLearning}}}
	if ia, err = a.Impacts().Update(ctx, "alice", ia); err != nil {
		t.Fatal(err)
	}
	links, err := a.Impacts().Link(ctx, "alice", ia.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(links) != 1 || !links[0].Created {
		t.Fatalf("links = %+v, want one new risk", links)
	}
	opened, err := a.Risks().Get(ctx, links[0].Risk)
	if err != nil {
		t.Fatal(err)
	}
	const openedExplain = "critical (200000): TEF 4/yr x vulnerability 0.5 x loss 100000 = annualised loss 200000 [fair]"
	if opened.Inherent == nil || opened.Inherent.Score.Explain() != openedExplain {
		t.Errorf("risk opened by Link rated %+v, want %q", opened.Inherent, openedExplain)
	}
	if _, err := a.Workspace().Verify(ctx); err != nil {
		t.Errorf("journal: %v", err)
	}

	// Reports carry the scorer's explanation; the heatmap counts the
	// FAIR ratings off the matrix, by band.
	rep, err := a.Risks().Report(ctx)
	if err != nil {
		t.Fatal(err)
	}
	h, err := rep.Heatmap()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int{1, 0, 0, 2}, h.UnplacedInherentBands); diff != "" || h.UnplacedInherent != 3 {
		t.Errorf("heatmap: %d not on the matrix, by band (-want +got):\n%s", h.UnplacedInherent, diff)
	}
	renders := []struct {
		name  string
		write func(*bytes.Buffer) error
		want  []string
	}{
		{"json", func(b *bytes.Buffer) error { return rep.WriteJSON(b) },
			[]string{`"note": "TEF 4/yr x vulnerability 0.25 x loss 200000 = annualised loss 200000"`, `"tef": 4`}},
		{"markdown", func(b *bytes.Buffer) error { return rep.WriteMarkdown(b) },
			[]string{"- Inherent risk: critical (200000): TEF 4/yr x vulnerability 0.25 x loss 200000 = annualised loss 200000 \\[fair\\]"}},
		{"csv", func(b *bytes.Buffer) error { return rep.WriteCSV(b) }, []string{"," + explain + ","}},
		{"heatmap", func(b *bytes.Buffer) error { return rep.WriteHeatmapMarkdown(b) },
			[]string{"Not on the matrix: 3 rated without likelihood and consequence levels (low 1, critical 2)."}},
	}
	for _, r := range renders {
		t.Run(r.name, func(t *testing.T) {
			t.Parallel()
			var b bytes.Buffer
			if err := r.write(&b); err != nil {
				t.Fatal(err)
			}
			for _, w := range r.want {
				if !strings.Contains(b.String(), w) {
					t.Errorf("%s lacks %q:\n%s", r.name, w, b.String())
				}
			}
		})
	}
}
