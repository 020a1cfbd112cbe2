package controls

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aimsgo/iso42001/internal/natsort"
)

// nistSourcePath finds ../shared/crosswalks/nist-ai-rmf-to-iso42001.json
// beside the module root, or "" when the module has no such neighbour (a
// CI clone or a user's checkout).
func nistSourcePath(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			p := filepath.Join(dir, "..", "shared", "crosswalks", "nist-ai-rmf-to-iso42001.json")
			if _, err := os.Stat(p); err == nil {
				return p
			}
			return ""
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// sourceReadings lists the ids of NIST's crosswalk file that the catalog
// reads differently, each with the catalog's reading: the file writes "72"
// for clause 7.2 (GOVERN 2.1 lists 7.1, 72, 7.3 and 7.4).
var sourceReadings = map[string]string{"72": "7.2"}

func pairKey(rmf, iso string) string { return rmf + " -> " + iso }

func sortedPairs(keys []string) []string {
	slices.SortFunc(keys, natsort.Compare)
	return slices.Compact(keys)
}

// TestNISTCrosswalkMatchesSource compares the built-in NIST AI RMF pairs
// attributed to NIST with the published crosswalk, pair for pair, when the
// source file is available beside the module.
func TestNISTCrosswalkMatchesSource(t *testing.T) {
	t.Parallel()
	c := ISO42001()
	var sourced, derived []string
	for m := range c.SourcedMappings(FrameworkNISTAIRMF) {
		sourced = append(sourced, pairKey(m.Ref, m.From))
	}
	for m := range c.DerivedMappings(FrameworkNISTAIRMF) {
		derived = append(derived, pairKey(m.Ref, m.From))
	}
	path := nistSourcePath(t)
	if path == "" {
		t.Log("../shared/crosswalks/nist-ai-rmf-to-iso42001.json not found: pair-for-pair comparison with NIST's crosswalk skipped")
		return
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var src struct {
		Pairs []struct {
			RMF string `json:"rmf"`
			ISO string `json:"iso"`
		} `json:"pairs"`
	}
	if err := json.Unmarshal(raw, &src); err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, p := range src.Pairs {
		iso := p.ISO
		if r, ok := sourceReadings[iso]; ok {
			iso = r
			m := findMapping(c, FrameworkNISTAIRMF, p.RMF, iso)
			if m == nil || !strings.Contains(m.Basis, `"`+p.ISO+`"`) {
				t.Errorf("pair %s: basis %v does not say the source writes %q", pairKey(p.RMF, iso), m, p.ISO)
			}
		}
		want = append(want, pairKey(p.RMF, iso))
	}
	t.Logf("NIST's crosswalk: %d entries, %d distinct pairs", len(src.Pairs), len(sortedPairs(slices.Clone(want))))
	if diff := cmp.Diff(sortedPairs(want), sortedPairs(slices.Clone(sourced))); diff != "" {
		t.Errorf("pairs attributed to NIST differ from NIST's crosswalk (-want +got):\n%s", diff)
	}
	if len(sourced) != len(sortedPairs(slices.Clone(sourced))) {
		t.Errorf("a pair attributed to NIST is listed twice")
	}
	for _, d := range derived {
		if slices.Contains(want, d) {
			t.Errorf("derived pair %s is one of NIST's: attribute it to NIST's crosswalk", d)
		}
	}
}

func findMapping(c *Catalog, fw Framework, ref, from string) *Mapping {
	for m := range c.MappingsTo(fw, ref) {
		if m.From == from {
			return &m
		}
	}
	return nil
}

// TestNISTCrosswalkCounts pins the size and shape of the built-in NIST AI
// RMF crosswalk, so it runs without the source file too.
func TestNISTCrosswalkCounts(t *testing.T) {
	t.Parallel()
	c := ISO42001()
	perFunction := map[string]int{}
	subcategories := map[string]bool{}
	for m := range c.SourcedMappings(FrameworkNISTAIRMF) {
		fn, _, _ := strings.Cut(m.Ref, " ")
		perFunction[fn]++
		subcategories[m.Ref] = true
		if !strings.HasPrefix(m.Basis, BasisNISTCrosswalk) {
			t.Errorf("sourced pair %s -> %s has basis %q, want NIST's crosswalk", m.Ref, m.From, m.Basis)
		}
		if m.Derived() {
			t.Errorf("sourced pair %s -> %s reports Derived", m.Ref, m.From)
		}
	}
	// NIST's file has 281 entries: MANAGE 1.1 -> A.6.2.4 appears twice.
	want := map[string]int{"GOVERN": 82, "MAP": 73, "MEASURE": 76, "MANAGE": 49}
	if diff := cmp.Diff(want, perFunction); diff != "" {
		t.Errorf("NIST pairs per function (-want +got):\n%s", diff)
	}
	if len(subcategories) != 72 {
		t.Errorf("subcategories with a NIST pair = %d, want 72", len(subcategories))
	}
	for m := range c.DerivedMappings(FrameworkNISTAIRMF) {
		if !strings.HasPrefix(m.Basis, "derived: ") || len(m.Basis) < len("derived: ")+10 {
			t.Errorf("derived pair %s -> %s has basis %q, want \"derived: \" and a reason", m.Ref, m.From, m.Basis)
		}
	}
	// Pairs once labelled as NIST's that NIST's crosswalk does not give.
	for _, p := range []struct{ ref, from string }{{"MAP 1.1", "4.1"}, {"MAP 1.1", "A.9.4"}, {"MANAGE 4.3", "A.8.4"}} {
		if m := findMapping(c, FrameworkNISTAIRMF, p.ref, p.from); m != nil && !m.Derived() {
			t.Errorf("%s -> %s is attributed to %q, but NIST's crosswalk does not give it", p.ref, p.from, m.Basis)
		}
	}
}

func TestMappingPartition(t *testing.T) {
	t.Parallel()
	c := ISO42001()
	for _, fw := range Frameworks() {
		t.Run(string(fw), func(t *testing.T) {
			t.Parallel()
			all := slices.Collect(c.Mappings(fw))
			var merged []Mapping
			for m := range c.SourcedMappings(fw) {
				if m.Derived() {
					t.Errorf("SourcedMappings yields derived pair %+v", m)
				}
				merged = append(merged, m)
			}
			for m := range c.DerivedMappings(fw) {
				if !m.Derived() {
					t.Errorf("DerivedMappings yields sourced pair %+v", m)
				}
				merged = append(merged, m)
			}
			slices.SortStableFunc(merged, cmpMappingFrom)
			if diff := cmp.Diff(all, merged); diff != "" {
				t.Errorf("sourced + derived != all (-want +got):\n%s", diff)
			}
			for _, m := range all {
				if !fw.ValidRef(m.Ref) {
					t.Errorf("%s -> %q: not a valid %s reference", m.From, m.Ref, fw)
				}
			}
		})
	}
}

func TestEUAIActCrosswalk(t *testing.T) {
	t.Parallel()
	c := ISO42001()
	tests := []struct {
		from, ref string
		strength  Strength // "" means the pair must be absent
	}{
		{"7.2", "Art. 4", StrengthRelated},
		{"A.4.6", "Art. 4", StrengthRelated},
		{"7.5.3", "Art. 18", StrengthRelated},
		{"A.6.2.8", "Art. 19", StrengthRelated},
		{"10.2", "Art. 20", StrengthRelated},
		{"A.10.2", "Art. 25", StrengthRelated},
		{"A.10.3", "Art. 25", StrengthPartial},
		{"9.2.1", "Art. 43", StrengthPartial},
		{"A.8.2", "Art. 50", StrengthPartial},
		{"A.8.5", "Art. 86", StrengthPartial},
		{"A.3.3", "Art. 87", StrengthPartial},
		{"A.8.4", "Art. 73", StrengthRelated},
		{"A.6.2.8", "Art. 12", StrengthEquivalent},
		// Corrected: corrective action is Art. 20, the value chain Art. 25,
		// and internal reporting of concerns is not serious-incident
		// reporting.
		{"10.2", "Art. 73", ""},
		{"A.10.2", "Art. 26", ""},
		{"A.3.3", "Art. 73", ""},
	}
	for _, tt := range tests {
		t.Run(tt.from+" "+tt.ref, func(t *testing.T) {
			t.Parallel()
			m := findMapping(c, FrameworkEUAIAct, tt.ref, tt.from)
			var got Strength
			if m != nil {
				got = m.Strength
			}
			if got != tt.strength {
				t.Errorf("%s -> %s strength = %q, want %q", tt.from, tt.ref, got, tt.strength)
			}
		})
	}
	for m := range c.Mappings(FrameworkEUAIAct) {
		if !m.Derived() {
			t.Errorf("EU AI Act pair %s -> %s has basis %q; no published crosswalk backs it, so it must be derived", m.From, m.Ref, m.Basis)
		}
	}
}

func TestISO27001Crosswalk(t *testing.T) {
	t.Parallel()
	c := ISO42001()
	// The harmonized structure gives both standards the same clauses, except
	// 6.1.4 and 8.4 (AI system impact assessment), which 27001 lacks.
	for cl := range c.Clauses() {
		if cl.Heading {
			continue
		}
		m := findMapping(c, FrameworkISO27001, cl.ID, cl.ID)
		switch cl.ID {
		case "6.1.4", "8.4":
			if m != nil {
				t.Errorf("%s maps to ISO/IEC 27001 %s, which does not exist", cl.ID, cl.ID)
			}
		default:
			if m == nil {
				t.Errorf("clause %s has no ISO/IEC 27001 counterpart", cl.ID)
			} else if m.Strength == StrengthPartial || !m.Derived() {
				t.Errorf("clause %s -> %s: strength %s, basis %q", cl.ID, cl.ID, m.Strength, m.Basis)
			}
		}
	}
	for _, p := range []struct{ from, ref string }{{"A.6.2.8", "A.8.15"}, {"A.6.2.8", "A.8.17"}, {"A.10.3", "A.5.19"}, {"A.6.1.3", "A.8.25"}, {"A.9.2", "A.5.10"}} {
		if findMapping(c, FrameworkISO27001, p.ref, p.from) == nil {
			t.Errorf("missing ISO/IEC 27001 pair %s -> %s", p.from, p.ref)
		}
	}
}

func TestFrameworkValidRef(t *testing.T) {
	t.Parallel()
	tests := []struct {
		fw   Framework
		ref  string
		want bool
	}{
		{FrameworkNISTAIRMF, "GOVERN 1.1", true},
		{FrameworkNISTAIRMF, "MEASURE 2.13", true},
		{FrameworkNISTAIRMF, "GOVERN 0.1", false},
		{FrameworkNISTAIRMF, "govern 1.1", false},
		{FrameworkNISTAIRMF, "GOVERN-1.1", false},
		{FrameworkNISTAIRMF, "PLAN 1.1", false},
		{FrameworkEUAIAct, "Art. 4", true},
		{FrameworkEUAIAct, "Art. 113", true},
		{FrameworkEUAIAct, "Art. 114", false},
		{FrameworkEUAIAct, "Art. 0", false},
		{FrameworkEUAIAct, "Article 4", false},
		{FrameworkEUAIAct, "Art. 26(5)", false},
		{FrameworkISO27001, "6.1.2", true},
		{FrameworkISO27001, "10.2", true},
		{FrameworkISO27001, "A.5.37", true},
		{FrameworkISO27001, "A.8.34", true},
		{FrameworkISO27001, "A.5.38", false},
		{FrameworkISO27001, "A.9.1", false},
		{FrameworkISO27001, "11.1", false},
		{"sox", "404", false},
	}
	for _, tt := range tests {
		if got := tt.fw.ValidRef(tt.ref); got != tt.want {
			t.Errorf("%s.ValidRef(%q) = %v, want %v", tt.fw, tt.ref, got, tt.want)
		}
	}
}

func TestReplaceMappings(t *testing.T) {
	t.Parallel()
	base := mergedForTest(t)
	own := Mapping{From: "ACME-1", Framework: FrameworkEUAIAct, Ref: "Art. 13", Strength: StrengthPartial, Basis: "derived: model cards inform deployers"}
	got, err := ReplaceMappings(base, own)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]Mapping{own}, slices.Collect(got.Mappings(FrameworkEUAIAct))); diff != "" {
		t.Errorf("EU AI Act pairs after replace (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(slices.Collect(base.Mappings(FrameworkNISTAIRMF)), slices.Collect(got.Mappings(FrameworkNISTAIRMF))); diff != "" {
		t.Errorf("NIST pairs changed by an EU AI Act replace (-want +got):\n%s", diff)
	}

	bad := []Mapping{
		{From: "A.99", Framework: FrameworkEUAIAct, Ref: "Art. 12", Strength: StrengthRelated, Basis: "derived: x y"},
		{From: "A.6.2.8", Framework: FrameworkEUAIAct, Ref: "Article 12", Strength: StrengthRelated, Basis: "derived: x y"},
		{From: "A.6.2.8", Framework: FrameworkNISTAIRMF, Ref: "GOVERN 1.1", Strength: "strong", Basis: "derived:"},
		{From: "A.6.2.8", Framework: FrameworkNISTAIRMF, Ref: "GOVERN 1.1", Strength: StrengthRelated, Basis: " x"},
		{From: "A.6.2.8", Framework: "sox", Ref: "404", Strength: StrengthRelated, Basis: "x"},
	}
	_, err = ReplaceMappings(base, bad...)
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("err = %v, want ErrInvalid", err)
	}
	for _, w := range []string{
		`mappings[0].from: unknown clause or control "A.99"`,
		`mappings[1].ref: must be an article "Art. 1" to "Art. 113", got "Article 12"`,
		`mappings[2].strength: must be equivalent, related or partial, got "strong"`,
		`mappings[2].basis: a derived pair must give its reason`,
		`mappings[3].basis: must not start or end with white space`,
		`mappings[3]: duplicate mapping A.6.2.8 -> nist-ai-rmf GOVERN 1.1`,
		`mappings[4].framework: unknown framework "sox"`,
	} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %v\ndoes not mention %q", err, w)
		}
	}
}
