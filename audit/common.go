package audit

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/controls"
	"github.com/aimsgo/iso42001/internal/natsort"
)

// Roles the audit package's workflows ask the workspace's Authorizer for.
//
// Deprecated: the roles are defined once, in the aims package
// (aims.RoleInternalAuditor, aims.RoleAuditManager); these names remain as
// aliases.
const (
	RoleInternalAuditor = aims.RoleInternalAuditor
	RoleAuditManager    = aims.RoleAuditManager
)

// Record kinds of the audit package.
const (
	KindNonconformity = "nonconformity"
	KindProgramme     = "audit-programme"
	KindAudit         = "audit"
	KindFinding       = "audit-finding"
	KindMetric        = "metric"
	KindMeasurement   = "measurement"
	KindReview        = "management-review"
	KindRating        = "maturity-rating"
)

// Area is one thing an audit programme covers: a clause or control id,
// who owns it (so that they never audit it) and the risk it carries (so
// that riskier areas are audited sooner). The lead wires RiskLevel from the
// risk register; audit itself keeps no risk model.
type Area struct {
	// ID is a clause ("8.2") or control ("A.6.2.8") id; an area covers its
	// subclauses too ("A.6" covers "A.6.2.8").
	ID string `json:"id"`
	// Owner is the actor responsible for the area.
	Owner string `json:"owner,omitempty"`
	// RiskLevel orders audits: higher comes sooner. 0 means unknown.
	RiskLevel int `json:"riskLevel,omitempty"`
}

// covers reports whether an area with id area includes ref.
func covers(area, ref string) bool {
	return area == ref || strings.HasPrefix(ref, area+".")
}

// ownersOf returns the owners of the areas that cover ref.
func ownersOf(areas []Area, ref string) []string {
	var out []string
	for _, a := range areas {
		if a.Owner != "" && covers(a.ID, ref) && !slices.Contains(out, a.Owner) {
			out = append(out, a.Owner)
		}
	}
	return out
}

func checkAreas(p *aims.Problems, path string, areas []Area) {
	seen := map[string]bool{}
	for i, a := range areas {
		ap := fmt.Sprintf("%s[%d]", path, i)
		switch {
		case !aims.ValidName(a.ID):
			p.Addf(ap+".id", "must name a clause or control, got %q", a.ID)
		case seen[a.ID]:
			p.Addf(ap+".id", "duplicate area %q", a.ID)
		}
		seen[a.ID] = true
		if a.Owner != "" && !aims.ValidName(a.Owner) {
			p.Addf(ap+".owner", "must be an actor id, got %q", a.Owner)
		}
		if a.RiskLevel < 0 {
			p.Addf(ap+".riskLevel", "must not be negative, got %d", a.RiskLevel)
		}
	}
}

func checkActor(p *aims.Problems, path, actor string, required bool) {
	if actor == "" && !required {
		return
	}
	if !aims.ValidName(actor) {
		p.Addf(path, "must be an actor id of 1-200 printable bytes, got %q", actor)
	}
}

func checkTexts(p *aims.Problems, path string, list []string) {
	for i, s := range list {
		if strings.TrimSpace(s) == "" {
			p.Add(fmt.Sprintf("%s[%d]", path, i), "must not be blank")
		}
	}
}

func checkKind(p *aims.Problems, m *aims.Meta, kind string) {
	if m.Kind != "" && m.Kind != kind {
		p.Addf("kind", "must be %q, got %q", kind, m.Kind)
	}
	if m.ID != "" && !aims.ValidName(m.ID) {
		p.Addf("id", "must be 1-200 printable bytes, got %q", m.ID)
	}
	if m.Version < 0 {
		p.Addf("version", "must not be negative, got %d", m.Version)
	}
}

// sortRefs sorts clause and control ids in natural order.
func sortRefs(s []string) { slices.SortFunc(s, natsort.Compare) }

// date formats t as a day for reports; zero prints "-".
func date(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02")
}

// checkRef returns an [aims.ErrInvalid] error at path unless ref is a
// clause or control of cat, or (when groups) an Annex A objective whose
// controls an audit area may cover ("A.7").
func checkRef(cat *controls.Catalog, path, ref string, groups bool) error {
	if _, err := cat.Control(ref); err == nil {
		return nil
	}
	if _, err := cat.Clause(ref); err == nil {
		return nil
	}
	if groups {
		if _, err := cat.Objective(ref); err == nil {
			return nil
		}
	}
	return aims.Invalid(path, fmt.Sprintf("%q is not a clause or control of catalog %s", ref, cat.ID()))
}
