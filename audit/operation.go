package audit

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/internal/natsort"
)

// Check ids of the operation checks a stage 2 audit asks for beyond
// [Checks].
const (
	// CheckActionsOnTime: no corrective action is past its due date
	// (10.2).
	CheckActionsOnTime = "corrective-actions-on-time"
	// CheckImprovement: the organisation acts on improvement (10.1).
	CheckImprovement = "continual-improvement"
	// CheckAuditCoverage: the internal audits of the cycle cover every
	// clause 4 to 10 and every applicable control (9.2).
	CheckAuditCoverage = "audit-coverage"
)

// OperationChecks returns the checks of operation that stage 2 of a
// certification audit asks for beyond [Checks]: corrective actions on time
// (10.2) and continual improvement acted on (10.1). [CoverageCheck] is
// apart because it needs the applicable controls.
func OperationChecks() []aims.Check {
	return []aims.Check{
		{ID: CheckActionsOnTime, Clause: "10.2", Title: "Corrective actions done by their due date", Gate: aims.GateActToPlan, Run: checkActionsOnTime},
		{ID: CheckImprovement, Clause: "10.1", Title: "Continual improvement acted on", Gate: aims.GateActToPlan, Run: checkImprovement},
	}
}

func checkActionsOnTime(ctx context.Context, ws *aims.Workspace) (bool, string, error) {
	late, err := NewNonconformities(ws).Overdue(ctx)
	if err != nil {
		return false, "", err
	}
	if len(late) == 0 {
		return true, "no corrective action is overdue", nil
	}
	names := make([]string, 0, min(len(late), 5))
	for _, o := range late[:min(len(late), 5)] {
		names = append(names, fmt.Sprintf("%s %q (%d days late)", o.Nonconformity, o.Title, o.DaysLate))
	}
	more := ""
	if len(late) > 5 {
		more = fmt.Sprintf(" and %d more", len(late)-5)
	}
	return false, fmt.Sprintf("%d corrective actions overdue: %s%s", len(late), strings.Join(names, ", "), more), nil
}

// checkImprovement asks for evidence that improvement happens: an
// improvement opportunity recorded, or a nonconformity whose actions were
// verified effective, in this cycle.
func checkImprovement(ctx context.Context, ws *aims.Workspace) (bool, string, error) {
	since, err := cycleStart(ctx, ws)
	if err != nil {
		return false, "", err
	}
	var improvements, effective []string
	for n, err := range NewNonconformities(ws).c.List(ctx, nil) {
		if err != nil {
			return false, "", err
		}
		switch {
		case n.Type == TypeImprovement && !n.CreatedAt.Before(since):
			improvements = append(improvements, n.ID)
		case n.Type == TypeNonconformity:
			for _, v := range n.Verifications {
				if v.Effective && !v.At.Before(since) {
					effective = append(effective, n.ID)
					break
				}
			}
		}
	}
	if len(improvements)+len(effective) == 0 {
		return false, "no improvement opportunity recorded and no corrective action verified effective in this cycle", nil
	}
	var parts []string
	if len(improvements) > 0 {
		parts = append(parts, "improvements "+strings.Join(improvements, ", "))
	}
	if len(effective) > 0 {
		parts = append(parts, "effective corrective actions "+strings.Join(effective, ", "))
	}
	return true, strings.Join(parts, "; "), nil
}

// CoverageCheck returns the audit-coverage check (9.2): the internal audits
// completed in the cycle, together, hold a checklist item for every clause
// 4 to 10 and for every control applicable returns (the approved SoA's
// applicable controls). A clause counts as covered by an item on it or on
// any of its sub-clauses.
func CoverageCheck(applicable func(ctx context.Context) ([]string, error)) aims.Check {
	return aims.Check{ID: CheckAuditCoverage, Clause: "9.2", Title: "Internal audits cover every clause and applicable control", Gate: aims.GateCheckToAct,
		Run: func(ctx context.Context, ws *aims.Workspace) (bool, string, error) {
			since, err := cycleStart(ctx, ws)
			if err != nil {
				return false, "", err
			}
			refs := map[string]bool{}
			n := 0
			for a, err := range NewAudits(ws, nil).c.List(ctx, map[string]string{"state": string(AuditCompleted)}) {
				if err != nil {
					return false, "", err
				}
				if a.Completed.Before(since) {
					continue
				}
				n++
				for _, it := range a.Checklist {
					refs[it.Ref] = true
				}
			}
			if n == 0 {
				return false, "no internal audit is completed in this cycle", nil
			}
			var missing []string
			for c := 4; c <= 10; c++ {
				clause := fmt.Sprint(c)
				covered := refs[clause]
				for ref := range refs {
					if strings.HasPrefix(ref, clause+".") {
						covered = true
						break
					}
				}
				if !covered {
					missing = append(missing, "clause "+clause)
				}
			}
			var ctrls []string
			if applicable != nil {
				if ctrls, err = applicable(ctx); err != nil {
					return false, "", err
				}
			}
			slices.SortFunc(ctrls, natsort.Compare)
			for _, c := range ctrls {
				if !refs[c] {
					missing = append(missing, c)
				}
			}
			if len(missing) > 0 {
				return false, fmt.Sprintf("not covered by the %d audits of this cycle: %s", n, strings.Join(missing, ", ")), nil
			}
			return true, fmt.Sprintf("%d audits cover clauses 4-10 and %d applicable controls", n, len(ctrls)), nil
		}}
}

// Run runs checks against ws as certification readiness for stage and
// reports them clause by clause in natural order. Unlike [Readiness] it
// adds nothing: the caller (the root package's registry) gives the whole
// list. Document checks ([DocRequirement.Check]) share one read of the
// documents. A check that cannot run returns its error.
func Run(ctx context.Context, ws *aims.Workspace, stage Stage, checks []aims.Check) (*ReadinessReport, error) {
	if stage != Stage1 && stage != Stage2 {
		return nil, aims.Invalid("stage", fmt.Sprintf("must be 1 or 2, got %d", stage))
	}
	return run(ctx, ws, stage, slices.Clone(checks))
}
