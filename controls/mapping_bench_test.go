package controls

import "testing"

var sinkMapping Mapping

// The crosswalk benchmarks look up every NIST AI RMF subcategory (MappingsTo)
// or every mapped id (MappingsFrom) in turn and visit each pair; the
// baselines do the same with a bare map of slices, the least work the
// lookup could do. They loop on b.N rather than b.Loop: b.Loop keeps the
// compiler from inlining the range-over-func body into the iterator, which
// ordinary callers get, so it would measure a cost users do not pay.

func nistRefs() []string {
	seen := map[string]bool{}
	var refs []string
	for m := range ISO42001().Mappings(FrameworkNISTAIRMF) {
		if !seen[m.Ref] {
			seen[m.Ref] = true
			refs = append(refs, m.Ref)
		}
	}
	return refs
}

func mappedIDs() []string {
	seen := map[string]bool{}
	var ids []string
	for m := range ISO42001().Mappings(FrameworkNISTAIRMF) {
		if !seen[m.From] {
			seen[m.From] = true
			ids = append(ids, m.From)
		}
	}
	return ids
}

func BenchmarkMappingsTo(b *testing.B) {
	c := ISO42001()
	refs := nistRefs()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		for m := range c.MappingsTo(FrameworkNISTAIRMF, refs[i%len(refs)]) {
			sinkMapping = m
		}
	}
}

func BenchmarkBaselineMappingsToMap(b *testing.B) {
	type key struct {
		fw  Framework
		ref string
	}
	m := map[key][]Mapping{}
	for mp := range ISO42001().Mappings(FrameworkNISTAIRMF) {
		k := key{mp.Framework, mp.Ref}
		m[k] = append(m[k], mp)
	}
	refs := nistRefs()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		for _, mp := range m[key{FrameworkNISTAIRMF, refs[i%len(refs)]}] {
			sinkMapping = mp
		}
	}
}

func BenchmarkMappingsFrom(b *testing.B) {
	c := ISO42001()
	ids := mappedIDs()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		for m := range c.MappingsFrom(ids[i%len(ids)]) {
			sinkMapping = m
		}
	}
}

func BenchmarkBaselineMappingsFromMap(b *testing.B) {
	m := map[string][]Mapping{}
	for _, fw := range Frameworks() {
		for mp := range ISO42001().Mappings(fw) {
			m[mp.From] = append(m[mp.From], mp)
		}
	}
	ids := mappedIDs()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		for _, mp := range m[ids[i%len(ids)]] {
			sinkMapping = mp
		}
	}
}

func TestMappingLookupAllocs(t *testing.T) {
	c := ISO42001()
	if n := testing.AllocsPerRun(100, func() {
		for m := range c.MappingsTo(FrameworkNISTAIRMF, "GOVERN 1.1") {
			sinkMapping = m
		}
		for m := range c.MappingsFrom("A.6.2.8") {
			sinkMapping = m
		}
		for m := range c.DerivedMappings(FrameworkNISTAIRMF) {
			sinkMapping = m
		}
	}); n != 0 {
		t.Errorf("crosswalk lookup allocates %v times, want 0", n)
	}
}
