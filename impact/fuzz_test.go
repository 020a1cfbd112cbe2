package impact

import (
	"bytes"
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/aimsgo/iso42001/aims"
)

// FuzzDecodeQuestionnaire feeds arbitrary bytes to the questionnaire
// decoder. The oracle: no panic; a refusal is a validation error; an
// accepted questionnaire encodes to JSON that decodes to the same
// questionnaire, and evaluating no answers never panics.
func FuzzDecodeQuestionnaire(f *testing.F) {
	f.Add([]byte(smallYAML))
	// The smallest built-in, as YAML and as JSON: large seeds make the
	// fuzzer spend its time minimising them.
	src, err := BuiltinSource(FRIAID)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(src)
	form, err := Builtin(FRIAID)
	if err != nil {
		f.Fatal(err)
	}
	var b bytes.Buffer
	if err := EncodeQuestionnaire(&b, form.Questionnaire()); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	f.Add([]byte(`{"id":"x","version":"1","title":"t","sections":[{"id":"s","title":"s","questions":[{"id":"a","text":"a","type":"yes-no","when":{"not":{"not":{"question":"a","answered":true}}}}]}]}`))
	f.Add([]byte("id: x\nversion: 1\ntitle: t\nsections: [{id: s, title: s, questions: [{id: a, text: a, type: number, min: 5, max: 1}]}]\n"))
	addBombSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		form, err := DecodeQuestionnaire(data)
		if err != nil {
			if !errors.Is(err, aims.ErrInvalid) {
				t.Fatalf("refusal is not ErrInvalid: %v", err)
			}
			return
		}
		var b bytes.Buffer
		if err := EncodeQuestionnaire(&b, form.Questionnaire()); err != nil {
			t.Fatalf("encode accepted questionnaire: %v", err)
		}
		again, err := DecodeQuestionnaire(b.Bytes())
		if err != nil {
			t.Fatalf("re-decoding own JSON: %v\n%s", err, b.Bytes())
		}
		if again.Ref() != form.Ref() || again.Len() != form.Len() {
			t.Fatalf("round trip changed the questionnaire: %s/%d vs %s/%d", form.Ref(), form.Len(), again.Ref(), again.Len())
		}
		_, _ = form.EvaluatePartial(Answers{})
	})
}

// FuzzDecodeAnswers feeds arbitrary bytes to the answers decoder and
// evaluates what it accepts against the EU AI Act screening. The oracle:
// no panic; refusals are validation errors; accepted answers round-trip
// through JSON.
func FuzzDecodeAnswers(f *testing.F) {
	var b bytes.Buffer
	if err := EncodeAnswers(&b, creditScreening()); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	f.Add([]byte("role: [provider]\nmanipulation: no\ngpai-training-flop: 1e25\n"))
	f.Add([]byte(`{"a": [1, 2], "b": null}`))
	f.Add([]byte("a: &x 1\nb: *x\n"))
	addBombSeeds(f)
	form, err := Builtin(EUAIActID)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := DecodeAnswers(data)
		if err != nil {
			if !errors.Is(err, aims.ErrInvalid) {
				t.Fatalf("refusal is not ErrInvalid: %v", err)
			}
			return
		}
		if _, err := form.Evaluate(a); err != nil && !errors.Is(err, aims.ErrInvalid) {
			t.Fatalf("evaluation error is not ErrInvalid: %v", err)
		}
		var out bytes.Buffer
		if err := EncodeAnswers(&out, a); err != nil {
			return // a NaN or infinite number cannot be written as JSON
		}
		back, err := DecodeAnswers(out.Bytes())
		if err != nil {
			t.Fatalf("re-decoding own JSON: %v\n%s", err, out.Bytes())
		}
		if len(back) != len(a) {
			t.Fatalf("round trip changed the answers: %d vs %d", len(a), len(back))
		}
		for k, v := range a {
			if !back[k].Equal(v) {
				t.Fatalf("answer %q changed: %v -> %v", k, v, back[k])
			}
		}
	})
}

// addBombSeeds seeds f with inputs shaped to exhaust a decoder (issue 12):
// YAML nested by indentation, by dashes and by brackets a little past
// the depth limit, a mapping a little past the entry limit, and their
// JSON twins; each must be refused cheaply, and the fuzzer mutates them
// around the limits.
func addBombSeeds(f *testing.F) {
	for _, s := range []string{
		nestedMaps(MaxDepth + 2),
		"a: " + strings.Repeat("- ", MaxDepth+2) + "x\n",
		"a:\n" + strings.Repeat("  ", 1) + strings.Repeat("- ", MaxDepth+2) + "x\n",
		"a: " + strings.Repeat("[", MaxDepth+2) + strings.Repeat("]", MaxDepth+2) + "\n",
		"a: " + strings.Repeat("{b: ", MaxDepth+2) + "1" + strings.Repeat("}", MaxDepth+2) + "\n",
		strings.Repeat("a: ", MaxDepth+2) + "1\n",
		lines(MaxYAMLEntries+1, "k%d: 1\n"),
		"a: [" + strings.Repeat("1,", MaxYAMLEntries) + "1]\n",
		`{"a":` + strings.Repeat("[", MaxDepth+2) + strings.Repeat("]", MaxDepth+2) + `}`,
		`{"a":1,"a":2}`,
		"a: 1\na: 2\n",
	} {
		f.Add([]byte(s))
	}
}

// FuzzYAMLCost holds the YAML path to its promise: whatever the input,
// decoding it allocates in proportion to its size (a parser blow-up is
// what issue 12 measured in gigabytes). The bound is loose; the shapes
// it catches cost a hundred times more.
func FuzzYAMLCost(f *testing.F) {
	addBombSeeds(f)
	f.Add([]byte("a: " + strings.Repeat("&a ", 300) + "x\n"))
	f.Add([]byte("a: [" + strings.Repeat("a: ", 300) + "x]\n"))
	f.Add([]byte(strings.Repeat("--- a\n", 300)))
	f.Fuzz(func(t *testing.T, data []byte) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, _ = DecodeAnswers(data)
		_, _ = DecodeQuestionnaire(data)
		runtime.ReadMemStats(&after)
		if got, limit := after.TotalAlloc-before.TotalAlloc, uint64(8<<20+2000*len(data)); got > limit {
			t.Fatalf("decoding %d bytes allocated %d bytes, more than %d", len(data), got, limit)
		}
	})
}
