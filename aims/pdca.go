package aims

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aimsgo/iso42001/internal/natsort"
)

// KindCycle is the record kind of [Cycle].
const KindCycle = "pdca-cycle"

// CycleID is the id of a workspace's one [Cycle] record; it counts the
// cycles in Number, and the journal keeps the history of every phase.
const CycleID = "pdca"

// systemActor is the actor that creates the first cycle when [PDCA.Current]
// finds none: no person decided it, the kernel did.
const systemActor = "system"

// Phase is a phase of the Plan-Do-Check-Act cycle. Values are append-only.
type Phase string

// PDCA phases, in cycle order.
const (
	// PhasePlan: context, scope, risks, objectives and controls are set.
	PhasePlan Phase = "plan"
	// PhaseDo: controls are implemented and operated.
	PhaseDo Phase = "do"
	// PhaseCheck: performance is monitored, audited and reviewed.
	PhaseCheck Phase = "check"
	// PhaseAct: nonconformities are corrected and the AIMS improved.
	PhaseAct Phase = "act"
)

// Valid reports whether p is a known phase.
func (p Phase) Valid() bool {
	return p == PhasePlan || p == PhaseDo || p == PhaseCheck || p == PhaseAct
}

// Next returns the phase after p (act is followed by the next cycle's
// plan), or "" for an unknown phase.
func (p Phase) Next() Phase {
	switch p {
	case PhasePlan:
		return PhaseDo
	case PhaseDo:
		return PhaseCheck
	case PhaseCheck:
		return PhaseAct
	case PhaseAct:
		return PhasePlan
	}
	return ""
}

// Gate is the passage from one phase to the next; readiness checks belong
// to a gate, and the gate is the workflow event that passes it. Values are
// append-only.
type Gate string

// Gates.
const (
	// GatePlanToDo: the plan is complete enough to implement.
	GatePlanToDo Gate = "plan->do"
	// GateDoToCheck: controls are operating and can be evaluated.
	GateDoToCheck Gate = "do->check"
	// GateCheckToAct: performance has been evaluated.
	GateCheckToAct Gate = "check->act"
	// GateActToPlan: improvements are decided; the next cycle begins.
	GateActToPlan Gate = "act->plan"
)

// Valid reports whether g is a known gate.
func (g Gate) Valid() bool {
	return g == GatePlanToDo || g == GateDoToCheck || g == GateCheckToAct || g == GateActToPlan
}

// GateFrom returns the gate out of phase p, or "" for an unknown phase.
func GateFrom(p Phase) Gate {
	switch p {
	case PhasePlan:
		return GatePlanToDo
	case PhaseDo:
		return GateDoToCheck
	case PhaseCheck:
		return GateCheckToAct
	case PhaseAct:
		return GateActToPlan
	}
	return ""
}

// Check is one readiness check: a clause of the standard whose evidence
// must exist before the cycle passes Gate. Run looks at the workspace and
// answers ok with a detail a person can act on ("no AI policy is approved
// yet"); err is for when it could not look (a store failure), which
// refuses the passage without blaming the AIMS.
type Check struct {
	// ID names the check, unique in a [Checks] registry, e.g. "ai-policy".
	ID string
	// Clause is the clause or control the check evidences, e.g. "5.2".
	Clause string
	// Title says what is checked, in a few words.
	Title string
	// Gate is the passage the check guards.
	Gate Gate
	// Run performs the check.
	Run func(ctx context.Context, ws *Workspace) (ok bool, detail string, err error)
}

// Checks is a registry of readiness checks: the kernel's ([KernelChecks])
// plus those later packages add (risk assessment, Statement of
// Applicability, management review, ...). It is a value the caller builds
// and passes to [NewPDCA]; it is safe for concurrent use.
type Checks struct {
	mu   sync.RWMutex
	list []Check
	ids  map[string]bool
}

// NewChecks returns an empty registry.
func NewChecks() *Checks { return &Checks{ids: map[string]bool{}} }

// Add registers checks. Every check needs a [ValidName] id not yet
// registered, a clause, a known gate and a Run function; on any problem
// Add registers none of them and returns a [*ValidationError] with paths
// like "checks[2].gate".
func (cs *Checks) Add(c ...Check) error {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	var p Problems
	batch := map[string]bool{}
	for i, chk := range c {
		path := fmt.Sprintf("checks[%d]", i)
		switch {
		case !ValidName(chk.ID):
			p.Addf(path+".id", "must be 1-%d printable bytes, got %q", maxName, chk.ID)
		case cs.ids[chk.ID] || batch[chk.ID]:
			p.Addf(path+".id", "duplicate check id %q", chk.ID)
		}
		batch[chk.ID] = true
		if !ValidName(chk.Clause) {
			p.Addf(path+".clause", "must name a clause or control, got %q", chk.Clause)
		}
		if !chk.Gate.Valid() {
			p.Addf(path+".gate", "must be one of plan->do, do->check, check->act, act->plan, got %q", chk.Gate)
		}
		if chk.Run == nil {
			p.Add(path+".run", "is required")
		}
	}
	if err := p.Err(); err != nil {
		return err
	}
	for _, chk := range c {
		cs.ids[chk.ID] = true
		cs.list = append(cs.list, chk)
	}
	return nil
}

// For returns the checks of gate g, sorted by clause in natural order
// (4.3 before 10.1, A.2.2 before A.10.2), then by id.
func (cs *Checks) For(g Gate) []Check {
	cs.mu.RLock()
	var out []Check
	for _, c := range cs.list {
		if c.Gate == g {
			out = append(out, c)
		}
	}
	cs.mu.RUnlock()
	slices.SortFunc(out, func(a, b Check) int {
		if c := natsort.Compare(a.Clause, b.Clause); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out
}

// KernelChecks returns the kernel's readiness checks, all on
// [GatePlanToDo]: scope defined (4.3), AI systems inventoried (4.3), AI
// policy approved (5.2), roles assigned (5.3), AI objectives set (6.2).
func KernelChecks() []Check {
	return []Check{
		{ID: "context-issues", Clause: "4.1", Title: "Internal and external issues determined", Gate: GatePlanToDo, Run: checkContext},
		{ID: "interested-parties", Clause: "4.2", Title: "Interested parties and their requirements determined", Gate: GatePlanToDo, Run: checkParties},
		{ID: "scope-defined", Clause: "4.3", Title: "AIMS scope defined", Gate: GatePlanToDo, Run: checkScope},
		{ID: "ai-system-inventory", Clause: "4.3", Title: "AI systems inventoried", Gate: GatePlanToDo, Run: checkInventory},
		{ID: "leadership", Clause: "5.1", Title: "Top management named and committed to the AI policy", Gate: GatePlanToDo, Run: checkLeadership},
		{ID: "ai-policy", Clause: "5.2", Title: "AI policy approved", Gate: GatePlanToDo, Run: checkPolicy},
		{ID: "roles-assigned", Clause: "5.3", Title: "Roles and responsibilities assigned", Gate: GatePlanToDo, Run: checkRoles5_3},
		{ID: "ai-objectives", Clause: "6.2", Title: "AI objectives set", Gate: GatePlanToDo, Run: checkObjectives},
		{ID: "documented-information", Clause: "7.5", Title: "Documented information controlled and reviewed on time", Gate: GatePlanToDo, Run: checkDocumentControl},
	}
}

// checkContext asks for the issues of 4.1, internal and external both.
func checkContext(ctx context.Context, ws *Workspace) (bool, string, error) {
	n := map[IssueType]int{}
	for c, err := range ContextIssues(ws).List(ctx, nil) {
		if err != nil {
			return false, "", err
		}
		n[c.Type]++
	}
	switch {
	case n[IssueInternal] == 0 && n[IssueExternal] == 0:
		return false, "no internal or external issue is recorded", nil
	case n[IssueInternal] == 0:
		return false, fmt.Sprintf("%d external issues but no internal one", n[IssueExternal]), nil
	case n[IssueExternal] == 0:
		return false, fmt.Sprintf("%d internal issues but no external one", n[IssueInternal]), nil
	}
	return true, fmt.Sprintf("%d internal and %d external issues recorded", n[IssueInternal], n[IssueExternal]), nil
}

// checkParties asks for interested parties with their relevant
// requirements (4.2 b and c).
func checkParties(ctx context.Context, ws *Workspace) (bool, string, error) {
	parties, reqs := 0, 0
	var bare []string
	for ip, err := range InterestedParties(ws).List(ctx, nil) {
		if err != nil {
			return false, "", err
		}
		parties++
		reqs += len(ip.Requirements)
		if len(ip.Requirements) == 0 {
			bare = append(bare, ip.ID)
		}
	}
	switch {
	case parties == 0:
		return false, "no interested party is recorded", nil
	case reqs == 0:
		return false, fmt.Sprintf("%d interested parties, none with a requirement recorded", parties), nil
	}
	detail := fmt.Sprintf("%d interested parties with %d requirements", parties, reqs)
	if len(bare) > 0 {
		detail += fmt.Sprintf("; without requirements: %s", strings.Join(bare, ", "))
	}
	return true, detail, nil
}

// checkLeadership asks that someone holds the top-management role and
// that the AI policy was approved by a holder of it (5.1 a: the policy is
// top management's).
func checkLeadership(ctx context.Context, ws *Workspace) (bool, string, error) {
	var top []string
	for ra, err := range RoleAssignments(ws).List(ctx, nil) {
		if err != nil {
			return false, "", err
		}
		if ra.Has(RoleTopManagement) {
			top = append(top, ra.ID)
		}
	}
	if len(top) == 0 {
		return false, "nobody holds the role " + string(RoleTopManagement), nil
	}
	p, err := NewDocuments(ws).AIPolicy(ctx)
	if errors.Is(err, ErrNotFound) {
		return false, "top management (" + strings.Join(top, ", ") + ") has approved no AI policy", nil
	}
	if err != nil {
		return false, "", err
	}
	if !slices.Contains(top, p.Approver) {
		return false, fmt.Sprintf("AI policy %s was approved by %q, who does not hold the role %s", p.ID, p.Approver, RoleTopManagement), nil
	}
	return true, fmt.Sprintf("top management %s; AI policy %s approved by %s", strings.Join(top, ", "), p.ID, p.Approver), nil
}

// checkDocumentControl asks that documented information exists and that
// no approved or published document is past its review date (7.5.3).
func checkDocumentControl(ctx context.Context, ws *Workspace) (bool, string, error) {
	now := ws.Now()
	n := 0
	var late []string
	for d, err := range DocumentedInfos(ws).List(ctx, nil) {
		if err != nil {
			return false, "", err
		}
		st := DocState(d.State)
		if st != DocApproved && st != DocPublished {
			continue // drafts and withdrawn documents are not in force
		}
		n++
		if !d.ReviewDue.IsZero() && d.ReviewDue.Before(now) {
			late = append(late, fmt.Sprintf("%s (review due %s)", d.ID, d.ReviewDue.UTC().Format(time.DateOnly)))
		}
	}
	switch {
	case n == 0:
		return false, "no approved or published documented information is in force", nil
	case len(late) > 0:
		return false, "documents past their review date: " + strings.Join(late, ", "), nil
	}
	return true, fmt.Sprintf("%d documents in force, none past its review date", n), nil
}

// anyRecord reports whether ws holds at least one record of kind matching
// where, reading one record at most.
func anyRecord(ctx context.Context, ws *Workspace, kind string, where map[string]string) (bool, error) {
	page, err := ws.Store().List(ctx, ws.Tenant(), Query{Kind: kind, Where: where, Limit: 1})
	if err != nil {
		return false, E("list", kind, "", err)
	}
	return len(page.Records) > 0, nil
}

func checkScope(ctx context.Context, ws *Workspace) (bool, string, error) {
	scopes, err := Scopes(ws).All(ctx, nil)
	if err != nil {
		return false, "", err
	}
	if len(scopes) == 0 {
		return false, "no AIMS scope is recorded", nil
	}
	systems := AISystems(ws)
	var missing []string
	for _, s := range scopes {
		for _, id := range s.AISystems {
			ok, err := systems.Exists(ctx, id)
			if err != nil {
				return false, "", err
			}
			if !ok {
				missing = append(missing, fmt.Sprintf("%s names AI system %q, which is not in the inventory", s.ID, id))
			}
		}
	}
	if len(missing) > 0 {
		return false, "scope " + strings.Join(missing, "; "), nil
	}
	if len(scopes) == 1 {
		return true, fmt.Sprintf("scope %s is recorded", scopes[0].ID), nil
	}
	return true, fmt.Sprintf("%d scopes are recorded", len(scopes)), nil
}

func checkInventory(ctx context.Context, ws *Workspace) (bool, string, error) {
	// Counted from the inventory's projection: nothing decoded, and
	// nothing read again but the systems changed since the last run.
	rows, err := SystemRows(ctx, ws)
	if err != nil {
		return false, "", err
	}
	in := 0
	for i := range rows {
		if rows[i].InScope {
			in++
		}
	}
	if len(rows) == 0 {
		return false, "the AI system inventory is empty", nil
	}
	return true, fmt.Sprintf("%d AI systems inventoried, %d in scope", len(rows), in), nil
}

func checkPolicy(ctx context.Context, ws *Workspace) (bool, string, error) {
	p, err := NewDocuments(ws).AIPolicy(ctx)
	if errors.Is(err, ErrNotFound) {
		return false, "no AI policy is approved or published", nil
	}
	if err != nil {
		return false, "", err
	}
	return true, fmt.Sprintf("AI policy %s (revision %d) is %s", p.ID, p.Revision, p.State), nil
}

func checkRoles5_3(ctx context.Context, ws *Workspace) (bool, string, error) {
	ok, err := anyRecord(ctx, ws, KindRoleAssignment, nil)
	switch {
	case err != nil:
		return false, "", err
	case !ok:
		return false, "no roles are assigned", nil
	}
	return true, "roles are assigned", nil
}

func checkObjectives(ctx context.Context, ws *Workspace) (bool, string, error) {
	ok, err := anyRecord(ctx, ws, KindObjective, nil)
	switch {
	case err != nil:
		return false, "", err
	case !ok:
		return false, "no AI objectives are set", nil
	}
	return true, "AI objectives are set", nil
}

// Cycle is the AIMS's position in the Plan-Do-Check-Act cycle: which cycle
// it is in (Number) and, in Meta.State, which [Phase]. A workspace has one,
// with id [CycleID]; the journal holds every passage.
type Cycle struct {
	Meta
	// Number counts cycles from 1; passing act->plan starts the next.
	Number int `json:"number"`
	// Started is when the current cycle began.
	Started time.Time `json:"started,omitzero"`
	// PhaseStarted is when the current phase began.
	PhaseStarted time.Time `json:"phaseStarted,omitzero"`
	// PreviousStarted is when the previous cycle began (zero in cycle 1):
	// until the new cycle reaches Check, the last complete cycle's
	// evidence is what an auditor looks at.
	PreviousStarted time.Time `json:"previousStarted,omitzero"`
}

// Phase returns the cycle's current phase.
func (c *Cycle) Phase() Phase { return Phase(c.State) }

// Validate checks the cycle and returns a [*ValidationError] listing every
// problem.
func (c *Cycle) Validate() error {
	var p Problems
	checkHeader(&p, &c.Meta, KindCycle)
	if c.Number < 1 {
		p.Addf("number", "must be at least 1, got %d", c.Number)
	}
	if c.State != "" && !Phase(c.State).Valid() {
		p.Addf("state", "must be plan, do, check or act, got %q", c.State)
	}
	return p.Err()
}

// Cycles returns the collection of PDCA cycle records in ws. Prefer
// [PDCA], which moves the cycle through its gates.
func Cycles(ws *Workspace) *Collection[Cycle, *Cycle] {
	return NewCollection[Cycle](ws, KindCycle, 1)
}

// CheckResult is the outcome of one readiness check.
type CheckResult struct {
	ID     string `json:"id"`
	Clause string `json:"clause"`
	Title  string `json:"title"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
}

// Status is where the AIMS stands in its PDCA cycle and what the next gate
// still needs.
type Status struct {
	// Cycle is the cycle number.
	Cycle int `json:"cycle"`
	// Phase is the current phase, Next the one the gate leads to.
	Phase Phase `json:"phase"`
	Next  Phase `json:"next"`
	// Gate is the passage to Next.
	Gate Gate `json:"gate"`
	// Ready reports that every check of Gate passes.
	Ready bool `json:"ready"`
	// Checks lists every check of Gate, clause by clause in natural order.
	Checks []CheckResult `json:"checks"`
	// Blocking lists the failing ones, in the same order.
	Blocking []CheckResult `json:"blocking,omitempty"`
}

// PDCA moves a workspace's AIMS through Plan-Do-Check-Act: each passage
// (a [Gate]) is a workflow transition whose guards are the readiness checks
// registered for it, so the cycle cannot advance while evidence is
// missing, and every passage is journaled. It is safe for concurrent use.
type PDCA struct {
	ws     *Workspace
	checks *Checks
	cycles *Collection[Cycle, *Cycle]
}

// NewPDCA returns the PDCA service of ws with the readiness checks of
// checks; nil means a registry holding [KernelChecks] only. Checks added
// to the registry later apply from the next call.
func NewPDCA(ws *Workspace, checks *Checks) *PDCA {
	if checks == nil {
		checks = NewChecks()
		_ = checks.Add(KernelChecks()...) // the kernel's checks are valid by construction
	}
	return &PDCA{ws: ws, checks: checks, cycles: Cycles(ws)}
}

// pdcaRoles returns the roles that may advance the cycle (a fresh slice:
// no shared mutable state).
func pdcaRoles() []Role { return []Role{RoleTopManagement, RoleAIMSManager} }

// machine builds the PDCA workflow with one guard per registered check,
// named "<clause> <id>". A check that fails to run records its error in
// *runErr, so Advance can return the failure rather than a refusal.
func (pd *PDCA) machine(runErr *error) (*Machine[Cycle, Phase, Gate], error) {
	var mu sync.Mutex
	guards := func(g Gate) []Guard[Cycle] {
		var out []Guard[Cycle]
		for _, c := range pd.checks.For(g) {
			out = append(out, Guard[Cycle]{
				Name: c.Clause + " " + c.ID,
				Check: func(ctx context.Context, _ *Cycle) error {
					ok, detail, err := c.Run(ctx, pd.ws)
					if err != nil {
						mu.Lock()
						if *runErr == nil {
							*runErr = fmt.Errorf("readiness check %s (%s) could not run: %w", c.ID, c.Clause, err)
						}
						mu.Unlock()
						return fmt.Errorf("could not run: %v", err)
					}
					if !ok {
						if detail == "" {
							detail = c.Title + ": not met"
						}
						return errors.New(detail)
					}
					return nil
				},
			})
		}
		return out
	}
	return NewMachine(Spec[Cycle, Phase, Gate]{
		Name:    "pdca",
		Version: 1,
		Initial: PhasePlan,
		States:  []Phase{PhasePlan, PhaseDo, PhaseCheck, PhaseAct},
		Transitions: []Transition[Cycle, Phase, Gate]{
			{Event: GatePlanToDo, From: []Phase{PhasePlan}, To: PhaseDo, Roles: pdcaRoles(), Guards: guards(GatePlanToDo)},
			{Event: GateDoToCheck, From: []Phase{PhaseDo}, To: PhaseCheck, Roles: pdcaRoles(), Guards: guards(GateDoToCheck)},
			{Event: GateCheckToAct, From: []Phase{PhaseCheck}, To: PhaseAct, Roles: pdcaRoles(), Guards: guards(GateCheckToAct)},
			{Event: GateActToPlan, From: []Phase{PhaseAct}, To: PhasePlan, Roles: pdcaRoles(), Guards: guards(GateActToPlan), Note: "next cycle"},
		},
	})
}

// Mermaid renders the PDCA workflow as a Mermaid state diagram.
func (pd *PDCA) Mermaid() (string, error) {
	var runErr error
	m, err := pd.machine(&runErr)
	if err != nil {
		return "", err
	}
	return m.Mermaid(), nil
}

// Current returns the workspace's cycle, creating cycle 1 in phase plan
// (as actor "system") when there is none yet.
func (pd *PDCA) Current(ctx context.Context) (*Cycle, error) {
	c, err := pd.cycles.Get(ctx, CycleID)
	if !errors.Is(err, ErrNotFound) {
		return c, err
	}
	var runErr error
	m, err := pd.machine(&runErr)
	if err != nil {
		return nil, err
	}
	now := pd.ws.Now()
	c = &Cycle{Meta: Meta{ID: CycleID}, Number: 1, Started: now, PhaseStarted: now}
	err = Start(ctx, pd.cycles, m, systemActor, c)
	if errors.Is(err, ErrConflict) { // another caller created it first
		return pd.cycles.Get(ctx, CycleID)
	}
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Status runs the checks of the gate out of the current phase and reports
// them. It does not write: with no cycle stored yet, it reports the cycle
// [PDCA.Current] would create (cycle 1, phase plan). A check that cannot
// run makes Status return its error.
func (pd *PDCA) Status(ctx context.Context) (Status, error) {
	ctx = WithRunCache(ctx) // checks reading the same records share one read
	c, err := pd.cycles.Get(ctx, CycleID)
	switch {
	case errors.Is(err, ErrNotFound):
		c = &Cycle{Meta: Meta{State: string(PhasePlan)}, Number: 1}
	case err != nil:
		return Status{}, err
	}
	phase := c.Phase()
	gate := GateFrom(phase)
	if gate == "" {
		return Status{}, E("status", KindCycle, CycleID, Invalid("state", fmt.Sprintf("unknown phase %q", c.State)))
	}
	st := Status{Cycle: c.Number, Phase: phase, Next: phase.Next(), Gate: gate, Ready: true, Checks: []CheckResult{}}
	for _, chk := range pd.checks.For(gate) {
		ok, detail, err := chk.Run(ctx, pd.ws)
		if err != nil {
			return Status{}, fmt.Errorf("readiness check %s (%s): %w", chk.ID, chk.Clause, err)
		}
		r := CheckResult{ID: chk.ID, Clause: chk.Clause, Title: chk.Title, OK: ok, Detail: detail}
		st.Checks = append(st.Checks, r)
		if !ok {
			st.Ready = false
			st.Blocking = append(st.Blocking, r)
		}
	}
	return st, nil
}

// Advance passes the gate out of the current phase, as actor, who needs the
// role "top-management" or "aims-manager" ([ErrForbidden] otherwise). The
// gate's checks are the transition's guards: if any fails, Advance returns
// a [*TransitionError] matching [ErrTransitionDenied] whose Unmet lists
// each failing check as Rule "<clause> <id>" with its detail as Reason.
// Passing act->plan starts the next cycle (Number+1). A check that cannot
// run returns its error and writes nothing.
func (pd *PDCA) Advance(ctx context.Context, actor string) (*Cycle, error) {
	ctx = WithRunCache(ctx)
	cur, err := pd.Current(ctx)
	if err != nil {
		return nil, err
	}
	var runErr error
	m, err := pd.machine(&runErr)
	if err != nil {
		return nil, err
	}
	gate := GateFrom(cur.Phase())
	now := pd.ws.Now()
	next, err := Fire(ctx, pd.cycles, m, Firing[Cycle, Gate]{
		ID: CycleID, Version: cur.Version, Actor: actor, Event: gate,
		Change: func(c *Cycle) error {
			c.PhaseStarted = now
			if gate == GateActToPlan {
				c.Number++
				c.PreviousStarted, c.Started = c.Started, now
			}
			return nil
		},
	})
	if runErr != nil {
		return nil, E("fire "+string(gate), KindCycle, CycleID, runErr)
	}
	return next, err
}
