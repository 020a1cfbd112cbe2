package iso42001

import (
	"bytes"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/memstore"
	"github.com/aimsgo/iso42001/audit"
	"github.com/aimsgo/iso42001/impact"
	"github.com/aimsgo/iso42001/lifecycle"
	"github.com/aimsgo/iso42001/risk"
	"github.com/aimsgo/iso42001/soa"
)

// packageKinds names the package of every record kind the trace lists,
// in the order the package map shows them.
var packageKinds = []struct {
	pkg   string
	kinds []string
}{
	{"aims", []string{aims.KindContextIssue, aims.KindInterestedParty, aims.KindScope, aims.KindAISystem, aims.KindRoleAssignment,
		aims.KindObjective, aims.KindDocument, aims.KindCycle}},
	{"risk", []string{risk.KindCriteria, risk.Kind}},
	{"impact", []string{impact.KindAssessment, impact.KindIncident}},
	{"soa", []string{soa.KindSoA, soa.KindDecision, soa.KindImplementation, soa.KindObligation}},
	{"audit", []string{audit.KindMetric, audit.KindMeasurement, audit.KindProgramme, audit.KindAudit, audit.KindFinding,
		audit.KindReview, audit.KindNonconformity, audit.KindRating}},
	{"lifecycle", []string{lifecycle.KindChange, lifecycle.KindResource, lifecycle.KindAwareness, lifecycle.KindCommunication,
		lifecycle.KindConcern, lifecycle.KindRequirement, lifecycle.KindDesignRecord, lifecycle.KindVerification,
		lifecycle.KindDeploymentApproval, lifecycle.KindTechnicalDoc, lifecycle.KindEventLogPolicy, lifecycle.KindDataset,
		lifecycle.KindUserInformation, lifecycle.KindResponsibleUse, lifecycle.KindParty}},
}

const (
	mapBegin = "<!-- package-map: generated from AIMS.Trace by readme_test.go; go test -run TestReadmePackageMap -update rewrites it -->\n"
	mapEnd   = "<!-- end of package-map -->\n"
)

// renderPackageMap renders, from the traceability table, which clause
// leaves and Annex A controls each package holds evidence for, and with
// which record kinds.
func renderPackageMap(t *testing.T, trace []Support) string {
	t.Helper()
	pkgOf := map[string]string{}
	for _, p := range packageKinds {
		for _, k := range p.kinds {
			pkgOf[k] = p.pkg
		}
	}
	type row struct{ kinds, clauses, controls []string }
	rows := map[string]*row{}
	var allControls []string
	for _, s := range trace {
		control := strings.HasPrefix(s.Ref, "A.")
		if control {
			allControls = append(allControls, s.Ref)
		}
		for _, k := range s.Records {
			p, ok := pkgOf[k]
			if !ok {
				t.Fatalf("%s: record kind %q has no package in packageKinds", s.Ref, k)
			}
			r := rows[p]
			if r == nil {
				r = &row{}
				rows[p] = r
			}
			if !slices.Contains(r.kinds, k) {
				r.kinds = append(r.kinds, k)
			}
			list := &r.clauses
			if control {
				list = &r.controls
			}
			if !slices.Contains(*list, s.Ref) {
				*list = append(*list, s.Ref)
			}
		}
	}
	var b strings.Builder
	b.WriteString("| Package | Record kinds | Clauses | Annex A controls |\n|---|---|---|---|\n")
	for _, p := range packageKinds {
		r := rows[p.pkg]
		if r == nil {
			t.Fatalf("package %s holds evidence for nothing in the trace", p.pkg)
		}
		// Kinds in the package's own order.
		slices.SortStableFunc(r.kinds, func(x, y string) int { return slices.Index(p.kinds, x) - slices.Index(p.kinds, y) })
		controls := strings.Join(r.controls, ", ")
		if slices.Equal(r.controls, allControls) {
			controls = fmt.Sprintf("all %d", len(allControls))
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", p.pkg, strings.Join(r.kinds, ", "), dash(strings.Join(r.clauses, ", ")), dash(controls))
	}
	return b.String()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// TestReadmePackageMap: the README's package map is the traceability
// table's, record kind by record kind; -update (the flag of
// manifest_test.go) rewrites the section between its markers.
func TestReadmePackageMap(t *testing.T) {
	a, err := Open(t.Context(), memstore.New(), "t", nil)
	if err != nil {
		t.Fatal(err)
	}
	want := renderPackageMap(t, a.Trace())
	if again := renderPackageMap(t, a.Trace()); again != want {
		t.Fatal("the package map renders differently twice")
	}
	raw, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(raw, []byte(mapBegin))
	j := bytes.Index(raw, []byte(mapEnd))
	if i < 0 || j < i {
		t.Fatalf("README.md lacks the package map markers %q and %q", mapBegin, mapEnd)
	}
	got := string(raw[i+len(mapBegin) : j])
	if got == want {
		return
	}
	if *update {
		out := slices.Concat(raw[:i+len(mapBegin)], []byte(want), raw[j:])
		if err := os.WriteFile("README.md", out, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("README.md's package map differs from the trace; run go test -run TestReadmePackageMap -update\ngot:\n%s\nwant:\n%s", got, want)
}
