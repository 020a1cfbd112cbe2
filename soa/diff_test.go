package soa_test

import (
	"testing"

	"github.com/aimsgo/iso42001/controls"
	"github.com/aimsgo/iso42001/soa"
	"github.com/google/go-cmp/cmp"
)

func TestDiffAddedRemovedChanged(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	withOwn, err := controls.Merge(controls.ISO42001(), controls.Control{ID: "NWL-1", Namespace: "NWL", Title: "Own", Summary: "Own control."})
	if err != nil {
		t.Fatal(err)
	}
	withOther, err := controls.Merge(controls.ISO42001(), controls.Control{ID: "NWL-2", Namespace: "NWL", Title: "Other", Summary: "Other control."})
	if err != nil {
		t.Fatal(err)
	}
	a, err := soa.Generate(ctx, soa.Inputs{Catalog: withOwn, Number: 1})
	if err != nil {
		t.Fatal(err)
	}
	b, err := soa.Generate(ctx, soa.Inputs{Catalog: withOther, Number: 2,
		Requirers:       []soa.Requirer{risk("R-1", "high", "Bias", "A.7.4")},
		Implementations: []soa.Implementation{{Control: "A.2.2", Owner: "carol"}}})
	if err != nil {
		t.Fatal(err)
	}
	d := soa.Diff(a, b)
	type row struct {
		Control string
		Kind    soa.ChangeKind
		Fields  []string
	}
	var got []row
	for _, c := range d.Changes {
		r := row{Control: c.Control, Kind: c.Kind}
		for _, f := range c.Fields {
			r.Fields = append(r.Fields, f.Field)
		}
		got = append(got, r)
	}
	want := []row{
		{"A.2.2", soa.ChangeChanged, []string{soa.FieldOwner}},
		{"A.7.4", soa.ChangeChanged, []string{soa.FieldApplicability, soa.FieldJustification}},
		{"NWL-1", soa.ChangeRemoved, nil},
		{"NWL-2", soa.ChangeAdded, nil},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	// A.7.4 was undecided in a, nothing requiring it; a risk requires it in b.
	for _, c := range d.Changes {
		if c.Control == "A.7.4" {
			if diff := cmp.Diff(soa.FieldChange{Field: soa.FieldApplicability, From: "undecided", To: "applicable"}, c.Fields[0]); diff != "" {
				t.Errorf("A.7.4 applicability change (-want +got):\n%s", diff)
			}
		}
	}
	if d.From != 1 || d.To != 2 {
		t.Errorf("from %d to %d", d.From, d.To)
	}
	if added, removed, changed := d.Counts(); added != 1 || removed != 1 || changed != 2 {
		t.Errorf("counts %d %d %d", added, removed, changed)
	}
	if same := soa.Diff(a, a); len(same.Changes) != 0 {
		t.Errorf("a version differs from itself: %+v", same.Changes)
	}
}
