package aims

import (
	"fmt"
	"strings"
	"time"

	"github.com/aimsgo/iso42001/controls"
)

// KindObjective is the record kind of [Objective].
const KindObjective = "objective"

// Direction says which side of a measure's target counts as met. Values
// are append-only.
type Direction string

// Directions.
const (
	// AtLeast: met when the measured value is at or above the target
	// (accuracy, coverage of reviews).
	AtLeast Direction = "at-least"
	// AtMost: met when the measured value is at or below the target
	// (error rate, incidents, energy).
	AtMost Direction = "at-most"
	// Exactly: met when the measured value equals the target (a yes/no
	// measure recorded as 1 or 0).
	Exactly Direction = "exactly"
)

// Valid reports whether d is a known direction.
func (d Direction) Valid() bool { return d == AtLeast || d == AtMost || d == Exactly }

// Measure is how an objective's achievement is measured: a metric, its
// target and which side of the target counts (clause 6.2 asks that
// objectives be measurable where practicable).
type Measure struct {
	// Metric names what is measured, e.g. "false-negative rate".
	Metric string `json:"metric"`
	// Target is the value to reach.
	Target float64 `json:"target"`
	// Unit of Target, e.g. "%", "incidents/quarter"; optional.
	Unit string `json:"unit,omitempty"`
	// Direction says which side of Target counts as met.
	Direction Direction `json:"direction"`
}

// Met reports whether value meets the measure's target.
func (m Measure) Met(value float64) bool {
	switch m.Direction {
	case AtLeast:
		return value >= m.Target
	case AtMost:
		return value <= m.Target
	case Exactly:
		return value == m.Target
	}
	return false
}

// Objective is an AI objective (clause 6.2): what the organisation wants to
// achieve with or about its AI, how it is measured, who is responsible and
// by when, and which Annex C objectives it serves.
type Objective struct {
	Meta
	// Title names the objective.
	Title string `json:"title"`
	// Statement says what is to be achieved, in the organisation's words.
	Statement string `json:"statement,omitempty"`
	// Measures lists how achievement is measured.
	Measures []Measure `json:"measures,omitempty"`
	// Responsible is the actor accountable for the objective.
	Responsible string `json:"responsible"`
	// Due is when it is to be achieved.
	Due time.Time `json:"due,omitzero"`
	// Related lists the Annex C.2 objectives it serves.
	Related []controls.AIObjective `json:"related,omitempty"`
	// AISystems lists the ids of the AI systems it concerns; empty means
	// the whole AIMS.
	AISystems []string `json:"aiSystems,omitempty"`
}

// Validate checks the objective and returns a [*ValidationError] listing
// every problem.
func (o *Objective) Validate() error {
	var p Problems
	checkHeader(&p, &o.Meta, KindObjective)
	p.Require("title", o.Title)
	if !ValidName(o.Responsible) {
		p.Addf("responsible", "must be an actor id of 1-%d printable bytes, got %q", maxName, o.Responsible)
	}
	metrics := map[string]bool{}
	for i, m := range o.Measures {
		path := fmt.Sprintf("measures[%d]", i)
		switch {
		case strings.TrimSpace(m.Metric) == "":
			p.Add(path+".metric", "is required")
		case metrics[m.Metric]:
			p.Addf(path+".metric", "duplicate metric %q", m.Metric)
		}
		metrics[m.Metric] = true
		if !m.Direction.Valid() {
			p.Addf(path+".direction", "must be at-least, at-most or exactly, got %q", m.Direction)
		}
	}
	seen := map[controls.AIObjective]bool{}
	for i, r := range o.Related {
		path := fmt.Sprintf("related[%d]", i)
		switch {
		case !r.Valid():
			p.Addf(path, "must be an Annex C.2 objective such as %q, got %q", controls.AIObjectiveFairness, r)
		case seen[r]:
			p.Addf(path, "duplicate objective %q", r)
		}
		seen[r] = true
	}
	checkIDs(&p, "aiSystems", o.AISystems)
	return p.Err()
}

// Attributes returns the filterable attributes: responsible, and
// "related:<objective>" = "true" per related Annex C objective.
func (o *Objective) Attributes() map[string]string {
	a := map[string]string{"responsible": o.Responsible}
	for _, r := range o.Related {
		a["related:"+string(r)] = "true"
	}
	return a
}

// Objectives returns the collection of AI objectives in ws.
func Objectives(ws *Workspace) *Collection[Objective, *Objective] {
	return NewCollection[Objective](ws, KindObjective, 1)
}
