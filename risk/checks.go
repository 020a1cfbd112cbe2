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
	// CheckAssessmentsCurrent: risk assessments are kept at planned
	// intervals (8.2): no open risk is past its review date.
	CheckAssessmentsCurrent = "risk-assessment-results"
	// CheckTreatmentResults: treatment carried through (8.3): every open
	// risk is accepted by its authority, and a treated one has its
	// residual risk assessed first.
	CheckTreatmentResults = "risk-treatment-results"
)

// Checks returns the risk readiness checks:
//
//   - risk-criteria (6.1.1, plan->do): risk criteria are saved in the
//     workspace;
//   - risk-assessed (6.1.2, plan->do): the register holds at least one
//     risk and every risk that is not closed has an inherent assessment;
//   - risk-treated (6.1.3, plan->do): every risk above the appetite has a
//     treatment plan or an acceptance;
//   - risk-assessment-results (8.2, check->act): assessments are current,
//     no open risk past its next review date;
//   - risk-treatment-results (8.3, check->act): every open risk was
//     accepted by the owner or the band's authority, a treated one only
//     after its actions were done and its residual risk assessed.
//
// An empty register fails every check but the criteria's: zero risks is
// not "risks assessed", it is an assessment nobody made. Each check reads
// the workspace it is run on; the levels are judged with the register's
// criteria. Details name at most five offending risks.
func (r *Register) Checks() []aims.Check {
	return []aims.Check{
		{ID: CheckCriteria, Clause: "6.1.1", Title: "AI risk criteria defined", Gate: aims.GatePlanToDo,
			Run: func(ctx context.Context, ws *aims.Workspace) (bool, string, error) {
				_, err := LoadCriteria(ctx, ws)
				switch {
				case errors.Is(err, aims.ErrNotFound):
					return false, errNoCriteria.Error() + ": define the scales, bands, appetite and acceptance authority and save them", nil
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
					if cur == nil {
						return false // never assessed: not within appetite either
					}
					if rk.Treatment != nil || rk.Acceptance != nil {
						return true
					}
					lvl := r.crit.Level(cur.Score.Band)
					return lvl != 0 && r.crit.WithinAppetite(lvl)
				}, "neither assessed within appetite nor treated or accepted")
			}},
		{ID: CheckAssessmentsCurrent, Clause: "8.2", Title: "AI risk assessments kept current", Gate: aims.GateCheckToAct,
			Run: func(ctx context.Context, ws *aims.Workspace) (bool, string, error) {
				now := ws.Now()
				return r.scan(ctx, ws, "assessed and within their review date", func(rk *Risk) bool {
					return rk.Inherent != nil && (rk.NextReview.IsZero() || !rk.NextReview.Before(now))
				}, "unassessed or past their review date")
			}},
		{ID: CheckTreatmentResults, Clause: "8.3", Title: "AI risk treatment carried out and residual risk accepted", Gate: aims.GateCheckToAct,
			Run: func(ctx context.Context, ws *aims.Workspace) (bool, string, error) {
				return r.scan(ctx, ws, "accepted by their authority (treated ones with residual risk assessed)", func(rk *Risk) bool {
					if rk.Acceptance == nil {
						return false
					}
					switch State(rk.State) {
					case StateAccepted, StateMonitoring:
					default:
						return false
					}
					return rk.Treatment == nil || (rk.Residual != nil && rk.Acceptance.Stage == StageResidual)
				}, "not yet treated, residual-assessed and accepted")
			}},
	}
}

// scanKey is the run-cache key of the register's risks: the checks of one
// readiness run or PDCA status share one read (see aims.WithRunCache).
type scanKey struct{ tenant string }

// scan runs ok over every risk that is not closed and reports the ones
// failing it. A register without open risks fails: the check would
// otherwise pass on no records.
func (r *Register) scan(ctx context.Context, ws *aims.Workspace, good string, ok func(*Risk) bool, bad string) (bool, string, error) {
	all, err := aims.Cached(ctx, scanKey{ws.Tenant()}, func() ([]*Risk, error) {
		all, err := aims.NewCollection[Risk](ws, Kind, SchemaVersion).All(ctx, nil)
		sortRisks(all)
		return all, err
	})
	if err != nil {
		return false, "", err
	}
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
	if n == 0 {
		return false, "no open AI risk is recorded in the register", nil
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
