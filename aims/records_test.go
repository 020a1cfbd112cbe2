package aims_test

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/memstore"
	"github.com/aimsgo/iso42001/controls"
)

// recClock is the fixed time of the record tests' workspaces.
var recClock = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

// recWorkspace returns a workspace on a fresh in-memory store with a fixed
// clock and sequential ids.
func recWorkspace(t testing.TB) *aims.Workspace {
	t.Helper()
	var mu sync.Mutex
	n := 0
	ws, err := aims.NewWorkspace(memstore.New(), "acme", &aims.Options{
		Clock: func() time.Time { return recClock },
		NewID: func(kind string) string {
			mu.Lock()
			defer mu.Unlock()
			n++
			return fmt.Sprintf("%s-%d", kind, n)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return ws
}

// recAssign gives actor roles in ws.
func recAssign(t testing.TB, ws *aims.Workspace, actor string, roles ...aims.Role) {
	t.Helper()
	ra := &aims.RoleAssignment{Meta: aims.Meta{ID: actor}, Roles: roles}
	if err := aims.NewCollection[aims.RoleAssignment](ws, aims.KindRoleAssignment, 1).Create(t.Context(), "admin", ra); err != nil {
		t.Fatal(err)
	}
}

// updateGolden reports whether the test binary runs with -update (the
// flag is defined by the package's workflow tests, in the same binary).
func updateGolden() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

func problemPaths(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var ve *aims.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("error %v (%T) is not a *ValidationError", err, err)
	}
	if !errors.Is(err, aims.ErrInvalid) {
		t.Errorf("error %v does not match ErrInvalid", err)
	}
	var paths []string
	for _, p := range ve.Problems {
		paths = append(paths, p.Path)
	}
	return paths
}

const sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

func validOrg() *aims.Organisation {
	return &aims.Organisation{Name: "Clinica", AIMSName: "Clinica AIMS", Sectors: []string{"health"}, Roles: []aims.AIRole{aims.AIRoleProvider}}
}

func validIssue() *aims.ContextIssue {
	return &aims.ContextIssue{Title: "EU AI Act", Type: aims.IssueExternal, Category: aims.CategoryLegal, Affects: []string{"triage"}}
}

func validParty() *aims.InterestedParty {
	return &aims.InterestedParty{Name: "Hospitals", Category: aims.PartyCustomer, Requirements: []aims.Requirement{
		{ID: "explain", Text: "Explain prioritisation", Source: aims.SourceContractual, Addressed: true},
	}}
}

func validScope() *aims.Scope {
	return &aims.Scope{
		Meta:         aims.Meta{ID: aims.ScopeID},
		Statement:    "Triage model development and operation",
		Exclusions:   []aims.Exclusion{{Item: "HR chatbot", Reason: "retired"}},
		AISystems:    []string{"triage"},
		Requirements: []aims.RequirementRef{{Party: "hospitals", Requirement: "explain"}},
	}
}

func validSystem() *aims.AISystem {
	return &aims.AISystem{
		Meta: aims.Meta{ID: "triage"}, Name: "Triage model", Stage: aims.StageOperationMonitoring,
		Roles: []aims.AIRole{aims.AIRoleProvider, aims.AIRoleProducer}, Owner: "dana",
		DataSources:  []aims.DataSource{{Name: "ED records", Kind: aims.DataTraining}},
		ThirdParties: []aims.ThirdParty{{Name: "CloudCo", Relation: "hosting"}},
		InScope:      true,
	}
}

func validDoc() *aims.DocumentedInfo {
	return &aims.DocumentedInfo{Number: "ai-policy", Revision: 1, Title: "AI policy", Type: aims.DocPolicy, AIPolicy: true,
		Clauses: []string{"5.2"}, Author: "ana", Text: "We use AI responsibly."}
}

func validObjective() *aims.Objective {
	return &aims.Objective{Title: "Fair triage", Responsible: "dana",
		Measures: []aims.Measure{{Metric: "sensitivity gap", Target: 2.5, Unit: "pp", Direction: aims.AtMost}},
		Related:  []controls.AIObjective{controls.AIObjectiveFairness}}
}

func validCycle() *aims.Cycle {
	return &aims.Cycle{Meta: aims.Meta{ID: aims.CycleID, State: string(aims.PhasePlan)}, Number: 1}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		doc  func() aims.Document
		want []string // problem paths, in order
	}{
		{"organisation/valid", func() aims.Document { return validOrg() }, nil},
		{"organisation/broken", func() aims.Document {
			o := validOrg()
			o.Kind, o.Name, o.Sectors, o.Roles = "scope", " ", []string{"health", "", "health"}, []aims.AIRole{"provider", "vendor", "provider"}
			return o
		}, []string{"kind", "name", "sectors[1]", "sectors[2]", "roles[1]", "roles[2]"}},
		{"context-issue/valid", func() aims.Document { return validIssue() }, nil},
		{"context-issue/broken", func() aims.Document {
			c := validIssue()
			c.Meta.ID, c.Title, c.Type, c.Category, c.Affects = "bad\nid", "", "both", "gossip", []string{""}
			return c
		}, []string{"id", "title", "type", "category", "affects[0]"}},
		{"interested-party/valid", func() aims.Document { return validParty() }, nil},
		{"interested-party/broken", func() aims.Document {
			p := validParty()
			p.Name, p.Category = "", "aliens"
			p.Requirements = append(p.Requirements, aims.Requirement{ID: "explain", Text: " ", Source: "rumour"}, aims.Requirement{Text: "x", Source: aims.SourceLegal})
			return p
		}, []string{"name", "category", "requirements[1].id", "requirements[1].text", "requirements[1].source", "requirements[2].id"}},
		{"scope/valid", func() aims.Document { return validScope() }, nil},
		{"scope/broken", func() aims.Document {
			s := validScope()
			s.Statement = ""
			s.Inclusions = []string{""}
			s.Exclusions = append(s.Exclusions, aims.Exclusion{Item: "x"})
			s.AISystems = append(s.AISystems, "triage", "")
			s.Requirements = append(s.Requirements, aims.RequirementRef{Party: "hospitals", Requirement: "explain"}, aims.RequirementRef{})
			return s
		}, []string{"statement", "inclusions[0]", "exclusions[1].reason", "aiSystems[1]", "aiSystems[2]",
			"requirements[1]", "requirements[2].party", "requirements[2].requirement"}},
		{"ai-system/minimal", func() aims.Document { return &aims.AISystem{Meta: aims.Meta{ID: "s"}, Name: "S"} }, nil},
		{"ai-system/valid", func() aims.Document { return validSystem() }, nil},
		{"ai-system/broken", func() aims.Document {
			s := validSystem()
			s.Name, s.Stage, s.Owner = "", "beta", "a\tb"
			s.Roles = []aims.AIRole{"regulator"}
			s.DataSources = append(s.DataSources, aims.DataSource{Name: "ED records", Kind: "scraped"}, aims.DataSource{Kind: aims.DataTest})
			s.ThirdParties = append(s.ThirdParties, aims.ThirdParty{Relation: "labelling"})
			return s
		}, []string{"name", "stage", "roles[0]", "owner", "dataSources[1].name", "dataSources[1].kind", "dataSources[2].name", "thirdParties[1].name"}},
		{"document/valid", func() aims.Document { return validDoc() }, nil},
		{"document/broken", func() aims.Document {
			d := validDoc()
			d.Number, d.Revision, d.Title, d.Type, d.Author = "", 0, "", aims.DocProcedure, ""
			d.Content = aims.ContentRef{SHA256: "ABC"}
			d.Supersedes, d.State = "\x00", "archived"
			return d
		}, []string{"number", "revision", "title", "type", "author", "content.uri", "content.sha256", "text", "supersedes", "state"}},
		{"document/approved-without-seal", func() aims.Document {
			d := validDoc()
			d.State = string(aims.DocApproved)
			return d
		}, []string{"approver", "contentDigest"}},
		{"document/content-changed-after-approval", func() aims.Document {
			d := validDoc()
			d.State, d.Approver = string(aims.DocPublished), "boss"
			d.ContentDigest = d.ContentSum()
			d.Text = "We use AI however we like."
			return d
		}, []string{"contentDigest"}},
		{"document/sealed", func() aims.Document {
			d := validDoc()
			d.State, d.Approver = string(aims.DocPublished), "boss"
			d.Content, d.Text = aims.ContentRef{URI: "https://example.com/p.pdf", SHA256: sha}, ""
			d.ContentDigest = d.ContentSum()
			return d
		}, nil},
		{"objective/valid", func() aims.Document { return validObjective() }, nil},
		{"objective/broken", func() aims.Document {
			o := validObjective()
			o.Title, o.Responsible = "", ""
			o.Measures = append(o.Measures, aims.Measure{Metric: "sensitivity gap", Direction: "up"}, aims.Measure{Direction: aims.AtLeast})
			o.Related = append(o.Related, "fairness", "speed")
			o.AISystems = []string{""}
			return o
		}, []string{"title", "responsible", "measures[1].metric", "measures[1].direction", "measures[2].metric", "related[1]", "related[2]", "aiSystems[0]"}},
		{"cycle/valid", func() aims.Document { return validCycle() }, nil},
		{"cycle/broken", func() aims.Document {
			c := validCycle()
			c.Number, c.State, c.Version = 0, "review", -1
			return c
		}, []string{"version", "number", "state"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := problemPaths(t, tc.doc().Validate())
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("problem paths (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEnumsValid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		valid func(string) bool
		good  []string
	}{
		{"AIRole", func(s string) bool { return aims.AIRole(s).Valid() }, []string{"provider", "producer", "customer", "partner", "subject", "user"}},
		{"LifecycleStage", func(s string) bool { return aims.LifecycleStage(s).Valid() }, []string{"inception", "design-and-development",
			"verification-and-validation", "deployment", "operation-and-monitoring", "re-evaluation", "retirement"}},
		{"IssueType", func(s string) bool { return aims.IssueType(s).Valid() }, []string{"internal", "external"}},
		{"DocType", func(s string) bool { return aims.DocType(s).Valid() }, []string{"policy", "procedure", "record", "plan", "report", "other"}},
		{"DocState", func(s string) bool { return aims.DocState(s).Valid() }, []string{"draft", "in-review", "approved", "published", "withdrawn"}},
		{"Direction", func(s string) bool { return aims.Direction(s).Valid() }, []string{"at-least", "at-most", "exactly"}},
		{"Phase", func(s string) bool { return aims.Phase(s).Valid() }, []string{"plan", "do", "check", "act"}},
		{"Gate", func(s string) bool { return aims.Gate(s).Valid() }, []string{"plan->do", "do->check", "check->act", "act->plan"}},
		{"DataKind", func(s string) bool { return aims.DataKind(s).Valid() }, []string{"training", "validation", "test", "production", "other"}},
		{"RequirementSource", func(s string) bool { return aims.RequirementSource(s).Valid() }, []string{"legal", "regulatory", "contractual", "voluntary", "other"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for _, s := range tc.good {
				if !tc.valid(s) {
					t.Errorf("Valid(%q) = false, want true", s)
				}
			}
			for _, s := range []string{"", "Provider", "unknown", tc.good[0] + " "} {
				if tc.valid(s) {
					t.Errorf("Valid(%q) = true, want false", s)
				}
			}
		})
	}
}

func TestMeasureMet(t *testing.T) {
	t.Parallel()
	tests := []struct {
		dir   aims.Direction
		value float64
		want  bool
	}{
		{aims.AtLeast, 95, true}, {aims.AtLeast, 89.9, false},
		{aims.AtMost, 90, true}, {aims.AtMost, 90.1, false},
		{aims.Exactly, 90, true}, {aims.Exactly, 91, false},
		{"sideways", 90, false},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%s/%v", tc.dir, tc.value), func(t *testing.T) {
			t.Parallel()
			m := aims.Measure{Metric: "m", Target: 90, Direction: tc.dir}
			if got := m.Met(tc.value); got != tc.want {
				t.Errorf("Met(%v) = %v, want %v", tc.value, got, tc.want)
			}
		})
	}
}

func TestAttributes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		doc  aims.Indexed
		want map[string]string
	}{
		{"organisation", validOrg(), map[string]string{"role:provider": "true"}},
		{"context-issue", validIssue(), map[string]string{"type": "external", "category": "legal", "climateRelevant": "false"}},
		{"interested-party", validParty(), map[string]string{"category": "customer"}},
		{"scope", validScope(), map[string]string{}},
		{"ai-system", validSystem(), map[string]string{"inScope": "true", "ix": "1", "dataSources": "ED records", "stage": "operation-and-monitoring", "owner": "dana", "role:provider": "true", "role:producer": "true"}},
		{"document", validDoc(), map[string]string{"number": "ai-policy", "type": "policy", "revision": "1", "aiPolicy": "true", "author": "ana"}},
		{"objective", validObjective(), map[string]string{"responsible": "dana", "related:fairness": "true"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tc.want, tc.doc.Attributes()); diff != "" {
				t.Errorf("Attributes() (-want +got):\n%s", diff)
			}
		})
	}
}

// TestInventoryFilters stores systems and lists them by attribute.
func TestInventoryFilters(t *testing.T) {
	t.Parallel()
	ws := recWorkspace(t)
	inv := aims.AISystems(ws)
	for _, s := range []*aims.AISystem{
		{Meta: aims.Meta{ID: "chat"}, Name: "Support chatbot", Roles: []aims.AIRole{aims.AIRoleCustomer}, InScope: true},
		{Meta: aims.Meta{ID: "triage"}, Name: "Triage", Roles: []aims.AIRole{aims.AIRoleProvider}, InScope: true},
		{Meta: aims.Meta{ID: "hr"}, Name: "HR screening", Roles: []aims.AIRole{aims.AIRoleProvider}},
	} {
		if err := inv.Create(t.Context(), "dana", s); err != nil {
			t.Fatal(err)
		}
	}
	got, err := inv.All(t.Context(), map[string]string{"inScope": "true", "role:provider": "true"})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, s := range got {
		ids = append(ids, s.ID)
	}
	if diff := cmp.Diff([]string{"triage"}, ids); diff != "" {
		t.Errorf("in-scope provider systems (-want +got):\n%s", diff)
	}
	bad := &aims.AISystem{Meta: aims.Meta{ID: "x"}, Stage: "beta"}
	err = inv.Create(t.Context(), "dana", bad)
	if diff := cmp.Diff([]string{"name", "stage"}, problemPaths(t, err)); diff != "" {
		t.Errorf("Create(invalid) problem paths (-want +got):\n%s", diff)
	}
}

// recDocs sets up a workspace with the people of the document tests:
// ana writes (approver too, so that only separation of duties stops her
// approving her own text), boss is top management, carl controls
// documents, eve holds no role in document control.
func recDocs(t *testing.T) (*aims.Workspace, *aims.Documents) {
	t.Helper()
	ws := recWorkspace(t)
	recAssign(t, ws, "ana", aims.RoleApprover)
	recAssign(t, ws, "boss", aims.RoleTopManagement)
	recAssign(t, ws, "carl", aims.RoleDocumentController)
	recAssign(t, ws, "eve", "risk-owner")
	return ws, aims.NewDocuments(ws)
}

func unmetRules(t *testing.T, err error) []string {
	t.Helper()
	var te *aims.TransitionError
	if !errors.As(err, &te) {
		t.Fatalf("error %v (%T) is not a *TransitionError", err, err)
	}
	var rules []string
	for _, u := range te.Unmet {
		rules = append(rules, u.Rule)
	}
	return rules
}

func TestDocumentWorkflow(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	ws, docs := recDocs(t)
	d := &aims.DocumentedInfo{Title: "AI policy", Type: aims.DocPolicy, AIPolicy: true, Clauses: []string{"5.2"}}
	if err := docs.Create(ctx, "ana", d); err != nil {
		t.Fatal(err)
	}
	if d.ID != "ai-policy-r1" || d.Number != aims.AIPolicyNumber || d.Revision != 1 || d.Author != "ana" || d.State != "draft" {
		t.Fatalf("created %s number %s rev %d author %s state %s; want ai-policy-r1 ai-policy 1 ana draft", d.ID, d.Number, d.Revision, d.Author, d.State)
	}

	// No content yet: the author may submit, but the guard refuses.
	_, err := docs.Submit(ctx, "ana", d.ID)
	if !errors.Is(err, aims.ErrTransitionDenied) {
		t.Fatalf("Submit(no content) = %v, want ErrTransitionDenied", err)
	}
	if diff := cmp.Diff([]string{"has-content"}, unmetRules(t, err)); diff != "" {
		t.Errorf("Submit(no content) unmet rules (-want +got):\n%s", diff)
	}

	// Editing a draft: only the author or a document controller.
	d.Text = "We develop and use AI responsibly."
	if err := docs.Update(ctx, "eve", d); !errors.Is(err, aims.ErrForbidden) {
		t.Fatalf("Update by eve = %v, want ErrForbidden", err)
	}
	d.Approver = "ana" // approval fields are not the editor's to set
	if err := docs.Update(ctx, "ana", d); err != nil {
		t.Fatal(err)
	}
	if d.Approver != "" || d.Version != 2 {
		t.Errorf("after Update: approver %q version %d, want empty and 2", d.Approver, d.Version)
	}

	if _, err := docs.Submit(ctx, "eve", d.ID); !errors.Is(err, aims.ErrForbidden) {
		t.Fatalf("Submit by eve = %v, want ErrForbidden", err)
	}
	if _, err := docs.Submit(ctx, "ana", d.ID); err != nil {
		t.Fatal(err)
	}

	// Ana holds the approver role, but she wrote the text.
	_, err = docs.Approve(ctx, "ana", d.ID)
	if !errors.Is(err, aims.ErrForbidden) {
		t.Fatalf("Approve by author = %v, want ErrForbidden", err)
	}
	if diff := cmp.Diff([]string{"approver-is-not-author"}, unmetRules(t, err)); diff != "" {
		t.Errorf("Approve by author unmet rules (-want +got):\n%s", diff)
	}
	if _, err := docs.Approve(ctx, "carl", d.ID); !errors.Is(err, aims.ErrForbidden) {
		t.Fatalf("Approve by carl (no approver role) = %v, want ErrForbidden", err)
	}

	// Reject needs a reason, then the author fixes and resubmits.
	if _, err := docs.Reject(ctx, "boss", d.ID, " "); !errors.Is(err, aims.ErrInvalid) {
		t.Fatalf("Reject without reason = %v, want ErrInvalid", err)
	}
	got, err := docs.Reject(ctx, "boss", d.ID, "name the accountable executive")
	if err != nil {
		t.Fatal(err)
	}
	if got.State != "draft" || got.ReviewNote != "name the accountable executive" {
		t.Errorf("after Reject: state %s note %q", got.State, got.ReviewNote)
	}
	got.Text += " The COO is accountable."
	if err := docs.Update(ctx, "carl", got); err != nil {
		t.Fatal(err)
	}
	if _, err := docs.Submit(ctx, "carl", d.ID); err != nil {
		t.Fatal(err)
	}
	approved, err := docs.Approve(ctx, "boss", d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if approved.State != "approved" || approved.Approver != "boss" || !approved.ApprovedAt.Equal(recClock) || approved.ContentDigest != approved.ContentSum() {
		t.Errorf("after Approve: state %s approver %s at %v digest %s", approved.State, approved.Approver, approved.ApprovedAt, approved.ContentDigest)
	}

	// Approved content is immutable, through the service and the collection.
	approved.Text = "Anything goes."
	if err := docs.Update(ctx, "ana", approved); !errors.Is(err, aims.ErrTransitionDenied) {
		t.Fatalf("Documents.Update(approved) = %v, want ErrTransitionDenied", err)
	}
	// The collection freezes approved documents itself; the content seal
	// (contentDigest) is the second line of defence.
	if err := docs.Collection().Update(ctx, "ana", approved); !errors.Is(err, aims.ErrTransitionDenied) {
		t.Errorf("Collection.Update(approved, changed text) = %v, want ErrTransitionDenied", err)
	}
	if _, err := docs.Revise(ctx, "ana", d.ID); !errors.Is(err, aims.ErrTransitionDenied) {
		t.Fatalf("Revise(approved) = %v, want ErrTransitionDenied", err)
	}

	if _, err := docs.Publish(ctx, "carl", d.ID); err != nil {
		t.Fatal(err)
	}
	acts, err := docs.Actions(ctx, "carl", d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]aims.DocEvent{aims.DocWithdraw}, acts); diff != "" {
		t.Errorf("Actions(published, carl) (-want +got):\n%s", diff)
	}

	// A new revision: a new draft; r1 stays in force until r2 is published.
	r2, err := docs.Revise(ctx, "ana", d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r2.ID != "ai-policy-r2" || r2.Revision != 2 || r2.Supersedes != "ai-policy-r1" || r2.State != "draft" || r2.Approver != "" {
		t.Errorf("Revise: id %s rev %d supersedes %s state %s approver %q", r2.ID, r2.Revision, r2.Supersedes, r2.State, r2.Approver)
	}
	if _, err := docs.Revise(ctx, "ana", d.ID); !errors.Is(err, aims.ErrConflict) {
		t.Errorf("second Revise of r1 = %v, want ErrConflict", err)
	}
	pol, err := docs.AIPolicy(ctx)
	if err != nil || pol.ID != "ai-policy-r1" {
		t.Fatalf("AIPolicy() = %v, %v; want ai-policy-r1", pol, err)
	}
	r2.Text += " Reviewed yearly."
	if err := docs.Update(ctx, "ana", r2); err != nil {
		t.Fatal(err)
	}
	if _, err := docs.Submit(ctx, "ana", r2.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := docs.Approve(ctx, "boss", r2.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := docs.Publish(ctx, "boss", r2.ID); err != nil {
		t.Fatal(err)
	}
	r1, err := docs.Get(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r1.State != "withdrawn" {
		t.Errorf("superseded r1 state = %s, want withdrawn", r1.State)
	}
	pol, err = docs.AIPolicy(ctx)
	if err != nil || pol.ID != "ai-policy-r2" || pol.State != "published" {
		t.Fatalf("AIPolicy() = %v, %v; want published ai-policy-r2", pol, err)
	}
	if _, err := docs.Withdraw(ctx, "boss", d.ID); !errors.Is(err, aims.ErrTransitionDenied) {
		t.Errorf("Withdraw(withdrawn) = %v, want ErrTransitionDenied", err)
	}

	rep, err := ws.Verify(ctx)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if rep.Records != 6 { // 4 role assignments, 2 revisions
		t.Errorf("Verify checked %d records, want 6", rep.Records)
	}
}

func TestDocumentsCreateDefaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		in     aims.DocumentedInfo
		wantID string
		wantNo string
	}{
		{"fresh id", aims.DocumentedInfo{Title: "Risk procedure", Type: aims.DocProcedure}, "document-1", "document-1"},
		{"number given", aims.DocumentedInfo{Number: "proc-risk", Title: "Risk procedure", Type: aims.DocProcedure}, "proc-risk-r1", "proc-risk"},
		{"id given", aims.DocumentedInfo{Meta: aims.Meta{ID: "soa-2025"}, Title: "SoA", Type: aims.DocRecord}, "soa-2025", "soa-2025"},
		{"approval fields cleared", aims.DocumentedInfo{Number: "p", Title: "P", Type: aims.DocPlan, Approver: "ana", ContentDigest: "x"}, "p-r1", "p"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, docs := recDocs(t)
			d := tc.in
			if err := docs.Create(t.Context(), "carl", &d); err != nil {
				t.Fatal(err)
			}
			got, err := docs.Get(t.Context(), tc.wantID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Number != tc.wantNo || got.Author != "carl" || got.Approver != "" || got.ContentDigest != "" || got.Workflow != "document@1" {
				t.Errorf("stored: number %s author %s approver %q digest %q workflow %s", got.Number, got.Author, got.Approver, got.ContentDigest, got.Workflow)
			}
		})
	}
}

func TestDocumentWorkflowMermaid(t *testing.T) {
	t.Parallel()
	golden(t, "document-workflow.mmd", aims.DocumentWorkflow().Mermaid())
}

// golden compares got with testdata/records/name, rewriting it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "records", name)
	if updateGolden() {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s (-want +got):\n%s", path, diff)
	}
}

// TestSamples decodes every sample record strictly and checks that it
// survives a round trip.
func TestSamples(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file   string
		decode func([]byte) (any, error)
	}{
		{"organisation.json", decodeAny[aims.Organisation]},
		{"context-issue.json", decodeAny[aims.ContextIssue]},
		{"interested-party.json", decodeAny[aims.InterestedParty]},
		{"scope.json", decodeAny[aims.Scope]},
		{"ai-system.json", decodeAny[aims.AISystem]},
		{"document.json", decodeAny[aims.DocumentedInfo]},
		{"objective.json", decodeAny[aims.Objective]},
		{"pdca-cycle.json", decodeAny[aims.Cycle]},
		{"role-assignment.json", decodeAny[aims.RoleAssignment]},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(filepath.Join("testdata", "records", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			v, err := tc.decode(data)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			out, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			again, err := tc.decode(out)
			if err != nil {
				t.Fatalf("Decode(re-marshalled): %v\n%s", err, out)
			}
			if diff := cmp.Diff(v, again); diff != "" {
				t.Errorf("round trip (-first +second):\n%s", diff)
			}
			if !strings.Contains(string(out), `"kind":`) {
				t.Errorf("marshalled record lacks its kind: %s", out)
			}
		})
	}
}

func decodeAny[T any, P aims.Doc[T]](data []byte) (any, error) {
	p, err := aims.Decode[T, P](data)
	if err != nil {
		return nil, err
	}
	return p, nil
}
