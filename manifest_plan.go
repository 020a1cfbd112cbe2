package iso42001

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/audit"
	"github.com/aimsgo/iso42001/internal/natsort"
	"github.com/aimsgo/iso42001/risk"
	"github.com/aimsgo/iso42001/soa"
)

// Action is what a plan does to one record.
type Action string

// The actions of a plan.
const (
	// ActionCreate creates a record the workspace does not hold.
	ActionCreate Action = "create"
	// ActionUpdate changes a record, or moves it along its workflow.
	ActionUpdate Action = "update"
	// ActionUnchanged leaves a record as it is.
	ActionUnchanged Action = "unchanged"
	// ActionDelete deletes a record the manifest no longer holds (with
	// Prune), or revokes an SoA decision.
	ActionDelete Action = "delete"
	// ActionRetire ends a record the manifest no longer holds through its
	// workflow (with Prune): a document is withdrawn, a monitored risk
	// closed.
	ActionRetire Action = "retire"
)

// Valid reports whether a is a known action.
func (a Action) Valid() bool {
	switch a {
	case ActionCreate, ActionUpdate, ActionUnchanged, ActionDelete, ActionRetire:
		return true
	}
	return false
}

// FieldChange is one field a change sets: its path within the record's
// manifest entry and its value before and after, as compact JSON (empty
// when absent).
type FieldChange struct {
	Path string `json:"path"`
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
}

// Change is what a plan does to one record.
type Change struct {
	// Kind is the record kind ("ai-system", "document", "risk", ...).
	Kind string `json:"kind"`
	// ID is the record id (a document's revision id).
	ID string `json:"id"`
	// Action is what happens to it.
	Action Action `json:"action"`
	// Fields lists the fields that change, in the manifest's field order.
	Fields []FieldChange `json:"fields,omitempty"`
	// Steps lists the service calls that carry the change out, with the
	// actor of each ("approve as bob").
	Steps []string `json:"steps,omitempty"`

	run   func(ctx context.Context) error
	batch *newRisk // a new risk Apply may create with others in few commits
}

// Plan is the typed difference between a manifest and a workspace: one
// [Change] per record, in the order [AIMS.Apply] carries them out
// (organisation, roles, context, systems, scope, objectives, criteria,
// documents, risks, SoA decisions and obligations, metrics, audit
// programmes, impact assessments, the SoA approval, the life cycle
// records, measurements, audits, reviews, the changes to the AIMS;
// deletions last).
type Plan struct {
	Changes []Change `json:"changes"`
}

// Changed reports whether applying the plan would change anything.
func (p *Plan) Changed() bool {
	for _, c := range p.Changes {
		if c.Action != ActionUnchanged {
			return true
		}
	}
	return false
}

// Count returns how many changes have action a.
func (p *Plan) Count(a Action) int {
	n := 0
	for _, c := range p.Changes {
		if c.Action == a {
			n++
		}
	}
	return n
}

// Summary is one line: "2 to create, 1 to update, 0 to delete or retire,
// 14 unchanged".
func (p *Plan) Summary() string {
	return fmt.Sprintf("%d to create, %d to update, %d to delete or retire, %d unchanged",
		p.Count(ActionCreate), p.Count(ActionUpdate), p.Count(ActionDelete)+p.Count(ActionRetire), p.Count(ActionUnchanged))
}

// WriteText writes the plan for people: one line per changed record
// ("+ create", "~ update", "- delete", "x retire"), its field changes and
// steps indented below it, unchanged records counted in the summary line
// that ends it.
func (p *Plan) WriteText(w io.Writer) error {
	var b bytes.Buffer
	for _, c := range p.Changes {
		if c.Action == ActionUnchanged {
			continue
		}
		sym := map[Action]string{ActionCreate: "+", ActionUpdate: "~", ActionDelete: "-", ActionRetire: "x"}[c.Action]
		fmt.Fprintf(&b, "%s %s %s %s\n", sym, c.Action, c.Kind, c.ID)
		for _, f := range c.Fields {
			switch {
			case f.From == "":
				fmt.Fprintf(&b, "    %s: %s\n", f.Path, f.To)
			case f.To == "":
				fmt.Fprintf(&b, "    %s: %s -> (none)\n", f.Path, f.From)
			default:
				fmt.Fprintf(&b, "    %s: %s -> %s\n", f.Path, f.From, f.To)
			}
		}
		for _, s := range c.Steps {
			fmt.Fprintf(&b, "    then %s\n", s)
		}
	}
	if !p.Changed() {
		b.WriteString("No changes: the workspace matches the manifest.\n")
	}
	fmt.Fprintf(&b, "Plan: %s.\n", p.Summary())
	_, err := w.Write(b.Bytes())
	return err
}

// PlanOptions configures [AIMS.Plan]. The zero value means the defaults.
type PlanOptions struct {
	// Prune plans to delete or retire the records of the kinds the
	// manifest manages that it no longer holds: context issues, parties,
	// systems, roles, objectives, metrics and audit programmes are
	// deleted, SoA decisions revoked and obligations deleted, documents
	// withdrawn, monitored risks closed, life cycle records and changes
	// still only planned deleted. The organisation, scope and criteria
	// are never pruned, nor are impact assessments (an approved one is
	// superseded by its successor), approved deployments and approved or
	// done changes, and the records of what happened (measurements,
	// audits, reviews), which are kept (7.5.3).
	Prune bool
	// Actor is who carries out the changes that are no one else's (the
	// records without an author, owner or approver); [AIMS.Apply] sets
	// it. Default "manifest".
	Actor string
}

// ApplyOptions configures [AIMS.Apply]. The zero value means the
// defaults.
type ApplyOptions struct {
	// Prune deletes or retires what the manifest no longer holds; see
	// [PlanOptions.Prune].
	Prune bool
}

// Plan compares m with the workspace and returns what [AIMS.Apply] would
// do, record by record and field by field. It validates m first
// ([Manifest.Validate], with the AIMS's catalog and the criteria that
// would be in force) and checks that every change can be carried out
// through the services (an approved document's content cannot change
// without a new revision, a risk's inherent assessment only before it is
// evaluated, ...), so that a plan that returns without error writes
// nothing it cannot finish. Plan itself writes nothing.
func (a *AIMS) Plan(ctx context.Context, m *Manifest, opts *PlanOptions) (*Plan, error) {
	var o PlanOptions
	if opts != nil {
		o = *opts
	}
	if o.Actor == "" {
		o.Actor = "manifest"
	}
	if m == nil {
		return nil, aims.Invalid("manifest", "is required")
	}
	pl := &planner{a: a, m: m, o: o, reg: a.risks, plan: &Plan{}}
	crit := a.crit
	if m.RiskCriteria != nil {
		c, err := risk.NewCriteria(*m.RiskCriteria)
		if err == nil {
			crit = c
		}
	}
	if err := m.validate(a.cat, crit); err != nil {
		return nil, err
	}
	for _, step := range []func(context.Context) error{
		pl.organisation, pl.roles, pl.issues, pl.parties, pl.systems, pl.scope, pl.objectives,
		pl.criteria, pl.documents, pl.risks, pl.decisions, pl.obligations, pl.metrics, pl.programmes, pl.impactAssessments,
		pl.soaApproval, pl.lifecycle, pl.measurements, pl.audits, pl.reviews, pl.changes,
	} {
		if err := step(ctx); err != nil {
			return nil, err
		}
	}
	if err := manifestErr(m.src, pl.problems.Err()); err != nil || len(pl.placed) > 0 {
		me := &ManifestError{Problems: pl.placed}
		var merr *ManifestError
		if errors.As(err, &merr) {
			me.Problems = append(merr.Problems, pl.placed...)
		} else if err != nil {
			return nil, err
		}
		return nil, me
	}
	slices.Reverse(pl.prunes)
	pl.plan.Changes = append(pl.plan.Changes, pl.prunes...)
	return pl.plan, nil
}

// Apply carries out the plan of m ([AIMS.Plan]) through the services, so
// that every rule, authority check, separation of duties and journal
// entry holds: records are created and updated by actor, documents
// created and submitted by their author and approved and published by
// their approver, risks added, assessed, evaluated and treated by their
// owner, SoA decisions made by actor. It returns the plan it carried
// out; applying the same manifest again finds nothing to change.
//
// Applying a manifest that changes anything is the AIMS manager's
// ([aims.RoleAIMSManager]) to do: actor must hold that role, or, in a
// workspace without any role assignment yet, be given it by m (or m
// declares no roles); otherwise Apply fails with an error matching
// aims.ErrForbidden before writing.
//
// A manifest with any problem writes nothing: Apply validates everything
// and plans every change before the first write. On a store that is an
// aims.Transactor, Apply is all or nothing: it carries the plan out on an
// aims.Staging of the store and commits every record and journal entry in
// one transaction, so a failure at any step leaves the workspace as it
// was; a writer who changed the workspace meanwhile makes Apply plan and
// run again (three times at most, then aims.ErrConflict). On any other
// store, a record changed by someone else between the plan and its write
// fails with an error matching aims.ErrConflict; the changes before it
// stay written, and applying again carries out the rest. After new risk criteria are
// saved, reopen the AIMS ([Open] reads them once) before using its risk
// register.
func (a *AIMS) Apply(ctx context.Context, actor string, m *Manifest, opts *ApplyOptions) (*Plan, error) {
	if !aims.ValidName(actor) {
		return nil, aims.Invalid("actor", "is required")
	}
	var o ApplyOptions
	if opts != nil {
		o = *opts
	}
	if _, ok := a.ws.Store().(aims.Transactor); ok {
		return a.applyStaged(ctx, actor, m, o)
	}
	return a.apply(ctx, actor, m, o)
}

// applyStaged runs apply on a twin of a over an aims.Staging of its store
// and commits what it wrote in one transaction, planning again when
// another writer got there first.
func (a *AIMS) applyStaged(ctx context.Context, actor string, m *Manifest, o ApplyOptions) (*Plan, error) {
	const attempts = 3
	for try := 1; ; try++ {
		st, err := aims.NewStaging(a.ws.Store(), a.Tenant())
		if err != nil {
			return nil, err
		}
		opts := a.opts
		twin, err := Open(ctx, st, a.Tenant(), &opts)
		if err != nil {
			return nil, err
		}
		p, err := twin.apply(ctx, actor, m, o)
		if err != nil {
			return p, err // nothing reached the store
		}
		err = st.Commit(ctx)
		if err == nil || !errors.Is(err, aims.ErrConflict) || try == attempts {
			if err != nil {
				return p, fmt.Errorf("iso42001: apply: %w", err)
			}
			return p, nil
		}
	}
}

// apply plans m and carries the plan out on a's own store.
func (a *AIMS) apply(ctx context.Context, actor string, m *Manifest, o ApplyOptions) (*Plan, error) {
	p, err := a.Plan(ctx, m, &PlanOptions{Prune: o.Prune, Actor: actor})
	if err != nil {
		return nil, err
	}
	if p.Changed() {
		if err := a.mayApply(ctx, actor, m); err != nil {
			return nil, err
		}
	}
	// Role assignments first: the policy authorizes every other change by
	// the roles they give (a fresh workspace is founded by its first).
	first := func(c Change) bool { return c.Kind == aims.KindRoleAssignment && c.Action != ActionDelete }
	batched := false
	for _, pass := range []bool{true, false} {
		for i, c := range p.Changes {
			if c.run == nil || first(c) != pass {
				continue
			}
			if c.batch != nil {
				if !batched {
					batched = true
					if err := a.createRisks(ctx, p.Changes[i:]); err != nil {
						return p, fmt.Errorf("iso42001: apply: %w", err)
					}
				}
				continue
			}
			if err := c.run(ctx); err != nil {
				return p, fmt.Errorf("iso42001: apply: %s %s %s: %w", c.Action, c.Kind, c.ID, err)
			}
		}
	}
	return p, nil
}

// mayApply checks that actor may apply a manifest: one that changes the
// whole AIMS is the AIMS manager's to apply. A workspace that holds no
// role assignment yet is bootstrapped by its first manifest: that
// manifest must make actor an AIMS manager, or declare no roles at all.
func (a *AIMS) mayApply(ctx context.Context, actor string, m *Manifest) error {
	err := a.ws.Authorizer().Authorize(ctx, actor, []aims.Role{aims.RoleAIMSManager})
	if err == nil || !errors.Is(err, aims.ErrForbidden) {
		return err
	}
	for _, lerr := range aims.RoleAssignments(a.ws).List(ctx, nil) {
		if lerr != nil {
			return lerr
		}
		return aims.E("apply", "manifest", actor, err) // roles exist: they decide
	}
	if len(m.Roles) == 0 {
		return nil
	}
	for _, r := range m.Roles {
		if r.ID == actor && slices.Contains(r.Roles, aims.RoleAIMSManager) {
			return nil
		}
	}
	return aims.E("apply", "manifest", actor, fmt.Errorf("%w: the workspace holds no roles yet; the manifest that assigns them must make %q an %s to be applied by %[2]q",
		aims.ErrForbidden, actor, aims.RoleAIMSManager))
}

// planner accumulates one plan.
type planner struct {
	a        *AIMS
	m        *Manifest
	o        PlanOptions
	reg      *risk.Register // the register risks are applied with
	plan     *Plan
	prunes   []Change
	problems aims.Problems
	placed   []ManifestProblem // problems placed in files of their own (answers files)
}

// add appends a change.
func (pl *planner) add(c Change) {
	if c.Action == ActionDelete || c.Action == ActionRetire {
		pl.prunes = append(pl.prunes, c)
		return
	}
	pl.plan.Changes = append(pl.plan.Changes, c)
}

// diff compares two values through their JSON and lists the fields that
// differ, in the order of want's fields (then those only in have).
func diff(have, want any) []FieldChange {
	hb, wb := marshalJSON(have), marshalJSON(want)
	if bytes.Equal(hb, wb) {
		return nil // the common case, without decoding
	}
	var out []FieldChange
	diffJSON(&out, "", toJSON(hb), toJSON(wb))
	return out
}

// marshalJSON returns v's JSON; nil for nil (a nil pointer included).
func marshalJSON(v any) []byte {
	if v == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil || string(b) == "null" {
		return nil
	}
	return b
}

// toJSON returns JSON as generic values with ordered keys; nil for nil.
func toJSON(b []byte) any {
	if b == nil {
		return nil
	}
	out, _ := decodeOrdered(json.NewDecoder(bytes.NewReader(b)))
	return out
}

// object is a JSON object with its keys in order.
type object struct {
	keys []string
	vals map[string]any
}

// decodeOrdered reads one JSON value keeping object key order and
// numbers as json.Number.
func decodeOrdered(d *json.Decoder) (any, error) {
	d.UseNumber()
	tok, err := d.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			o := &object{vals: map[string]any{}}
			for d.More() {
				k, err := d.Token()
				if err != nil {
					return nil, err
				}
				v, err := decodeOrdered(d)
				if err != nil {
					return nil, err
				}
				key := k.(string)
				o.keys = append(o.keys, key)
				o.vals[key] = v
			}
			_, err := d.Token()
			return o, err
		case '[':
			var list []any
			for d.More() {
				v, err := decodeOrdered(d)
				if err != nil {
					return nil, err
				}
				list = append(list, v)
			}
			_, err := d.Token()
			return list, err
		}
	}
	return tok, nil
}

// compact renders a generic JSON value.
func compact(v any) string {
	switch t := v.(type) {
	case nil:
		return ""
	case *object:
		parts := make([]string, len(t.keys))
		for i, k := range t.keys {
			parts[i] = strconv.Quote(k) + ":" + compactOrNull(t.vals[k])
		}
		return "{" + strings.Join(parts, ",") + "}"
	case []any:
		parts := make([]string, len(t))
		for i, x := range t {
			parts[i] = compactOrNull(x)
		}
		return "[" + strings.Join(parts, ",") + "]"
	case string:
		b, _ := json.Marshal(t)
		return string(b)
	case json.Number:
		return t.String()
	case bool:
		return strconv.FormatBool(t)
	}
	return fmt.Sprint(v)
}

func compactOrNull(v any) string {
	if v == nil {
		return "null"
	}
	return compact(v)
}

// diffJSON appends the differences between have and want under path.
func diffJSON(out *[]FieldChange, path string, have, want any) {
	ho, hok := have.(*object)
	wo, wok := want.(*object)
	if hok || wok {
		if (hok || have == nil) && (wok || want == nil) {
			keys := []string{}
			if wok {
				keys = append(keys, wo.keys...)
			}
			if hok {
				for _, k := range ho.keys {
					if !wok || !slices.Contains(wo.keys, k) {
						keys = append(keys, k)
					}
				}
			}
			for _, k := range keys {
				var h, w any
				if hok {
					h = ho.vals[k]
				}
				if wok {
					w = wo.vals[k]
				}
				p := k
				if path != "" {
					p = path + "." + k
				}
				diffJSON(out, p, h, w)
			}
			return
		}
	}
	hl, hlok := have.([]any)
	wl, wlok := want.([]any)
	if hlok && wlok && len(hl) == len(wl) {
		for i := range hl {
			diffJSON(out, fmt.Sprintf("%s[%d]", path, i), hl[i], wl[i])
		}
		return
	}
	h, w := compact(have), compact(want)
	if h != w {
		*out = append(*out, FieldChange{Path: path, From: h, To: w})
	}
}

// sortedIDs returns the keys of m in natural order.
func sortedIDs[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return natsort.Less(out[i], out[j]) })
	return out
}

// planCollection plans the records of one simple collection: create what
// is missing, update what differs, and with Prune delete what the
// manifest does not hold (when prune and PlanOptions.Prune). specs are
// the manifest's entries, id gives their ids, create is the service call
// that creates a record (default the collection's Create); a stored
// record is compared with its entry through their shared JSON fields.
func planCollection[S any, T any, P aims.Doc[T]](ctx context.Context, pl *planner, col *aims.Collection[T, P], specs []S, id func(S) string,
	create func(ctx context.Context, actor string, v P) error, prune bool) error {
	stored := map[string]P{}
	for rec, err := range col.List(ctx, nil) {
		if err != nil {
			return err
		}
		stored[rec.Header().ID] = rec
	}
	actor := pl.o.Actor
	if create == nil {
		create = col.Create
	}
	for _, s := range specs {
		key := id(s)
		rec, err := recast[T](s)
		if err != nil {
			return err
		}
		P(rec).Header().ID = key
		cur, ok := stored[key]
		if !ok {
			pl.add(Change{Kind: col.Kind(), ID: key, Action: ActionCreate, Fields: diff(nil, s),
				run: func(ctx context.Context) error { return create(ctx, actor, P(rec)) }})
			continue
		}
		have, err := recast[S](cur)
		if err != nil {
			return err
		}
		fields := diff(have, s)
		if len(fields) == 0 {
			pl.add(Change{Kind: col.Kind(), ID: key, Action: ActionUnchanged})
			continue
		}
		P(rec).Header().Version = cur.Header().Version
		pl.add(Change{Kind: col.Kind(), ID: key, Action: ActionUpdate, Fields: fields,
			run: func(ctx context.Context) error { return col.Update(ctx, actor, P(rec)) }})
	}
	if !prune || !pl.o.Prune {
		return nil
	}
	keep := map[string]bool{}
	for _, s := range specs {
		keep[id(s)] = true
	}
	for _, key := range sortedIDs(stored) {
		if keep[key] {
			continue
		}
		version := stored[key].Header().Version
		pl.add(Change{Kind: col.Kind(), ID: key, Action: ActionDelete,
			run: func(ctx context.Context) error { return col.Delete(ctx, actor, key, version) }})
	}
	return nil
}

func (pl *planner) organisation(ctx context.Context) error {
	return planCollection(ctx, pl, aims.Organisations(pl.a.ws), []OrganisationSpec{pl.m.Organisation},
		func(OrganisationSpec) string { return aims.OrganisationID }, nil, false)
}

func (pl *planner) roles(ctx context.Context) error {
	return planCollection(ctx, pl, aims.RoleAssignments(pl.a.ws), pl.m.Roles, func(s RoleSpec) string { return s.ID }, nil, true)
}

func (pl *planner) issues(ctx context.Context) error {
	return planCollection(ctx, pl, aims.ContextIssues(pl.a.ws), pl.m.ContextIssues, func(s IssueSpec) string { return s.ID }, nil, true)
}

func (pl *planner) parties(ctx context.Context) error {
	return planCollection(ctx, pl, aims.InterestedParties(pl.a.ws), pl.m.InterestedParties, func(s PartySpec) string { return s.ID }, nil, true)
}

func (pl *planner) systems(ctx context.Context) error {
	return planCollection(ctx, pl, aims.AISystems(pl.a.ws), pl.m.AISystems, func(s SystemSpec) string { return s.ID }, nil, true)
}

func (pl *planner) scope(ctx context.Context) error {
	if pl.m.Scope == nil {
		return nil
	}
	return planCollection(ctx, pl, aims.Scopes(pl.a.ws), []ScopeSpec{*pl.m.Scope}, func(ScopeSpec) string { return aims.ScopeID }, nil, false)
}

func (pl *planner) objectives(ctx context.Context) error {
	return planCollection(ctx, pl, aims.Objectives(pl.a.ws), pl.m.Objectives, func(s ObjectiveSpec) string { return s.ID }, nil, true)
}

func (pl *planner) metrics(ctx context.Context) error {
	col := aims.NewCollection[audit.Metric](pl.a.ws, audit.KindMetric, 1)
	return planCollection(ctx, pl, col, pl.m.Metrics, func(s MetricSpec) string { return s.ID }, pl.a.metrics.Add, true)
}

func (pl *planner) programmes(ctx context.Context) error {
	col := aims.NewCollection[audit.Programme](pl.a.ws, audit.KindProgramme, 1)
	return planCollection(ctx, pl, col, pl.m.AuditProgrammes, func(s ProgrammeSpec) string { return s.ID }, pl.a.programmes.Create, true)
}

// criteria plans the risk criteria and picks the register the risks are
// applied with: the AIMS's own, or one scoring with the new criteria.
func (pl *planner) criteria(ctx context.Context) error {
	if pl.m.RiskCriteria == nil {
		return nil
	}
	want, err := risk.NewCriteria(*pl.m.RiskCriteria)
	if err != nil {
		return err // validate reported it
	}
	var have any
	cur, err := risk.LoadCriteria(ctx, pl.a.ws)
	switch {
	case errors.Is(err, aims.ErrNotFound):
	case err != nil:
		return err
	default:
		have = cur.Spec()
	}
	fields := diff(have, want.Spec())
	c := Change{Kind: risk.KindCriteria, ID: risk.CriteriaID, Action: ActionUnchanged}
	if have == nil {
		c.Action = ActionCreate
	} else if len(fields) > 0 {
		c.Action = ActionUpdate
	}
	if c.Action != ActionUnchanged {
		c.Fields = fields
		actor := pl.o.Actor
		c.run = func(ctx context.Context) error { return risk.SaveCriteria(ctx, pl.a.ws, actor, want) }
	}
	pl.add(c)
	if len(diff(pl.a.crit.Spec(), want.Spec())) > 0 {
		scorer, err := risk.Builtins().ForCriteria(want)
		if err != nil {
			pl.problems.Add("riskCriteria.scorer", err.Error()+"; open the AIMS with these criteria and its Scorers to apply them")
			return nil
		}
		if pl.reg, err = risk.NewRegister(pl.a.ws, want, scorer, &risk.RegisterOptions{Catalog: pl.a.cat}); err != nil {
			return err
		}
	}
	return nil
}

// decisions plans the SoA decisions, made by the planning actor.
func (pl *planner) decisions(ctx context.Context) error {
	var want []DecisionSpec
	if pl.m.SoA != nil {
		want = pl.m.SoA.Decisions
	}
	stored := map[string]*soa.DecisionRecord{}
	for d, err := range pl.a.soa.Decisions(ctx) {
		if err != nil {
			return err
		}
		stored[d.ID] = d
	}
	actor := pl.o.Actor
	keep := map[string]bool{}
	for _, d := range want {
		keep[d.Control] = true
		dec := soa.Decision{Control: d.Control, Choice: d.Choice, Reason: d.Reason}
		cur, ok := stored[d.Control]
		version := int64(0)
		if ok {
			version = cur.Version
		}
		c := Change{Kind: soa.KindDecision, ID: d.Control, run: func(ctx context.Context) error {
			if err := unchangedSince(ctx, aims.NewCollection[soa.DecisionRecord](pl.a.ws, soa.KindDecision, 1), d.Control, version); err != nil {
				return err
			}
			_, err := pl.a.soa.Decide(ctx, actor, dec)
			return err
		}}
		if !ok {
			c.Action, c.Fields = ActionCreate, diff(nil, d)
		} else {
			have := DecisionSpec{Control: cur.Decision.Control, Choice: cur.Decision.Choice, Reason: cur.Decision.Reason}
			c.Fields = diff(have, d)
			c.Action = ActionUpdate
			if len(c.Fields) == 0 {
				c.Action, c.run = ActionUnchanged, nil
			}
		}
		pl.add(c)
	}
	if pl.o.Prune {
		for _, id := range sortedIDs(stored) {
			if !keep[id] {
				pl.add(Change{Kind: soa.KindDecision, ID: id, Action: ActionDelete, Steps: []string{"revoke as " + actor},
					run: func(ctx context.Context) error { return pl.a.soa.Revoke(ctx, actor, id) }})
			}
		}
	}
	return nil
}

// obligations plans the SoA obligations.
func (pl *planner) obligations(ctx context.Context) error {
	var want []soa.Obligation
	if pl.m.SoA != nil {
		want = pl.m.SoA.Obligations
	}
	stored := map[string]*soa.ObligationRecord{}
	for o, err := range pl.a.soa.Obligations(ctx) {
		if err != nil {
			return err
		}
		stored[o.ID] = o
	}
	actor := pl.o.Actor
	keep := map[string]bool{}
	for _, o := range want {
		keep[o.ID] = true
		cur, ok := stored[o.ID]
		version := int64(0)
		if ok {
			version = cur.Version
		}
		c := Change{Kind: soa.KindObligation, ID: o.ID, run: func(ctx context.Context) error {
			if err := unchangedSince(ctx, aims.NewCollection[soa.ObligationRecord](pl.a.ws, soa.KindObligation, 1), o.ID, version); err != nil {
				return err
			}
			_, err := pl.a.soa.PutObligation(ctx, actor, o)
			return err
		}}
		if !ok {
			c.Action, c.Fields = ActionCreate, diff(nil, o)
		} else {
			c.Fields = diff(cur.Obligation, o)
			c.Action = ActionUpdate
			if len(c.Fields) == 0 {
				c.Action, c.run = ActionUnchanged, nil
			}
		}
		pl.add(c)
	}
	if pl.o.Prune {
		for _, id := range sortedIDs(stored) {
			if !keep[id] {
				pl.add(Change{Kind: soa.KindObligation, ID: id, Action: ActionDelete,
					run: func(ctx context.Context) error { return pl.a.soa.DeleteObligation(ctx, actor, id) }})
			}
		}
	}
	return nil
}

// soaApproval plans the approved SoA version: a new one is drafted,
// submitted and approved when none is approved, when anything else in
// the plan changes (the records the SoA is generated from may be among
// them), or when the records already differ from the approved version.
func (pl *planner) soaApproval(ctx context.Context) error {
	if pl.m.SoA == nil || pl.m.SoA.Approval == nil {
		return nil
	}
	want := *pl.m.SoA.Approval
	svc := pl.a.soa
	approved, err := svc.Approved(ctx)
	if err != nil && !errors.Is(err, aims.ErrNotFound) {
		return err
	}
	preview, err := svc.Preview(ctx)
	if err != nil {
		return err
	}
	latest, err := svc.Latest(ctx)
	switch {
	case errors.Is(err, aims.ErrNotFound):
	case err != nil:
		return err
	case soa.State(latest.State) == soa.StateInReview:
		pl.problems.Addf("soa.approval", "SoA version %d is in review: approve or reject it first", latest.Number)
		return nil
	}
	c := Change{Kind: soa.KindSoA, ID: fmt.Sprintf("soa-%d", preview.Number), Action: ActionUpdate}
	have := SoAApprovalSpec{}
	switch {
	case approved == nil:
		c.Action = ActionCreate
	default:
		have = SoAApprovalSpec{Author: approved.Author, Approver: approved.ApprovedBy}
		c.Fields = diff(have, want)
		delta := soa.Diff(approved, preview)
		for _, ch := range delta.Changes {
			c.Fields = append(c.Fields, FieldChange{Path: "entries." + ch.Control, From: string(ch.Kind)})
		}
		if len(c.Fields) == 0 && !pl.plan.Changed() && len(pl.prunes) == 0 {
			pl.add(Change{Kind: soa.KindSoA, ID: approved.ID, Action: ActionUnchanged})
			return nil
		}
	}
	if c.Action == ActionCreate {
		c.Fields = diff(nil, want)
	}
	// Every control must be decided once the manifest is applied.
	decided := map[string]bool{}
	for _, d := range pl.m.SoA.Decisions {
		decided[d.Control] = true
	}
	for _, o := range pl.m.SoA.Obligations {
		for _, id := range o.Controls {
			decided[id] = true
		}
	}
	for _, r := range pl.m.Risks {
		if r.Treatment != nil {
			for _, ch := range r.Treatment.Controls {
				decided[ch.ID] = true
			}
		}
	}
	var undecided []string
	for _, e := range preview.Entries {
		if e.Undecided && !decided[e.Control] {
			undecided = append(undecided, e.Control)
		}
	}
	if len(undecided) > 0 {
		pl.problems.Addf("soa.approval", "%d controls would be undecided (%s): include or exclude each under soa.decisions", len(undecided), strings.Join(undecided, ", "))
		return nil
	}
	c.Steps = []string{"draft as " + want.Author, "submit as " + want.Author, "approve as " + want.Approver}
	c.run = func(ctx context.Context) error {
		doc, err := svc.Draft(ctx, want.Author)
		if err != nil {
			return err
		}
		if _, err := svc.Submit(ctx, want.Author, doc.Number); err != nil {
			return err
		}
		_, err = svc.Approve(ctx, want.Approver, doc.Number)
		return err
	}
	pl.add(c)
	return nil
}

// unchangedSince fails with aims.ErrConflict when the record id of col is
// no longer at version (0: absent), for services that write without an
// expected version: the plan was made on what it read, and a write over
// someone else's change would be silent.
func unchangedSince[T any, P aims.Doc[T]](ctx context.Context, col *aims.Collection[T, P], id string, version int64) error {
	cur, err := col.Get(ctx, id)
	switch {
	case errors.Is(err, aims.ErrNotFound):
		if version == 0 {
			return nil
		}
	case err != nil:
		return err
	case cur.Header().Version == version:
		return nil
	}
	return aims.E("apply", col.Kind(), id, fmt.Errorf("%w: changed since the plan was made", aims.ErrConflict))
}
