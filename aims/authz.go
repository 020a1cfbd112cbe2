package aims

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Role names a responsibility an actor holds in the AIMS (clause 5.3), for
// example "risk-owner", "approver", "internal-auditor".
type Role string

// Authorizer decides whether an actor holds one of the roles an action
// requires. It must be safe for concurrent use. Implementations return nil
// when allowed, an error matching [ErrForbidden] when not, and any other
// error when they could not decide (which also refuses the action).
type Authorizer interface {
	Authorize(ctx context.Context, actor string, anyOf []Role) error
}

// AuthorizerFunc adapts a function to [Authorizer].
type AuthorizerFunc func(ctx context.Context, actor string, anyOf []Role) error

// Authorize calls f.
func (f AuthorizerFunc) Authorize(ctx context.Context, actor string, anyOf []Role) error {
	return f(ctx, actor, anyOf)
}

// KindRoleAssignment is the record kind of [RoleAssignment].
const KindRoleAssignment = "role-assignment"

// RoleAssignment records the roles one person or system account holds and
// the responsibilities that come with them (clause 5.3). Its ID is the
// actor's id, so an actor has one assignment per tenant.
type RoleAssignment struct {
	Meta
	// Name is the person's display name.
	Name string `json:"name,omitempty"`
	// Roles held; the default [RoleAuthorizer] reads them.
	Roles []Role `json:"roles"`
	// Responsibilities and authorities, in the organisation's own words.
	Responsibilities []string `json:"responsibilities,omitempty"`
}

// Validate checks the assignment.
func (a *RoleAssignment) Validate() error {
	var p Problems
	if !ValidName(a.ID) {
		p.Add("id", "must be the actor's id")
	}
	if len(a.Roles) == 0 {
		p.Add("roles", "must list at least one role")
	}
	seen := map[Role]bool{}
	for i, r := range a.Roles {
		switch {
		case !ValidName(string(r)):
			p.Addf(fmt.Sprintf("roles[%d]", i), "must be a non-empty name, got %q", r)
		case seen[r]:
			p.Addf(fmt.Sprintf("roles[%d]", i), "duplicate role %q", r)
		}
		seen[r] = true
	}
	return p.Err()
}

// Has reports whether the assignment holds role r.
func (a *RoleAssignment) Has(r Role) bool { return slices.Contains(a.Roles, r) }

// RoleAssignments returns the collection of role assignments in ws.
// Assigning roles is itself an authorized action (5.3): nobody assigns,
// changes or removes their own roles, and once someone holds
// [RoleTopManagement] or [RoleAIMSManager], only an actor the workspace's
// [Authorizer] grants one of those roles may assign roles to others. While
// the tenant has no assignment at all, the first one (the actor's own
// included) is allowed: that is how a workspace gets its first
// administrator. Writes that break these rules fail with [ErrForbidden].
func RoleAssignments(ws *Workspace) *Collection[RoleAssignment, *RoleAssignment] {
	c := NewCollection[RoleAssignment](ws, KindRoleAssignment, 1)
	raw := NewCollection[RoleAssignment](ws, KindRoleAssignment, 1)
	return c.Guard(func(ctx context.Context, actor, subject string) error {
		return guardRoleChange(ctx, ws, raw, actor, subject)
	})
}

// administrators are the roles that may assign roles.
var administrators = []Role{RoleTopManagement, RoleAIMSManager}

func guardRoleChange(ctx context.Context, ws *Workspace, c *Collection[RoleAssignment, *RoleAssignment], actor, subject string) error {
	any, admin := false, false
	for ra, err := range c.List(ctx, nil) {
		if err != nil {
			return err
		}
		any = true
		if ra.Has(RoleTopManagement) || ra.Has(RoleAIMSManager) {
			admin = true
			break
		}
	}
	switch {
	case !any:
		return nil // the workspace's first assignment
	case actor == subject:
		return fmt.Errorf("%w: %q may not assign, change or remove their own roles; another administrator must", ErrForbidden, actor)
	case !admin:
		return nil // nobody administers roles yet: the workspace is being set up
	}
	if err := ws.Authorizer().Authorize(ctx, actor, administrators); err != nil {
		return fmt.Errorf("assigning roles: %w", err)
	}
	return nil
}

// RoleAuthorizer is the default [Authorizer]: an actor holds the roles of
// their [RoleAssignment] in the workspace, and nothing else.
type RoleAuthorizer struct {
	roles *Collection[RoleAssignment, *RoleAssignment]
}

// NewRoleAuthorizer returns the role-based authorizer of ws.
func NewRoleAuthorizer(ws *Workspace) *RoleAuthorizer {
	return &RoleAuthorizer{roles: RoleAssignments(ws)}
}

// Authorize allows actor when anyOf is empty or the actor's assignment holds
// one of the roles.
func (a *RoleAuthorizer) Authorize(ctx context.Context, actor string, anyOf []Role) error {
	if len(anyOf) == 0 {
		return nil
	}
	ra, err := a.roles.Get(ctx, actor)
	if errors.Is(err, ErrNotFound) {
		return fmt.Errorf("%w: %q holds no role (needs one of %s)", ErrForbidden, actor, roleList(anyOf))
	}
	if err != nil {
		return err
	}
	for _, r := range anyOf {
		if ra.Has(r) {
			return nil
		}
	}
	return fmt.Errorf("%w: %q holds none of the roles %s", ErrForbidden, actor, roleList(anyOf))
}

func roleList(rs []Role) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = string(r)
	}
	return strings.Join(s, ", ")
}
