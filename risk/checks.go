package risk

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aimsgo/iso42001/aims"
)

// IDs of the readiness checks [Register.Checks] returns.
const (
	CheckCriteria = "risk-criteria"
	CheckAssessed = "risk-assessed"
	CheckTreated  = "risk-treated"
)

// Checks returns the risk readiness checks of the plan->do gate:
//
//   - risk-criteria (6.1.2): risk criteria are saved in the workspace;
//   - risk-assessed (6.1.2): every risk that is not closed has an inherent
//     assessment;
//   - risk-treated (6.1.3): every risk above the appetite has a treatment
//     plan or an acceptance.
//
// Each check reads the workspace it is run on; the levels are judged with
// the register's criteria. Details name at most five offending risks.
func (r *Register) Checks() []aims.Check {
	return []aims.Check{
		{ID: CheckCriteria, Clause: "6.1.2", Title: "AI risk criteria defined", Gate: aims.GatePlanToDo,
			Run: func(ctx context.Context, ws *aims.Workspace) (bool, string, error) {
				_, err := LoadCriteria(ctx, ws)
				switch {
				case errors.Is(err, aims.ErrNotFound):
					return false, errNoCriteria.Error() + ": save them with risk.SaveCriteria", nil
				case errors.Is(err, aims.ErrInvalid):
					return false, "the saved risk criteria are invalid: " + err.Error(), nil
				case err != nil:
					return false, "", err
				}
				return true, "risk criteria are defined", nil
			}},
		{ID: CheckAssessed, Clause: "6.1.2", Title: "AI risks assessed", Gate: aims.GatePlanToDo,
			Run: func(ctx context.Context, ws *aims.Workspace) (bool, string, error) {
				return r.scan(ctx, ws, "assessed", func(rk *Risk) bool { return rk.Inherent != nil },
					"not assessed")
			}},
		{ID: CheckTreated, Clause: "6.1.3", Title: "AI risks above appetite treated or accepted", Gate: aims.GatePlanToDo,
			Run: func(ctx context.Context, ws *aims.Workspace) (bool, string, error) {
				return r.scan(ctx, ws, "within appetite, treated or accepted", func(rk *Risk) bool {
					cur, _ := rk.Current()
					if cur == nil || rk.Treatment != nil || rk.Acceptance != nil {
						return true // unassessed risks are risk-assessed's concern
					}
					lvl := r.crit.Level(cur.Score.Band)
					return lvl != 0 && r.crit.WithinAppetite(lvl)
				}, "above appetite with no treatment plan or acceptance")
			}},
	}
}

// scan runs ok over every risk that is not closed and reports the ones
// failing it.
func (r *Register) scan(ctx context.Context, ws *aims.Workspace, good string, ok func(*Risk) bool, bad string) (bool, string, error) {
	col := aims.NewCollection[Risk](ws, Kind, SchemaVersion)
	all, err := col.All(ctx, nil)
	if err != nil {
		return false, "", err
	}
	sortRisks(all)
	var failing []string
	n := 0
	for _, rk := range all {
		if State(rk.State) == StateClosed {
			continue
		}
		n++
		if !ok(rk) {
			failing = append(failing, rk.ID)
		}
	}
	if len(failing) == 0 {
		return true, fmt.Sprintf("%d of %d open risks %s", n, n, good), nil
	}
	shown := failing
	if len(shown) > 5 {
		shown = shown[:5]
	}
	more := ""
	if len(failing) > len(shown) {
		more = fmt.Sprintf(" and %d more", len(failing)-len(shown))
	}
	return false, fmt.Sprintf("%d of %d open risks %s: %s%s", len(failing), n, bad, strings.Join(shown, ", "), more), nil
}
