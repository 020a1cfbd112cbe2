package aims

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Guard is a named business precondition of a [Transition]. Check returns
// nil when the record may move, or an error whose message is the reason it
// may not; the name and reason reach the caller in [TransitionError.Unmet],
// so a UI can say why a button is disabled.
type Guard[T any] struct {
	Name  string
	Check func(ctx context.Context, rec *T) error
}

// Duty is a named separation-of-duties rule of a [Transition]: Check returns
// non-nil (the reason) when actor may not perform the transition on rec, for
// example because the approver is the author, or the auditor owns the
// audited area. Duties are checked even when [Transition.Allow] grants
// authority: holding a role never excuses a conflict of interest.
type Duty[T any] struct {
	Name  string
	Check func(rec *T, actor string) error
}

// NotActor is a [Duty] that refuses an actor who appears in who(rec): the
// author of a document, the implementer of a control, the owner of an
// audited process. name names the rule in refusals, for example
// "approver-is-not-author".
func NotActor[T any](name string, who func(rec *T) []string) Duty[T] {
	return Duty[T]{
		Name: name,
		Check: func(rec *T, actor string) error {
			if slices.Contains(who(rec), actor) {
				return fmt.Errorf("%q may not take this step on a record they are responsible for", actor)
			}
			return nil
		},
	}
}

// Transition is one row of a workflow table: Event moves a record from any
// state in From to To, provided the actor has the authority, no duty
// excludes them and every guard passes.
//
// Authority: when the roles (RolesFor's answer if set, else Roles) are
// empty and Allow is nil, any actor may fire the event. Otherwise the
// actor needs one of the roles (asked of the workspace's [Authorizer]) or
// Allow's consent; with no roles and an Allow rule, only Allow grants.
type Transition[T any, S, E ~string] struct {
	Event E
	From  []S
	To    S
	// Roles: the actor must hold one (checked with the workspace's
	// Authorizer); empty: see the type's doc.
	Roles []Role
	// RolesFor optionally computes the roles per record, overriding Roles
	// (for example an acceptance authority that depends on the risk level).
	RolesFor func(rec *T) []Role
	// Allow optionally grants authority without a role (for example to the
	// record's owner).
	Allow func(rec *T, actor string) bool
	// Duties are separation-of-duties rules, always checked, even when
	// Allow grants.
	Duties []Duty[T]
	// Guards are preconditions on the record as it would be after the
	// firing's Change.
	Guards []Guard[T]
	// Note says what the transition means, for documentation and Mermaid
	// labels; optional.
	Note string
}

// Spec is the declarative definition of a workflow, validated once by
// [NewMachine].
type Spec[T any, S, E ~string] struct {
	// Name names the workflow, e.g. "risk".
	Name string
	// Version is bumped whenever the table changes; records note
	// "name@version" in Meta.Workflow, so old records are never silently
	// reinterpreted by a changed definition.
	Version int
	// Initial is the state [Start] creates records in.
	Initial S
	// States lists every state, in display order.
	States []S
	// Terminal lists the states with no way out by design.
	Terminal []S
	// Transitions is the table, in display order; Available and Mermaid
	// follow it.
	Transitions []Transition[T, S, E]
}

// Machine is a validated, immutable workflow definition, safe for
// concurrent use. It owns no record state: the caller (usually [Fire])
// reads the record, asks the machine for the step and writes the result.
type Machine[T any, S, E ~string] struct {
	name     string
	version  int
	id       string // "name@version"
	initial  S
	states   []S
	terminal map[S]bool
	declared map[S]bool
	events   []E
	known    map[E]bool
	trans    []Transition[T, S, E]
	index    map[stepKey[S, E]]int // (from, event) -> index in trans
	byFrom   map[S][]int           // from -> indexes in trans, spec order
	mermaid  string
}

type stepKey[S, E ~string] struct {
	from S
	ev   E
}

// Kernel journal events a workflow may not reuse: a transition named
// "delete" would make Workspace.Verify expect the record to be gone.
var reservedEvents = [...]string{EventCreate, EventUpdate, EventDelete}

// NewMachine validates spec and returns its machine. The rules: a non-empty
// name and a version >= 1; states and events are [ValidName]s; no duplicate
// states; the initial state and every From and To are declared; no two
// transitions share an (event, from) pair (the step would be ambiguous);
// every state is reachable from the initial one; every non-terminal state
// has a transition to another state; terminal states have no outgoing
// transitions; guards and duties have a name and a Check; the kernel's
// journal events ("create", "update", "delete") are not workflow events.
// The error is a [*ValidationError] listing every problem with its path,
// such as "transitions[3].to".
func NewMachine[T any, S, E ~string](spec Spec[T, S, E]) (*Machine[T, S, E], error) {
	var p Problems
	if !ValidName(spec.Name) {
		p.Addf("name", "must be 1-%d printable bytes, got %q", maxName, spec.Name)
	}
	if spec.Version < 1 {
		p.Addf("version", "must be at least 1, got %d", spec.Version)
	}
	m := &Machine[T, S, E]{
		name:     spec.Name,
		version:  spec.Version,
		id:       spec.Name + "@" + strconv.Itoa(spec.Version),
		initial:  spec.Initial,
		states:   slices.Clone(spec.States),
		terminal: map[S]bool{},
		declared: map[S]bool{},
		known:    map[E]bool{},
		trans:    make([]Transition[T, S, E], len(spec.Transitions)),
		index:    map[stepKey[S, E]]int{},
		byFrom:   map[S][]int{},
	}
	if len(spec.States) == 0 {
		p.Add("states", "must list at least one state")
	}
	for i, s := range spec.States {
		path := fmt.Sprintf("states[%d]", i)
		switch {
		case !ValidName(string(s)):
			p.Addf(path, "must be 1-%d printable bytes, got %q", maxName, s)
		case m.declared[s]:
			p.Addf(path, "duplicate state %q", s)
		}
		m.declared[s] = true
	}
	if !m.declared[spec.Initial] {
		p.Addf("initial", "state %q is not declared in states", spec.Initial)
	}
	for i, s := range spec.Terminal {
		path := fmt.Sprintf("terminal[%d]", i)
		switch {
		case !m.declared[s]:
			p.Addf(path, "state %q is not declared in states", s)
		case m.terminal[s]:
			p.Addf(path, "duplicate terminal state %q", s)
		}
		m.terminal[s] = true
	}
	where := map[stepKey[S, E]]int{}
	for i, t := range spec.Transitions {
		path := fmt.Sprintf("transitions[%d]", i)
		validateTransition(&p, path, t)
		if !m.known[t.Event] {
			m.known[t.Event] = true
			m.events = append(m.events, t.Event)
		}
		if !m.declared[t.To] {
			p.Addf(path+".to", "state %q is not declared in states", t.To)
		}
		if len(t.From) == 0 {
			p.Add(path+".from", "must list at least one state")
		}
		for j, from := range t.From {
			fpath := fmt.Sprintf("%s.from[%d]", path, j)
			k := stepKey[S, E]{from, t.Event}
			switch {
			case !m.declared[from]:
				p.Addf(fpath, "state %q is not declared in states", from)
			case m.terminal[from]:
				p.Addf(fpath, "state %q is terminal and may have no outgoing transition", from)
			}
			if prev, dup := where[k]; dup {
				if prev == i {
					p.Addf(fpath, "duplicate state %q", from)
				} else {
					p.Addf(fpath, "ambiguous: event %q from %q is also defined by transitions[%d]", t.Event, from, prev)
				}
				continue
			}
			where[k] = i
			m.index[k] = i
			m.byFrom[from] = append(m.byFrom[from], i)
		}
		t.From = slices.Clone(t.From)
		t.Roles = slices.Clone(t.Roles)
		t.Duties = slices.Clone(t.Duties)
		t.Guards = slices.Clone(t.Guards)
		m.trans[i] = t
	}
	if m.declared[spec.Initial] {
		reached := m.reachable()
		for i, s := range spec.States {
			if !reached[s] {
				p.Addf(fmt.Sprintf("states[%d]", i), "state %q is unreachable from the initial state %q", s, spec.Initial)
			}
		}
	}
	for i, s := range spec.States {
		if m.terminal[s] || !ValidName(string(s)) {
			continue
		}
		if !slices.ContainsFunc(m.byFrom[s], func(ti int) bool { return m.trans[ti].To != s }) {
			p.Addf(fmt.Sprintf("states[%d]", i), "state %q has no transition to another state; declare it terminal or add one", s)
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	m.mermaid = m.render()
	return m, nil
}

func validateTransition[T any, S, E ~string](p *Problems, path string, t Transition[T, S, E]) {
	switch {
	case !ValidName(string(t.Event)):
		p.Addf(path+".event", "must be 1-%d printable bytes, got %q", maxName, t.Event)
	case slices.Contains(reservedEvents[:], string(t.Event)):
		p.Addf(path+".event", "%q is reserved for the kernel's journal", t.Event)
	}
	for j, r := range t.Roles {
		if !ValidName(string(r)) {
			p.Addf(fmt.Sprintf("%s.roles[%d]", path, j), "must be 1-%d printable bytes, got %q", maxName, r)
		}
	}
	names := map[string]bool{}
	for j, d := range t.Duties {
		dpath := fmt.Sprintf("%s.duties[%d]", path, j)
		switch {
		case !ValidName(d.Name):
			p.Add(dpath+".name", "is required")
		case names[d.Name]:
			p.Addf(dpath+".name", "duplicate rule name %q", d.Name)
		}
		names[d.Name] = true
		if d.Check == nil {
			p.Add(dpath+".check", "is required")
		}
	}
	for j, g := range t.Guards {
		gpath := fmt.Sprintf("%s.guards[%d]", path, j)
		switch {
		case !ValidName(g.Name):
			p.Add(gpath+".name", "is required")
		case names[g.Name]:
			p.Addf(gpath+".name", "duplicate rule name %q", g.Name)
		}
		names[g.Name] = true
		if g.Check == nil {
			p.Add(gpath+".check", "is required")
		}
	}
}

func (m *Machine[T, S, E]) reachable() map[S]bool {
	seen := map[S]bool{m.initial: true}
	queue := []S{m.initial}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for _, ti := range m.byFrom[s] {
			if to := m.trans[ti].To; !seen[to] {
				seen[to] = true
				queue = append(queue, to)
			}
		}
	}
	return seen
}

// MustMachine is [NewMachine] for package-level definitions built from
// constants, where an invalid spec is a programmer error caught by the
// first test run; it panics on an invalid spec. Never use it on a spec
// built from user input.
func MustMachine[T any, S, E ~string](spec Spec[T, S, E]) *Machine[T, S, E] {
	m, err := NewMachine(spec)
	if err != nil {
		panic(fmt.Sprintf("aims: workflow %q: %v", spec.Name, err))
	}
	return m
}

// Name returns the workflow's name.
func (m *Machine[T, S, E]) Name() string { return m.name }

// Version returns the workflow's version.
func (m *Machine[T, S, E]) Version() int { return m.version }

// ID returns "name@version", as records note it in Meta.Workflow.
func (m *Machine[T, S, E]) ID() string { return m.id }

// Initial returns the initial state.
func (m *Machine[T, S, E]) Initial() S { return m.initial }

// States returns every state in display order; the slice is the caller's.
func (m *Machine[T, S, E]) States() []S { return slices.Clone(m.states) }

// Events returns the distinct events in the order they first appear in the
// table; the slice is the caller's.
func (m *Machine[T, S, E]) Events() []E { return slices.Clone(m.events) }

// IsTerminal reports whether s is a terminal state.
func (m *Machine[T, S, E]) IsTerminal(s S) bool { return m.terminal[s] }

// Valid reports whether s is a declared state.
func (m *Machine[T, S, E]) Valid(s S) bool { return m.declared[s] }

// Step decides one transition without I/O of its own (the Authorizer and
// the guards may do some): it finds the transition for (state, ev), checks
// authority (RolesFor or Roles through az, or Allow), then the duties, then
// the guards, and returns the target state.
//
// A refusal is a [*TransitionError]: matching [ErrTransitionDenied] when
// state is undeclared, the event is unknown or not defined from state, or
// guards are unmet (every unmet guard is listed); matching [ErrForbidden]
// when authority or duties refuse (every refusal is listed; guards are then
// not run). When az fails with an error that is not ErrForbidden (it could
// not decide), Step returns that error wrapped, so that an outage is not
// reported as a lack of authority.
func (m *Machine[T, S, E]) Step(ctx context.Context, az Authorizer, rec *T, state S, actor string, ev E) (S, error) {
	var zero S
	t, terr := m.lookup(state, ev)
	if terr != nil {
		return zero, terr
	}
	unmet, err := m.authority(ctx, az, t, rec, actor)
	if err != nil {
		return zero, err
	}
	if len(unmet) > 0 {
		return zero, m.refuse(ErrForbidden, state, ev, unmet)
	}
	for _, g := range t.Guards {
		if err := g.Check(ctx, rec); err != nil {
			unmet = append(unmet, Unmet{Rule: g.Name, Reason: err.Error()})
		}
	}
	if len(unmet) > 0 {
		return zero, m.refuse(ErrTransitionDenied, state, ev, unmet)
	}
	return t.To, nil
}

// lookup returns the transition for (state, ev), or the refusal.
func (m *Machine[T, S, E]) lookup(state S, ev E) (*Transition[T, S, E], error) {
	if i, ok := m.index[stepKey[S, E]{state, ev}]; ok {
		return &m.trans[i], nil
	}
	var reason string
	switch {
	case !m.declared[state]:
		return nil, m.refuse(ErrTransitionDenied, state, ev, []Unmet{{Rule: "state",
			Reason: fmt.Sprintf("state %q is not declared by workflow %s", state, m.id)}})
	case !m.known[ev]:
		reason = fmt.Sprintf("event %q is not defined by workflow %s", ev, m.id)
	default:
		reason = fmt.Sprintf("%q is not possible from state %q", ev, state)
	}
	return nil, m.refuse(ErrTransitionDenied, state, ev, []Unmet{{Rule: "transition", Reason: reason}})
}

// authority returns the authority and duty refusals, or an error when the
// authorizer could not decide.
func (m *Machine[T, S, E]) authority(ctx context.Context, az Authorizer, t *Transition[T, S, E], rec *T, actor string) ([]Unmet, error) {
	var unmet []Unmet
	roles := t.Roles
	if t.RolesFor != nil {
		roles = t.RolesFor(rec)
	}
	switch {
	case t.Allow != nil && t.Allow(rec, actor):
	case len(roles) > 0:
		if az == nil {
			return nil, fmt.Errorf("workflow %s: event %q: no authorizer to check roles %s", m.id, t.Event, roleList(roles))
		}
		if err := az.Authorize(ctx, actor, roles); err != nil {
			if !errors.Is(err, ErrForbidden) {
				return nil, fmt.Errorf("workflow %s: event %q: authorizer could not decide: %w", m.id, t.Event, err)
			}
			unmet = append(unmet, Unmet{Rule: "role", Reason: strings.TrimPrefix(err.Error(), ErrForbidden.Error()+": ")})
		}
	case t.Allow != nil:
		unmet = append(unmet, Unmet{Rule: "role", Reason: fmt.Sprintf("%q is not among the actors this step allows", actor)})
	}
	for _, d := range t.Duties {
		if err := d.Check(rec, actor); err != nil {
			unmet = append(unmet, Unmet{Rule: d.Name, Reason: err.Error()})
		}
	}
	return unmet, nil
}

func (m *Machine[T, S, E]) refuse(category error, state S, ev E, unmet []Unmet) *TransitionError {
	return &TransitionError{Workflow: m.id, Event: string(ev), From: string(state), Unmet: unmet, category: category}
}

// Available lists the events actor may fire now from state, every check
// passing, in table order: a UI's buttons. An authorizer that cannot decide
// counts as a refusal here; [Actions] reports it instead.
func (m *Machine[T, S, E]) Available(ctx context.Context, az Authorizer, rec *T, state S, actor string) []E {
	evs, _ := m.available(ctx, az, rec, state, actor)
	return evs
}

func (m *Machine[T, S, E]) available(ctx context.Context, az Authorizer, rec *T, state S, actor string) ([]E, error) {
	var out []E
	var firstErr error
	for _, ti := range m.byFrom[state] {
		ev := m.trans[ti].Event
		_, err := m.Step(ctx, az, rec, state, actor, ev)
		var te *TransitionError
		switch {
		case err == nil:
			out = append(out, ev)
		case errors.As(err, &te):
		case firstErr == nil:
			firstErr = err
		}
	}
	return out, firstErr
}

// Mermaid renders the machine as a Mermaid `stateDiagram-v2`: [*] to the
// initial state, one "A --> B: event" line per (from, transition) in table
// order, and each terminal state to [*]. States whose names are not plain
// identifiers are declared with an alias (`state "in-review" as in_review`).
// The output is deterministic, so it can be golden-tested and diffed in
// review.
func (m *Machine[T, S, E]) Mermaid() string { return m.mermaid }

func (m *Machine[T, S, E]) render() string {
	// Names that are already identifiers keep them; the others get an alias
	// that collides with none of them.
	ids := make(map[S]string, len(m.states))
	used := map[string]bool{}
	for _, s := range m.states {
		if mermaidID(string(s)) == string(s) {
			ids[s] = string(s)
			used[string(s)] = true
		}
	}
	var b strings.Builder
	b.WriteString("stateDiagram-v2\n")
	for _, s := range m.states {
		if _, ok := ids[s]; ok {
			continue
		}
		id := mermaidID(string(s))
		base := id
		for n := 2; used[id]; n++ {
			id = base + "_" + strconv.Itoa(n)
		}
		used[id] = true
		ids[s] = id
		fmt.Fprintf(&b, "    state \"%s\" as %s\n", mermaidText(string(s)), id)
	}
	fmt.Fprintf(&b, "    [*] --> %s\n", ids[m.initial])
	for _, t := range m.trans {
		label := mermaidText(string(t.Event))
		if t.Note != "" {
			label += " - " + mermaidText(t.Note)
		}
		for _, from := range t.From {
			fmt.Fprintf(&b, "    %s --> %s: %s\n", ids[from], ids[t.To], label)
		}
	}
	for _, s := range m.states {
		if m.terminal[s] {
			fmt.Fprintf(&b, "    %s --> [*]\n", ids[s])
		}
	}
	return b.String()
}

// mermaidID maps a state name to a Mermaid identifier: ASCII letters,
// digits and underscores, not starting with a digit, not a keyword.
func mermaidID(s string) string {
	switch strings.ToLower(s) {
	case "state", "note", "end", "direction", "class", "classdef", "click", "style", "acctitle", "accdescr":
		return s + "_"
	}
	var b strings.Builder
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r == '_':
			b.WriteRune(r)
		case r >= '0' && r <= '9':
			if i == 0 {
				b.WriteByte('s')
			}
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}

// mermaidText escapes what would end or break a Mermaid statement.
func mermaidText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '#':
			b.WriteString("#35;")
		case r == ';':
			b.WriteString("#59;")
		case r == '"':
			b.WriteString("#quot;")
		case r < 0x20 || r == 0x7f:
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// TransitionError is a refused transition. It matches [ErrTransitionDenied]
// (no such transition, undeclared state, unmet guards) or [ErrForbidden]
// (authority or separation of duties) under errors.Is, and lists every
// reason so the caller can show all of them at once.
type TransitionError struct {
	Workflow string  // "name@version"
	Event    string  // the event fired
	From     string  // the record's state
	Unmet    []Unmet // every refusal reason
	category error   // ErrTransitionDenied or ErrForbidden
}

// Unmet is one reason a transition was refused. Rule is the guard or duty
// name, "role" (authority), "transition" (no such transition from the
// state), "state" (undeclared state) or "workflow" (the record belongs to
// another workflow).
type Unmet struct {
	Rule   string `json:"rule"`
	Reason string `json:"reason"`
}

func (e *TransitionError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "workflow %s: %q from %q: ", e.Workflow, e.Event, e.From)
	if e.category != nil {
		b.WriteString(e.category.Error())
	} else {
		b.WriteString(ErrTransitionDenied.Error())
	}
	for i, u := range e.Unmet {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(u.Rule)
		b.WriteString(": ")
		b.WriteString(u.Reason)
	}
	return b.String()
}

// Is reports whether target is the error's category, [ErrTransitionDenied]
// or [ErrForbidden]. A TransitionError built outside this package, with no
// category, is ErrTransitionDenied.
func (e *TransitionError) Is(target error) bool { return target == e.Unwrap() }

// Unwrap returns the category sentinel.
func (e *TransitionError) Unwrap() error {
	if e.category == nil {
		return ErrTransitionDenied
	}
	return e.category
}

// Firing asks [Fire] to move one record.
type Firing[T any, E ~string] struct {
	ID string
	// Version is the version the caller read; 0 means whatever is current.
	// Either way the write is atomic against concurrent writers.
	Version int64
	Actor   string
	Event   E
	// Change optionally applies the data the event carries (a decision, a
	// justification, an approval date) to a copy of the record before the
	// guards run, so guards judge the record as it would be stored. Changes
	// to Meta are discarded. An error refuses the firing; wrap ErrInvalid
	// for bad input.
	Change func(rec *T) error
}

// Fire moves the stored record f.ID by f.Event. It loads the record, checks
// the expected version (stale: [ErrConflict]), checks that the record's
// state is declared by m and that it was not moved by another workflow
// (otherwise a [*TransitionError]: a changed definition never silently
// reinterprets an old record), applies f.Change, runs [Machine.Step] with
// the workspace's Authorizer, sets Meta.State to the target and
// Meta.Workflow to "name@version", validates, and writes the record with
// its journal entry (event, from, to, version, digest) in one store
// operation. It returns the updated record. Nothing is written on any
// error; errors are [*Error] values naming "fire <event>" and the record.
func Fire[T any, P Doc[T], S, E ~string](ctx context.Context, c *Collection[T, P], m *Machine[T, S, E], f Firing[T, E]) (P, error) {
	p, w, e, restore, err := fireStage(ctx, c, m, f)
	if err != nil {
		return nil, err
	}
	if _, err := c.ws.Commit(ctx, []Write{w}, []Entry{e}); err != nil {
		restore()
		return nil, opError("fire "+string(f.Event), c.kind, f.ID, err)
	}
	return p, nil
}

// fireStage does everything Fire does but the commit: it reads the record,
// checks the step (authority, duties, guards) and returns the record as it
// will be, its write and its journal entry.
func fireStage[T any, P Doc[T], S, E ~string](ctx context.Context, c *Collection[T, P], m *Machine[T, S, E], f Firing[T, E]) (P, Write, Entry, func(), error) {
	op := "fire " + string(f.Event)
	fail := func(err error) (P, Write, Entry, func(), error) { return nil, Write{}, Entry{}, func() {}, err }
	if !ValidName(f.Actor) {
		return fail(opError(op, c.Kind(), f.ID, Invalid("actor", "is required")))
	}
	p, err := c.Get(ctx, f.ID)
	if err != nil {
		return fail(err)
	}
	h := *p.Header()
	if f.Version != 0 && f.Version != h.Version {
		return fail(opError(op, c.Kind(), f.ID, fmt.Errorf("%w: expected version %d, stored version is %d", ErrConflict, f.Version, h.Version)))
	}
	state := S(h.State)
	if err := m.checkRecord(h, state, f.Event); err != nil {
		return fail(opError(op, c.Kind(), f.ID, err))
	}
	if f.Change != nil {
		if err := f.Change((*T)(p)); err != nil {
			return fail(opError(op, c.Kind(), f.ID, err))
		}
		*p.Header() = h
	}
	to, err := m.Step(ctx, c.Workspace().Authorizer(), (*T)(p), state, f.Actor, f.Event)
	if err != nil {
		return fail(opError(op, c.Kind(), f.ID, err))
	}
	next := h
	next.State, next.Workflow = string(to), m.id
	next.Kind = c.kind
	next.UpdatedAt, next.UpdatedBy = c.ws.Now(), f.Actor
	w, e, restore, err := c.stage(ctx, op, f.Actor, p, next, h.Version, Entry{Event: string(f.Event), From: string(state), To: string(to)})
	if err != nil {
		return fail(err)
	}
	return p, w, e, restore, nil
}

// checkRecord refuses a record this machine must not move: one in an
// undeclared state, or one last moved by a workflow of another name.
func (m *Machine[T, S, E]) checkRecord(h Meta, state S, ev E) error {
	if h.Workflow != "" {
		name := h.Workflow
		if i := strings.LastIndexByte(name, '@'); i >= 0 {
			name = name[:i]
		}
		if name != m.name {
			return m.refuse(ErrTransitionDenied, state, ev, []Unmet{{Rule: "workflow",
				Reason: fmt.Sprintf("record was moved by workflow %s, not %s", h.Workflow, m.id)}})
		}
	}
	if !m.declared[state] {
		reason := fmt.Sprintf("record state %q is not declared by workflow %s", state, m.id)
		if h.Workflow != "" && h.Workflow != m.id {
			reason += " (the record was last moved by " + h.Workflow + ")"
		}
		return m.refuse(ErrTransitionDenied, state, ev, []Unmet{{Rule: "state", Reason: reason}})
	}
	return nil
}

// Start creates v in m's initial state: it sets Meta.State and
// Meta.Workflow and stores v with [Collection.Create], whose journal entry
// is "create" with To set to the initial state. v's Meta is updated only on
// success.
func Start[T any, P Doc[T], S, E ~string](ctx context.Context, c *Collection[T, P], m *Machine[T, S, E], actor string, v P) error {
	saved := *v.Header()
	v.Header().State, v.Header().Workflow = string(m.initial), m.id
	if err := c.create(ctx, actor, v); err != nil {
		*v.Header() = saved
		return err
	}
	return nil
}

// Actions returns the events actor may fire now on the stored record id,
// in table order: it loads the record, then asks [Machine.Available]. A
// record m must not move (undeclared state, another workflow) is an error,
// as is an authorizer that cannot decide.
func Actions[T any, P Doc[T], S, E ~string](ctx context.Context, c *Collection[T, P], m *Machine[T, S, E], actor, id string) ([]E, error) {
	if !ValidName(actor) {
		return nil, opError("actions", c.Kind(), id, Invalid("actor", "is required"))
	}
	p, err := c.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	h := *p.Header()
	state := S(h.State)
	if err := m.checkRecord(h, state, ""); err != nil {
		return nil, opError("actions", c.Kind(), id, err)
	}
	evs, err := m.available(ctx, c.Workspace().Authorizer(), (*T)(p), state, actor)
	if err != nil {
		return nil, opError("actions", c.Kind(), id, err)
	}
	return evs, nil
}

// opError is [E] for the generic functions above, whose event type
// parameter shadows it.
func opError(op, kind, id string, err error) error { return E(op, kind, id, err) }
