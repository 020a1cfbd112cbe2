package risk

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/aimsgo/iso42001/aims"
	"github.com/google/go-cmp/cmp"
)

func TestMatrixScore(t *testing.T) {
	t.Parallel()
	c := DefaultCriteria()
	m := NewMatrix(c)
	tests := []struct {
		l, k      int
		wantBand  string
		wantLevel int
		wantErr   string
	}{
		{1, 1, "low", 1, ""},
		{2, 2, "low", 1, ""},
		{1, 5, "medium", 2, ""},
		{3, 3, "medium", 2, ""},
		{4, 3, "high", 3, ""},
		{4, 4, "high", 3, ""},
		{5, 4, "critical", 4, ""},
		{5, 5, "critical", 4, ""},
		{0, 3, "", 0, "likelihood: must be between 1 and 5, got 0"},
		{6, 3, "", 0, "likelihood: must be between 1 and 5, got 6"},
		{3, 6, "", 0, "consequence: must be between 1 and 5, got 6"},
		{3, -1, "", 0, "consequence: must be between 1 and 5, got -1"},
	}
	for _, tt := range tests {
		s, err := m.Score(Assessment{Likelihood: tt.l, Consequence: tt.k})
		if tt.wantErr != "" {
			if !errors.Is(err, aims.ErrInvalid) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Score(%d,%d) error = %v, want %q", tt.l, tt.k, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Fatalf("Score(%d,%d) = %v", tt.l, tt.k, err)
		}
		if s.Band != tt.wantBand || s.Level() != tt.wantLevel || s.Value != float64(tt.l*tt.k) {
			t.Errorf("Score(%d,%d) = %s/%d/%g, want %s/%d/%d", tt.l, tt.k, s.Band, s.Level(), s.Value, tt.wantBand, tt.wantLevel, tt.l*tt.k)
		}
	}
}

func TestMatrixAllocs(t *testing.T) {
	m := NewMatrix(DefaultCriteria())
	a := Assessment{Likelihood: 4, Consequence: 3}
	if n := testing.AllocsPerRun(1000, func() { _, _ = m.Score(a) }); n != 0 {
		t.Errorf("Matrix.Score allocates %v times, want 0", n)
	}
	l := NewLxC(DefaultCriteria())
	if n := testing.AllocsPerRun(1000, func() { _, _ = l.Score(a) }); n != 0 {
		t.Errorf("LxC.Score allocates %v times, want 0", n)
	}
}

func TestMatrixCustomCells(t *testing.T) {
	t.Parallel()
	spec := DefaultSpec()
	spec.Likelihood.Levels = spec.Likelihood.Levels[:3]
	spec.Consequence.Levels = spec.Consequence.Levels[:4]
	spec.Bands = []Band{{Name: "green", Min: 0, Max: 5}, {Name: "amber", Min: 5, Max: 9}, {Name: "red", Min: 9, Max: 12}}
	spec.Appetite, spec.Tolerance = "green", ""
	c, err := NewCriteria(spec)
	if err != nil {
		t.Fatal(err)
	}
	cells := [][]string{
		{"green", "green", "amber", "red"},
		{"green", "amber", "amber", "red"},
		{"amber", "amber", "red", "red"},
	}
	m, err := NewMatrixCells(c, cells)
	if err != nil {
		t.Fatal(err)
	}
	s, err := m.Score(Assessment{Likelihood: 1, Consequence: 4})
	if err != nil || s.Band != "red" {
		t.Errorf("3x4 matrix (1,4) = %+v, %v, want red", s, err)
	}
	if _, err := m.Score(Assessment{Likelihood: 4, Consequence: 1}); err == nil || !strings.Contains(err.Error(), "likelihood: must be between 1 and 3, got 4") {
		t.Errorf("out of 3-level scale = %v", err)
	}
	_, err = NewMatrixCells(c, [][]string{{"green"}, {"green", "blue", "red", "red"}})
	var ve *aims.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("bad cells = %v", err)
	}
	want := []aims.Problem{{Path: "cells", Rule: "must have 3 rows (one per likelihood level), got 2"}}
	if diff := cmp.Diff(want, ve.Problems); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

func TestLxC(t *testing.T) {
	t.Parallel()
	spec := DefaultSpec()
	// A matrix that disagrees with the product: LxC ignores it.
	spec.Matrix = make([][]string, 5)
	for i := range spec.Matrix {
		spec.Matrix[i] = []string{"critical", "critical", "critical", "critical", "critical"}
	}
	spec.Tolerance = "critical"
	c, err := NewCriteria(spec)
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewLxC(c).Score(Assessment{Likelihood: 2, Consequence: 2})
	if err != nil || s.Band != "low" || s.Value != 4 || s.Rationale.Method != "lxc" {
		t.Errorf("LxC(2,2) = %+v, %v", s, err)
	}
	s, err = NewMatrix(c).Score(Assessment{Likelihood: 2, Consequence: 2})
	if err != nil || s.Band != "critical" {
		t.Errorf("Matrix(2,2) with custom matrix = %+v, %v", s, err)
	}
	if _, err := NewLxC(c).Score(Assessment{Likelihood: 6, Consequence: 1}); err == nil {
		t.Error("LxC accepted likelihood 6")
	}
}

func TestWeighted(t *testing.T) {
	t.Parallel()
	c := DefaultCriteria() // score range 1..25
	w, err := NewWeighted(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		a       Assessment
		want    float64
		band    string
		wantErr []string
	}{
		{"all lowest", Assessment{Factors: map[string]float64{"severity": 1, "scale": 1, "reversibility": 1, "autonomy": 1, "likelihood": 1}}, 1, "low", nil},
		{"all highest", Assessment{Factors: map[string]float64{"severity": 5, "scale": 5, "reversibility": 5, "autonomy": 5, "likelihood": 5}}, 25, "critical", nil},
		// severity 5 (w3) only: x = 3/10 -> 1 + 0.3*24 = 8.2
		{"severity only", Assessment{Likelihood: 1, Factors: map[string]float64{"severity": 5, "scale": 1, "reversibility": 1, "autonomy": 1}}, 8.2, "medium", nil},
		{"missing and unknown factors", Assessment{Factors: map[string]float64{"severity": 2, "scale": 7, "autonomy": math.NaN(), "speed": 1, "likelihood": 1}}, 0, "",
			[]string{"factors.scale: must be between 1 and 5, got 7", "factors.reversibility: is required", "factors.autonomy: must be between 1 and 5, got NaN", "factors.speed: is not a factor of this scorer"}},
		{"infinite", Assessment{Factors: map[string]float64{"severity": math.Inf(1), "scale": 1, "reversibility": 1, "autonomy": 1, "likelihood": 1}}, 0, "",
			[]string{"factors.severity: must be between 1 and 5, got +Inf"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := w.Score(tt.a)
			if tt.wantErr != nil {
				var ve *aims.ValidationError
				if !errors.As(err, &ve) {
					t.Fatalf("Score = %v, want validation error", err)
				}
				var got []string
				for _, p := range ve.Problems {
					got = append(got, p.String())
				}
				if diff := cmp.Diff(tt.wantErr, got); diff != "" {
					t.Errorf("problems (-want +got):\n%s", diff)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(s.Value-tt.want) > 1e-9 || s.Band != tt.band {
				t.Errorf("Score = %g %s, want %g %s", s.Value, s.Band, tt.want, tt.band)
			}
			sum := 0.0
			for _, term := range s.Rationale.Terms {
				sum += term.Contribution
			}
			if got := c.lo + sum*(c.hi-c.lo); math.Abs(got-s.Value) > 1e-9 {
				t.Errorf("terms sum to %g, value %g", got, s.Value)
			}
		})
	}
	if _, err := NewWeighted(c, []Factor{{Name: "", Weight: 0, Levels: 1}, {Name: "x", Weight: math.NaN()}, {Name: "x", Weight: 1}}); err == nil {
		t.Error("NewWeighted accepted bad factors")
	} else {
		for _, want := range []string{"factors[0].name", "factors[0].weight", "factors[0].levels", "factors[1].weight", "factors[2].name: duplicate"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("NewWeighted error lacks %q: %v", want, err)
			}
		}
	}
}

func TestQuantitative(t *testing.T) {
	t.Parallel()
	c := DefaultCriteria()
	q, err := NewQuantitative(c, QuantitativeConfig{Seed: 42, Trials: 20000, Thresholds: []float64{10_000, 100_000, 1_000_000}})
	if err != nil {
		t.Fatal(err)
	}
	// Model theft: 0.1-0.5 events a year, 200k-5M per event.
	a := Assessment{Exposure: &Exposure{Frequency: Range{Min: 0.1, Max: 0.5}, Loss: Range{Min: 200_000, Max: 5_000_000}}}
	s1, err := q.Score(a)
	if err != nil {
		t.Fatal(err)
	}
	s2, err := q.Score(a)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(s1, s2); diff != "" {
		t.Errorf("same seed, different scores (-first +second):\n%s", diff)
	}
	sim := s1.Rationale.Simulation
	if sim == nil || !(sim.P50 <= sim.P90 && sim.P90 <= sim.P99) || sim.Trials != 20000 || sim.Seed != 42 {
		t.Fatalf("simulation %+v", sim)
	}
	// Analytic expectation: E[rate] * E[loss] = 0.3 * mean of a lognormal
	// with 5th/95th percentiles 200k and 5M (about 1.64M) = about 493k.
	mu := (math.Log(200_000) + math.Log(5_000_000)) / 2
	sigma := (math.Log(5_000_000) - math.Log(200_000)) / (2 * z95)
	want := 0.3 * math.Exp(mu+sigma*sigma/2)
	if got := sim.ExpectedAnnualLoss; math.Abs(got-want)/want > 0.1 {
		t.Errorf("expected annual loss %g, want within 10%% of %g", got, want)
	}
	if s1.Band != "high" || s1.Value != sim.ExpectedAnnualLoss {
		t.Errorf("band %s value %g, want high and the EAL", s1.Band, s1.Value)
	}
	// Another seed gives a (slightly) different answer.
	q2, _ := NewQuantitative(c, QuantitativeConfig{Seed: 7, Trials: 20000, Thresholds: []float64{10_000, 100_000, 1_000_000}})
	if s3, _ := q2.Score(a); s3.Value == s1.Value {
		t.Error("different seeds gave identical results")
	}
	// Many events per year take the normal approximation and stay finite.
	big, err := q.Score(Assessment{Exposure: &Exposure{Frequency: Range{Min: 500, Max: 1000}, Loss: Range{Min: 0, Max: 100}}})
	if err != nil || !finite(big.Value) || math.Abs(big.Value-750*50)/(750*50) > 0.05 {
		t.Errorf("large frequency: %+v, %v", big, err)
	}
	zero, err := q.Score(Assessment{Exposure: &Exposure{Frequency: Range{}, Loss: Range{Min: 10, Max: 10}}})
	if err != nil || zero.Value != 0 || zero.Band != "low" {
		t.Errorf("zero frequency: %+v, %v", zero, err)
	}

	bad := []struct {
		a    Assessment
		want string
	}{
		{Assessment{Exposure: &Exposure{Frequency: Range{Min: -1, Max: 1}, Loss: Range{Min: 1, Max: 2}}}, "exposure.frequency.min: must not be negative, got -1"},
		{Assessment{Exposure: &Exposure{Frequency: Range{Min: 1, Max: math.Inf(1)}, Loss: Range{Min: 1, Max: 2}}}, "exposure.frequency.max: must be a finite number, got +Inf"},
		{Assessment{Exposure: &Exposure{Frequency: Range{Min: 2, Max: 1}, Loss: Range{Min: 1, Max: 2}}}, "exposure.frequency.max: must not be below min (2), got 1"},
		{Assessment{Exposure: &Exposure{Frequency: Range{Min: 1, Max: 2}, Loss: Range{Min: -5, Max: 2}}}, "exposure.loss.min: must not be negative, got -5"},
		{Assessment{Exposure: &Exposure{Frequency: Range{Min: 1, Max: 2}, Loss: Range{Min: math.NaN(), Max: 2}}}, "exposure.loss.min: must be a finite number, got NaN"},
		{Assessment{Exposure: &Exposure{Frequency: Range{Min: 1, Max: 2e6}, Loss: Range{Min: 1, Max: 2}}}, "exposure.frequency.max: must be at most 1e+06, got 2e+06"},
	}
	for _, tt := range bad {
		if _, err := q.Score(tt.a); !errors.Is(err, aims.ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Score(%+v) = %v, want %q", tt.a, err, tt.want)
		}
	}
	if _, err := NewQuantitative(c, QuantitativeConfig{Trials: 5, Thresholds: []float64{3, 2}}); err == nil ||
		!strings.Contains(err.Error(), "trials: must be between 100") || !strings.Contains(err.Error(), "thresholds: must list 3 values") {
		t.Errorf("bad config = %v", err)
	}
}

func TestScorersRegistry(t *testing.T) {
	t.Parallel()
	c := DefaultCriteria()
	reg := Builtins()
	if diff := cmp.Diff([]string{"lxc", "matrix", "quantitative", "weighted"}, reg.Names()); diff != "" {
		t.Errorf("Names (-want +got):\n%s", diff)
	}
	tests := []struct {
		name, scorer, config string
		a                    Assessment
		wantBand             string
		wantErr              error
		wantText             string
	}{
		{"matrix", "matrix", "", Assessment{Likelihood: 3, Consequence: 4}, "high", nil, ""},
		{"matrix cells", "matrix", `{"cells":[["low","low","low","low","low"],["low","low","low","low","low"],["low","low","low","low","low"],["low","low","low","low","low"],["low","low","low","low","critical"]]}`,
			Assessment{Likelihood: 5, Consequence: 5}, "critical", nil, ""},
		{"lxc", "lxc", "{}", Assessment{Likelihood: 2, Consequence: 3}, "medium", nil, ""},
		{"weighted", "weighted", `{"factors":[{"name":"severity","weight":1},{"name":"likelihood","weight":1}]}`,
			Assessment{Likelihood: 5, Factors: map[string]float64{"severity": 5}}, "critical", nil, ""},
		{"quantitative", "quantitative", `{"seed":1,"trials":1000,"thresholds":[1,2,3]}`,
			Assessment{Exposure: &Exposure{Frequency: Range{Min: 1, Max: 1}, Loss: Range{Min: 100, Max: 100}}}, "critical", nil, ""},
		{"unknown scorer", "bayes", "", Assessment{}, "", aims.ErrNotFound, `scorer "bayes": not found (known: [lxc matrix quantitative weighted])`},
		{"unknown config field", "lxc", `{"scale":3}`, Assessment{}, "", aims.ErrInvalid, `config: json: unknown field "scale"`},
		{"bad config value", "quantitative", `{"trials":1}`, Assessment{}, "", aims.ErrInvalid, "config.trials: must be between 100 and 1000000, got 1"},
		{"bad cells", "matrix", `{"cells":[["low"]]}`, Assessment{}, "", aims.ErrInvalid, "config.cells: must have 5 rows"},
		{"trailing data", "weighted", `{} {}`, Assessment{}, "", aims.ErrInvalid, "unexpected data after the JSON value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := reg.Build(tt.scorer, c, json.RawMessage(tt.config))
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) || !strings.Contains(err.Error(), tt.wantText) {
					t.Fatalf("Build = %v, want %v containing %q", err, tt.wantErr, tt.wantText)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, err := s.Score(tt.a)
			if err != nil {
				t.Fatal(err)
			}
			if got.Band != tt.wantBand || got.Rationale.Method != tt.scorer {
				t.Errorf("score = %s by %s, want %s by %s", got.Band, got.Rationale.Method, tt.wantBand, tt.scorer)
			}
		})
	}

	// A caller's own scorer plugs in by implementing Scorer.
	own := NewScorers()
	always := ScorerFunc(func(Assessment) (Score, error) {
		return Score{Value: 1, Band: "low", Rationale: &Rationale{Level: 1, Method: "fixed", Note: "policy says so"}}, nil
	})
	if err := own.Register("fixed", func(*Criteria, json.RawMessage) (Scorer, error) { return always, nil }); err != nil {
		t.Fatal(err)
	}
	if err := own.Register("fixed", func(*Criteria, json.RawMessage) (Scorer, error) { return always, nil }); !errors.Is(err, aims.ErrConflict) {
		t.Errorf("duplicate Register = %v, want ErrConflict", err)
	}
	if err := own.Register("", nil); !errors.Is(err, aims.ErrInvalid) {
		t.Errorf("Register with empty name = %v, want ErrInvalid", err)
	}
	spec := DefaultSpec()
	spec.Scorer = "fixed"
	c2, err := NewCriteria(spec)
	if err != nil {
		t.Fatal(err)
	}
	s, err := own.ForCriteria(c2)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Score(Assessment{})
	if err != nil || got.Explain() != "low (1): policy says so [fixed]" {
		t.Errorf("own scorer = %q, %v", got.Explain(), err)
	}
	// The default criteria name the matrix.
	if s, err := Builtins().ForCriteria(c); err != nil {
		t.Fatal(err)
	} else if _, ok := s.(*Matrix); !ok {
		t.Errorf("ForCriteria(default) = %T, want *Matrix", s)
	}
}

func TestExplain(t *testing.T) {
	t.Parallel()
	c := DefaultCriteria()
	w, _ := NewWeighted(c, []Factor{{Name: "severity", Weight: 2}, {Name: "likelihood", Weight: 1}})
	q, _ := NewQuantitative(c, QuantitativeConfig{Seed: 3, Trials: 100})
	score := func(s Scorer, a Assessment) Score {
		t.Helper()
		sc, err := s.Score(a)
		if err != nil {
			t.Fatal(err)
		}
		return sc
	}
	tests := []struct {
		name string
		s    Score
		want string
	}{
		{"matrix", score(NewMatrix(c), Assessment{Likelihood: 4, Consequence: 3}), "high (12): likelihood likely (4) x consequence moderate (3) [matrix]"},
		{"weighted", score(w, Assessment{Likelihood: 3, Factors: map[string]float64{"severity": 4}}), "critical (17): severity 4 x2 + likelihood 3 x1 [weighted]"},
		{"quantitative", score(q, Assessment{Exposure: &Exposure{Frequency: Range{Min: 1, Max: 1}, Loss: Range{Min: 1000, Max: 1000}}}),
			"low (980): expected annual loss 980, P50 1000, P90 3000, P99 4000 (100 trials, seed 3) [quantitative]"},
	}
	for _, tt := range tests {
		if got := tt.s.Explain(); got != tt.want {
			t.Errorf("%s: Explain = %q, want %q", tt.name, got, tt.want)
		}
	}
}
