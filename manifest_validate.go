package iso42001

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/audit"
	"github.com/aimsgo/iso42001/controls"
	"github.com/aimsgo/iso42001/risk"
	"github.com/aimsgo/iso42001/soa"
)

// recast copies src into a new T through JSON: the manifest's specs and
// the stored records share their field names, so a spec becomes a record
// (its "id" filling the record's header) and a record a spec (its header
// dropped).
func recast[T any](src any) (*T, error) {
	b, err := json.Marshal(src)
	if err != nil {
		return nil, err
	}
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// Validate checks m against every record's own rules and every
// reference, and reports all problems at once as a [*ManifestError]
// (matching aims.ErrInvalid), each with its field path and, for a decoded
// manifest, its file:line:column. References checked: controls against
// cat (default controls.ISO42001()), AI systems, interested parties and
// their requirements, objectives and their measures, and people's roles:
// a document declared approved or published names an approver who holds
// the approver or top-management role in m.Roles and is not its author.
// Risk assessments are checked against m.RiskCriteria when m declares
// them; [AIMS.Plan] checks them against the workspace's criteria
// otherwise.
func (m *Manifest) Validate(cat *controls.Catalog) error {
	if cat == nil {
		cat = controls.ISO42001()
	}
	var crit *risk.Criteria
	if m.RiskCriteria != nil {
		if c, err := risk.NewCriteria(*m.RiskCriteria); err == nil {
			crit = c
		}
	}
	return m.validate(cat, crit)
}

// validate is Validate with the criteria to rate assessments with; nil
// skips rating.
func (m *Manifest) validate(cat *controls.Catalog, crit *risk.Criteria) error {
	var p aims.Problems
	if m.APIVersion != ManifestAPIVersion {
		p.Addf("apiVersion", "must be %q, got %q", ManifestAPIVersion, m.APIVersion)
	}
	if m.Kind != ManifestKind {
		p.Addf("kind", "must be %q, got %q", ManifestKind, m.Kind)
	}
	control := func(path, id string) {
		if _, err := cat.Control(id); err != nil {
			p.Addf(path, "unknown control %q in catalog %s", id, cat.ID())
		}
	}
	record := func(path string, spec any, rec aims.Document, id string) {
		if err := recastInto(spec, rec); err != nil {
			p.Add(path, err.Error())
			return
		}
		if id != "" {
			rec.Header().ID = id
		}
		p.Merge(path, rec.Validate())
	}
	unique := func(path, what string, ids []string) map[string]int {
		seen := make(map[string]int, len(ids))
		for i, id := range ids {
			if j, ok := seen[id]; ok {
				p.Addf(fmt.Sprintf("%s[%d]", path, i), "duplicate %s %q, first at %s[%d]", what, id, path, j)
				continue
			}
			seen[id] = i
		}
		return seen
	}

	record("organisation", m.Organisation, &aims.Organisation{}, aims.OrganisationID)
	unique("contextIssues", "id", ids(m.ContextIssues, func(s IssueSpec) string { return s.ID }))
	for i, s := range m.ContextIssues {
		record(fmt.Sprintf("contextIssues[%d]", i), s, &aims.ContextIssue{}, "")
	}
	parties := unique("interestedParties", "id", ids(m.InterestedParties, func(s PartySpec) string { return s.ID }))
	for i, s := range m.InterestedParties {
		record(fmt.Sprintf("interestedParties[%d]", i), s, &aims.InterestedParty{}, "")
	}
	systems := unique("aiSystems", "id", ids(m.AISystems, func(s SystemSpec) string { return s.ID }))
	for i, s := range m.AISystems {
		record(fmt.Sprintf("aiSystems[%d]", i), s, &aims.AISystem{}, "")
	}
	system := func(path, id string) {
		if _, ok := systems[id]; !ok {
			p.Addf(path, "unknown AI system %q: declare it under aiSystems", id)
		}
	}
	if s := m.Scope; s != nil {
		record("scope", s, &aims.Scope{}, aims.ScopeID)
		for i, id := range s.AISystems {
			system(fmt.Sprintf("scope.aiSystems[%d]", i), id)
		}
		for i, r := range s.Requirements {
			path := fmt.Sprintf("scope.requirements[%d]", i)
			j, ok := parties[r.Party]
			switch {
			case !ok:
				p.Addf(path+".party", "unknown interested party %q", r.Party)
			case !slices.ContainsFunc(m.InterestedParties[j].Requirements, func(q aims.Requirement) bool { return q.ID == r.Requirement }):
				p.Addf(path+".requirement", "interested party %q has no requirement %q", r.Party, r.Requirement)
			}
		}
	}
	people := unique("roles", "person", ids(m.Roles, func(s RoleSpec) string { return s.ID }))
	for i, s := range m.Roles {
		record(fmt.Sprintf("roles[%d]", i), s, &aims.RoleAssignment{}, "")
	}
	holds := func(actor string, roles ...aims.Role) bool {
		i, ok := people[actor]
		return ok && slices.ContainsFunc(m.Roles[i].Roles, func(r aims.Role) bool { return slices.Contains(roles, r) })
	}
	unique("documents", "number", ids(m.Documents, func(s DocumentSpec) string { return s.Number }))
	for i, s := range m.Documents {
		path := fmt.Sprintf("documents[%d]", i)
		bare := s
		bare.State, bare.Approver = "", ""
		doc := &aims.DocumentedInfo{}
		if err := recastInto(bare, doc); err != nil {
			p.Add(path, err.Error())
		} else {
			doc.ID, doc.Revision = s.Number+"-r1", 1
			p.Merge(path, doc.Validate())
		}
		switch s.State {
		case aims.DocDraft, aims.DocInReview:
			if s.Approver != "" {
				p.Addf(path+".approver", "must be empty for a %s document: only an approved or published one has an approver", s.State)
			}
		case aims.DocApproved, aims.DocPublished:
			switch {
			case s.Approver == "":
				p.Addf(path+".approver", "is required for a %s document", s.State)
			case s.Approver == s.Author:
				p.Addf(path+".approver", "%q is the author: the approver of a document must not be its author", s.Approver)
			case !holds(s.Approver, aims.RoleApprover, aims.RoleTopManagement):
				p.Addf(path+".approver", "%q must hold the %s or %s role under roles", s.Approver, aims.RoleApprover, aims.RoleTopManagement)
			}
		default:
			p.Addf(path+".state", "must be draft, in-review, approved or published, got %q", s.State)
		}
	}
	objectives := unique("objectives", "id", ids(m.Objectives, func(s ObjectiveSpec) string { return s.ID }))
	for i, s := range m.Objectives {
		path := fmt.Sprintf("objectives[%d]", i)
		record(path, s, &aims.Objective{}, "")
		for k, id := range s.AISystems {
			system(fmt.Sprintf("%s.aiSystems[%d]", path, k), id)
		}
	}
	if m.RiskCriteria != nil {
		if _, err := risk.NewCriteria(*m.RiskCriteria); err != nil {
			p.Merge("riskCriteria", err)
		}
	}
	var scorer risk.Scorer
	if crit != nil {
		scorer, _ = risk.Builtins().ForCriteria(crit)
	}
	rate := func(path string, r *RatingSpec) {
		if r == nil || scorer == nil {
			return
		}
		if _, err := risk.Evaluate(crit, scorer, []risk.Assessment{r.Assessment}, nil); err != nil {
			p.Merge(path+".assessment", stripIndex(err))
		}
	}
	unique("risks", "id", ids(m.Risks, func(s RiskSpec) string { return s.ID }))
	for i, s := range m.Risks {
		path := fmt.Sprintf("risks[%d]", i)
		bare := s
		bare.Inherent, bare.Residual = nil, nil
		if s.Treatment != nil {
			t := *s.Treatment
			t.Expected = nil
			bare.Treatment = &t
		}
		record(path, bare, &risk.Risk{}, "")
		for k, id := range s.Systems {
			system(fmt.Sprintf("%s.systems[%d]", path, k), id)
		}
		rate(path+".inherent", s.Inherent)
		rate(path+".residual", s.Residual)
		if s.Treatment != nil {
			if s.Inherent == nil {
				p.Add(path+".treatment", "needs an inherent assessment: a risk is assessed before it is treated")
			}
			for k, c := range s.Treatment.Controls {
				control(fmt.Sprintf("%s.treatment.controls[%d].id", path, k), c.ID)
			}
			for k, c := range s.Treatment.Rejected {
				control(fmt.Sprintf("%s.treatment.rejected[%d].id", path, k), c.ID)
			}
			rate(path+".treatment.expected", s.Treatment.Expected)
		}
		if s.Residual != nil && s.Treatment == nil {
			p.Add(path+".residual", "needs a treatment: the residual risk is what remains after treatment")
		}
	}
	if s := m.SoA; s != nil {
		unique("soa.decisions", "control", ids(s.Decisions, func(d DecisionSpec) string { return d.Control }))
		for i, d := range s.Decisions {
			path := fmt.Sprintf("soa.decisions[%d]", i)
			dec := soa.Decision{Control: d.Control, Choice: d.Choice, Reason: d.Reason}
			p.Merge(path, dec.Validate())
			if aims.ValidName(d.Control) {
				control(path+".control", d.Control)
			}
		}
		unique("soa.obligations", "id", ids(s.Obligations, func(o soa.Obligation) string { return o.ID }))
		for i, o := range s.Obligations {
			path := fmt.Sprintf("soa.obligations[%d]", i)
			p.Merge(path, o.Validate())
			for k, c := range o.Controls {
				control(fmt.Sprintf("%s.controls[%d]", path, k), c)
			}
			if _, ok := parties[o.Party]; o.Party != "" && !ok {
				p.Addf(path+".party", "unknown interested party %q", o.Party)
			}
		}
		if ap := s.Approval; ap != nil {
			if !aims.ValidName(ap.Author) {
				p.Addf("soa.approval.author", "must be an actor id, got %q", ap.Author)
			}
			switch {
			case ap.Approver == ap.Author:
				p.Addf("soa.approval.approver", "%q is the author: the approver of the SoA must not be its author", ap.Approver)
			case !holds(ap.Approver, aims.RoleApprover, aims.RoleTopManagement):
				p.Addf("soa.approval.approver", "%q must hold the %s or %s role under roles", ap.Approver, aims.RoleApprover, aims.RoleTopManagement)
			}
		}
	}
	unique("metrics", "id", ids(m.Metrics, func(s MetricSpec) string { return s.ID }))
	for i, s := range m.Metrics {
		path := fmt.Sprintf("metrics[%d]", i)
		record(path, s, &audit.Metric{}, "")
		if s.Objective != "" {
			j, ok := objectives[s.Objective]
			switch {
			case !ok:
				p.Addf(path+".objective", "unknown objective %q: declare it under objectives", s.Objective)
			case s.Measure != "" && !slices.ContainsFunc(m.Objectives[j].Measures, func(x aims.Measure) bool { return x.Metric == s.Measure }):
				p.Addf(path+".measure", "objective %q has no measure %q", s.Objective, s.Measure)
			}
		}
		for k, c := range s.Controls {
			control(fmt.Sprintf("%s.controls[%d]", path, k), c)
		}
	}
	area := func(path, id string) {
		if _, err := cat.Control(id); err == nil {
			return
		}
		if _, err := cat.Clause(id); err != nil && !coversControl(cat, id) {
			p.Addf(path, "%q is neither a clause nor a control of catalog %s", id, cat.ID())
		}
	}
	unique("auditProgrammes", "id", ids(m.AuditProgrammes, func(s ProgrammeSpec) string { return s.ID }))
	for i, s := range m.AuditProgrammes {
		path := fmt.Sprintf("auditProgrammes[%d]", i)
		record(path, s, &audit.Programme{}, "")
		for k, a := range s.Areas {
			area(fmt.Sprintf("%s.areas[%d].id", path, k), a.ID)
		}
	}
	m.validateRecords(&p, holds, control, area)
	m.validateLifecycle(&p, record, unique, holds)
	return manifestErr(m.src, p.Err())
}

// recastInto copies src into dst through JSON.
func recastInto(src any, dst any) error {
	b, err := json.Marshal(src)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, dst)
}

// ids lists the key of each item.
func ids[T any](items []T, key func(T) string) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = key(it)
	}
	return out
}

// stripIndex drops the "[0]" index [risk.Evaluate] puts in front of the
// paths of its one assessment.
func stripIndex(err error) error {
	var ve *aims.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	out := &aims.ValidationError{}
	for _, q := range ve.Problems {
		q.Path = trimIndex(q.Path)
		out.Problems = append(out.Problems, q)
	}
	return out
}

// trimIndex removes a leading "[0]" and the dot after it.
func trimIndex(path string) string {
	if len(path) >= 3 && path[:3] == "[0]" {
		path = path[3:]
		if len(path) > 0 && path[0] == '.' {
			path = path[1:]
		}
	}
	return path
}

// coversControl reports whether area is a group of controls of cat
// ("A.7" for A.7.2 to A.7.6).
func coversControl(cat *controls.Catalog, area string) bool {
	for c := range cat.Controls() {
		if strings.HasPrefix(c.ID, area+".") {
			return true
		}
	}
	return false
}
