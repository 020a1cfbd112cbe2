package impact

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aimsgo/iso42001/aims"
)

func problems(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	if !errors.Is(err, aims.ErrInvalid) {
		t.Fatalf("err = %v, want one matching ErrInvalid", err)
	}
	var ve *aims.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("err = %T, want *aims.ValidationError", err)
	}
	var out []string
	for _, p := range ve.Problems {
		out = append(out, p.String())
	}
	return out
}

const smallYAML = `
id: pets
version: "1"
title: Pets
sections:
  - id: s1
    title: Pets
    questions:
      - {id: has-pet, text: "Do you have a pet?", type: yes-no, required: true}
      - id: kind
        text: Which kind?
        type: single
        required: true
        when: {question: has-pet, equals: true}
        choices: [{id: cat, label: Cat}, {id: dog, label: Dog}]
      - {id: count, text: "How many?", type: number, min: 1, max: 20, when: {question: has-pet, equals: true}}
      - id: traits
        text: Traits
        type: multiple
        choices: [{id: loud, label: Loud}, {id: calm, label: Calm}, {id: none, label: None, exclusive: true}]
      - {id: name, text: "Name?", type: text}
outcomes:
  - {id: busy, title: Busy}
  - {id: quiet, title: Quiet}
rules:
  - {id: many, outcome: busy, when: {question: count, atLeast: 3}, text: "Many pets.", reference: "R1"}
  - {id: loud-dog, outcome: busy, when: {all: [{question: kind, equals: dog}, {question: traits, includes: loud}]}, text: "A loud dog.", reference: "R2"}
  - {id: note, when: {not: {question: name, answered: true}}, text: "No name given."}
default: {id: calm, outcome: quiet, text: "Nothing busy."}
`

func TestCompileValid(t *testing.T) {
	t.Parallel()
	f, err := DecodeQuestionnaire([]byte(smallYAML))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name    string
		answers Answers
		outcome string
		rules   []string
		missing []string
	}{
		{"no pet", Answers{"has-pet": BoolValue(false)}, "quiet", []string{"calm", "note"}, nil},
		{"yes words", Answers{"has-pet": TextValue("Yes"), "kind": TextValue("cat"), "count": NumberValue(4), "name": TextValue("Tom")}, "busy", []string{"many"}, nil},
		{"loud dog", Answers{"has-pet": BoolValue(true), "kind": TextValue("dog"), "traits": TextValue("loud"), "name": TextValue("Rex")}, "busy", []string{"loud-dog"}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := f.Evaluate(tt.answers)
			if err != nil {
				t.Fatal(err)
			}
			var rules []string
			for _, x := range r.Reasons {
				rules = append(rules, x.Rule)
			}
			if diff := cmp.Diff(tt.rules, rules); diff != "" {
				t.Errorf("rules (-want +got):\n%s", diff)
			}
			if r.Outcome != tt.outcome {
				t.Errorf("outcome = %q, want %q", r.Outcome, tt.outcome)
			}
		})
	}
	// Partial evaluation lists what is missing instead of failing.
	r, err := f.EvaluatePartial(Answers{"has-pet": BoolValue(true)})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"kind"}, r.Missing); diff != "" {
		t.Errorf("missing (-want +got):\n%s", diff)
	}
	if _, err := f.Evaluate(Answers{"has-pet": BoolValue(true)}); err == nil {
		t.Error("Evaluate accepted a missing required answer")
	}
}

func TestEvaluateProblems(t *testing.T) {
	t.Parallel()
	f, err := DecodeQuestionnaire([]byte(smallYAML))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name    string
		answers Answers
		want    []string
	}{
		{"unknown id", Answers{"has-pet": BoolValue(false), "colour": TextValue("red")},
			[]string{"answers.colour: unknown question (not in questionnaire pets@1)"}},
		{"wrong type", Answers{"has-pet": NumberValue(1)},
			[]string{"answers.has-pet: must be yes or no (true or false), got number 1"}},
		{"hidden", Answers{"has-pet": BoolValue(false), "kind": TextValue("cat")},
			[]string{"answers.kind: answers a hidden question: it is asked only when has-pet = yes"}},
		{"missing", Answers{},
			[]string{"answers.has-pet: is required"}},
		{"out of bounds", Answers{"has-pet": BoolValue(true), "kind": TextValue("cat"), "count": NumberValue(0)},
			[]string{"answers.count: must be at least 1, got 0"}},
		{"not a choice", Answers{"has-pet": BoolValue(true), "kind": TextValue("fish")},
			[]string{`answers.kind: must be one of the choices (cat, dog), got "fish"`}},
		{"duplicate choice", Answers{"has-pet": BoolValue(false), "traits": ListValue("loud", "loud")},
			[]string{`answers.traits[1]: choice "loud" is given twice`}},
		{"exclusive", Answers{"has-pet": BoolValue(false), "traits": ListValue("loud", "none")},
			[]string{`answers.traits: choice "none" excludes the others, got list [loud, none]`}},
		{"several at once", Answers{"kind": TextValue("cat"), "name": BoolValue(true)},
			[]string{"answers.has-pet: is required", "answers.kind: answers a hidden question: it is asked only when has-pet = yes", "answers.name: must be text, got yes/no yes"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := f.Evaluate(tt.answers)
			if diff := cmp.Diff(tt.want, problems(t, err)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCompileProblems(t *testing.T) {
	t.Parallel()
	yes := BoolValue(true)
	q := func(id string, typ QuestionType, when *Condition, choices ...Choice) Question {
		return Question{ID: id, Text: id + "?", Type: typ, When: when, Choices: choices}
	}
	base := func(qs ...Question) Questionnaire {
		return Questionnaire{ID: "q", Version: "1", Title: "Q", Sections: []Section{{ID: "s", Title: "S", Questions: qs}}}
	}
	for _, tt := range []struct {
		name string
		q    Questionnaire
		want []string
	}{
		{"empty", Questionnaire{}, []string{
			`id: must be 1-100 letters, digits or ._:- starting with a letter or digit, got ""`,
			"version: is required", "title: is required", "sections: must hold at least one section"}},
		{"duplicate question", base(q("a", YesNo, nil), q("a", YesNo, nil)),
			[]string{`sections[0].questions[1].id: duplicate question id "a"`}},
		{"condition on a later question", base(q("a", YesNo, &Condition{Question: "b", Equals: &yes}), q("b", YesNo, nil)),
			[]string{`sections[0].questions[0].when.question: question "b" is not asked before this point (conditions may refer only to earlier questions)`}},
		{"condition on itself", base(q("a", YesNo, &Condition{Question: "a", Equals: &yes})),
			[]string{`sections[0].questions[0].when.question: question "a" is not asked before this point (conditions may refer only to earlier questions)`}},
		{"unknown question", base(q("a", YesNo, nil), q("b", YesNo, &Condition{Question: "zz", Equals: &yes})),
			[]string{`sections[0].questions[1].when.question: unknown question "zz"`}},
		{"unknown choice", base(q("a", MultipleChoice, nil, Choice{ID: "x", Label: "X"}), q("b", YesNo, &Condition{Question: "a", Includes: "y"})),
			[]string{`sections[0].questions[1].when.includes: question "a" has no choice "y"`}},
		{"wrong operand", base(q("a", SingleChoice, nil, Choice{ID: "x", Label: "X"}), q("b", YesNo, &Condition{Question: "a", Equals: &yes})),
			[]string{`sections[0].questions[1].when.equals: question "a" is single choice: compare with a choice id, got yes/no`}},
		{"choices missing", base(q("a", SingleChoice, nil)),
			[]string{"sections[0].questions[0].choices: a single question must list its choices"}},
		{"two forms", base(q("a", YesNo, nil), q("b", YesNo, &Condition{Question: "a", Equals: &yes, Not: &Condition{Question: "a", Equals: &yes}})),
			[]string{"sections[0].questions[1].when: must have exactly one of question, all, any, not or ref"}},
		{"bad type", base(q("a", "colour", nil)),
			[]string{`sections[0].questions[0].type: must be yes-no, single, multiple, number or text, got "colour"`}},
		{"ref to a later definition (no cycles)", func() Questionnaire {
			x := base(q("a", YesNo, nil))
			x.Conditions = []NamedCondition{{ID: "one", When: Condition{Ref: "two"}}, {ID: "two", When: Condition{Ref: "one"}}}
			return x
		}(), []string{`conditions[0].when.ref: condition "two" is not defined before this one (a definition may refer only to earlier ones)`}},
		{"unknown outcome", func() Questionnaire {
			x := base(q("a", YesNo, nil))
			x.Rules = []Rule{{ID: "r", Outcome: "nope", Text: "t"}}
			return x
		}(), []string{`rules[0].outcome: unknown outcome "nope" (declare it under outcomes)`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Compile(tt.q)
			if diff := cmp.Diff(tt.want, problems(t, err)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeQuestionnaireJSONRoundTrip(t *testing.T) {
	t.Parallel()
	for _, id := range BuiltinIDs() {
		f, err := Builtin(id)
		if err != nil {
			t.Fatal(err)
		}
		var b jsonBuffer
		if err := EncodeQuestionnaire(&b, f.Questionnaire()); err != nil {
			t.Fatal(err)
		}
		g, err := DecodeQuestionnaire(b.Bytes())
		if err != nil {
			t.Fatalf("%s: decoding its own JSON: %v", id, err)
		}
		if diff := cmp.Diff(f.Questionnaire(), g.Questionnaire(), cmp.Comparer(func(a, b Value) bool { return a.Equal(b) })); diff != "" {
			t.Errorf("%s round trip (-want +got):\n%s", id, diff)
		}
	}
}

func TestDecodeRefusals(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, in string
	}{
		{"empty", ""},
		{"alias", "a: &x [1]\nb: *x\n"},
		{"two documents", "a: true\n---\nb: false\n"},
		{"not a map", "- 1\n- 2\n"},
		{"null value", "a: null\n"},
		{"object value", "a: {b: 1}\n"},
		{"mixed list", "a: [x, 1]\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := DecodeAnswers([]byte(tt.in)); !errors.Is(err, aims.ErrInvalid) {
				t.Errorf("DecodeAnswers(%q) = %v, want ErrInvalid", tt.in, err)
			}
		})
	}
	if _, err := DecodeQuestionnaire([]byte(`{"id":"x","version":"1","title":"t","sections":[],"colour":1}`)); !errors.Is(err, aims.ErrInvalid) {
		t.Errorf("unknown field accepted: %v", err)
	}
}

func TestDecodeAnswersYAML(t *testing.T) {
	t.Parallel()
	a, err := DecodeAnswers([]byte("role: [provider]\nmanipulation: false\ngpai-training-flop: 3.5e24\nintended: \"screening CVs\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := Answers{"role": ListValue("provider"), "manipulation": BoolValue(false), "gpai-training-flop": NumberValue(3.5e24), "intended": TextValue("screening CVs")}
	if diff := cmp.Diff(want, a, cmp.Comparer(func(a, b Value) bool { return a.Equal(b) })); diff != "" {
		t.Errorf("answers (-want +got):\n%s", diff)
	}
}
