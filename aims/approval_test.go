package aims_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/memstore"
)

type memo struct {
	aims.Meta
	Text, Author, Comment, Successor string
}

func (m *memo) Validate() error               { return nil }
func (m *memo) Attributes() map[string]string { return map[string]string{} }

// TestApprovalSpec: the rules every approved kind shares hold for any
// record type built on the shape.
func TestApprovalSpec(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	ws, err := aims.NewWorkspace(memstore.New(), "t", &aims.Options{Authorizer: aims.AuthorizerFunc(func(_ context.Context, actor string, anyOf []aims.Role) error {
		if len(anyOf) == 0 || actor == "rev" || actor == "author" {
			return nil // the author holds the role too: only the duty stops her
		}
		return aims.ErrForbidden
	})})
	if err != nil {
		t.Fatal(err)
	}
	m, err := aims.NewMachine(aims.ApprovalSpec[memo, string, string](aims.Approval[memo]{
		Name: "memo", Version: 1, Reviewers: []aims.Role{"reviewer"},
		Authors:         func(r *memo) []string { return []string{r.Author} },
		RejectionReason: func(r *memo) string { return r.Comment },
		Successor:       func(r *memo) string { return r.Successor },
		Ready: []aims.Guard[memo]{{Name: "has-text", Check: func(_ context.Context, r *memo) error {
			if r.Text == "" {
				return errors.New("no text")
			}
			return nil
		}}},
	}))
	if err != nil {
		t.Fatal(err)
	}
	c := aims.NewCollection[memo](ws, "memo", 1)
	if err := aims.Start(ctx, c, m, "author", &memo{Meta: aims.Meta{ID: "m1"}, Author: "author"}); err != nil {
		t.Fatal(err)
	}
	fire := func(actor, ev string, change func(*memo) error) error {
		_, err := aims.Fire(ctx, c, m, aims.Firing[memo, string]{ID: "m1", Actor: actor, Event: ev, Change: change})
		return err
	}
	unmet := func(err error) string {
		var te *aims.TransitionError
		if !errors.As(err, &te) || len(te.Unmet) == 0 {
			return ""
		}
		return te.Unmet[0].Rule
	}
	if err := fire("author", aims.ApprovalSubmit, nil); unmet(err) != "has-text" {
		t.Fatalf("submit without text: %v", err)
	}
	if err := fire("author", aims.ApprovalSubmit, func(r *memo) error { r.Text = "x"; return nil }); err != nil {
		t.Fatal(err)
	}
	if err := fire("author", aims.ApprovalReject, func(r *memo) error { r.Comment = "mine"; return nil }); !errors.Is(err, aims.ErrForbidden) {
		t.Errorf("the author rejecting: %v, want forbidden (reviewer-is-not-author)", err)
	}
	if err := fire("rev", aims.ApprovalReject, nil); unmet(err) != aims.GuardRejectionReason {
		t.Errorf("rejection without a reason: %v", err)
	}
	if err := fire("author", aims.ApprovalApprove, nil); !errors.Is(err, aims.ErrForbidden) {
		t.Errorf("the author approving: %v, want forbidden", err)
	}
	if err := fire("rev", aims.ApprovalApprove, nil); err != nil {
		t.Fatal(err)
	}
	if err := fire("rev", aims.ApprovalSupersede, nil); unmet(err) != aims.GuardSuccessorNamed {
		t.Errorf("supersede without a successor: %v", err)
	}
	if err := fire("rev", aims.ApprovalSupersede, func(r *memo) error { r.Successor = "m2"; return nil }); err != nil {
		t.Errorf("supersede naming m2: %v", err)
	}
}
