package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// impactRoot is root() with the impact commands, whether or not main.go
// registers them yet.
func impactRoot() *command {
	r := root()
	for _, s := range r.sub {
		if s.name == "impact" {
			return r
		}
	}
	r.sub = append(r.sub, impactCommand())
	return r
}

// icli runs aimsctl (with the impact commands) and returns stdout, stderr
// and the exit code.
func icli(t *testing.T, env map[string]string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	a := &app{stdout: &out, stderr: &errb, getenv: func(k string) string { return env[k] }}
	err := a.dispatch(t.Context(), impactRoot(), args, nil)
	code := report(&errb, err)
	return out.String(), errb.String(), code
}

// baselineYAML answers every required question of the built-in baseline
// questionnaire for a credit scoring system.
const baselineYAML = `intended-uses: Score consumer loan applicants' creditworthiness
foreseeable-misuse: Using the score for employment screening
deployment-context: Online loan applications; officers review declines
automation: human-on-the-loop
significant-decisions: true
affected: [subjects, users]
vulnerable: true
vulnerable-groups: [precarious]
scale: population
dimensions: [fairness, economic, privacy]
personal-data: true
special-category-data: false
reversibility: with-effort
contestable: true
consulted: true
consulted-whom: Consumer association; they asked for reasons on declines
`

// benignYAML answers the EU AI Act screening for a provider whose system
// falls under no tier above minimal (a spam filter).
const benignYAML = `role: [provider]
manipulation: false
exploits-vulnerabilities: false
social-scoring: false
crime-prediction: false
face-scraping: false
emotion-recognition: false
sensitive-categorisation: false
realtime-rbi: false
annex-i-product: false
interacts-with-people: false
generates-synthetic-content: false
biometric-categorisation: false
deep-fake: false
public-interest-text: false
gpai-model: false
`

// creditYAML screens a creditworthiness system: Annex III point 5(b),
// no derogation, with profiling.
const creditYAML = benignYAML + `annex-iii: ["5b"]
derogation: [none]
profiling: true
`

type impactEnv struct {
	t   *testing.T
	dir string
	db  string
	env map[string]string
}

func newImpactEnv(t *testing.T) *impactEnv {
	t.Helper()
	dir := t.TempDir()
	e := &impactEnv{t: t, dir: dir, db: filepath.Join(dir, "ws.db"), env: map[string]string{"AIMSCTL_NOW": "2026-11-24T10:00:00Z"}}
	e.must("alice", "init", "--owner", "alice")
	e.must("alice", "role", "assign", "--actor", "bob", "--role", "approver")
	return e
}

func (e *impactEnv) run(as string, args ...string) (string, string, int) {
	e.t.Helper()
	return icli(e.t, e.env, append(args, "--db", e.db, "--as", as)...)
}

func (e *impactEnv) must(as string, args ...string) string {
	e.t.Helper()
	out, stderr, code := e.run(as, args...)
	if code != 0 {
		e.t.Fatalf("%v: exit %d: %s", args, code, stderr)
	}
	return out
}

func (e *impactEnv) file(name, body string) string {
	e.t.Helper()
	p := filepath.Join(e.dir, name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		e.t.Fatal(err)
	}
	return p
}

func wantAll(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, got)
		}
	}
}

func TestImpactWorkedFlow(t *testing.T) {
	t.Parallel()
	e := newImpactEnv(t)
	e.must("alice", "system", "add", "--id", "credit", "--name", "Credit scoring", "--purpose", "score loan applicants", "--model-version", "v1")
	e.must("alice", "system", "add", "--id", "spam", "--name", "Spam filter")

	due := e.must("alice", "impact", "due")
	wantAll(t, "due before any assessment", due, "credit (Credit scoring):", "spam (Spam filter):", "no-assessment: the system is in scope and has no approved impact assessment")

	id := strings.TrimSpace(e.must("alice", "impact", "new", "--system", "credit"))
	if id == "" || strings.ContainsAny(id, " \n") {
		t.Fatalf("impact new printed %q, want one id", id)
	}
	out := e.must("alice", "impact", "answer", id, "--file", e.file("baseline.yaml", baselineYAML))
	wantAll(t, "answer", out, id+": 16 answers recorded")
	if strings.Contains(out, "still unanswered") {
		t.Errorf("complete answers reported as incomplete:\n%s", out)
	}

	screen := e.must("alice", "impact", "screen", "--system", "credit", "--file", e.file("credit.yaml", creditYAML))
	wantAll(t, "credit screening", screen, "System credit: EU AI Act tier high-risk", "Annex III", "  * ", "(* decisive)", "Obligations:", "Notice: ")
	if !strings.Contains(strings.ToLower(screen), "not legal advice") {
		t.Errorf("screening lacks the not-legal-advice notice:\n%s", screen)
	}
	spam := e.must("alice", "impact", "screen", "--system", "spam", "--file", e.file("spam.yaml", benignYAML+"annex-iii: [none]\n"))
	wantAll(t, "spam screening", spam, "System spam: EU AI Act tier minimal")
	if strings.Contains(spam, "tier high-risk") {
		t.Errorf("spam filter screened high-risk:\n%s", spam)
	}

	// Without a decision the assessment cannot be submitted.
	if _, stderr, code := e.run("bob", "impact", "approve", id); code == 0 || !strings.Contains(stderr, "decision") {
		t.Errorf("approve without decision: exit %d, %q; want the decision guard", code, stderr)
	}
	e.must("alice", "impact", "decide", id, "--verdict", "proceed-with-conditions", "--rationale", "benefits outweigh residual harm", "--condition", "bias test per release")
	link := e.must("alice", "impact", "link", id)
	wantAll(t, "link", link, id+": no harm at or above the risk threshold")

	harm := e.must("alice", "impact", "harm", id, "--id", "I1", "--title", "Unfair declines for protected groups", "--dimension", "fairness",
		"--severity", "4", "--likelihood", "4", "--scale", "4", "--reversibility", "3", "--source", "machine-learning",
		"--mitigation", "Bias testing per release", "--control", "A.7.4", "--control", "A.6.2.4")
	wantAll(t, "harm", harm, id+": harm I1 recorded, band ", "at or above the risk threshold: run 'aimsctl impact link "+id+"'")
	benefit := e.must("alice", "impact", "harm", id, "--id", "I2", "--title", "Faster decisions", "--dimension", "economic", "--benefit")
	wantAll(t, "benefit", benefit, id+": benefit I2 recorded\n")

	approveOut, stderr, code := e.run("alice", "impact", "approve", id)
	if code == 0 || !strings.Contains(stderr, "forbidden") || !strings.Contains(stderr, "another reviewer must approve it") {
		t.Errorf("author approving own assessment: exit %d, %q; want forbidden", code, stderr)
	}
	wantAll(t, "approve by author", approveOut, id+" submitted for review")
	if _, stderr, code := e.run("carol", "impact", "approve", id); code == 0 || !strings.Contains(stderr, "forbidden") {
		t.Errorf("actor without reviewer role approving: exit %d, %q; want forbidden", code, stderr)
	}
	if _, stderr, code := e.run("bob", "impact", "approve", id); code == 0 || !strings.Contains(stderr, "harms I1 are above the risk threshold") {
		t.Errorf("approve with an unlinked harm: exit %d, %q; want the link guard", code, stderr)
	}
	link = e.must("alice", "impact", "link", id)
	wantAll(t, "link", link, id+": harm I1 (", ") opened risk "+id+"-I1")
	relink := e.must("alice", "impact", "link", id)
	wantAll(t, "link again", relink, ") already linked to risk "+id+"-I1")
	approved := e.must("bob", "impact", "approve", id)
	wantAll(t, "approve", approved, id+" approved by bob; next review 2027-11-24")
	if strings.Contains(approved, "submitted") {
		t.Errorf("approve resubmitted an assessment in review:\n%s", approved)
	}
	if _, stderr, code := e.run("alice", "impact", "harm", id, "--id", "I3", "--title", "x", "--dimension", "wellbeing"); code == 0 || !strings.Contains(stderr, "only a draft may change") {
		t.Errorf("changing an approved assessment: exit %d, %q; want refused", code, stderr)
	}

	inv := e.must("alice", "impact", "inventory")
	wantAll(t, "inventory", inv, "credit", id, "high-risk", "spam")
	if list := e.must("alice", "impact", "list"); list != inv {
		t.Errorf("impact list differs from impact inventory:\n%s\n---\n%s", list, inv)
	}

	md := e.must("alice", "impact", "report", id, "--format", "md")
	wantAll(t, "md report", md, "Impact assessment of Credit scoring v1", "high-risk")
	html := e.must("alice", "impact", "report", id, "--format", "html")
	wantAll(t, "html report", html, "<html", "Impact assessment of Credit scoring v1")
	js := e.must("alice", "impact", "report", id, "--format", "json")
	var rep struct {
		Schema     string `json:"$schema"`
		Assessment struct {
			ID         string `json:"id"`
			State      string `json:"state"`
			ApprovedBy string `json:"approvedBy"`
			Screening  struct {
				Tier string `json:"tier"`
			} `json:"screening"`
		} `json:"assessment"`
	}
	if err := json.Unmarshal([]byte(js), &rep); err != nil {
		t.Fatalf("json report: %v\n%s", err, js)
	}
	if rep.Assessment.ID != id || rep.Assessment.State != "approved" || rep.Assessment.ApprovedBy != "bob" || rep.Assessment.Screening.Tier != "high-risk" {
		t.Errorf("json report = %+v; want %s approved by bob, high-risk", rep.Assessment, id)
	}
	if _, stderr, code := e.run("alice", "impact", "report", id, "--format", "pdf"); code != 2 || !strings.Contains(stderr, "--format") {
		t.Errorf("report --format pdf: exit %d, %q; want usage error", code, stderr)
	}

	due = e.must("alice", "impact", "due")
	wantAll(t, "due after approval", due, "spam (Spam filter):")
	if strings.Contains(due, "credit") {
		t.Errorf("approved system still due:\n%s", due)
	}
	// A year later the review period has ended.
	e.env = map[string]string{"AIMSCTL_NOW": "2027-12-01T10:00:00Z"}
	due = e.must("alice", "impact", "due")
	wantAll(t, "due a year later", due, "credit (Credit scoring), current assessment "+id+":", "review-period: review was due on 2027-11-24")
	e.must("alice", "journal", "verify")
}

func TestImpactBadAnswersChangeNothing(t *testing.T) {
	t.Parallel()
	e := newImpactEnv(t)
	e.must("alice", "system", "add", "--id", "credit", "--name", "Credit scoring")
	id := strings.TrimSpace(e.must("alice", "impact", "new", "--system", "credit"))
	e.must("alice", "impact", "answer", id, "--file", e.file("baseline.yaml", baselineYAML))
	before := e.must("alice", "impact", "report", id, "--format", "json")
	headBefore := e.must("alice", "journal", "verify")

	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown question", []string{"impact", "answer", id, "--file", e.file("unknown.yaml", baselineYAML+"favourite-colour: blue\n")}, "answers.favourite-colour: unknown question"},
		{"wrong type", []string{"impact", "answer", id, "--file", e.file("type.yaml", strings.Replace(baselineYAML, "vulnerable: true", "vulnerable: 7", 1))}, "answers.vulnerable: must be yes or no"},
		{"not yaml", []string{"impact", "answer", id, "--file", e.file("bad.yaml", "[oops")}, "bad.yaml"},
		{"missing file", []string{"impact", "answer", id, "--file", filepath.Join(e.dir, "absent.yaml")}, "absent.yaml"},
		{"no file flag", []string{"impact", "answer", id}, "--file is required"},
		{"unknown assessment", []string{"impact", "answer", "IA-nope", "--file", e.file("ok.yaml", baselineYAML)}, "IA-nope"},
		{"screen unknown question", []string{"impact", "screen", "--system", "credit", "--file", e.file("scr.yaml", creditYAML+"bogus-article: true\n")}, "answers.bogus-article: unknown question"},
		{"screen unknown system", []string{"impact", "screen", "--system", "nope", "--file", e.file("scr2.yaml", creditYAML)}, "nope"},
		{"harm unknown control", []string{"impact", "harm", id, "--id", "I1", "--title", "t", "--dimension", "fairness", "--severity", "2", "--likelihood", "2", "--scale", "2", "--reversibility", "2", "--mitigation", "m", "--control", "A.99"}, "impacts[0].mitigations[0].controls[0]: unknown control \"A.99\""},
		{"harm bad dimension", []string{"impact", "harm", id, "--id", "I1", "--title", "t", "--dimension", "mood"}, "impacts[0].dimension"},
		{"harm without id", []string{"impact", "harm", id, "--title", "t"}, "--id is required"},
		{"decide bad verdict", []string{"impact", "decide", id, "--verdict", "maybe", "--rationale", "x"}, "decision.verdict"},
		{"new without system", []string{"impact", "new"}, "--system is required"},
		{"new unknown system", []string{"impact", "new", "--system", "ghost"}, "ghost"},
	} {
		_, stderr, code := e.run("alice", tc.args...)
		if code == 0 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%s: exit %d, stderr %q; want non-zero naming %q", tc.name, code, stderr, tc.want)
		}
	}

	after := e.must("alice", "impact", "report", id, "--format", "json")
	if before != after {
		t.Errorf("a rejected input changed the assessment:\nbefore %s\nafter  %s", before, after)
	}
	if headAfter := e.must("alice", "journal", "verify"); headAfter != headBefore {
		t.Errorf("a rejected input changed the journal: before %q, after %q", headBefore, headAfter)
	}
}

func TestImpactHelp(t *testing.T) {
	t.Parallel()
	for _, sub := range []string{"new", "answer", "screen", "decide", "harm", "link", "approve", "report", "inventory", "list", "due"} {
		out, stderr, code := icli(t, nil, "impact", sub, "--help")
		if code != 0 || !strings.Contains(out, "aimsctl impact "+sub) || !strings.Contains(out, "Usage:") {
			t.Errorf("impact %s --help: exit %d, stdout %q, stderr %q", sub, code, out, stderr)
		}
	}
	out, _, code := icli(t, nil, "impact", "--help")
	if code != 0 {
		t.Fatalf("impact --help: exit %d", code)
	}
	wantAll(t, "impact --help", out, "answer", "approve", "decide", "due", "harm", "inventory", "link", "list", "new", "report", "screen")
}
