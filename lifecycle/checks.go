package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/internal/firstfew"
	"github.com/aimsgo/iso42001/internal/natsort"
)

// Ids of the checks [Checks] returns, one clause or control each.
const (
	CheckChangesReassessed    = "changes-reassessed"      // 6.3
	CheckAwarenessRecorded    = "awareness-recorded"      // 7.3
	CheckCommunicationPlanned = "communication-recorded"  // 7.4
	CheckConcernsHandled      = "concerns-handled"        // A.3.3
	CheckSystemResources      = "system-resources"        // A.4.2
	CheckSystemRequirements   = "system-requirements"     // A.6.2.2
	CheckVerificationPassed   = "verification-passed"     // A.6.2.4
	CheckDeploymentApproved   = "deployment-approved"     // A.6.2.5
	CheckTechnicalDocs        = "technical-documentation" // A.6.2.7
	CheckEventLogs            = "event-log-policy"        // A.6.2.8
	CheckDataQuality          = "data-quality"            // A.7.4
	CheckDataProvenance       = "data-provenance"         // A.7.5
)

// DefaultConcernDue is the time within which a reported concern is to be
// closed when [CheckOptions] sets none.
const DefaultConcernDue = 30 * 24 * time.Hour

// CheckOptions is what the life cycle checks need from outside the
// package. Every field is optional.
type CheckOptions struct {
	// Applicable returns the controls the approved Statement of
	// Applicability holds applicable, and whether an SoA is approved at
	// all. A control check whose control the approved SoA excludes reports
	// itself not applicable; without an approved SoA (or with Applicable
	// nil) every control counts as applicable.
	Applicable func(ctx context.Context) (controls []string, approved bool, err error)
	// RiskReassessed reports whether the risk id was assessed at or after
	// since, with a few words on what was found. Nil: a change naming a
	// risk to reassess fails the 6.3 check, since nothing can tell.
	RiskReassessed func(ctx context.Context, id string, since time.Time) (bool, string, error)
	// ImpactReassessed reports whether the impact assessment id was
	// redone and approved at or after since. Nil: as for RiskReassessed.
	ImpactReassessed func(ctx context.Context, id string, since time.Time) (bool, string, error)
	// ReviewChanges returns how many changes to the AIMS each held
	// management review decided (9.3.3), by review id. The 6.3 check
	// then asks that each review has at least as many changes planned
	// that name it in [Change.Review]. Nil: the check reads the planned
	// changes alone, as if no review had decided any.
	ReviewChanges func(ctx context.Context) (map[string]int, error)
	// ConcernDue is the time within which a reported concern must be
	// closed; zero means [DefaultConcernDue].
	ConcernDue time.Duration
}

// Checks returns the readiness checks a certification auditor runs on the
// life cycle records: one id and one clause or control each, in clause
// order. Each fails when the records it reads are missing; one whose
// subject does not exist yet (no system has reached the stage that calls
// for the record, the SoA excludes the control, no change is planned or
// decided) passes and says "not applicable because ...". Every check
// reads; none writes. They guard the gate from Check to Act: the records are evidence
// of operation, which the Check phase (and a stage 2 audit) looks for.
func Checks(opts CheckOptions) []aims.Check {
	if opts.ConcernDue <= 0 {
		opts.ConcernDue = DefaultConcernDue
	}
	o := &opts
	return []aims.Check{
		{ID: CheckChangesReassessed, Clause: "6.3", Title: "Changes planned as decided, reassessments named and carried out", Gate: aims.GateCheckToAct, Run: o.changes},
		{ID: CheckAwarenessRecorded, Clause: "7.3", Title: "Awareness of the policy, of each person's part and of nonconformity recorded", Gate: aims.GateCheckToAct, Run: checkAwareness},
		{ID: CheckCommunicationPlanned, Clause: "7.4", Title: "Internal and external communication recorded", Gate: aims.GateCheckToAct, Run: checkCommunication},
		{ID: CheckConcernsHandled, Clause: "A.3.3", Title: "Concerns can be reported and are handled in time", Gate: aims.GateCheckToAct, Run: o.control("A.3.3", o.concerns)},
		{ID: CheckSystemResources, Clause: "A.4.2", Title: "Data, tooling, computing and human resources recorded per AI system", Gate: aims.GateCheckToAct,
			Run: o.control("A.4.2", perSystem(aims.StageDesignDevelopment, "resources recorded", systemResources))},
		{ID: CheckSystemRequirements, Clause: "A.6.2.2", Title: "Requirements specified per AI system", Gate: aims.GateCheckToAct,
			Run: o.control("A.6.2.2", perSystem(aims.StageDesignDevelopment, "requirements specified", systemRequirements))},
		{ID: CheckVerificationPassed, Clause: "A.6.2.4", Title: "Deployed AI systems passed verification against their criteria", Gate: aims.GateCheckToAct,
			Run: o.control("A.6.2.4", perSystem(aims.StageDeployment, "a passed verification", systemVerified))},
		{ID: CheckDeploymentApproved, Clause: "A.6.2.5", Title: "Deployed AI systems have an approved deployment", Gate: aims.GateCheckToAct,
			Run: o.control("A.6.2.5", perSystem(aims.StageDeployment, "an approved deployment", systemDeployed))},
		{ID: CheckTechnicalDocs, Clause: "A.6.2.7", Title: "Technical documentation indexed per AI system", Gate: aims.GateCheckToAct,
			Run: o.control("A.6.2.7", perSystem(aims.StageVerificationValidation, "technical documentation", systemTechDoc))},
		{ID: CheckEventLogs, Clause: "A.6.2.8", Title: "Event logging decided for deployed AI systems", Gate: aims.GateCheckToAct,
			Run: o.control("A.6.2.8", perSystem(aims.StageDeployment, "an event-log policy", systemEventLog))},
		{ID: CheckDataQuality, Clause: "A.7.4", Title: "Data quality required and measured as met", Gate: aims.GateCheckToAct, Run: o.control("A.7.4", checkDataQuality)},
		{ID: CheckDataProvenance, Clause: "A.7.5", Title: "Provenance and acquisition of the data in use recorded", Gate: aims.GateCheckToAct, Run: o.control("A.7.5", checkDataProvenance)},
	}
}

type checkFunc = func(ctx context.Context, ws *aims.Workspace) (bool, string, error)

// control makes run not applicable when the approved SoA excludes id.
func (o *CheckOptions) control(id string, run checkFunc) checkFunc {
	return func(ctx context.Context, ws *aims.Workspace) (bool, string, error) {
		if o.Applicable != nil {
			ctrls, approved, err := o.Applicable(ctx)
			if err != nil {
				return false, "", err
			}
			if approved && !slices.Contains(ctrls, id) {
				return true, fmt.Sprintf("not applicable because the approved Statement of Applicability excludes %s", id), nil
			}
		}
		return run(ctx, ws)
	}
}

// all reads every record of a collection once per run (aims.WithRunCache).
type allKey struct{ tenant, kind string }

func all[T any, P aims.Doc[T]](ctx context.Context, c *aims.Collection[T, P]) ([]P, error) {
	return aims.Cached(ctx, allKey{c.Workspace().Tenant(), c.Kind()}, func() ([]P, error) { return c.All(ctx, nil) })
}

// bySystem reads every record of a collection once per run and groups
// them by the AI system system(rec) names, so that a check over n systems
// reads each kind once and looks each system up in O(1).
type bySystemKey struct{ tenant, kind string }

func bySystem[T any, P aims.Doc[T]](ctx context.Context, c *aims.Collection[T, P], system func(P) string) (map[string][]P, error) {
	return aims.Cached(ctx, bySystemKey{c.Workspace().Tenant(), c.Kind()}, func() (map[string][]P, error) {
		recs, err := all(ctx, c)
		if err != nil {
			return nil, err
		}
		out := map[string][]P{}
		for _, r := range recs {
			out[system(r)] = append(out[system(r)], r)
		}
		return out, nil
	})
}

// stageIndex orders the life cycle stages; -1 for an unrecorded stage.
func stageIndex(s aims.LifecycleStage) int {
	switch s {
	case aims.StageInception:
		return 0
	case aims.StageDesignDevelopment:
		return 1
	case aims.StageVerificationValidation:
		return 2
	case aims.StageDeployment:
		return 3
	case aims.StageOperationMonitoring:
		return 4
	case aims.StageReEvaluation:
		return 5
	case aims.StageRetirement:
		return 6
	}
	return -1
}

// systemCheck says what one in-scope system lacks ("" when nothing).
type systemCheck func(ctx context.Context, ws *aims.Workspace, sys scoped) (string, error)

// perSystem runs lacks over every in-scope AI system at or past from. No
// system in scope fails (there is nothing to audit yet); systems in scope
// but none at the stage passes as not applicable, saying so.
func perSystem(from aims.LifecycleStage, what string, lacks systemCheck) checkFunc {
	return func(ctx context.Context, ws *aims.Workspace) (bool, string, error) {
		systems, err := inScopeSystems(ctx, ws)
		if err != nil {
			return false, "", err
		}
		var inScope, failing firstfew.List
		n := 0
		for _, sys := range systems {
			if !sys.InScope {
				continue
			}
			inScope.Add(sys.ID)
			if sys.Stage == "" {
				if failing.Keep() {
					failing.Items = append(failing.Items, sys.ID+" (no life cycle stage recorded)")
				}
				continue
			}
			if stageIndex(sys.Stage) < stageIndex(from) {
				continue
			}
			n++
			miss, err := lacks(ctx, ws, sys)
			if err != nil {
				return false, "", err
			}
			if miss != "" && failing.Keep() {
				failing.Items = append(failing.Items, sys.ID+" ("+miss+")")
			}
		}
		switch {
		case inScope.N == 0:
			return false, "no AI system is in scope yet", nil
		case failing.N > 0:
			return false, fmt.Sprintf("%d in-scope AI systems lack %s: %s", failing.N, what, failing.Join(", ")), nil
		case n == 0:
			return true, fmt.Sprintf("not applicable because no in-scope AI system has reached %s (%s)", from, inScope.Join(", ")), nil
		}
		return true, fmt.Sprintf("%d in-scope AI systems at or past %s have %s", n, from, what), nil
	}
}

// some joins the first five items and counts the rest, so that a detail
// stays readable (and small) over thousands of records.
func some(items []string, sep string) string {
	if len(items) <= firstfew.Shown {
		return strings.Join(items, sep)
	}
	return fmt.Sprintf("%s and %d more", strings.Join(items[:firstfew.Shown], sep), len(items)-firstfew.Shown)
}

// scoped is an AI system as the life cycle checks read it from the
// kernel's projection of the inventory; they skip the ones out of scope.
type scoped = aims.SystemRow

// inScopeSystems returns every AI system in natural id order (the checks
// skip those out of scope), from the kernel's projection of the
// inventory's indexed attributes (aims.SystemRows: no document is
// decoded, and a read after a few writes re-reads only the systems they
// changed).
func inScopeSystems(ctx context.Context, ws *aims.Workspace) ([]scoped, error) {
	return aims.SystemRows(ctx, ws)
}

// matching returns the ids of recs that pass ok (all when ok is nil).
func matching[P interface{ Header() *aims.Meta }](recs []P, ok func(P) bool) []string {
	var out []string
	for _, r := range recs {
		if ok == nil || ok(r) {
			out = append(out, r.Header().ID)
		}
	}
	return out
}

func systemRequirements(ctx context.Context, ws *aims.Workspace, sys scoped) (string, error) {
	recs, err := bySystem(ctx, Requirements(ws), func(r *Requirement) string { return r.System })
	if err != nil || len(recs[sys.ID]) > 0 {
		return "", err
	}
	return "no requirement recorded", nil
}

func systemVerified(ctx context.Context, ws *aims.Workspace, sys scoped) (string, error) {
	recs, err := bySystem(ctx, Verifications(ws), func(v *Verification) string { return v.System })
	if err != nil {
		return "", err
	}
	of := matching(recs[sys.ID], nil)
	passed := matching(recs[sys.ID], func(v *Verification) bool {
		if !v.Passed || len(v.Results) == 0 || v.SignedBy == "" {
			return false
		}
		for _, m := range v.Results {
			if !m.Met() {
				return false
			}
		}
		return true
	})
	switch {
	case len(passed) > 0:
		return "", nil
	case len(of) > 0:
		return fmt.Sprintf("verification %s did not pass", strings.Join(of, ", ")), nil
	}
	return "no verification recorded", nil
}

func systemDeployed(ctx context.Context, ws *aims.Workspace, sys scoped) (string, error) {
	recs, err := bySystem(ctx, DeploymentApprovals(ws), func(d *DeploymentApproval) string { return d.System })
	if err != nil {
		return "", err
	}
	if len(matching(recs[sys.ID], func(d *DeploymentApproval) bool { return d.State == aims.ApprovalApproved })) > 0 {
		return "", nil
	}
	if of := matching(recs[sys.ID], func(d *DeploymentApproval) bool { return d.State != aims.ApprovalSuperseded }); len(of) > 0 {
		return fmt.Sprintf("deployment approval %s not approved", strings.Join(of, ", ")), nil
	}
	return "no deployment approval recorded", nil
}

func systemTechDoc(ctx context.Context, ws *aims.Workspace, sys scoped) (string, error) {
	recs, err := bySystem(ctx, TechnicalDocs(ws), func(t *TechnicalDoc) string { return t.System })
	if err != nil {
		return "", err
	}
	if len(matching(recs[sys.ID], func(t *TechnicalDoc) bool { return len(t.Items) > 0 || t.Source != nil })) > 0 {
		return "", nil
	}
	if len(recs[sys.ID]) > 0 {
		return "technical documentation index lists no document", nil
	}
	return "no technical documentation recorded", nil
}

func systemEventLog(ctx context.Context, ws *aims.Workspace, sys scoped) (string, error) {
	recs, err := bySystem(ctx, EventLogPolicies(ws), func(e *EventLogPolicy) string { return e.System })
	if err != nil || len(recs[sys.ID]) > 0 {
		return "", err
	}
	return "no event-log policy recorded", nil
}

// resourceKinds are the kinds every AI system needs (A.4.3-A.4.6).
var resourceKinds = []ResourceKind{ResourceData, ResourceTooling, ResourceComputing, ResourceHuman}

func systemResources(ctx context.Context, ws *aims.Workspace, sys scoped) (string, error) {
	recs, err := bySystem(ctx, Resources(ws), func(r *Resource) string { return r.System })
	if err != nil {
		return "", err
	}
	have := map[ResourceKind]bool{}
	for _, r := range recs[sys.ID] {
		have[r.Kind] = true
	}
	if !have[ResourceData] {
		used, err := datasetsBySystem(ctx, ws)
		if err != nil {
			return "", err
		}
		have[ResourceData] = len(used[sys.ID]) > 0
	}
	var miss []string
	for _, k := range resourceKinds {
		if !have[k] {
			miss = append(miss, string(k))
		}
	}
	if len(miss) > 0 {
		return "no " + strings.Join(miss, ", ") + " resource", nil
	}
	return "", nil
}

// datasetsKey caches [datasetsBySystem] per run.
type datasetsKey struct{ tenant string }

// datasetsBySystem returns the datasets each AI system uses; a dataset
// used by several systems is listed under each.
func datasetsBySystem(ctx context.Context, ws *aims.Workspace) (map[string][]*Dataset, error) {
	return aims.Cached(ctx, datasetsKey{ws.Tenant()}, func() (map[string][]*Dataset, error) {
		ds, err := all(ctx, Datasets(ws))
		if err != nil {
			return nil, err
		}
		out := map[string][]*Dataset{}
		for _, d := range ds {
			for _, id := range d.AISystems {
				out[id] = append(out[id], d)
			}
		}
		return out, nil
	})
}

// inScopeDatasets returns the systems (sorted; the callers skip those out
// of scope) and the datasets linked to at least one in-scope system.
func inScopeDatasets(ctx context.Context, ws *aims.Workspace) ([]scoped, []*Dataset, error) {
	in, err := inScopeSystems(ctx, ws)
	if err != nil {
		return nil, nil, err
	}
	ds, err := all(ctx, Datasets(ws))
	if err != nil {
		return nil, nil, err
	}
	var used []*Dataset
	for _, d := range ds {
		if slices.ContainsFunc(d.AISystems, func(id string) bool { return inScopeHas(in, id) }) {
			used = append(used, d)
		}
	}
	slices.SortFunc(used, func(a, b *Dataset) int { return natsort.Compare(a.ID, b.ID) })
	return in, used, nil
}

// inScopeHas reports whether id is an in-scope system of all (in natural
// order of id, as [inScopeSystems] returns them).
func inScopeHas(all []scoped, id string) bool {
	i, ok := slices.BinarySearchFunc(all, id, func(s scoped, id string) int { return natsort.Compare(s.ID, id) })
	return ok && all[i].InScope
}

// anyInScope reports whether some system of all is in scope.
func anyInScope(all []scoped) bool {
	return slices.ContainsFunc(all, func(s scoped) bool { return s.InScope })
}

// checkDataProvenance asks that every data source the inventory names for
// an in-scope system has a dataset record linked to it, and that every
// such dataset says how it was acquired (A.7.3, A.7.5; provenance is
// required by the record).
func checkDataProvenance(ctx context.Context, ws *aims.Workspace) (bool, string, error) {
	in, used, err := inScopeDatasets(ctx, ws)
	if err != nil {
		return false, "", err
	}
	if !anyInScope(in) {
		return false, "no AI system is in scope yet", nil
	}
	bySys, err := datasetsBySystem(ctx, ws)
	if err != nil {
		return false, "", err
	}
	var bad firstfew.List
	sources := 0
	for _, s := range in {
		if !s.InScope {
			continue
		}
		names := s.Sources
		if !s.Indexed { // written by an older build: its document says
			sys, err := aims.AISystems(ws).Get(ctx, s.ID)
			if errors.Is(err, aims.ErrNotFound) {
				continue // gone since the index was read
			}
			if err != nil {
				return false, "", err
			}
			names = names[:0:0]
			for _, d := range sys.DataSources {
				names = append(names, d.Name)
			}
		}
		for _, src := range names {
			sources++
			if !slices.ContainsFunc(bySys[s.ID], func(d *Dataset) bool { return d.Name == src }) && bad.Keep() {
				bad.Items = append(bad.Items, fmt.Sprintf("%s data source %q has no dataset record", s.ID, src))
			}
		}
	}
	for _, d := range used {
		if strings.TrimSpace(d.Acquisition) == "" && bad.Keep() {
			bad.Items = append(bad.Items, fmt.Sprintf("dataset %s does not say how it was acquired", d.ID))
		}
	}
	switch {
	case bad.N > 0:
		return false, bad.Join("; "), nil
	case sources == 0 && len(used) == 0:
		return true, "not applicable because no in-scope AI system names a data source or has a dataset", nil
	}
	return true, fmt.Sprintf("%d datasets of in-scope AI systems record provenance and acquisition", len(used)), nil
}

// checkDataQuality asks that every dataset of an in-scope system states
// its quality requirements and measures quality that meets them.
func checkDataQuality(ctx context.Context, ws *aims.Workspace) (bool, string, error) {
	in, used, err := inScopeDatasets(ctx, ws)
	if err != nil {
		return false, "", err
	}
	if !anyInScope(in) {
		return false, "no AI system is in scope yet", nil
	}
	var bad []string
	for _, d := range used {
		switch ok, missed := d.QualityMet(); {
		case strings.TrimSpace(d.QualityRequirements) == "" && len(d.Quality) == 0:
			bad = append(bad, d.ID+" (no quality requirements)")
		case len(d.Quality) == 0:
			bad = append(bad, d.ID+" (quality not measured)")
		case !slices.ContainsFunc(d.Quality, func(m Metric) bool { return m.Threshold != nil }):
			bad = append(bad, d.ID+" (no measured quality has a threshold to meet)")
		case !ok:
			bad = append(bad, fmt.Sprintf("%s (misses %s)", d.ID, strings.Join(missed, ", ")))
		}
	}
	switch {
	case len(bad) > 0:
		return false, fmt.Sprintf("%d datasets fail their quality requirements: %s", len(bad), some(bad, ", ")), nil
	case len(used) == 0:
		return true, "not applicable because no dataset is linked to an in-scope AI system", nil
	}
	return true, fmt.Sprintf("%d datasets of in-scope AI systems meet their measured quality", len(used)), nil
}

// concerns asks for someone to report concerns to (a concern handler)
// and no concern left open past its due time.
func (o *CheckOptions) concerns(ctx context.Context, ws *aims.Workspace) (bool, string, error) {
	ras, err := all(ctx, aims.RoleAssignments(ws))
	if err != nil {
		return false, "", err
	}
	if !slices.ContainsFunc(ras, func(ra *aims.RoleAssignment) bool { return ra.Has(RoleConcernHandler) }) {
		return false, fmt.Sprintf("nobody holds the %s role, so a reported concern has nobody to handle it", RoleConcernHandler), nil
	}
	cs, err := all(ctx, Concerns(ws))
	if err != nil {
		return false, "", err
	}
	now := ws.Now()
	var late []string
	open := 0
	for _, c := range cs {
		if c.State == string(ConcernClosed) {
			continue
		}
		open++
		at := c.ReportedAt
		if at.IsZero() {
			at = c.CreatedAt
		}
		if due := at.Add(o.ConcernDue); now.After(due) {
			late = append(late, fmt.Sprintf("%s (%s, due %s)", c.ID, c.State, due.Format(time.DateOnly)))
		}
	}
	slices.SortFunc(late, natsort.Compare)
	switch {
	case len(late) > 0:
		return false, fmt.Sprintf("%d concerns open past their due time of %d days: %s", len(late), int(o.ConcernDue.Hours()/24), some(late, ", ")), nil
	case len(cs) == 0:
		return true, "a concern handler is assigned; no concern has been reported", nil
	}
	return true, fmt.Sprintf("%d concerns reported, %d open and within their due time", len(cs), open), nil
}

// changes asks that every change a held management review decided is
// planned as a change naming the review, that approved and done changes
// touching AI systems name the reassessments they trigger, and that done
// changes carried them out.
func (o *CheckOptions) changes(ctx context.Context, ws *aims.Workspace) (bool, string, error) {
	cs, err := all(ctx, Changes(ws))
	if err != nil {
		return false, "", err
	}
	var decided map[string]int
	if o.ReviewChanges != nil {
		if decided, err = o.ReviewChanges(ctx); err != nil {
			return false, "", err
		}
	}
	planned := map[string]int{}
	for _, c := range cs {
		if c.Review != "" {
			planned[c.Review]++
		}
	}
	var unplanned firstfew.List
	total, reviews := 0, 0
	for _, id := range slices.SortedFunc(maps.Keys(decided), natsort.Compare) {
		n := decided[id]
		if n <= 0 {
			continue
		}
		total += n
		reviews++
		if planned[id] < n && unplanned.Keep() {
			unplanned.Items = append(unplanned.Items, fmt.Sprintf("management review %s decided %s to the AIMS, %d planned: plan each as a change whose review is %s",
				id, firstfew.Count(n, "change"), planned[id], id))
		}
	}
	if len(cs) == 0 && total == 0 {
		return true, "not applicable because no change to the AIMS has been planned or decided by a management review", nil
	}
	cs = slices.Clone(cs)
	slices.SortFunc(cs, func(a, b *Change) int { return natsort.Compare(a.ID, b.ID) })
	var bad []string
	for _, c := range cs {
		if len(c.AISystems) > 0 && len(c.Risks)+len(c.Impacts) == 0 {
			bad = append(bad, c.ID+" names no risk or impact reassessment")
			continue
		}
		if c.State != string(ChangeDone) {
			continue
		}
		for _, id := range c.Risks {
			ok, why, err := reassessed(ctx, o.RiskReassessed, id, c.CreatedAt)
			if err != nil {
				return false, "", err
			}
			if !ok {
				bad = append(bad, fmt.Sprintf("%s: risk %s %s", c.ID, id, why))
			}
		}
		for _, id := range c.Impacts {
			ok, why, err := reassessed(ctx, o.ImpactReassessed, id, c.CreatedAt)
			if err != nil {
				return false, "", err
			}
			if !ok {
				bad = append(bad, fmt.Sprintf("%s: impact assessment %s %s", c.ID, id, why))
			}
		}
	}
	var fails []string
	if unplanned.N > 0 {
		fails = append(fails, unplanned.Join("; "))
	}
	if len(bad) > 0 {
		fails = append(fails, some(bad, "; "))
	}
	if len(fails) > 0 {
		return false, strings.Join(fails, "; "), nil
	}
	detail := fmt.Sprintf("%s planned; each names the reassessments it calls for, and the done ones carried them out", firstfew.Count(len(cs), "change"))
	if total > 0 {
		detail += fmt.Sprintf("; every change to the AIMS a held management review decided is planned (%s from %s)", firstfew.Count(total, "change"), firstfew.Count(reviews, "review"))
	}
	return true, detail, nil
}

func reassessed(ctx context.Context, f func(context.Context, string, time.Time) (bool, string, error), id string, since time.Time) (bool, string, error) {
	if f == nil {
		return false, "cannot be confirmed as reassessed", nil
	}
	ok, why, err := f(ctx, id, since)
	if !ok && why == "" {
		why = "not reassessed since the change was planned"
	}
	return ok, why, err
}

// checkAwareness asks for awareness records that together cover the AI
// policy, each person's contribution and what nonconformity means (7.3).
func checkAwareness(ctx context.Context, ws *aims.Workspace) (bool, string, error) {
	as, err := all(ctx, Awarenesses(ws))
	if err != nil {
		return false, "", err
	}
	if len(as) == 0 {
		return false, "no awareness activity is recorded", nil
	}
	var policy, contribution, nc bool
	for _, a := range as {
		policy = policy || a.CoversPolicy
		contribution = contribution || a.CoversContribution
		nc = nc || a.CoversNonconformity
	}
	var miss []string
	if !policy {
		miss = append(miss, "the AI policy")
	}
	if !contribution {
		miss = append(miss, "each person's contribution")
	}
	if !nc {
		miss = append(miss, "the implications of nonconformity")
	}
	if len(miss) > 0 {
		return false, fmt.Sprintf("%d awareness activities recorded, none covering %s", len(as), strings.Join(miss, " or ")), nil
	}
	return true, fmt.Sprintf("%d awareness activities cover the policy, contributions and nonconformity", len(as)), nil
}

// checkCommunication asks for both internal and external communication
// determined (7.4: what, when, with whom, how).
func checkCommunication(ctx context.Context, ws *aims.Workspace) (bool, string, error) {
	cs, err := all(ctx, Communications(ws))
	if err != nil {
		return false, "", err
	}
	if len(cs) == 0 {
		return false, "no communication is recorded", nil
	}
	var miss []string
	for _, a := range []Audience{AudienceInternal, AudienceExternal} {
		if !slices.ContainsFunc(cs, func(c *Communication) bool { return c.Audience == a }) {
			miss = append(miss, string(a))
		}
	}
	if len(miss) > 0 {
		return false, fmt.Sprintf("%d communications recorded, none %s", len(cs), strings.Join(miss, " or ")), nil
	}
	return true, fmt.Sprintf("%d communications recorded, internal and external", len(cs)), nil
}
