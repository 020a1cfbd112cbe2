package iso42001

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/audit"
	"github.com/aimsgo/iso42001/controls"
	"github.com/aimsgo/iso42001/impact"
	"github.com/aimsgo/iso42001/risk"
	"github.com/aimsgo/iso42001/soa"
)

// Options configures [Open]. The zero value means the defaults, and
// every field is optional.
type Options struct {
	// Catalog holds the controls; default controls.ISO42001(). Use
	// controls.Merge to add the organisation's own.
	Catalog *controls.Catalog
	// Criteria are the risk criteria; default the criteria saved in the
	// workspace, else risk.DefaultCriteria().
	Criteria *risk.Criteria
	// Scorers is the registry the criteria's scorer is looked up in;
	// default risk.Builtins(). Register a custom scorer here under the
	// name the criteria give.
	Scorers *risk.Scorers
	// Authorizer decides whether an actor holds a role; default the role
	// assignments of the workspace (aims.RoleAuthorizer).
	Authorizer aims.Authorizer
	// Clock returns the current time; default time.Now. Inject a fixed
	// clock for byte-identical reports.
	Clock func() time.Time
	// NewID returns fresh record ids; default random ids.
	NewID func(kind string) string
	// Questionnaire is the impact assessment questionnaire of new
	// assessments; default the built-in baseline.
	Questionnaire *impact.Form
	// Screening is the EU AI Act screening questionnaire; default the
	// built-in one.
	Screening *impact.Form
	// ImpactThreshold is the band level from which an impact must reach
	// the risk register; default the first band above the appetite.
	ImpactThreshold int
	// ImpactRiskInput maps a harm that Impacts().Link sends to the risk
	// register to the assessment the register's scorer rates it with;
	// default the harm's levels (impact.Levels.Assessment). Set it with
	// a custom scorer that reads its own inputs (impact.Options.RiskInput).
	ImpactRiskInput func(im *impact.Impact) risk.Assessment
	// SoAWorkflow moves the SoA's versions; default soa.NewWorkflow(nil).
	// Build a variant with soa.NewWorkflow (other approver roles).
	SoAWorkflow *soa.Machine
	// ImpactWorkflow moves the impact assessments; default the impact
	// service's own (impact.NewWorkflow with its unlinked-harm guard).
	ImpactWorkflow *impact.Machine
	// Policy authorizes every change (every journal entry a write makes)
	// by the roles it names; default aims.DefaultPolicy(): an actor who
	// holds no role changes nothing but the workspace's founding role
	// assignment. A product that authorizes changes in its own layer opts
	// out explicitly with aims.AllowAll(), or passes an Authorizer that
	// is an aims.RequestAuthorizer itself (then, with no Policy, that
	// authorizer alone decides). See aims.Options.Policy.
	Policy *aims.Policy
}

// AIMS is one organisation's AI management system on a store: every
// service wired to the others, the complete check registry, readiness,
// gap assessment and management review inputs. Build it with [Open]. It
// is safe for concurrent use; its services read the store at each call,
// except the risk criteria, which are read once by Open (reopen after
// saving new criteria).
type AIMS struct {
	ws         *aims.Workspace
	cat        *controls.Catalog
	crit       *risk.Criteria
	risks      *risk.Register
	impacts    *impact.Service
	soa        *soa.Service
	docs       *aims.Documents
	audits     *audit.Audits
	programmes *audit.Programmes
	ncs        *audit.Nonconformities
	reviews    *audit.Reviews
	metrics    *audit.Metrics
	gap        *audit.Gap
	checks     []Check
	registry   *aims.Checks
	pdca       *aims.PDCA
	trace      []Support
	traceIndex map[string]int
	traceKeys  *traceTable
	opts       Options // as given to Open, for a staged twin (Apply)
}

// Open opens the AIMS of tenant in store with every service wired: the
// risk register scored by the scorer its criteria name, the impact
// service feeding that register, the Statement of Applicability fed by
// risk treatments, impact mitigations and the obligations of EU AI Act
// screenings, with the organisation's name as its title and the controls
// the organisation already operates proposed for decision; audits,
// nonconformities, reviews (with risk and impact inputs), metrics, the
// gap assessment, and the PDCA cycle gated by [AIMS.Checks].
//
// Every change is authorized by Options.Policy, aims.DefaultPolicy() unless
// another is named: assign roles first (aims.RoleAssignments; the first
// assignment, of the first top-management holder, founds the workspace).
//
// Open reads the stored risk criteria; it writes nothing. It fails with
// an error matching aims.ErrInvalid on a bad store, tenant or option.
func Open(ctx context.Context, store aims.Store, tenant string, opts *Options) (*AIMS, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	policy := o.Policy
	if _, own := o.Authorizer.(aims.RequestAuthorizer); policy == nil && !own {
		policy = aims.DefaultPolicy()
	}
	ws, err := aims.NewWorkspace(store, tenant, &aims.Options{Clock: o.Clock, NewID: o.NewID, Authorizer: o.Authorizer, Policy: policy})
	if err != nil {
		return nil, err
	}
	a := &AIMS{ws: ws, cat: o.Catalog, opts: o}
	if a.cat == nil {
		a.cat = controls.ISO42001()
	}
	a.crit = o.Criteria
	if a.crit == nil {
		a.crit, err = risk.LoadCriteria(ctx, ws)
		switch {
		case errors.Is(err, aims.ErrNotFound):
			a.crit = risk.DefaultCriteria()
		case err != nil:
			return nil, fmt.Errorf("iso42001: open %s: risk criteria: %w", tenant, err)
		}
	}
	scorers := o.Scorers
	if scorers == nil {
		scorers = risk.Builtins()
	}
	scorer, err := scorers.ForCriteria(a.crit)
	if err != nil {
		return nil, fmt.Errorf("iso42001: open %s: %w", tenant, err)
	}
	if a.risks, err = risk.NewRegister(ws, a.crit, scorer, &risk.RegisterOptions{Catalog: a.cat}); err != nil {
		return nil, err
	}
	a.impacts, err = impact.NewService(ctx, ws, &impact.Options{
		Register: a.risks, Criteria: a.crit, Catalog: a.cat,
		Questionnaire: o.Questionnaire, Screening: o.Screening, Threshold: o.ImpactThreshold, Workflow: o.ImpactWorkflow,
		RiskInput: o.ImpactRiskInput,
	})
	if err != nil {
		return nil, err
	}
	a.soa, err = soa.NewService(ws, &soa.ServiceOptions{
		Catalog:   a.cat,
		Requirers: []soa.Requirer{soa.Risks(a.risks), a.impacts, screeningDuties{a}},
		Describe:  a.describe,
		Proposals: a.Proposals,
		Workflow:  o.SoAWorkflow,
	})
	if err != nil {
		return nil, err
	}
	a.docs = aims.NewDocuments(ws)
	a.audits = audit.NewAudits(ws, a.cat)
	a.programmes = audit.NewProgrammes(ws)
	a.ncs = audit.NewNonconformities(ws).WithCatalog(a.cat)
	a.reviews = audit.NewReviews(ws, audit.RiskInputFunc(a.reviewInputs))
	a.metrics = audit.NewMetrics(ws)
	a.gap = audit.NewGap(ws, a.cat)
	a.checks = a.buildChecks()
	a.registry = aims.NewChecks()
	for _, c := range a.checks {
		if err := a.registry.Add(c.Check); err != nil {
			return nil, err
		}
	}
	a.pdca = aims.NewPDCA(ws, a.registry)
	a.buildTrace()
	return a, nil
}

// Workspace returns the workspace the AIMS is kept in: the typed record
// collections (aims.AISystems(a.Workspace()), ...) and the journal.
func (a *AIMS) Workspace() *aims.Workspace { return a.ws }

// Tenant returns the tenant the AIMS belongs to.
func (a *AIMS) Tenant() string { return a.ws.Tenant() }

// Catalog returns the control catalog.
func (a *AIMS) Catalog() *controls.Catalog { return a.cat }

// Criteria returns the risk criteria the AIMS was opened with.
func (a *AIMS) Criteria() *risk.Criteria { return a.crit }

// Risks returns the AI risk register (6.1.2, 6.1.3, 8.2, 8.3).
func (a *AIMS) Risks() *risk.Register { return a.risks }

// Impacts returns the AI system impact assessment service (6.1.4, 8.4).
func (a *AIMS) Impacts() *impact.Service { return a.impacts }

// SoA returns the Statement of Applicability service (6.1.3).
func (a *AIMS) SoA() *soa.Service { return a.soa }

// Documents returns the documented information service (7.5), the AI
// policy (5.2) among them.
func (a *AIMS) Documents() *aims.Documents { return a.docs }

// Audits returns the internal audits (9.2).
func (a *AIMS) Audits() *audit.Audits { return a.audits }

// Programmes returns the internal audit programmes (9.2.2).
func (a *AIMS) Programmes() *audit.Programmes { return a.programmes }

// Nonconformities returns nonconformities, improvements and their
// corrective actions (10.1, 10.2).
func (a *AIMS) Nonconformities() *audit.Nonconformities { return a.ncs }

// Reviews returns the management reviews (9.3), whose inputs include the
// state of risks and impact assessments.
func (a *AIMS) Reviews() *audit.Reviews { return a.reviews }

// Metrics returns monitoring and measurement (9.1).
func (a *AIMS) Metrics() *audit.Metrics { return a.metrics }

// Gap returns the maturity ratings people give; [AIMS.GapAssessment]
// combines them with what the records show.
func (a *AIMS) Gap() *audit.Gap { return a.gap }

// PDCA returns the Plan-Do-Check-Act cycle, gated by [AIMS.Checks].
func (a *AIMS) PDCA() *aims.PDCA { return a.pdca }

// Verify checks the journal's hash chain and every journaled record.
func (a *AIMS) Verify(ctx context.Context) (aims.VerifyReport, error) { return a.ws.Verify(ctx) }

// describe gives the SoA its header from the organisation and scope
// records: the organisation's name is the title.
func (a *AIMS) describe(ctx context.Context) (soa.Header, error) {
	var h soa.Header
	orgs, err := aims.Organisations(a.ws).All(ctx, nil)
	if err != nil {
		return h, err
	}
	if len(orgs) > 0 {
		h.Organization = orgs[0].Name
		h.Title = soa.DefaultTitle
	}
	scopes, err := aims.Scopes(a.ws).All(ctx, nil)
	if err != nil {
		return h, err
	}
	if len(scopes) > 0 {
		h.Scope = scopes[0].Statement
	}
	return h, nil
}
