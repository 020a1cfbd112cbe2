// Package audit is the Check and Act half of an ISO/IEC 42001 AI
// management system: monitoring (9.1), internal audit (9.2), management
// review (9.3), continual improvement and corrective action (10.1, 10.2),
// plus gap assessment and certification readiness.
//
// Every service is built on an [aims.Workspace], writes through typed
// collections and moves records with kernel workflows, so each step is
// checked (authority, separation of duties, guards) and journaled.
//
// # Nonconformities and improvements
//
// [Nonconformities] is the register of 10.2: a [Nonconformity] opened from
// an audit, incident, complaint or monitoring moves open -> corrected ->
// analysed (root cause with method and causes) -> action-planned (actions
// with owner and due date) -> implemented -> verified -> closed. The
// effectiveness check is refused to the implementer and the action owners
// (duty "verifier-is-not-implementer"); an ineffective verdict sends the
// record back to analysis. Improvements (10.1) travel the same workflow
// without the root-cause requirement. [Nonconformities.Overdue] lists late
// actions.
//
// # Internal audit
//
// A [Programme] sets frequency, methods, responsibility, criteria and the
// areas in scope; [Prioritise] and [Audits.Schedule] order areas by risk
// and earlier findings. [Audits.Plan] builds the checklist from the catalog
// ([Checklist]: the clauses, plus the controls the SoA marks applicable)
// and refuses an auditor who owns an audited area (duty
// "auditor-is-independent", [aims.ErrForbidden]); the same duty guards
// starting, recording results, raising findings and completing. A
// [Finding] is a major or minor nonconformity, an observation or an
// opportunity for improvement, with its evidence and auditor;
// nonconformities and opportunities open a [Nonconformity]. [Report]
// renders Markdown and escaped HTML.
//
// # Monitoring, review and the PDCA gates
//
// [Metrics] keeps metrics tied to objectives (6.2) or controls and their
// measurements, and reports each metric's status and overdue
// measurements. [Reviews.Prepare] gathers the 9.3.2 inputs from the store;
// [Reviews.Record] keeps the 9.3.3 decisions. [Checks] returns the PDCA
// gate checks to register with [aims.NewPDCA]; "management-review-held"
// guards act->plan.
//
// # Readiness and gaps
//
// [Readiness] runs the stage 1 (documentation) or stage 2 (operation)
// checks and lists every failing item with its clause; the checks are the
// same [aims.Check] values the PDCA gates use, and callers add or replace
// checks (risk, SoA) with extra ones. [Gap] rates maturity 0-5 per clause
// and control, from records or from a person's [Rating], and orders the
// gaps into a roadmap by dependency, risk and effort; it renders as
// Markdown, JSON and a deterministic SVG radar.
//
// # Interchange
//
// [WritePlanOSCAL], [WriteResultsOSCAL] and [WritePOAMOSCAL] write OSCAL
// 1.2.1 assessment-plan, assessment-results and POA&M documents that
// validate against NIST's schemas. All outputs are deterministic for the
// same records; JSON and OSCAL are stable formats, Markdown, HTML and SVG
// are for people.
package audit
