package risk

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Assessment is what an assessor judged about a risk: the input of a
// [Scorer]. Which fields matter depends on the scorer: the matrix and
// likelihood x consequence scorers read Likelihood and Consequence, the
// weighted scorer reads Factors (and falls back to Likelihood and
// Consequence for factors of those names), the quantitative scorer reads
// Exposure, and a caller's own scorer reads the named inputs it defines
// from Factors (see [Assessment.Input]), such as a FAIR-like scorer's
// "tef", "vulnerability" and "loss".
//
// Assessment stays at four words-sized fields on purpose: the compiler
// then keeps it in registers, which makes table scoring nearly as cheap
// as a bare lookup. The assessor's note lives in [Rating].
type Assessment struct {
	// Likelihood is a 1-based level on the criteria's likelihood scale.
	Likelihood int `json:"likelihood,omitempty"`
	// Consequence is a 1-based level on the criteria's consequence scale.
	Consequence int `json:"consequence,omitempty"`
	// Factors holds named numeric inputs: the weighted scorer's factor
	// levels ("severity", "scale", "reversibility", "autonomy", ...), or
	// the inputs of a caller's own scorer, which defines their names,
	// ranges and meaning and refuses names it does not know. The register
	// stores them with the rating, so a score can be recomputed.
	Factors map[string]float64 `json:"factors,omitempty"`
	// Exposure holds the quantitative estimates.
	Exposure *Exposure `json:"exposure,omitempty"`
}

// Input returns the named input of the assessment for a caller's own
// scorer: Factors[name], or for "likelihood" and "consequence" without an
// entry in Factors the level of that field when it is set, as the
// weighted scorer reads them. ok is false when the input is missing; a
// scorer reports that as an [aims.ErrInvalid] problem at "factors.<name>".
func (a Assessment) Input(name string) (v float64, ok bool) {
	if v, ok = a.Factors[name]; ok {
		return v, true
	}
	switch {
	case name == "likelihood" && a.Likelihood != 0:
		return float64(a.Likelihood), true
	case name == "consequence" && a.Consequence != 0:
		return float64(a.Consequence), true
	}
	return 0, false
}

// Exposure is a quantitative estimate of a risk.
type Exposure struct {
	// Frequency is the range of how often the event occurs, per year.
	Frequency Range `json:"frequency"`
	// Loss is the range of the loss one occurrence causes, in the
	// organisation's currency.
	Loss Range `json:"loss"`
}

// Range is an estimate as a low and a high value (for the quantitative
// scorer, a 90% interval: 5th and 95th percentile).
type Range struct {
	Min float64 `json:"min"`
	Max float64 `json:"max"`
}

// IsZero reports whether the range is unset.
func (r Range) IsZero() bool { return r == Range{} }

// Score is a scorer's answer: a value on the method's own scale, the band
// (level) it falls in under the criteria, and the rationale. Compare risks
// scored by different methods by Level, not Value.
//
// Score is four words, small enough for the compiler to keep in
// registers, so that table scoring costs little more than a lookup; the
// band's level and the explanation sit behind the Rationale pointer,
// which table scorers such as [Matrix] share between the scores of one
// cell. Treat the rationale as read-only.
type Score struct {
	// Value is the score on the method's scale (the likelihood x
	// consequence product, a weighted index, an expected annual loss).
	Value float64 `json:"value"`
	// Band is the band's name.
	Band string `json:"band"`
	// Rationale says how the score was reached; nil only for a zero Score.
	Rationale *Rationale `json:"rationale,omitempty"`
}

// Rationale is the structured explanation of a [Score]. It holds values,
// not prose, so that scoring needs no formatting; [Score.Explain] formats
// it when a person needs to read it.
type Rationale struct {
	// Level is the band's 1-based level: 1 is the lowest band.
	Level int `json:"level"`
	// Method names the scorer ("matrix", "lxc", "weighted",
	// "quantitative", or a caller's own).
	Method string `json:"method"`
	// Likelihood and Consequence are the levels used, when the method uses
	// them, with their labels.
	Likelihood       int    `json:"likelihood,omitempty"`
	LikelihoodLabel  string `json:"likelihoodLabel,omitempty"`
	Consequence      int    `json:"consequence,omitempty"`
	ConsequenceLabel string `json:"consequenceLabel,omitempty"`
	// Terms lists the weighted scorer's factor contributions, in the
	// scorer's factor order.
	Terms []Term `json:"terms,omitempty"`
	// Simulation holds the quantitative scorer's results.
	Simulation *Simulation `json:"simulation,omitempty"`
	// Note is the explanation a caller's own scorer gives of its score,
	// in its own words (its inputs, its formula, its intermediate values,
	// such as "TEF 4/yr x vulnerability 0.25 x loss 200000 = 200000
	// expected annual loss"). [Score.Explain] renders it verbatim, so a
	// custom score explains itself in reports as the built-in ones do.
	Note string `json:"note,omitempty"`
}

// Term is one factor's contribution to a weighted score.
type Term struct {
	Factor string  `json:"factor"`
	Level  float64 `json:"level"`
	Weight float64 `json:"weight"`
	// Contribution is the factor's share of the normalised index (0..1).
	Contribution float64 `json:"contribution"`
}

// Simulation is the outcome of a seeded Monte Carlo run of annual loss.
type Simulation struct {
	Seed   uint64 `json:"seed"`
	Trials int    `json:"trials"`
	// P50, P90 and P99 are percentiles of the simulated annual loss.
	P50 float64 `json:"p50"`
	P90 float64 `json:"p90"`
	P99 float64 `json:"p99"`
	// ExpectedAnnualLoss is the mean simulated annual loss.
	ExpectedAnnualLoss float64 `json:"expectedAnnualLoss"`
}

// Explain formats the score for people, such as
// "high (12): likelihood likely (4) x consequence moderate (3) [matrix]".
// It works for any scorer: the band and value, then whichever parts of
// the [Rationale] are set (likelihood and consequence, weighted terms,
// simulation, the scorer's own Note verbatim) and the method, so a
// custom score reads "high (200000): TEF 4/yr x ... [fair]".
func (s Score) Explain() string {
	var b strings.Builder
	s.writeExplain(&b)
	return b.String()
}

func (s Score) writeExplain(w io.StringWriter) {
	var r Rationale
	if s.Rationale != nil {
		r = *s.Rationale
	}
	_, _ = w.WriteString(s.Band)
	_, _ = w.WriteString(" (")
	_, _ = w.WriteString(formatNumber(s.Value))
	_, _ = w.WriteString(")")
	sep := ": "
	if r.Likelihood > 0 || r.Consequence > 0 {
		_, _ = w.WriteString(sep)
		sep = "; "
		_, _ = w.WriteString(fmt.Sprintf("likelihood %s (%d) x consequence %s (%d)", r.LikelihoodLabel, r.Likelihood, r.ConsequenceLabel, r.Consequence))
	}
	if len(r.Terms) > 0 {
		_, _ = w.WriteString(sep)
		sep = "; "
		for i, t := range r.Terms {
			if i > 0 {
				_, _ = w.WriteString(" + ")
			}
			_, _ = w.WriteString(fmt.Sprintf("%s %s x%s", t.Factor, formatNumber(t.Level), formatNumber(t.Weight)))
		}
	}
	if sim := r.Simulation; sim != nil {
		_, _ = w.WriteString(sep)
		sep = "; "
		_, _ = w.WriteString(fmt.Sprintf("expected annual loss %s, P50 %s, P90 %s, P99 %s (%d trials, seed %d)",
			formatNumber(sim.ExpectedAnnualLoss), formatNumber(sim.P50), formatNumber(sim.P90), formatNumber(sim.P99), sim.Trials, sim.Seed))
	}
	if r.Note != "" {
		_, _ = w.WriteString(sep)
		_, _ = w.WriteString(r.Note)
	}
	if r.Method != "" {
		_, _ = w.WriteString(" [")
		_, _ = w.WriteString(r.Method)
		_, _ = w.WriteString("]")
	}
}

// formatNumber prints integers without a fraction and other values with at
// most two decimals, so reports stay readable and stable.
func formatNumber(f float64) string {
	if f == float64(int64(f)) && f > -1e15 && f < 1e15 {
		return strconv.FormatInt(int64(f), 10)
	}
	return strconv.FormatFloat(f, 'f', 2, 64)
}

// Scorer turns an [Assessment] into a [Score] under the criteria it was
// built with.
//
// Scorers are pure and fast: no context, no I/O, no clock, no shared
// randomness. Scoring a whole register (or re-scoring it when the criteria
// change) must be cheap and reproducible, so that the same assessment
// always yields the same score and an auditor can recompute it. Anything
// that needs I/O belongs in the caller, before the assessment is built.
//
// Out-of-range input (a level outside the scale, NaN, infinities,
// negative losses) is an error matching [aims.ErrInvalid] that names the
// field, such as "likelihood: must be between 1 and 5, got 6". A Score
// must name a band of the criteria and carry a [Rationale] with that
// band's Level; the [Register] refuses any other. Implementations must be
// safe for concurrent use.
type Scorer interface {
	Score(a Assessment) (Score, error)
}

// ScorerFunc adapts a function to [Scorer].
type ScorerFunc func(a Assessment) (Score, error)

// Score calls f.
func (f ScorerFunc) Score(a Assessment) (Score, error) { return f(a) }

// decodeStrict decodes one JSON value into v, rejecting unknown fields and
// trailing data.
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("unexpected data after the JSON value")
	}
	return nil
}

// Level returns the band's 1-based level (1 is the lowest band), or 0 for
// a score without rationale.
func (s Score) Level() int {
	if s.Rationale == nil {
		return 0
	}
	return s.Rationale.Level
}

// levels returns the likelihood and consequence levels the score used, or
// zeros.
func (s Score) levels() (l, k int) {
	if s.Rationale == nil {
		return 0, 0
	}
	return s.Rationale.Likelihood, s.Rationale.Consequence
}
