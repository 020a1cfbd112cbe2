package oscal_test

import (
	"encoding/json"
	"testing"

	"github.com/aimsgo/iso42001/internal/oscal"
	"github.com/aimsgo/iso42001/internal/oscaltest"
)

func TestAssessmentPlanValidates(t *testing.T) {
	t.Parallel()
	doc := oscal.PlanDocument{AssessmentPlan: &oscal.AssessmentPlan{
		UUID:      oscal.UUID("plan-test"),
		Metadata:  oscal.Metadata{Title: "Internal audit", LastModified: "2026-03-02T09:00:00Z", Version: "1", OSCALVersion: oscal.Version},
		ImportSSP: oscal.ImportSSP{Href: "#"},
		TermsAndConditions: &oscal.TermsAndConditions{Parts: []oscal.AssessmentPart{
			{Name: "methodology", Title: "Methods", Prose: "Document review and interviews."},
		}},
		ReviewedControls: oscal.ReviewedControls{ControlSelections: []oscal.ControlSelection{
			{IncludeControls: []oscal.SelectControl{{ControlID: "a.6.2.8"}}},
		}},
		Tasks: []oscal.Task{{UUID: oscal.UUID("task"), Type: "milestone", Title: "Fieldwork",
			Timing: &oscal.Timing{OnDate: &oscal.OnDate{Date: "2026-03-09T09:00:00Z"}}}},
	}}
	data, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	oscaltest.Validate(t, oscaltest.AssessmentPlan, data)
	// An empty reviewed-controls selection is not a valid plan.
	doc.AssessmentPlan.ReviewedControls.ControlSelections = nil
	bad, _ := json.Marshal(doc)
	if err := oscaltest.Check(oscaltest.SchemaDir(), oscaltest.AssessmentPlan, bad); err == nil {
		t.Error("a plan without control selections validated")
	}
}
