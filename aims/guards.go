package aims

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
)

// Reference says that a record of kind From names a record of kind To by
// its id, at Path in its JSON document: field names separated by dots,
// "[]" after a name whose value is a list ("impacts[].risk",
// "inputs.audits[]"). [Collection.Delete] refuses to delete a record that
// another names, so that no record is left pointing at nothing.
type Reference struct {
	From string `json:"from"`
	Path string `json:"path"`
	To   string `json:"to"`
}

// References returns the references between the SDK's record kinds that
// [Collection.Delete] checks, beside the AI system guard of [AISystems]:
//
//   - a risk an impact assessment's impact or mitigation names;
//   - an objective a metric names, a metric a measurement names;
//   - an audit a finding or a management review names, a nonconformity a
//     finding opened, a finding, incident, measurement or management
//     review a nonconformity's source names (conservatively: an id of
//     another kind that happens to be equal also holds the delete back);
//   - an interested party a scope requirement or an obligation names;
//   - a management review a planned change carries out (6.3).
//
// The kinds are those of the packages risk, impact, audit, soa and
// lifecycle, named
// here as data so that the kernel imports none of them. A product adds
// its own with [Collection.GuardDelete].
func References() []Reference {
	return []Reference{
		{From: "impact-assessment", Path: "impacts[].risk", To: "risk"},
		{From: "impact-assessment", Path: "impacts[].mitigations[].risks[]", To: "risk"},
		{From: "metric", Path: "objective", To: KindObjective},
		{From: "measurement", Path: "metric", To: "metric"},
		{From: "audit-finding", Path: "audit", To: "audit"},
		{From: "management-review", Path: "inputs.audits[]", To: "audit"},
		{From: "audit-finding", Path: "nonconformity", To: "nonconformity"},
		{From: "nonconformity", Path: "sourceRef", To: "audit-finding"},
		{From: "nonconformity", Path: "sourceRef", To: "impact-incident"},
		{From: "nonconformity", Path: "sourceRef", To: "measurement"},
		{From: "nonconformity", Path: "sourceRef", To: "management-review"},
		{From: KindScope, Path: "requirements[].party", To: KindInterestedParty},
		{From: "obligation", Path: "party", To: KindInterestedParty},
		{From: "change", Path: "review", To: "management-review"},
	}
}

// referenced returns an error matching [ErrInvalid] naming a record that
// refers to the record of kind and id by one of refs, or nil.
func referenced(ctx context.Context, ws *Workspace, refs []Reference, kind, id string) error {
	for _, r := range refs {
		if r.To != kind || r.From == "" {
			continue
		}
		path := strings.Split(r.Path, ".")
		q := Query{Kind: r.From, Limit: MaxPageSize}
		for {
			page, err := ws.store.List(ctx, ws.tenant, q)
			if err != nil {
				return err
			}
			for _, rec := range page.Records {
				var doc any
				if err := json.Unmarshal(rec.Data, &doc); err != nil {
					return E("decode", rec.Kind, rec.ID, fmt.Errorf("stored document is corrupt: %w", err))
				}
				if namesID(doc, path, id) {
					return Invalid("id", fmt.Sprintf("%s %q is referred to by %s %s (%s): close or retire it instead of deleting it, which keeps its history", kind, id, r.From, rec.ID, r.Path))
				}
			}
			if page.Next == "" {
				break
			}
			q.After = page.Next
		}
	}
	return nil
}

// namesID reports whether v holds id at path.
func namesID(v any, path []string, id string) bool {
	if len(path) == 0 {
		s, ok := v.(string)
		return ok && s == id
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return false
	}
	name, list := strings.CutSuffix(path[0], "[]")
	next := obj[name]
	if !list {
		return namesID(next, path[1:], id)
	}
	items, _ := next.([]any)
	for _, it := range items {
		if namesID(it, path[1:], id) {
			return true
		}
	}
	return false
}
