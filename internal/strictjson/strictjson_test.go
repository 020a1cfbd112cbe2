package strictjson

import (
	"bytes"
	"encoding/json"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

type inner struct {
	Name string   `json:"name"`
	Tags []string `json:"tags,omitempty"`
}

type doc struct {
	ID      string            `json:"id"`
	Count   int8              `json:"count"`
	Ratio   float64           `json:"ratio"`
	On      bool              `json:"on"`
	At      time.Time         `json:"at,omitzero"`
	Items   []inner           `json:"items"`
	Labels  map[string]string `json:"labels"`
	Free    any               `json:"free"`
	Raw     json.RawMessage   `json:"raw"`
	Ptr     *inner            `json:"ptr"`
	Ignored string            `json:"-"`
}

var docType = reflect.TypeFor[doc]()

func TestCheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		typ  reflect.Type
		want []Problem
	}{
		{"valid", `{"id":"a","count":-128,"ratio":1e3,"on":true,"at":"2024-05-01T00:00:00Z","items":[{"name":"x","tags":["a"]}],"labels":{"k":"v"},"free":{"any":[1,{"x":null}]},"raw":[true],"ptr":null}`, docType, nil},
		{"escapes are fine", `{"id":"\u00e9\n\ud83d\ude00\"\\\/"}`, docType, nil},
		{"any value without a type", `[1,"x",{"a":{"b":[]}},null,false]`, nil, nil},
		{"empty", "  ", docType, []Problem{{"", "empty input: expected a JSON object"}}},
		{"empty any", "", nil, []Problem{{"", "empty input: expected a JSON value"}}},
		{"trailing", `{} {}`, docType, []Problem{{"", "unexpected data after the JSON object"}}},
		{"trailing scalar", `1 2`, nil, []Problem{{"", "unexpected data after the JSON value"}}},
		{"duplicate key", `{"id":"a","items":[{"name":"x","name":"y"}],"id":"b"}`, docType,
			[]Problem{{"items[0].name", "duplicate key"}, {"id", "duplicate key"}}},
		{"duplicate key written with an escape", `{"id":"a","\u0069d":"b"}`, docType, []Problem{{"id", "duplicate key"}}},
		{"bad key after a good one", "{\"id\":\"a\",\"\xc3\":1}", nil, []Problem{{"", "invalid UTF-8"}}},
		{"duplicate key among many", `{"labels":{` + manyKeys(40) + `,"k7":""}}`, docType, []Problem{{"labels.k7", "duplicate key"}}},
		{"duplicate key in untyped data", `{"free":{"a":1,"a":2}}`, docType, []Problem{{"free.a", "duplicate key"}}},
		{"invalid UTF-8", "{\"items\":[{\"name\":\"ok\"},{\"name\":\"b\xffd\"}]}", docType, []Problem{{"items[1].name", "invalid UTF-8"}}},
		{"invalid UTF-8 in a key", "{\"free\":{\"\xc3\":1}}", docType, []Problem{{"free", "invalid UTF-8"}}},
		{"lone surrogate", `{"id":"\ud800x"}`, docType, []Problem{{"id", `invalid UTF-16 escape \ud800 (an unpaired surrogate)`}}},
		{"low surrogate first", `{"id":"\udc00\ud800"}`, docType, []Problem{{"id", `invalid UTF-16 escape \udc00 (an unpaired surrogate)`}}},
		{"unknown field and case", `{"ID":"a","items":[{"nom":"x"}]}`, docType,
			[]Problem{{"ID", "unknown field"}, {"items[0].nom", "unknown field"}}},
		{"wrong types", `{"id":1,"count":300,"ratio":"x","on":"yes","at":"today","items":{},"labels":[],"ptr":{"name":false}}`, docType, []Problem{
			{"id", "must be a string, got a number"},
			{"count", "must be an integer between -128 and 127, got 300"},
			{"ratio", "must be a number, got a string"},
			{"on", "must be true or false, got a string"},
			{"at", `must be an RFC 3339 time such as 2024-05-01T00:00:00Z, got "today"`},
			{"items", "must be an array, got an object"},
			{"labels", "must be an object, got an array"},
			{"ptr.name", "must be a string, got a boolean"},
		}},
		{"truncated", `{"items":[{"name":"x"`, docType, []Problem{{"items[0]", "malformed JSON: unexpected end of input"}}},
		{"truncated literal", `{"on":tr`, docType, []Problem{{"on", "malformed JSON: unexpected end of input"}}},
		{"syntax", `{"id":"a",}`, docType, []Problem{{"", "malformed JSON at byte 11: invalid character '}' looking for beginning of object key string"}}},
		{"bad literal", `[nul]`, nil, []Problem{{"[0]", "malformed JSON at byte 5: invalid character ']' in literal null (expecting 'l')"}}},
		{"bad number", `[01]`, nil, []Problem{{"", "malformed JSON at byte 3: invalid character '1' after array element"}}},
		{"control character in a string", "[\"a\tb\"]", nil, []Problem{{"[0]", `malformed JSON at byte 4: invalid character '\t' in string literal`}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := Check([]byte(tc.in), tc.typ, Limits{})
			if diff := cmp.Diff(tc.want, got.Problems); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			if tc.want == nil {
				var v any
				if err := json.Unmarshal([]byte(tc.in), &v); err != nil {
					t.Errorf("Check passed what encoding/json refuses: %v", err)
				}
			}
		})
	}
}

func manyKeys(n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"k` + string(rune('a'+i%26)) + strings.Repeat("x", i/26) + `":""`)
	}
	return strings.ReplaceAll(b.String(), `"kh"`, `"k7"`)
}

func TestLimits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   []byte
		lim  Limits
		want Problem
	}{
		{"size", bytes.Repeat([]byte(" "), 101), Limits{MaxBytes: 100}, Problem{"", "input is 101 bytes, more than the limit of 100"}},
		{"depth of arrays", []byte(strings.Repeat("[", 65) + strings.Repeat("]", 65)), Limits{},
			Problem{strings.Repeat("[0]", 64), "input nests deeper than 64 levels"}},
		{"depth of objects", []byte(strings.Repeat(`{"a":`, 5) + "1" + strings.Repeat("}", 5)), Limits{MaxDepth: 4},
			Problem{"a.a.a.a", "input nests deeper than 4 levels"}},
		{"values", []byte("[" + strings.Repeat("{},", 10) + "{}]"), Limits{MaxValues: 10}, Problem{"[9]", "input has more than 10 values"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := Check(tc.in, nil, tc.lim)
			if !got.Stopped {
				t.Error("Stopped = false, want true")
			}
			if diff := cmp.Diff([]Problem{tc.want}, got.Problems); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

func TestProblemsCapped(t *testing.T) {
	t.Parallel()
	in := "[" + strings.Repeat(`1,`, 999) + "1]"
	got := Check([]byte(in), reflect.TypeFor[[]string](), Limits{})
	if len(got.Problems) != MaxProblems || got.Omitted != 900 {
		t.Errorf("got %d problems and %d omitted, want %d and 900", len(got.Problems), got.Omitted, MaxProblems)
	}
	// A limit broken after the cap still says why the pass stopped.
	got = Check([]byte(in), reflect.TypeFor[[]string](), Limits{MaxValues: 500})
	if last := got.Problems[len(got.Problems)-1]; last.Rule != "input has more than 500 values" {
		t.Errorf("last problem = %v, want the value limit", last)
	}
}

// TestBombsAreCheap feeds inputs built to exhaust a decoder and measures
// what refusing them allocates; the bound is generous, the point is
// that nothing grows with the input's shape.
func TestBombsAreCheap(t *testing.T) {
	// Not parallel: runtime.MemStats.TotalAlloc counts every goroutine, so
	// the allocations are measured while no other test of the package runs.
	big := 30 << 20
	bombs := map[string][]byte{
		"deep arrays":   []byte(strings.Repeat("[", big)),
		"deep objects":  []byte(strings.Repeat(`{"a":`, big/5)),
		"empty objects": []byte("[" + strings.Repeat("{},", big/3) + "{}]"),
		"many keys":     []byte("{" + manyKeysN(1<<20) + "}"),
	}
	for name, in := range bombs {
		t.Run(name, func(t *testing.T) {
			res, alloc := allocated(func() Result { return Check(in, nil, Limits{MaxBytes: 64 << 20}) })
			if res.OK() {
				t.Fatal("bomb accepted")
			}
			t.Logf("%d bytes: %s after %d bytes allocated", len(in), res.Problems[len(res.Problems)-1].Rule, alloc)
			if alloc > 100<<20 {
				t.Errorf("refusing it allocated %d bytes, want under 100 MB", alloc)
			}
		})
	}
}

func manyKeysN(n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"`)
		b.WriteString(strings.Repeat("k", 1+i%3))
		b.WriteString(string(rune('0' + i%10)))
		b.WriteString(`":0`)
	}
	return b.String()
}

func allocated[T any](f func() T) (T, uint64) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	v := f()
	runtime.ReadMemStats(&after)
	return v, after.TotalAlloc - before.TotalAlloc
}

func TestUnmarshal(t *testing.T) {
	t.Parallel()
	var d doc
	res, err := Unmarshal([]byte(`{"id":"a","items":[{"name":"x"}]}`), &d, Limits{})
	if err != nil || !res.OK() {
		t.Fatalf("Unmarshal = %v, %v", res, err)
	}
	if diff := cmp.Diff(doc{ID: "a", Items: []inner{{Name: "x"}}}, d); diff != "" {
		t.Errorf("decoded (-want +got):\n%s", diff)
	}
	var d2 doc
	res, _ = Unmarshal([]byte(`{"id":"a","id":"b"}`), &d2, Limits{})
	if res.OK() || d2.ID != "" {
		t.Errorf("a refused document was decoded: %+v %+v", res, d2)
	}
}

// FuzzCheck holds Check to encoding/json: what Check passes without a type,
// encoding/json accepts, and what encoding/json refuses, Check refuses.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{`{}`, `[]`, `{"a":[1,2.5e-3,"x",true,false,null]}`, `"\ud83d\ude00"`, `{"a":1,"a":2}`,
		"\"\xff\"", `[[[[]]]]`, `{"a":}`, `-0.0E+1`, `1.`, `"\u12"`, ` `, `tru`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		res := Check(data, nil, Limits{MaxDepth: 10000, MaxValues: 1 << 30})
		err := json.Unmarshal(data, new(any))
		if err != nil && res.OK() {
			t.Fatalf("Check passed %q, encoding/json refuses: %v", data, err)
		}
		if err == nil && res.Stopped {
			t.Fatalf("Check found %q malformed, encoding/json accepts it: %v", data, res.Problems)
		}
	})
}

// BenchmarkUnmarshal is the bounded decoder on a realistic document;
// BenchmarkUnmarshalBaseline is plain encoding/json on the same bytes.
func BenchmarkUnmarshal(b *testing.B) {
	data := benchDoc(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var d []doc
		if res, err := Unmarshal(data, &d, Limits{}); err != nil || !res.OK() {
			b.Fatal(err, res)
		}
	}
}

func BenchmarkUnmarshalBaseline(b *testing.B) {
	data := benchDoc(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var d []doc
		if err := json.Unmarshal(data, &d); err != nil {
			b.Fatal(err)
		}
	}
}

func benchDoc(b *testing.B) []byte {
	var ds []doc
	for i := range 200 {
		ds = append(ds, doc{ID: "id-" + string(rune('a'+i%26)), Count: int8(i % 100), Ratio: float64(i) / 7, On: i%2 == 0,
			At:     time.Date(2024, 5, 1, 0, 0, i, 0, time.UTC),
			Items:  []inner{{Name: "first item name", Tags: []string{"a", "b"}}, {Name: "second"}},
			Labels: map[string]string{"team": "ml", "tier": "1"}, Raw: json.RawMessage(`{"x":1}`)})
	}
	data, err := json.Marshal(ds)
	if err != nil {
		b.Fatal(err)
	}
	return data
}
