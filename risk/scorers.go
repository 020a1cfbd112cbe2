package risk

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"sync"

	"github.com/aimsgo/iso42001/aims"
)

// Names of the built-in scorers in [Builtins].
const (
	ScorerMatrix       = "matrix"
	ScorerLxC          = "lxc"
	ScorerWeighted     = "weighted"
	ScorerQuantitative = "quantitative"
)

// levelErr is the error of a level outside its scale. It is built without
// a function call, so that [Matrix.Score] stays small enough to inline,
// and behaves as a one-problem [aims.ValidationError]: it matches
// [aims.ErrInvalid] and errors.As finds the ValidationError.
type levelErr struct {
	field string
	got   int
	max   int
}

func (e *levelErr) problem() aims.Problem {
	return aims.Problem{Path: e.field, Rule: fmt.Sprintf("must be between 1 and %d, got %d", e.max, e.got)}
}

func (e *levelErr) Error() string { return e.validation().Error() }

func (e *levelErr) validation() *aims.ValidationError {
	return &aims.ValidationError{Problems: []aims.Problem{e.problem()}}
}

// Is reports whether target is [aims.ErrInvalid].
func (e *levelErr) Is(target error) bool { return target == aims.ErrInvalid }

// As sets a **aims.ValidationError target to the equivalent validation
// error.
func (e *levelErr) As(target any) bool {
	if p, ok := target.(**aims.ValidationError); ok {
		*p = e.validation()
		return true
	}
	return false
}

// Matrix scores with a likelihood x consequence table that maps each cell
// to a band: the criteria's matrix, or the cells given to [NewMatrixCells].
// The Value is the product l*c, kept for ordering risks within a band.
// Every cell's score is computed when the scorer is built, so Score is a
// range check and a table lookup: it does not allocate and inlines.
type Matrix struct {
	n, m  int
	table []Score   // (l-1)*m + (c-1)
	crit  *Criteria // the criteria the table was built for
}

// MatrixConfig configures the "matrix" scorer; empty uses the criteria's
// matrix.
type MatrixConfig struct {
	// Cells gives the band name of each cell: Cells[l-1][c-1].
	Cells [][]string `json:"cells,omitempty"`
}

// NewMatrix returns the matrix scorer of the criteria's own matrix.
func NewMatrix(c *Criteria) *Matrix { return newTable(c, c.cells, ScorerMatrix) }

// NewMatrixCells returns a matrix scorer with its own table of band names
// (rows: likelihood, lowest first; columns: consequence, lowest first).
func NewMatrixCells(c *Criteria, cells [][]string) (*Matrix, error) {
	var p aims.Problems
	t := c.parseCells(&p, "cells", cells)
	if err := p.Err(); err != nil {
		return nil, err
	}
	return newTable(c, t, ScorerMatrix), nil
}

func newTable(c *Criteria, cells []uint8, method string) *Matrix {
	t := &Matrix{n: c.n, m: c.m, table: make([]Score, len(cells)), crit: c}
	for l := 1; l <= c.n; l++ {
		for k := 1; k <= c.m; k++ {
			i := cells[(l-1)*c.m+k-1]
			t.table[(l-1)*c.m+k-1] = Score{
				Value: float64(l * k),
				Band:  c.spec.Bands[i].Name,
				Rationale: &Rationale{
					Level:            int(i) + 1,
					Method:           method,
					Likelihood:       l,
					LikelihoodLabel:  c.spec.Likelihood.Levels[l-1].Label,
					Consequence:      k,
					ConsequenceLabel: c.spec.Consequence.Levels[k-1].Label,
				},
			}
		}
	}
	return t
}

// Score looks up the cell of a.Likelihood and a.Consequence.
func (t *Matrix) Score(a Assessment) (Score, error) {
	l, k := uint(a.Likelihood-1), uint(a.Consequence-1)
	if l >= uint(t.n) {
		return Score{}, &levelErr{"likelihood", a.Likelihood, t.n}
	}
	if k >= uint(t.m) {
		return Score{}, &levelErr{"consequence", a.Consequence, t.m}
	}
	return t.table[l*uint(t.m)+k], nil
}

// LxC scores likelihood times consequence and bands the product with the
// criteria's band ranges, ignoring any matrix: the classic product rule.
// Like [Matrix] it precomputes every cell, so Score does not allocate.
type LxC struct{ Matrix }

// NewLxC returns the likelihood x consequence scorer.
func NewLxC(c *Criteria) *LxC {
	cells := make([]uint8, c.n*c.m)
	for l := 1; l <= c.n; l++ {
		for k := 1; k <= c.m; k++ {
			i, _ := c.bandOf(float64(l * k)) // NewCriteria checked that the bands cover every product
			cells[(l-1)*c.m+k-1] = uint8(i)
		}
	}
	return &LxC{*newTable(c, cells, ScorerLxC)}
}

// Factor is one input of the weighted scorer.
type Factor struct {
	// Name is the key in [Assessment.Factors]; "likelihood" and
	// "consequence" fall back to the assessment's fields of that name.
	Name string `json:"name"`
	// Weight is the factor's relative weight (> 0).
	Weight float64 `json:"weight"`
	// Levels is the top of the factor's 1-based scale (>= 2); 0 means 5.
	Levels int `json:"levels,omitempty"`
}

// WeightedConfig configures the "weighted" scorer; empty uses
// [DefaultFactors].
type WeightedConfig struct {
	Factors []Factor `json:"factors,omitempty"`
}

// DefaultFactors are the weighted scorer's default factors, each on a 1-5
// scale: severity of harm, scale (how many are affected),
// reversibility (5 = irreversible), degree of autonomy of the AI system,
// and likelihood.
func DefaultFactors() []Factor {
	return []Factor{
		{Name: "severity", Weight: 3, Levels: 5},
		{Name: "scale", Weight: 2, Levels: 5},
		{Name: "reversibility", Weight: 2, Levels: 5},
		{Name: "autonomy", Weight: 1, Levels: 5},
		{Name: "likelihood", Weight: 2, Levels: 5},
	}
}

// Weighted scores several factors: the weighted mean of each factor's
// position on its scale (0 at level 1, 1 at the top) is mapped onto the
// criteria's score range (the first band's Min to the last band's Max)
// and banded there. It suits impact-style judgements (severity, scale,
// reversibility, autonomy) that a two-axis matrix flattens.
type Weighted struct {
	c       *Criteria
	factors []Factor
	total   float64
}

// NewWeighted returns a weighted scorer; nil factors means
// [DefaultFactors].
func NewWeighted(c *Criteria, factors []Factor) (*Weighted, error) {
	if factors == nil {
		factors = DefaultFactors()
	}
	factors = slices.Clone(factors)
	var p aims.Problems
	if len(factors) == 0 {
		p.Add("factors", "must list at least one factor")
	}
	seen := map[string]bool{}
	total := 0.0
	for i := range factors {
		f := &factors[i]
		path := fmt.Sprintf("factors[%d]", i)
		switch {
		case !aims.ValidName(f.Name):
			p.Addf(path+".name", "must be a name, got %q", f.Name)
		case seen[f.Name]:
			p.Addf(path+".name", "duplicate factor %q", f.Name)
		}
		seen[f.Name] = true
		if !finite(f.Weight) || f.Weight <= 0 {
			p.Addf(path+".weight", "must be a positive number, got %g", f.Weight)
		}
		if f.Levels == 0 {
			f.Levels = 5
		}
		if f.Levels < 2 || f.Levels > 100 {
			p.Addf(path+".levels", "must be between 2 and 100, got %d", f.Levels)
		}
		total += f.Weight
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return &Weighted{c: c, factors: factors, total: total}, nil
}

// Factors returns the scorer's factors.
func (w *Weighted) Factors() []Factor { return slices.Clone(w.factors) }

// Score computes the weighted index of a's factors. Every factor is
// required; a factor the scorer does not know is an error, so a typo is
// not silently ignored.
func (w *Weighted) Score(a Assessment) (Score, error) {
	var p aims.Problems
	terms := make([]Term, 0, len(w.factors))
	x := 0.0
	for _, f := range w.factors {
		v, ok := a.Factors[f.Name]
		if !ok {
			switch {
			case f.Name == "likelihood" && a.Likelihood != 0:
				v, ok = float64(a.Likelihood), true
			case f.Name == "consequence" && a.Consequence != 0:
				v, ok = float64(a.Consequence), true
			}
		}
		path := "factors." + f.Name
		switch {
		case !ok:
			p.Add(path, "is required")
			continue
		case !finite(v) || v < 1 || v > float64(f.Levels):
			p.Addf(path, "must be between 1 and %d, got %g", f.Levels, v)
			continue
		}
		share := f.Weight * (v - 1) / float64(f.Levels-1) / w.total
		x += share
		terms = append(terms, Term{Factor: f.Name, Level: v, Weight: f.Weight, Contribution: share})
	}
	keys := make([]string, 0, len(a.Factors))
	for k := range a.Factors {
		if !slices.ContainsFunc(w.factors, func(f Factor) bool { return f.Name == k }) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		p.Add("factors."+k, "is not a factor of this scorer")
	}
	if err := p.Err(); err != nil {
		return Score{}, err
	}
	x = min(max(x, 0), 1)
	c := w.c
	v := c.lo + x*(c.hi-c.lo)
	i, _ := c.bandOf(v)
	return Score{Value: v, Band: c.spec.Bands[i].Name,
		Rationale: &Rationale{Level: i + 1, Method: ScorerWeighted, Terms: terms}}, nil
}

// QuantitativeConfig configures the "quantitative" scorer.
type QuantitativeConfig struct {
	// Seed seeds the PCG generator; the same seed and assessment give the
	// same score.
	Seed uint64 `json:"seed"`
	// Trials is the number of simulated years; 0 means 10000.
	Trials int `json:"trials,omitempty"`
	// Thresholds are the expected-annual-loss boundaries between bands,
	// ascending, one fewer than the bands: a loss below Thresholds[0] is
	// the first band. Empty means 10^4, 10^5, 10^6, ...
	Thresholds []float64 `json:"thresholds,omitempty"`
}

// Bounds of the quantitative scorer's input, so that one assessment
// cannot make scoring run for minutes.
const (
	maxTrials    = 1_000_000
	maxFrequency = 1_000_000 // events per year
	maxLoss      = 1e15
)

// Quantitative estimates annual loss by Monte Carlo simulation from the
// assessment's [Exposure]: each
// simulated year draws a rate uniformly from the frequency range, a number
// of events from a Poisson distribution of that rate, and each event's
// loss from a log-normal distribution whose 5th and 95th percentiles are
// the loss range (uniform when the range starts at 0). The Value is the
// expected annual loss, banded by the configured thresholds; the
// rationale carries P50, P90 and P99. The generator is math/rand/v2's PCG,
// seeded from the configuration, so a score is reproducible.
type Quantitative struct {
	c          *Criteria
	seed       uint64
	trials     int
	thresholds []float64
}

// NewQuantitative returns a quantitative scorer.
func NewQuantitative(c *Criteria, cfg QuantitativeConfig) (*Quantitative, error) {
	var p aims.Problems
	if cfg.Trials == 0 {
		cfg.Trials = 10000
	}
	if cfg.Trials < 100 || cfg.Trials > maxTrials {
		p.Addf("trials", "must be between 100 and %d, got %d", maxTrials, cfg.Trials)
	}
	nb := len(c.spec.Bands)
	if len(cfg.Thresholds) == 0 {
		for i := range nb - 1 {
			cfg.Thresholds = append(cfg.Thresholds, math.Pow(10, float64(4+i)))
		}
	}
	if len(cfg.Thresholds) != nb-1 {
		p.Addf("thresholds", "must list %d values (one fewer than the bands), got %d", nb-1, len(cfg.Thresholds))
	}
	for i, t := range cfg.Thresholds {
		switch {
		case !finite(t) || t <= 0:
			p.Addf(fmt.Sprintf("thresholds[%d]", i), "must be a positive number, got %g", t)
		case i > 0 && t <= cfg.Thresholds[i-1]:
			p.Addf(fmt.Sprintf("thresholds[%d]", i), "must be above thresholds[%d] (%g), got %g", i-1, cfg.Thresholds[i-1], t)
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return &Quantitative{c: c, seed: cfg.Seed, trials: cfg.Trials, thresholds: slices.Clone(cfg.Thresholds)}, nil
}

func checkRange(p *aims.Problems, path string, r Range, limit float64) {
	switch {
	case !finite(r.Min):
		p.Addf(path+".min", "must be a finite number, got %g", r.Min)
	case r.Min < 0:
		p.Addf(path+".min", "must not be negative, got %g", r.Min)
	case !finite(r.Max):
		p.Addf(path+".max", "must be a finite number, got %g", r.Max)
	case r.Max < r.Min:
		p.Addf(path+".max", "must not be below min (%g), got %g", r.Min, r.Max)
	case r.Max > limit:
		p.Addf(path+".max", "must be at most %g, got %g", limit, r.Max)
	}
}

// Score simulates a's frequency and loss ranges.
func (q *Quantitative) Score(a Assessment) (Score, error) {
	x := a.Exposure
	if x == nil {
		return Score{}, aims.Invalid("exposure", "is required: frequency and loss ranges")
	}
	var p aims.Problems
	checkRange(&p, "exposure.frequency", x.Frequency, maxFrequency)
	checkRange(&p, "exposure.loss", x.Loss, maxLoss)
	if err := p.Err(); err != nil {
		return Score{}, err
	}
	sim := q.simulate(x.Frequency, x.Loss)
	i := sort.SearchFloat64s(q.thresholds, sim.ExpectedAnnualLoss)
	// SearchFloat64s finds the first threshold >= loss; a loss equal to a
	// threshold belongs to the band above it.
	if i < len(q.thresholds) && q.thresholds[i] == sim.ExpectedAnnualLoss {
		i++
	}
	return Score{Value: sim.ExpectedAnnualLoss, Band: q.c.spec.Bands[i].Name,
		Rationale: &Rationale{Level: i + 1, Method: ScorerQuantitative, Simulation: sim}}, nil
}

// z95 is the standard normal quantile of 0.95: a 90% interval spans
// +-z95 standard deviations.
const z95 = 1.6448536269514722

func (q *Quantitative) simulate(freq, loss Range) *Simulation {
	rng := rand.New(rand.NewPCG(q.seed, q.seed^0x9e3779b97f4a7c15))
	logNormal := loss.Min > 0 && loss.Max > loss.Min
	var mu, sigma float64
	if logNormal {
		mu = (math.Log(loss.Min) + math.Log(loss.Max)) / 2
		sigma = (math.Log(loss.Max) - math.Log(loss.Min)) / (2 * z95)
	}
	mean := (loss.Min + loss.Max) / 2
	sd := (loss.Max - loss.Min) / math.Sqrt(12)
	if logNormal {
		mean = math.Exp(mu + sigma*sigma/2)
		sd = math.Sqrt((math.Exp(sigma*sigma) - 1) * math.Exp(2*mu+sigma*sigma))
	}
	one := func() float64 {
		if logNormal {
			return math.Exp(mu + sigma*rng.NormFloat64())
		}
		return loss.Min + rng.Float64()*(loss.Max-loss.Min)
	}
	years := make([]float64, q.trials)
	sum := 0.0
	for t := range years {
		lambda := freq.Min + rng.Float64()*(freq.Max-freq.Min)
		n := poisson(rng, lambda)
		total := 0.0
		if n > 64 {
			// Many events: the sum is close to normal (central limit
			// theorem); drawing each would cost O(n) per year.
			total = max(0, float64(n)*mean+math.Sqrt(float64(n))*sd*rng.NormFloat64())
		} else {
			for range n {
				total += one()
			}
		}
		years[t] = total
		sum += total
	}
	slices.Sort(years)
	return &Simulation{
		Seed:               q.seed,
		Trials:             q.trials,
		P50:                percentile(years, 0.50),
		P90:                percentile(years, 0.90),
		P99:                percentile(years, 0.99),
		ExpectedAnnualLoss: sum / float64(len(years)),
	}
}

// poisson draws from a Poisson distribution of rate lambda: Knuth's
// method for small rates, a rounded normal approximation for large ones.
func poisson(rng *rand.Rand, lambda float64) int {
	switch {
	case lambda <= 0:
		return 0
	case lambda < 30:
		limit := math.Exp(-lambda)
		k, prod := 0, rng.Float64()
		for prod > limit {
			k++
			prod *= rng.Float64()
		}
		return k
	}
	return max(0, int(math.Round(lambda+math.Sqrt(lambda)*rng.NormFloat64())))
}

// percentile returns the nearest-rank percentile of sorted values.
func percentile(sorted []float64, p float64) float64 {
	i := int(math.Ceil(p*float64(len(sorted)))) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// Factory builds a [Scorer] for criteria from its JSON configuration
// (empty for the defaults).
type Factory func(c *Criteria, config json.RawMessage) (Scorer, error)

// Scorers is a registry of scorer factories by name, so that
// configuration (the criteria's Scorer field, a CLI flag) can pick a
// method. It is a value the caller owns, not global state: build one with
// [Builtins] or [NewScorers] and [Scorers.Register] your own. It is safe
// for concurrent use.
type Scorers struct {
	mu sync.RWMutex
	m  map[string]Factory
}

// NewScorers returns an empty registry.
func NewScorers() *Scorers { return &Scorers{m: map[string]Factory{}} }

// Builtins returns a registry holding the built-in scorers: "matrix"
// ([MatrixConfig]), "lxc" (no config), "weighted" ([WeightedConfig]) and
// "quantitative" ([QuantitativeConfig]).
func Builtins() *Scorers {
	s := NewScorers()
	_ = s.Register(ScorerMatrix, func(c *Criteria, raw json.RawMessage) (Scorer, error) {
		var cfg MatrixConfig
		if err := decodeConfig(raw, &cfg); err != nil {
			return nil, err
		}
		if len(cfg.Cells) == 0 {
			return NewMatrix(c), nil
		}
		return NewMatrixCells(c, cfg.Cells)
	})
	_ = s.Register(ScorerLxC, func(c *Criteria, raw json.RawMessage) (Scorer, error) {
		var cfg struct{}
		if err := decodeConfig(raw, &cfg); err != nil {
			return nil, err
		}
		return NewLxC(c), nil
	})
	_ = s.Register(ScorerWeighted, func(c *Criteria, raw json.RawMessage) (Scorer, error) {
		var cfg WeightedConfig
		if err := decodeConfig(raw, &cfg); err != nil {
			return nil, err
		}
		return NewWeighted(c, cfg.Factors)
	})
	_ = s.Register(ScorerQuantitative, func(c *Criteria, raw json.RawMessage) (Scorer, error) {
		var cfg QuantitativeConfig
		if err := decodeConfig(raw, &cfg); err != nil {
			return nil, err
		}
		return NewQuantitative(c, cfg)
	})
	return s
}

func decodeConfig(raw json.RawMessage, v any) error {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	if err := decodeStrict(raw, v); err != nil {
		return aims.Invalid("", err.Error())
	}
	return nil
}

// Register adds a factory under name. An invalid name or nil factory
// matches [aims.ErrInvalid]; a name already taken matches
// [aims.ErrConflict].
func (s *Scorers) Register(name string, f Factory) error {
	if !aims.ValidName(name) {
		return aims.Invalid("name", fmt.Sprintf("must be a scorer name, got %q", name))
	}
	if f == nil {
		return aims.Invalid("factory", "is required")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.m[name]; dup {
		return fmt.Errorf("scorer %q: %w: already registered", name, aims.ErrConflict)
	}
	s.m[name] = f
	return nil
}

// Names returns the registered names, sorted.
func (s *Scorers) Names() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	names := make([]string, 0, len(s.m))
	for n := range s.m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Build returns the scorer registered as name, configured by config for
// the criteria c. An unknown name matches [aims.ErrNotFound] and lists the
// known ones; a bad configuration matches [aims.ErrInvalid] with paths
// under "config".
func (s *Scorers) Build(name string, c *Criteria, config json.RawMessage) (Scorer, error) {
	if c == nil {
		return nil, aims.Invalid("criteria", "is required")
	}
	s.mu.RLock()
	f, ok := s.m[name]
	s.mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("scorer %q: %w (known: %v)", name, aims.ErrNotFound, s.Names())
	}
	sc, err := f(c, config)
	if err != nil {
		if !isValidation(err) {
			return nil, fmt.Errorf("scorer %q: %w", name, err)
		}
		var p aims.Problems
		p.Merge("config", err)
		return nil, p.Err()
	}
	return sc, nil
}

// ForCriteria builds the scorer the criteria name (Scorer, default
// "matrix") with their ScorerConfig: how the CLI gets the workspace's
// method.
func (s *Scorers) ForCriteria(c *Criteria) (Scorer, error) {
	if c == nil {
		return nil, aims.Invalid("criteria", "is required")
	}
	name := c.spec.Scorer
	if name == "" {
		name = ScorerMatrix
	}
	return s.Build(name, c, c.spec.ScorerConfig)
}

func isValidation(err error) bool {
	var ve *aims.ValidationError
	return errors.As(err, &ve)
}
