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
	// Anyone allows every actor, role or not (the first PDCA cycle the
	// kernel opens; [AllowAll]).
	Anyone bool `json:"anyone,omitempty"`
	// Founding allows an actor holding no role only while the tenant has
	// no role assignment at all: the workspace's founding assignment (its
	// first top-management holder). Other actors need a role, as with an
	// empty AnyOf. The commit that founds also creates the tenant's
	// founding marker ([KindFounding]), so that of two actors founding at
	// the same instant the second conflicts.
	Founding bool `json:"founding,omitempty"`
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
// assignments need a role too, except the founding one (the tenant's first,
// see [Rule.Founding]), and are governed by their own guard as well (see
// [RoleAssignments]); the kernel may open the first PDCA cycle. An actor
// holding no role may do nothing else.
func DefaultPolicy() *Policy {
	admin := []Role{RoleTopManagement, RoleAIMSManager}
	planning := []Role{RoleTopManagement, RoleAIMSManager, RoleRiskManager}
	return &Policy{Rules: []Rule{
		{Kind: "*", Action: "*"},
		{Kind: "*", Action: EventDelete, AnyOf: admin},
		{Kind: KindRoleAssignment, Action: "*", Founding: true},
		{Kind: KindCycle, Action: EventCreate, Anyone: true},
		{Kind: "risk-criteria", Action: "*", AnyOf: planning},
		{Kind: "soa-decision", Action: "*", AnyOf: planning},
		{Kind: "obligation", Action: "*", AnyOf: planning},
	}}
}

// AllowAll returns the policy that lets every actor make every change,
// role or not: the explicit opt-out for a product that authorizes changes
// elsewhere (in its own API layer) before they reach the SDK. Workflow
// steps still check their roles and duties, and role assignments their
// guard. Pass it only on purpose: iso42001.Open applies [DefaultPolicy]
// when no policy is named.
func AllowAll() *Policy {
	return &Policy{Rules: []Rule{{Kind: "*", Action: "*", Anyone: true}}}
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

// AuthorizeRequest applies the policy to r. A refusal matches
// [ErrForbidden] and names the action, the record, the roles that would
// allow it and how an actor gets one.
func (a *PolicyAuthorizer) AuthorizeRequest(ctx context.Context, r Request) error {
	rule, ok := a.policy.rule(r.Kind, r.Action)
	switch {
	case !ok:
		return fmt.Errorf("%w: no policy rule allows %s on %s/%s", ErrForbidden, r.Action, r.Kind, r.ID)
	case rule.Anyone:
		return nil
	case len(rule.AnyOf) > 0:
		err := a.base.Authorize(ctx, r.Actor, rule.AnyOf)
		if errors.Is(err, ErrForbidden) {
			return fmt.Errorf("%w: %q may not %s %s/%s: it needs one of the roles %s; %s", ErrForbidden, r.Actor, r.Action, r.Kind, r.ID, roleList(rule.AnyOf), howToGetRole)
		}
		if err != nil {
			return fmt.Errorf("%s %s/%s: %w", r.Action, r.Kind, r.ID, err)
		}
		return nil
	}
	// An assignment is stored only when it validates, with at least one
	// role: its presence is enough, and costs no decoding.
	held, err := a.roles.Exists(ctx, r.Actor)
	if err != nil {
		return err
	}
	if held {
		return nil
	}
	if rule.Founding {
		// The founding marker's version is read before the assignments:
		// a founder who commits in between either shows in the List (the
		// tenant is founded) or has moved the marker past the version
		// Commit writes at (this commit conflicts).
		var marker int64
		switch rec, err := a.roles.Workspace().Store().Get(ctx, a.roles.Workspace().Tenant(), KindFounding, FoundingID); {
		case err == nil:
			marker = rec.Version
		case !errors.Is(err, ErrNotFound):
			return err
		}
		founded, err := a.founded(ctx)
		if err != nil {
			return err
		}
		if !founded {
			if f, ok := ctx.Value(foundingKey{}).(*foundingNote); ok {
				f.actor, f.version = r.Actor, marker // Commit writes the marker
			}
			return nil
		}
	}
	return fmt.Errorf("%w: %q holds no role in the AIMS, so may not %s %s/%s: any role allows it; %s", ErrForbidden, r.Actor, r.Action, r.Kind, r.ID, howToGetRole)
}

// foundingKey carries, in the context of a commit's authorization, the
// [foundingNote] the policy fills when it allows a founding change.
type foundingKey struct{}

// foundingNote is who founds the tenant and the version of its founding
// marker when the policy found no role assignment (0: none yet).
type foundingNote struct {
	actor   string
	version int64
}

// KindFounding and FoundingID name the tenant's founding marker: a record
// created in the commit that makes the founding role assignment, so that a
// second founder racing the first conflicts (see [Rule.Founding]).
const (
	KindFounding = "founding"
	FoundingID   = "founding"
)

// howToGetRole tells a refused actor how to get a role.
const howToGetRole = "ask top management or the AIMS manager to assign one (aims.RoleAssignments; aimsctl role assign --actor ID --role ROLE)"

// founded reports whether the tenant has any role assignment.
func (a *PolicyAuthorizer) founded(ctx context.Context) (bool, error) {
	page, err := a.roles.Workspace().Store().List(ctx, a.roles.Workspace().Tenant(), Query{Kind: KindRoleAssignment, Limit: 1})
	if err != nil {
		return false, err
	}
	return len(page.Records) > 0, nil
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
