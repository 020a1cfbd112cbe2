package audit_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/memstore"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

// t0 is the fixed start of every test clock.
var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// clock is a settable test clock.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time          { return c.now }
func (c *clock) Advance(d time.Duration) { c.now = c.now.Add(d) }

// newWS returns a memstore workspace with a fixed clock, sequential ids and
// the usual cast of actors.
func newWS(t testing.TB) (*aims.Workspace, *clock) {
	t.Helper()
	clk := &clock{now: t0}
	n := 0
	ws, err := aims.NewWorkspace(memstore.New(), "acme", &aims.Options{
		Clock: clk.Now,
		NewID: func(kind string) string { n++; return fmt.Sprintf("%s-%04d", kind, n) },
	})
	if err != nil {
		t.Fatal(err)
	}
	assign(t, ws, "boss", aims.RoleTopManagement)
	assign(t, ws, "mgr", aims.RoleAIMSManager)
	assign(t, ws, "aud1", aims.RoleInternalAuditor)
	assign(t, ws, "aud2", aims.RoleInternalAuditor)
	assign(t, ws, "lead", aims.RoleInternalAuditor, aims.RoleAuditManager)
	assign(t, ws, "dev", "engineer")
	return ws, clk
}

func assign(t testing.TB, ws *aims.Workspace, actor string, roles ...aims.Role) {
	t.Helper()
	if err := aims.NewCollection[aims.RoleAssignment](ws, aims.KindRoleAssignment, 1).Create(t.Context(), "admin", &aims.RoleAssignment{Meta: aims.Meta{ID: actor}, Roles: roles}); err != nil {
		t.Fatal(err)
	}
}

func must[T any](t testing.TB) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func check(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// wantErr fails unless err matches target (nil: no error).
func wantErr(t testing.TB, err, target error) {
	t.Helper()
	switch {
	case target == nil && err != nil:
		t.Fatalf("unexpected error: %v", err)
	case target != nil && !errors.Is(err, target):
		t.Fatalf("error = %v, want one matching %v", err, target)
	}
}

// unmetRules lists the rules of a refused transition.
func unmetRules(err error) []string {
	var te *aims.TransitionError
	if !errors.As(err, &te) {
		return nil
	}
	var out []string
	for _, u := range te.Unmet {
		out = append(out, u.Rule)
	}
	return out
}

// golden compares got with testdata/name, rewriting it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		check(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", name, diff)
	}
}

// t0Ctx is a background context for table closures that run under a
// subtest whose t they cannot see.
var t0Ctx = context.Background()

func asValidation(err error, ve **aims.ValidationError) bool { return errors.As(err, ve) }
