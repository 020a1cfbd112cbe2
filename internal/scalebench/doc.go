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
//
// BenchmarkScaleBatch measures the batch path: the same N systems and N
// risks imported with aims.CreateMany and risk.Register.Import in chunks
// of 5,000 changes, beside the same rows written raw (prepared one-row
// INSERTs in transactions of the same size, in the order the import
// wrote them; on memstore a bare map insert, and memstore's Apply of the
// rows as apply-cpu-ns/rec); a full Verify beside a bare pass reading the
// same journal entries and records in pages (and, on SQL stores, the
// attribute index rows Verify compares); and an incremental Verify of
// the last 1,000 entries from a signed checkpoint (incr1k-cpu-ms, which
// should not grow with N). Its figures are CPU time (user plus system
// time of the process, from getrusage: steadier than wall time on a
// shared machine, but on PostgreSQL the server's CPU is not counted, so
// insert/raw-wall and verify/bare-wall are the ratios to read there) per
// stored record, their ratios (insert/raw, verify/bare) and peak-B/rec.
//
//	ISO42001_SCALE=10000,100000 go test ./internal/scalebench -run '^$' -bench ScaleBatch -benchtime 1x
//
// BenchmarkRead measures the read side over N systems and N risks (one in
// four treated): the SoA from the register, a stage 2 readiness run and a
// management review's inputs, warm (the workspace's projections, see
// aims.Project, already built: what a long-lived process pays), cold (a
// new AIMS over the same store: what the first read after Open pays),
// and readiness after 1,000 reassessments (the projections replay them
// from the journal); beside bare passes paging every risk (and system)
// through Store.List, and the live heap the projections hold per record
// (projections-memory). ISO42001_READ_SCALE picks its sizes alone.
//
//	ISO42001_READ_SCALE=10000,100000 go test ./internal/scalebench -run '^$' -bench Read -benchtime 5x
//
// ISO42001_BENCH_QUICK=1 (CI's smoke run) runs 1k only.
package scalebench
