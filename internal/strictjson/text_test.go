package strictjson

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestTidy(t *testing.T) {
	t.Parallel()
	type item struct {
		Title string   `json:"title"`
		Notes string   `json:"notes,omitempty"`
		Tags  []string `json:"tags,omitempty"`
	}
	type rec struct {
		ID     string            `json:"id"`
		Items  []item            `json:"items,omitempty"`
		Kept   []string          `json:"kept"`
		Labels map[string]string `json:"labels,omitempty"`
	}
	v := rec{ID: "a\nb", Items: []item{{Title: "ok", Notes: "two\nlines", Tags: []string{}}, {Title: "t\x1b", Tags: []string{"x\u2028"}}},
		Kept: []string{}, Labels: map[string]string{"k": "bad\xff"}}
	res := Tidy(&v, true)
	want := []Problem{
		{"id", "must not contain a line break (U+000A at offset 1)"},
		{"items[1].title", "must not contain a control character (U+001B at offset 1)"},
		{"items[1].tags[0]", "must not contain a line break (U+2028 at offset 1)"},
		{"labels.k", "must be valid UTF-8, got an invalid byte at offset 3"},
	}
	if diff := cmp.Diff(want, res.Problems); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	if v.Items[0].Tags != nil {
		t.Error("empty omitempty list kept, want nil")
	}
	if v.Kept == nil {
		t.Error("empty list without omitempty dropped, want kept")
	}
}
