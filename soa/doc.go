// Package soa produces and keeps an organisation's Statement of
// Applicability (SoA), ISO/IEC 42001 6.1.3 d and e: every control of the
// catalog, Annex A and the organisation's own, stated applicable or not,
// each with a justification a certification auditor can follow back to
// its sources.
//
// # Generating
//
// [Generate] builds an [SoA] from [Inputs]: the catalog, the risk
// treatments and impact assessments (any [Requirer]; risk.Register and
// impact assessments implement it), the legal, regulatory, contractual and
// interested parties' [Obligation]s, explicit include/exclude [Decision]s,
// and [Implementation] records (status, owner, evidence, last review). A
// control is applicable when a decision includes it, or when something
// requires it and no decision excludes it. Justifications are written
// from the sources, deterministically:
//
//	Applicable: required to treat R-12 (high: Bias in credit decisions); required by obligation OBL-3 (EU AI Act Art. 12).
//	Not applicable: excluded by alice on 2026-11-20: we train no models in-house.
//
// # Validating
//
// [Validate] reads an SoA as an auditor would and returns a [Validation] of
// [Finding]s: errors (an exclusion a risk treatment relies on, an
// unjustified exclusion, an unknown or missing control) and warnings (an
// applicable control without owner or status). [SoA.Validate] only checks
// the document's shape, as the store requires.
//
// # Versions and approval
//
// [Service] keeps decisions, obligations and implementation records in an
// aims.Workspace and stores numbered SoA versions (kind "soa", 1, 2, 3...)
// moved through [Workflow]: draft, in-review, approved, superseded. The
// approver needs the role approver or top-management and may not be the
// author; an approved version is never rewritten; approving a newer
// version supersedes the older. [Diff] compares two versions for the
// reviewer.
//
// # Rendering
//
// [WriteMarkdown] and [WriteHTML] are for people (their layout may
// change); [WriteCSV] is spreadsheet-safe; [Encode] writes stable JSON
// described by [JSONSchema]; [WriteOSCAL] writes an OSCAL system security
// plan. [Render] picks one by [Format].
//
// # Wiring a risk register
//
// A source of requirements implements [Requirer]: for every risk with a
// treatment plan it yields one [Requirement] per chosen control, with a
// [Source] of kind "risk" carrying the risk's id, title and level. The
// same holds for impact assessments with kind "impact".
package soa
