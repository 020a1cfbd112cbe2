package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aimsgo/iso42001/aims"
)

// demoRoot is the command tree with the demo in it, whether or not root()
// registers it yet.
func demoRoot() *command {
	r := root()
	for _, c := range r.sub {
		if c.name == "demo" {
			return r
		}
	}
	r.sub = append(r.sub, demoCommand())
	return r
}

// runDemoCLI runs "aimsctl demo args..." and returns stdout, stderr and
// the exit status.
func runDemoCLI(t *testing.T, env map[string]string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	a := &app{stdout: &out, stderr: &errb, getenv: func(k string) string { return env[k] }}
	err := a.dispatch(t.Context(), demoRoot(), append([]string{"demo"}, args...), nil)
	code := report(&errb, err)
	return out.String(), errb.String(), code
}

func TestDemo(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var outs []string
	for _, name := range []string{"one.db", "two.db"} {
		db := filepath.Join(dir, name)
		out, stderr, code := runDemoCLI(t, nil, "--db", db)
		if code != 0 {
			t.Fatalf("demo --db %s: exit %d\nstderr: %s\nstdout:\n%s", name, code, stderr, out)
		}
		// The file is kept, and the note that says so names it; strip the
		// note so the two runs compare.
		if _, err := os.Stat(db); err != nil {
			t.Errorf("demo --db %s: workspace not kept: %v", name, err)
		}
		i := strings.Index(out, "\nThe workspace is in "+db)
		if i < 0 {
			t.Fatalf("demo --db %s: output lacks the note naming the file:\n%s", name, out)
		}
		outs = append(outs, out[:i])
	}
	// The kept workspace is an ordinary one: other commands work on it.
	for _, args := range [][]string{{"journal", "verify"}, {"pdca", "status"}} {
		out, stderr, code := cli(t, nil, append(args, "--db", filepath.Join(dir, "one.db"))...)
		if code != 0 {
			t.Errorf("%v on the demo workspace: exit %d\nstderr: %s\nstdout:\n%s", args, code, stderr, out)
		}
	}
	out := outs[0]
	if testing.Verbose() {
		t.Logf("demo output:\n%s", out)
	}
	if diff := cmp.Diff(outs[0], outs[1]); diff != "" {
		t.Errorf("two runs differ (-first +second):\n%s", diff)
	}
	start, rest, ok := strings.Cut(out, "== Plan")
	if !ok {
		t.Fatalf("output lacks the Plan phase:\n%s", out)
	}
	for _, want := range []string{
		"Readiness, stage 1: NOT READY",
		"MISSING 4.3", "MISSING 5.2", "MISSING 6.1.1", "MISSING 6.1.3", "MISSING 6.1.4", "MISSING 6.2", "MISSING 9.2.2", "MISSING 10.2",
		"gate plan->do blocked",
		"(2026-01-05)",
	} {
		if !strings.Contains(start, want) {
			t.Errorf("start lacks %q:\n%s", want, start)
		}
	}
	for _, want := range []string{
		"gate plan->do passed", "cycle 1 is now in phase do",
		"gate do->check passed", "cycle 1 is now in phase check",
		"gate check->act passed", "cycle 1 is now in phase act",
		"gate act->plan passed", "cycle 2 is now in phase plan",
		"Readiness, stage 1: READY", "Readiness, stage 2: READY",
		"Journal: ", "entries verified",
	} {
		if !strings.Contains(rest, want) {
			t.Errorf("output after the start lacks %q:\n%s", want, rest)
		}
	}
	if strings.Contains(rest, "MISSING") || strings.Contains(rest, "NOT READY") {
		t.Errorf("readiness fails after the cycle:\n%s", rest)
	}
}

func TestDemoDefaultTempAndAIMSCTLNow(t *testing.T) {
	t.Parallel()
	out, stderr, code := runDemoCLI(t, map[string]string{"AIMSCTL_NOW": "2027-03-01T08:00:00Z"})
	if code != 0 {
		t.Fatalf("demo: exit %d\nstderr: %s\nstdout:\n%s", code, stderr, out)
	}
	if !strings.Contains(out, "(2027-03-01)") || strings.Contains(out, "2026-01-05") {
		t.Errorf("demo ignores AIMSCTL_NOW:\n%s", out)
	}
	if strings.Contains(out, "The workspace is in") {
		t.Errorf("demo without --db claims to keep a workspace:\n%s", out)
	}
}

func TestDemoRefusals(t *testing.T) {
	t.Parallel()
	used := filepath.Join(t.TempDir(), "used.db")
	if err := os.WriteFile(used, []byte("not empty"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		code int
		want string
	}{
		{"existing workspace", nil, []string{"--db", used}, 1, "not empty"},
		{"postgres", nil, []string{"--db", "postgres://localhost/x"}, 2, "SQLite"},
		{"bad clock", map[string]string{"AIMSCTL_NOW": "yesterday"}, nil, 2, "AIMSCTL_NOW"},
		{"argument", nil, []string{"extra"}, 2, `"extra"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, stderr, code := runDemoCLI(t, tc.env, tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want exit %d naming %q", code, stderr, tc.code, tc.want)
			}
		})
	}
	if out, stderr, code := runDemoCLI(t, nil, "--help"); code != 0 || !strings.Contains(out, "Usage:") || !strings.Contains(out, "-db") {
		t.Errorf("demo --help: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
	if b, err := os.ReadFile(used); err != nil || string(b) != "not empty" {
		t.Errorf("refused file changed: %q, %v", b, err)
	}
}

// TestDemoStepError checks that a failing step stops the demo with an
// error that names the step and keeps its cause.
func TestDemoStepError(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	clk := &demoClock{now: demoStart}
	ws, err := openDemoWorkspace(ctx, filepath.Join(t.TempDir(), "demo.db"), clk)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	// Someone got there first, through a product that authorizes
	// elsewhere: alice holds a role, not the AIMS manager's, so the
	// manifest is not hers to apply.
	other, err := aims.NewWorkspace(ws.Store(), ws.Tenant(), &aims.Options{Policy: aims.AllowAll()})
	if err != nil {
		t.Fatal(err)
	}
	if err := aims.RoleAssignments(other).Create(ctx, "zoe", &aims.RoleAssignment{Meta: aims.Meta{ID: demoAlice}, Roles: []aims.Role{aims.RoleInternalAuditor}}); err != nil {
		t.Fatal(err)
	}
	before, err := ws.Store().Head(ctx, ws.Tenant())
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err = runDemo(ctx, &out, ws, clk)
	if !errors.Is(err, aims.ErrForbidden) || !strings.Contains(err.Error(), `demo step "plan: apply the manifest"`) {
		t.Fatalf("runDemo = %v; want a refusal naming step \"plan: apply the manifest\"", err)
	}
	if after, err := ws.Store().Head(ctx, ws.Tenant()); err != nil || after.Hash != before.Hash {
		t.Errorf("the refused manifest wrote: journal head %d -> %d (%v)", before.Seq, after.Seq, err)
	}
	if strings.Contains(out.String(), "== Do") {
		t.Errorf("the demo went on after the failing step:\n%s", out.String())
	}
}
