// Package storetest is the conformance suite every [aims.Store]
// implementation runs, in the manner of testing/fstest.TestFS and
// testing/slogtest.Run: one call from the implementation's own tests.
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) aims.Store {
//			s := mystore.Open(...)
//			t.Cleanup(func() { s.Close() })
//			return s
//		})
//	}
//
// # Cases
//
// Every case is a named subtest (Run/RoundTrip, Run/Versions/StaleUpdate,
// Run/List/StableUnderInserts, ...) with a fresh store from the [Harness],
// so an implementation can select or skip cases with -run and -skip. The
// cases cover the [aims.Store] contract: copies in and out, optimistic
// versions, concurrent writers, tenant isolation, key validation, filtered
// key-set pagination, the journal's sequence rules and verbatim entries,
// cancelled contexts, the optional [aims.Transactor], and the kernel
// ([aims.Workspace], [aims.Collection]) running end to end on the store.
//
// Run/Contention runs 64 writers at once on a store that is an
// [aims.ChainApplier] (8 on one that is not, whose kernel path only
// promises that much): creates of distinct records must all succeed, and
// read-modify-write updates of one record, retried on [aims.ErrConflict],
// must lose no update; the journal must verify afterwards.
//
// Cases assert error categories with errors.Is ([aims.ErrNotFound],
// [aims.ErrConflict], [aims.ErrInvalid], context.Canceled), never message
// text, so stores are free to word their errors.
//
// Journal entries must round-trip verbatim, including Time to the
// nanosecond: the hash chain covers the time at nanosecond precision, so a
// store that rounds it breaks every chain it keeps.
//
// Run/Tamper does, through the Store methods alone, what someone with
// write access to the database can: a record put without a journal entry,
// attributes changed at the same version, a tenant's journal and records
// copied under another tenant, and, against a signed [aims.Checkpoint], a
// cut tail, a wiped tenant and a history rewritten with recomputed hashes.
// Edits of stored entries in place are tested inside each store's own
// package, where the test can reach behind the interface.
package storetest
