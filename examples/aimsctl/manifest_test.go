package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aimsgo/iso42001"
)

// TestManifestCommands runs the AIMS-as-code loop on a SQLite workspace:
// plan (exit 2: changes), apply, plan again (exit 0), export (the example
// back, byte for byte), a bad manifest (exit 1, nothing written), prune.
func TestManifestCommands(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "ws.db")
	env := map[string]string{"AIMSCTL_NOW": "2026-04-01T09:00:00Z", "AIMSCTL_ACTOR": "alice"}
	run := func(args ...string) (string, string, int) {
		return cli(t, env, append(args, "--db", db)...)
	}
	example := filepath.Join("..", "manifests", "northwind.yaml")
	if _, stderr, code := run("init"); code != 0 {
		t.Fatalf("init: %s", stderr)
	}
	out, stderr, code := run("plan", "-f", example)
	if code != 2 || !strings.Contains(out, "+ create document POL-AI-r1\n") || !strings.Contains(out, "    then approve as bob\n") {
		t.Fatalf("first plan: exit %d, stderr %q, stdout:\n%s", code, stderr, out)
	}
	if !strings.Contains(out, "Plan: 92 to create, 0 to update, 0 to delete or retire, 0 unchanged.\n") {
		t.Errorf("first plan summary:\n%s", out)
	}
	if out, stderr, code = run("apply", "-f", example); code != 0 || !strings.Contains(out, "Applied.") {
		t.Fatalf("apply: exit %d, %s\n%s", code, stderr, out)
	}
	if out, stderr, code = run("plan", "-f", example); code != 0 || !strings.Contains(out, "No changes") {
		t.Fatalf("plan after apply: exit %d, %s\n%s", code, stderr, out)
	}
	out, stderr, code = run("plan", "-f", example, "--format", "json")
	var p iso42001.Plan
	if err := json.Unmarshal([]byte(out), &p); code != 0 || err != nil || len(p.Changes) != 92 || p.Changed() {
		t.Fatalf("plan --format json: exit %d, %v, %s; %d changes", code, err, stderr, len(p.Changes))
	}
	out, stderr, code = run("export", "--schema", "aims-manifest.schema.json")
	if code != 0 {
		t.Fatalf("export: exit %d: %s", code, stderr)
	}
	want, err := os.ReadFile(example)
	if err != nil {
		t.Fatal(err)
	}
	if out != string(want) {
		t.Errorf("export differs from %s:\n%s", example, out)
	}

	// One bad reference: exit 1, the problem placed, nothing written.
	bad := filepath.Join(dir, "bad.yaml")
	edited := strings.Replace(string(want), "    name: Credit scoring model\n", "    name: Credit model v4\n", 1)
	edited = strings.Replace(edited, "    - control: A.10.4\n", "    - control: A.10.44\n", 1)
	if err := os.WriteFile(bad, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code = run("apply", "-f", bad)
	if code != 1 || !strings.Contains(stderr, "bad.yaml:") || !strings.Contains(stderr, "unknown control \"A.10.44\"") {
		t.Fatalf("bad apply: exit %d, %q", code, stderr)
	}
	if _, stderr, code = run("plan", "-f", bad); code != 1 {
		t.Errorf("bad plan: exit %d, want 1: %s", code, stderr)
	}
	if out, _, code = run("plan", "-f", example); code != 0 {
		t.Errorf("the bad apply wrote something: exit %d\n%s", code, out)
	}
	if _, stderr, code = run("plan"); code != 1 || !strings.Contains(stderr, "-f FILE is required") {
		t.Errorf("plan without -f: exit %d, %q; want 1", code, stderr)
	}

	// Prune: an issue dropped from the manifest is deleted.
	pruned := filepath.Join(dir, "pruned.yaml")
	cut := strings.Index(string(want), "  - id: ctx-ml-skills\n")
	end := strings.Index(string(want), "interestedParties:\n")
	if err := os.WriteFile(pruned, append([]byte(string(want)[:cut]), want[end:]...), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, _, code = run("plan", "-f", pruned); code != 0 {
		t.Errorf("plan without --prune: exit %d\n%s", code, out)
	}
	if out, _, code = run("plan", "-f", pruned, "--prune"); code != 2 || !strings.Contains(out, "- delete context-issue ctx-ml-skills\n") {
		t.Errorf("plan --prune: exit %d\n%s", code, out)
	}
	if _, stderr, code = run("apply", "-f", pruned, "--prune"); code != 0 {
		t.Fatalf("apply --prune: %s", stderr)
	}
	if out, _, code = run("plan", "-f", pruned, "--prune"); code != 0 {
		t.Errorf("plan after apply --prune: exit %d\n%s", code, out)
	}
}

func TestManifestSchemaCommand(t *testing.T) {
	t.Parallel()
	out, stderr, code := cli(t, nil, "manifest", "schema")
	if code != 0 || !bytes.Equal([]byte(out), iso42001.ManifestSchema()) {
		t.Fatalf("exit %d, %s", code, stderr)
	}
	committed, err := os.ReadFile(filepath.Join("..", "manifests", "aims-manifest.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	if out != string(committed) {
		t.Error("examples/manifests/aims-manifest.schema.json is not what 'aimsctl manifest schema' writes")
	}
}
