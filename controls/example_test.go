package controls_test

import (
	"bytes"
	"fmt"
	"strings"

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

func ExampleCatalog_SourcedMappings() {
	c := controls.ISO42001()
	perFunction := map[string]int{}
	for m := range c.SourcedMappings(controls.FrameworkNISTAIRMF) {
		fn, _, _ := strings.Cut(m.Ref, " ")
		perFunction[fn]++
	}
	fmt.Println("from NIST's crosswalk:", perFunction)
	for m := range c.MappingsTo(controls.FrameworkNISTAIRMF, "MANAGE 4.3") {
		fmt.Printf("%s derived=%v\n", m.From, m.Derived())
	}
	// Output:
	// from NIST's crosswalk: map[GOVERN:82 MANAGE:49 MAP:73 MEASURE:76]
	// 9.3.2 derived=false
	// 10.2 derived=true
	// A.6.2.6 derived=false
	// A.8.4 derived=true
	// A.8.5 derived=false
}

func ExampleImportOSCALMapping() {
	c := controls.ISO42001()
	var buf bytes.Buffer
	if err := controls.ExportOSCALMapping(&buf, c, controls.FrameworkEUAIAct, nil); err != nil {
		panic(err)
	}
	pairs, err := controls.ImportOSCALMapping(&buf, c)
	if err != nil {
		panic(err)
	}
	fmt.Println(len(pairs) > 0, pairs[0].From, pairs[0].Ref, pairs[0].Strength)

	bad := `{"mapping-collection":{"uuid":"x","metadata":{"title":"t","last-modified":"2026-01-01T00:00:00Z","version":"1","oscal-version":"1.2.1"},` +
		`"provenance":{"method":"human","matching-rationale":"semantic","status":"complete","mapping-description":"d"},` +
		`"mappings":[{"uuid":"y","source-resource":{"type":"catalog","href":"#s"},"target-resource":{"type":"catalog","href":"#t",` +
		`"props":[{"name":"framework","ns":"https://github.com/aimsgo/iso42001/ns/oscal","value":"eu-ai-act"}]},` +
		`"maps":[{"uuid":"z","relationship":"intersects-with","remarks":"derived: example",` +
		`"sources":[{"type":"control","id-ref":"a.6.2.99"}],"targets":[{"type":"control","id-ref":"Art. 12"}]}]}]}}`
	_, err = controls.ImportOSCALMapping(strings.NewReader(bad), c)
	fmt.Println(err)
	// Output:
	// true 4.4 Art. 17 related
	// controls: invalid catalog: mapping-collection.mappings[0].maps[0].sources[0].id-ref: unknown clause or control "A.6.2.99" in iso42001-2023
}
