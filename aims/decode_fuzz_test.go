package aims_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/aimsgo/iso42001/aims"
)

func TestDecodeStrict(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want []aims.Problem
	}{
		{"valid", `{"id":"s","name":"S","inScope":true}`, nil},
		{"null fields keep zero values", `{"id":"s","name":"S","roles":null,"stage":null}`, nil},
		{"empty", ``, []aims.Problem{{Path: "", Rule: "empty input: expected a JSON object"}}},
		{"whitespace only", " \n\t", []aims.Problem{{Path: "", Rule: "empty input: expected a JSON object"}}},
		{"not an object", `["s"]`, []aims.Problem{{Path: "", Rule: "must be an object, got an array"}}},
		{"trailing data", `{"id":"s","name":"S"} {}`, []aims.Problem{{Path: "", Rule: "unexpected data after the JSON object"}}},
		{"truncated", `{"id":"s","dataSources":[{"name":"x"`, []aims.Problem{{Path: "dataSources[0]", Rule: "malformed JSON: unexpected end of input"}}},
		{"syntax", `{"id":"s","name":"S",}`, []aims.Problem{{Path: "", Rule: "malformed JSON at byte 22: invalid character '}' looking for beginning of object key string"}}},
		{"unknown fields everywhere", `{"id":"s","name":"S","colour":"red","dataSources":[{"name":"a","kind":"test"},{"name":"b","kind":"test","size":3}]}`,
			[]aims.Problem{{Path: "colour", Rule: "unknown field"}, {Path: "dataSources[1].size", Rule: "unknown field"}}},
		{"case must match", `{"id":"s","Name":"S"}`, []aims.Problem{{Path: "Name", Rule: "unknown field"}}},
		{"duplicate key", `{"id":"s","name":"S","name":"T"}`, []aims.Problem{{Path: "name", Rule: "duplicate key"}}},
		{"wrong types", `{"id":"s","name":7,"inScope":"yes","roles":"provider","version":1.5,"dataSources":[{"name":["a"],"kind":"test"}]}`,
			[]aims.Problem{
				{Path: "name", Rule: "must be a string, got a number"},
				{Path: "inScope", Rule: "must be true or false, got a string"},
				{Path: "roles", Rule: "must be an array, got a string"},
				{Path: "version", Rule: "must be an integer between -9223372036854775808 and 9223372036854775807, got 1.5"},
				{Path: "dataSources[0].name", Rule: "must be a string, got an array"},
			}},
		{"object for a string", `{"id":{"a":1},"name":"S"}`, []aims.Problem{{Path: "id", Rule: "must be a string, got an object"}}},
		{"bad time", `{"id":"s","name":"S","createdAt":"yesterday"}`,
			[]aims.Problem{{Path: "createdAt", Rule: `must be an RFC 3339 time such as 2024-05-01T00:00:00Z, got "yesterday"`}}},
		{"validation after decoding", `{"id":"s","stage":"beta"}`, []aims.Problem{
			{Path: "name", Rule: "is required"},
			{Path: "stage", Rule: `must be an ISO/IEC 22989 life cycle stage, got "beta"`},
		}},
		{"kind of another record", `{"kind":"scope","id":"s","name":"S"}`, []aims.Problem{{Path: "kind", Rule: `must be "ai-system", got "scope"`}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := aims.Decode[aims.AISystem]([]byte(tc.in))
			if tc.want == nil {
				if err != nil {
					t.Fatalf("Decode: %v", err)
				}
				if got.ID != "s" || got.Name != "S" {
					t.Errorf("decoded %+v", got)
				}
				return
			}
			var ve *aims.ValidationError
			if !errors.As(err, &ve) || !errors.Is(err, aims.ErrInvalid) {
				t.Fatalf("Decode = %v (%T), want a *ValidationError matching ErrInvalid", err, err)
			}
			if diff := cmp.Diff(tc.want, ve.Problems); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeNestedTypes(t *testing.T) {
	t.Parallel()
	_, err := aims.Decode[aims.Objective]([]byte(`{"title":"T","responsible":"r","measures":[{"metric":"m","target":1e999,"direction":"at-most"}],"due":12}`))
	want := []aims.Problem{
		{Path: "measures[0].target", Rule: "must be a number within the range of a 64-bit float, got 1e999"},
		{Path: "due", Rule: "must be an RFC 3339 time string, got a number"},
	}
	var ve *aims.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("Decode = %v, want a *ValidationError", err)
	}
	if diff := cmp.Diff(want, ve.Problems); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

// fuzzDecode seeds f with marshalled valid values, the sample file and
// broken variants of each, then checks the oracle: Decode never panics;
// it refuses with an error matching ErrInvalid, or it accepts a value that
// encoding/json also accepts, that re-marshals and re-decodes equal.
func fuzzDecode[T any, P aims.Doc[T]](f *testing.F, sample string, seeds ...P) {
	var corpus [][]byte
	for _, s := range seeds {
		data, err := json.Marshal(s)
		if err != nil {
			f.Fatal(err)
		}
		corpus = append(corpus, data)
	}
	if data, err := os.ReadFile(filepath.Join("testdata", "records", sample)); err == nil {
		corpus = append(corpus, data)
	} else {
		f.Fatal(err)
	}
	for _, data := range corpus {
		f.Add(data)
		f.Add(append(bytes.Clone(data), " {}"...))                                  // trailing data
		f.Add(data[:len(data)/2])                                                   // truncated
		f.Add(bytes.Replace(data, []byte("{"), []byte(`{"zz":[1,{"y":null}],`), 1)) // unknown field
		f.Add(bytes.Replace(data, []byte(`"id":`), []byte(`"id":"dup","id":`), 1))  // duplicate key
		f.Add(bytes.Replace(data, []byte(`":"`), []byte(`":7,"x":"`), 1))           // wrong type
		f.Add(bytes.ToUpper(data))                                                  // case mismatch
	}
	deep := aims.MaxDecodeDepth + 1
	f.Add([]byte(`{"id":` + strings.Repeat("[", deep) + strings.Repeat("]", deep) + `}`))           // depth bomb
	f.Add([]byte(`{"zz":` + strings.Repeat(`{"a":`, deep) + "1" + strings.Repeat("}", deep) + `}`)) // depth bomb, objects
	f.Add([]byte(`{"id":"` + strings.Repeat(`\u0000`, 10) + `","name":"caf` + "\xe9" + `\ud800"}`)) // bad text
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := aims.Decode[T, P](data)
		if err != nil {
			if !errors.Is(err, aims.ErrInvalid) {
				t.Fatalf("Decode error %v (%T) does not match ErrInvalid", err, err)
			}
			return
		}
		var loose T
		if err := json.Unmarshal(data, &loose); err != nil {
			t.Fatalf("Decode accepted what encoding/json refuses (%v): %q", err, data)
		}
		out, err := json.Marshal(p)
		if err != nil {
			t.Fatalf("accepted value does not marshal: %v", err)
		}
		q, err := aims.Decode[T, P](out)
		if err != nil {
			t.Fatalf("re-decoding the marshalled value failed: %v\ninput:  %q\noutput: %s", err, data, out)
		}
		// An empty list marshals as [] and may come back as [] or, with
		// omitempty, as nothing: the same value to every reader.
		if diff := cmp.Diff(p, q, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("round trip changed the value (-first +second):\n%s", diff)
		}
	})
}

func FuzzDecodeOrganisation(f *testing.F) {
	f.Add([]byte(`{"id":"0","name":"0","sectors":[]}`)) // empty list round trip, found by fuzzing
	fuzzDecode(f, "organisation.json", validOrg(), &aims.Organisation{Name: "x"})
}

func FuzzDecodeContextIssue(f *testing.F) {
	fuzzDecode(f, "context-issue.json", validIssue())
}

func FuzzDecodeInterestedParty(f *testing.F) {
	fuzzDecode(f, "interested-party.json", validParty())
}

func FuzzDecodeScope(f *testing.F) {
	fuzzDecode(f, "scope.json", validScope())
}

func FuzzDecodeAISystem(f *testing.F) {
	fuzzDecode(f, "ai-system.json", validSystem(), &aims.AISystem{Meta: aims.Meta{ID: "s"}, Name: "S"})
}

func FuzzDecodeDocumentedInfo(f *testing.F) {
	sealed := validDoc()
	sealed.State, sealed.Approver = string(aims.DocPublished), "boss"
	sealed.ContentDigest = sealed.ContentSum()
	fuzzDecode(f, "document.json", validDoc(), sealed)
}

func FuzzDecodeObjective(f *testing.F) {
	fuzzDecode(f, "objective.json", validObjective())
}

func FuzzDecodeCycle(f *testing.F) {
	fuzzDecode(f, "pdca-cycle.json", validCycle())
}

func FuzzDecodeRoleAssignment(f *testing.F) {
	fuzzDecode(f, "role-assignment.json", &aims.RoleAssignment{Meta: aims.Meta{ID: "ana"}, Roles: []aims.Role{aims.RoleApprover}})
}

// BenchmarkDecode measures strict decoding with validation of an AI system
// record; BenchmarkDecodeBaseline is plain encoding/json on the same bytes,
// so the ratio is the price of strictness and error paths.
func BenchmarkDecode(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("testdata", "records", "ai-system.json"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := aims.Decode[aims.AISystem](data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeBaseline(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("testdata", "records", "ai-system.json"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var s aims.AISystem
		if err := json.Unmarshal(data, &s); err != nil {
			b.Fatal(err)
		}
	}
}
