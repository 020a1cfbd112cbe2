package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/audit"
	"github.com/aimsgo/iso42001/risk"
	"github.com/aimsgo/iso42001/soa"
)

// TestDemoReadinessIsEarned: the worked organisation ends stage 2 READY
// only because it did what each check asks. Taking one piece away from a
// copy of its workspace makes the check that asks for it fail, by name.
func TestDemoReadinessIsEarned(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	base := filepath.Join(dir, "demo.db")
	if _, stderr, code := runDemoCLI(t, nil, "--db", base); code != 0 {
		t.Fatalf("demo: exit %d: %s", code, stderr)
	}
	raw, err := os.ReadFile(base)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		check string // id of the check that must fail
		want  string // in its detail
		// take removes the piece from the workspace, acting at the demo's
		// end; clk can be moved on.
		take func(ctx context.Context, t *testing.T, d *demo)
	}{
		{"residual risk no longer assessed and accepted", risk.CheckTreatmentResults, "R-1",
			func(ctx context.Context, t *testing.T, d *demo) {
				if _, err := d.ws.AIMS.Risks().Reopen(ctx, demoDave, "R-1", risk.TriggerIncident, "a complaint shows the bias is back"); err != nil {
					t.Fatal(err)
				}
			}},
		{"a corrective action overdue", audit.CheckActionsOnTime, "days late",
			func(ctx context.Context, t *testing.T, d *demo) {
				ncs := d.ws.AIMS.Nonconformities()
				n := &audit.Nonconformity{Meta: aims.Meta{ID: "nc-late"}, Type: audit.TypeNonconformity, Title: "Log retention shorter than planned",
					Source: audit.SourceMonitoring, Severity: audit.SeverityMinor, Ref: "A.6.2.8"}
				if err := ncs.Open(ctx, demoAlice, n); err != nil {
					t.Fatal(err)
				}
				if _, err := ncs.Correct(ctx, demoAlice, n.ID, "retention set back to 12 months"); err != nil {
					t.Fatal(err)
				}
				if _, err := ncs.Analyse(ctx, demoAlice, n.ID, audit.RootCause{Method: "5 whys", Causes: []string{"default changed in an upgrade"}}); err != nil {
					t.Fatal(err)
				}
				if _, err := ncs.Act(ctx, demoAlice, n.ID, audit.RootCause{}, []audit.Action{{Title: "Pin the retention setting", Owner: demoErin, Due: d.clk.Now().AddDate(0, 0, 7)}}); err != nil {
					t.Fatal(err)
				}
				d.clk.days(31)
			}},
		{"an applicable control no audit covered", audit.CheckAuditCoverage, "A.10.4",
			func(ctx context.Context, t *testing.T, d *demo) {
				svc := d.ws.AIMS.SoA()
				if _, err := svc.Decide(ctx, demoAlice, soa.Decision{Control: "A.10.4", Choice: soa.Include, Reason: "we now resell the assistant"}); err != nil {
					t.Fatal(err)
				}
				doc, err := svc.Draft(ctx, demoAlice)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := svc.Submit(ctx, demoAlice, doc.Number); err != nil {
					t.Fatal(err)
				}
				if _, err := svc.Approve(ctx, demoBob, doc.Number); err != nil {
					t.Fatal(err)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			path := filepath.Join(t.TempDir(), "ws.db")
			if err := os.WriteFile(path, raw, 0o600); err != nil {
				t.Fatal(err)
			}
			// The demo's cycle ended in cycle 2's Plan; its clock stood
			// just after the management review northwind.yaml records.
			clk := &demoClock{now: time.Date(2026, 3, 10, 10, 0, 0, 0, time.UTC)}
			ws, err := openDemoWorkspace(ctx, path, clk)
			if err != nil {
				t.Fatal(err)
			}
			defer ws.Close()
			d := &demo{w: io.Discard, ws: ws, clk: clk}
			before, err := d.readiness(ctx, audit.Stage2)
			if err != nil {
				t.Fatal(err)
			}
			if !before.Ready {
				t.Fatalf("the demo's workspace is not ready before the change: %+v", before.Failing)
			}
			tt.take(ctx, t, d)
			after, err := d.readiness(ctx, audit.Stage2)
			if err != nil {
				t.Fatal(err)
			}
			if after.Ready {
				t.Fatalf("still READY after: %s", tt.name)
			}
			found := false
			for _, f := range after.Failing {
				if f.ID == tt.check {
					found = true
					if !strings.Contains(f.Detail, tt.want) {
						t.Errorf("%s fails with %q, want it to name %q", f.ID, f.Detail, tt.want)
					}
				}
			}
			if !found {
				t.Errorf("check %s does not fail; failing: %+v", tt.check, after.Failing)
			}
		})
	}
}
