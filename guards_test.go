package iso42001_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/audit"
	"github.com/aimsgo/iso42001/impact"
	"github.com/aimsgo/iso42001/lifecycle"
	"github.com/aimsgo/iso42001/risk"
	"github.com/aimsgo/iso42001/soa"
)

// TestReferencesMatchTheRecordTypes: every reference aims.References
// declares names real record kinds, and its path, followed through the
// JSON of the referring package's own type, reaches the id.
func TestReferencesMatchTheRecordTypes(t *testing.T) {
	t.Parallel()
	const id = "X-1"
	from := map[string]any{
		impact.KindAssessment:   &impact.Assessment{Impacts: []impact.Impact{{Risk: id, Mitigations: []impact.Mitigation{{Risks: []string{id}}}}}},
		audit.KindMetric:        &audit.Metric{Objective: id},
		audit.KindMeasurement:   &audit.Measurement{Metric: id},
		audit.KindFinding:       &audit.Finding{Audit: id, Nonconformity: id},
		audit.KindReview:        &audit.Review{Inputs: audit.Inputs{Audits: []string{id}}},
		audit.KindNonconformity: &audit.Nonconformity{SourceRef: id},
		aims.KindScope:          &aims.Scope{Requirements: []aims.RequirementRef{{Party: id}}},
		soa.KindObligation:      &soa.Obligation{Party: id},
		lifecycle.KindChange:    &lifecycle.Change{Review: id},
	}
	kinds := map[string]bool{risk.Kind: true, aims.KindObjective: true, audit.KindMetric: true, audit.KindAudit: true,
		audit.KindNonconformity: true, audit.KindFinding: true, impact.KindIncident: true, audit.KindMeasurement: true, audit.KindReview: true, aims.KindInterestedParty: true}
	for _, ref := range aims.References() {
		if !kinds[ref.To] {
			t.Errorf("%s.%s names kind %q, which no package defines", ref.From, ref.Path, ref.To)
		}
		v, ok := from[ref.From]
		if !ok {
			t.Errorf("reference from unknown kind %q", ref.From)
			continue
		}
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var doc any
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		if !reaches(doc, strings.Split(ref.Path, "."), id) {
			t.Errorf("%s.%s does not reach the id in %s", ref.From, ref.Path, b)
		}
	}
}

func reaches(v any, path []string, id string) bool {
	if len(path) == 0 {
		return v == id
	}
	obj, _ := v.(map[string]any)
	name, list := strings.CutSuffix(path[0], "[]")
	if !list {
		return reaches(obj[name], path[1:], id)
	}
	items, _ := obj[name].([]any)
	for _, it := range items {
		if reaches(it, path[1:], id) {
			return true
		}
	}
	return false
}
