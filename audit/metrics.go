package audit

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/controls"
	"github.com/aimsgo/iso42001/internal/natsort"
)

// Metric says what is measured for clause 9.1, tied to an AI objective's
// measure (6.2) or to controls: the method, how often, the target, who
// measures and who evaluates.
type Metric struct {
	aims.Meta
	Title string `json:"title"`
	// Objective is the id of the [aims.Objective] the metric evidences, and
	// Measure the name of its measure; optional when Controls are given.
	Objective string `json:"objective,omitempty"`
	Measure   string `json:"measure,omitempty"`
	// Controls lists the controls the metric evidences.
	Controls []string `json:"controls,omitempty"`
	Method   string   `json:"method"`
	// FrequencyDays is the interval between measurements.
	FrequencyDays int            `json:"frequencyDays"`
	Target        float64        `json:"target"`
	Direction     aims.Direction `json:"direction"`
	Unit          string         `json:"unit,omitempty"`
	MeasuredBy    string         `json:"measuredBy"`
	EvaluatedBy   string         `json:"evaluatedBy"`
}

// Validate checks the metric.
func (m *Metric) Validate() error {
	var p aims.Problems
	checkKind(&p, &m.Meta, KindMetric)
	p.Require("title", m.Title)
	if m.Objective == "" && len(m.Controls) == 0 {
		p.Add("objective", "is required unless controls are given: a metric evidences an objective or a control")
	}
	if m.Objective != "" && !aims.ValidName(m.Objective) {
		p.Addf("objective", "must be an objective id, got %q", m.Objective)
	}
	if m.Measure != "" && m.Objective == "" {
		p.Add("measure", "needs an objective")
	}
	for i, c := range m.Controls {
		if !aims.ValidName(c) {
			p.Addf(fmt.Sprintf("controls[%d]", i), "must be a control id, got %q", c)
		}
	}
	p.Require("method", m.Method)
	if m.FrequencyDays < 1 {
		p.Addf("frequencyDays", "must be at least 1, got %d", m.FrequencyDays)
	}
	if math.IsNaN(m.Target) || math.IsInf(m.Target, 0) {
		p.Add("target", "must be a finite number")
	}
	if !m.Direction.Valid() {
		p.Addf("direction", "must be at-least, at-most or exactly, got %q", m.Direction)
	}
	checkActor(&p, "measuredBy", m.MeasuredBy, true)
	checkActor(&p, "evaluatedBy", m.EvaluatedBy, true)
	return p.Err()
}

// Attributes returns the filterable attributes: objective.
func (m *Metric) Attributes() map[string]string { return map[string]string{"objective": m.Objective} }

// Met reports whether value meets the metric's target.
func (m *Metric) Met(value float64) bool {
	return aims.Measure{Target: m.Target, Direction: m.Direction}.Met(value)
}

// Measurement is one recorded value of a metric, with when and the
// evidence (9.1 asks that results be retained as documented information).
type Measurement struct {
	aims.Meta
	Metric   string    `json:"metric"`
	Value    float64   `json:"value"`
	At       time.Time `json:"at"`
	By       string    `json:"by"`
	Evidence string    `json:"evidence"`
}

// Validate checks the measurement.
func (m *Measurement) Validate() error {
	var p aims.Problems
	checkKind(&p, &m.Meta, KindMeasurement)
	if !aims.ValidName(m.Metric) {
		p.Addf("metric", "must be a metric id, got %q", m.Metric)
	}
	if math.IsNaN(m.Value) || math.IsInf(m.Value, 0) {
		p.Add("value", "must be a finite number")
	}
	if m.At.IsZero() {
		p.Add("at", "is required")
	}
	checkActor(&p, "by", m.By, true)
	p.Require("evidence", m.Evidence)
	return p.Err()
}

// Attributes returns the filterable attributes: metric.
func (m *Measurement) Attributes() map[string]string { return map[string]string{"metric": m.Metric} }

// Metrics keeps the metrics and their measurements (9.1). It is safe for
// concurrent use.
type Metrics struct {
	ws   *aims.Workspace
	c    *aims.Collection[Metric, *Metric]
	meas *aims.Collection[Measurement, *Measurement]
}

// NewMetrics returns the metrics of ws.
func NewMetrics(ws *aims.Workspace) *Metrics {
	return &Metrics{ws: ws, c: aims.NewCollection[Metric](ws, KindMetric, 1), meas: aims.NewCollection[Measurement](ws, KindMeasurement, 1)}
}

// Add stores a metric. A metric tied to an objective must name an
// existing objective and, when Measure is set, one of its measures; the
// measure's target and direction are copied when the metric has none.
func (ms *Metrics) Add(ctx context.Context, actor string, m *Metric) error {
	for i, c := range m.Controls {
		if _, err := controls.ISO42001().Control(c); err != nil {
			return aims.E("add", KindMetric, m.ID, aims.Invalid(fmt.Sprintf("controls[%d]", i), fmt.Sprintf("%q is not an Annex A control", c)))
		}
	}
	if m.Objective != "" {
		o, err := aims.Objectives(ms.ws).Get(ctx, m.Objective)
		if err != nil {
			return aims.E("add", KindMetric, m.ID, fmt.Errorf("objective: %w", err))
		}
		if m.Measure != "" {
			i := slices.IndexFunc(o.Measures, func(x aims.Measure) bool { return x.Metric == m.Measure })
			if i < 0 {
				return aims.E("add", KindMetric, m.ID, aims.Invalid("measure", fmt.Sprintf("objective %s has no measure %q", o.ID, m.Measure)))
			}
			if m.Direction == "" {
				m.Target, m.Direction, m.Unit = o.Measures[i].Target, o.Measures[i].Direction, o.Measures[i].Unit
			}
		}
	}
	return ms.c.Create(ctx, actor, m)
}

// Get returns the metric with id.
func (ms *Metrics) Get(ctx context.Context, id string) (*Metric, error) { return ms.c.Get(ctx, id) }

// Record stores a measurement of metric by actor; At defaults to the
// workspace clock. Only the metric's MeasuredBy or EvaluatedBy, or an AIMS
// manager, may record.
func (ms *Metrics) Record(ctx context.Context, actor string, v *Measurement) error {
	m, err := ms.c.Get(ctx, v.Metric)
	if err != nil {
		return err
	}
	if actor != m.MeasuredBy && actor != m.EvaluatedBy {
		if err := ms.ws.Authorizer().Authorize(ctx, actor, []aims.Role{aims.RoleAIMSManager}); err != nil {
			return aims.E("record", KindMeasurement, v.ID, err)
		}
	}
	if v.At.IsZero() {
		v.At = ms.ws.Now()
	}
	v.By = actor
	return ms.meas.Create(ctx, actor, v)
}

// Measurements returns the measurements of metric, oldest first.
func (ms *Metrics) Measurements(ctx context.Context, metric string) ([]*Measurement, error) {
	out, err := ms.meas.All(ctx, map[string]string{"metric": metric})
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(out, func(a, b *Measurement) int { return a.At.Compare(b.At) })
	return out, nil
}

// MetricStatus is where a metric stands against its target.
type MetricStatus struct {
	Metric string `json:"metric"`
	Title  string `json:"title"`
	// Last is the latest measurement, nil if none.
	Last *Measurement `json:"last,omitempty"`
	// Met reports whether Last meets the target (false with no Last).
	Met bool `json:"met"`
	// Due is when the next measurement is due; Overdue says it is late.
	Due     time.Time `json:"due"`
	Overdue bool      `json:"overdue"`
}

// Status returns every metric's status at the workspace clock, by id. A
// metric never measured is due from its creation.
func (ms *Metrics) Status(ctx context.Context) ([]MetricStatus, error) {
	metrics, err := ms.c.All(ctx, nil)
	if err != nil {
		return nil, err
	}
	last := map[string]*Measurement{}
	for v, err := range ms.meas.List(ctx, nil) {
		if err != nil {
			return nil, err
		}
		if l := last[v.Metric]; l == nil || !v.At.Before(l.At) {
			last[v.Metric] = v
		}
	}
	now := ms.ws.Now()
	out := make([]MetricStatus, 0, len(metrics))
	for _, m := range metrics {
		st := MetricStatus{Metric: m.ID, Title: m.Title, Last: last[m.ID], Due: m.CreatedAt}
		if st.Last != nil {
			st.Met = m.Met(st.Last.Value)
			st.Due = st.Last.At.AddDate(0, 0, m.FrequencyDays)
		}
		st.Overdue = now.After(st.Due)
		out = append(out, st)
	}
	slices.SortFunc(out, func(a, b MetricStatus) int { return natsort.Compare(a.Metric, b.Metric) })
	return out, nil
}

// Overdue returns the statuses of the metrics whose measurement is late.
func (ms *Metrics) Overdue(ctx context.Context) ([]MetricStatus, error) {
	all, err := ms.Status(ctx)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(s MetricStatus) bool { return !s.Overdue }), nil
}

// summary describes statuses in one line for reviews.
func metricSummary(st []MetricStatus) string {
	met, missed, none, late := 0, 0, 0, 0
	for _, s := range st {
		switch {
		case s.Last == nil:
			none++
		case s.Met:
			met++
		default:
			missed++
		}
		if s.Overdue {
			late++
		}
	}
	parts := []string{fmt.Sprintf("%d metrics", len(st)), fmt.Sprintf("%d on target", met), fmt.Sprintf("%d off target", missed),
		fmt.Sprintf("%d never measured", none), fmt.Sprintf("%d overdue", late)}
	return strings.Join(parts, ", ")
}
