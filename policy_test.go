package iso42001_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aimsgo/iso42001"
	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/memstore"
	"github.com/aimsgo/iso42001/audit"
	"github.com/aimsgo/iso42001/impact"
	"github.com/aimsgo/iso42001/lifecycle"
	"github.com/aimsgo/iso42001/risk"
	"github.com/aimsgo/iso42001/soa"
)

// TestNoRoleNoChange walks the mutating calls of every package with an
// actor who holds no role, under the default policy (named, and applied
// by Open when no policy is named): each is refused with ErrForbidden and
// the journal does not move. The same calls by the people who hold roles
// succeed (the setup makes them).
func TestNoRoleNoChange(t *testing.T) {
	t.Parallel()
	for name, policy := range map[string]*aims.Policy{"Open's default": nil, "named": aims.DefaultPolicy()} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			noRoleNoChange(t, policy)
		})
	}
}

func noRoleNoChange(t *testing.T, policy *aims.Policy) {
	ctx := t.Context()
	now := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	a, err := iso42001.Open(ctx, memstore.New(), "t", &iso42001.Options{Clock: func() time.Time { return now }, Policy: policy})
	if err != nil {
		t.Fatal(err)
	}
	ws := a.Workspace()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	// Setup by people with roles: it passes the same policy.
	must(aims.RoleAssignments(ws).Create(ctx, "alice", &aims.RoleAssignment{Meta: aims.Meta{ID: "alice"}, Roles: []aims.Role{aims.RoleAIMSManager, aims.RoleTopManagement}}))
	must(aims.AISystems(ws).Create(ctx, "alice", &aims.AISystem{Meta: aims.Meta{ID: "m"}, Name: "Model", Roles: []aims.AIRole{aims.AIRoleProvider}, Owner: "alice", InScope: true}))
	must(aims.AISystems(ws).Create(ctx, "alice", &aims.AISystem{Meta: aims.Meta{ID: "spare"}, Name: "Spare", Roles: []aims.AIRole{aims.AIRoleProvider}, Owner: "alice"}))
	must(a.Risks().Add(ctx, "alice", &risk.Risk{Meta: aims.Meta{ID: "R-1"}, Title: "Drift", Owner: "alice", Systems: []string{"m"}, Causes: []string{"c"}, Consequences: []string{"q"}}))
	draft := &aims.DocumentedInfo{Number: "POL", Title: "AI policy", Type: aims.DocPolicy, Text: "x"}
	must(a.Documents().Create(ctx, "alice", draft))
	_, err = a.PDCA().Current(ctx) // the kernel opens cycle 1, as aimsctl init does
	must(err)

	const nobody = "nobody"
	sys, _ := aims.AISystems(ws).Get(ctx, "m")
	calls := []struct {
		name string
		do   func() error
	}{
		{"organisation", func() error {
			return aims.Organisations(ws).Create(ctx, nobody, &aims.Organisation{Meta: aims.Meta{ID: aims.OrganisationID}, Name: "X"})
		}},
		{"context issue", func() error {
			return aims.ContextIssues(ws).Create(ctx, nobody, &aims.ContextIssue{Title: "x", Type: aims.IssueInternal, Category: aims.CategoryOther})
		}},
		{"AI system create", func() error {
			return aims.AISystems(ws).Create(ctx, nobody, &aims.AISystem{Meta: aims.Meta{ID: "n"}, Name: "N", Roles: []aims.AIRole{aims.AIRoleProvider}})
		}},
		{"AI system update", func() error { sys.Name = "Renamed"; return aims.AISystems(ws).Update(ctx, nobody, sys) }},
		{"AI system delete", func() error { return aims.AISystems(ws).Delete(ctx, nobody, "spare", 1) }},
		{"role assignment", func() error {
			return aims.RoleAssignments(ws).Create(ctx, nobody, &aims.RoleAssignment{Meta: aims.Meta{ID: nobody}, Roles: []aims.Role{aims.RoleTopManagement}})
		}},
		{"document create", func() error {
			return a.Documents().Create(ctx, nobody, &aims.DocumentedInfo{Number: "N", Title: "n", Type: aims.DocProcedure, Text: "x"})
		}},
		{"document submit", func() error { _, err := a.Documents().Submit(ctx, nobody, draft.ID); return err }},
		{"pdca advance", func() error { _, err := a.PDCA().Advance(ctx, nobody); return err }},
		{"risk criteria", func() error { return risk.SaveCriteria(ctx, ws, nobody, risk.DefaultCriteria()) }},
		{"risk add", func() error {
			return a.Risks().Add(ctx, nobody, &risk.Risk{Meta: aims.Meta{ID: "R-2"}, Title: "x", Owner: nobody})
		}},
		{"risk assess", func() error {
			_, err := a.Risks().Assess(ctx, nobody, "R-1", risk.StageInherent, risk.Assessment{Likelihood: 2, Consequence: 2}, "")
			return err
		}},
		{"risk analyse", func() error { _, err := a.Risks().Fire(ctx, nobody, "R-1", risk.EventAnalyse, nil); return err }},
		{"impact new", func() error { _, err := a.Impacts().New(ctx, nobody, "m"); return err }},
		{"impact incident", func() error {
			return a.Impacts().NoteIncident(ctx, nobody, &impact.Incident{System: "m", Summary: "x", At: now})
		}},
		{"soa decide", func() error {
			_, err := a.SoA().Decide(ctx, nobody, soa.Decision{Control: "A.10.4", Choice: soa.Exclude, Reason: "x"})
			return err
		}},
		{"soa implementation", func() error {
			_, err := a.SoA().PutImplementation(ctx, nobody, soa.Implementation{Control: "A.2.2", Status: soa.StatusPlanned})
			return err
		}},
		{"soa draft", func() error { _, err := a.SoA().Draft(ctx, nobody); return err }},
		{"nonconformity", func() error {
			return a.Nonconformities().Open(ctx, nobody, &audit.Nonconformity{Type: audit.TypeImprovement, Title: "x", Source: audit.SourceOther})
		}},
		{"metric", func() error {
			return a.Metrics().Add(ctx, nobody, &audit.Metric{Meta: aims.Meta{ID: "k"}, Title: "x", Controls: []string{"A.6.2.6"}, Method: "x", Target: 1, Direction: aims.AtLeast, FrequencyDays: 30, MeasuredBy: "a", EvaluatedBy: "b"})
		}},
		{"management review", func() error { _, err := a.Reviews().Prepare(ctx, nobody, "mr", "x", now); return err }},
		{"gap rating", func() error { return a.Gap().Set(ctx, nobody, "4.1", audit.MaturityDefined, nil) }},
		{"lifecycle resource", func() error {
			return lifecycle.Resources(ws).Create(ctx, nobody, &lifecycle.Resource{System: "m", Kind: lifecycle.ResourceTooling, Name: "x", Owner: "alice"})
		}},
	}
	head, err := ws.Store().Head(ctx, "t")
	must(err)
	for _, c := range calls {
		if err := c.do(); !errors.Is(err, aims.ErrForbidden) {
			t.Errorf("%s by an actor holding no role: %v, want ErrForbidden", c.name, err)
		}
	}
	after, err := ws.Store().Head(ctx, "t")
	must(err)
	if after.Seq != head.Seq {
		t.Errorf("the journal moved from %d to %d entries", head.Seq, after.Seq)
	}
	// The same kind of change by a role holder goes through.
	must(aims.ContextIssues(ws).Create(ctx, "alice", &aims.ContextIssue{Title: "x", Type: aims.IssueInternal, Category: aims.CategoryOther}))
	must(aims.AISystems(ws).Delete(ctx, "alice", "spare", 1))
	// A system a risk refers to is retired, never deleted.
	m, err := aims.AISystems(ws).Get(ctx, "m")
	must(err)
	if err := aims.AISystems(ws).Delete(ctx, "alice", "m", m.Version); !errors.Is(err, aims.ErrInvalid) || !strings.Contains(err.Error(), "risk R-1") {
		t.Errorf("deleting an AI system risk R-1 refers to: %v, want ErrInvalid naming the risk", err)
	}
}

// TestFoundingAssignment: under Open's default policy an actor holding no
// role may make the tenant's first role assignment and nothing else; the
// refusal says what was refused, which roles would allow it and how to
// get one.
func TestFoundingAssignment(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	a, err := iso42001.Open(ctx, memstore.New(), "t", nil)
	if err != nil {
		t.Fatal(err)
	}
	ws := a.Workspace()
	sys := &aims.AISystem{Meta: aims.Meta{ID: "m"}, Name: "Model", Roles: []aims.AIRole{aims.AIRoleProvider}, Owner: "alice"}
	err = aims.AISystems(ws).Create(ctx, "alice", sys)
	if !errors.Is(err, aims.ErrForbidden) {
		t.Fatalf("a change before any role exists: %v, want ErrForbidden", err)
	}
	for _, want := range []string{`"alice"`, "create ai-system/m", "any role", "aimsctl role assign"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("refusal %q does not say %q", err, want)
		}
	}
	roles := aims.RoleAssignments(ws)
	if err := roles.Create(ctx, "alice", &aims.RoleAssignment{Meta: aims.Meta{ID: "alice"}, Roles: []aims.Role{aims.RoleTopManagement}}); err != nil {
		t.Fatalf("the founding assignment: %v", err)
	}
	// Founded: a second role-less actor may not assign roles, to
	// themselves or to anyone else.
	for _, subject := range []string{"mallory", "eve"} {
		err := roles.Create(ctx, "mallory", &aims.RoleAssignment{Meta: aims.Meta{ID: subject}, Roles: []aims.Role{aims.RoleTopManagement}})
		if !errors.Is(err, aims.ErrForbidden) {
			t.Errorf("mallory assigning %s after the founding: %v, want ErrForbidden", subject, err)
		}
	}
	if err := aims.AISystems(ws).Create(ctx, "alice", sys); err != nil {
		t.Fatalf("the founder's change: %v", err)
	}
	// Deleting needs an administrator: the refusal names the roles.
	if err := roles.Create(ctx, "alice", &aims.RoleAssignment{Meta: aims.Meta{ID: "bob"}, Roles: []aims.Role{aims.RoleApprover}}); err != nil {
		t.Fatal(err)
	}
	err = aims.AISystems(ws).Delete(ctx, "bob", "m", sys.Version)
	if !errors.Is(err, aims.ErrForbidden) {
		t.Fatalf("delete by an approver: %v, want ErrForbidden", err)
	}
	for _, want := range []string{`"bob"`, "delete ai-system/m", "top-management, aims-manager", "aimsctl role assign"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("refusal %q does not say %q", err, want)
		}
	}
}

// TestAllowAllOptsOut: a product that authorizes elsewhere names
// aims.AllowAll(); then an actor holding no role changes records, while
// role assignment keeps its own guard.
func TestAllowAllOptsOut(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	a, err := iso42001.Open(ctx, memstore.New(), "t", &iso42001.Options{Policy: aims.AllowAll()})
	if err != nil {
		t.Fatal(err)
	}
	ws := a.Workspace()
	if err := aims.AISystems(ws).Create(ctx, "svc", &aims.AISystem{Meta: aims.Meta{ID: "m"}, Name: "Model", Roles: []aims.AIRole{aims.AIRoleProvider}, Owner: "svc"}); err != nil {
		t.Fatalf("AllowAll: %v", err)
	}
	roles := aims.RoleAssignments(ws)
	if err := roles.Create(ctx, "alice", &aims.RoleAssignment{Meta: aims.Meta{ID: "alice"}, Roles: []aims.Role{aims.RoleTopManagement}}); err != nil {
		t.Fatal(err)
	}
	if err := roles.Create(ctx, "mallory", &aims.RoleAssignment{Meta: aims.Meta{ID: "mallory"}, Roles: []aims.Role{aims.RoleTopManagement}}); !errors.Is(err, aims.ErrForbidden) {
		t.Errorf("self-assignment under AllowAll: %v, want ErrForbidden", err)
	}
}

// noopAuthorizer allows everything, as fast as it can: the baseline of
// BenchmarkPolicyUpdate.
type noopAuthorizer struct{}

func (noopAuthorizer) Authorize(context.Context, string, []aims.Role) error { return nil }

func (noopAuthorizer) AuthorizeRequest(context.Context, aims.Request) error { return nil }

// BenchmarkPolicyUpdate updates one AI system under Open's default
// policy (the authorization reads the actor's role assignment) and, as
// the baseline, under an authorizer that allows everything without
// looking, on memstore and on a SQLite file: the difference is the
// policy's share of a mutating call.
func BenchmarkPolicyUpdate(b *testing.B) {
	for _, store := range []string{"mem", "sqlite"} {
		for _, c := range []struct {
			name  string
			authz aims.Authorizer
		}{{"policy", nil}, {"baseline", noopAuthorizer{}}} {
			b.Run(store+"/"+c.name, func(b *testing.B) {
				ctx := context.Background()
				var st aims.Store = memstore.New()
				if store == "sqlite" {
					db, s, err := openSQLite(filepath.Join(b.TempDir(), "ws.db"), true)
					if err != nil {
						b.Fatal(err)
					}
					defer db.Close()
					st = s
				}
				a, err := iso42001.Open(ctx, st, "t", &iso42001.Options{Authorizer: c.authz, Clock: benchClock})
				if err != nil {
					b.Fatal(err)
				}
				iso42001.SeedRoles(b, a, "alice", nil)
				systems := aims.AISystems(a.Workspace())
				sys := &aims.AISystem{Meta: aims.Meta{ID: "m"}, Name: "Model", Roles: []aims.AIRole{aims.AIRoleProvider}, Owner: "alice", InScope: true}
				if err := systems.Create(ctx, "alice", sys); err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				for b.Loop() {
					if err := systems.Update(ctx, "alice", sys); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
