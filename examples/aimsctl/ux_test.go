package main

import (
	"encoding/json"
	"fmt"
	"os"
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

// TestErrorsReadAsAPersonExpects: refusals name the record as a person
// does and say what to run, never the library's workflow ids, Go
// function names or an encoder's wording.
func TestErrorsReadAsAPersonExpects(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "demo.db")
	if _, stderr, code := cli(t, nil, "demo", "--db", db); code != 0 {
		t.Fatalf("demo: exit %d: %s", code, stderr)
	}
	empty := filepath.Join(dir, "empty.db")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	jargon := []string{"fire ", "workflow soa@", "soa/soa-", "soa-decision/", "aims.", "Store.Migrate", "json:", "aimsctl: aimsctl", "iso42001:", "sqlstore:"}
	for _, tc := range []struct {
		name string
		args []string
		want []string
	}{
		{"the author approves her own SoA", []string{"soa", "approve", "--db", db, "--as", "alice"},
			[]string{"cannot approve the Statement of Applicability soa-", "(it is in review): forbidden:", `"alice" holds none of the roles approver`, "may not take this step on a record they are responsible for (rule reviewer-is-not-author)"}},
		{"no role to decide", []string{"soa", "decide", "A.2.2", "--exclude", "--reason", "x", "--db", db, "--as", "zed"},
			[]string{"cannot change the SoA decision on A.2.2", "forbidden", "aimsctl role assign"}},
		{"a step the state does not allow", []string{"risk", "assess", "R-1", "--likelihood", "2", "--consequence", "2", "--db", db, "--as", "dave"},
			[]string{`cannot take the step "assess inherent" on the risk R-1 (it is accepted)`, "only allowed in states"}},
		{"not a number", []string{"metric", "record", "approval-gap", "--value", "NaN", "--evidence", "x", "--db", db, "--as", "erin"},
			[]string{"cannot create the measurement", "must be a finite number"}},
		{"not a workspace", []string{"system", "list", "--db", empty},
			[]string{"run 'aimsctl init' with the same --db"}},
		{"a record that does not exist", []string{"nc", "show", "nc-nope", "--db", db},
			[]string{"there is no nonconformity nc-nope in this workspace"}},
		{"a database that cannot be opened", []string{"system", "list", "--db", dir},
			[]string{"cannot open the workspace (tenant default): ", "check --db"}},
		{"a bad value", []string{"metric", "record", "approval-gap", "--value", "1e400", "--evidence", "x", "--db", db, "--as", "erin"},
			[]string{"aimsctl metric record: --value:"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "the author approves her own SoA" {
				if _, stderr, code := cli(t, nil, "soa", "draft", "--db", db, "--as", "alice"); code != 0 {
					t.Fatalf("soa draft: exit %d: %s", code, stderr)
				}
			}
			_, stderr, code := cli(t, nil, tc.args...)
			if code == 0 {
				t.Fatalf("%v succeeded; want a refusal", tc.args)
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr %q lacks %q", stderr, w)
				}
			}
			for _, j := range jargon {
				if strings.Contains(stderr, j) {
					t.Errorf("stderr %q shows %q", stderr, j)
				}
			}
		})
	}
	if got := humanize(fmt.Errorf("write report: %w", &json.UnsupportedValueError{Str: "NaN"})); strings.Contains(got, "json:") || !strings.Contains(got, "finite number") {
		t.Errorf("an encoder's NaN reads %q", got)
	}
}
