package oscal_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aimsgo/iso42001/internal/oscal"
	"github.com/aimsgo/iso42001/internal/oscaltest"
)

// minimalSSP is the smallest plan the schema accepts: one component of
// type this-system, one implemented requirement.
func minimalSSP() oscal.SSPDocument {
	comp := oscal.UUID("test/component")
	return oscal.SSPDocument{SSP: &oscal.SSP{
		UUID: oscal.UUID("test/ssp"),
		Metadata: oscal.SSPMetadata{Metadata: oscal.Metadata{
			Title: "Test plan", LastModified: "2026-11-23T00:00:00Z", Version: "1", OSCALVersion: oscal.Version,
		}},
		ImportProfile: oscal.ImportProfile{Href: "#" + oscal.UUID("test/profile")},
		SystemCharacteristics: oscal.SystemCharacteristics{
			SystemIDs:   []oscal.SystemID{{ID: "test-system"}},
			SystemName:  "Test system",
			Description: "A system.",
			SystemInformation: oscal.SystemInformation{InformationTypes: []oscal.InformationType{
				{Title: "Records", Description: "Records."},
			}},
			Status:                oscal.SystemStatus{State: "operational"},
			AuthorizationBoundary: oscal.AuthorizationBoundary{Description: "Everything."},
		},
		SystemImplementation: oscal.SystemImplementation{
			Users:      []oscal.SystemUser{{UUID: oscal.UUID("test/user")}},
			Components: []oscal.Component{{UUID: comp, Type: "this-system", Title: "Test", Description: "The system.", Status: oscal.ComponentStatus{State: "operational"}}},
		},
		ControlImplementation: oscal.ControlImplementation{
			Description: "How controls are met.",
			ImplementedRequirements: []oscal.ImplementedRequirement{{
				UUID: oscal.UUID("test/req"), ControlID: "a.6.2.8",
				ByComponents: []oscal.ByComponent{{ComponentUUID: comp, UUID: oscal.UUID("test/bc"), Description: "Logs are kept.",
					ImplementationStatus: &oscal.ImplementationStatus{State: "implemented"}}},
			}},
		},
	}}
}

func TestSSPMinimalIsValid(t *testing.T) {
	t.Parallel()
	raw, err := json.Marshal(minimalSSP())
	if err != nil {
		t.Fatal(err)
	}
	oscaltest.Validate(t, oscaltest.SSP, raw)
	for _, empty := range []string{`[]`, `"roles"`, `"parties"`, `"props"`, `"back-matter"`, `"statements"`} {
		if strings.Contains(string(raw), empty) {
			t.Errorf("unset optional %s written: the schema rejects empty arrays", empty)
		}
	}
}

func TestSSPMetadataRolesAndParties(t *testing.T) {
	t.Parallel()
	doc := minimalSSP()
	party := oscal.UUID("test/party/alice")
	doc.SSP.Metadata.Roles = []oscal.Role{{ID: "approver", Title: "Approver"}}
	doc.SSP.Metadata.Parties = []oscal.Party{{UUID: party, Type: "person", Name: "alice"}}
	doc.SSP.Metadata.ResponsibleParties = []oscal.ResponsibleParty{{RoleID: "approver", PartyUUIDs: []string{party}}}
	doc.SSP.ControlImplementation.ImplementedRequirements[0].ResponsibleRoles = []oscal.ResponsibleRole{{RoleID: "approver", PartyUUIDs: []string{party}}}
	raw, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	oscaltest.Validate(t, oscaltest.SSP, raw)
	var back struct {
		SSP struct {
			Metadata map[string]json.RawMessage `json:"metadata"`
		} `json:"system-security-plan"`
	}
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"title", "oscal-version", "roles", "parties", "responsible-parties"} {
		if _, ok := back.SSP.Metadata[key]; !ok {
			t.Errorf("metadata lacks %q: the embedded Metadata must flatten", key)
		}
	}
}

func TestSSPInvalidIsRejected(t *testing.T) {
	t.Parallel()
	doc := minimalSSP()
	doc.SSP.SystemImplementation.Components[0].Type = ""
	doc.SSP.ControlImplementation.ImplementedRequirements[0].ControlID = "6.1.2"
	raw, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	dir := oscaltest.SchemaDir()
	if dir == "" {
		t.Skip("OSCAL schemas not found")
	}
	if err := oscaltest.Check(dir, oscaltest.SSP, raw); err == nil {
		t.Error("a control-id starting with a digit was accepted")
	}
}
