package lifecycle_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/memstore"
	"github.com/aimsgo/iso42001/lifecycle"
)

func ExampleImportModelCard() {
	ctx := context.Background()
	ws, _ := aims.NewWorkspace(memstore.New(), "acme", &aims.Options{
		Clock: func() time.Time { return time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC) },
	})
	card := `---
license: apache-2.0
language: en
model-index:
- name: churn-v2
  results:
  - task: {type: tabular-classification}
    dataset: {name: Churn 2025, split: test}
    metrics:
    - {type: f1, value: 0.71}
---
# Churn model
`
	got, err := lifecycle.ImportModelCard(ctx, ws, "importer", "churn", strings.NewReader(card), &lifecycle.ImportOptions{
		Thresholds: map[string]lifecycle.Threshold{"f1": {Value: 0.75, Direction: aims.AtLeast}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(got.TechnicalDoc.Title, got.TechnicalDoc.License)
	for _, v := range got.Verifications {
		for _, r := range v.Results {
			fmt.Printf("%s: %s %.2f (threshold %.2f, met %v)\n", v.Title, r.Name, r.Value, *r.Threshold, r.Met())
		}
	}
	for _, r := range got.Requirements {
		fmt.Println("requirement:", r.Title)
	}
	// Output:
	// Technical documentation of churn-v2 apache-2.0
	// churn-v2: tabular-classification on Churn 2025: f1 0.71 (threshold 0.75, met false)
	// requirement: Use within the model licence
	// requirement: Supported languages
}

func ExampleChangeWorkflow() {
	fmt.Print(lifecycle.ChangeWorkflow().Mermaid())
	// Output:
	// stateDiagram-v2
	//     [*] --> planned
	//     planned --> approved: approve - someone other than the requester approves the plan
	//     approved --> done: complete - the responsible person records the outcome
	//     done --> [*]
}
