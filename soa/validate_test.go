package soa_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/controls"
	"github.com/aimsgo/iso42001/soa"
	"github.com/google/go-cmp/cmp"
)

// finding is the part of a Finding the tests pin: which rule, where, and
// from which source, never the message text.
type finding struct {
	Severity soa.Severity
	Rule     string
	Control  string
	Source   string
}

func findings(r soa.Validation) []finding {
	var out []finding
	for _, f := range r.Findings {
		src := ""
		if f.Source.ID != "" {
			src = string(f.Source.Kind) + ":" + f.Source.ID
		}
		out = append(out, finding{f.Severity, f.Rule, f.Control, src})
	}
	return out
}

func TestValidateRealisticIsClean(t *testing.T) {
	t.Parallel()
	s, err := soa.Generate(t.Context(), lenderInputs(t))
	if err != nil {
		t.Fatal(err)
	}
	r := soa.Validate(s)
	if len(r.Findings) != 0 {
		t.Errorf("a fully decided SoA should have no findings, got:\n%v", r.Findings)
	}
	if !r.OK() || r.Err() != nil {
		t.Errorf("OK = %v, Err = %v", r.OK(), r.Err())
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	base := func(t *testing.T, in soa.Inputs) *soa.SoA {
		t.Helper()
		s, err := soa.Generate(t.Context(), in)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	// only returns findings about the controls named, to keep the
	// expectations readable (the 38-control SoA has many undecided ones).
	tests := []struct {
		name string
		in   soa.Inputs
		edit func(s *soa.SoA)
		only []string
		want []finding
	}{
		{
			name: "excluded control a risk relies on",
			in: soa.Inputs{
				Requirers:       []soa.Requirer{concat(risk("R-12", "high", "Bias", "A.7.4"), risk("R-3", "low", "Drift", "A.7.4"), impact("IA-1", "", "", "A.7.4"))},
				Decisions:       []soa.Decision{{Control: "A.7.4", Choice: soa.Exclude, Reason: "out of scope", By: "alice"}},
				Implementations: []soa.Implementation{{Control: "A.7.4", Owner: "x", Status: soa.StatusPlanned}},
			},
			only: []string{"A.7.4"},
			want: []finding{
				{soa.SeverityError, soa.RuleExcludedButRequired, "A.7.4", "risk:R-3"},
				{soa.SeverityError, soa.RuleExcludedButRequired, "A.7.4", "impact:IA-1"},
			},
		},
		{
			name: "exclusion without a reason",
			in:   soa.Inputs{Decisions: []soa.Decision{{Control: "A.10.4", Choice: soa.Exclude, By: "alice"}}},
			only: []string{"A.10.4"},
			want: []finding{{soa.SeverityError, soa.RuleUnjustifiedExclusion, "A.10.4", "decision:A.10.4"}},
		},
		{
			name: "exclusion without a justification",
			edit: func(s *soa.SoA) { s.Entry("A.10.4").Justification = " " },
			only: []string{"A.10.4"},
			want: []finding{{soa.SeverityError, soa.RuleUnjustifiedExclusion, "A.10.4", ""}},
		},
		{
			// Nothing requires it and nobody decided: undecided is an error,
			// no longer a warning about an implied exclusion.
			name: "undecided control",
			only: []string{"A.10.4"},
			want: []finding{{soa.SeverityError, soa.RuleUndecided, "A.10.4", ""}},
		},
		{
			name: "undecided control with a proposal",
			in:   soa.Inputs{Proposals: []soa.Proposal{{Control: "A.10.4", Evidence: "the supplier questionnaire SQ-3 is in use"}}},
			only: []string{"A.10.4"},
			want: []finding{{soa.SeverityError, soa.RuleUndecided, "A.10.4", ""}},
		},
		{
			// An SoA stored before undecided existed reads "not applicable"
			// with no decision: still an exclusion nobody made.
			name: "exclusion without a decision",
			edit: func(s *soa.SoA) { s.Entry("A.10.4").Undecided = false },
			only: []string{"A.10.4"},
			want: []finding{{soa.SeverityError, soa.RuleUnjustifiedExclusion, "A.10.4", ""}},
		},
		{
			name: "decided exclusion",
			in:   soa.Inputs{Decisions: []soa.Decision{{Control: "A.10.4", Choice: soa.Exclude, Reason: "no customers", By: "alice"}}},
			only: []string{"A.10.4"},
			want: nil,
		},
		{
			name: "unknown controls",
			in: soa.Inputs{
				Requirers: []soa.Requirer{risk("R-1", "high", "Bias", "A.99")},
				Decisions: []soa.Decision{{Control: "Z-1", Choice: soa.Include, Reason: "r", By: "bob"}},
			},
			only: []string{"A.99", "Z-1"},
			want: []finding{
				{soa.SeverityError, soa.RuleUnknownControl, "A.99", "risk:R-1"},
				{soa.SeverityError, soa.RuleUnknownControl, "Z-1", "decision:Z-1"},
			},
		},
		{
			name: "applicable without owner or status",
			in:   soa.Inputs{Requirers: []soa.Requirer{risk("R-1", "high", "Bias", "A.7.4")}},
			only: []string{"A.7.4"},
			want: []finding{
				{soa.SeverityWarning, soa.RuleNoOwner, "A.7.4", ""},
				{soa.SeverityWarning, soa.RuleNoStatus, "A.7.4", ""},
			},
		},
		{
			name: "untraced inclusion",
			in:   soa.Inputs{Implementations: []soa.Implementation{{Control: "A.7.4", Owner: "x", Status: soa.StatusPlanned}}},
			edit: func(s *soa.SoA) { s.Entry("A.7.4").Applicable = true },
			only: []string{"A.7.4"},
			want: []finding{{soa.SeverityError, soa.RuleUntracedInclusion, "A.7.4", ""}},
		},
		{
			name: "missing, duplicate, foreign and misordered entries",
			edit: func(s *soa.SoA) {
				i := slices.IndexFunc(s.Entries, func(e soa.Entry) bool { return e.Control == "A.2.3" })
				s.Entries = slices.Delete(s.Entries, i, i+1)
				s.Entries = append(s.Entries, s.Entries[0])
				fake := s.Entries[1]
				fake.Control = "A.1.9"
				s.Entries = append(s.Entries, fake)
				for k := range s.Entries {
					d := soa.Decision{Control: s.Entries[k].Control, Choice: soa.Exclude, Reason: "r"}
					s.Entries[k].Decision = &d
				}
			},
			want: []finding{
				{soa.SeverityError, soa.RuleDuplicateControl, "A.2.2", ""},
				{soa.SeverityError, soa.RuleUnknownControl, "A.1.9", ""},
				{soa.SeverityWarning, soa.RuleOrder, "A.1.9", ""},
				{soa.SeverityError, soa.RuleMissingControl, "A.2.3", ""},
			},
		},
		{
			name: "bad evidence",
			in:   soa.Inputs{Decisions: []soa.Decision{{Control: "A.10.4", Choice: soa.Exclude, Reason: "no customers"}}},
			edit: func(s *soa.SoA) { s.Entry("A.10.4").Evidence = []soa.Evidence{{URI: "", SHA256: "xyz"}} },
			only: []string{"A.10.4"},
			want: []finding{
				{soa.SeverityError, soa.RuleEvidence, "A.10.4", ""},
				{soa.SeverityError, soa.RuleEvidence, "A.10.4", ""},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := base(t, tt.in)
			if tt.edit != nil {
				tt.edit(s)
			}
			var got []finding
			for _, f := range findings(soa.Validate(s)) {
				if tt.only == nil || slices.Contains(tt.only, f.Control) {
					got = append(got, f)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReportErr(t *testing.T) {
	t.Parallel()
	// Every other control is decided (A.2.2 is required, with neither
	// owner nor status: warnings only), so the one error is A.7.4's.
	s, err := soa.Generate(t.Context(), soa.Inputs{
		Requirers: []soa.Requirer{risk("R-12", "high", "Bias", "A.7.4"), risk("R-1", "low", "Policy gap", "A.2.2")},
		Decisions: append(excludeRest(controls.ISO42001(), "A.7.4", "A.2.2"),
			soa.Decision{Control: "A.7.4", Choice: soa.Exclude, Reason: "no", By: "alice"}),
	})
	if err != nil {
		t.Fatal(err)
	}
	r := soa.Validate(s)
	err = r.Err()
	if !errors.Is(err, aims.ErrInvalid) {
		t.Fatalf("Err = %v, want ErrInvalid", err)
	}
	var ve *aims.ValidationError
	if !errors.As(err, &ve) || len(ve.Problems) != 1 || ve.Problems[0].Path != "entries[A.7.4]" {
		t.Fatalf("problems = %+v", err)
	}
	if got, want := ve.Problems[0].Rule, "excluded, but the treatment of risk R-12 relies on it [excluded-but-required]"; got != want {
		t.Errorf("rule = %q, want %q", got, want)
	}
	if len(r.Warnings()) != 2 || r.OK() {
		t.Errorf("warnings %d, OK %v", len(r.Warnings()), r.OK())
	}
}
