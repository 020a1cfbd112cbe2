package aims

import (
	"context"
	"errors"
	"fmt"
	"slices"
)

// Request is one change an actor asks to make: who, what action, on which
// record of which tenant. [Workspace.Commit] asks a [RequestAuthorizer]
// with one Request per journal entry before it writes anything, so every
// mutating call of every service is authorized, whichever service makes
// it. It is a struct so that it can grow.
type Request struct {
	Tenant string
	Actor  string
	// Action is the journal event: create, update, delete, a workflow
	// event (submit, approve, ...) or a service's own (assess, treat).
	Action string
	Kind   string
	ID     string
}

// RequestAuthorizer is an optional [Authorizer] capability: an authorizer
// that implements it is asked about every change before it is written.
// It returns nil when allowed, an error matching [ErrForbidden] when not.
// [PolicyAuthorizer] implements it with a [Policy].
type RequestAuthorizer interface {
	AuthorizeRequest(ctx context.Context, r Request) error
}

// authorizeEntries asks ws's authorizer, when it is a RequestAuthorizer,
// about every entry before anything is written.
func (ws *Workspace) authorizeEntries(ctx context.Context, entries []Entry) error {
	ra, ok := ws.authz.(RequestAuthorizer)
	if !ok {
		return nil
	}
	for _, e := range entries {
		if err := ra.AuthorizeRequest(ctx, Request{Tenant: ws.tenant, Actor: e.Actor, Action: e.Event, Kind: e.Kind, ID: e.ID}); err != nil {
			return err
		}
	}
	return nil
}

// Rule is one line of a [Policy]: the actions on a record kind and the
// roles that may take them. "*" matches any kind or action.
type Rule struct {
	Kind   string `json:"kind"`
	Action string `json:"action"`
	// AnyOf are the roles that may; empty means any actor holding at least
	// one role in the workspace.
	AnyOf []Role `json:"anyOf,omitempty"`
	// Anyone allows every actor, role or not (the workspace's first role
	// assignment, the first PDCA cycle the kernel opens).
	Anyone bool `json:"anyone,omitempty"`
}

// Policy maps each change to the roles of 5.3 that may make it, as data a
// product replaces or extends (its identity provider's groups become
// roles). The most specific rule wins: kind and action, then kind and
// "*", then "*" and action, then "*" and "*"; with no match the change is
// refused. Workflow transitions keep their own role and duty checks on
// top of the policy.
type Policy struct {
	Rules []Rule `json:"rules"`
}

// DefaultPolicy returns the SDK's default policy: every change needs an
// actor who holds a role in the workspace; deleting needs top management
// or the AIMS manager; risk criteria and SoA decisions and obligations
// need the AIMS manager, top management or the risk manager; role
// assignments are governed by their own guard (see [RoleAssignments]); the
// kernel may open the first PDCA cycle.
func DefaultPolicy() *Policy {
	admin := []Role{RoleTopManagement, RoleAIMSManager}
	planning := []Role{RoleTopManagement, RoleAIMSManager, RoleRiskManager}
	return &Policy{Rules: []Rule{
		{Kind: "*", Action: "*"},
		{Kind: "*", Action: EventDelete, AnyOf: admin},
		{Kind: KindRoleAssignment, Action: "*", Anyone: true},
		{Kind: KindCycle, Action: EventCreate, Anyone: true},
		{Kind: "risk-criteria", Action: "*", AnyOf: planning},
		{Kind: "soa-decision", Action: "*", AnyOf: planning},
		{Kind: "obligation", Action: "*", AnyOf: planning},
	}}
}

// rule returns the most specific rule for kind and action.
func (p *Policy) rule(kind, action string) (Rule, bool) {
	for _, k := range [][2]string{{kind, action}, {kind, "*"}, {"*", action}, {"*", "*"}} {
		for _, r := range p.Rules {
			if r.Kind == k[0] && r.Action == k[1] {
				return r, true
			}
		}
	}
	return Rule{}, false
}

// PolicyAuthorizer authorizes workflow steps as its base [Authorizer] does
// and every change by its [Policy], on the roles the base grants.
type PolicyAuthorizer struct {
	base   Authorizer
	roles  *Collection[RoleAssignment, *RoleAssignment]
	policy *Policy
}

// NewPolicyAuthorizer returns an authorizer of ws applying p (nil: the
// [DefaultPolicy]) on top of base (nil: the workspace's role assignments).
// Pass it as [Options.Authorizer].
func NewPolicyAuthorizer(ws *Workspace, base Authorizer, p *Policy) *PolicyAuthorizer {
	if p == nil {
		p = DefaultPolicy()
	}
	if base == nil {
		base = NewRoleAuthorizer(ws)
	}
	return &PolicyAuthorizer{base: base, roles: NewCollection[RoleAssignment](ws, KindRoleAssignment, 1), policy: p}
}

// Authorize asks the base authorizer.
func (a *PolicyAuthorizer) Authorize(ctx context.Context, actor string, anyOf []Role) error {
	return a.base.Authorize(ctx, actor, anyOf)
}

// AuthorizeRequest applies the policy to r.
func (a *PolicyAuthorizer) AuthorizeRequest(ctx context.Context, r Request) error {
	rule, ok := a.policy.rule(r.Kind, r.Action)
	switch {
	case !ok:
		return fmt.Errorf("%w: no policy rule allows %s on %s", ErrForbidden, r.Action, r.Kind)
	case rule.Anyone:
		return nil
	case len(rule.AnyOf) > 0:
		if err := a.base.Authorize(ctx, r.Actor, rule.AnyOf); err != nil {
			return fmt.Errorf("%s %s/%s: %w", r.Action, r.Kind, r.ID, err)
		}
		return nil
	}
	ra, err := a.roles.Get(ctx, r.Actor)
	if errors.Is(err, ErrNotFound) || (err == nil && len(ra.Roles) == 0) {
		return fmt.Errorf("%w: %q holds no role in the AIMS, so may not %s %s/%s", ErrForbidden, r.Actor, r.Action, r.Kind, r.ID)
	}
	return err
}

var _ RequestAuthorizer = (*PolicyAuthorizer)(nil)

// Roles lists the roles any rule of p names, sorted; for documentation
// and for mapping an identity provider's groups.
func (p *Policy) Roles() []Role {
	var out []Role
	for _, r := range p.Rules {
		for _, role := range r.AnyOf {
			if !slices.Contains(out, role) {
				out = append(out, role)
			}
		}
	}
	slices.Sort(out)
	return out
}
