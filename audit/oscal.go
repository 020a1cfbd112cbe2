package audit

import (
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/aimsgo/iso42001/internal/oscal"
)

var clauseRE = regexp.MustCompile(`^[0-9]+(\.[0-9]+)*$`)

// oscalID turns a clause or control id into an OSCAL token the same way
// the catalog export does: clauses "c-6.1.2", Annex A "a.6.2.8", own
// controls "org-ACME-1".
func oscalID(id string) string {
	switch {
	case clauseRE.MatchString(id):
		return "c-" + id
	case strings.HasPrefix(id, "A."):
		return "a." + id[2:]
	}
	return "org-" + id
}

func ourProp(name, value string) oscal.Prop {
	return oscal.Prop{Name: name, NS: oscal.Namespace, Value: value}
}

func meta(title string, at time.Time, version string) oscal.Metadata {
	return oscal.Metadata{Title: title, LastModified: oscal.Timestamp(at), Version: version, OSCALVersion: oscal.Version}
}

func encode(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func selection(a *Audit) oscal.ReviewedControls {
	sel := oscal.ControlSelection{}
	for _, it := range a.Checklist {
		sel.IncludeControls = append(sel.IncludeControls, oscal.SelectControl{ControlID: oscalID(it.Ref)})
	}
	if len(sel.IncludeControls) == 0 {
		sel.IncludeAll = &oscal.IncludeAll{}
	}
	return oscal.ReviewedControls{Description: "The audit checklist: clauses and applicable controls.", ControlSelections: []oscal.ControlSelection{sel}}
}

// WritePlanOSCAL writes audit a as an OSCAL assessment-plan: the checklist
// as reviewed controls, criteria and auditors as terms, the planned date
// as a milestone. UUIDs derive from the audit id, so the same audit
// writes the same document.
func WritePlanOSCAL(w io.Writer, a *Audit) error {
	var terms []oscal.AssessmentPart
	if len(a.Criteria) > 0 {
		terms = append(terms, oscal.AssessmentPart{Name: "criteria", NS: oscal.Namespace, Title: "Audit criteria", Prose: strings.Join(a.Criteria, "\n\n")})
	}
	terms = append(terms, oscal.AssessmentPart{Name: "auditors", NS: oscal.Namespace, Title: "Auditors",
		Prose: "Lead: " + a.Lead + ". Team: " + strings.Join(a.Auditors, ", ") + ". No auditor owns an audited area."})
	var props []oscal.Prop
	for _, ar := range a.Areas {
		props = append(props, ourProp("audited-area", ar.ID))
	}
	m := meta("Internal audit plan: "+a.Title, a.UpdatedAt, "1")
	m.Props = append([]oscal.Prop{ourProp("audit-id", a.ID)}, props...)
	plan := &oscal.AssessmentPlan{
		UUID: oscal.UUID("audit-plan:" + a.ID), Metadata: m, ImportSSP: oscal.ImportSSP{Href: "#", Remarks: "The AIMS has no system security plan; the scope is in metadata."},
		TermsAndConditions: &oscal.TermsAndConditions{Parts: terms},
		ReviewedControls:   selection(a),
		Tasks: []oscal.Task{{UUID: oscal.UUID("audit-plan:" + a.ID + ":fieldwork"), Type: "milestone", Title: "Fieldwork",
			Timing: &oscal.Timing{OnDate: &oscal.OnDate{Date: oscal.Timestamp(a.Planned)}}}},
	}
	return encode(w, oscal.PlanDocument{AssessmentPlan: plan})
}

func findingStatus(t FindingType) oscal.ObjectiveStatus {
	if t.Nonconformity() {
		return oscal.ObjectiveStatus{State: "not-satisfied", Reason: "fail"}
	}
	return oscal.ObjectiveStatus{State: "satisfied", Reason: "pass"}
}

// WriteResultsOSCAL writes the report as OSCAL assessment-results: one
// result for the audit, each finding as an observation (the evidence) and
// a finding on its clause or control, with the finding type in a prop.
func WriteResultsOSCAL(w io.Writer, r *Report) error {
	a := r.Audit
	start := a.Started
	if start.IsZero() {
		start = a.Planned
	}
	last := a.UpdatedAt
	res := oscal.Result{UUID: oscal.UUID("audit-result:" + a.ID), Title: a.Title, Description: "Internal audit " + a.ID + " (" + a.State + ")",
		Start: oscal.Timestamp(start), ReviewedControls: selection(a), Remarks: a.Conclusion}
	if !a.Completed.IsZero() {
		res.End = oscal.Timestamp(a.Completed)
	}
	for _, f := range r.Findings {
		if f.UpdatedAt.After(last) {
			last = f.UpdatedAt
		}
		obsUUID := oscal.UUID("audit-observation:" + f.ID)
		res.Observations = append(res.Observations, oscal.Observation{UUID: obsUUID, Title: f.Ref + " evidence",
			Description: strings.Join(f.Evidence, "\n\n"), Methods: []string{"EXAMINE"}, Collected: oscal.Timestamp(f.Raised),
			Props: []oscal.Prop{ourProp("auditor", f.Auditor)}})
		fd := oscal.Finding{UUID: oscal.UUID("audit-finding:" + f.ID), Title: string(f.Type) + ": " + f.Ref, Description: f.Statement,
			Props:               []oscal.Prop{ourProp("finding-type", string(f.Type)), ourProp("finding-id", f.ID), {Name: "label", NS: oscal.Namespace, Value: f.Ref}},
			Target:              oscal.FindingTarget{Type: "objective-id", TargetID: oscalID(f.Ref), Status: findingStatus(f.Type)},
			RelatedObservations: []oscal.RelatedObservation{{ObservationUUID: obsUUID}}}
		if f.Nonconformity != "" {
			fd.Props = append(fd.Props, ourProp("nonconformity", f.Nonconformity))
		}
		res.Findings = append(res.Findings, fd)
	}
	doc := oscal.ResultsDocument{AssessmentResults: &oscal.AssessmentResults{
		UUID: oscal.UUID("audit-results:" + a.ID), Metadata: meta("Internal audit results: "+a.Title, last, "1"),
		ImportAP: oscal.ImportAP{Href: "#"}, Results: []oscal.Result{res}}}
	return encode(w, doc)
}

func riskStatus(n *Nonconformity) string {
	switch NCState(n.State) {
	case NCClosed:
		return "closed"
	case NCOpen, NCCorrected, NCAnalysed:
		return "investigating"
	}
	return "remediating"
}

// WritePOAMOSCAL writes nonconformities and improvements as an OSCAL
// plan-of-action-and-milestones: each is a risk whose remediation's tasks
// are the corrective actions with their due dates, and a poam-item that
// points at it. title names the document.
func WritePOAMOSCAL(w io.Writer, title string, ncs []*Nonconformity) error {
	var last time.Time
	p := &oscal.POAM{UUID: oscal.UUID("poam:" + title), POAMItems: []oscal.POAMItem{}}
	for _, n := range ncs {
		if n.UpdatedAt.After(last) {
			last = n.UpdatedAt
		}
		riskUUID := oscal.UUID("nc-risk:" + n.ID)
		desc := n.Description
		if strings.TrimSpace(desc) == "" {
			desc = n.Title
		}
		stmt := "Nonconformity with " + n.Ref
		if n.Ref == "" {
			stmt = "Raised from " + string(n.Source)
		}
		if len(n.RootCause.Causes) > 0 {
			stmt += "; root cause (" + n.RootCause.Method + "): " + strings.Join(n.RootCause.Causes, "; ")
		}
		risk := oscal.Risk{UUID: riskUUID, Title: n.Title, Description: desc, Statement: stmt, Status: riskStatus(n),
			Props: []oscal.Prop{ourProp("nonconformity-id", n.ID), ourProp("type", string(n.Type)), ourProp("state", n.State), ourProp("source", string(n.Source))}}
		if n.Severity != "" {
			risk.Props = append(risk.Props, ourProp("severity", string(n.Severity)))
		}
		if len(n.Actions) > 0 {
			rem := oscal.Response{UUID: oscal.UUID("nc-remediation:" + n.ID), Lifecycle: "planned", Title: "Corrective action", Description: "Corrective actions for " + n.ID}
			if NCState(n.State) == NCVerified || NCState(n.State) == NCClosed {
				rem.Lifecycle = "completed"
			}
			for i, act := range n.Actions {
				task := oscal.Task{UUID: oscal.UUID(fmt.Sprintf("nc-action:%s:%d", n.ID, i)), Type: "milestone", Title: act.Title,
					Props:  []oscal.Prop{ourProp("owner", act.Owner)},
					Timing: &oscal.Timing{OnDate: &oscal.OnDate{Date: oscal.Timestamp(act.Due)}}}
				if !act.Done.IsZero() {
					task.Props = append(task.Props, ourProp("done", oscal.Timestamp(act.Done)))
				}
				rem.Tasks = append(rem.Tasks, task)
			}
			risk.Remediations = []oscal.Response{rem}
			risk.Deadline = oscal.Timestamp(latestDue(n.Actions))
		}
		p.Risks = append(p.Risks, risk)
		item := oscal.POAMItem{UUID: oscal.UUID("nc-item:" + n.ID), Title: n.Title, Description: desc,
			Props: []oscal.Prop{ourProp("nonconformity-id", n.ID)}, RelatedRisks: []oscal.AssociatedRisk{{RiskUUID: riskUUID}}}
		p.POAMItems = append(p.POAMItems, item)
	}
	p.Metadata = meta(title, last, "1")
	return encode(w, oscal.POAMDocument{POAM: p})
}

func latestDue(as []Action) time.Time {
	var t time.Time
	for _, a := range as {
		if a.Due.After(t) {
			t = a.Due
		}
	}
	return t
}
