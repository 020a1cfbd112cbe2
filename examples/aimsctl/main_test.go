package main

import (
	"bytes"
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aimsgo/iso42001/internal/oscaltest"
)

// cli runs aimsctl with args and returns stdout, stderr and the exit code.
func cli(t *testing.T, env map[string]string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	a := &app{stdout: &out, stderr: &errb, getenv: func(k string) string { return env[k] }}
	err := a.dispatch(t.Context(), root(), args, nil)
	code := report(&errb, err)
	return out.String(), errb.String(), code
}

func TestCatalogFormats(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		format string
		want   string
	}{
		{"table", "A.6.2.8"},
		{"md", "| A.6.2.8 |"},
		{"csv", "A.6.2.8,"},
		{"json", `"id": "A.6.2.8"`},
		{"oscal", `"oscal-version": "1.2.1"`},
	} {
		t.Run(tc.format, func(t *testing.T) {
			t.Parallel()
			out, stderr, code := cli(t, nil, "catalog", "--format", tc.format)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if !strings.Contains(out, tc.want) {
				t.Fatalf("output lacks %q:\n%.500s", tc.want, out)
			}
			if tc.format == "oscal" {
				oscaltest.Validate(t, oscaltest.Catalog, []byte(out))
			}
		})
	}
}

func TestCatalogShowAndMap(t *testing.T) {
	t.Parallel()
	out, stderr, code := cli(t, nil, "catalog", "show", "A.6.2.8")
	if code != 0 {
		t.Fatalf("show: exit %d: %s", code, stderr)
	}
	for _, want := range []string{"A.6.2.8", "Objective:  A.6", "eu-ai-act", "Art. 12"} {
		if !strings.Contains(out, want) {
			t.Errorf("show A.6.2.8 lacks %q:\n%s", want, out)
		}
	}
	if out, _, code := cli(t, nil, "catalog", "show", "6.1.4"); code != 0 || !strings.Contains(out, "Phase:") {
		t.Errorf("show 6.1.4: exit %d\n%s", code, out)
	}
	if _, stderr, code := cli(t, nil, "catalog", "show", "A.99"); code == 0 || !strings.Contains(stderr, `"A.99"`) {
		t.Errorf("show A.99: exit %d, stderr %q; want failure naming the id", code, stderr)
	}
	for _, fw := range []string{"nist-ai-rmf", "eu-ai-act", "iso27001"} {
		out, stderr, code := cli(t, nil, "catalog", "map", "--to", fw)
		if code != 0 || strings.Count(out, "\n") < 10 {
			t.Errorf("map --to %s: exit %d, %d lines, stderr %s", fw, code, strings.Count(out, "\n"), stderr)
		}
	}
	if _, stderr, code := cli(t, nil, "catalog", "map", "--to", "sox"); code != 2 || !strings.Contains(stderr, "sox") {
		t.Errorf("map --to sox: exit %d, stderr %q; want usage error 2", code, stderr)
	}
}

// TestHelpEverywhere walks the command tree: --help works on every command,
// prints to stdout and exits 0.
func TestHelpEverywhere(t *testing.T) {
	t.Parallel()
	var walk func(c *command, path []string)
	walk = func(c *command, path []string) {
		args := append(append([]string(nil), path...), "--help")
		out, stderr, code := cli(t, nil, args...)
		if code != 0 || !strings.Contains(out, "Usage:") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, stderr)
		}
		for _, s := range c.sub {
			walk(s, append(append([]string(nil), path...), s.name))
		}
	}
	walk(root(), nil)
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"frobnicate"},
		{"catalog", "--format", "pdf"},
		{"catalog", "--nope"},
		{"system"},
		{"system", "add", "--name", "x"},
		{"catalog", "show"},
	} {
		_, stderr, code := cli(t, nil, args...)
		if code != 2 || stderr == "" {
			t.Errorf("%v: exit %d, stderr %q; want 2 with a message", args, code, stderr)
		}
	}
}

func TestWorkspaceLifecycle(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "ws.db")
	env := map[string]string{"AIMSCTL_NOW": "2026-11-24T10:00:00Z", "AIMSCTL_ACTOR": "alice"}
	run := func(args ...string) (string, string, int) {
		return cli(t, env, append(args, "--db", db)...)
	}
	if _, stderr, code := run("system", "list"); code == 0 || !strings.Contains(stderr, "aimsctl init") {
		t.Fatalf("system list before init: exit %d, %q; want an error telling to run init", code, stderr)
	}
	mustRun := func(args ...string) string {
		t.Helper()
		out, stderr, code := run(args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
		return out
	}
	if out := mustRun("init", "--owner", "alice"); !strings.Contains(out, "owner: alice holds top-management, aims-manager") {
		t.Errorf("init --owner alice does not say alice holds top management:\n%s", out)
	}
	if out := mustRun("init"); !strings.Contains(out, "top management: alice") { // idempotent
		t.Errorf("init again does not name the owner:\n%s", out)
	}
	mustRun("init", "--owner", "alice") // idempotent
	if _, stderr, code := run("init", "--owner", "mallory"); code == 0 || !strings.Contains(stderr, "holds roles already") {
		t.Errorf("init --owner mallory on a founded workspace: exit %d, %q; want a refusal", code, stderr)
	}
	mustRun("system", "add", "--id", "credit", "--name", "Credit scoring", "--role", "provider", "--owner", "alice")
	mustRun("system", "add", "--id", "assistant", "--name", "LLM assistant", "--role", "customer")
	if _, stderr, code := run("system", "add", "--id", "credit", "--name", "Again"); code == 0 || !strings.Contains(stderr, "already exists") {
		t.Errorf("duplicate system: exit %d, %q", code, stderr)
	}
	if _, stderr, code := run("system", "add", "--id", "x", "--name", "X", "--role", "overlord"); code == 0 || !strings.Contains(stderr, "roles[0]") {
		t.Errorf("bad role: exit %d, %q; want the field path", code, stderr)
	}
	out := mustRun("system", "list")
	if !strings.Contains(out, "Credit scoring") || !strings.Contains(out, "LLM assistant") || strings.Contains(out, "overlord") {
		t.Errorf("system list:\n%s", out)
	}
	mustRun("role", "assign", "--actor", "bob", "--role", "approver")
	if _, stderr, code := run("--as", "bob", "role", "assign", "--actor", "bob", "--role", "top-management"); code == 0 || !strings.Contains(stderr, "own roles") {
		t.Errorf("bob assigning himself top management: exit %d, %q; want a refusal", code, stderr)
	}
	out = mustRun("journal", "verify")
	if !strings.Contains(out, "intact") {
		t.Errorf("journal verify: %s", out)
	}
	out, _, code := run("pdca", "status")
	if code == 0 || !strings.Contains(out, "5.2") || !strings.Contains(out, "MISSING") {
		t.Errorf("pdca status on a new workspace: exit %d\n%s", code, out)
	}

	// Tamper with the journal behind the SDK's back: verify must fail and
	// name the entry.
	raw, err := sql.Open("sqlite", sqliteDSN(db))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.ExecContext(context.Background(), `UPDATE aims_journal SET actor = 'mallory' WHERE seq = 2`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	_, stderr, code := run("journal", "verify")
	if code == 0 || !strings.Contains(stderr, "entry 2") {
		t.Errorf("journal verify after tampering: exit %d, %q; want failure naming entry 2", code, stderr)
	}
}
