package audit

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/internal/natsort"
)

// Check ids of the audit package, shared by the PDCA gates ([Checks]) and
// certification readiness ([Readiness]).
const (
	CheckMetricsDefined    = "monitoring-metrics-defined"
	CheckMonitoringResults = "monitoring-results"
	// CheckMonitoringRecorded is stage 1's: some monitoring result exists.
	CheckMonitoringRecorded   = "monitoring-recorded"
	CheckInternalAudit        = "internal-audit-completed"
	CheckManagementReview     = "management-review-held"
	CheckCorrectiveActions    = "corrective-actions-tracked"
	CheckControlsEvidenced    = "controls-evidenced"
	CheckAuditProgramme       = "audit-programme"
	CheckNonconformityRecords = "nonconformity-records"
)

// Checks returns the audit package's PDCA readiness checks, to add to the
// registry passed to [aims.NewPDCA]: metrics defined before Check (9.1,
// do->check); an internal audit completed and monitoring results recorded
// in this cycle before Act (9.2, 9.1, check->act); a management review held
// in this cycle and every nonconformity under corrective action before the
// next Plan (9.3, 10.2, act->plan).
func Checks() []aims.Check {
	return []aims.Check{
		{ID: CheckMetricsDefined, Clause: "9.1", Title: "Monitoring metrics defined", Gate: aims.GateDoToCheck, Run: checkMetricsDefined},
		{ID: CheckMonitoringResults, Clause: "9.1", Title: "Monitoring results recorded", Gate: aims.GateCheckToAct, Run: checkMonitoringResults},
		{ID: CheckInternalAudit, Clause: "9.2", Title: "Internal audit completed", Gate: aims.GateCheckToAct, Run: checkInternalAudit},
		{ID: CheckManagementReview, Clause: "9.3", Title: "Management review held", Gate: aims.GateActToPlan, Run: checkManagementReview},
		{ID: CheckCorrectiveActions, Clause: "10.2", Title: "Corrective actions tracked", Gate: aims.GateActToPlan, Run: checkCorrectiveActions},
	}
}

// cycleStart returns the start of the period whose evidence counts (zero:
// no cycle recorded): the current cycle's start, or, while a new cycle is
// still in Plan or Do, the previous cycle's, whose Check and Act evidence
// stands until this cycle produces its own. The PDCA gates that use these
// checks (check->act, act->plan) run in Check and Act, so they always ask
// for the current cycle's evidence.
func cycleStart(ctx context.Context, ws *aims.Workspace) (time.Time, error) {
	c, err := aims.Cycles(ws).Get(ctx, aims.CycleID)
	if errors.Is(err, aims.ErrNotFound) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, err
	}
	return evidenceSince(c), nil
}

func evidenceSince(c *aims.Cycle) time.Time {
	if p := c.Phase(); (p == aims.PhasePlan || p == aims.PhaseDo) && !c.PreviousStarted.IsZero() {
		return c.PreviousStarted
	}
	return c.Started
}

func anyOf(ctx context.Context, ws *aims.Workspace, kind string, where map[string]string) (bool, error) {
	page, err := ws.Store().List(ctx, ws.Tenant(), aims.Query{Kind: kind, Where: where, Limit: 1})
	if err != nil {
		return false, aims.E("list", kind, "", err)
	}
	return len(page.Records) > 0, nil
}

func checkMetricsDefined(ctx context.Context, ws *aims.Workspace) (bool, string, error) {
	ok, err := anyOf(ctx, ws, KindMetric, nil)
	if err != nil || !ok {
		return false, "no monitoring metric is defined", err
	}
	return true, "monitoring metrics are defined", nil
}

func checkMonitoringResults(ctx context.Context, ws *aims.Workspace) (bool, string, error) {
	since, err := cycleStart(ctx, ws)
	if err != nil {
		return false, "", err
	}
	n := 0
	for m, err := range NewMetrics(ws).meas.List(ctx, nil) {
		if err != nil {
			return false, "", err
		}
		if !m.At.Before(since) {
			n++
		}
	}
	if n == 0 {
		return false, "no measurement is recorded in this cycle", nil
	}
	return true, fmt.Sprintf("%d measurements recorded in this cycle", n), nil
}

func checkInternalAudit(ctx context.Context, ws *aims.Workspace) (bool, string, error) {
	since, err := cycleStart(ctx, ws)
	if err != nil {
		return false, "", err
	}
	var ids []string
	for a, err := range NewAudits(ws, nil).c.List(ctx, map[string]string{"state": string(AuditCompleted)}) {
		if err != nil {
			return false, "", err
		}
		if !a.Completed.Before(since) {
			ids = append(ids, a.ID)
		}
	}
	if len(ids) == 0 {
		return false, "no internal audit is completed in this cycle", nil
	}
	return true, "completed: " + strings.Join(ids, ", "), nil
}

func checkManagementReview(ctx context.Context, ws *aims.Workspace) (bool, string, error) {
	since, err := cycleStart(ctx, ws)
	if err != nil {
		return false, "", err
	}
	for r, err := range NewReviews(ws, nil).c.List(ctx, map[string]string{"state": string(ReviewHeld)}) {
		if err != nil {
			return false, "", err
		}
		if !r.Held.Before(since) {
			return true, fmt.Sprintf("review %s held on %s", r.ID, date(r.Held)), nil
		}
	}
	return false, "no management review is held in this cycle", nil
}

func checkCorrectiveActions(ctx context.Context, ws *aims.Workspace) (bool, string, error) {
	var waiting []string
	n := 0
	for nc, err := range NewNonconformities(ws).c.List(ctx, map[string]string{"type": string(TypeNonconformity)}) {
		if err != nil {
			return false, "", err
		}
		n++
		switch NCState(nc.State) {
		case NCOpen, NCCorrected, NCAnalysed:
			waiting = append(waiting, nc.ID)
		}
	}
	if len(waiting) > 0 {
		slices.SortFunc(waiting, natsort.Compare)
		return false, "no corrective action planned for " + strings.Join(waiting, ", "), nil
	}
	return true, fmt.Sprintf("%d nonconformities, all under corrective action or closed", n), nil
}
