package risk

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/internal/firstfew"
	"github.com/aimsgo/iso42001/internal/natsort"
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
				return r.scan(ctx, ws, "assessed", func(rk *openRisk) bool { return rk.inherent },
					"not assessed")
			}},
		{ID: CheckTreated, Clause: "6.1.3", Title: "AI risks above appetite treated or accepted", Gate: aims.GatePlanToDo,
			Run: func(ctx context.Context, ws *aims.Workspace) (bool, string, error) {
				return r.scan(ctx, ws, "within appetite, treated or accepted", func(rk *openRisk) bool {
					if rk.level == "" {
						return false // never assessed: not within appetite either
					}
					if rk.treated || rk.accepted != "" {
						return true
					}
					lvl := r.crit.Level(rk.level)
					return lvl != 0 && r.crit.WithinAppetite(lvl)
				}, "neither assessed within appetite nor treated or accepted")
			}},
		{ID: CheckAssessmentsCurrent, Clause: "8.2", Title: "AI risk assessments kept current", Gate: aims.GateCheckToAct,
			Run: func(ctx context.Context, ws *aims.Workspace) (bool, string, error) {
				now := ws.Now()
				return r.scan(ctx, ws, "assessed and within their review date", func(rk *openRisk) bool {
					return rk.inherent && (rk.review.IsZero() || !rk.review.Before(now))
				}, "unassessed or past their review date")
			}},
		{ID: CheckTreatmentResults, Clause: "8.3", Title: "AI risk treatment carried out and residual risk accepted", Gate: aims.GateCheckToAct,
			Run: func(ctx context.Context, ws *aims.Workspace) (bool, string, error) {
				return r.scan(ctx, ws, "accepted by their authority (treated ones with residual risk assessed)", func(rk *openRisk) bool {
					if rk.accepted == "" {
						return false
					}
					switch rk.state {
					case StateAccepted, StateMonitoring:
					default:
						return false
					}
					return !rk.treated || (rk.residual && rk.accepted == StageResidual)
				}, "not yet treated, residual-assessed and accepted")
			}},
	}
}

// openRisk is what the checks judge of a risk that is not closed: a few
// words per risk, kept in natural order of id in the register's open-risk
// projection, so that a check over a million risks is one pass over
// contiguous memory and its first five failures are the first five found.
type openRisk struct {
	id, level                   string
	state                       State
	accepted                    Stage
	review, due                 time.Time
	inherent, residual, treated bool
}

// openKey is the workspace key of the open-risk projection.
type openKey struct{}

// openRisks returns every risk that is not closed, in natural order of id,
// from the workspace's projection (see [aims.Project]): the checks of a
// run, and of the runs after it, share one read.
func openRisks(ctx context.Context, ws *aims.Workspace) ([]openRisk, error) {
	risks := aims.NewCollection[Risk](ws, Kind, SchemaVersion)
	return aims.Project(ctx, ws, openKey{}, aims.Projection[openRisk]{Kind: Kind, Attrs: viewAttrs, Compare: natsort.Compare,
		Row: func(ctx context.Context, row aims.Row) (openRisk, bool, error) {
			v, ok, err := rowView(ctx, risks, row)
			if !ok || err != nil || v.State == StateClosed {
				return openRisk{}, false, err
			}
			return openRisk{id: v.ID, level: v.Level, state: v.State, accepted: v.Accepted, review: v.NextReview, due: v.NextDue,
				inherent: v.Inherent != "", residual: v.Residual != "", treated: v.Treated()}, true, nil
		}})
}

// scan runs ok over every risk that is not closed and reports the ones
// failing it, the first five in natural order of id. A register without
// open risks fails: the check would otherwise pass on no records.
func (r *Register) scan(ctx context.Context, ws *aims.Workspace, good string, ok func(*openRisk) bool, bad string) (bool, string, error) {
	open, err := openRisks(ctx, ws)
	if err != nil {
		return false, "", err
	}
	n := len(open)
	var failing firstfew.List
	for i := range open {
		if !ok(&open[i]) {
			failing.Add(open[i].id)
		}
	}
	if n == 0 {
		return false, "no open AI risk is recorded in the register", nil
	}
	if failing.N == 0 {
		return true, fmt.Sprintf("%d of %d open risks %s", n, n, good), nil
	}
	return false, fmt.Sprintf("%d of %d open risks %s: %s", failing.N, n, bad, failing.Join(", ")), nil
}

// Standing is the state of the open risks as a management review reads
// it (9.3.2): how many are open, how many of them hold each band, how many
// were never assessed, how many sit above appetite with neither treatment
// nor acceptance, how many are past their review date, and which have a
// treatment action past due.
type Standing struct {
	Open, Never, Untreated, ReviewsOverdue int
	// ByBand counts the assessed open risks by band level (1 is the
	// lowest band); index 0 is unused.
	ByBand []int
	// ActionsDue are the ids of the open risks with a treatment action
	// past due, in natural order.
	ActionsDue []string
}

// Standing returns the standing of the open risks as of now, in one pass
// over the register's open-risk projection (see [aims.Project]): nothing
// is decoded.
func (r *Register) Standing(ctx context.Context, now time.Time) (Standing, error) {
	open, err := openRisks(ctx, r.ws)
	if err != nil {
		return Standing{}, err
	}
	st := Standing{Open: len(open), ByBand: make([]int, r.crit.Bands()+1)}
	for i := range open {
		o := &open[i]
		if !o.review.IsZero() && o.review.Before(now) {
			st.ReviewsOverdue++
		}
		if !o.due.IsZero() && o.due.Before(now) {
			st.ActionsDue = append(st.ActionsDue, o.id)
		}
		if o.level == "" {
			st.Never++
			continue
		}
		lvl := r.crit.Level(o.level)
		if lvl > 0 {
			st.ByBand[lvl]++
		}
		if !r.crit.WithinAppetite(lvl) && !o.treated && o.accepted == "" {
			st.Untreated++
		}
	}
	return st, nil
}
