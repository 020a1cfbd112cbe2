package controls

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/aimsgo/iso42001/internal/oscal"
	"github.com/aimsgo/iso42001/internal/oscaltest"
)

func exportMapping(t testing.TB, c *Catalog, fw Framework, opts *OSCALOptions) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := ExportOSCALMapping(&b, c, fw, opts); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// withOwnMapping is the merged test catalog with a pair from an own
// control, so own ids ("org-ACME-1") travel too.
func withOwnMapping(t testing.TB) *Catalog {
	t.Helper()
	base := mergedForTest(t)
	ms := append(slices.Collect(base.Mappings(FrameworkEUAIAct)),
		Mapping{From: "ACME-1", Framework: FrameworkEUAIAct, Ref: "Art. 13", Strength: StrengthPartial, Basis: "derived: model cards inform deployers"})
	c, err := ReplaceMappings(base, ms...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestOSCALMappingRoundTripAndSchema(t *testing.T) {
	t.Parallel()
	cats := map[string]*Catalog{"builtin": ISO42001(), "own": withOwnMapping(t)}
	for name, c := range cats {
		for _, fw := range Frameworks() {
			t.Run(name+"/"+string(fw), func(t *testing.T) {
				t.Parallel()
				when := time.Date(2026, 11, 30, 9, 0, 0, 0, time.FixedZone("CET", 3600))
				out := exportMapping(t, c, fw, &OSCALOptions{LastModified: when})
				if !bytes.Contains(out, []byte(`"last-modified": "2026-11-30T08:00:00Z"`)) {
					t.Error("last-modified option not honoured")
				}
				got, err := ImportOSCALMapping(bytes.NewReader(out), c)
				if err != nil {
					t.Fatal(err)
				}
				want := slices.Collect(c.Mappings(fw))
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("ImportOSCALMapping(ExportOSCALMapping(c)) (-want +got):\n%s", diff)
				}
				back, err := ReplaceMappings(c, got...)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(c.Document(), back.Document()); diff != "" {
					t.Errorf("ReplaceMappings(c, imported) changed the catalog (-want +got):\n%s", diff)
				}
				t.Run("schema", func(t *testing.T) {
					oscaltest.Validate(t, oscaltest.Mapping, out)
				})
			})
		}
	}
}

func TestExportOSCALMappingStructure(t *testing.T) {
	t.Parallel()
	c := ISO42001()
	var doc oscal.MappingDocument
	if err := json.Unmarshal(exportMapping(t, c, FrameworkNISTAIRMF, nil), &doc); err != nil {
		t.Fatal(err)
	}
	coll := doc.MappingCollection
	type group struct {
		Kind  string
		Pairs int
		Links int // entries citing NIST's crosswalk
	}
	var got []group
	uuids := map[string]bool{coll.UUID: true}
	for _, mp := range coll.Mappings {
		kind, _ := oscal.FindProp(mp.Props, oscal.Namespace, propKind)
		g := group{Kind: kind, Pairs: len(mp.Maps)}
		for _, e := range mp.Maps {
			if uuids[e.UUID] {
				t.Errorf("uuid %s used twice", e.UUID)
			}
			uuids[e.UUID] = true
			g.Links += len(e.Links)
		}
		got = append(got, g)
	}
	nSourced := len(slices.Collect(c.SourcedMappings(FrameworkNISTAIRMF)))
	nDerived := len(slices.Collect(c.DerivedMappings(FrameworkNISTAIRMF)))
	want := []group{{kindSourced, nSourced, nSourced}, {kindDerived, nDerived, 0}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mappings of the NIST collection (-want +got):\n%s", diff)
	}

	// Deterministic, and the collection's uuid follows the content while
	// a pair's uuid stays with the pair.
	if a, b := exportMapping(t, c, FrameworkNISTAIRMF, nil), exportMapping(t, c, FrameworkNISTAIRMF, &OSCALOptions{}); !bytes.Equal(a, b) {
		t.Error("export not deterministic")
	}
	fewer, err := ReplaceMappings(c, slices.Collect(c.SourcedMappings(FrameworkNISTAIRMF))...)
	if err != nil {
		t.Fatal(err)
	}
	var doc2 oscal.MappingDocument
	if err := json.Unmarshal(exportMapping(t, fewer, FrameworkNISTAIRMF, nil), &doc2); err != nil {
		t.Fatal(err)
	}
	if doc2.MappingCollection.UUID == coll.UUID {
		t.Error("collection uuid unchanged although pairs were removed")
	}
	if a, b := doc2.MappingCollection.Mappings[0].Maps[0].UUID, coll.Mappings[0].Maps[0].UUID; a != b {
		t.Errorf("uuid of the same pair changed: %s vs %s", a, b)
	}
	if mp := doc2.MappingCollection.Mappings; len(mp) != 1 {
		t.Errorf("collection without derived pairs has %d mappings, want 1", len(mp))
	}
	if u := exportMapping(t, c, FrameworkEUAIAct, &OSCALOptions{UUID: "d1f5d9c4-3c5e-4b5e-9f5e-0a1b2c3d4e5f"}); !bytes.Contains(u, []byte(`"uuid": "d1f5d9c4-3c5e-4b5e-9f5e-0a1b2c3d4e5f"`)) {
		t.Error("UUID option not honoured")
	}

	for _, fw := range []Framework{"sox", FrameworkEUAIAct} {
		cat := c
		if fw == FrameworkEUAIAct {
			cat, err = ReplaceMappings(c, slices.Collect(c.Mappings(FrameworkNISTAIRMF))...)
			if err != nil {
				t.Fatal(err)
			}
			d := cat.Document()
			d.Mappings = slices.DeleteFunc(d.Mappings, func(m Mapping) bool { return m.Framework == FrameworkEUAIAct })
			if cat, err = New(d); err != nil {
				t.Fatal(err)
			}
		}
		if err := ExportOSCALMapping(&bytes.Buffer{}, cat, fw, nil); err == nil {
			t.Errorf("export to %s with no pairs succeeded", fw)
		}
	}
}

// mutate decodes an exported collection, lets f change it and encodes it
// again.
func mutate(t *testing.T, src []byte, f func(coll map[string]any)) []byte {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(src, &doc); err != nil {
		t.Fatal(err)
	}
	f(doc["mapping-collection"].(map[string]any))
	out, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func at(coll map[string]any, mapping, entry int) map[string]any {
	return coll["mappings"].([]any)[mapping].(map[string]any)["maps"].([]any)[entry].(map[string]any)
}

func item(e map[string]any, side string) map[string]any {
	return e[side].([]any)[0].(map[string]any)
}

func TestImportOSCALMappingErrors(t *testing.T) {
	t.Parallel()
	c := ISO42001()
	src := exportMapping(t, c, FrameworkEUAIAct, nil)
	const e0 = "mapping-collection.mappings[0].maps[0]"
	tests := []struct {
		name string
		in   []byte
		want []string // substrings of the error; nil means success
	}{
		{"unknown field", mutate(t, src, func(coll map[string]any) { at(coll, 0, 0)["colour"] = "red" }),
			[]string{e0 + ".colour: unknown field"}},
		{"unknown source", mutate(t, src, func(coll map[string]any) {
			s := item(at(coll, 0, 0), "sources")
			s["id-ref"] = "a.99.1"
			delete(s, "props")
		}), []string{e0 + `.sources[0].id-ref: unknown clause or control "A.99.1"`}},
		{"bad target", mutate(t, src, func(coll map[string]any) { item(at(coll, 0, 1), "targets")["id-ref"] = "Article 9" }),
			[]string{`mapping-collection.mappings[0].maps[1].targets[0].id-ref: must be an article "Art. 1" to "Art. 113", got "Article 9"`}},
		{"bad item type", mutate(t, src, func(coll map[string]any) { item(at(coll, 0, 0), "sources")["type"] = "statement" }),
			[]string{e0 + `.sources[0].type: must be "control"`}},
		{"bad relationship", mutate(t, src, func(coll map[string]any) { at(coll, 0, 0)["relationship"] = "same-as" }),
			[]string{e0 + `.relationship: must be equivalent-to`}},
		{"bad strength", mutate(t, src, func(coll map[string]any) {
			at(coll, 0, 0)["props"].([]any)[0].(map[string]any)["value"] = "strong"
		}), []string{e0 + `.props: strength must be equivalent, related or partial, got "strong"`}},
		{"no basis", mutate(t, src, func(coll map[string]any) { delete(at(coll, 0, 0), "props") }),
			[]string{e0 + `.props: a "basis" prop (or remarks) must cite the source`}},
		{"duplicate", mutate(t, src, func(coll map[string]any) {
			maps := coll["mappings"].([]any)[0].(map[string]any)
			maps["maps"] = append(maps["maps"].([]any), at(coll, 0, 0))
		}), []string{"duplicate mapping 4.4 -> eu-ai-act Art. 17"}},
		{"no framework", mutate(t, src, func(coll map[string]any) {
			delete(coll["mappings"].([]any)[0].(map[string]any)["target-resource"].(map[string]any), "props")
			delete(coll["metadata"].(map[string]any), "props")
		}), []string{`mapping-collection.mappings[0].target-resource.props: a "framework" prop`}},
		{"old version", mutate(t, src, func(coll map[string]any) { coll["metadata"].(map[string]any)["oscal-version"] = "1.0.4" }),
			[]string{`mapping-collection.metadata.oscal-version: must be 1.1.x or 1.2.x, got "1.0.4"`}},
		{"wrong type", mutate(t, src, func(coll map[string]any) { at(coll, 0, 0)["uuid"] = 7 }),
			[]string{"uuid: cannot use JSON number"}},
		{"not a mapping collection", []byte(`{"catalog":{}}`), []string{"catalog: unknown field"}},
		{"empty object", []byte(`{}`), []string{"mapping-collection: required"}},
		{"not JSON", src[:len(src)/2], []string{"unexpected end"}},
		{"duplicate key", []byte(`{"mapping-collection":{"uuid":"a","uuid":"b"}}`), []string{"mapping-collection.uuid: duplicate key"}},
		{"too deep", []byte(strings.Repeat("[", 100) + strings.Repeat("]", 100)), []string{"deep"}},
		{"pair bomb", mutate(t, src, func(coll map[string]any) {
			e := at(coll, 0, 0)
			e["sources"] = slices.Repeat(e["sources"].([]any), 400)
			var targets []any
			for i := range 300 {
				targets = append(targets, map[string]any{"type": "control", "id-ref": "Art. " + strconv.Itoa(i%113+1)})
			}
			e["targets"] = targets
		}), []string{e0 + ": more than 100000 pairs in the collection"}},
		{"problem flood", mutate(t, src, func(coll map[string]any) {
			mp := coll["mappings"].([]any)[0].(map[string]any)
			var maps []any
			for range 1500 {
				maps = append(maps, map[string]any{"uuid": "u", "relationship": "same-as",
					"sources": []any{map[string]any{"type": "control", "id-ref": "c-4.4"}},
					"targets": []any{map[string]any{"type": "control", "id-ref": "Art. 17"}}})
			}
			mp["maps"] = maps
		}), []string{"mapping-collection.mappings[0].maps[1000]: stopped reading after 1000 problems"}},
		{"too large", append(bytes.Repeat([]byte(" "), maxDocumentSize), src...), []string{"larger than"}},
		// OSCAL lets "mappings" be one object; another tool may leave out
		// our props and cite its basis in remarks.
		{"single mapping object", mutate(t, src, func(coll map[string]any) { coll["mappings"] = coll["mappings"].([]any)[0] }), nil},
		{"foreign entry", mutate(t, src, func(coll map[string]any) {
			e := at(coll, 0, 0)
			delete(e, "props")
			e["remarks"] = "derived: from another tool"
		}), nil},
		{"no-relationship entry", mutate(t, src, func(coll map[string]any) {
			e := at(coll, 0, 0)
			e["relationship"] = "no-relationship"
			item(e, "sources")["id-ref"] = "whatever"
		}), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ImportOSCALMapping(bytes.NewReader(tt.in), c)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("ImportOSCALMapping: %v", err)
				}
				if len(got) < 2 {
					t.Errorf("imported %d pairs", len(got))
				}
				return
			}
			if err == nil {
				t.Fatalf("ImportOSCALMapping succeeded, want error mentioning %q", tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %v\ndoes not mention %q", err, w)
				}
			}
		})
	}
	// Structured errors carry their paths and match ErrInvalid.
	_, err := ImportOSCALMapping(bytes.NewReader(tests[1].in), c)
	var ve *ValidationError
	if !errors.As(err, &ve) || !errors.Is(err, ErrInvalid) || ve.Problems[0].Path != e0+".sources[0].id-ref" {
		t.Errorf("err = %#v, want a *ValidationError at %s.sources[0].id-ref", err, e0)
	}
}

func TestImportOSCALMappingRelationships(t *testing.T) {
	t.Parallel()
	c := ISO42001()
	src := exportMapping(t, c, FrameworkEUAIAct, nil)
	first := slices.Collect(c.Mappings(FrameworkEUAIAct))[0] // maps[0] of the export
	for _, tt := range []struct {
		rel  string
		want Strength
	}{
		{"equivalent-to", StrengthEquivalent}, {"equal-to", StrengthEquivalent},
		{"subset-of", StrengthRelated}, {"superset-of", StrengthRelated}, {"intersects-with", StrengthPartial},
	} {
		t.Run(tt.rel, func(t *testing.T) {
			t.Parallel()
			in := mutate(t, src, func(coll map[string]any) {
				e := at(coll, 0, 0)
				e["relationship"] = tt.rel
				e["props"] = e["props"].([]any)[1:] // basis only
			})
			got, err := ImportOSCALMapping(bytes.NewReader(in), c)
			if err != nil {
				t.Fatal(err)
			}
			m := got[slices.IndexFunc(got, func(m Mapping) bool { return m.From == first.From && m.Ref == first.Ref })]
			if m.Strength != tt.want {
				t.Errorf("relationship %s read as %s, want %s", tt.rel, m.Strength, tt.want)
			}
		})
	}
}

// The NIST collection is left out: 300 entries of the same shape, pinned
// by TestNISTCrosswalkCounts and TestExportOSCALMappingStructure.
func TestExportOSCALMappingGolden(t *testing.T) {
	t.Parallel()
	for _, fw := range []Framework{FrameworkEUAIAct, FrameworkISO27001} {
		t.Run(string(fw), func(t *testing.T) {
			t.Parallel()
			checkGolden(t, "mapping-"+string(fw)+".oscal.golden", exportMapping(t, ISO42001(), fw, nil))
		})
	}
}
