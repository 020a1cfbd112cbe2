package risk

import (
	"testing"
)

// benchInputs returns n assessments cycling through every cell of c.
func benchInputs(c *Criteria, n int) []Assessment {
	as := make([]Assessment, n)
	for i := range as {
		as[i] = Assessment{Likelihood: i%c.n + 1, Consequence: (i/c.n)%c.m + 1}
	}
	return as
}

var sinkInt int

// BenchmarkBaselineTableLookup is the bare work of a matrix score: range
// checks and one table lookup. BenchmarkMatrixScore must stay within 2x.
func BenchmarkBaselineTableLookup(b *testing.B) {
	c := DefaultCriteria()
	table, n, m := c.cells, c.n, c.m
	as := benchInputs(c, 64)
	b.ReportAllocs()
	i, sum := 0, 0
	for b.Loop() {
		a := &as[i&63]
		i++
		if uint(a.Likelihood-1) >= uint(n) || uint(a.Consequence-1) >= uint(m) {
			b.Fatal("out of range")
		}
		sum += int(table[(a.Likelihood-1)*m+a.Consequence-1]) + 1
	}
	sinkInt = sum
}

// BenchmarkMatrixScore scores one assessment with the Matrix scorer.
func BenchmarkMatrixScore(b *testing.B) {
	c := DefaultCriteria()
	s := NewMatrix(c)
	as := benchInputs(c, 64)
	b.ReportAllocs()
	i, sum := 0, 0
	for b.Loop() {
		sc, err := s.Score(as[i&63])
		i++
		if err != nil {
			b.Fatal(err)
		}
		sum += sc.Level()
	}
	sinkInt = sum
}

// baselineLoop is the bare loop over the same data as Evaluate: range
// checks, a table lookup and the comparison with the appetite.
func baselineLoop(b *testing.B, c *Criteria, as []Assessment, dst []Evaluation) []Evaluation {
	table, n, m, bands := c.cells, c.n, c.m, c.spec.Bands
	appetite, tolerance := c.appetite, c.tolerance
	dst = dst[:0]
	for i := range as {
		a := &as[i]
		if uint(a.Likelihood-1) >= uint(n) || uint(a.Consequence-1) >= uint(m) {
			b.Fatal("out of range")
		}
		j := int(table[(a.Likelihood-1)*m+a.Consequence-1])
		dst = append(dst, Evaluation{Level: j + 1, Band: bands[j].Name, Value: float64(a.Likelihood * a.Consequence),
			WithinAppetite: j <= appetite, Acceptable: j <= tolerance})
	}
	return dst
}

func benchBaseline(b *testing.B, n int) {
	c := DefaultCriteria()
	as := benchInputs(c, n)
	dst := make([]Evaluation, 0, n)
	b.ReportAllocs()
	for b.Loop() {
		dst = baselineLoop(b, c, as, dst)
	}
	sinkInt = len(dst)
}

func benchEvaluate(b *testing.B, n int) {
	c := DefaultCriteria()
	var s Scorer = NewMatrix(c) // through the interface, as a register calls it
	as := benchInputs(c, n)
	dst := make([]Evaluation, 0, n)
	b.ReportAllocs()
	for b.Loop() {
		var err error
		dst, err = Evaluate(c, s, as, dst[:0])
		if err != nil {
			b.Fatal(err)
		}
	}
	sinkInt = len(dst)
}

// BenchmarkBaselineLoop100k is the bare loop over 100k assessments.
func BenchmarkBaselineLoop100k(b *testing.B) { benchBaseline(b, 100_000) }

// BenchmarkEvaluate100k scores and evaluates 100k assessments; it must
// stay within 3x BenchmarkBaselineLoop100k.
func BenchmarkEvaluate100k(b *testing.B) { benchEvaluate(b, 100_000) }

// BenchmarkBaselineLoop10k is the bare loop over 10k assessments.
func BenchmarkBaselineLoop10k(b *testing.B) { benchBaseline(b, 10_000) }

// BenchmarkEvaluate10k is BenchmarkEvaluate100k on a tenth of the data;
// the two show that the cost grows linearly.
func BenchmarkEvaluate10k(b *testing.B) { benchEvaluate(b, 10_000) }

// BenchmarkWeightedScore and BenchmarkQuantitativeScore show the cost of
// the richer scorers (no baseline: they are not on a hot path).
func BenchmarkWeightedScore(b *testing.B) {
	w, err := NewWeighted(DefaultCriteria(), nil)
	if err != nil {
		b.Fatal(err)
	}
	a := Assessment{Likelihood: 3, Factors: map[string]float64{"severity": 4, "scale": 2, "reversibility": 3, "autonomy": 5}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := w.Score(a); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkQuantitativeScore(b *testing.B) {
	q, err := NewQuantitative(DefaultCriteria(), QuantitativeConfig{Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	a := Assessment{Exposure: &Exposure{Frequency: Range{Min: 0.1, Max: 2}, Loss: Range{Min: 10_000, Max: 1_000_000}}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := q.Score(a); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEvaluate100kFunc is BenchmarkEvaluate100k through a caller's
// ScorerFunc wrapping the matrix: the path every scorer other than the
// built-in tables takes (one interface call per assessment).
func BenchmarkEvaluate100kFunc(b *testing.B) {
	c := DefaultCriteria()
	m := NewMatrix(c)
	s := ScorerFunc(func(a Assessment) (Score, error) { return m.Score(a) })
	as := benchInputs(c, 100_000)
	dst := make([]Evaluation, 0, len(as))
	b.ReportAllocs()
	for b.Loop() {
		var err error
		dst, err = Evaluate(c, s, as, dst[:0])
		if err != nil {
			b.Fatal(err)
		}
	}
	sinkInt = len(dst)
}

// fairBenchInputs returns n FAIR-like assessments spread over the bands.
func fairBenchInputs(n int) []Assessment {
	as := make([]Assessment, n)
	for i := range as {
		as[i] = fairInput(float64(i%13), float64(i%10)/10, float64(i%7)*float64(i%1000)*100)
	}
	return as
}

// BenchmarkBaselineCustom10k calls a caller's own scorer (the FAIR-like
// test scorer) directly on 10k assessments and compares each score with
// the criteria: the least any evaluation of that scorer costs.
func BenchmarkBaselineCustom10k(b *testing.B) {
	c := DefaultCriteria()
	s := fair{c}
	as := fairBenchInputs(10_000)
	dst := make([]Evaluation, 0, len(as))
	b.ReportAllocs()
	for b.Loop() {
		dst = dst[:0]
		for i := range as {
			sc, err := s.Score(as[i])
			if err != nil {
				b.Fatal(err)
			}
			dst = append(dst, c.Evaluate(sc))
		}
	}
	sinkInt = len(dst)
}

// BenchmarkEvaluateCustom10k is Evaluate with the same scorer and data
// as BenchmarkBaselineCustom10k: the generic path, with its interface
// call and its check that each score names a band of the criteria.
func BenchmarkEvaluateCustom10k(b *testing.B) {
	c := DefaultCriteria()
	var s Scorer = fair{c}
	as := fairBenchInputs(10_000)
	dst := make([]Evaluation, 0, len(as))
	b.ReportAllocs()
	for b.Loop() {
		var err error
		dst, err = Evaluate(c, s, as, dst[:0])
		if err != nil {
			b.Fatal(err)
		}
	}
	sinkInt = len(dst)
}
