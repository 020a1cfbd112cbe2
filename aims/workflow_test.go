package aims

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files")

// The document-approval workflow of the tests: a document is drafted by its
// author, reviewed, approved by someone else, published, and eventually
// withdrawn.

type docState string
type docEvent string

const (
	stDraft     docState = "draft"
	stInReview  docState = "in-review"
	stApproved  docState = "approved"
	stPublished docState = "published"
	stWithdrawn docState = "withdrawn"

	evSubmit   docEvent = "submit"
	evReturn   docEvent = "return"
	evApprove  docEvent = "approve"
	evPublish  docEvent = "publish"
	evWithdraw docEvent = "withdraw"
)

const (
	roleApprover  Role = "approver"
	rolePublisher Role = "publisher"
	roleTopMgmt   Role = "top-management"
)

type wfDoc struct {
	Meta
	Title     string   `json:"title"`
	Body      string   `json:"body,omitempty"`
	Author    string   `json:"author"`
	Approver  string   `json:"approver,omitempty"`
	Sensitive bool     `json:"sensitive,omitempty"`
	Editors   []string `json:"editors,omitempty"`
}

func (d *wfDoc) Validate() error {
	var p Problems
	p.Require("title", d.Title)
	p.Require("author", d.Author)
	return p.Err()
}

func wfDocSpec() Spec[wfDoc, docState, docEvent] {
	return Spec[wfDoc, docState, docEvent]{
		Name:     "document",
		Version:  1,
		Initial:  stDraft,
		States:   []docState{stDraft, stInReview, stApproved, stPublished, stWithdrawn},
		Terminal: []docState{stWithdrawn},
		Transitions: []Transition[wfDoc, docState, docEvent]{
			{
				Event: evSubmit, From: []docState{stDraft}, To: stInReview,
				Allow:  func(d *wfDoc, actor string) bool { return d.Author == actor },
				Guards: []Guard[wfDoc]{{Name: "has-body", Check: wfHasBody}},
				Note:   "author asks for review",
			},
			{
				Event: evReturn, From: []docState{stInReview}, To: stDraft,
				Roles: []Role{roleApprover},
			},
			{
				Event: evApprove, From: []docState{stInReview}, To: stApproved,
				Roles: []Role{roleApprover},
				Duties: []Duty[wfDoc]{
					NotActor("approver-is-not-author", func(d *wfDoc) []string { return []string{d.Author} }),
					NotActor("approver-is-not-editor", func(d *wfDoc) []string { return d.Editors }),
				},
				Guards: []Guard[wfDoc]{
					{Name: "has-body", Check: wfHasBody},
					{Name: "approver-recorded", Check: func(_ context.Context, d *wfDoc) error {
						if d.Approver == "" {
							return errors.New("the approval names no approver")
						}
						return nil
					}},
				},
			},
			{
				Event: evPublish, From: []docState{stApproved}, To: stPublished,
				Roles: []Role{rolePublisher},
				RolesFor: func(d *wfDoc) []Role {
					if d.Sensitive {
						return []Role{roleTopMgmt}
					}
					return []Role{rolePublisher}
				},
			},
			{
				Event: evWithdraw, From: []docState{stApproved, stPublished}, To: stWithdrawn,
				Roles: []Role{rolePublisher},
				Allow: func(d *wfDoc, actor string) bool { return d.Author == actor },
				Note:  "no longer in force",
			},
		},
	}
}

func wfHasBody(_ context.Context, d *wfDoc) error {
	if strings.TrimSpace(d.Body) == "" {
		return errors.New("the document has no body")
	}
	return nil
}

var wfDocMachine = MustMachine(wfDocSpec())

// wfAuthz grants roles from a fixed table.
func wfAuthz(roles map[string][]Role) Authorizer {
	return AuthorizerFunc(func(_ context.Context, actor string, anyOf []Role) error {
		if len(anyOf) == 0 {
			return nil
		}
		for _, r := range anyOf {
			if slices.Contains(roles[actor], r) {
				return nil
			}
		}
		return fmt.Errorf("%w: %q holds none of the roles %s", ErrForbidden, actor, roleList(anyOf))
	})
}

var wfRoles = map[string][]Role{
	"alice": {roleApprover},                // author of the test documents; also an approver
	"bob":   {roleApprover},                // approver
	"carol": {rolePublisher},               // publisher
	"dave":  {roleTopMgmt, rolePublisher},  // top management
	"erin":  {roleApprover, rolePublisher}, // approver and publisher
}

func wfProblemPaths(t *testing.T, err error) []string {
	t.Helper()
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("error %v is not a *ValidationError", err)
	}
	if !errors.Is(err, ErrInvalid) {
		t.Errorf("error %v does not match ErrInvalid", err)
	}
	var paths []string
	for _, p := range ve.Problems {
		paths = append(paths, p.Path)
	}
	return paths
}

func TestNewMachineAcceptsGoodSpec(t *testing.T) {
	t.Parallel()
	m, err := NewMachine(wfDocSpec())
	if err != nil {
		t.Fatalf("NewMachine: %v", err)
	}
	got := struct {
		Name     string
		Version  int
		ID       string
		Initial  docState
		States   []docState
		Events   []docEvent
		Terminal []bool
		Valid    []bool
	}{m.Name(), m.Version(), m.ID(), m.Initial(), m.States(), m.Events(),
		[]bool{m.IsTerminal(stDraft), m.IsTerminal(stWithdrawn), m.IsTerminal("nope")},
		[]bool{m.Valid(stInReview), m.Valid("nope"), m.Valid("")}}
	want := struct {
		Name     string
		Version  int
		ID       string
		Initial  docState
		States   []docState
		Events   []docEvent
		Terminal []bool
		Valid    []bool
	}{"document", 1, "document@1", stDraft,
		[]docState{stDraft, stInReview, stApproved, stPublished, stWithdrawn},
		[]docEvent{evSubmit, evReturn, evApprove, evPublish, evWithdraw},
		[]bool{false, true, false},
		[]bool{true, false, false}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("machine (-want +got):\n%s", diff)
	}
	// The accessors hand out copies: the machine is immutable.
	m.States()[0] = "mutated"
	m.Events()[0] = "mutated"
	if m.States()[0] != stDraft || m.Events()[0] != evSubmit {
		t.Errorf("States/Events returned the machine's own slices")
	}
}

func TestNewMachineCopiesSpec(t *testing.T) {
	t.Parallel()
	spec := wfDocSpec()
	m := MustMachine(spec)
	spec.States[1] = "changed"
	spec.Transitions[0].To = stPublished
	spec.Transitions[1].Roles[0] = "nobody"
	az := wfAuthz(wfRoles)
	d := &wfDoc{Title: "t", Author: "alice", Body: "b"}
	if to, err := m.Step(t.Context(), az, d, stDraft, "alice", evSubmit); err != nil || to != stInReview {
		t.Errorf("Step after mutating the spec = %q, %v; want %q, nil", to, err, stInReview)
	}
	if _, err := m.Step(t.Context(), az, d, stInReview, "bob", evReturn); err != nil {
		t.Errorf("Step after mutating the spec's roles: %v", err)
	}
}

func TestNewMachineRefuses(t *testing.T) {
	t.Parallel()
	type spec = Spec[wfDoc, docState, docEvent]
	type tr = Transition[wfDoc, docState, docEvent]
	noop := func(_ context.Context, _ *wfDoc) error { return nil }
	tests := []struct {
		name   string
		edit   func(s *spec)
		want   []string // problem paths, in order
		inRule string   // a word the first problem's rule contains
	}{
		{"empty name", func(s *spec) { s.Name = "" }, []string{"name"}, "printable"},
		{"version zero", func(s *spec) { s.Version = 0 }, []string{"version"}, "at least 1"},
		{"no states", func(s *spec) { s.States = nil; s.Transitions = nil; s.Terminal = nil },
			[]string{"states", "initial"}, "at least one"},
		{"initial undeclared", func(s *spec) { s.Initial = "limbo" },
			// Without a declared initial state reachability is not judged.
			[]string{"initial"}, "not declared"},
		{"duplicate state", func(s *spec) { s.States = append(s.States, stDraft) }, []string{"states[5]"}, "duplicate"},
		{"invalid state name", func(s *spec) { s.States = append(s.States, "bad\nname") },
			[]string{"states[5]", "states[5]"}, "printable"},
		{"terminal undeclared", func(s *spec) { s.Terminal = append(s.Terminal, "gone") }, []string{"terminal[1]"}, "not declared"},
		{"terminal duplicate", func(s *spec) { s.Terminal = append(s.Terminal, stWithdrawn) }, []string{"terminal[1]"}, "duplicate"},
		{"to undeclared", func(s *spec) { s.Transitions[3].To = "archived" }, []string{"transitions[3].to", "states[3]"}, "not declared"},
		{"from undeclared", func(s *spec) { s.Transitions[4].From = []docState{stApproved, stPublished, "gone"} },
			[]string{"transitions[4].from[2]"}, "not declared"},
		{"from empty", func(s *spec) { s.Transitions[1].From = nil }, []string{"transitions[1].from"}, "at least one"},
		{"ambiguous", func(s *spec) {
			s.Transitions = append(s.Transitions, tr{Event: evApprove, From: []docState{stInReview}, To: stPublished})
		}, []string{"transitions[5].from[0]"}, "ambiguous"},
		{"duplicate from", func(s *spec) { s.Transitions[4].From = []docState{stApproved, stApproved, stPublished} },
			[]string{"transitions[4].from[1]"}, "duplicate"},
		{"unreachable", func(s *spec) {
			s.States = append(s.States, "orphan")
			s.Transitions = append(s.Transitions, tr{Event: "adopt", From: []docState{"orphan"}, To: stDraft})
		}, []string{"states[5]"}, "unreachable"},
		{"no way out", func(s *spec) { s.Terminal = nil }, []string{"states[4]"}, "no transition to another state"},
		{"self loop is no way out", func(s *spec) {
			s.Terminal = nil
			s.Transitions = append(s.Transitions, tr{Event: "comment", From: []docState{stWithdrawn}, To: stWithdrawn})
		}, []string{"states[4]"}, "no transition to another state"},
		{"out of terminal", func(s *spec) { s.Terminal = []docState{stWithdrawn, stPublished} },
			[]string{"transitions[4].from[1]"}, "terminal"},
		{"invalid event", func(s *spec) { s.Transitions[0].Event = "" }, []string{"transitions[0].event"}, "printable"},
		{"reserved event", func(s *spec) { s.Transitions[0].Event = "delete" }, []string{"transitions[0].event"}, "reserved"},
		{"invalid role", func(s *spec) { s.Transitions[1].Roles = []Role{"ok", ""} }, []string{"transitions[1].roles[1]"}, "printable"},
		{"guard without name", func(s *spec) { s.Transitions[0].Guards = []Guard[wfDoc]{{Check: noop}} },
			[]string{"transitions[0].guards[0].name"}, "required"},
		{"guard without check", func(s *spec) { s.Transitions[0].Guards = []Guard[wfDoc]{{Name: "g"}} },
			[]string{"transitions[0].guards[0].check"}, "required"},
		{"duty without check", func(s *spec) { s.Transitions[2].Duties[1].Check = nil },
			[]string{"transitions[2].duties[1].check"}, "required"},
		{"duplicate rule name", func(s *spec) { s.Transitions[2].Guards[1].Name = "approver-is-not-author" },
			[]string{"transitions[2].guards[1].name"}, "duplicate"},
		{"several problems at once", func(s *spec) {
			s.Name, s.Version = "", -1
			s.Transitions[3].To = "archived"
			s.Transitions[0].Event = "create"
		}, []string{"name", "version", "transitions[0].event", "transitions[3].to", "states[3]"}, "printable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := wfDocSpec()
			tt.edit(&s)
			m, err := NewMachine(s)
			if err == nil {
				t.Fatalf("NewMachine accepted the spec: %v", m.Mermaid())
			}
			if m != nil {
				t.Errorf("NewMachine returned a machine with error %v", err)
			}
			if diff := cmp.Diff(tt.want, wfProblemPaths(t, err)); diff != "" {
				t.Errorf("problem paths (-want +got):\n%s\nerror: %v", diff, err)
			}
			var ve *ValidationError
			errors.As(err, &ve)
			if !strings.Contains(ve.Problems[0].Rule, tt.inRule) {
				t.Errorf("first problem %q does not mention %q", ve.Problems[0], tt.inRule)
			}
		})
	}
}

func TestMustMachinePanicsOnBadSpec(t *testing.T) {
	t.Parallel()
	defer func() {
		r := recover()
		if r == nil || !strings.Contains(fmt.Sprint(r), "version") {
			t.Errorf("recover() = %v, want a panic naming the bad field", r)
		}
	}()
	s := wfDocSpec()
	s.Version = 0
	MustMachine(s)
}

func TestStep(t *testing.T) {
	t.Parallel()
	base := wfDoc{Title: "Policy", Body: "text", Author: "alice", Approver: "bob"}
	tests := []struct {
		name     string
		edit     func(d *wfDoc)
		state    docState
		actor    string
		ev       docEvent
		want     docState
		category error   // nil: success
		unmet    []Unmet // reasons compared by rule only, see below
	}{
		{name: "author submits", state: stDraft, actor: "alice", ev: evSubmit, want: stInReview},
		{name: "allow grants without role", state: stDraft, actor: "alice", ev: evSubmit,
			edit: func(d *wfDoc) { d.Author = "frank" }, category: ErrForbidden, unmet: []Unmet{{Rule: "role"}}},
		{name: "allow grants a role-less actor", state: stDraft, actor: "frank", ev: evSubmit,
			edit: func(d *wfDoc) { d.Author = "frank" }, want: stInReview},
		{name: "guard refuses", state: stDraft, actor: "alice", ev: evSubmit,
			edit: func(d *wfDoc) { d.Body = " " }, category: ErrTransitionDenied, unmet: []Unmet{{Rule: "has-body"}}},
		{name: "no transition from state", state: stDraft, actor: "bob", ev: evApprove,
			category: ErrTransitionDenied, unmet: []Unmet{{Rule: "transition"}}},
		{name: "unknown event", state: stDraft, actor: "bob", ev: "teleport",
			category: ErrTransitionDenied, unmet: []Unmet{{Rule: "transition"}}},
		{name: "undeclared state", state: "limbo", actor: "bob", ev: evApprove,
			category: ErrTransitionDenied, unmet: []Unmet{{Rule: "state"}}},
		{name: "out of terminal", state: stWithdrawn, actor: "carol", ev: evWithdraw,
			category: ErrTransitionDenied, unmet: []Unmet{{Rule: "transition"}}},
		{name: "approver approves", state: stInReview, actor: "bob", ev: evApprove, want: stApproved},
		{name: "missing role", state: stInReview, actor: "carol", ev: evApprove,
			category: ErrForbidden, unmet: []Unmet{{Rule: "role"}}},
		{name: "unknown actor", state: stInReview, actor: "mallory", ev: evApprove,
			category: ErrForbidden, unmet: []Unmet{{Rule: "role"}}},
		{name: "duty refuses despite role", state: stInReview, actor: "alice", ev: evApprove,
			category: ErrForbidden, unmet: []Unmet{{Rule: "approver-is-not-author"}}},
		{name: "role and duties all listed", state: stInReview, actor: "carol", ev: evApprove,
			edit:     func(d *wfDoc) { d.Author = "carol"; d.Editors = []string{"carol"} },
			category: ErrForbidden, unmet: []Unmet{{Rule: "role"}, {Rule: "approver-is-not-author"}, {Rule: "approver-is-not-editor"}}},
		{name: "forbidden before guards", state: stInReview, actor: "alice", ev: evApprove,
			edit:     func(d *wfDoc) { d.Body = ""; d.Approver = "" },
			category: ErrForbidden, unmet: []Unmet{{Rule: "approver-is-not-author"}}},
		{name: "every unmet guard listed", state: stInReview, actor: "bob", ev: evApprove,
			edit:     func(d *wfDoc) { d.Body = ""; d.Approver = "" },
			category: ErrTransitionDenied, unmet: []Unmet{{Rule: "has-body"}, {Rule: "approver-recorded"}}},
		{name: "roles for a plain record", state: stApproved, actor: "carol", ev: evPublish, want: stPublished},
		{name: "roles for overrides roles", state: stApproved, actor: "carol", ev: evPublish,
			edit: func(d *wfDoc) { d.Sensitive = true }, category: ErrForbidden, unmet: []Unmet{{Rule: "role"}}},
		{name: "roles for grants its role", state: stApproved, actor: "dave", ev: evPublish,
			edit: func(d *wfDoc) { d.Sensitive = true }, want: stPublished},
		{name: "role or allow: role", state: stPublished, actor: "carol", ev: evWithdraw, want: stWithdrawn},
		{name: "role or allow: allow", state: stPublished, actor: "alice", ev: evWithdraw, want: stWithdrawn},
		{name: "role or allow: neither", state: stApproved, actor: "bob", ev: evWithdraw,
			category: ErrForbidden, unmet: []Unmet{{Rule: "role"}}},
		{name: "approver returns", state: stInReview, actor: "bob", ev: evReturn, want: stDraft},
	}
	az := wfAuthz(wfRoles)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := base
			if tt.edit != nil {
				tt.edit(&d)
			}
			got, err := wfDocMachine.Step(t.Context(), az, &d, tt.state, tt.actor, tt.ev)
			if tt.category == nil {
				if err != nil || got != tt.want {
					t.Fatalf("Step = %q, %v; want %q, nil", got, err, tt.want)
				}
				return
			}
			if got != "" {
				t.Errorf("Step returned state %q with an error", got)
			}
			if !errors.Is(err, tt.category) {
				t.Fatalf("Step error %v does not match %v", err, tt.category)
			}
			for _, other := range []error{ErrForbidden, ErrTransitionDenied, ErrInvalid, ErrConflict} {
				if other != tt.category && errors.Is(err, other) {
					t.Errorf("Step error %v also matches %v", err, other)
				}
			}
			var te *TransitionError
			if !errors.As(err, &te) {
				t.Fatalf("Step error %T is not a *TransitionError", err)
			}
			for _, u := range te.Unmet {
				if u.Reason == "" {
					t.Errorf("unmet %q has no reason", u.Rule)
				}
			}
			rules := func(us []Unmet) []string {
				var out []string
				for _, u := range us {
					out = append(out, u.Rule)
				}
				return out
			}
			if diff := cmp.Diff(rules(tt.unmet), rules(te.Unmet)); diff != "" {
				t.Errorf("unmet rules (-want +got):\n%s", diff)
			}
			head := TransitionError{Workflow: "document@1", Event: string(tt.ev), From: string(tt.state)}
			if diff := cmp.Diff(head, TransitionError{Workflow: te.Workflow, Event: te.Event, From: te.From},
				cmp.AllowUnexported(TransitionError{})); diff != "" {
				t.Errorf("error header (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTransitionErrorMessage(t *testing.T) {
	t.Parallel()
	d := wfDoc{Title: "t", Author: "carol", Editors: []string{"carol"}}
	_, err := wfDocMachine.Step(t.Context(), wfAuthz(wfRoles), &d, stInReview, "carol", evApprove)
	want := `workflow document@1: "approve" from "in-review": forbidden: ` +
		`role: "carol" holds none of the roles approver; ` +
		`approver-is-not-author: "carol" may not take this step on a record they are responsible for; ` +
		`approver-is-not-editor: "carol" may not take this step on a record they are responsible for`
	if err == nil || err.Error() != want {
		t.Errorf("Step error:\n got %v\nwant %s", err, want)
	}
	// A TransitionError built by a caller (no category) is a denial.
	if !errors.Is(&TransitionError{}, ErrTransitionDenied) || errors.Is(&TransitionError{}, ErrForbidden) {
		t.Errorf("zero TransitionError does not match ErrTransitionDenied only")
	}
}

func TestStepAuthorizerFailureIsNotForbidden(t *testing.T) {
	t.Parallel()
	outage := errors.New("directory unreachable")
	az := AuthorizerFunc(func(context.Context, string, []Role) error { return outage })
	d := wfDoc{Title: "t", Body: "b", Author: "alice", Approver: "bob"}
	_, err := wfDocMachine.Step(t.Context(), az, &d, stInReview, "bob", evApprove)
	if !errors.Is(err, outage) || errors.Is(err, ErrForbidden) {
		t.Errorf("Step error = %v, want the authorizer's failure, not ErrForbidden", err)
	}
	if got := wfDocMachine.Available(t.Context(), az, &d, stInReview, "bob"); len(got) != 0 {
		t.Errorf("Available with a failing authorizer = %v, want none", got)
	}
	if _, err := wfDocMachine.Step(t.Context(), nil, &d, stInReview, "bob", evApprove); err == nil {
		t.Errorf("Step with a nil authorizer for a role-guarded event succeeded")
	}
}

func TestAvailable(t *testing.T) {
	t.Parallel()
	az := wfAuthz(wfRoles)
	d := wfDoc{Title: "t", Body: "b", Author: "alice", Approver: "bob"}
	tests := []struct {
		state docState
		actor string
		want  []docEvent
	}{
		{stDraft, "alice", []docEvent{evSubmit}},
		{stDraft, "bob", nil},
		{stInReview, "alice", []docEvent{evReturn}}, // approver, but the author
		{stInReview, "bob", []docEvent{evReturn, evApprove}},
		{stInReview, "carol", nil},
		{stApproved, "carol", []docEvent{evPublish, evWithdraw}},
		{stApproved, "alice", []docEvent{evWithdraw}},
		{stApproved, "bob", nil},
		{stPublished, "erin", []docEvent{evWithdraw}},
		{stWithdrawn, "dave", nil},
		{"limbo", "dave", nil},
	}
	for _, tt := range tests {
		t.Run(string(tt.state)+"/"+tt.actor, func(t *testing.T) {
			t.Parallel()
			got := wfDocMachine.Available(t.Context(), az, &d, tt.state, tt.actor)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Available (-want +got):\n%s", diff)
			}
			// Available agrees with Step on every event.
			for _, ev := range wfDocMachine.Events() {
				_, err := wfDocMachine.Step(t.Context(), az, &d, tt.state, tt.actor, ev)
				if (err == nil) != slices.Contains(got, ev) {
					t.Errorf("Step(%s) = %v but Available lists %v", ev, err, got)
				}
			}
		})
	}
}

// wfFixture is a workspace on a wfStore with role assignments and one
// document in draft.
type wfFixture struct {
	store *wfStore
	ws    *Workspace
	docs  *Collection[wfDoc, *wfDoc]
	id    string
}

var wfNow = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

func newWFFixture(t testing.TB, store Store) *wfFixture {
	t.Helper()
	ctx := t.Context()
	ts, _ := store.(*wfStore)
	ws, err := NewWorkspace(store, "acme", &Options{
		Clock: func() time.Time { return wfNow },
		NewID: func(kind string) string { return kind + "-1" },
	})
	if err != nil {
		t.Fatal(err)
	}
	ras := NewCollection[RoleAssignment](ws, KindRoleAssignment, 1) // seeded as an identity provider would, past the assignment guard
	for _, actor := range slices.Sorted(func(yield func(string) bool) {
		for a := range wfRoles {
			if !yield(a) {
				return
			}
		}
	}) {
		ra := &RoleAssignment{Meta: Meta{ID: actor}, Roles: wfRoles[actor]}
		if err := ras.Create(ctx, "admin", ra); err != nil {
			t.Fatal(err)
		}
	}
	f := &wfFixture{store: ts, ws: ws, docs: NewCollection[wfDoc](ws, "document", 1)}
	d := &wfDoc{Title: "AI policy", Body: "We use AI responsibly.", Author: "alice"}
	if err := Start(ctx, f.docs, wfDocMachine, "alice", d); err != nil {
		t.Fatalf("Start: %v", err)
	}
	f.id = d.ID
	return f
}

func (f *wfFixture) head(t testing.TB) Entry {
	t.Helper()
	h, err := f.ws.Store().Head(t.Context(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func (f *wfFixture) fire(t testing.TB, actor string, ev docEvent, change func(*wfDoc) error) (*wfDoc, error) {
	t.Helper()
	return Fire(t.Context(), f.docs, wfDocMachine,
		Firing[wfDoc, docEvent]{ID: f.id, Actor: actor, Event: ev, Change: change})
}

func TestStart(t *testing.T) {
	t.Parallel()
	f := newWFFixture(t, newWFStore())
	d, err := f.docs.Get(t.Context(), f.id)
	if err != nil {
		t.Fatal(err)
	}
	want := Meta{Kind: "document", SchemaVersion: 1, ID: "document-1", Version: 1, State: "draft",
		Workflow: "document@1", CreatedAt: wfNow, CreatedBy: "alice", UpdatedAt: wfNow, UpdatedBy: "alice"}
	if diff := cmp.Diff(want, d.Meta); diff != "" {
		t.Errorf("started record (-want +got):\n%s", diff)
	}
	h := f.head(t)
	if h.Event != EventCreate || h.To != "draft" || h.From != "" || h.Version != 1 {
		t.Errorf("journal entry of Start = %+v, want create to draft at version 1", h)
	}
	// A failed Start leaves the caller's Meta alone.
	bad := &wfDoc{Title: "", Author: "alice"}
	if err := Start(t.Context(), f.docs, wfDocMachine, "alice", bad); !errors.Is(err, ErrInvalid) {
		t.Fatalf("Start of an invalid document = %v, want ErrInvalid", err)
	}
	if bad.State != "" || bad.Workflow != "" || bad.ID != "" {
		t.Errorf("failed Start changed Meta to %+v", bad.Meta)
	}
}

func TestFireEndToEnd(t *testing.T) {
	t.Parallel()
	f := newWFFixture(t, newWFStore())
	ctx := t.Context()
	steps := []struct {
		actor  string
		ev     docEvent
		change func(*wfDoc) error
		from   docState
		to     docState
	}{
		{"alice", evSubmit, nil, stDraft, stInReview},
		{"bob", evApprove, func(d *wfDoc) error { d.Approver = "bob"; return nil }, stInReview, stApproved},
		{"carol", evPublish, nil, stApproved, stPublished},
		{"carol", evWithdraw, nil, stPublished, stWithdrawn},
	}
	version := int64(1)
	for _, s := range steps {
		before := f.head(t)
		d, err := Fire(ctx, f.docs, wfDocMachine, Firing[wfDoc, docEvent]{ID: f.id, Version: version, Actor: s.actor, Event: s.ev, Change: s.change})
		if err != nil {
			t.Fatalf("Fire %s by %s: %v", s.ev, s.actor, err)
		}
		version++
		if d.State != string(s.to) || d.Version != version || d.Workflow != "document@1" || d.UpdatedBy != s.actor {
			t.Errorf("after %s: Meta = %+v, want state %s version %d by %s", s.ev, d.Meta, s.to, version, s.actor)
		}
		stored, err := f.docs.Get(ctx, f.id)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(d, stored); diff != "" {
			t.Errorf("returned record differs from stored (-returned +stored):\n%s", diff)
		}
		rec, err := f.ws.Store().Get(ctx, "acme", "document", f.id)
		if err != nil {
			t.Fatal(err)
		}
		if rec.Attrs["state"] != string(s.to) {
			t.Errorf("state attribute = %q, want %q", rec.Attrs["state"], s.to)
		}
		got := f.head(t)
		want := Entry{Seq: before.Seq + 1, Time: wfNow, Actor: s.actor, Kind: "document", ID: f.id,
			Event: string(s.ev), From: string(s.from), To: string(s.to), Version: version,
			Digest: RecordDigest(rec), Prev: before.Hash}
		want.Hash = EntryHash("acme", &want)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("journal entry of %s (-want +got):\n%s", s.ev, diff)
		}
	}
	d, _ := f.docs.Get(ctx, f.id)
	if d.Approver != "bob" {
		t.Errorf("Change was not stored: approver = %q", d.Approver)
	}
	rep, err := f.ws.Verify(ctx)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if rep.Entries != len(wfRoles)+1+len(steps) {
		t.Errorf("Verify checked %d entries, want %d", rep.Entries, len(wfRoles)+1+len(steps))
	}
	// Terminal: nothing more can happen.
	if evs, err := Actions(ctx, f.docs, wfDocMachine, "dave", f.id); err != nil || len(evs) != 0 {
		t.Errorf("Actions on a withdrawn record = %v, %v; want none", evs, err)
	}
}

// TestFireRefusals checks that every refused firing returns its category and
// writes nothing: no record version, no journal entry.
func TestFireRefusals(t *testing.T) {
	t.Parallel()
	errChange := fmt.Errorf("%w: approval date is in the future", ErrInvalid)
	tests := []struct {
		name  string
		setup func(t *testing.T, f *wfFixture) // moves the record before the firing
		f     Firing[wfDoc, docEvent]
		want  error
	}{
		{name: "no transition", f: Firing[wfDoc, docEvent]{Actor: "bob", Event: evApprove}, want: ErrTransitionDenied},
		{name: "unknown event", f: Firing[wfDoc, docEvent]{Actor: "bob", Event: "teleport"}, want: ErrTransitionDenied},
		{name: "not the author", f: Firing[wfDoc, docEvent]{Actor: "bob", Event: evSubmit}, want: ErrForbidden},
		{name: "stale version", f: Firing[wfDoc, docEvent]{Version: 7, Actor: "alice", Event: evSubmit}, want: ErrConflict},
		{name: "missing actor", f: Firing[wfDoc, docEvent]{Actor: "", Event: evSubmit}, want: ErrInvalid},
		{name: "missing record", f: Firing[wfDoc, docEvent]{ID: "document-404", Actor: "alice", Event: evSubmit}, want: ErrNotFound},
		{name: "change refuses", f: Firing[wfDoc, docEvent]{Actor: "alice", Event: evSubmit,
			Change: func(*wfDoc) error { return errChange }}, want: errChange},
		{name: "change breaks a guard", f: Firing[wfDoc, docEvent]{Actor: "alice", Event: evSubmit,
			Change: func(d *wfDoc) error { d.Body = ""; return nil }}, want: ErrTransitionDenied},
		{name: "change breaks validation", f: Firing[wfDoc, docEvent]{Actor: "alice", Event: evSubmit,
			Change: func(d *wfDoc) error { d.Title = ""; return nil }}, want: ErrInvalid},
		{name: "duty", setup: func(t *testing.T, f *wfFixture) { wfMustFire(t, f, "alice", evSubmit) },
			f: Firing[wfDoc, docEvent]{Actor: "alice", Event: evApprove,
				Change: func(d *wfDoc) error { d.Approver = "alice"; return nil }}, want: ErrForbidden},
		{name: "guard", setup: func(t *testing.T, f *wfFixture) { wfMustFire(t, f, "alice", evSubmit) },
			f: Firing[wfDoc, docEvent]{Actor: "bob", Event: evApprove}, want: ErrTransitionDenied},
		{name: "undeclared stored state", setup: func(t *testing.T, f *wfFixture) { wfSetState(t, f, "archived", "document@0") },
			f: Firing[wfDoc, docEvent]{Actor: "alice", Event: evSubmit}, want: ErrTransitionDenied},
		{name: "empty stored state", setup: func(t *testing.T, f *wfFixture) { wfSetState(t, f, "", "") },
			f: Firing[wfDoc, docEvent]{Actor: "alice", Event: evSubmit}, want: ErrTransitionDenied},
		{name: "other workflow", setup: func(t *testing.T, f *wfFixture) { wfSetState(t, f, "draft", "risk@3") },
			f: Firing[wfDoc, docEvent]{Actor: "alice", Event: evSubmit}, want: ErrTransitionDenied},
		{name: "cancelled context", f: Firing[wfDoc, docEvent]{Actor: "alice", Event: evSubmit}, want: context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newWFFixture(t, newWFStore())
			if tt.setup != nil {
				tt.setup(t, f)
			}
			ctx := t.Context()
			if tt.want == context.Canceled {
				c, cancel := context.WithCancel(ctx)
				cancel()
				ctx = c
			}
			before, _ := f.docs.Get(t.Context(), f.id)
			head := f.head(t)
			puts, entries := f.store.writes("acme")
			fr := tt.f
			if fr.ID == "" {
				fr.ID = f.id
			}
			d, err := Fire(ctx, f.docs, wfDocMachine, fr)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Fire = %v, want an error matching %v", err, tt.want)
			}
			if d != nil {
				t.Errorf("Fire returned a record with error %v", err)
			}
			var e *Error
			if !errors.As(err, &e) || e.Kind != "document" || e.ID != fr.ID {
				t.Errorf("Fire error %#v does not name the record document/%s", err, fr.ID)
			}
			after, _ := f.docs.Get(t.Context(), f.id)
			if diff := cmp.Diff(before, after); diff != "" {
				t.Errorf("refused firing changed the record (-before +after):\n%s", diff)
			}
			if diff := cmp.Diff(head, f.head(t)); diff != "" {
				t.Errorf("refused firing moved the journal head (-before +after):\n%s", diff)
			}
			if p, n := f.store.writes("acme"); p != puts || n != entries {
				t.Errorf("refused firing wrote %d records and %d entries", p-puts, n-entries)
			}
		})
	}
}

func wfMustFire(t *testing.T, f *wfFixture, actor string, ev docEvent) {
	t.Helper()
	if _, err := f.fire(t, actor, ev, nil); err != nil {
		t.Fatalf("Fire %s by %s: %v", ev, actor, err)
	}
}

// wfSetState rewrites the stored record's state and workflow as an older
// definition (or a bug) might have left them, journaled as an update.
func wfSetState(t *testing.T, f *wfFixture, state, workflow string) {
	t.Helper()
	d, err := f.docs.Get(t.Context(), f.id)
	if err != nil {
		t.Fatal(err)
	}
	// Forge the stored state as a store-level edit would: Update refuses it.
	h := *d.Header()
	h.State, h.Workflow = state, workflow
	if err := f.docs.save(t.Context(), "forge", "admin", d, h, h.Version, Entry{Event: "forge"}); err != nil {
		t.Fatal(err)
	}
}

func TestFireUndeclaredStateNamesVersions(t *testing.T) {
	t.Parallel()
	f := newWFFixture(t, newWFStore())
	wfSetState(t, f, "archived", "document@0")
	_, err := f.fire(t, "alice", evSubmit, nil)
	var te *TransitionError
	if !errors.As(err, &te) {
		t.Fatalf("Fire = %v, want a *TransitionError", err)
	}
	want := []Unmet{{Rule: "state", Reason: `record state "archived" is not declared by workflow document@1 (the record was last moved by document@0)`}}
	if diff := cmp.Diff(want, te.Unmet); diff != "" {
		t.Errorf("unmet (-want +got):\n%s", diff)
	}
	if _, err := Actions(t.Context(), f.docs, wfDocMachine, "alice", f.id); !errors.Is(err, ErrTransitionDenied) {
		t.Errorf("Actions on an undeclared state = %v, want ErrTransitionDenied", err)
	}
}

func TestFireChangeCannotTouchMeta(t *testing.T) {
	t.Parallel()
	f := newWFFixture(t, newWFStore())
	d, err := f.fire(t, "alice", evSubmit, func(d *wfDoc) error {
		d.State, d.Workflow, d.Version, d.CreatedBy = "published", "evil@9", 40, "mallory"
		d.Body = "revised"
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if d.State != "in-review" || d.Workflow != "document@1" || d.Version != 2 || d.CreatedBy != "alice" || d.Body != "revised" {
		t.Errorf("after a Meta-changing Change: %+v body %q", d.Meta, d.Body)
	}
}

func TestFireOlderWorkflowVersionMovesOn(t *testing.T) {
	t.Parallel()
	f := newWFFixture(t, newWFStore())
	wfSetState(t, f, "draft", "document@0")
	d, err := f.fire(t, "alice", evSubmit, nil)
	if err != nil {
		t.Fatalf("Fire on a record of an older version in a declared state: %v", err)
	}
	if d.Workflow != "document@1" {
		t.Errorf("Workflow = %q, want the machine that moved it, document@1", d.Workflow)
	}
}

func TestFireConcurrentVersionZero(t *testing.T) {
	t.Parallel()
	f := newWFFixture(t, newWFStore())
	wfMustFire(t, f, "alice", evSubmit)
	// bob approves and returns at once, both at "whatever is current":
	// exactly one may win, the other must see ErrConflict or find the
	// record already moved.
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			ev := evReturn
			if i%2 == 0 {
				ev = evApprove
			}
			_, errs[i] = Fire(t.Context(), f.docs, wfDocMachine, Firing[wfDoc, docEvent]{ID: f.id, Actor: "bob", Event: ev,
				Change: func(d *wfDoc) error { d.Approver = "bob"; return nil }})
		})
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, ErrConflict), errors.Is(err, ErrTransitionDenied):
		default:
			t.Errorf("unexpected error %v", err)
		}
	}
	if ok != 1 {
		t.Errorf("%d concurrent firings from in-review succeeded, want exactly 1", ok)
	}
	d, _ := f.docs.Get(t.Context(), f.id)
	if d.Version != 3 {
		t.Errorf("version = %d, want 3 (start, submit, one winner)", d.Version)
	}
	if _, err := f.ws.Verify(t.Context()); err != nil {
		t.Errorf("Verify: %v", err)
	}
}

func TestActions(t *testing.T) {
	t.Parallel()
	f := newWFFixture(t, newWFStore())
	ctx := t.Context()
	wfMustFire(t, f, "alice", evSubmit)
	tests := []struct {
		actor string
		want  []docEvent
	}{
		{"alice", []docEvent{evReturn}},
		{"bob", []docEvent{evReturn}}, // approve needs the approver recorded by Change
		{"carol", nil},
		{"mallory", nil},
	}
	for _, tt := range tests {
		got, err := Actions(ctx, f.docs, wfDocMachine, tt.actor, f.id)
		if err != nil {
			t.Fatalf("Actions(%s): %v", tt.actor, err)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Actions(%s) (-want +got):\n%s", tt.actor, diff)
		}
	}
	if _, err := Actions(ctx, f.docs, wfDocMachine, "bob", "document-404"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Actions on a missing record = %v, want ErrNotFound", err)
	}
	// An authorizer that cannot decide is reported, not hidden.
	outage := errors.New("directory unreachable")
	ws, _ := NewWorkspace(f.ws.Store(), "acme", &Options{Authorizer: AuthorizerFunc(func(context.Context, string, []Role) error { return outage })})
	if _, err := Actions(ctx, NewCollection[wfDoc](ws, "document", 1), wfDocMachine, "bob", f.id); !errors.Is(err, outage) {
		t.Errorf("Actions with a failing authorizer = %v, want the failure", err)
	}
}

func TestFireSequentialStore(t *testing.T) {
	t.Parallel()
	// A store without Transactor: the kernel writes the record, then the
	// entry; the result must still verify.
	type plain struct{ Store }
	f := newWFFixture(t, plain{newWFStore()})
	if _, err := f.fire(t, "alice", evSubmit, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := f.ws.Verify(t.Context()); err != nil {
		t.Errorf("Verify: %v", err)
	}
}

func TestMermaidGolden(t *testing.T) {
	t.Parallel()
	type tr = Transition[wfDoc, docState, docEvent]
	odd := MustMachine(Spec[wfDoc, docState, docEvent]{
		Name: "odd", Version: 2, Initial: "1st",
		States: []docState{"1st", "a b", "a_b", "done"}, Terminal: []docState{"done"},
		Transitions: []tr{
			{Event: "go", From: []docState{"1st"}, To: "a b", Note: "with #hash; and \"quotes\""},
			{Event: "next", From: []docState{"a b"}, To: "a_b"},
			{Event: "finish", From: []docState{"a b", "a_b"}, To: "done"},
		},
	})
	for _, tt := range []struct {
		file string
		got  string
	}{
		{"document.mmd.golden", wfDocMachine.Mermaid()},
		{"odd-names.mmd.golden", odd.Mermaid()},
	} {
		path := filepath.Join("testdata", "workflow", tt.file)
		if *update {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(tt.got), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run with -update to create it)", err)
		}
		if diff := cmp.Diff(string(want), tt.got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.file, diff)
		}
	}
	if MustMachine(wfDocSpec()).Mermaid() != wfDocMachine.Mermaid() {
		t.Errorf("Mermaid is not deterministic")
	}
}

// Benchmarks: each beside the bare operation it builds on. BenchmarkFire
// and its baseline are in workflow_prop_test.go, on aims/memstore.

func BenchmarkStep(b *testing.B) {
	az := wfAuthz(wfRoles)
	d := &wfDoc{Title: "t", Body: "b", Author: "alice", Approver: "bob"}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := wfDocMachine.Step(ctx, az, d, stInReview, "bob", evApprove); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBaselineMapLookup is the floor under BenchmarkStep: finding the
// target of (state, event) in a map.
func BenchmarkBaselineMapLookup(b *testing.B) {
	type key struct {
		s docState
		e docEvent
	}
	table := map[key]docState{}
	for _, tr := range wfDocSpec().Transitions {
		for _, from := range tr.From {
			table[key{from, tr.Event}] = tr.To
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if table[key{stInReview, evApprove}] != stApproved {
			b.Fatal("lookup failed")
		}
	}
}

// FuzzNewMachine builds specs from arbitrary state and event names (as a
// definition loaded from configuration would) and checks that NewMachine
// never panics, that a refusal is a *ValidationError with paths, and that
// an accepted machine steps, lists and draws itself without panicking and
// only ever to declared states.
//
// transitions is one transition per line: "event:from1,from2>to".
func FuzzNewMachine(f *testing.F) {
	f.Add("draft,in-review,approved,withdrawn", "draft", "withdrawn",
		"submit:draft>in-review\nreturn:in-review>draft\napprove:in-review>approved\nwithdraw:approved>withdrawn")
	f.Add("a,b", "a", "", "go:a>b\nback:b>a")
	f.Add("a,a", "a", "a", "x:a>a")
	f.Add("1st,a b,a_b,done", "1st", "done", "go:1st>a b\nnext:a b>a_b\nfinish:a b,a_b>done")
	f.Add("state,end", "state", "end", "delete:state>end")
	f.Add("", "", "", "")
	f.Fuzz(func(t *testing.T, states, initial, terminal, transitions string) {
		split := func(s string) []docState {
			if s == "" {
				return nil
			}
			var out []docState
			for _, p := range strings.Split(s, ",") {
				out = append(out, docState(p))
			}
			return out
		}
		spec := Spec[wfDoc, docState, docEvent]{Name: "fuzz", Version: 1, Initial: docState(initial),
			States: split(states), Terminal: split(terminal)}
		for _, line := range strings.Split(transitions, "\n") {
			ev, rest, _ := strings.Cut(line, ":")
			from, to, _ := strings.Cut(rest, ">")
			spec.Transitions = append(spec.Transitions, Transition[wfDoc, docState, docEvent]{
				Event: docEvent(ev), From: split(from), To: docState(to), Roles: []Role{roleApprover}})
		}
		m, err := NewMachine(spec)
		if err != nil {
			var ve *ValidationError
			if !errors.As(err, &ve) || len(ve.Problems) == 0 {
				t.Fatalf("NewMachine error %v is not a *ValidationError with problems", err)
			}
			return
		}
		if !strings.HasPrefix(m.Mermaid(), "stateDiagram-v2\n") {
			t.Errorf("Mermaid does not start with the diagram type: %q", m.Mermaid())
		}
		az := wfAuthz(wfRoles)
		d := &wfDoc{}
		for _, s := range m.States() {
			for _, ev := range m.Events() {
				to, err := m.Step(t.Context(), az, d, s, "bob", ev)
				if err == nil && !m.Valid(to) {
					t.Errorf("Step(%q, %q) moved to undeclared %q", s, ev, to)
				}
			}
			for _, ev := range m.Available(t.Context(), az, d, s, "bob") {
				if !slices.Contains(m.Events(), ev) {
					t.Errorf("Available lists unknown event %q", ev)
				}
			}
		}
	})
}
