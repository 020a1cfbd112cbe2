// Package controls carries ISO/IEC 42001:2023 as typed data: clauses 4 to 10
// with their PDCA phase and required documented information, the 38 Annex A
// controls under their control objectives, the Annex C objectives and risk
// sources, the Annex D domains, and crosswalks to the NIST AI RMF, the EU AI
// Act and ISO/IEC 27001:2022.
//
// # Copyright
//
// The standard's text is copyrighted. The catalog holds identifiers, short
// titles and one- or two-sentence summaries written for this SDK; it never
// reproduces normative text. Read the standard for the requirements.
//
// # The catalog
//
// [ISO42001] returns the built-in [*Catalog], decoded once from embedded
// JSON (data/iso42001.json, itself in the canonical form [Encode] writes).
// A Catalog is immutable and safe for concurrent use. [Catalog.Control] and
// [Catalog.Clause] look up by id in constant time without allocating; an
// unknown id yields an [*UnknownIDError] that matches [ErrUnknownID].
// Iterators ([Catalog.Controls], [Catalog.Clauses], [Catalog.Objectives],
// [Catalog.AIObjectives], [Catalog.RiskSources], [Catalog.Domains]) yield in
// natural order, so A.2.2 comes before A.10.2 and 9.3.3 before 10.1.
//
// Clause 7 (support) is given [PhasePlan]: it prepares resources,
// competence, awareness, communication and documents before operation
// (clause 8, [PhaseDo]). Clauses 9 and 10 are [PhaseCheck] and [PhaseAct].
//
// # Own controls
//
// ISO/IEC 42001 6.1.3 lets an organisation add controls of its own.
// [Merge] returns a new catalog with them, each marked [OriginOrganization]
// and living in its own upper-case [Control.Namespace] ("ACME-1"); Annex A
// ids and the namespace "A" are reserved. The result is validated as a
// whole (unique ids, references resolve, no cycles through
// [Control.Extends]) and every problem is listed with its field path in a
// [*ValidationError]. Own controls iterate after Annex A.
//
// # Annex C and risk treatment
//
// [AIObjective] and [RiskSource] are the typed Annex C keys other packages
// code against. Each catalog entry lists the Annex A controls commonly
// relevant to it, with a basis explaining the choice;
// [Catalog.RelevantControls] unions them, which risk treatment uses to find
// controls that were not considered.
//
// # Crosswalks
//
// A [Mapping] pairs one of our clauses or controls with a reference in a
// [Framework] ([Framework.ValidRef] checks how references are written),
// with a [Strength] and a basis: a cited source, or "derived:" and a
// one-line reason ([Mapping.Derived]). Query with [Catalog.Mappings],
// [Catalog.MappingsFrom] and [Catalog.MappingsTo]; neither lookup
// allocates. [Catalog.SourcedMappings] and [Catalog.DerivedMappings] keep
// what a published crosswalk gives apart from what the SDK adds.
//
//   - NIST AI RMF: every pair of the crosswalk NIST publishes on its AI
//     Resource Center ([BasisNISTCrosswalk]; 281 entries, 280 distinct
//     pairs over the 72 subcategories), recorded as related since the
//     source does not grade them; apart from them, the pairs the SDK
//     derived, each with its reason.
//   - EU AI Act: every pair is derived; articles are cited by number only.
//   - ISO/IEC 27001:2022: the harmonized structure clause by clause, plus
//     Annex A pairs; all derived.
//
// [ReplaceMappings] swaps a framework's pairs for others (an updated or an
// organisation's own crosswalk), validated like [New].
//
// # Formats
//
// [Decode] and [Encode] read and write the catalog's own JSON ([Document]);
// decoding is strict and validates fully. [JSONSchema] describes that
// format. [ExportOSCAL] and [ImportOSCAL] write and read an OSCAL 1.2.1
// catalog (1.1.x is accepted on import), and a round trip gives an equal
// catalog. [ExportOSCALMapping] and [ImportOSCALMapping] write and read a
// crosswalk as an OSCAL 1.2.1 mapping collection, sourced and derived
// pairs in separate mappings, strength and basis in props; a round trip
// gives the same pairs. [WriteTable], [WriteMarkdown] and [WriteCSV] render for people;
// the CSV is spreadsheet-safe.
package controls
