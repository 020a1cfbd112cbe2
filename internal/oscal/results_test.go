package oscal

import (
	"encoding/json"
	"testing"

	"github.com/aimsgo/iso42001/internal/oscaltest"
)

// A minimal assessment-results document with one risk, one finding and
// one observation validates against NIST's schema; so does a POA&M.
func TestResultsAndPOAMValidate(t *testing.T) {
	t.Parallel()
	ts := "2026-03-02T09:00:00Z"
	risk := Risk{
		UUID: UUID("risk/1"), Title: "Bias", Description: "d", Statement: "s", Status: "open",
		Props: []Prop{{Name: "risk-id", NS: Namespace, Value: "risk-1"}},
		Characterizations: []Characterization{{
			Origin: Origin{Actors: []OriginActor{{Type: "tool", ActorUUID: UUID("tool")}}},
			Facets: []Facet{{Name: "likelihood", System: Namespace, Value: "likely"}},
		}},
		Remediations: []Response{{UUID: UUID("resp"), Lifecycle: "planned", Title: "t", Description: "d",
			Tasks: []Task{{UUID: UUID("task"), Type: "action", Title: "a", Timing: &Timing{OnDate: &OnDate{Date: ts}}}}}},
		RiskLog:  &RiskLog{Entries: []RiskLogEntry{{UUID: UUID("log"), Start: ts, StatusChange: "deviation-approved"}}},
		Deadline: ts,
	}
	ar := ResultsDocument{AssessmentResults: &AssessmentResults{
		UUID:     UUID("ar"),
		Metadata: Metadata{Title: "t", LastModified: ts, Version: "1", OSCALVersion: Version},
		ImportAP: ImportAP{Href: "#"},
		Results: []Result{{
			UUID: UUID("result"), Title: "r", Description: "d", Start: ts,
			ReviewedControls: ReviewedControls{ControlSelections: []ControlSelection{{IncludeControls: []SelectControl{{ControlID: "A.6.2.8"}}}}},
			Observations:     []Observation{{UUID: UUID("obs"), Description: "seen", Methods: []string{"EXAMINE"}, Collected: ts}},
			Risks:            []Risk{risk},
			Findings: []Finding{{UUID: UUID("finding"), Title: "f", Description: "d",
				Target:              FindingTarget{Type: "objective-id", TargetID: "A.6.2.8", Status: ObjectiveStatus{State: "not-satisfied", Reason: "fail"}},
				RelatedObservations: []RelatedObservation{{ObservationUUID: UUID("obs")}},
				RelatedRisks:        []AssociatedRisk{{RiskUUID: risk.UUID}}}},
		}},
	}}
	data, err := json.Marshal(ar)
	if err != nil {
		t.Fatal(err)
	}
	oscaltest.Validate(t, oscaltest.AssessmentResults, data)

	poam := POAMDocument{POAM: &POAM{
		UUID:     UUID("poam"),
		Metadata: Metadata{Title: "t", LastModified: ts, Version: "1", OSCALVersion: Version},
		SystemID: &SystemID{ID: "acme-ai"},
		Risks:    []Risk{risk},
		POAMItems: []POAMItem{{UUID: UUID("item"), Title: "Treat", Description: "d",
			RelatedRisks: []AssociatedRisk{{RiskUUID: risk.UUID}}}},
	}}
	data, err = json.Marshal(poam)
	if err != nil {
		t.Fatal(err)
	}
	oscaltest.Validate(t, oscaltest.POAM, data)
}

// The schema check can fail: include-all and include-controls together,
// or a POA&M without items, are refused.
func TestResultsInvalidRejected(t *testing.T) {
	t.Parallel()
	dir := oscaltest.SchemaDir()
	if dir == "" {
		t.Skip("OSCAL schemas not found")
	}
	ts := "2026-03-02T09:00:00Z"
	ar := ResultsDocument{AssessmentResults: &AssessmentResults{
		UUID: UUID("ar"), Metadata: Metadata{Title: "t", LastModified: ts, Version: "1", OSCALVersion: Version},
		ImportAP: ImportAP{Href: "#"},
		Results: []Result{{UUID: UUID("r"), Title: "r", Description: "d", Start: ts,
			ReviewedControls: ReviewedControls{ControlSelections: []ControlSelection{{IncludeAll: &IncludeAll{}, IncludeControls: []SelectControl{{ControlID: "A.2.2"}}}}}}},
	}}
	data, _ := json.Marshal(ar)
	if err := oscaltest.Check(dir, oscaltest.AssessmentResults, data); err == nil {
		t.Error("include-all with include-controls validated")
	}
	data, _ = json.Marshal(POAMDocument{POAM: &POAM{UUID: UUID("p"), Metadata: Metadata{Title: "t", LastModified: ts, Version: "1", OSCALVersion: Version}}})
	if err := oscaltest.Check(dir, oscaltest.POAM, data); err == nil {
		t.Error("POA&M without poam-items validated")
	}
}
