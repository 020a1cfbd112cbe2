package main

import (
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// conflictHint is what the CLI promises a writer that lost a race for a
// record: exit 1 and this line, and the command may be repeated.
const conflictHint = "someone else changed the record since it was read"

// TestEightProcessesOneSQLiteFile runs 8 aimsctl processes at once on one
// SQLite workspace, each writing distinct risks (creates), assessing the
// same risk and adding its own roles to the same role assignment (a read,
// modify, write of one record). Creates never fail; a writer that loses
// the race for the shared records exits 1 with the conflict hint and
// succeeds when it repeats the command, as the hint says; no role is
// lost; every assessment that succeeded is in the journal; the journal
// verifies.
func TestEightProcessesOneSQLiteFile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds aimsctl and runs 8 processes")
	}
	t.Parallel()
	dir := t.TempDir()
	bin := filepath.Join(dir, "aimsctl")
	start := time.Now()
	if out, err := exec.CommandContext(t.Context(), "go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	t.Logf("go build: %s", time.Since(start).Round(time.Millisecond))
	db := filepath.Join(dir, "ws.db")
	run := func(args ...string) (string, string, error) {
		cmd := exec.CommandContext(t.Context(), bin, append(args, "--db", db, "--as", "alice")...)
		cmd.Env = []string{"AIMSCTL_NOW=2026-11-24T10:00:00Z"}
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		return out.String(), errb.String(), err
	}
	must := func(args ...string) string {
		t.Helper()
		out, stderr, err := run(args...)
		if err != nil {
			t.Fatalf("%v: %v: %s", args, err, stderr)
		}
		return out
	}
	must("init", "--owner", "alice")
	must("system", "add", "--id", "credit", "--name", "Credit scoring", "--role", "provider", "--owner", "alice")
	must("risk", "add", "--id", "R-shared", "--title", "Shared", "--owner", "alice", "--system", "credit")
	must("role", "assign", "--actor", "shared", "--role", "r-seed")

	const procs, writes = 8, 2
	start = time.Now()
	type tally struct {
		failedCreates, conflicts, assessed int
		other                              []string
	}
	results := make([]tally, procs)
	var wg sync.WaitGroup
	for p := range procs {
		wg.Go(func() {
			res := &results[p]
			// retry repeats a command the CLI refused for a conflict, as
			// its hint says to; any other failure is recorded.
			retry := func(args ...string) bool {
				for range 50 {
					_, stderr, err := run(args...)
					var ee *exec.ExitError
					switch {
					case err == nil:
						return true
					case errors.As(err, &ee) && ee.ExitCode() == 1 && strings.Contains(stderr, conflictHint):
						res.conflicts++
					default:
						res.other = append(res.other, fmt.Sprintf("%v: %v: %s", args, err, stderr))
						return false
					}
				}
				res.other = append(res.other, fmt.Sprintf("%v: still conflicting after 50 tries", args))
				return false
			}
			for j := range writes {
				id := fmt.Sprintf("R-%d-%d", p, j)
				if _, stderr, err := run("risk", "add", "--id", id, "--title", "Risk "+id, "--owner", "alice", "--system", "credit"); err != nil {
					res.failedCreates++
					res.other = append(res.other, fmt.Sprintf("risk add %s: %v: %s", id, err, stderr))
				}
				if retry("risk", "assess", "R-shared", "--likelihood", fmt.Sprint(1+(p+j)%5), "--consequence", "2") {
					res.assessed++
				}
				retry("role", "assign", "--actor", "shared", "--role", fmt.Sprintf("r-%d-%d", p, j))
			}
		})
	}
	wg.Wait()
	t.Logf("%d processes: %s", procs, time.Since(start).Round(time.Millisecond))

	var assessed, conflicts int
	for p, r := range results {
		if r.failedCreates != 0 {
			t.Errorf("process %d: %d creates of distinct risks failed", p, r.failedCreates)
		}
		for _, o := range r.other {
			t.Errorf("process %d: %s", p, o)
		}
		assessed += r.assessed
		conflicts += r.conflicts
	}
	t.Logf("%d processes x %d writes: %d conflicts on the shared records, each repeated until it succeeded", procs, writes, conflicts)
	risks := must("risk", "list")
	for p := range procs {
		for j := range writes {
			if id := fmt.Sprintf("R-%d-%d", p, j); !strings.Contains(risks, id+" ") && !strings.Contains(risks, id+"\t") {
				t.Errorf("risk %s is missing from the register", id)
			}
		}
	}
	roles := must("role", "list")
	for p := range procs {
		for j := range writes {
			if r := fmt.Sprintf("r-%d-%d", p, j); !strings.Contains(roles, r) {
				t.Errorf("lost update: role %s of the shared assignment is missing:\n%s", r, roles)
			}
		}
	}
	log := must("journal", "log", "--kind", "risk", "--id", "R-shared")
	if got := strings.Count(log, " assess-inherent "); got != assessed {
		t.Errorf("the journal holds %d assessments of R-shared, the processes succeeded %d:\n%s", got, assessed, log)
	}
	if out := must("journal", "verify"); !strings.Contains(out, "intact") {
		t.Errorf("journal verify: %s", out)
	}
}
