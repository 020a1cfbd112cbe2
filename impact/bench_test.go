package impact

import (
	"fmt"
	"testing"
)

// bigForm builds a questionnaire of n questions in sections of ten, with
// types cycling through yes-no, single, multiple, number and text, and
// every question after the first of a section shown only when an earlier
// answer calls for it, plus one rule per section. answers answers every
// question so that all are shown.
func bigForm(tb testing.TB, n int) (*Form, Answers) {
	tb.Helper()
	yes, no := BoolValue(true), false
	q := Questionnaire{ID: "big", Version: "1", Title: "Big"}
	answers := Answers{}
	var sec *Section
	var gate string // the section's yes-no question
	for i := range n {
		if i%10 == 0 {
			q.Sections = append(q.Sections, Section{ID: fmt.Sprintf("s%d", i/10), Title: "S"})
			sec = &q.Sections[len(q.Sections)-1]
		}
		id := fmt.Sprintf("q%d", i)
		qq := Question{ID: id, Text: id + "?", Required: true}
		switch i % 5 {
		case 0:
			qq.Type, answers[id] = YesNo, BoolValue(true)
			gate = id
		case 1:
			qq.Type, answers[id] = SingleChoice, TextValue("b")
			qq.Choices = []Choice{{ID: "a", Label: "A"}, {ID: "b", Label: "B"}, {ID: "c", Label: "C"}}
		case 2:
			qq.Type, answers[id] = MultipleChoice, ListValue("x", "z")
			qq.Choices = []Choice{{ID: "x", Label: "X"}, {ID: "y", Label: "Y"}, {ID: "z", Label: "Z"}}
		case 3:
			qq.Type, answers[id] = Number, NumberValue(float64(i))
		case 4:
			qq.Type, answers[id] = FreeText, TextValue("some words")
		}
		if i%5 != 0 {
			qq.When = &Condition{All: []Condition{{Question: gate, Equals: &yes}, {Not: &Condition{Question: gate, Answered: &no}}}}
		}
		sec.Questions = append(sec.Questions, qq)
	}
	q.Outcomes = []Outcome{{ID: "high", Title: "High"}, {ID: "low", Title: "Low"}}
	for i := range len(q.Sections) {
		id := fmt.Sprintf("q%d", i*10+2)
		q.Rules = append(q.Rules, Rule{ID: fmt.Sprintf("r%d", i), Outcome: "high", Text: "z chosen", Reference: "R",
			When: &Condition{Question: id, Includes: "z"}})
	}
	q.Default = &Rule{ID: "d", Outcome: "low", Text: "default"}
	f, err := Compile(q)
	if err != nil {
		tb.Fatal(err)
	}
	return f, answers
}

func TestBigFormEvaluates(t *testing.T) {
	t.Parallel()
	f, a := bigForm(t, 300)
	r, err := f.Evaluate(a)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Answers) != 300 || r.Outcome != "high" || len(r.Reasons) != 30 {
		t.Errorf("answers %d, outcome %s, reasons %d; want 300, high, 30", len(r.Answers), r.Outcome, len(r.Reasons))
	}
}

// BenchmarkEvaluate300 validates and evaluates 300 answers against a
// 300-question questionnaire with conditions and rules.
func BenchmarkEvaluate300(b *testing.B) {
	f, a := bigForm(b, 300)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.Evaluate(a); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBaselineMapPass300 is the bare pass the engine is measured
// against: look up each question's answer in the same map and check its
// kind, with no conditions, rules or result.
func BenchmarkBaselineMapPass300(b *testing.B) {
	f, a := bigForm(b, 300)
	ids := make([]string, 0, f.Len())
	kinds := make([]ValueKind, 0, f.Len())
	for _, q := range f.questions {
		ids = append(ids, q.ID)
		k := ValueText
		switch q.Type {
		case YesNo:
			k = ValueBool
		case MultipleChoice:
			k = ValueList
		case Number:
			k = ValueNumber
		}
		kinds = append(kinds, k)
	}
	b.ReportAllocs()
	for b.Loop() {
		ok := 0
		for i, id := range ids {
			if v, found := a[id]; found && v.Kind() == kinds[i] {
				ok++
			}
		}
		if ok != len(ids) {
			b.Fatal(ok)
		}
	}
}
