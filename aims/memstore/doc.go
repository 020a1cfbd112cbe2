// Package memstore is the in-memory [aims.Store]: the embedded default for
// tests, examples, command-line tools and single-process programs that do
// not need the records to outlive the process.
//
// # Concurrency and atomicity
//
// A [Store] keeps every tenant's records and journal behind one read-write
// mutex: reads run in parallel; writes, including a whole [aims.Batch]
// through [Store.Apply], are serialised, so a batch is atomic and a
// version check cannot race with another writer. The context is checked on
// entry and again once the lock is held, so a call that waited for the
// lock past its cancellation writes nothing. [Store.ApplyChained] lets
// the kernel seal a batch's journal entries under that same lock
// ([aims.ChainApplier]), so concurrent writers of distinct records never
// fail and never see [aims.ErrContention]; [Store.Kinds] lets
// [aims.Workspace.Verify] find records no journal entry mentions.
//
// # Listing
//
// Each tenant's kind keeps its ids in a sorted slice beside the map, so a
// List page costs a binary search for the cursor plus the records it scans,
// never a sort of the kind; inserting or deleting an id costs a copy of
// the slice's tail, which is cheap at the sizes an in-memory store holds.
// Cursors are the last id returned, so paging is stable under concurrent
// inserts and deletes.
//
// # Ownership
//
// Data and Attrs are copied on the way in and out: the caller may reuse its
// buffers and modify what it gets back. Journal entries are kept verbatim,
// including the Time's location and monotonic reading.
//
// Nothing survives the process; use aims/sqlstore for that. The store
// passes the aims/storetest conformance suite, including the optional
// [aims.Transactor] cases.
package memstore
