package lifecycle_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/memstore"
	"github.com/aimsgo/iso42001/lifecycle"
)

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func ptr(f float64) *float64 { return &f }

func validChange() *lifecycle.Change {
	return &lifecycle.Change{
		Title: "Retrain credit scorer on 2025 data", Purpose: "Drift in approval rates since Q3.",
		Consequences: []string{"score distribution shifts", "fairness metrics must be re-measured"},
		Resources:    "two data scientists for three weeks", Responsible: "dana", RequestedBy: "raj",
		AISystems: []string{"credit-scorer"}, Risks: []string{"risk-7"}, Impacts: []string{"ia-2"},
	}
}

func validResource() *lifecycle.Resource {
	return &lifecycle.Resource{Name: "GPU pool eu-west", Kind: lifecycle.ResourceComputing, System: "credit-scorer", Owner: "ops", Description: "8 A100 for training"}
}

func validAwareness() *lifecycle.Awareness {
	return &lifecycle.Awareness{Topic: "AI policy 2026", Audience: "data science", Participants: []string{"dana", "raj"},
		Method: "workshop", Date: t0, CoversPolicy: true, Responsible: "aims-lead"}
}

func validCommunication() *lifecycle.Communication {
	return &lifecycle.Communication{What: "Model release notes", When: "each release", With: "loan officers", How: "intranet",
		Communicator: "product", Audience: lifecycle.AudienceInternal, AISystems: []string{"credit-scorer"}}
}

func validRequirement() *lifecycle.Requirement {
	return &lifecycle.Requirement{System: "credit-scorer", Stage: aims.StageInception, Title: "Explain each decline",
		Statement: "Every declined application gets its top three reasons.", Acceptance: "reason codes present in 100% of declines",
		Policies: []string{"consumer credit policy"}, Owner: "product"}
}

func validDesign() *lifecycle.DesignRecord {
	return &lifecycle.DesignRecord{System: "credit-scorer", Stage: aims.StageDesignDevelopment, Title: "Monotonic GBM",
		Decision: "Gradient-boosted trees with monotonic constraints", Alternatives: []string{"logistic regression", "DNN"},
		Rationale: "Explainable reason codes at comparable AUC.", Requirements: []string{"req-1"}, DecidedBy: "dana"}
}

func validVerification() *lifecycle.Verification {
	return &lifecycle.Verification{System: "credit-scorer", Stage: aims.StageVerificationValidation, Title: "v3 acceptance",
		Criteria: "AUC and disparate impact on the 2025 hold-out", Dataset: "loan-history-2025",
		Results: []lifecycle.Metric{
			{Name: "auc", Value: 0.81, Threshold: ptr(0.78), Direction: aims.AtLeast},
			{Name: "disparate impact ratio", Value: 0.91, Threshold: ptr(0.8), Direction: aims.AtLeast},
		},
		Passed: true, SignedBy: "qa-lead", SignedAt: t0}
}

func validDeployment() *lifecycle.DeploymentApproval {
	return &lifecycle.DeploymentApproval{System: "credit-scorer", Stage: aims.StageDeployment, Release: "v3.0.0",
		Environment: "production EU", Plan: "canary 5% for a week", Verifications: []string{"ver-1"}, RequestedBy: "dana"}
}

func validTechDoc() *lifecycle.TechnicalDoc {
	return &lifecycle.TechnicalDoc{System: "credit-scorer", Stage: aims.StageDeployment, Title: "Credit scorer technical file",
		Items:   []lifecycle.DocItem{{Title: "Model card", Location: "https://hub.example/org/credit-scorer", Audience: "users"}},
		License: "apache-2.0", Languages: []string{"en"}, Owner: "dana"}
}

func validLogPolicy() *lifecycle.EventLogPolicy {
	return &lifecycle.EventLogPolicy{System: "credit-scorer", Stage: aims.StageOperationMonitoring,
		Events: []string{"inputs", "scores", "overrides"}, RetentionDays: 730, Location: "s3://logs/credit", Owner: "ops"}
}

func validDataset() *lifecycle.Dataset {
	return &lifecycle.Dataset{Name: "loan-history-2025", AISystems: []string{"credit-scorer"}, Use: aims.DataTraining,
		Provenance: "Core banking exports 2019-2025", Acquisition: "internal extract", License: "internal",
		QualityRequirements: "complete income field",
		Quality:             []lifecycle.Metric{{Name: "completeness", Value: 0.995, Threshold: ptr(0.99), Direction: aims.AtLeast}},
		Preparation:         []string{"deduplicate", "impute employment length"}, IntendedUse: "training the scorer", Owner: "data-office"}
}

func validConcern() *lifecycle.Concern {
	return &lifecycle.Concern{Summary: "Declines cluster in one postcode", Anonymous: true, ReportedAt: t0,
		AISystems: []string{"credit-scorer"}, Concerned: []string{"dana"}}
}

func validUserInfo() *lifecycle.UserInformation {
	return &lifecycle.UserInformation{System: "credit-scorer", InfoKind: lifecycle.InfoExternalReporting, Title: "Contest a decision",
		Audience: "applicants", Content: "Applicants can ask for a human review.", Channel: "https://bank.example/contest", Owner: "cx"}
}

func validUse() *lifecycle.ResponsibleUse {
	return &lifecycle.ResponsibleUse{System: "credit-scorer", IntendedUse: "decision support for loan officers",
		Prohibited: []string{"fully automated declines"}, Oversight: "an officer confirms every decline", Owner: "lending"}
}

func validParty() *lifecycle.Party {
	return &lifecycle.Party{Name: "BureauCo", Role: lifecycle.PartySupplier, Provides: "credit bureau data",
		AISystems: []string{"credit-scorer"}, Agreements: []string{"DPA 2024-11"}, Controls: []string{"A.10.3", "A.7.5"}, Owner: "procurement"}
}

// problems returns the problems of err, or fails.
func problems(t *testing.T, err error) []aims.Problem {
	t.Helper()
	if err == nil {
		return nil
	}
	var ve *aims.ValidationError
	if !errors.As(err, &ve) || !errors.Is(err, aims.ErrInvalid) {
		t.Fatalf("error %v (%T) is not a *aims.ValidationError", err, err)
	}
	return ve.Problems
}

func TestValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		doc  aims.Document
		want []aims.Problem
	}{
		{"change", validChange(), nil},
		{"change empty", &lifecycle.Change{}, []aims.Problem{
			{Path: "title", Rule: "is required"}, {Path: "purpose", Rule: "is required"},
			{Path: "responsible", Rule: "is required"}, {Path: "requestedBy", Rule: "is required"}}},
		{"change approved by requester", func() aims.Document {
			c := validChange()
			c.ApprovedBy = c.RequestedBy
			c.Risks = []string{"r", "r"}
			c.Title = "two\nlines"
			return c
		}(), []aims.Problem{
			{Path: "title", Rule: "must not contain a line break (U+000A at offset 3)"},
			{Path: "risks[1]", Rule: `duplicate id "r"`},
			{Path: "approvedBy", Rule: "must not be the requester"}}},
		{"change naming a bad review", func() aims.Document {
			c := validChange()
			c.Review = "mr\n1"
			return c
		}(), []aims.Problem{{Path: "review", Rule: `must be a record id of 1-200 printable bytes, got "mr\n1"`}}},
		{"resource", validResource(), nil},
		{"resource bad", &lifecycle.Resource{Name: "x", Kind: "money", Competences: []string{"go"}}, []aims.Problem{
			{Path: "resourceKind", Rule: `must be data, tooling, computing, human or system-component, got "money"`},
			{Path: "system", Rule: `must be the id of an AI system, got ""`},
			{Path: "owner", Rule: "is required"},
			{Path: "competences", Rule: "are for human resources only"}}},
		{"awareness", validAwareness(), nil},
		{"awareness covers nothing", &lifecycle.Awareness{Topic: "t", Audience: "a", Responsible: "r"}, []aims.Problem{
			{Path: "coversPolicy", Rule: "at least one of coversPolicy, coversContribution and coversNonconformity must be true"}}},
		{"communication", validCommunication(), nil},
		{"communication bad audience", func() aims.Document {
			c := validCommunication()
			c.Audience = "public"
			return c
		}(), []aims.Problem{{Path: "audience", Rule: `must be internal or external, got "public"`}}},
		{"requirement", validRequirement(), nil},
		{"requirement bad stage", func() aims.Document {
			r := validRequirement()
			r.Stage = "beta"
			r.Source = &lifecycle.Source{Format: "x", SHA256: "abc"}
			return r
		}(), []aims.Problem{
			{Path: "stage", Rule: `must be an ISO/IEC 22989 life cycle stage such as "design-and-development", got "beta"`},
			{Path: "source.sha256", Rule: `must be 64 lowercase hex digits, got "abc"`}}},
		{"design", validDesign(), nil},
		{"verification", validVerification(), nil},
		{"verification passed but a result misses", func() aims.Document {
			v := validVerification()
			v.Results[1].Value = 0.7
			return v
		}(), []aims.Problem{{Path: "results[1].value", Rule: "0.7 misses the threshold (at-least 0.8), so the verification cannot have passed"}}},
		{"verification passed without threshold or signer", func() aims.Document {
			v := validVerification()
			v.Results[0].Threshold, v.Results[0].Direction = nil, ""
			v.SignedBy = ""
			return v
		}(), []aims.Problem{{Path: "results[0].threshold", Rule: "is required when the verification passed"},
			{Path: "signedBy", Rule: "is required when the verification passed"}}},
		{"verification failed may miss", func() aims.Document {
			v := validVerification()
			v.Results[1].Value, v.Passed = 0.7, false
			return v
		}(), nil},
		{"verification bad metric", func() aims.Document {
			v := validVerification()
			v.Passed = false
			v.Results = append(v.Results, lifecycle.Metric{Name: "auc", Value: 1, Threshold: ptr(1), Direction: "above"},
				lifecycle.Metric{Name: "f1", Value: 1, Direction: aims.AtLeast})
			return v
		}(), []aims.Problem{
			{Path: "results[2].name", Rule: `duplicate metric "auc"`},
			{Path: "results[2].direction", Rule: `must be at-least, at-most or exactly with a threshold, got "above"`},
			{Path: "results[3].direction", Rule: "must be empty without a threshold"}}},
		{"deployment", validDeployment(), nil},
		{"deployment self-approved", func() aims.Document {
			d := validDeployment()
			d.ApprovedBy = d.RequestedBy
			return d
		}(), []aims.Problem{{Path: "approvedBy", Rule: "must not be the requester"}}},
		{"technical doc", validTechDoc(), nil},
		{"technical doc bad item", func() aims.Document {
			d := validTechDoc()
			d.Items = append(d.Items, lifecycle.DocItem{Title: "x", SHA256: "zz"})
			return d
		}(), []aims.Problem{{Path: "items[1].location", Rule: "is required"}, {Path: "items[1].sha256", Rule: `must be 64 lowercase hex digits, got "zz"`}}},
		{"event log policy", validLogPolicy(), nil},
		{"event log policy empty", &lifecycle.EventLogPolicy{System: "s", Stage: aims.StageDeployment}, []aims.Problem{
			{Path: "events", Rule: "must list at least one logged event"},
			{Path: "retentionDays", Rule: "must be between 1 and 36500, got 0"},
			{Path: "location", Rule: "is required"}, {Path: "owner", Rule: "is required"}}},
		{"dataset", validDataset(), nil},
		{"dataset bad", func() aims.Document {
			d := validDataset()
			d.Use, d.Provenance = "fun", ""
			d.Preparation = []string{" "}
			return d
		}(), []aims.Problem{{Path: "use", Rule: `must be training, validation, test, production or other, got "fun"`},
			{Path: "provenance", Rule: "is required"}, {Path: "preparation[0]", Rule: "must not be blank"}}},
		{"concern", validConcern(), nil},
		{"concern anonymous with reporter", func() aims.Document {
			c := validConcern()
			c.Reporter = "ana@example.com"
			return c
		}(), []aims.Problem{{Path: "reporter", Rule: "must be empty for an anonymous concern"}}},
		{"concern neither", &lifecycle.Concern{Summary: "s"}, []aims.Problem{{Path: "reporter", Rule: "is required unless the concern is anonymous"}}},
		{"user information", validUserInfo(), nil},
		{"user information bad kind", func() aims.Document {
			u := validUserInfo()
			u.InfoKind = "leaflet"
			return u
		}(), []aims.Problem{{Path: "infoKind", Rule: `must be user-documentation, external-reporting, incident-communication or reporting-obligation, got "leaflet"`}}},
		{"responsible use", validUse(), nil},
		{"responsible use empty", &lifecycle.ResponsibleUse{System: "s"}, []aims.Problem{
			{Path: "intendedUse", Rule: "is required"}, {Path: "oversight", Rule: "is required"}, {Path: "owner", Rule: "is required"}}},
		{"party", validParty(), nil},
		{"party bad", func() aims.Document {
			p := validParty()
			p.Role = "vendor"
			p.Controls = []string{"A.10", "B.1.2", "A..1", "A.10.3."}
			return p
		}(), []aims.Problem{{Path: "role", Rule: `must be supplier or customer, got "vendor"`},
			{Path: "controls[0]", Rule: `must be an Annex A control id such as A.10.3, got "A.10"`},
			{Path: "controls[1]", Rule: `must be an Annex A control id such as A.10.3, got "B.1.2"`},
			{Path: "controls[2]", Rule: `must be an Annex A control id such as A.10.3, got "A..1"`},
			{Path: "controls[3]", Rule: `must be an Annex A control id such as A.10.3, got "A.10.3."`}}},
		{"header and lengths", func() aims.Document {
			a := validAwareness()
			a.ID, a.Version, a.SchemaVersion = "bad\nid", -1, -2
			a.Topic = strings.Repeat("t", 301)
			a.Method = "x\x00"
			return a
		}(), []aims.Problem{
			{Path: "id", Rule: `must be a record id of 1-200 printable bytes, got "bad\nid"`},
			{Path: "version", Rule: "must not be negative, got -1"},
			{Path: "schemaVersion", Rule: "must not be negative, got -2"},
			{Path: "topic", Rule: "must be at most 300 bytes, got 301"},
			{Path: "method", Rule: "must not contain a control character (U+0000 at offset 1)"}}},
		{"long text and long ids clipped", func() aims.Document {
			r := validResource()
			r.Description = strings.Repeat("d", 10_001)
			r.System = strings.Repeat("é", 150)
			return r
		}(), []aims.Problem{
			{Path: "system", Rule: `must be the id of an AI system, got "` + strings.Repeat("é", 32) + `..."`},
			{Path: "description", Rule: "must be at most 10000 bytes, got 10001"}}},
		{"kind of another record", func() aims.Document {
			p := validParty()
			p.Meta.Kind = "risk"
			return p
		}(), []aims.Problem{{Path: "kind", Rule: `must be "ai-party", got "risk"`}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := problems(t, tc.doc.Validate())
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

func TestValidateBoundsProblems(t *testing.T) {
	t.Parallel()
	d := validDataset()
	d.Preparation = make([]string, 5000)
	got := problems(t, d.Validate())
	if len(got) != aims.MaxProblems+1 || !strings.HasSuffix(got[len(got)-1].Rule, "more problems") {
		t.Errorf("got %d problems, last %v; want %d ending with a count", len(got), got[len(got)-1], aims.MaxProblems+1)
	}
	if got[0] != (aims.Problem{Path: "preparation", Rule: "must hold at most 200 items, got 5000"}) {
		t.Errorf("first problem %v", got[0])
	}
}

func TestAttributes(t *testing.T) {
	t.Parallel()
	named := validConcern()
	named.Anonymous, named.Reporter = false, "ana@example.com"
	tests := []struct {
		name string
		doc  aims.Indexed
		want map[string]string
	}{
		{"change", validChange(), map[string]string{"responsible": "dana", "requestedBy": "raj", "system:credit-scorer": "true"}},
		{"change of a review", func() *lifecycle.Change {
			c := validChange()
			c.Review = "mr-1"
			return c
		}(), map[string]string{"responsible": "dana", "requestedBy": "raj", "review": "mr-1", "system:credit-scorer": "true"}},
		{"resource", validResource(), map[string]string{"resourceKind": "computing", "system": "credit-scorer", "owner": "ops"}},
		{"awareness", validAwareness(), map[string]string{"responsible": "aims-lead"}},
		{"communication", validCommunication(), map[string]string{"audience": "internal", "communicator": "product", "system:credit-scorer": "true"}},
		{"requirement", validRequirement(), map[string]string{"system": "credit-scorer", "stage": "inception", "owner": "product"}},
		{"design", validDesign(), map[string]string{"system": "credit-scorer", "stage": "design-and-development", "decidedBy": "dana"}},
		{"verification", validVerification(), map[string]string{"system": "credit-scorer", "stage": "verification-and-validation", "passed": "true", "signedBy": "qa-lead"}},
		{"deployment", validDeployment(), map[string]string{"system": "credit-scorer", "stage": "deployment", "requestedBy": "dana"}},
		{"technical doc", validTechDoc(), map[string]string{"system": "credit-scorer", "stage": "deployment", "owner": "dana"}},
		{"event log policy", validLogPolicy(), map[string]string{"system": "credit-scorer", "stage": "operation-and-monitoring", "owner": "ops"}},
		{"dataset", validDataset(), map[string]string{"use": "training", "owner": "data-office", "qualityMet": "true", "system:credit-scorer": "true"}},
		{"concern anonymous", validConcern(), map[string]string{"anonymous": "true", "system:credit-scorer": "true"}},
		{"concern named never indexes the reporter", named, map[string]string{"anonymous": "false", "system:credit-scorer": "true"}},
		{"user information", validUserInfo(), map[string]string{"system": "credit-scorer", "infoKind": "external-reporting", "owner": "cx"}},
		{"responsible use", validUse(), map[string]string{"system": "credit-scorer", "owner": "lending"}},
		{"party", validParty(), map[string]string{"role": "supplier", "owner": "procurement", "system:credit-scorer": "true"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tc.want, tc.doc.Attributes()); diff != "" {
				t.Errorf("Attributes (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDatasetQualityMet(t *testing.T) {
	t.Parallel()
	d := validDataset()
	d.Quality = append(d.Quality,
		lifecycle.Metric{Name: "label noise", Value: 0.04, Threshold: ptr(0.02), Direction: aims.AtMost},
		lifecycle.Metric{Name: "rows", Value: 1e6})
	ok, miss := d.QualityMet()
	if ok || !cmp.Equal(miss, []string{"label noise"}) {
		t.Errorf("QualityMet = %v, %v; want false, [label noise]", ok, miss)
	}
	if (lifecycle.Metric{Name: "rows", Value: 1e6}).Met() {
		t.Error("a metric without a threshold counts as met")
	}
	if d.Attributes()["qualityMet"] != "false" {
		t.Errorf("qualityMet attribute = %q", d.Attributes()["qualityMet"])
	}
}

// newWorkspace returns a workspace on a fresh memory store with a fixed
// clock, sequential ids and an authorizer granting roles per actor.
func newWorkspace(t testing.TB, roles map[string][]aims.Role) *aims.Workspace {
	t.Helper()
	n := 0
	ws, err := aims.NewWorkspace(memstore.New(), "t", &aims.Options{
		Clock: func() time.Time { return t0 },
		NewID: func(kind string) string { n++; return fmt.Sprintf("%s-%d", kind, n) },
		Authorizer: aims.AuthorizerFunc(func(_ context.Context, actor string, anyOf []aims.Role) error {
			for _, r := range anyOf {
				for _, h := range roles[actor] {
					if h == r {
						return nil
					}
				}
			}
			return fmt.Errorf("%w: %q holds none of the roles", aims.ErrForbidden, actor)
		}),
	})
	if err != nil {
		t.Fatal(err)
	}
	return ws
}

// TestCollections stores one record of every kind, reads it back equal,
// and finds it by an attribute.
func TestCollections(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	ws := newWorkspace(t, nil)
	check := func(t *testing.T, create func() error, get func() (any, error), want any, list func() (int, error)) {
		t.Helper()
		if err := create(); err != nil {
			t.Fatalf("Create: %v", err)
		}
		got, err := get()
		if err != nil {
			t.Fatalf("Get: %v", err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("read back (-want +got):\n%s", diff)
		}
		if n, err := list(); err != nil || n != 1 {
			t.Errorf("List by attribute = %d, %v; want 1", n, err)
		}
	}
	t.Run("resource", func(t *testing.T) {
		c := lifecycle.Resources(ws)
		v := validResource()
		check(t, func() error { return c.Create(ctx, "ana", v) }, func() (any, error) { return c.Get(ctx, v.ID) }, v,
			func() (int, error) {
				all, err := c.All(ctx, map[string]string{"resourceKind": "computing"})
				return len(all), err
			})
	})
	t.Run("dataset", func(t *testing.T) {
		c := lifecycle.Datasets(ws)
		v := validDataset()
		check(t, func() error { return c.Create(ctx, "ana", v) }, func() (any, error) { return c.Get(ctx, v.ID) }, v,
			func() (int, error) {
				all, err := c.All(ctx, map[string]string{"system:credit-scorer": "true"})
				return len(all), err
			})
	})
	t.Run("verification", func(t *testing.T) {
		c := lifecycle.Verifications(ws)
		v := validVerification()
		check(t, func() error { return c.Create(ctx, "ana", v) }, func() (any, error) { return c.Get(ctx, v.ID) }, v,
			func() (int, error) { all, err := c.All(ctx, map[string]string{"passed": "true"}); return len(all), err })
	})
	t.Run("invalid refused", func(t *testing.T) {
		v := validParty()
		v.Role = ""
		if err := lifecycle.Parties(ws).Create(ctx, "ana", v); !errors.Is(err, aims.ErrInvalid) {
			t.Errorf("Create invalid = %v, want ErrInvalid", err)
		}
	})
	kinds := map[string]string{}
	for _, k := range []string{
		lifecycle.Changes(ws).Kind(), lifecycle.Resources(ws).Kind(), lifecycle.Awarenesses(ws).Kind(), lifecycle.Communications(ws).Kind(),
		lifecycle.Requirements(ws).Kind(), lifecycle.DesignRecords(ws).Kind(), lifecycle.Verifications(ws).Kind(),
		lifecycle.DeploymentApprovals(ws).Kind(), lifecycle.TechnicalDocs(ws).Kind(), lifecycle.EventLogPolicies(ws).Kind(),
		lifecycle.Datasets(ws).Kind(), lifecycle.Concerns(ws).Kind(), lifecycle.UserInformations(ws).Kind(),
		lifecycle.ResponsibleUses(ws).Kind(), lifecycle.Parties(ws).Kind(),
	} {
		if kinds[k] != "" {
			t.Errorf("kind %q used twice", k)
		}
		kinds[k] = k
	}
	if len(kinds) != 15 {
		t.Errorf("%d distinct kinds, want 15", len(kinds))
	}
}
