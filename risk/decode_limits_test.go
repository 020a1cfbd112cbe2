package risk

import (
	"encoding/json"
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aimsgo/iso42001/aims"
)

func measureAlloc(f func() error) (uint64, error) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	err := f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc, err
}

func TestDecodersRefuseBombs(t *testing.T) {
	// Not parallel: runtime.MemStats.TotalAlloc counts every goroutine, so
	// the allocations are measured while no other test of the package runs.
	decodeRisk := func(in string) error { _, err := DecodeRisk([]byte(in)); return err }
	decodeCriteria := func(in string) error { _, err := DecodeCriteria([]byte(in)); return err }
	tests := []struct {
		name   string
		decode func(string) error
		in     string
		want   string
	}{
		{"risk: depth", decodeRisk, `{"title":"t","systems":` + strings.Repeat("[", 8<<20-30), "input nests deeper than 64 levels"},
		{"risk: values", decodeRisk, `{"title":"t","systems":[` + strings.Repeat(`"",`, 8<<20/3-20) + `""]}`, "input has more than 200000 values"},
		{"risk: size", decodeRisk, `{"title":"` + strings.Repeat("x", 8<<20) + `"}`, "more than the limit of 8388608"},
		{"criteria: depth", decodeCriteria, `{"matrix":` + strings.Repeat("[", 8<<20-30), "input nests deeper than 64 levels"},
		{"criteria: values", decodeCriteria, `{"matrix":[` + strings.Repeat(`[],`, 8<<20/3-20) + `[]]}`, "input has more than 200000 values"},
		{"criteria: many keys", decodeCriteria, `{"scorerConfig":{` + strings.Repeat(`"k":1,`, 8<<20/6-10) + `"k":1}}`, "input has more than 200000 values"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			alloc, err := measureAlloc(func() error { return tc.decode(tc.in) })
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

func TestDecodeCriteriaProblems(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want []aims.Problem
	}{
		{"duplicate key", `{"appetite":"low","appetite":"high"}`, []aims.Problem{{Path: "appetite", Rule: "duplicate key"}}},
		{"invalid UTF-8", "{\"bands\":[{\"name\":\"l\xf0w\"}]}", []aims.Problem{{Path: "bands[0].name", Rule: "invalid UTF-8"}}},
		{"line break in a band name", `{"bands":[{"name":"lo\nw"}]}`, []aims.Problem{{Path: "bands[0].name", Rule: "must not contain a line break (U+000A at offset 2)"}}},
		{"unknown field with its path", `{"likelihood":{"levels":[{"label":"a","colour":"red"}]}}`, []aims.Problem{{Path: "likelihood.levels[0].colour", Rule: "unknown field"}}},
		{"wrong type with its path", `{"bands":[{"name":"x","min":"a"}]}`, []aims.Problem{{Path: "bands[0].min", Rule: "must be a number, got a string"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := DecodeCriteria([]byte(tc.in))
			var ve *aims.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("DecodeCriteria = %v, want a *ValidationError", err)
			}
			if diff := cmp.Diff(tc.want, ve.Problems); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeRiskProblems(t *testing.T) {
	t.Parallel()
	_, err := DecodeRisk([]byte(`{"title":"Bias\u0007","owner":"o","owner":"p"}`))
	var ve *aims.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("DecodeRisk = %v, want a *ValidationError", err)
	}
	want := []aims.Problem{{Path: "owner", Rule: "duplicate key"}}
	if diff := cmp.Diff(want, ve.Problems); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

// BenchmarkDecodeCriteriaSpec is the bounded strict decode of the default
// criteria; BenchmarkDecodeCriteriaSpecBaseline is json.Unmarshal of the
// same bytes. Neither validates.
func BenchmarkDecodeCriteriaSpec(b *testing.B) {
	data, err := json.Marshal(DefaultSpec())
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var s CriteriaSpec
		if err := decodeBounded(data, &s, "criteria"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeCriteriaSpecBaseline(b *testing.B) {
	data, err := json.Marshal(DefaultSpec())
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var s CriteriaSpec
		if err := json.Unmarshal(data, &s); err != nil {
			b.Fatal(err)
		}
	}
}
