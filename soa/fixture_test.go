package soa_test

import (
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/aimsgo/iso42001/controls"
	"github.com/aimsgo/iso42001/soa"
	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// checkGolden compares got with testdata/name, rewriting it under -update.
// JSON, CSV and OSCAL goldens are stable interchange; Markdown, HTML and
// the diff renderings are for people and may be regenerated when their
// layout changes on purpose.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", name, diff)
	}
}

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func digest(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func risk(id, level, title string, ctrls ...string) soa.Requirements {
	var out soa.Requirements
	for _, c := range ctrls {
		out = append(out, soa.Requirement{Control: c, Source: soa.Source{Kind: soa.SourceRisk, ID: id, Title: title, Level: level}})
	}
	return out
}

func impact(id, level, title string, ctrls ...string) soa.Requirements {
	var out soa.Requirements
	for _, c := range ctrls {
		out = append(out, soa.Requirement{Control: c, Source: soa.Source{Kind: soa.SourceImpact, ID: id, Title: title, Level: level}})
	}
	return out
}

func concat(lists ...soa.Requirements) soa.Requirements {
	var out soa.Requirements
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// lenderCatalog is Annex A plus one own control of Northwind Lending.
func lenderCatalog(t testing.TB) *controls.Catalog {
	t.Helper()
	cat, err := controls.Merge(controls.ISO42001(), controls.Control{
		ID: "NWL-1", Namespace: "NWL", Title: "Human review of declined credit applications",
		Summary: "A credit officer reviews every automated decline before the applicant is told.",
		Extends: "A.9.4",
	})
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// lenderInputs is a realistic organisation: Northwind Lending provides a
// credit-scoring model it trains in-house and deploys a vendor's LLM
// assistant for customer questions. Every Annex A control is either
// required by a risk, an impact assessment or an obligation, or decided
// explicitly, so the generated SoA should carry no validation error.
func lenderInputs(t testing.TB) soa.Inputs {
	t.Helper()
	risks := concat(
		risk("R-1", "high", "Bias in credit decisions against protected groups", "A.7.4", "A.6.2.4", "A.5.4"),
		risk("R-2", "high", "Prompt injection in the customer assistant", "A.6.2.6", "A.6.2.8", "A.10.3"),
		risk("R-3", "medium", "Model drift degrades credit score accuracy", "A.6.2.6", "A.6.2.4"),
		risk("R-4", "medium", "Unclear provenance of credit bureau training data", "A.7.2", "A.7.3", "A.7.5", "A.7.6"),
		risk("R-5", "medium", "Assistant gives wrong product information", "A.8.2", "A.9.4", "A.6.2.6"),
		risk("R-6", "low", "Applicants cannot understand adverse decisions", "A.8.2", "A.8.5"),
		risk("R-7", "high", "Personal data leaks through assistant transcripts", "A.4.3", "A.6.2.8"),
		risk("R-10", "medium", "LLM vendor changes the model without notice", "A.10.3", "A.6.2.5"),
	)
	impacts := concat(
		impact("IA-1", "high", "Credit scoring: impact on applicants", "A.5.2", "A.5.3", "A.5.4", "A.5.5"),
	)
	obligations := []soa.Obligation{
		{ID: "OBL-1", Type: soa.ObligationLegal, Title: "Record-keeping for high-risk AI systems", Reference: "EU AI Act Art. 12", Controls: []string{"A.6.2.8"}},
		{ID: "OBL-2", Type: soa.ObligationLegal, Title: "Transparency and information to deployers", Reference: "EU AI Act Art. 13", Controls: []string{"A.8.2"}},
		{ID: "OBL-3", Type: soa.ObligationRegulatory, Title: "Governance of credit decision models", Reference: "EBA/GL/2020/06", Controls: []string{"A.6.2.4", "A.6.2.7"}},
		{ID: "OBL-4", Type: soa.ObligationInterestedParty, Title: "Staff can raise concerns about AI", Reference: "Works council agreement 2025-03", Party: "Works council", Controls: []string{"A.3.3"}},
		{ID: "OBL-5", Type: soa.ObligationContractual, Title: "Incident notification to the partner bank", Reference: "Partner bank MSA §9", Controls: []string{"A.8.4"}},
		{ID: "OBL-6", Type: soa.ObligationLegal, Title: "Right not to be subject to solely automated decisions", Reference: "GDPR Art. 22", Controls: []string{"NWL-1"}},
	}
	on := day("2026-11-20")
	include := func(c, reason string) soa.Decision {
		return soa.Decision{Control: c, Choice: soa.Include, Reason: reason, By: "alice", At: on}
	}
	decisions := []soa.Decision{
		include("A.2.2", "the AIMS needs a written AI policy approved by top management"),
		include("A.2.3", "the AI policy must fit the credit risk and information security policies"),
		include("A.2.4", "the AI policy is reviewed yearly and after regulatory change"),
		include("A.3.2", "AI roles are assigned in lending, data science and customer service"),
		include("A.4.2", "both AI systems need their resources documented"),
		include("A.4.4", "we run our own training pipeline and evaluation tools"),
		include("A.4.5", "the credit model runs on our own compute; the assistant on the vendor's"),
		include("A.4.6", "data scientists and credit officers need defined competences"),
		include("A.6.1.2", "we develop the credit-scoring model in-house"),
		include("A.6.1.3", "we develop the credit-scoring model in-house"),
		include("A.6.2.2", "both systems need written requirements before release"),
		include("A.6.2.3", "design decisions of the credit model must be traceable"),
		include("A.8.3", "applicants and the partner bank can report adverse impacts"),
		include("A.9.2", "customer service staff use the assistant under defined rules"),
		include("A.9.3", "we set objectives for the responsible use of the assistant"),
		include("A.10.2", "responsibilities are split with the LLM vendor and the partner bank"),
		{Control: "A.10.4", Choice: soa.Exclude, Reason: "we supply no AI system or AI component to customers; both systems serve only our own lending business.", By: "carol", At: day("2026-11-21")},
	}
	var impls []soa.Implementation
	owners := map[string]string{
		"A.2": "carol", "A.3": "carol", "A.4": "dave", "A.5": "erin", "A.6": "dave",
		"A.7": "frank", "A.8": "erin", "A.9": "grace", "A.10": "carol", "NWL": "grace",
	}
	statuses := []soa.Status{soa.StatusImplemented, soa.StatusPartial, soa.StatusPlanned, soa.StatusImplemented, soa.StatusNotStarted}
	cat := lenderCatalog(t)
	i := 0
	for c := range cat.Controls() {
		if c.ID == "A.10.4" {
			continue
		}
		group := c.Objective
		if group == "" {
			group = c.Namespace
		}
		if len(group) > 3 && group[:4] == "A.6." {
			group = "A.6"
		}
		im := soa.Implementation{Control: c.ID, Status: statuses[i%len(statuses)], Owner: owners[group]}
		if im.Status == soa.StatusImplemented {
			im.LastReview = day("2026-10-01")
		}
		impls = append(impls, im)
		i++
	}
	for k := range impls {
		switch impls[k].Control {
		case "A.6.2.8":
			impls[k].Evidence = []soa.Evidence{{URI: "https://wiki.northwind.example/aims/logging-standard", SHA256: digest("logging standard v3"), Title: "Logging standard v3"}}
		case "A.2.2":
			impls[k].Evidence = []soa.Evidence{{URI: "docs/policies/ai-policy-2026.pdf", SHA256: digest("ai policy 2026")}}
		}
	}
	return soa.Inputs{
		Catalog:         cat,
		Requirers:       []soa.Requirer{risks, impacts},
		Obligations:     obligations,
		Decisions:       decisions,
		Implementations: impls,
		Organization:    "Northwind Lending",
		Scope:           "Credit-scoring model (provider) and customer LLM assistant (deployer), Lisbon operations.",
		GeneratedAt:     day("2026-11-23"),
	}
}

// excludeRest returns a decision excluding, with a reason, every control
// of cat not in keep: a test that is about some controls decides the
// others, since an SoA with undecided controls cannot be submitted or
// approved.
func excludeRest(cat *controls.Catalog, keep ...string) []soa.Decision {
	var out []soa.Decision
	for c := range cat.Controls() {
		if !slices.Contains(keep, c.ID) {
			out = append(out, soa.Decision{Control: c.ID, Choice: soa.Exclude, Reason: "outside the scope of this test organisation", By: "carol"})
		}
	}
	return out
}
