package soa_test

import (
	"context"
	"errors"
	"iter"
	"slices"
	"strings"
	"testing"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/controls"
	"github.com/aimsgo/iso42001/soa"
	"github.com/google/go-cmp/cmp"
)

func TestGenerateEveryControlOnceInOrder(t *testing.T) {
	t.Parallel()
	cat := lenderCatalog(t)
	s, err := soa.Generate(t.Context(), lenderInputs(t))
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for c := range cat.Controls() {
		want = append(want, c.ID)
	}
	var got []string
	for _, e := range s.Entries {
		got = append(got, e.Control)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("entries (-want +got):\n%s", diff)
	}
	if got[0] != "A.2.2" || got[len(got)-2] != "A.10.4" || got[len(got)-1] != "NWL-1" {
		t.Errorf("order: first %s, last Annex A %s, last %s", got[0], got[len(got)-2], got[len(got)-1])
	}
	if n := len(got); n != 39 {
		t.Errorf("got %d entries, want 38 Annex A + 1 own", n)
	}
}

func TestJustification(t *testing.T) {
	t.Parallel()
	r12 := soa.Source{Kind: soa.SourceRisk, ID: "R-12", Level: "high", Title: "Bias in credit decisions"}
	r15 := soa.Source{Kind: soa.SourceRisk, ID: "R-15", Level: "medium", Title: "Data drift"}
	r2 := soa.Source{Kind: soa.SourceRisk, ID: "R-2", Title: "No level"}
	ia := soa.Source{Kind: soa.SourceImpact, ID: "IA-3", Level: "high", Title: "Applicants"}
	obl := soa.Obligation{ID: "OBL-3", Type: soa.ObligationLegal, Title: "Record-keeping", Reference: "EU AI Act Art. 12", Controls: []string{"A.6.2.8"}}
	excl := soa.Decision{Control: "A.6.2.8", Choice: soa.Exclude, Reason: "we train no models in-house.", By: "alice", At: day("2026-11-20")}
	incl := soa.Decision{Control: "A.6.2.8", Choice: soa.Include, Reason: "top management asked for it", By: "bob", At: day("2026-11-21")}
	req := func(srcs ...soa.Source) soa.Requirements {
		var out soa.Requirements
		for _, s := range srcs {
			out = append(out, soa.Requirement{Control: "A.6.2.8", Source: s})
		}
		return out
	}
	var many soa.Requirements
	for i := range 13 {
		many = append(many, soa.Requirement{Control: "A.6.2.8", Source: soa.Source{Kind: soa.SourceRisk, ID: "R-" + string(rune('A'+i))}})
	}
	tests := []struct {
		name       string
		in         soa.Inputs
		applicable bool
		want       string
	}{
		{"risks and obligation", soa.Inputs{Requirers: []soa.Requirer{req(r15, r12)}, Obligations: []soa.Obligation{obl}}, true,
			"Applicable: required to treat R-12 (high: Bias in credit decisions) and R-15 (medium: Data drift); required by obligation OBL-3 (EU AI Act Art. 12)."},
		{"natural order and three", soa.Inputs{Requirers: []soa.Requirer{req(r15, r12, r2)}}, true,
			"Applicable: required to treat R-2 (No level), R-12 (high: Bias in credit decisions) and R-15 (medium: Data drift)."},
		{"impact", soa.Inputs{Requirers: []soa.Requirer{req(ia, r12)}}, true,
			"Applicable: required to treat R-12 (high: Bias in credit decisions); required by impact assessment IA-3 (high: Applicants)."},
		{"duplicates once", soa.Inputs{Requirers: []soa.Requirer{req(r12, r12), req(r12)}}, true,
			"Applicable: required to treat R-12 (high: Bias in credit decisions)."},
		{"excluded", soa.Inputs{Decisions: []soa.Decision{excl}}, false,
			"Not applicable: excluded by alice on 2026-11-20: we train no models in-house."},
		{"excluded despite risk", soa.Inputs{Requirers: []soa.Requirer{req(r12)}, Decisions: []soa.Decision{excl}}, false,
			"Not applicable: excluded by alice on 2026-11-20: we train no models in-house. Conflict: the exclusion overrides that it is required to treat R-12 (high: Bias in credit decisions)."},
		{"included", soa.Inputs{Decisions: []soa.Decision{incl}}, true,
			"Applicable: included by bob on 2026-11-21: top management asked for it."},
		{"included and required", soa.Inputs{Requirers: []soa.Requirer{req(r12)}, Decisions: []soa.Decision{incl}}, true,
			"Applicable: required to treat R-12 (high: Bias in credit decisions); included by bob on 2026-11-21: top management asked for it."},
		{"latest decision wins", soa.Inputs{Decisions: []soa.Decision{incl, excl}}, true,
			"Applicable: included by bob on 2026-11-21: top management asked for it."},
		{"nothing", soa.Inputs{}, false,
			"Undecided: no risk treatment, impact assessment or obligation requires it and nobody has decided on it; include it, or exclude it with a reason."},
		{"nothing but proposals", soa.Inputs{Proposals: []soa.Proposal{
			{Control: "A.6.2.8", Evidence: "Logging standard v3 is approved."},
			{Control: "A.6.2.8", Evidence: "Event logs kept 6 months"},
		}}, false,
			"Undecided: no risk treatment, impact assessment or obligation requires it and nobody has decided on it; include it, or exclude it with a reason. Proposed as applicable: Event logs kept 6 months; Logging standard v3 is approved."},
		{"proposal with a decision", soa.Inputs{Decisions: []soa.Decision{excl}, Proposals: []soa.Proposal{{Control: "A.6.2.8", Evidence: "Logging standard v3"}}}, false,
			"Not applicable: excluded by alice on 2026-11-20: we train no models in-house."},
		{"reason missing", soa.Inputs{Decisions: []soa.Decision{{Control: "A.6.2.8", Choice: soa.Exclude}}}, false,
			"Not applicable: excluded without a reason."},
		{"newlines folded", soa.Inputs{Requirers: []soa.Requirer{req(soa.Source{Kind: soa.SourceRisk, ID: "R-1", Title: "two\nlines  here "})}}, true,
			"Applicable: required to treat R-1 (two lines here)."},
		{"long lists are counted", soa.Inputs{Requirers: []soa.Requirer{many}}, true,
			"Applicable: required to treat R-A, R-B, R-C, R-D, R-E, R-F, R-G, R-H, R-I, R-J and 3 more risks."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := soa.Generate(t.Context(), tt.in)
			if err != nil {
				t.Fatal(err)
			}
			e := s.Entry("A.6.2.8")
			if e.Applicable != tt.applicable {
				t.Errorf("applicable = %v, want %v", e.Applicable, tt.applicable)
			}
			// Undecided exactly when nothing requires the control and no
			// decision covers it.
			if want := !tt.applicable && e.Decision == nil; e.Undecided != want {
				t.Errorf("undecided = %v, want %v", e.Undecided, want)
			}
			if diff := cmp.Diff(tt.want, e.Justification); diff != "" {
				t.Errorf("justification (-want +got):\n%s", diff)
			}
		})
	}
}

func TestGenerateSourcesSortedAndDeduplicated(t *testing.T) {
	t.Parallel()
	reqs := concat(risk("R-10", "low", "", "A.7.4"), impact("IA-1", "", "", "A.7.4"), risk("R-9", "", "", "A.7.4"), risk("R-10", "low", "", "A.7.4"))
	s, err := soa.Generate(t.Context(), soa.Inputs{Requirers: []soa.Requirer{reqs}})
	if err != nil {
		t.Fatal(err)
	}
	want := []soa.Source{
		{Kind: soa.SourceRisk, ID: "R-9"},
		{Kind: soa.SourceRisk, ID: "R-10", Level: "low"},
		{Kind: soa.SourceImpact, ID: "IA-1"},
	}
	if diff := cmp.Diff(want, s.Entry("A.7.4").Sources); diff != "" {
		t.Errorf("sources (-want +got):\n%s", diff)
	}
}

func TestGenerateImplementation(t *testing.T) {
	t.Parallel()
	ev := soa.Evidence{URI: "https://example.com/log", SHA256: digest("x")}
	in := soa.Inputs{Implementations: []soa.Implementation{
		{Control: "A.6.2.8", Status: soa.StatusPlanned, Owner: "old"},
		{Control: "A.6.2.8", Status: soa.StatusImplemented, Owner: "dave", Evidence: []soa.Evidence{ev}, LastReview: day("2026-01-02")},
	}}
	s, err := soa.Generate(t.Context(), in)
	if err != nil {
		t.Fatal(err)
	}
	e := s.Entry("A.6.2.8")
	got := soa.Implementation{Control: e.Control, Status: e.Status, Owner: e.Owner, Evidence: e.Evidence, LastReview: e.LastReview}
	if diff := cmp.Diff(in.Implementations[1], got); diff != "" {
		t.Errorf("last implementation should win (-want +got):\n%s", diff)
	}
	in.Implementations[1].Evidence[0].URI = "changed"
	if e.Evidence[0].URI == "changed" {
		t.Error("Generate kept the caller's evidence slice")
	}
}

func TestGenerateUnresolved(t *testing.T) {
	t.Parallel()
	in := soa.Inputs{
		Requirers:       []soa.Requirer{risk("R-1", "high", "Bias", "A.7.4", "A.99")},
		Obligations:     []soa.Obligation{{ID: "OBL-1", Type: soa.ObligationLegal, Title: "Logs", Controls: []string{"X-1"}}},
		Decisions:       []soa.Decision{{Control: "A.1.1", Choice: soa.Exclude, Reason: "typo", By: "alice"}},
		Implementations: []soa.Implementation{{Control: "B-2", Owner: "dave"}},
	}
	s, err := soa.Generate(t.Context(), in)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, u := range s.Unresolved {
		got = append(got, u.Control+" "+string(u.Source.Kind))
	}
	want := []string{"A.1.1 decision", "A.99 risk", "B-2 implementation", "X-1 obligation"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("unresolved (-want +got):\n%s", diff)
	}
	if !s.Entry("A.7.4").Applicable {
		t.Error("a known control of the same risk should still be applicable")
	}
}

func TestGenerateErrors(t *testing.T) {
	t.Parallel()
	boom := errors.New("register offline")
	failing := soa.RequirerFunc(func(ctx context.Context) iter.Seq2[soa.Requirement, error] {
		return func(yield func(soa.Requirement, error) bool) {
			if yield(soa.Requirement{Control: "A.7.4", Source: soa.Source{Kind: soa.SourceRisk, ID: "R-1"}}, nil) {
				yield(soa.Requirement{}, boom)
			}
		}
	})
	tests := []struct {
		name  string
		in    soa.Inputs
		is    error
		paths []string
	}{
		{"requirer fails", soa.Inputs{Requirers: []soa.Requirer{failing}}, boom, nil},
		{"bad requirements", soa.Inputs{Requirers: []soa.Requirer{soa.Requirements{
			{Source: soa.Source{Kind: soa.SourceRisk, ID: "R-1"}},
			{Control: "A.7.4", Source: soa.Source{Kind: soa.SourceRisk}},
			{Control: "A.7.4", Source: soa.Source{Kind: "rumour", ID: "X"}},
		}, nil}}, aims.ErrInvalid, []string{
			"requirers[0]: requirement 0 (risk R-1).control",
			"requirers[0]: requirement 1 (control A.7.4).source.id",
			"requirers[0]: requirement 2 (control A.7.4).source.kind",
			"requirers[1]",
		}},
		{"bad obligation", soa.Inputs{Obligations: []soa.Obligation{{ID: "OBL-1", Type: "whim", Controls: []string{"A.7.4", "A.7.4"}}}}, aims.ErrInvalid,
			[]string{"obligations[0].type", "obligations[0].title", "obligations[0].controls[1]"}},
		{"bad decision", soa.Inputs{Decisions: []soa.Decision{{Control: "A.7.4", Choice: "maybe"}, {Choice: soa.Include}}}, aims.ErrInvalid,
			[]string{"decisions[0].choice", "decisions[1].control"}},
		{"bad proposal", soa.Inputs{Proposals: []soa.Proposal{{Control: "A.2.2", Evidence: "  "}, {Control: "", Evidence: "policy"}}}, aims.ErrInvalid,
			[]string{"proposals[0].evidence", "proposals[1].control"}},
		{"bad implementation", soa.Inputs{Implementations: []soa.Implementation{{Control: "A.7.4", Status: "done", Evidence: []soa.Evidence{{URI: "x", SHA256: "ABC"}}}}}, aims.ErrInvalid,
			[]string{"implementations[0].status", "implementations[0].evidence[0].sha256"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := soa.Generate(t.Context(), tt.in)
			if !errors.Is(err, tt.is) {
				t.Fatalf("err = %v, want %v", err, tt.is)
			}
			var ve *aims.ValidationError
			if tt.paths == nil {
				return
			}
			if !errors.As(err, &ve) {
				t.Fatalf("err = %T, want *aims.ValidationError", err)
			}
			var got []string
			for _, p := range ve.Problems {
				got = append(got, p.Path)
			}
			if diff := cmp.Diff(tt.paths, got); diff != "" {
				t.Errorf("problem paths (-want +got):\n%s\n%v", diff, err)
			}
		})
	}
}

func TestGenerateHonoursContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	reqs := make(soa.Requirements, 10_000)
	for i := range reqs {
		reqs[i] = soa.Requirement{Control: "A.7.4", Source: soa.Source{Kind: soa.SourceRisk, ID: "R-1"}}
	}
	if _, err := soa.Generate(ctx, soa.Inputs{Requirers: []soa.Requirer{reqs}}); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestGenerateDefaults(t *testing.T) {
	t.Parallel()
	s, err := soa.Generate(t.Context(), soa.Inputs{})
	if err != nil {
		t.Fatal(err)
	}
	cat := controls.ISO42001()
	if s.Number != 1 || s.Title != soa.DefaultTitle || s.Catalog != cat.ID() || s.CatalogVersion != cat.Version() {
		t.Errorf("defaults: number %d, title %q, catalog %s %s", s.Number, s.Title, s.Catalog, s.CatalogVersion)
	}
	if len(s.Entries) != 38 || slices.ContainsFunc(s.Entries, func(e soa.Entry) bool { return e.Applicable || !e.Undecided }) {
		t.Errorf("empty inputs should give 38 entries, all undecided and none applicable")
	}
	if err := s.Validate(); err != nil {
		t.Errorf("structure: %v", err)
	}
}

func TestObligationRequirements(t *testing.T) {
	t.Parallel()
	o := soa.Obligation{ID: "OBL-1", Type: soa.ObligationContractual, Title: "MSA", Reference: "MSA §9", Controls: []string{"A.8.4", "A.8.3"}}
	var got []string
	for r, err := range o.Requirements(t.Context()) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, r.Control+" "+r.Source.ID+" "+r.Source.Detail)
	}
	if diff := cmp.Diff([]string{"A.8.4 OBL-1 MSA §9", "A.8.3 OBL-1 MSA §9"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if err := (&soa.Obligation{}).Validate(); err == nil || !strings.Contains(err.Error(), "controls: must list at least one control") {
		t.Errorf("empty obligation: %v", err)
	}
}

func TestGenerateProposals(t *testing.T) {
	t.Parallel()
	policy := soa.Proposal{Control: "A.2.2", Evidence: "AI policy POL-1 is approved"}
	minutes := soa.Proposal{Control: "A.2.2", Evidence: "Board minutes 2026-10 adopt the policy"}
	logs := soa.Proposal{Control: "A.6.2.8", Evidence: "Logging standard v3"}
	s, err := soa.Generate(t.Context(), soa.Inputs{
		Requirers: []soa.Requirer{risk("R-1", "high", "Bias", "A.6.2.8")},
		// Duplicates once, sorted by evidence; unknown controls are dropped.
		Proposals: []soa.Proposal{policy, logs, minutes, policy, {Control: "A.99", Evidence: "typo"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	type entry struct {
		Applicable, Undecided bool
		Proposals             []soa.Proposal
	}
	got := map[string]entry{}
	for _, id := range []string{"A.2.2", "A.6.2.8", "A.2.3"} {
		e := s.Entry(id)
		got[id] = entry{e.Applicable, e.Undecided, e.Proposals}
	}
	want := map[string]entry{
		// A proposal informs the person who decides; it decides nothing.
		"A.2.2":   {Applicable: false, Undecided: true, Proposals: []soa.Proposal{policy, minutes}},
		"A.6.2.8": {Applicable: true, Proposals: []soa.Proposal{logs}},
		"A.2.3":   {Undecided: true},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("entries (-want +got):\n%s", diff)
	}
	if j := s.Entry("A.2.2").Justification; !strings.HasPrefix(j, "Undecided: ") ||
		!strings.HasSuffix(j, "Proposed as applicable: AI policy POL-1 is approved; Board minutes 2026-10 adopt the policy.") {
		t.Errorf("A.2.2 justification = %q; want it undecided, naming both proposals", j)
	}
	if j := s.Entry("A.6.2.8").Justification; strings.Contains(j, "Proposed") {
		t.Errorf("A.6.2.8 justification = %q; a required control needs no proposal in its justification", j)
	}
	var msg string
	for _, f := range soa.Validate(s).Errors() {
		if f.Control == "A.2.2" {
			msg = f.Rule + ": " + f.Message
		}
	}
	if want := "undecided: undecided: nothing requires it and nobody has decided; include it, or exclude it with a reason (proposed as applicable: AI policy POL-1 is approved)"; msg != want {
		t.Errorf("A.2.2 finding = %q, want %q", msg, want)
	}
	if c := s.Counts(); c.Applicable != 1 || c.Undecided != 37 || c.Excluded != 0 {
		t.Errorf("counts = %+v, want 1 applicable, 37 undecided", c)
	}
}
