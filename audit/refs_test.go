package audit_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/audit"
)

// TestReferencesAreChecked: a clause or control a record names must be one
// of the catalog's; ids such as A.99.9, a lower-case a.6.2.4 or markup
// are refused with the field named, and nothing is written.
func TestReferencesAreChecked(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	ws, _ := newWS(t)
	assign(t, ws, "aud", aims.RoleInternalAuditor)
	for _, ref := range []string{"A.99.9", "a.6.2.4", "<script>", "11"} {
		n := &audit.Nonconformity{Type: audit.TypeNonconformity, Severity: audit.SeverityMinor, Title: "x", Source: audit.SourceAudit, Ref: ref}
		err := audit.NewNonconformities(ws).Open(ctx, "mgr", n)
		if !errors.Is(err, aims.ErrInvalid) || !strings.Contains(err.Error(), "ref") {
			t.Errorf("nonconformity against %q: %v, want ErrInvalid naming ref", ref, err)
		}
		m := &audit.Metric{Meta: aims.Meta{ID: "m1"}, Title: "x", Controls: []string{ref}, Target: 1, Direction: aims.AtLeast, FrequencyDays: 30, MeasuredBy: "a", EvaluatedBy: "b"}
		if err := audit.NewMetrics(ws).Add(ctx, "mgr", m); !errors.Is(err, aims.ErrInvalid) || !strings.Contains(err.Error(), "controls[0]") {
			t.Errorf("metric evidencing %q: %v, want ErrInvalid naming controls[0]", ref, err)
		}
		in := audit.PlanInput{ID: "ia-1", Title: "x", Areas: []audit.Area{{ID: ref, Owner: "own"}}, Auditors: []string{"aud"}, Lead: "aud", Planned: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)}
		if _, err := audit.NewAudits(ws, nil).Plan(ctx, "aud", in); !errors.Is(err, aims.ErrInvalid) || !strings.Contains(err.Error(), "areas[0].id") {
			t.Errorf("audit of area %q: %v, want ErrInvalid naming areas[0].id", ref, err)
		}
	}
	if n, err := audit.NewNonconformities(ws).All(ctx, ""); err != nil || len(n) != 0 {
		t.Errorf("refused records were written: %d, %v", len(n), err)
	}
	ok := &audit.Nonconformity{Type: audit.TypeNonconformity, Severity: audit.SeverityMinor, Title: "x", Source: audit.SourceAudit, Ref: "A.6.2.4"}
	if err := audit.NewNonconformities(ws).Open(ctx, "mgr", ok); err != nil {
		t.Errorf("a nonconformity against A.6.2.4: %v", err)
	}
}
