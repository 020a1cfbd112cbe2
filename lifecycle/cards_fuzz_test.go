package lifecycle_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/lifecycle"
)

func seedCards(f *testing.F) {
	for _, name := range []string{"credit-scorer-model.md", "loan-history-dataset.md", "malformed-model.md"} {
		data, _ := readCard(f, name)
		f.Add(data)
		f.Add(data[:len(data)/2])
		f.Add(bytes.Replace(data, []byte(": "), []byte(": [{"), 3))
	}
	f.Add([]byte("---\n---\n"))
	f.Add([]byte("---\r\nlicense: mit\r\n---\r\n"))
	f.Add([]byte("\xef\xbb\xbf---\nlanguage: 12\nmodel-index: [{results: [{task: {type: x}, metrics: [{type: a, value: .inf}]}]}]\n---\n"))
}

// FuzzParseModelCard: parsing never panics, and every refusal matches
// ErrInvalid; an accepted card's metric values are finite.
func FuzzParseModelCard(f *testing.F) {
	seedCards(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		c, sum, err := lifecycle.ParseModelCard(bytes.NewReader(data), 64<<10)
		if err != nil {
			if !errors.Is(err, aims.ErrInvalid) {
				t.Fatalf("error %v (%T) does not match ErrInvalid", err, err)
			}
			return
		}
		if len(sum) != 64 {
			t.Fatalf("sum %q", sum)
		}
		for _, r := range c.Results {
			for _, m := range r.Metrics {
				if m.Value != m.Value || m.Value > 1e308 || m.Value < -1e308 {
					t.Fatalf("non-finite value accepted: %v", m.Value)
				}
			}
		}
	})
}

// FuzzParseDatasetCard: parsing never panics, and every refusal matches
// ErrInvalid.
func FuzzParseDatasetCard(f *testing.F) {
	seedCards(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, _, err := lifecycle.ParseDatasetCard(bytes.NewReader(data), 64<<10); err != nil && !errors.Is(err, aims.ErrInvalid) {
			t.Fatalf("error %v (%T) does not match ErrInvalid", err, err)
		}
	})
}

// FuzzImportModelCard: a whole import either refuses the card with an
// error matching ErrInvalid, writing nothing, or stores records that
// decode strictly and that Workspace.Verify accepts.
func FuzzImportModelCard(f *testing.F) {
	seedCards(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx := t.Context()
		ws := newWorkspace(t, nil)
		got, err := lifecycle.ImportModelCard(ctx, ws, "importer", "sys", bytes.NewReader(data), &lifecycle.ImportOptions{MaxBytes: 64 << 10})
		if err != nil {
			if !errors.Is(err, aims.ErrInvalid) {
				t.Fatalf("error %v (%T) does not match ErrInvalid", err, err)
			}
			if docs, _ := lifecycle.TechnicalDocs(ws).All(ctx, nil); len(docs) != 0 {
				t.Fatal("a refused card wrote records")
			}
			return
		}
		if _, err := ws.Verify(ctx); err != nil {
			t.Fatalf("Verify after import: %v", err)
		}
		for _, v := range got.Verifications {
			data, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := aims.Decode[lifecycle.Verification](data); err != nil {
				t.Fatalf("imported verification does not decode strictly: %v\n%s", err, data)
			}
		}
		doc, err := json.Marshal(got.TechnicalDoc)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := aims.Decode[lifecycle.TechnicalDoc](doc); err != nil {
			t.Fatalf("imported technical doc does not decode strictly: %v\n%s", err, doc)
		}
	})
}
