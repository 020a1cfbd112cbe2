// Package scalebench holds the scale benchmark of the stores (issue 15):
// N AI systems and N assessed risks inserted through the public API
// ([iso42001.Open], aims.AISystems(ws).Create, Risks().Add and Assess) on
// memstore, SQLite and, when ISO42001_PG_DSN is set, PostgreSQL, then a
// full Verify; beside each, the bare minimum of the same work: the same
// rows written straight to the store (memstore's Apply) or with raw
// database/sql inserts, one transaction per journal entry.
//
// The package has no code of its own; run its benchmark with
//
//	go test ./internal/scalebench -run '^$' -bench Scale -benchtime 1x
//
// Sizes 1k and 10k run by default; ISO42001_SCALE=10000,100000 (a comma
// separated list) picks others. Each size reports, per stored record (a
// system or a risk): insert-ns/rec (public API), raw-ns/rec (baseline),
// verify-ns/rec, peak-B/rec (largest live heap growth while inserting)
// and live-B/rec (heap kept after inserting, after a GC).
package scalebench
