package risk

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/internal/natsort"
	"github.com/aimsgo/iso42001/internal/oscal"
)

// OSCAL has no risk-register model: risks travel as the risks of an
// assessment-results document and open treatments as the items of a
// plan-of-action-and-milestones. UUIDs are name-based (version 5) from the
// tenant and record ids, and times come from the report, so exports are
// byte-identical for the same register.

// toolUUID identifies the SDK's risk register as the origin of exported
// characterizations.
var toolUUID = oscal.UUID("iso42001/tool/risk-register")

func (rep *Report) uuid(parts ...string) string {
	return oscal.UUID("iso42001/" + rep.Tenant + "/" + strings.Join(parts, "/"))
}

// oscalStatus maps a lifecycle state to OSCAL's risk status.
func oscalStatus(s State) string {
	switch s {
	case StateIdentified, StateAnalysed:
		return "investigating"
	case StateTreatmentPlanned, StateTreated:
		return "remediating"
	case StateAccepted, StateMonitoring:
		return "deviation-approved"
	case StateClosed:
		return "closed"
	}
	return "open"
}

// line folds text to one OSCAL markup line (no line breaks, not empty).
func line(s, fallback string) string {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return fallback
	}
	return s
}

// prop returns an SDK-namespaced property, or false when the value is
// empty after trimming (OSCAL forbids empty values).
func prop(name, value string) (oscal.Prop, bool) {
	value = line(value, "")
	if value == "" {
		return oscal.Prop{}, false
	}
	return oscal.Prop{Name: name, NS: oscal.Namespace, Value: value}, true
}

type props []oscal.Prop

func (ps *props) add(name, value string) {
	if p, ok := prop(name, value); ok {
		*ps = append(*ps, p)
	}
}

func (rep *Report) metadata(title string) oscal.Metadata {
	return oscal.Metadata{
		Title:        title,
		LastModified: oscal.Timestamp(rep.GeneratedAt),
		Version:      rep.GeneratedAt.UTC().Format(time.DateOnly),
		OSCALVersion: oscal.Version,
		Props:        []oscal.Prop{{Name: "tenant", NS: oscal.Namespace, Value: line(rep.Tenant, "default")}},
	}
}

func (rep *Report) oscalRisk(rr *ReportRisk) oscal.Risk {
	var ps props
	ps.add("risk-id", rr.ID)
	ps.add("owner", rr.Owner)
	ps.add("state", rr.State)
	for _, s := range rr.Systems {
		ps.add("ai-system", s)
	}
	for _, s := range rr.Sources {
		ps.add("risk-source", string(s))
	}
	for _, o := range rr.Objectives {
		ps.add("ai-objective", string(o))
	}
	for _, id := range rr.Unconsidered {
		ps.add("unconsidered-control", id)
	}
	statement := strings.Join(rr.Consequences, "\n\n")
	if statement == "" {
		statement = line(rr.Description, rr.Title)
	}
	o := oscal.Risk{
		UUID:        rep.uuid("risk", rr.ID),
		Title:       line(rr.Title, rr.ID),
		Description: line(rr.Description, rr.Title),
		Statement:   statement,
		Props:       ps,
		Status:      oscalStatus(State(rr.State)),
	}
	for _, g := range []struct {
		stage Stage
		r     *Rating
	}{{StageInherent, rr.Inherent}, {StageResidual, rr.Residual}} {
		if g.r == nil {
			continue
		}
		o.Characterizations = append(o.Characterizations, characterization(g.stage, g.r))
	}
	if t := rr.Treatment; t != nil {
		o.Remediations = []oscal.Response{rep.response(rr, t)}
		var deadline time.Time
		for _, a := range t.Actions {
			if a.Open() && a.Due.After(deadline) {
				deadline = a.Due
			}
		}
		if !deadline.IsZero() {
			o.Deadline = oscal.Timestamp(deadline)
		}
	}
	var log []oscal.RiskLogEntry
	for i, x := range rr.Reopenings {
		log = append(log, oscal.RiskLogEntry{UUID: rep.uuid("risk", rr.ID, "reopening", fmt.Sprint(i)),
			Title: "Reopened after " + string(x.Trigger), Description: line(x.Reason, "reopened"),
			Start: oscal.Timestamp(x.At), StatusChange: "investigating"})
	}
	if a := rr.Acceptance; a != nil {
		log = append(log, oscal.RiskLogEntry{UUID: rep.uuid("risk", rr.ID, "acceptance"),
			Title:       fmt.Sprintf("Accepted (%s, %s) by %s", line(a.Band, "-"), a.Stage, line(a.By, "-")),
			Description: line(a.Basis, "accepted"), Start: oscal.Timestamp(a.At), StatusChange: "deviation-approved"})
	}
	if len(log) > 0 {
		o.RiskLog = &oscal.RiskLog{Entries: log}
	}
	return o
}

func characterization(stage Stage, g *Rating) oscal.Characterization {
	f := func(name, value string) oscal.Facet {
		return oscal.Facet{Name: name, System: oscal.Namespace, Value: line(value, "-")}
	}
	ch := oscal.Characterization{
		Props:  []oscal.Prop{{Name: "stage", NS: oscal.Namespace, Value: string(stage)}},
		Origin: oscal.Origin{Actors: []oscal.OriginActor{{Type: "tool", ActorUUID: toolUUID}}},
	}
	var r Rationale
	if g.Score.Rationale != nil {
		r = *g.Score.Rationale
	}
	if r.Likelihood > 0 {
		ch.Facets = append(ch.Facets, f("likelihood", r.LikelihoodLabel))
	}
	if r.Consequence > 0 {
		ch.Facets = append(ch.Facets, f("impact", r.ConsequenceLabel))
	}
	ch.Facets = append(ch.Facets, f("risk", g.Score.Band), f("score", formatNumber(g.Score.Value)))
	if r.Method != "" {
		ch.Facets = append(ch.Facets, f("method", r.Method))
	}
	return ch
}

func (rep *Report) response(rr *ReportRisk, t *Treatment) oscal.Response {
	var ps props
	for _, o := range t.Options {
		ps.add("treatment-option", string(o))
	}
	for _, c := range t.Controls {
		ps.add("control-id", c.ID)
	}
	for _, c := range t.Rejected {
		ps.add("rejected-control-id", c.ID)
	}
	if g := t.Expected; g != nil {
		ps.add("expected-residual-band", g.Score.Band)
	}
	lifecycle := "planned"
	switch State(rr.State) {
	case StateTreated, StateAccepted, StateMonitoring, StateClosed:
		lifecycle = "completed"
	}
	resp := oscal.Response{
		UUID:        rep.uuid("risk", rr.ID, "treatment"),
		Lifecycle:   lifecycle,
		Title:       "Treatment: " + strings.Join(optionStrings(t.Options), ", "),
		Description: line(t.Rationale, "Treatment plan of risk "+rr.ID),
		Props:       ps,
	}
	for _, a := range t.Actions {
		var aps props
		aps.add("action-id", a.ID)
		aps.add("owner", a.Owner)
		if a.Open() {
			aps.add("status", "open")
		} else {
			aps.add("status", "done")
			aps.add("done", oscal.Timestamp(a.Done))
		}
		resp.Tasks = append(resp.Tasks, oscal.Task{
			UUID: rep.uuid("risk", rr.ID, "action", a.ID), Type: "action", Title: line(a.Title, a.ID), Props: aps,
			Timing: &oscal.Timing{OnDate: &oscal.OnDate{Date: oscal.Timestamp(a.Due)}},
		})
	}
	return resp
}

// assessmentResults returns the register as an OSCAL assessment-results
// document: one result whose risks are the register's risks (status from
// the lifecycle state, characterizations from the inherent and residual
// ratings, the treatment as a remediation with its actions as tasks, the
// acceptance and reopenings in the risk log) and whose reviewed controls
// are the controls chosen by treatments.
func (rep *Report) assessmentResults() *oscal.ResultsDocument {
	var chosen []string
	for _, rr := range rep.Risks {
		if rr.Treatment != nil {
			chosen = append(chosen, controlIDs(rr.Treatment.Controls)...)
		}
	}
	slices.SortFunc(chosen, natsort.Compare)
	chosen = slices.Compact(chosen)
	sel := oscal.ControlSelection{Description: "Controls chosen by risk treatment plans"}
	for _, id := range chosen {
		if oscal.ValidToken(id) {
			sel.IncludeControls = append(sel.IncludeControls, oscal.SelectControl{ControlID: id})
		}
	}
	if len(sel.IncludeControls) == 0 {
		sel = oscal.ControlSelection{Description: "No treatment has chosen controls yet", IncludeAll: &oscal.IncludeAll{}}
	}
	res := oscal.Result{
		UUID:             rep.uuid("risk-register", "result"),
		Title:            "AI risk register",
		Description:      "Risks of the AI management system's risk register (ISO/IEC 42001 6.1.2, 6.1.3, 8.2, 8.3).",
		Start:            oscal.Timestamp(rep.GeneratedAt),
		ReviewedControls: oscal.ReviewedControls{ControlSelections: []oscal.ControlSelection{sel}},
	}
	for i := range rep.Risks {
		res.Risks = append(res.Risks, rep.oscalRisk(&rep.Risks[i]))
	}
	return &oscal.ResultsDocument{AssessmentResults: &oscal.AssessmentResults{
		UUID:     rep.uuid("risk-register", "assessment-results"),
		Metadata: rep.metadata("AI risk register"),
		ImportAP: oscal.ImportAP{Href: "#", Remarks: "No assessment plan: the risks come from the AI risk register."},
		Results:  []oscal.Result{res},
	}}
}

// poam returns the open treatments (risks whose treatment is planned and
// not yet complete) as an OSCAL plan-of-action-and-milestones: one item
// per risk, pointing at the risk, which travels in the same document. A
// POA&M needs at least one item; with no open treatment the error matches
// [aims.ErrNotFound].
func (rep *Report) poam() (*oscal.POAMDocument, error) {
	p := &oscal.POAM{UUID: rep.uuid("risk-register", "poam"), Metadata: rep.metadata("AI risk treatment plan")}
	for i := range rep.Risks {
		rr := &rep.Risks[i]
		if rr.Treatment == nil || State(rr.State) != StateTreatmentPlanned {
			continue
		}
		risk := rep.oscalRisk(rr)
		p.Risks = append(p.Risks, risk)
		var ps props
		ps.add("risk-id", rr.ID)
		ps.add("owner", rr.Owner)
		for _, o := range rr.Treatment.Options {
			ps.add("treatment-option", string(o))
		}
		for _, c := range rr.Treatment.Controls {
			ps.add("control-id", c.ID)
		}
		open := 0
		for _, a := range rr.Treatment.Actions {
			if a.Open() {
				open++
			}
		}
		ps.add("open-actions", fmt.Sprint(open))
		if risk.Deadline != "" {
			ps.add("deadline", risk.Deadline)
		}
		p.POAMItems = append(p.POAMItems, oscal.POAMItem{
			UUID:         rep.uuid("risk", rr.ID, "poam-item"),
			Title:        "Treat: " + line(rr.Title, rr.ID),
			Description:  line(rr.Treatment.Rationale, "Treatment plan of risk "+rr.ID),
			Props:        ps,
			RelatedRisks: []oscal.AssociatedRisk{{RiskUUID: risk.UUID}},
		})
	}
	if len(p.POAMItems) == 0 {
		return nil, fmt.Errorf("POA&M: %w: no open risk treatment (a POA&M needs at least one item)", aims.ErrNotFound)
	}
	return &oscal.POAMDocument{POAM: p}, nil
}

// WriteAssessmentResults writes the register as an OSCAL 1.2.1
// assessment-results document (indented JSON): one result whose risks are
// the register's risks (status from the lifecycle state, characterizations
// from the inherent and residual ratings, the treatment as a remediation
// with its actions as tasks, acceptance and reopenings in the risk log) and
// whose reviewed controls are the controls treatments chose.
func (rep *Report) WriteAssessmentResults(w io.Writer) error {
	return writeIndented(w, rep.assessmentResults())
}

// WritePOAM writes the open treatments (risks whose treatment is planned
// and not yet complete) as an OSCAL plan-of-action-and-milestones
// (indented JSON), one item per risk. A POA&M needs at least one item:
// with no open treatment the error matches [aims.ErrNotFound] and nothing
// is written.
func (rep *Report) WritePOAM(w io.Writer) error {
	doc, err := rep.poam()
	if err != nil {
		return err
	}
	return writeIndented(w, doc)
}

func writeIndented(w io.Writer, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(data, '\n'))
	return err
}
