package main

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestQuickstartOutput(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := run(&buf, nil); err != nil {
		t.Fatal(err)
	}
	want := `Catalog: A.6.2.8 AI system recording of event logs
  maps to EU AI Act Art. 12 (equivalent)
  maps to EU AI Act Art. 19 (related)
Inventory: Credit scoring model (credit-model)
Risk R-1: high (16): likelihood likely (4) x consequence major (4) [matrix]
Treatment: 3 controls chosen; relevant controls not yet considered: [A.5.5 A.7.2 A.7.5 A.7.6]
SoA A.7.4: Applicable: required to treat R-1 (high: Bias against protected groups in credit decisions).
SoA A.10.4: Not applicable: excluded by alice on 2026-11-24: we supply no AI system to customers.
SoA: 3 of 38 controls applicable
Journal: 6 entries verified
`
	if d := cmp.Diff(want, buf.String()); d != "" {
		t.Fatalf("output (-want +got):\n%s", d)
	}
}
