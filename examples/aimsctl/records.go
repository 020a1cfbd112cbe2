package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/aimsgo/iso42001/aims"
)

// multiFlag collects a repeatable flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func systemCommand() *command {
	return &command{
		name:    "system",
		summary: "the AI system inventory (clause 4.3)",
		usage:   "add|list",
		sub: []*command{
			{name: "add", summary: "add an AI system to the inventory", usage: "--id ID --name NAME [--role provider|producer|customer|partner] [--owner WHO]", run: runSystemAdd},
			{name: "list", summary: "list the AI systems in the inventory", usage: "", run: runSystemList},
		},
	}
}

func runSystemAdd(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl system add", "add an AI system to the inventory", "--id ID --name NAME [--role provider|producer|customer|partner] [--owner WHO] [--purpose TEXT]")
	wf := addWorkspaceFlags(f)
	id := f.String("id", "", "system id (required)")
	name := f.String("name", "", "system name (required)")
	var roles multiFlag
	f.Var(&roles, "role", "the organisation's role for the system: provider, producer, customer, partner, subject or user (repeatable)")
	owner := f.String("owner", "", "who is accountable for the system")
	purpose := f.String("purpose", "", "intended purpose, in a sentence")
	stage := f.String("stage", "", "life cycle stage (ISO/IEC 22989), e.g. operation-and-monitoring")
	model := f.String("model-version", "", "model or release in use")
	if _, err := leaf(f, args, 0, 0); err != nil {
		return err
	}
	if *id == "" {
		return usageError("aimsctl system add: --id is required")
	}
	sys := &aims.AISystem{Meta: aims.Meta{ID: *id}, Name: *name, Owner: *owner, Purpose: *purpose,
		Stage: aims.LifecycleStage(*stage), ModelVersion: *model, InScope: true}
	for _, r := range roles {
		sys.Roles = append(sys.Roles, aims.AIRole(r))
	}
	ws, err := wf.open(ctx, a, false)
	if err != nil {
		return err
	}
	defer ws.Close()
	if err := aims.AISystems(ws.Workspace).Create(ctx, wf.who(a), sys); err != nil {
		if errors.Is(err, aims.ErrConflict) {
			return fmt.Errorf("system %q already exists", *id)
		}
		return err
	}
	fmt.Fprintf(a.stdout, "added AI system %s (%s)\n", sys.ID, sys.Name)
	return nil
}

func runSystemList(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl system list", "list the AI systems in the inventory", "")
	wf := addWorkspaceFlags(f)
	if _, err := leaf(f, args, 0, 0); err != nil {
		return err
	}
	ws, err := wf.open(ctx, a, false)
	if err != nil {
		return err
	}
	defer ws.Close()
	tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tROLES\tOWNER\tSTAGE")
	for s, err := range aims.AISystems(ws.Workspace).List(ctx, nil) {
		if err != nil {
			return err
		}
		roles := make([]string, len(s.Roles))
		for i, r := range s.Roles {
			roles[i] = string(r)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", s.ID, oneLine(s.Name), dash(strings.Join(roles, ",")), dash(oneLine(s.Owner)), dash(string(s.Stage)))
	}
	return tw.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func roleCommand() *command {
	return &command{
		name:    "role",
		summary: "roles and responsibilities (clause 5.3), which authorise workflow steps",
		usage:   "assign|list",
		sub: []*command{
			{name: "assign", summary: "give an actor roles", usage: "--actor WHO --role ROLE [--role ROLE...]", run: runRoleAssign},
			{name: "list", summary: "list role assignments", usage: "", run: runRoleList},
		},
	}
}

func runRoleAssign(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl role assign", "give an actor roles (added to those already held)", "--actor WHO --role ROLE [--role ROLE...] [--name NAME]")
	wf := addWorkspaceFlags(f)
	actor := f.String("actor", "", "the person or account (required)")
	name := f.String("name", "", "display name")
	var roles multiFlag
	f.Var(&roles, "role", "role to give, e.g. approver, top-management, aims-manager, risk-owner, internal-auditor (repeatable)")
	if _, err := leaf(f, args, 0, 0); err != nil {
		return err
	}
	if *actor == "" || len(roles) == 0 {
		return usageError("aimsctl role assign: --actor and at least one --role are required")
	}
	ws, err := wf.open(ctx, a, false)
	if err != nil {
		return err
	}
	defer ws.Close()
	coll := aims.RoleAssignments(ws.Workspace)
	ra, err := coll.Get(ctx, *actor)
	switch {
	case errors.Is(err, aims.ErrNotFound):
		ra = &aims.RoleAssignment{Meta: aims.Meta{ID: *actor}, Name: *name}
		for _, r := range roles {
			if !ra.Has(aims.Role(r)) {
				ra.Roles = append(ra.Roles, aims.Role(r))
			}
		}
		err = coll.Create(ctx, wf.who(a), ra)
	case err == nil:
		for _, r := range roles {
			if !ra.Has(aims.Role(r)) {
				ra.Roles = append(ra.Roles, aims.Role(r))
			}
		}
		if *name != "" {
			ra.Name = *name
		}
		err = coll.Update(ctx, wf.who(a), ra)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "%s holds: %s\n", ra.ID, joinRoles(ra.Roles))
	return nil
}

func joinRoles(rs []aims.Role) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = string(r)
	}
	return strings.Join(s, ", ")
}

func runRoleList(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl role list", "list role assignments", "")
	wf := addWorkspaceFlags(f)
	if _, err := leaf(f, args, 0, 0); err != nil {
		return err
	}
	ws, err := wf.open(ctx, a, false)
	if err != nil {
		return err
	}
	defer ws.Close()
	tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ACTOR\tNAME\tROLES")
	for ra, err := range aims.RoleAssignments(ws.Workspace).List(ctx, nil) {
		if err != nil {
			return err
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", ra.ID, dash(oneLine(ra.Name)), joinRoles(ra.Roles))
	}
	return tw.Flush()
}
