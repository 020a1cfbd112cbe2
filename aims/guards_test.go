package aims_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/memstore"
)

// rawDoc is a record of any kind with any body, for writing the shapes
// the reference table reads without importing the packages that own them.
type rawDoc struct {
	aims.Meta
	Body map[string]any
}

func (d *rawDoc) Validate() error { return nil }

func (d *rawDoc) MarshalJSON() ([]byte, error) {
	meta, err := json.Marshal(d.Meta)
	if err != nil {
		return nil, err
	}
	m := map[string]any{}
	if err := json.Unmarshal(meta, &m); err != nil {
		return nil, err
	}
	for k, v := range d.Body {
		m[k] = v
	}
	return json.Marshal(m)
}

func (d *rawDoc) UnmarshalJSON(b []byte) error {
	if err := json.Unmarshal(b, &d.Meta); err != nil {
		return err
	}
	return json.Unmarshal(b, &d.Body)
}

// bodyAt builds the JSON body that names id at a reference's path.
func bodyAt(path []string, id string) any {
	if len(path) == 0 {
		return id
	}
	name, list := strings.CutSuffix(path[0], "[]")
	inner := bodyAt(path[1:], id)
	if list {
		return map[string]any{name: []any{inner}}
	}
	return map[string]any{name: inner}
}

// TestReferencedRecordsAreNotDeleted: for every reference of the table, a
// record another names is refused for delete with an error naming the
// referring record and suggesting to close or retire it; once the
// referrer is gone (or names another record) the delete goes through.
func TestReferencedRecordsAreNotDeleted(t *testing.T) {
	t.Parallel()
	for _, ref := range aims.References() {
		t.Run(ref.From+"."+ref.Path+"->"+ref.To, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			ws, err := aims.NewWorkspace(memstore.New(), "t", nil)
			if err != nil {
				t.Fatal(err)
			}
			targets := aims.NewCollection[rawDoc](ws, ref.To, 1)
			from := aims.NewCollection[rawDoc](ws, ref.From, 1)
			for _, id := range []string{"t-1", "t-2"} {
				if err := targets.Create(ctx, "alice", &rawDoc{Meta: aims.Meta{ID: id}}); err != nil {
					t.Fatal(err)
				}
			}
			body := bodyAt(strings.Split(ref.Path, "."), "t-1").(map[string]any)
			referrer := &rawDoc{Meta: aims.Meta{ID: "r-1"}, Body: body}
			if err := from.Create(ctx, "alice", referrer); err != nil {
				t.Fatal(err)
			}
			head, err := ws.Store().Head(ctx, "t")
			if err != nil {
				t.Fatal(err)
			}
			err = targets.Delete(ctx, "alice", "t-1", 1)
			if !errors.Is(err, aims.ErrInvalid) {
				t.Fatalf("delete of a referred-to %s: %v, want ErrInvalid", ref.To, err)
			}
			for _, want := range []string{ref.From + " r-1", "retire"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("refusal %q does not say %q", err, want)
				}
			}
			if after, _ := ws.Store().Head(ctx, "t"); after.Seq != head.Seq {
				t.Errorf("the refused delete moved the journal from %d to %d", head.Seq, after.Seq)
			}
			if err := targets.Delete(ctx, "alice", "t-2", 1); err != nil {
				t.Errorf("delete of a %s nobody names: %v", ref.To, err)
			}
			if err := from.Delete(ctx, "alice", "r-1", referrer.Version); err != nil {
				t.Fatal(err)
			}
			if err := targets.Delete(ctx, "alice", "t-1", 1); err != nil {
				t.Errorf("delete once the referrer is gone: %v", err)
			}
		})
	}
}
