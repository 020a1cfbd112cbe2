// Package risk is the AI risk register of an ISO/IEC 42001 management
// system: risk criteria (6.1.2), assessment with pluggable scorers (6.1.2,
// 8.2), treatment with controls compared against Annex A (6.1.3, 8.3),
// residual risk and its acceptance, the risk lifecycle as a kernel
// workflow, readiness checks and reports. Words follow ISO/IEC 23894 and
// ISO 31000: a risk has sources, causes and consequences; it is
// identified, analysed, evaluated against criteria, and treated.
//
// # Criteria
//
// [Criteria] are the organisation's rules for judging risk: a likelihood
// and a consequence [Scale] of any size with labelled levels, named score
// [Band]s (low, medium, high, critical), the risk appetite (the highest
// band accepted without treatment), the tolerance (the highest band that
// may be accepted at all) and who may accept each band. [NewCriteria]
// validates a [CriteriaSpec] and reports every problem with its path;
// [DefaultCriteria] is a 5 x 5 starting point. [SaveCriteria] and
// [LoadCriteria] keep them in the workspace as a single record, so every
// tool applies the same criteria.
//
// # Scoring
//
// A [Scorer] turns an [Assessment] into a [Score]: a value, the band it
// falls in and a structured [Rationale] that [Score.Explain] formats for
// people. Scorers are pure functions of their input (no context, no I/O,
// no clock), so a register can be re-scored cheaply and an auditor can
// recompute any score. The built-ins are [Matrix] (a table of bands; no
// allocations), [LxC] (likelihood x consequence, banded), [Weighted]
// (several factors with weights) and [Quantitative] (a seeded Monte Carlo
// estimate of annual loss). A [Scorers] registry value maps names to
// factories, so configuration picks the method:
//
//	crit, err := risk.LoadCriteria(ctx, ws)
//	scorer, err := risk.Builtins().ForCriteria(crit) // the criteria's "scorer" and "scorerConfig"
//	reg, err := risk.NewRegister(ws, crit, scorer, nil)
//
// A caller's own method plugs in by implementing [Scorer] (or with
// [ScorerFunc]) and, for configuration, [Scorers.Register].
//
// # Register and lifecycle
//
// [Register] is the service over the workspace's risks (kind "risk"):
// [Register.Add], [Register.Assess] (inherent or residual),
// [Register.Treat], [Register.Accept], [Register.Review],
// [Register.Reopen], [Register.Close] and the generic [Register.Fire].
// Each change is validated and journaled. The lifecycle ([NewWorkflow]) is
//
//	identified -> analysed -> evaluated -> treatment-planned -> treated
//	evaluated | treated -> accepted -> monitoring -> closed
//	treatment-planned | treated | accepted | monitoring | closed -> identified (reopen)
//
// Guards explain refusals ("evaluation needs an inherent score"). Only the
// risk's owner or a holder of a role the criteria give the risk's band may
// accept it; anyone else gets [aims.ErrForbidden].
//
// # Treatment and Annex A
//
// A [Treatment] names options (avoid, remove-source, change-likelihood,
// change-consequence, share, retain), chosen controls (checked against
// the catalog), actions with owners and due dates, and the expected
// residual risk. [Register.Unconsidered] compares the choice with Annex A
// (6.1.3 c): it names the controls commonly relevant to the risk's sources
// and objectives that were neither chosen nor rejected with a reason.
// [Register.Overdue] lists past-due reviews and actions;
// [Register.Checks] gives the plan->do readiness checks.
//
// # Reports
//
// [Register.Report] snapshots the register; the [Report] renders as
// Markdown, CSV (spreadsheet-safe), JSON (stable, described by
// [JSONSchema]), a heatmap (SVG and Markdown), and OSCAL
// assessment-results and plan-of-action-and-milestones. Every renderer is
// deterministic: sorted in natural order of id, UUIDs derived from ids,
// times from the workspace clock. The JSON and OSCAL forms are for tools
// and stay compatible; the Markdown, CSV and SVG forms are for people.
package risk
