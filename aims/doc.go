// Package aims is the kernel of the SDK: the management system's records,
// where they are kept, how they move, and the evidence that they did.
//
// # Storage
//
// Callers implement one small interface, [Store]: get, put with the
// expected version, delete, list by kind with attribute filters and
// key-set pagination, and append to and read a journal, every call scoped
// to a tenant. A stale version is [ErrConflict] and writes nothing. Stores
// that can apply several writes and journal entries atomically also
// implement [Transactor]. The SDK ships aims/memstore (in memory) and
// aims/sqlstore (SQLite, PostgreSQL); aims/storetest is the conformance
// suite any implementation runs with one call.
//
// A [Workspace] is one tenant of a store, with the clock, id generator and
// [Authorizer] the kernel uses. A [Collection] is the typed view of one
// kind of record in a workspace: it validates documents, keeps their [Meta]
// header, checks versions and journals every change.
//
// # Reading a whole kind
//
// Reads over every record of a kind (every risk, every AI system) do not
// decode documents: records carry indexed attributes, which a store that
// is a [Querier] counts and selects in place ([Count], [GroupCount],
// [SelectAll]). [Project] goes further: a read model of one row per
// record that the workspace keeps, read once from the index and then
// brought up to date from the journal, so that a read after a few writes
// (by any process over the same store) costs what they changed.
// [SystemRows] is the inventory's; the risk register, the impact service
// and the SoA keep theirs. The rows live as long as the workspace (about
// 130 to 250 bytes per record); [Workspace.DropProjections] frees them,
// and the next read builds them again.
//
// # Journal
//
// Every record change and workflow transition appends an [Entry]: who,
// when, which record, which event, from and to which state, the record's
// version and the SHA-256 digest of its bytes. Entries are chained per
// tenant by SHA-256 over a canonical encoding ([EntryHash]).
// [Workspace.Verify] walks the chain from the first entry and checks every
// journaled record's current digest, returning the first broken link as a
// [*ChainError]. The chain makes edits, deletions, insertions and
// reorderings evident; it is not a signature: someone able to rewrite the
// whole journal can rebuild it, so keep the head hash somewhere else
// when that matters: [Workspace.Checkpoint] signs it, [Workspace.VerifyWith] checks it.
//
// # Workflows
//
// A workflow is data: a [Spec] of states, events and transitions with the
// roles that may fire them, separation-of-duties rules ([Duty]) and guards
// that explain a refusal. [NewMachine] validates it once; [Fire] moves a
// stored record, checking authority through the workspace's [Authorizer],
// and writes the record with its journal entry in one store operation.
// A refusal is a [*TransitionError] listing every unmet rule.
//
// # The management system's records
//
// The kernel keeps the records of clauses 4 to 7 that every later package
// refers to: the [Organisation], its context issues ([ContextIssue], 4.1),
// interested parties and their requirements ([InterestedParty], 4.2), the
// [Scope] and the inventory of AI systems ([AISystem], 4.3), roles and
// responsibilities ([RoleAssignment], 5.3, which feed the default
// [RoleAuthorizer]), AI objectives with measures and targets ([Objective],
// 6.2) and documented information under document control
// ([DocumentedInfo] and the [Documents] service, 7.5, the AI policy of 5.2
// among them). [Decode] reads any of them strictly from JSON, naming the
// field path of every problem.
//
// # The PDCA cycle
//
// [PDCA] moves the AIMS through Plan, Do, Check and Act. Each passage is a
// workflow transition whose guards are readiness [Check] values registered
// in a [Checks] registry: the kernel's own ([KernelChecks]: scope,
// inventory, AI policy, roles, objectives) and those that later packages
// contribute (risk assessment, Statement of Applicability, internal audit,
// management review). [PDCA.Status] lists what blocks the next phase,
// clause by clause.
//
// # Errors
//
// Errors match one of the sentinels [ErrNotFound], [ErrConflict],
// [ErrForbidden], [ErrInvalid], [ErrTransitionDenied] or [ErrTampered]
// under errors.Is. Bad input is a [*ValidationError] listing every problem
// with its field path, such as `risks[3].likelihood: must be between 1 and
// 5, got 6`.
package aims
