package iso42001

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"iter"
	"maps"
	"slices"
	"strings"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/audit"
	"github.com/aimsgo/iso42001/controls"
	"github.com/aimsgo/iso42001/impact"
	"github.com/aimsgo/iso42001/internal/firstfew"
	"github.com/aimsgo/iso42001/lifecycle"
	"github.com/aimsgo/iso42001/soa"
)

func isNotFound(err error) bool { return errors.Is(err, aims.ErrNotFound) }

// impactsCurrent is the 8.4 check: impact assessments are redone when
// their system changes, an incident happens or the review period ends.
func (a *AIMS) impactsCurrent() aims.Check {
	return aims.Check{ID: "impact-assessments-current", Clause: "8.4", Title: "AI system impact assessments kept current", Gate: aims.GateCheckToAct,
		Run: func(ctx context.Context, ws *aims.Workspace) (bool, string, error) {
			var parts []string
			n := 0
			for d, err := range a.impacts.DueIndexAll(ctx, ws.Now()) {
				if err != nil {
					return false, "", err
				}
				if n++; len(parts) == 5 {
					continue // counted: a detail names five
				}
				why := make([]string, len(d.Reasons))
				for i, r := range d.Reasons {
					why[i] = string(r.Trigger)
				}
				parts = append(parts, d.System+" ("+strings.Join(why, ", ")+")")
			}
			if n == 0 {
				return true, "no impact assessment is due", nil
			}
			if n > len(parts) {
				parts = append(parts, fmt.Sprintf("and %d more", n-len(parts)))
			}
			return false, "impact assessments due: " + strings.Join(parts, "; "), nil
		}}
}

// screeningDuties feeds the SoA the duties of EU AI Act screenings in
// approved impact assessments: each duty citing an article becomes an
// obligation requiring the controls the EU AI Act crosswalk maps to that
// article (Art. 12 record-keeping to A.6.2.8, say).
type screeningDuties struct{ a *AIMS }

func (d screeningDuties) Requirements(ctx context.Context) iter.Seq2[soa.Requirement, error] {
	return func(yield func(soa.Requirement, error) bool) {
		for as, err := range d.a.impacts.Collection().List(ctx, map[string]string{"state": string(impact.StateApproved)}) {
			if err != nil {
				yield(soa.Requirement{}, err)
				return
			}
			if as.Screening == nil {
				continue
			}
			for _, req := range dutyRequirements(d.a.cat, as) {
				if !yield(req, nil) {
					return
				}
			}
		}
	}
}

// dutyRequirements maps the duties of as's screening to controls.
func dutyRequirements(cat *controls.Catalog, as *impact.Assessment) []soa.Requirement {
	var out []soa.Requirement
	for _, duty := range as.Screening.Obligations {
		src := soa.Source{Kind: soa.SourceObligation, ID: as.ID + "/" + duty.ID, Title: duty.Text, Level: string(soa.ObligationLegal),
			Detail: "EU AI Act " + duty.Reference + " (screening of " + as.System + ")"}
		seen := map[string]bool{}
		for _, art := range articles(duty.Reference) {
			for m := range cat.MappingsTo(controls.FrameworkEUAIAct, art) {
				if _, err := cat.Control(m.From); err != nil || seen[m.From] {
					continue // a clause, not a control, or already named
				}
				seen[m.From] = true
				out = append(out, soa.Requirement{Control: m.From, Source: src})
			}
		}
	}
	return out
}

// articles extracts the article references of a duty's reference as the
// crosswalk writes them: "Art. 49, Art. 71" gives "Art. 49" and "Art. 71";
// "Art. 6(3)" gives "Art. 6".
func articles(ref string) []string {
	var out []string
	for part := range strings.FieldsFuncSeq(ref, func(r rune) bool { return r == ',' || r == ';' }) {
		part = strings.TrimSpace(part)
		rest, ok := strings.CutPrefix(part, "Art. ")
		if !ok {
			continue
		}
		n := 0
		for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
			n++
		}
		if n > 0 {
			out = append(out, "Art. "+rest[:n])
		}
	}
	return out
}

// Proposals lists the Annex A controls the organisation's records show it
// already operates, each with the record that shows it: an approved AI
// policy (A.2.2), its review date (A.2.4), roles assigned (A.3.2),
// approved impact assessments (A.5.2-A.5.5), an AI system inventory
// (A.4.2), monitoring metrics (A.6.2.6), internal audit of controls. The
// SoA attaches them to their entries for the person who decides; they make
// nothing applicable on their own.
func (a *AIMS) Proposals(ctx context.Context) ([]soa.Proposal, error) {
	var out []soa.Proposal
	add := func(evidence string, ctrls ...string) {
		for _, c := range ctrls {
			if _, err := a.cat.Control(c); err == nil {
				out = append(out, soa.Proposal{Control: c, Evidence: evidence})
			}
		}
	}
	pol, err := a.docs.AIPolicy(ctx)
	switch {
	case err == nil:
		add(fmt.Sprintf("AI policy %s revision %d is %s", pol.ID, pol.Revision, pol.State), "A.2.2")
		if !pol.ReviewDue.IsZero() {
			add(fmt.Sprintf("AI policy %s is due for review on %s", pol.ID, pol.ReviewDue.UTC().Format("2006-01-02")), "A.2.4")
		}
	case !isNotFound(err):
		return nil, err
	}
	// Counts and ids come from the store's index: nothing is decoded.
	store, tenant := a.ws.Store(), a.ws.Tenant()
	roles, err := aims.Count(ctx, store, tenant, aims.Query{Kind: aims.KindRoleAssignment})
	if err != nil {
		return nil, aims.E("count", aims.KindRoleAssignment, "", err)
	}
	if roles > 0 {
		add(fmt.Sprintf("%d people hold assigned AIMS roles", roles), "A.3.2")
	}
	systems, err := aims.Count(ctx, store, tenant, aims.Query{Kind: aims.KindAISystem})
	if err != nil {
		return nil, aims.E("count", aims.KindAISystem, "", err)
	}
	if systems > 0 {
		add(fmt.Sprintf("%d AI systems are inventoried with their resources", systems), "A.4.2")
	}
	var approved []string
	for row, err := range aims.SelectAll(ctx, store, tenant, aims.Query{Kind: a.impacts.Collection().Kind(),
		Where: map[string]string{"state": string(impact.StateApproved)}}, nil) {
		if err != nil {
			return nil, err
		}
		approved = append(approved, row.ID)
	}
	if len(approved) > 0 {
		ev := fmt.Sprintf("impact assessments %s are approved", strings.Join(approved, ", "))
		add(ev, "A.5.2", "A.5.3", "A.5.4", "A.5.5")
	}
	metrics, err := a.metrics.Status(ctx)
	if err != nil {
		return nil, err
	}
	if len(metrics) > 0 {
		add(fmt.Sprintf("%d monitoring metrics are defined", len(metrics)), "A.6.2.6")
	}
	kept, err := a.keptEvidence(ctx)
	if err != nil {
		return nil, err
	}
	for _, ref := range slices.Sorted(maps.Keys(kept)) {
		if !strings.HasPrefix(ref, "A.") {
			continue
		}
		add(strings.Join(kept[ref], ", ")+" records are kept", ref)
	}
	return out, nil
}

// keptEvidence returns, per clause or control, the kinds of life cycle
// record (package lifecycle) that the workspace holds at least one of:
// evidence that the organisation operates it. One small read per kind.
func (a *AIMS) keptEvidence(ctx context.Context) (map[string][]string, error) {
	has := map[string]bool{}
	out := map[string][]string{}
	for ref, kinds := range lifecycle.Evidence() {
		for _, k := range kinds {
			ok, seen := has[k]
			if !seen {
				page, err := a.ws.Store().List(ctx, a.ws.Tenant(), aims.Query{Kind: k, Limit: 1})
				if err != nil {
					return nil, aims.E("list", k, "", err)
				}
				ok = len(page.Records) > 0
				has[k] = ok
			}
			if ok {
				out[ref] = append(out[ref], k)
			}
		}
	}
	return out, nil
}

// reviewInputs summarises the risk register and the impact assessments
// for a management review (9.3.2): open risks by band in the criteria's
// order, risks never assessed (never counted within appetite), those
// above appetite with neither treatment nor acceptance, overdue risk
// reviews and treatment actions, and each in-scope system's current
// impact assessment.
func (a *AIMS) reviewInputs(ctx context.Context, ws *aims.Workspace) ([]string, error) {
	now := ws.Now()
	// The register's open-risk projection says all this in one pass: only
	// the risks with an action past due are decoded, to count their
	// actions.
	st, err := a.risks.Standing(ctx, now)
	if err != nil {
		return nil, err
	}
	var parts []string
	for lvl := a.crit.Bands(); lvl >= 1; lvl-- {
		if st.ByBand[lvl] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", st.ByBand[lvl], a.crit.Band(lvl).Name))
		}
	}
	byBand := "none assessed"
	if len(parts) > 0 {
		byBand = strings.Join(parts, ", ")
	}
	lines := []string{fmt.Sprintf("%d open risks (%s); %d never assessed; %d above appetite with neither treatment nor acceptance.", st.Open, byBand, st.Never, st.Untreated)}
	actions := 0
	for _, id := range st.ActionsDue {
		rk, err := a.risks.Get(ctx, id)
		if isNotFound(err) {
			continue // deleted since the projection was read
		}
		if err != nil {
			return nil, err
		}
		if rk.Treatment == nil {
			continue
		}
		for _, act := range rk.Treatment.Actions {
			if act.Open() && act.Due.Before(now) {
				actions++
			}
		}
	}
	if st.ReviewsOverdue+actions > 0 {
		lines = append(lines, fmt.Sprintf("%d risk reviews and %d risk treatment actions are overdue.", st.ReviewsOverdue, actions))
	}
	more, err := impactLines(a.impacts.InventoryIndexAll(ctx))
	if err != nil {
		return nil, err
	}
	return append(lines, more...), nil
}

// maxSystemLines is how many in-scope systems the review inputs name one
// by one; beyond it they are summarised, so that a review of a large
// inventory reads as a summary, not a listing.
const maxSystemLines = 20

// impactLines says, for the management review, each in-scope system's
// current impact assessment; over more than maxSystemLines systems, how
// many have one (by EU AI Act tier) and which lack one (the first five).
// It reads the inventory once, holding no more than maxSystemLines lines.
func impactLines(inv iter.Seq2[impact.InventoryItem, error]) ([]string, error) {
	var lines []string
	var lacking firstfew.List
	tiers := map[string]int{}
	in, assessed := 0, 0
	for it, err := range inv {
		if err != nil {
			return nil, err
		}
		if !it.InScope {
			continue
		}
		in++
		tier := cmp.Or(string(it.Tier), "not screened")
		if it.Current == "" {
			lacking.Add(it.System)
		} else {
			assessed++
			tiers[tier]++
		}
		if in > maxSystemLines {
			lines = nil
			continue
		}
		if it.Current == "" {
			lines = append(lines, fmt.Sprintf("%s has no approved impact assessment.", it.System))
		} else {
			lines = append(lines, fmt.Sprintf("%s: impact assessment %s approved (EU AI Act tier: %s).", it.System, it.Current, tier))
		}
	}
	if in <= maxSystemLines {
		return lines, nil
	}
	var byTier []string
	for _, t := range slices.Sorted(maps.Keys(tiers)) {
		byTier = append(byTier, fmt.Sprintf("%s %d", t, tiers[t]))
	}
	line := fmt.Sprintf("%d in-scope AI systems: %d with an approved impact assessment", in, assessed)
	if assessed > 0 {
		line += " (EU AI Act tier: " + strings.Join(byTier, ", ") + ")"
	}
	line += fmt.Sprintf(", %d without", lacking.N)
	if lacking.N > 0 {
		line += " (" + lacking.Join(", ") + ")"
	}
	return []string{line + "."}, nil
}

// GapAssessment assesses maturity per clause and control from people's
// ratings and from the records: every clause whose checks all pass is
// proposed at level "defined" with what the checks found, and every
// control the approved SoA holds implemented with evidence likewise.
func (a *AIMS) GapAssessment(ctx context.Context, opts *audit.GapOptions) (*audit.GapAssessment, error) {
	var o audit.GapOptions
	if opts != nil {
		o = *opts
		o.Proposers = slices.Clone(opts.Proposers)
	}
	o.Proposers = append(o.Proposers, a.recordProposer)
	return a.gap.Assess(ctx, &o)
}

// recordProposer proposes "defined" for each clause all of whose checks
// pass, citing them, and for each control the approved SoA holds
// implemented with evidence.
func (a *AIMS) recordProposer(ctx context.Context, ws *aims.Workspace) (map[string]audit.Proposal, error) {
	type acc struct {
		ok       bool
		evidence []string
	}
	var leaves []string
	for cl := range a.cat.Clauses() {
		if !cl.Heading {
			leaves = append(leaves, cl.ID)
		}
	}
	byLeaf := map[string]*acc{}
	for _, c := range a.checks {
		ok, detail, err := c.Run(ctx, ws)
		if err != nil {
			return nil, fmt.Errorf("check %s (%s): %w", c.ID, c.Clause, err)
		}
		// A check on a heading (9.2) speaks for each of its leaves.
		for _, leaf := range leaves {
			if leaf != c.Clause && !strings.HasPrefix(leaf, c.Clause+".") {
				continue
			}
			x := byLeaf[leaf]
			if x == nil {
				x = &acc{ok: true}
				byLeaf[leaf] = x
			}
			x.ok = x.ok && ok
			x.evidence = append(x.evidence, c.Clause+" "+c.Title+": "+detail)
		}
	}
	out := map[string]audit.Proposal{}
	for leaf, x := range byLeaf {
		if x.ok {
			out[leaf] = audit.Proposal{Level: audit.MaturityDefined, Evidence: x.evidence}
		}
	}
	kept, err := a.keptEvidence(ctx)
	if err != nil {
		return nil, err
	}
	for ref, kinds := range kept {
		if strings.HasPrefix(ref, "A.") {
			out[ref] = audit.Proposal{Level: audit.MaturityDefined, Evidence: []string{"records kept: " + strings.Join(kinds, ", ")}}
		}
	}
	doc, err := a.soa.Approved(ctx)
	switch {
	case err == nil:
		for _, e := range doc.Entries {
			if e.Applicable && e.Status == soa.StatusImplemented && len(e.Evidence) > 0 {
				out[e.Control] = audit.Proposal{Level: audit.MaturityDefined,
					Evidence: []string{fmt.Sprintf("implemented with %d pieces of evidence in SoA version %d", len(e.Evidence), doc.Number)}}
			}
		}
	case !isNotFound(err):
		return nil, err
	}
	return out, nil
}
