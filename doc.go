// Package iso42001 is the root of a Go SDK for ISO/IEC 42001:2023, the
// standard for AI management systems (AIMS). It lets a product carry an
// AIMS: the standard as typed data, the records an AIMS keeps, the decisions
// it makes (risk scoring, treatment, applicability), the workflows that
// move those records through Plan-Do-Check-Act, and the reports an auditor
// asks for.
//
// This package composes the whole: [Open] opens an organisation's AIMS on a
// store and tenant with every service wired to the others, and the [AIMS]
// it returns gives the risk register, the impact assessment service, the
// Statement of Applicability (fed by risk treatments, impact mitigations
// and the duties of EU AI Act screenings), audits, nonconformities,
// management reviews with their risk inputs, monitoring, the gap
// assessment with proposals from the records, the complete check registry
// ([AIMS.Checks]) behind the PDCA gates and certification readiness, and
// the journal. A product embeds the SDK through it; the example CLI is a
// shell over it.
//
//	a, err := iso42001.Open(ctx, store, "acme", nil)
//	rep, err := a.Readiness(ctx, audit.Stage2) // what an auditor would find missing
//
// Every change is authorized by a policy, aims.DefaultPolicy() unless
// Options.Policy names another (aims.AllowAll() for a product that
// authorizes elsewhere): an actor holding no role changes nothing, except
// the tenant's first role assignment, which founds the workspace.
//
//	err = aims.RoleAssignments(a.Workspace()).Create(ctx, "alice",
//		&aims.RoleAssignment{Meta: aims.Meta{ID: "alice"}, Roles: []aims.Role{aims.RoleTopManagement}})
//
// # Checks as an auditor reads them
//
// Every check has one id and one clause, the same in PDCA status,
// readiness, the gap assessment and reports. A check never passes on no
// records: an empty risk register is not "risks assessed", a control
// nobody decided on is undecided (not excluded) and blocks the SoA's
// approval, and stage 2 asks for evidence of operation: treatments carried
// to an accepted residual risk, corrective actions on time, internal audits
// covering every clause 4 to 10 and every applicable control, improvement
// acted on.
//
// # API conventions
//
//   - Services hang off [AIMS]; each is also usable alone from its package.
//     Constructors take what is required positionally and an options
//     pointer whose zero value means the defaults.
//   - Methods that act for someone take (ctx, actor, ids..., input): the
//     context first, then who acts, then what is acted on; the same order
//     in every package (risk.Register's lifecycle methods, the Actions
//     methods listing the events an actor may fire, aims.Actions).
//   - Errors are values to branch on with errors.Is: aims.ErrNotFound,
//     ErrConflict, ErrForbidden, ErrInvalid (an *aims.ValidationError
//     listing every problem with its field path), ErrTransitionDenied (an
//     *aims.TransitionError listing each unmet guard).
//   - Roles of 5.3 are defined once, in the aims package.
//   - Documents for other tools (OSCAL, JSON, CSV, Markdown, HTML, SVG) are
//     written to an io.Writer or returned as types of the package that
//     writes them; no internal type appears in an exported signature.
//   - Lists are iter.Seq2[T, error] in a documented order; time and ids
//     come from the workspace's injected clock and generator.
//
// # Packages
//
//   - [github.com/aimsgo/iso42001/controls]: the standard as data. Clauses 4
//     to 10, the 38 Annex A controls in 9 objectives, the Annex C objectives
//     and risk sources, Annex D domains, and crosswalks to the NIST AI RMF,
//     the EU AI Act and ISO/IEC 27001:2022. OSCAL catalog import and export.
//   - [github.com/aimsgo/iso42001/aims]: the kernel. The [aims.Store] callers
//     implement, typed collections, the tamper-evident journal, the
//     declarative workflow engine with authority and separation-of-duties
//     checks, the management system's own records (context, scope, AI
//     system inventory, policy and documents, roles, objectives) and the
//     PDCA cycle whose gates are readiness checks.
//   - aims/memstore and aims/sqlstore: an in-memory store and a database/sql
//     store (SQLite, PostgreSQL); aims/storetest: the conformance suite
//     every store passes.
//   - [github.com/aimsgo/iso42001/risk]: risk criteria, pluggable scorers,
//     the register, treatment with the controls chosen, residual risk and
//     acceptance, heatmaps and OSCAL results.
//   - [github.com/aimsgo/iso42001/impact]: AI system impact assessments
//     (6.1.4, 8.4) with questionnaires as data, the EU AI Act screening,
//     and the link that turns serious harms into risks.
//   - [github.com/aimsgo/iso42001/soa]: the Statement of Applicability,
//     generated from the catalog, risk treatments, impact mitigations,
//     obligations and decisions, with justifications, validation,
//     approved versions, diffs and renderers.
//   - [github.com/aimsgo/iso42001/audit]: Check and Act: monitoring,
//     internal audit, nonconformity and corrective action, management
//     review, gap assessment and certification readiness.
//   - examples/aimsctl: a command-line program over the SDK that keeps a
//     workspace in SQLite or PostgreSQL; examples/quickstart: the Plan
//     phase in a page of code.
//
// # The PDCA flow
//
//	Plan:  context, interested parties and scope -> AI system inventory
//	       -> risk assessment (a Scorer) -> risk treatment (controls chosen)
//	       -> Statement of Applicability
//	Do:    controls implemented, documents approved, evidence attached
//	Check: monitoring, internal audit, findings
//	Act:   nonconformities, corrective actions, management review
//
// # A first look
//
//	cat := controls.ISO42001()
//	c, err := cat.Control("A.6.2.8") // AI system recording of event logs
//	if err != nil { ... }
//	for m := range cat.MappingsTo(controls.FrameworkEUAIAct, "Art. 12") { ... }
//
//	ws, _ := aims.NewWorkspace(memstore.New(), "acme", nil)
//	systems := aims.AISystems(ws)
//	err = systems.Create(ctx, "alice", &aims.AISystem{Name: "Credit scoring"})
//	_, err = ws.Verify(ctx) // the journal's hash chain and record digests
//
// The standard's text is copyrighted: the SDK carries identifiers, short
// titles and summaries written in its own words, never the normative text.
package iso42001
