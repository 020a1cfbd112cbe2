package iso42001

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/goccy/go-yaml"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/audit"
	"github.com/aimsgo/iso42001/internal/natsort"
	"github.com/aimsgo/iso42001/risk"
	"github.com/aimsgo/iso42001/soa"
)

// Export writes the workspace as a manifest: every record of the kinds a
// manifest declares, in natural order of id within each list; of each
// document its latest revision (withdrawn ones left out); open risks (not
// closed ones); the risk criteria if the workspace keeps its own. Applying
// the export to an empty workspace and exporting that gives the same
// manifest, byte for byte once encoded with [EncodeManifest].
func (a *AIMS) Export(ctx context.Context) (*Manifest, error) {
	m := &Manifest{APIVersion: ManifestAPIVersion, Kind: ManifestKind}
	org, err := aims.Organisations(a.ws).Get(ctx, aims.OrganisationID)
	switch {
	case errors.Is(err, aims.ErrNotFound):
	case err != nil:
		return nil, err
	default:
		if err := recastInto(org, &m.Organisation); err != nil {
			return nil, err
		}
	}
	if m.ContextIssues, err = exportAll[IssueSpec](ctx, aims.ContextIssues(a.ws)); err != nil {
		return nil, err
	}
	if m.InterestedParties, err = exportAll[PartySpec](ctx, aims.InterestedParties(a.ws)); err != nil {
		return nil, err
	}
	if m.AISystems, err = exportAll[SystemSpec](ctx, aims.AISystems(a.ws)); err != nil {
		return nil, err
	}
	scope, err := aims.Scopes(a.ws).Get(ctx, aims.ScopeID)
	switch {
	case errors.Is(err, aims.ErrNotFound):
	case err != nil:
		return nil, err
	default:
		if m.Scope, err = recast[ScopeSpec](scope); err != nil {
			return nil, err
		}
	}
	if m.Roles, err = exportAll[RoleSpec](ctx, aims.RoleAssignments(a.ws)); err != nil {
		return nil, err
	}
	docs, err := a.latestRevisions(ctx)
	if err != nil {
		return nil, err
	}
	for _, number := range sortedIDs(docs) {
		d := docs[number]
		if aims.DocState(d.State) == aims.DocWithdrawn {
			continue
		}
		s, err := docSpec(d)
		if err != nil {
			return nil, err
		}
		m.Documents = append(m.Documents, *s)
	}
	if m.Objectives, err = exportAll[ObjectiveSpec](ctx, aims.Objectives(a.ws)); err != nil {
		return nil, err
	}
	crit, err := risk.LoadCriteria(ctx, a.ws)
	switch {
	case errors.Is(err, aims.ErrNotFound):
	case err != nil:
		return nil, err
	default:
		spec := crit.Spec()
		m.RiskCriteria = &spec
	}
	risks, err := exportAll[RiskSpec](ctx, a.risks.Collection())
	if err != nil {
		return nil, err
	}
	for _, r := range risks {
		if rk, err := a.risks.Get(ctx, r.ID); err != nil {
			return nil, err
		} else if risk.State(rk.State) != risk.StateClosed {
			m.Risks = append(m.Risks, r)
		}
	}
	var s SoASpec
	for d, err := range a.soa.Decisions(ctx) {
		if err != nil {
			return nil, err
		}
		s.Decisions = append(s.Decisions, DecisionSpec{Control: d.Decision.Control, Choice: d.Decision.Choice, Reason: d.Decision.Reason})
	}
	slices.SortFunc(s.Decisions, func(x, y DecisionSpec) int { return natsort.Compare(x.Control, y.Control) })
	for o, err := range a.soa.Obligations(ctx) {
		if err != nil {
			return nil, err
		}
		s.Obligations = append(s.Obligations, o.Obligation)
	}
	slices.SortFunc(s.Obligations, func(x, y soa.Obligation) int { return natsort.Compare(x.ID, y.ID) })
	approved, err := a.soa.Approved(ctx)
	switch {
	case errors.Is(err, aims.ErrNotFound):
	case err != nil:
		return nil, err
	default:
		s.Approval = &SoAApprovalSpec{Author: approved.Author, Approver: approved.ApprovedBy}
	}
	if len(s.Decisions)+len(s.Obligations) > 0 || s.Approval != nil {
		m.SoA = &s
	}
	if m.Metrics, err = exportAll[MetricSpec](ctx, aims.NewCollection[audit.Metric](a.ws, audit.KindMetric, 1)); err != nil {
		return nil, err
	}
	if m.AuditProgrammes, err = exportAll[ProgrammeSpec](ctx, aims.NewCollection[audit.Programme](a.ws, audit.KindProgramme, 1)); err != nil {
		return nil, err
	}
	if err := a.exportRecords(ctx, m); err != nil {
		return nil, err
	}
	if err := a.exportLifecycle(ctx, m); err != nil {
		return nil, err
	}
	return m, nil
}

// exportAll returns the manifest entries of every record of col, in
// natural order of id.
func exportAll[S any, T any, P aims.Doc[T]](ctx context.Context, col *aims.Collection[T, P]) ([]S, error) {
	type item struct {
		id   string
		spec S
	}
	var items []item
	for rec, err := range col.List(ctx, nil) {
		if err != nil {
			return nil, err
		}
		s, err := recast[S](rec)
		if err != nil {
			return nil, err
		}
		items = append(items, item{rec.Header().ID, *s})
	}
	slices.SortFunc(items, func(x, y item) int { return natsort.Compare(x.id, y.id) })
	out := make([]S, len(items))
	for i, it := range items {
		out[i] = it.spec
	}
	return out, nil
}

// EncodeManifest writes m as canonical YAML: fields in the order of the
// Go types, empty ones left out, times in RFC 3339 UTC, two-space
// indentation. schema, if not empty, is written first as a
// "# yaml-language-server: $schema=<schema>" comment, so that editors
// complete and check the file. The same manifest always encodes to the
// same bytes.
func EncodeManifest(w io.Writer, m *Manifest, schema string) error {
	b, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("iso42001: encode manifest: %w", err)
	}
	var v any
	if err := yaml.UnmarshalWithOptions(b, &v, yaml.UseOrderedMap()); err != nil {
		return fmt.Errorf("iso42001: encode manifest: %w", err)
	}
	out, err := yaml.MarshalWithOptions(v, yaml.Indent(2), yaml.IndentSequence(true), yaml.UseLiteralStyleIfMultiline(true))
	if err != nil {
		return fmt.Errorf("iso42001: encode manifest: %w", err)
	}
	var buf bytes.Buffer
	if schema != "" {
		fmt.Fprintf(&buf, "# yaml-language-server: $schema=%s\n", schema)
	}
	buf.Write(out)
	_, err = w.Write(buf.Bytes())
	return err
}
