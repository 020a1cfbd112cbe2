package impact

import (
	"encoding/json"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/parser"
)

func euAIActSources(b *testing.B) (yml, js []byte) {
	src, err := BuiltinSource(EUAIActID)
	if err != nil {
		b.Fatal(err)
	}
	form, err := DecodeQuestionnaire(src)
	if err != nil {
		b.Fatal(err)
	}
	if js, err = json.Marshal(form.Questionnaire()); err != nil {
		b.Fatal(err)
	}
	return src, js
}

// BenchmarkDecodeQuestionnaireJSON is the bounded strict decode of the EU
// AI Act screening as JSON (no compiling);
// BenchmarkDecodeQuestionnaireJSONBaseline is json.Unmarshal of the same
// bytes.
func BenchmarkDecodeQuestionnaireJSON(b *testing.B) {
	_, js := euAIActSources(b)
	b.SetBytes(int64(len(js)))
	b.ReportAllocs()
	for b.Loop() {
		var q Questionnaire
		if err := strictJSON(js, &q, "questionnaire"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeQuestionnaireJSONBaseline(b *testing.B) {
	_, js := euAIActSources(b)
	b.SetBytes(int64(len(js)))
	b.ReportAllocs()
	for b.Loop() {
		var q Questionnaire
		if err := json.Unmarshal(js, &q); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeQuestionnaireYAML is the bounded decode of the EU AI Act
// screening's YAML source: line scan, one parse, conversion, strict JSON.
// BenchmarkDecodeQuestionnaireYAMLBaseline is what the decoder did
// before: parse to look for anchors, parse again in YAMLToJSON, then
// json.Unmarshal.
func BenchmarkDecodeQuestionnaireYAML(b *testing.B) {
	yml, _ := euAIActSources(b)
	b.SetBytes(int64(len(yml)))
	b.ReportAllocs()
	for b.Loop() {
		js, err := toJSON(yml, MaxQuestionnaireSize, "questionnaire")
		if err != nil {
			b.Fatal(err)
		}
		var q Questionnaire
		if err := strictJSON(js, &q, "questionnaire"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeQuestionnaireYAMLBaseline(b *testing.B) {
	yml, _ := euAIActSources(b)
	b.SetBytes(int64(len(yml)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parser.ParseBytes(yml, 0); err != nil {
			b.Fatal(err)
		}
		js, err := yaml.YAMLToJSON(yml)
		if err != nil {
			b.Fatal(err)
		}
		var q Questionnaire
		if err := json.Unmarshal(js, &q); err != nil {
			b.Fatal(err)
		}
	}
}
