package controls_test

import (
	"fmt"

	"github.com/aimsgo/iso42001/controls"
)

func ExampleCatalog_Control() {
	c, err := controls.ISO42001().Control("A.6.2.8")
	if err != nil {
		panic(err)
	}
	fmt.Println(c.ID, c.Title, "| objective", c.Objective)

	_, err = controls.ISO42001().Control("A.99")
	fmt.Println(err)
	// Output:
	// A.6.2.8 AI system recording of event logs | objective A.6.2
	// controls: unknown control "A.99"
}

func ExampleCatalog_Controls() {
	n := 0
	for c := range controls.ISO42001().ControlsIn("A.2") {
		fmt.Println(c.ID, c.Title)
	}
	for range controls.ISO42001().Controls() {
		n++
	}
	fmt.Println(n, "Annex A controls")
	// Output:
	// A.2.2 AI policy
	// A.2.3 Alignment with other organizational policies
	// A.2.4 Review of the AI policy
	// 38 Annex A controls
}

func ExampleCatalog_MappingsTo() {
	for m := range controls.ISO42001().MappingsTo(controls.FrameworkEUAIAct, "Art. 12") {
		fmt.Println(m.From, m.Strength)
	}
	// Output:
	// A.6.2.6 partial
	// A.6.2.8 equivalent
}

func ExampleMerge() {
	c, err := controls.Merge(controls.ISO42001(), controls.Control{
		ID: "ACME-1", Namespace: "ACME", Title: "Model cards",
		Summary: "Publish a model card for every released model.", Extends: "A.6.2.7",
	})
	if err != nil {
		panic(err)
	}
	ct, _ := c.Control("ACME-1")
	fmt.Println(ct.ID, ct.Origin)

	_, err = controls.Merge(controls.ISO42001(), controls.Control{
		ID: "ACME-2", Namespace: "ACME", Title: "x", Summary: "y", RelatedControls: []string{"A.99"},
	})
	fmt.Println(err)
	// Output:
	// ACME-1 organization
	// controls: invalid catalog: own[0].relatedControls[0]: unknown control "A.99"
}
