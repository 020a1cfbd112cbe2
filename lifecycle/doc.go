// Package lifecycle holds the records of an AI management system that the
// kernel and the risk, impact, SoA and audit packages leave out: the
// planning of changes (clause 6.3), resources (7.1, A.4), awareness and
// communication (7.3, 7.4), the AI system life cycle (A.6), data for AI
// systems (A.7), reporting of concerns (A.3.3), information for
// interested parties (A.8), responsible use (A.9) and third parties
// (A.10).
//
// # Records
//
// Every kind embeds [aims.Meta], validates itself reporting every problem
// with its field path, indexes a few attributes for List filters, and has
// a collection constructor: [Changes], [Resources], [Awarenesses],
// [Communications], [Requirements], [DesignRecords], [Verifications],
// [DeploymentApprovals], [TechnicalDocs], [EventLogPolicies], [Datasets],
// [Concerns], [UserInformations], [ResponsibleUses] and [Parties]. Life
// cycle records name the AI system they belong to and its
// [aims.LifecycleStage].
//
// # Workflows
//
// Three kinds move through workflows, started with [aims.Start] and
// fired with [aims.Fire]: [ChangeWorkflow] (planned, approved, done; the
// approver is never the requester), [DeploymentWorkflow] (the approval
// shape; the requester never approves) and [ConcernWorkflow] (reported,
// triaged, investigated, closed; a concern may be anonymous and its
// reporter is never indexed). An approval records the approving actor:
// [ApproveChange], [CompleteChange] and [ApproveDeployment] fire with the
// right data.
//
// # Planned changes
//
// A [Change] plans one change to the AIMS (6.3). One that carries out a
// change a management review decided (9.3.3) names the review in
// [Change.Review]; given [CheckOptions.ReviewChanges], the 6.3 readiness
// check fails while a held review decided more changes than are planned
// naming it, so that what a review decides is carried out as planned.
//
// # Evidence
//
// [Evidence] names, for each clause and Annex A control, the kinds of
// this package that hold its evidence.
//
// # Importing model and dataset cards
//
// [ImportModelCard] and [ImportDatasetCard] read the YAML metadata of a
// Hugging Face Hub README.md and create the records it supports in one
// commit, each noting the SHA-256 of the file it came from. The file is
// bounded before it is read in full ([MaxCardBytes]) and its metadata
// before the YAML parser sees it ([MaxFrontMatterBytes]); a malformed
// card is refused with the card field named, such as
// "model-index[0].results[0].metrics[1].value: must be a number".
// [ParseModelCard] and [ParseDatasetCard] read a card without storing
// anything.
package lifecycle
