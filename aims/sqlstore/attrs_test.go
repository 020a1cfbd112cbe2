package sqlstore

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDecodeAttrs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		in    string
		want  map[string]string
		plain bool // decoded by the fast path
		bad   bool
	}{
		{"Empty", "", nil, false, false},
		{"One", `{"state":"draft"}`, map[string]string{"state": "draft"}, true, false},
		{"Two", `{"owner":"ana","state":"draft"}`, map[string]string{"owner": "ana", "state": "draft"}, true, false},
		{"EmptyValue", `{"a":""}`, map[string]string{"a": ""}, true, false},
		{"Unicode", `{"ünï":"cödé"}`, map[string]string{"ünï": "cödé"}, true, false},
		{"Escaped", `{"a":"x\"y\u003c"}`, map[string]string{"a": `x"y<`}, false, false},
		{"Whitespace", `{ "a" : "b" }`, map[string]string{"a": "b"}, false, false},
		{"EmptyObject", `{}`, map[string]string{}, false, false},
		{"Colon in value", `{"a":"b:c,d"}`, map[string]string{"a": "b:c,d"}, true, false},
		{"Truncated", `{"a":"b"`, nil, false, true},
		{"TrailingComma", `{"a":"b",}`, nil, false, true},
		{"NotObject", `["a"]`, nil, false, true},
		{"Number", `{"a":1}`, nil, false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, plain := decodePlainAttrs(tc.in)
			if plain != tc.plain {
				t.Errorf("decodePlainAttrs(%q) ok = %v, want %v", tc.in, plain, tc.plain)
			}
			got, err := decodeAttrs(tc.in)
			if (err != nil) != tc.bad {
				t.Fatalf("decodeAttrs(%q) error = %v, want error %v", tc.in, err, tc.bad)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("decodeAttrs(%q) (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

// FuzzDecodeAttrs: whatever the fast path accepts, encoding/json accepts
// with the same result, so the fast path never changes what a stored
// value means.
func FuzzDecodeAttrs(f *testing.F) {
	for _, m := range []map[string]string{
		{"state": "draft"}, {"owner": "ana", "state": "draft"}, {"a": ""}, {"q": `"x"`, "h": "<&>"}, {"ü": "\n\t"},
	} {
		b, _ := json.Marshal(m)
		f.Add(string(b))
	}
	f.Add(`{"a":"b",}`)
	f.Add(`{"a":"\xff"}`)
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := decodePlainAttrs(s)
		if !ok {
			_, _ = decodeAttrs(s) // must not panic
			return
		}
		var want map[string]string
		if err := json.Unmarshal([]byte(s), &want); err != nil {
			t.Fatalf("fast path accepted %q, encoding/json refuses it: %v", s, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("decodePlainAttrs(%q) differs from encoding/json (-json +fast):\n%s", s, diff)
		}
	})
}

// FuzzAttrsRoundTrip: every storable attribute pair reads back as written.
func FuzzAttrsRoundTrip(f *testing.F) {
	f.Add("state", "draft", "owner", "ana")
	f.Add("q", `"quoted"`, "h", "<a&b>")
	f.Add("ctl", "tab\there", "u", "\u2028")
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2 string) {
		in := map[string]string{k1: v1, k2: v2}
		for _, s := range []string{k1, v1, k2, v2} {
			if !storable(s) {
				t.Skip("not storable: refused before encoding")
			}
		}
		enc, err := encodeAttrs(in)
		if err != nil {
			t.Fatalf("encodeAttrs(%q): %v", in, err)
		}
		got, err := decodeAttrs(enc)
		if err != nil {
			t.Fatalf("decodeAttrs(%q): %v", enc, err)
		}
		if diff := cmp.Diff(in, got); diff != "" {
			t.Fatalf("round trip of %q via %q (-want +got):\n%s", in, enc, diff)
		}
	})
}
