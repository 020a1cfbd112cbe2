package risk

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/aimsgo/iso42001/aims"
	"github.com/google/go-cmp/cmp"
)

// fair is a FAIR-like caller's scorer with its own inputs: threat event
// frequency ("tef", events a year), vulnerability (the share of events
// that become losses, 0..1) and loss magnitude ("loss", per loss event).
// Its Value is the annualised loss; the band comes from placing
// log10(loss) on the criteria's score range (1 to 10^7 and above), through
// Criteria.BandOf.
type fair struct{ c *Criteria }

func (f fair) Score(a Assessment) (Score, error) {
	var p aims.Problems
	in := func(name string, lo, hi float64) float64 {
		v, ok := a.Input(name)
		switch {
		case !ok:
			p.Add("factors."+name, "is required")
		case !(v >= lo && v <= hi):
			p.Addf("factors."+name, "must be between %g and %g, got %g", lo, hi, v)
		}
		return v
	}
	tef, vuln, loss := in("tef", 0, 1e6), in("vulnerability", 0, 1), in("loss", 0, 1e15)
	for k := range a.Factors {
		if k != "tef" && k != "vulnerability" && k != "loss" {
			p.Add("factors."+k, "is not an input of the fair scorer")
		}
	}
	if err := p.Err(); err != nil {
		return Score{}, err
	}
	ale := tef * vuln * loss
	bands := f.c.Spec().Bands
	lo, hi := bands[0].Min, bands[len(bands)-1].Max
	x := min(math.Log10(max(ale, 1))/7, 1)
	level, err := f.c.BandOf(lo + x*(hi-lo))
	if err != nil {
		return Score{}, err
	}
	return Score{Value: ale, Band: f.c.Band(level).Name, Rationale: &Rationale{Level: level, Method: "fair",
		Note: fmt.Sprintf("TEF %g/yr x vulnerability %g x loss %g = annualised loss %g", tef, vuln, loss, ale)}}, nil
}

func fairInput(tef, vuln, loss float64) Assessment {
	return Assessment{Factors: map[string]float64{"tef": tef, "vulnerability": vuln, "loss": loss}}
}

func TestAssessmentInput(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		a      Assessment
		input  string
		want   float64
		wantOK bool
	}{
		{"factor", fairInput(4, 0.5, 10), "tef", 4, true},
		{"missing", fairInput(4, 0.5, 10), "other", 0, false},
		{"likelihood field", Assessment{Likelihood: 3}, "likelihood", 3, true},
		{"consequence field", Assessment{Consequence: 2}, "consequence", 2, true},
		{"factor wins over field", Assessment{Likelihood: 3, Factors: map[string]float64{"likelihood": 1}}, "likelihood", 1, true},
		{"unset field", Assessment{}, "likelihood", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := tt.a.Input(tt.input)
			if diff := cmp.Diff([2]any{tt.want, tt.wantOK}, [2]any{got, ok}); diff != "" {
				t.Errorf("Input(%q) (-want +got):\n%s", tt.input, diff)
			}
		})
	}
}

// TestEvaluateAnyScorer checks that Evaluate gives, for the table fast
// path, the same evaluations as the generic path, and for a caller's own
// scorer, the same evaluations as calling the scorer directly.
func TestEvaluateAnyScorer(t *testing.T) {
	t.Parallel()
	c := DefaultCriteria()
	m := NewMatrix(c)
	lxc := NewLxC(c)
	var tables []Assessment
	for l := 1; l <= c.LikelihoodLevels(); l++ {
		for k := 1; k <= c.ConsequenceLevels(); k++ {
			tables = append(tables, Assessment{Likelihood: l, Consequence: k})
		}
	}
	var fairs []Assessment
	for _, tef := range []float64{0, 0.1, 1, 12} {
		for _, loss := range []float64{0, 500, 20_000, 3e6, 1e9} {
			fairs = append(fairs, fairInput(tef, 0.5, loss))
		}
	}
	direct := func(s Scorer, as []Assessment) []Evaluation {
		var out []Evaluation
		for _, a := range as {
			sc, err := s.Score(a)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, c.Evaluate(sc))
		}
		return out
	}
	generic := func(s Scorer) Scorer { return ScorerFunc(s.Score) } // hides the type: no fast path
	tests := []struct {
		name string
		s    Scorer
		as   []Assessment
		want []Evaluation
	}{
		{"matrix fast path = generic", m, tables, must(Evaluate(c, generic(m), tables, nil))},
		{"lxc fast path = generic", lxc, tables, must(Evaluate(c, generic(lxc), tables, nil))},
		{"matrix = direct", m, tables, direct(m, tables)},
		{"custom = direct", fair{c}, fairs, direct(fair{c}, fairs)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Evaluate(c, tt.s, tt.as, nil)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Evaluate (-want +got):\n%s", diff)
			}
		})
	}
}

func must(es []Evaluation, err error) []Evaluation {
	if err != nil {
		panic(err)
	}
	return es
}

func TestEvaluateErrors(t *testing.T) {
	t.Parallel()
	c := DefaultCriteria()
	other := DefaultCriteria() // same shape, another value: no fast path
	bad := ScorerFunc(func(Assessment) (Score, error) {
		return Score{Value: 1, Band: "low", Rationale: &Rationale{Level: 3, Method: "bad"}}, nil
	})
	tests := []struct {
		name string
		s    Scorer
		as   []Assessment
		want string
	}{
		{"custom input error names index and input", fair{c}, []Assessment{fairInput(1, 1, 1), fairInput(1, 2, 1)},
			"[1].factors.vulnerability: must be between 0 and 1, got 2"},
		{"custom missing input", fair{c}, []Assessment{{}}, "[0].factors.loss: is required"},
		{"unknown input", fair{c}, []Assessment{{Factors: map[string]float64{"tef": 1, "vulnerability": 1, "loss": 1, "tfe": 2}}},
			"[0].factors.tfe: is not an input of the fair scorer"},
		{"band not at its level", bad, []Assessment{{}}, `[0]: scorer returned band "low" at level 3`},
		{"matrix out of range", NewMatrix(other), []Assessment{{Likelihood: 1, Consequence: 1}, {Likelihood: 6, Consequence: 1}},
			"[1].likelihood: must be between 1 and 5, got 6"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Evaluate(c, tt.s, tt.as, nil)
			if !errors.Is(err, aims.ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Evaluate = %v, want ErrInvalid containing %q", err, tt.want)
			}
		})
	}
}

// TestCustomScorerInRegister runs a caller's scorer through the register:
// rating, re-evaluation, reports and heatmap.
func TestCustomScorerInRegister(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	f := newFixture(t)
	reg, err := NewRegister(f.ws, f.reg.Criteria(), fair{f.reg.Criteria()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, rk := range []*Risk{biasRisk(), injectionRisk()} {
		if err := reg.Add(ctx, alice, rk); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := reg.Assess(ctx, carol, "risk-1", StageInherent, fairInput(4, 0.25, 200_000), "from incident data"); err != nil {
		t.Fatal(err)
	}
	if _, err := reg.Assess(ctx, carol, "risk-2", StageInherent, fairInput(1, 0.5, 20), ""); err != nil {
		t.Fatal(err)
	}
	_, err = reg.Assess(ctx, carol, "risk-2", StageInherent, fairInput(1, 1.5, 20), "")
	if !errors.Is(err, aims.ErrInvalid) || !strings.Contains(err.Error(), "factors.vulnerability") {
		t.Errorf("Assess with a bad input = %v, want ErrInvalid at factors.vulnerability", err)
	}
	rk, err := reg.Get(ctx, "risk-1")
	if err != nil {
		t.Fatal(err)
	}
	wantExplain := "critical (200000): TEF 4/yr x vulnerability 0.25 x loss 200000 = annualised loss 200000 [fair]"
	if got := rk.Inherent.Score.Explain(); got != wantExplain {
		t.Errorf("Explain = %q, want %q", got, wantExplain)
	}

	evs, err := reg.EvaluateAll(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wantEvs := []RiskEvaluation{
		{ID: "risk-1", State: StateIdentified, Stage: StageInherent, Evaluation: Evaluation{Level: 4, Band: "critical", Value: 200_000}, NeedsTreatment: true},
		{ID: "risk-2", State: StateIdentified, Stage: StageInherent, Evaluation: Evaluation{Level: 1, Band: "low", Value: 10, WithinAppetite: true, Acceptable: true}},
	}
	if diff := cmp.Diff(wantEvs, evs); diff != "" {
		t.Errorf("EvaluateAll (-want +got):\n%s", diff)
	}

	rep, err := reg.Report(ctx)
	if err != nil {
		t.Fatal(err)
	}
	h, err := rep.Heatmap()
	if err != nil {
		t.Fatal(err)
	}
	type unplaced struct {
		Total int
		Bands []int
	}
	if diff := cmp.Diff(unplaced{2, []int{1, 0, 0, 1}}, unplaced{h.UnplacedInherent, h.UnplacedInherentBands}); diff != "" {
		t.Errorf("heatmap inherent not on the matrix (-want +got):\n%s", diff)
	}
	for l := range h.Inherent {
		for k, n := range h.Inherent[l] {
			if n != 0 {
				t.Errorf("inherent[%d][%d] = %d: a FAIR score has no cell", l, k, n)
			}
		}
	}
	renders := []struct {
		name  string
		write func(*bytes.Buffer) error
		want  []string
	}{
		{"markdown", func(b *bytes.Buffer) error { return rep.WriteMarkdown(b) }, []string{mdEscapeForTest(wantExplain)}},
		{"csv", func(b *bytes.Buffer) error { return rep.WriteCSV(b) }, []string{",inherent_explanation,residual_explanation\n", "," + wantExplain + ","}},
		{"json", func(b *bytes.Buffer) error { return rep.WriteJSON(b) }, []string{`"note": "TEF 4/yr x vulnerability 0.25 x loss 200000 = annualised loss 200000"`, `"vulnerability": 0.25`}},
		{"heatmap markdown", func(b *bytes.Buffer) error { return rep.WriteHeatmapMarkdown(b) },
			[]string{"\nNot on the matrix: 2 rated without likelihood and consequence levels (low 1, critical 1).\n"}},
		{"heatmap svg", func(b *bytes.Buffer) error { return rep.WriteHeatmapSVG(b) }, []string{"; not on the matrix: 2 (low 1, critical 1)</text>"}},
	}
	for _, r := range renders {
		var b bytes.Buffer
		if err := r.write(&b); err != nil {
			t.Fatal(err)
		}
		for _, w := range r.want {
			if !strings.Contains(b.String(), w) {
				t.Errorf("%s lacks %q:\n%s", r.name, w, b.String())
			}
		}
	}
}

// mdEscapeForTest escapes the Markdown specials a FAIR explanation holds.
func mdEscapeForTest(s string) string {
	return strings.NewReplacer("[", `\[`, "]", `\]`).Replace(s)
}
