package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestCLIAsAPersonTypesIt: workspace flags before or after the command,
// defaults from the environment, help for a command, the version, and
// mistakes reported as the user typed them.
func TestCLIAsAPersonTypesIt(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "x.db")
	if _, stderr, code := cli(t, nil, "--db", db, "init", "--owner", "alice"); code != 0 {
		t.Fatalf("aimsctl --db x.db init: exit %d: %s", code, stderr)
	}
	env := map[string]string{"AIMSCTL_DB": db}
	if out, stderr, code := cli(t, env, "system", "list"); code != 0 {
		t.Errorf("AIMSCTL_DB=x.db aimsctl system list: exit %d: %s %s", code, stderr, out)
	}
	other := filepath.Join(t.TempDir(), "y.db")
	if _, stderr, code := cli(t, map[string]string{"AIMSCTL_DB": other}, "init"); code != 0 {
		t.Errorf("AIMSCTL_DB=y.db aimsctl init: exit %d: %s", code, stderr)
	}
	if _, stderr, code := cli(t, nil, "--db", db, "--as", "alice", "system", "add", "--id", "m", "--name", "Model"); code != 0 {
		t.Errorf("flags before the command: exit %d: %s", code, stderr)
	}
	_, stderr, code := cli(t, nil, "--db", db, "--tenant", "globex", "system", "list")
	if code == 0 || !strings.Contains(stderr, `holds no tenant "globex"`) || !strings.Contains(stderr, "aimsctl init") {
		t.Errorf("an unknown tenant: exit %d, %q; want an error telling to run init", code, stderr)
	}
	if out, _, code := cli(t, nil, "help", "risk", "add"); code != 0 || !strings.Contains(out, "aimsctl risk add") {
		t.Errorf("aimsctl help risk add: exit %d:\n%s", code, out)
	}
	if out, _, code := cli(t, nil, "--version"); code != 0 || !strings.HasPrefix(out, "aimsctl ") {
		t.Errorf("aimsctl --version: exit %d, %q", code, out)
	}
	if _, stderr, code := cli(t, nil, "readiness", "--db", db, "--stge", "2"); code != 2 || !strings.Contains(stderr, "unknown flag --stge") {
		t.Errorf("a misspelt flag: exit %d, %q; want it named as typed", code, stderr)
	}
	if _, stderr, code := cli(t, nil, "readiness", "--db", db, "--stage", "two"); code != 2 || !strings.Contains(stderr, `--stage: invalid value "two" (not a number)`) {
		t.Errorf("a bad number: exit %d, %q; want the flag and the value named", code, stderr)
	}
}

func TestRedact(t *testing.T) {
	t.Parallel()
	got := redact("postgres://aims:s3cret@127.0.0.1:5432/aims?sslmode=disable")
	if strings.Contains(got, "s3cret") || !strings.Contains(got, "127.0.0.1") {
		t.Errorf("redact = %q", got)
	}
	if got := redact("ws.db"); got != "ws.db" {
		t.Errorf("redact(file) = %q", got)
	}
}

// TestRoleAssignToOneselfRefused: nobody gives themselves the authority
// separation of duties rests on, from the CLI either.
func TestRoleAssignToOneselfRefused(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "ws.db")
	run := func(as string, args ...string) (string, string, int) {
		return cli(t, nil, append(args, "--db", db, "--as", as)...)
	}
	for _, args := range [][]string{{"init"}, {"role", "assign", "--actor", "alice", "--role", "top-management"}} {
		if _, stderr, code := run("alice", args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
	}
	_, stderr, code := run("mallory", "role", "assign", "--actor", "mallory", "--role", "top-management")
	if code == 0 || !strings.Contains(stderr, "forbidden") || !strings.Contains(stderr, "own roles") {
		t.Errorf("mallory assigning herself top management: exit %d, %q; want forbidden", code, stderr)
	}
	if _, stderr, code := run("mallory", "role", "assign", "--actor", "eve", "--role", "approver"); code == 0 || !strings.Contains(stderr, "forbidden") {
		t.Errorf("mallory, holding no role, assigning eve: exit %d, %q; want forbidden", code, stderr)
	}
	if _, stderr, code := run("alice", "role", "assign", "--actor", "bob", "--role", "approver"); code != 0 {
		t.Errorf("top management assigning bob: exit %d: %s", code, stderr)
	}
}
