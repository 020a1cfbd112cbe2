package lifecycle_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/lifecycle"
)

func readCard(t testing.TB, name string) ([]byte, string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "cards", name))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	return data, hex.EncodeToString(sum[:])
}

func TestImportModelCard(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	ws := newWorkspace(t, nil)
	data, sum := readCard(t, "credit-scorer-model.md")
	got, err := lifecycle.ImportModelCard(ctx, ws, "importer", "credit-scorer", bytes.NewReader(data), &lifecycle.ImportOptions{
		Name: "acme/credit-scorer/README.md", Owner: "dana",
		Thresholds: map[string]lifecycle.Threshold{"roc_auc": {Value: 0.78, Direction: aims.AtLeast}},
	})
	if err != nil {
		t.Fatal(err)
	}
	src := &lifecycle.Source{Format: lifecycle.FormatModelCard, Name: "acme/credit-scorer/README.md", SHA256: sum}
	if got.SHA256 != sum {
		t.Errorf("SHA256 = %s, want %s", got.SHA256, sum)
	}

	docs, err := lifecycle.TechnicalDocs(ws).All(ctx, map[string]string{"system": "credit-scorer"})
	if err != nil || len(docs) != 1 {
		t.Fatalf("technical docs: %d, %v", len(docs), err)
	}
	doc := docs[0]
	doc.Meta = aims.Meta{}
	wantDoc := &lifecycle.TechnicalDoc{System: "credit-scorer", Stage: aims.StageDesignDevelopment,
		Title:   "Technical documentation of acme-credit-scorer-v3",
		Items:   []lifecycle.DocItem{{Title: "Model card", Location: "acme/credit-scorer/README.md", Audience: "users and developers", SHA256: sum}},
		License: "apache-2.0", Languages: []string{"en", "de"}, Tags: []string{"credit-scoring", "tabular", "finance"},
		BaseModels: []string{"acme/credit-scorer-base"}, Datasets: []string{"acme/loan-history"}, Owner: "dana", Source: src}
	if diff := cmp.Diff(wantDoc, doc); diff != "" {
		t.Errorf("technical doc (-want +got):\n%s", diff)
	}

	vers, err := lifecycle.Verifications(ws).All(ctx, map[string]string{"system": "credit-scorer"})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vers {
		v.Meta = aims.Meta{}
	}
	auc, auc2 := 0.78, 0.78
	wantVers := []*lifecycle.Verification{
		{System: "credit-scorer", Stage: aims.StageVerificationValidation,
			Title:    "acme-credit-scorer-v3: Default prediction on Loan history 2019-2025",
			Criteria: "Results the model card reports for Default prediction on Loan history 2019-2025 (test split)",
			Dataset:  "Loan history 2019-2025",
			Results: []lifecycle.Metric{
				{Name: "ROC AUC", Value: 0.812, Threshold: &auc, Direction: aims.AtLeast},
				{Name: "Accuracy", Value: 0.874},
			}, Source: src},
		{System: "credit-scorer", Stage: aims.StageVerificationValidation,
			Title:    "acme-credit-scorer-v3: Default prediction (thin files) on Loan history thin-file slice",
			Criteria: "Results the model card reports for Default prediction (thin files) on Loan history thin-file slice (test_thin split)",
			Dataset:  "Loan history thin-file slice",
			Results:  []lifecycle.Metric{{Name: "roc_auc", Value: 0.744, Threshold: &auc2, Direction: aims.AtLeast}},
			Source:   src},
	}
	if diff := cmp.Diff(wantVers, vers); diff != "" {
		t.Errorf("verifications (-want +got):\n%s", diff)
	}
	if vers[1].Results[0].Met() {
		t.Error("the thin-file AUC 0.744 meets 0.78?")
	}

	reqs, err := lifecycle.Requirements(ws).All(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, r := range reqs {
		titles = append(titles, r.Title)
		if diff := cmp.Diff(src, r.Source); diff != "" {
			t.Errorf("requirement %q source (-want +got):\n%s", r.Title, diff)
		}
	}
	if diff := cmp.Diff([]string{"Use within the model licence", "Supported languages"}, titles); diff != "" {
		t.Errorf("requirements (-want +got):\n%s", diff)
	}
}

func TestImportDatasetCard(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	ws := newWorkspace(t, nil)
	data, sum := readCard(t, "loan-history-dataset.md")
	d, err := lifecycle.ImportDatasetCard(ctx, ws, "importer", "credit-scorer", bytes.NewReader(data), &lifecycle.ImportOptions{Name: "acme/loan-history/README.md"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := lifecycle.Datasets(ws).Get(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	got.Meta = aims.Meta{}
	want := &lifecycle.Dataset{Name: "Loan history 2019-2025", AISystems: []string{"credit-scorer"}, Use: aims.DataTraining,
		Provenance:  "source data sets: original; annotations by machine-generated; language by found.",
		Sources:     []string{"original"},
		Acquisition: "annotations by machine-generated; language by found.",
		License:     "other", Size: "100K<n<1M",
		Preparation: []string{"config retail, split train: retail/train-*.parquet", "config retail, split test: retail/test-*.parquet",
			"config thin-file, split train: thin/all.parquet"},
		IntendedUse: "Tasks: tabular-classification, tabular-single-column-regression.",
		Source:      &lifecycle.Source{Format: lifecycle.FormatDatasetCard, Name: "acme/loan-history/README.md", SHA256: sum}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("dataset (-want +got):\n%s", diff)
	}
}

// TestImportRefused: malformed and oversized cards are refused with the
// field or limit named, and nothing is written.
func TestImportRefused(t *testing.T) {
	t.Parallel()
	malformed, _ := readCard(t, "malformed-model.md")
	good, _ := readCard(t, "credit-scorer-model.md")
	tests := []struct {
		name    string
		dataset bool
		in      string
		max     int
		want    []aims.Problem
	}{
		{"metric value not a number", false, string(malformed), 0,
			[]aims.Problem{{Path: "model-index[0].results[0].metrics[0].value", Rule: `must be a number, got "high"`}}},
		{"oversized, refused before parsing", false, string(good[:200]) + strings.Repeat("x", 2000), 1000,
			[]aims.Problem{{Rule: "card is more than 1000 bytes, the limit"}}},
		{"oversized garbage is not parsed", false, "---\n" + strings.Repeat("[", 5000), 1000,
			[]aims.Problem{{Rule: "card is more than 1000 bytes, the limit"}}},
		{"no front matter", false, "# Model\n", 0, []aims.Problem{{Rule: "card has no YAML metadata: its first line must be ---"}}},
		{"unclosed front matter", false, "---\nlicense: mit\n", 0, []aims.Problem{{Rule: "card metadata is not closed by a --- line"}}},
		{"licence a mapping", false, "---\nlicense: {name: mit}\n---\n", 0, []aims.Problem{{Path: "license", Rule: "must be a string or a list of strings, got a mapping"}}},
		{"tags of mappings", false, "---\ntags:\n- a\n- {b: c}\n---\n", 0, []aims.Problem{{Path: "tags[1]", Rule: "must be a string, got a mapping"}}},
		{"result without task", false, "---\nmodel-index:\n- name: m\n  results:\n  - metrics:\n    - {type: f1, value: 1}\n---\n", 0,
			[]aims.Problem{{Path: "model-index[0].results[0].task.type", Rule: "is required"}}},
		{"duplicate metric", false, "---\nmodel-index:\n- name: m\n  results:\n  - task: {type: t}\n    metrics:\n    - {type: f1, value: 1}\n    - {type: f1, value: 2}\n---\n", 0,
			[]aims.Problem{{Path: "model-index[0].results[0].metrics[1]", Rule: `duplicate metric "f1" in one result`}}},
		{"too many results", false, "---\nmodel-index:\n" + strings.Repeat("- name: m\n  results:\n"+strings.Repeat("  - {task: {type: t}, metrics: [{type: a, value: 1}]}\n", 101), 2) + "---\n", 0,
			[]aims.Problem{{Path: "model-index", Rule: "must hold at most 200 results in all"}}},
		{"infinite metric", false, "---\nmodel-index:\n- results:\n  - task: {type: t}\n    metrics:\n    - {type: f1, value: .inf}\n---\n", 0,
			[]aims.Problem{{Path: "model-index[0].results[0].metrics[0].value", Rule: `must be a number, got ".inf"`}}},
		{"wrong shapes named", false, "---\npipeline_tag: true\nmodel-index:\n- results: {task: x}\n- name: [a]\n  results:\n  - task: [x]\n    dataset: text\n    metrics: {type: f1}\n---\n", 0,
			[]aims.Problem{
				{Path: "pipeline_tag", Rule: "must be a string, got a boolean"},
				{Path: "model-index[0].results", Rule: "must be a list, got a mapping"},
				{Path: "model-index[1].name", Rule: "must be a string, got a list"},
				{Path: "model-index[1].results[0].task", Rule: "must be a mapping, got a list"},
				{Path: "model-index[1].results[0].dataset", Rule: "must be a mapping, got a string"},
				{Path: "model-index[1].results[0].task.type", Rule: "is required"},
				{Path: "model-index[1].results[0].metrics", Rule: "must be a list, got a mapping"},
			}},
		{"list of scalars for results", false, "---\nmodel-index: [1, x]\n---\n", 0,
			[]aims.Problem{{Path: "model-index[0]", Rule: "must be a mapping, got a number"}, {Path: "model-index[1]", Rule: "must be a mapping, got a string"}}},
		{"numbers taken as written for strings", false, "---\nlicense: 2024\nlanguage: [1.5, en]\nmodel-index:\n- name: m\n  results:\n  - task: {type: t}\n    metrics:\n    - {type: f1, value: null}\n---\n", 0,
			[]aims.Problem{{Path: "model-index[0].results[0].metrics[0].value", Rule: "is required"}}},
		{"tags refused", false, "---\nlicense: !!str mit\n---\n", 0,
			[]aims.Problem{{Rule: "card metadata uses a YAML tag, which is not supported (line 1)"}}},
		{"complex key refused", false, "---\n? [a, b]\n: c\n---\n", 0,
			[]aims.Problem{{Rule: "card metadata is not valid YAML: [2:1] found an invalid key for this map"}}},
		{"long name clipped in problems", false, "---\nmodel-index:\n- name: " + strings.Repeat("n", 400) + "\n---\n", 0,
			[]aims.Problem{{Path: "technicalDoc.title", Rule: "must be at most 300 bytes, got 427"}}},
		{"aliases refused", false, "---\na: &x [1]\nb: *x\n---\n", 0,
			[]aims.Problem{{Rule: "card metadata uses YAML anchors or aliases, which are not supported (line 1)"}}},
		{"deep nesting bounded before parsing", false, "---\nx: " + strings.Repeat("[", 100) + strings.Repeat("]", 100) + "\n---\n", 0,
			[]aims.Problem{{Rule: "card metadata nests deeper than 32 levels (line 1)"}}},
		{"not a mapping", false, "---\n- a\n---\n", 0, []aims.Problem{{Rule: "card metadata must be a mapping, got a list"}}},
		{"dataset without provenance", true, "---\npretty_name: X\nlicense: mit\n---\n", 0,
			[]aims.Problem{{Path: "source_datasets", Rule: "the card states no provenance: give source_datasets, annotations_creators or language_creators"}}},
		{"dataset without name", true, "---\nsource_datasets: [original]\n---\n", 0, []aims.Problem{{Path: "pretty_name", Rule: "is required"}}},
		{"dataset config without split", true, "---\npretty_name: X\nsource_datasets: original\nconfigs:\n- config_name: a\n  data_files:\n  - path: x.csv\n---\n", 0,
			[]aims.Problem{{Path: "configs[0].data_files[0].split", Rule: "is required"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			ws := newWorkspace(t, nil)
			opts := &lifecycle.ImportOptions{MaxBytes: tc.max}
			var err error
			if tc.dataset {
				_, err = lifecycle.ImportDatasetCard(ctx, ws, "importer", "s", strings.NewReader(tc.in), opts)
			} else {
				_, err = lifecycle.ImportModelCard(ctx, ws, "importer", "s", strings.NewReader(tc.in), opts)
			}
			if diff := cmp.Diff(tc.want, problems(t, err)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			if !errors.Is(err, aims.ErrInvalid) {
				t.Errorf("error %v does not match ErrInvalid", err)
			}
			for kind, all := range map[string]func() (int, error){
				"technical docs": func() (int, error) { l, err := lifecycle.TechnicalDocs(ws).All(ctx, nil); return len(l), err },
				"verifications":  func() (int, error) { l, err := lifecycle.Verifications(ws).All(ctx, nil); return len(l), err },
				"requirements":   func() (int, error) { l, err := lifecycle.Requirements(ws).All(ctx, nil); return len(l), err },
				"datasets":       func() (int, error) { l, err := lifecycle.Datasets(ws).All(ctx, nil); return len(l), err },
			} {
				if n, err := all(); n != 0 || err != nil {
					t.Errorf("%s written: %d, %v", kind, n, err)
				}
			}
		})
	}
}

// TestImportJournaledAndAtomic: an import writes a "create" entry per
// record that Workspace.Verify accepts, and a conflict on its last record
// writes none of them.
func TestImportJournaledAndAtomic(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	data, _ := readCard(t, "credit-scorer-model.md")

	ws := newWorkspace(t, nil)
	got, err := lifecycle.ImportModelCard(ctx, ws, "importer", "credit-scorer", bytes.NewReader(data), nil)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := ws.Verify(ctx)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if rep.Records != 5 || rep.Entries != 5 {
		t.Errorf("Verify = %+v, want 5 records and 5 entries", rep)
	}
	back, err := lifecycle.Verifications(ws).Get(ctx, got.Verifications[1].ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(got.Verifications[1], back); diff != "" {
		t.Errorf("returned and stored verification differ (-returned +stored):\n%s", diff)
	}
	if back.CreatedBy != "importer" || !back.CreatedAt.Equal(t0) || back.Version != 1 || back.Kind != lifecycle.KindVerification {
		t.Errorf("header %+v", back.Meta)
	}

	// The sequential ids of newWorkspace make the fifth record
	// "ai-requirement-5": taking it first makes the import conflict.
	ws = newWorkspace(t, nil)
	taken := validRequirement()
	taken.ID = "ai-requirement-5"
	if err := lifecycle.Requirements(ws).Create(ctx, "someone", taken); err != nil {
		t.Fatal(err)
	}
	if _, err := lifecycle.ImportModelCard(ctx, ws, "importer", "credit-scorer", bytes.NewReader(data), nil); !errors.Is(err, aims.ErrConflict) {
		t.Fatalf("import over a taken id = %v, want ErrConflict", err)
	}
	if docs, err := lifecycle.TechnicalDocs(ws).All(ctx, nil); err != nil || len(docs) != 0 {
		t.Errorf("technical docs after a failed import: %d, %v; want none", len(docs), err)
	}
	if reqs, err := lifecycle.Requirements(ws).All(ctx, nil); err != nil || len(reqs) != 1 {
		t.Errorf("requirements after a failed import: %d, %v; want the one taken", len(reqs), err)
	}
}
