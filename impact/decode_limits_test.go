package impact

import (
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aimsgo/iso42001/aims"
)

// measure runs f and returns the bytes the process allocated meanwhile
// (parallel tests included, so bounds are generous).
func measure(f func() error) (uint64, error) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	err := f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc, err
}

func lines(n int, format string) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, format, i)
	}
	return b.String()
}

func nestedMaps(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(strings.Repeat(" ", i))
		b.WriteString("a:\n")
	}
	return b.String()
}

// TestDecodersRefuseBombs feeds each decoder inputs built to exhaust it:
// the measured problems of issue 12 (an 80 KB nested answers file took
// 15 s and 3.9 GB; a 1 MB file of keys 95 s; a 4 MB questionnaire listed
// four million problems) and their JSON twins.
func TestDecodersRefuseBombs(t *testing.T) {
	// Not parallel: runtime.MemStats.TotalAlloc counts every goroutine, so
	// the allocations are measured while no other test of the package runs.
	questionnaire := func(in string) error { _, err := DecodeQuestionnaire([]byte(in)); return err }
	answers := func(in string) error { _, err := DecodeAnswers([]byte(in)); return err }
	manyQuestions := `{"id":"x","version":"1","title":"t","sections":[{"id":"s","title":"s","questions":[` +
		strings.TrimSuffix(lines(MaxQuestions+1, `{"id":"q%d","text":"q","type":"yes-no"},`), ",") + `]}]}`
	tests := []struct {
		name   string
		decode func(string) error
		in     string
		want   string
	}{
		{"answers: nested YAML mappings, 80 KB", answers, nestedMaps(400), "answers nests deeper than 64 levels (line 64)"},
		{"answers: nested YAML lists", answers, "a: " + strings.Repeat("- ", 1<<16) + "x\n", "answers nests deeper than 64 levels (line 1)"},
		{"answers: nested YAML flow lists", answers, "a: " + strings.Repeat("[", 1<<18), "answers nests deeper than 64 levels (line 1)"},
		{"answers: many YAML keys, 512 KB", answers, lines(110000, "k%d: 1\n")[:MaxYAMLSize-16], "answers has a YAML mapping or list of more than 1000 entries (line 1001)"},
		{"answers: many YAML flow entries", answers, "a: [" + strings.Repeat("1,", 5000) + "1]\n", "answers has a YAML mapping or list of more than 1000 entries (line 1)"},
		{"answers: many small YAML mappings", answers, strings.Repeat("k:\n"+lines(900, "  - {x: %d}\n"), 30), "answers has more than 20000 YAML entries"},
		{"answers: too large", answers, "a: \"" + strings.Repeat("x", MaxAnswersSize) + "\"\n", "more than the limit of 1048576"},
		{"answers: YAML too large", answers, "a: \"" + strings.Repeat("x", MaxYAMLSize) + "\"\n", "bytes of YAML, more than the limit of 524288"},
		{"answers: YAML documents", answers, strings.Repeat("--- a\n", 80000), "answers must be one YAML document (line 2)"},
		{"answers: YAML anchors on one line", answers, "a: " + strings.Repeat("&a ", 20000) + "x\n", "uses YAML anchors or aliases, which are not supported (line 1)"},
		{"answers: YAML tags on one line", answers, "a: " + strings.Repeat("!t ", 20000) + "x\n", "uses a YAML tag, which is not supported (line 1)"},
		{"answers: YAML keys in a flow list", answers, "a: [" + strings.Repeat("a: ", 20000) + "x]\n", "answers nests deeper than 64 levels (line 1)"},
		{"answers: YAML complex keys", answers, "a:\n  " + strings.Repeat("? ", 20000) + "x\n", "answers nests deeper than 64 levels (line 2)"},
		{"answers: JSON depth", answers, `{"a":` + strings.Repeat("[", 1<<19), "input nests deeper than 64 levels"},
		{"answers: JSON many keys", answers, `{` + strings.TrimSuffix(lines(MaxAnswers+1, `"q%d":true,`), ",") + `}`, "more than 10000 answers (10001)"},
		{"questionnaire: nested YAML, 200 KB", questionnaire, "id: x\nsections:\n" + nestedMaps(640), "questionnaire nests deeper than 64 levels"},
		{"questionnaire: many YAML keys", questionnaire, "id: x\n" + lines(120000, "k%d: 1\n"), "bytes of YAML, more than the limit of 524288"},
		{"questionnaire: many YAML questions", questionnaire, "id: x\nsections:\n  - id: s\n    questions:\n" + lines(1001, "      - id: q%d\n"), "more than 1000 entries"},
		{"questionnaire: JSON depth, 4 MB", questionnaire, `{"sections":` + strings.Repeat("[", 4<<20-20), "input nests deeper than 64 levels"},
		{"questionnaire: JSON empty sections, 4 MB", questionnaire, `{"sections":[` + strings.Repeat("{},", (4<<20-20)/3) + `{}]}`, "input has more than 200000 values"},
		{"questionnaire: JSON questions", questionnaire, manyQuestions, "sections: more than 10000 questions (10001)"},
		{"questionnaire: four million problems", questionnaire, `{"id":"x","sections":[{"questions":[` + strings.Repeat(`{"id":1},`, 4<<20/9-10) + `{}]}]}`, "input has more than 200000 values"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			alloc, err := measure(func() error { return tc.decode(tc.in) })
			t.Logf("%d-byte bomb refused after %d bytes allocated", len(tc.in), alloc)
			if !errors.Is(err, aims.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %.300v, want ErrInvalid mentioning %q", err, tc.want)
			}
			if alloc > 100<<20 {
				t.Errorf("refusing it allocated %d bytes, want under 100 MB", alloc)
			}
		})
	}
}

func TestDecodeRefusesHostileText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want []aims.Problem
	}{
		{"duplicate JSON answer", `{"a":true,"b":1,"a":false}`, []aims.Problem{{Path: "a", Rule: "duplicate key"}}},
		{"duplicate YAML answer", "a: true\nb: 1\na: false\n", []aims.Problem{{Path: "a", Rule: "duplicate key"}}},
		{"invalid UTF-8 in JSON", "{\"a\":\"caf\xe9\"}", []aims.Problem{{Path: "a", Rule: "invalid UTF-8"}}},
		{"invalid UTF-8 in YAML", "a: ok\nb: caf\xe9\n", []aims.Problem{{Rule: "answers is not valid UTF-8 (line 2)"}}},
		{"YAML alias", "a: &x [1]\nb: *x\n", []aims.Problem{{Rule: "answers uses YAML anchors or aliases, which are not supported (line 1)"}}},
		{"YAML tag", "a: !!binary aGk=\n", []aims.Problem{{Rule: "answers uses a YAML tag, which is not supported (line 1)"}}},
		{"YAML infinity", "a: .inf\n", []aims.Problem{{Rule: "answers holds infinity or NaN, which JSON numbers cannot (line 1)"}}},
		{"YAML anchor after the parser's view", "a:\n  - x\n  - [1, &y 2]\n", []aims.Problem{{Rule: "answers uses YAML anchors or aliases, which are not supported (line 3)"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := DecodeAnswers([]byte(tc.in))
			var ve *aims.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("DecodeAnswers = %v, want a *ValidationError", err)
			}
			if diff := cmp.Diff(tc.want, ve.Problems); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

func TestQuestionnaireTitlesAreOneLine(t *testing.T) {
	t.Parallel()
	in := "id: x\nversion: \"1\"\ntitle: \"Two\\nlines\"\nsections:\n  - id: s\n    title: S\n    questions:\n      - id: a\n        text: \"A question\\nmay wrap\"\n        type: yes-no\n"
	_, err := DecodeQuestionnaire([]byte(in))
	var ve *aims.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("DecodeQuestionnaire = %v, want a *ValidationError", err)
	}
	want := []aims.Problem{{Path: "title", Rule: "must not contain a line break (U+000A at offset 3)"}}
	if diff := cmp.Diff(want, ve.Problems); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

// TestYAMLScanSkipsWhatIsNotStructure checks that what the line scan
// must not count (block scalars, comments, quoted brackets) is not
// counted: a long description does not break the entry limit.
func TestYAMLScanSkipsWhatIsNotStructure(t *testing.T) {
	t.Parallel()
	in := "# " + strings.Repeat("[", 100) + "\nnote: |\n" + lines(3000, "  line %d [ { - a: b\n") +
		"quoted: \"[[[[{{{{\"\nsingle: '[[[['' {{{{'\nfolded: >-\n" + lines(3000, "  - %d:\n    x\n") + "tail: 1\n"
	a, err := DecodeAnswers([]byte(in))
	if err != nil {
		t.Fatalf("DecodeAnswers: %v", err)
	}
	if got := a["tail"].String(); got != "1" {
		t.Errorf("tail = %q, want 1", got)
	}
	if got := a["quoted"].String(); got != "[[[[{{{{" {
		t.Errorf("quoted = %q", got)
	}
}

// TestYAMLConversionMatchesJSON decodes the built-in questionnaires from
// their YAML sources and from their JSON encodings: the same forms.
func TestYAMLConversionMatchesJSON(t *testing.T) {
	t.Parallel()
	for _, id := range []string{FRIAID, EUAIActID, BaselineID} {
		src, err := BuiltinSource(id)
		if err != nil {
			t.Fatal(err)
		}
		fromYAML, err := DecodeQuestionnaire(src)
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		js, err := json.Marshal(fromYAML.Questionnaire())
		if err != nil {
			t.Fatal(err)
		}
		fromJSON, err := DecodeQuestionnaire(js)
		if err != nil {
			t.Fatalf("%s as JSON: %v", id, err)
		}
		if diff := cmp.Diff(fromJSON.Questionnaire(), fromYAML.Questionnaire(), cmp.AllowUnexported(Value{})); diff != "" {
			t.Errorf("%s (-json +yaml):\n%s", id, diff)
		}
	}
}
