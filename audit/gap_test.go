package audit_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/audit"
)

func TestGapAssessment(t *testing.T) {
	t.Parallel()
	ws, _ := newWS(t)
	ctx := t.Context()
	check(t, aims.Scopes(ws).Create(ctx, "mgr", &aims.Scope{Meta: aims.Meta{ID: aims.ScopeID}, Statement: "credit scoring"}))
	approveDoc(t, ws, "ai-policy", "AI policy", aims.DocPolicy, true, "5.2")
	runAudit(t, ws)
	g := audit.NewGap(ws, nil)
	check(t, g.Set(ctx, "mgr", "7.2", audit.MaturityInitial, []string{"training matrix incomplete"}))
	check(t, g.Set(ctx, "mgr", "7.2", audit.MaturityManaged, []string{"training matrix complete for AI team"}))
	wantErr(t, g.Set(ctx, "mgr", "99.1", 1, nil), aims.ErrInvalid)
	wantErr(t, g.Set(ctx, "mgr", "8.1", 9, nil), aims.ErrInvalid)
	soa := audit.Proposer(func(context.Context, *aims.Workspace) (map[string]audit.Proposal, error) {
		return map[string]audit.Proposal{"6.1.3": {Level: audit.MaturityDefined, Evidence: []string{"SoA v1 approved"}}}, nil
	})
	a := must[*audit.GapAssessment](t)(g.Assess(ctx, &audit.GapOptions{Risk: map[string]int{"6.1.2": 5, "4.1": 1}, Proposers: []audit.Proposer{soa}}))
	levels := map[string]audit.GapItem{}
	for _, it := range a.Items {
		levels[it.Ref] = it
	}
	for _, tc := range []struct {
		ref    string
		level  audit.Maturity
		source string
	}{
		{"4.3", audit.MaturityManaged, "records"},
		{"5.2", audit.MaturityDefined, "records"},
		{"6.1.3", audit.MaturityDefined, "records"},
		{"7.2", audit.MaturityManaged, "person"},
		{"8.1", audit.MaturityMeasured, "records"},
		{"9.2.1", audit.MaturityDefined, "records"},
		{"A.6.2.8", audit.MaturityMeasured, "records"},
		{"A.6.2.7", audit.MaturityMeasured, "records"},
		{"A.2.2", audit.MaturityNone, "none"},
	} {
		if got := levels[tc.ref]; got.Level != tc.level || got.Source != tc.source {
			t.Errorf("%s: level %d from %s, want %d from %s", tc.ref, got.Level, got.Source, tc.level, tc.source)
		}
	}
	if len(a.Items) != 32+38 {
		t.Errorf("%d items, want 70", len(a.Items))
	}
	pos := map[string]int{}
	for i, s := range a.Roadmap {
		pos[s.Ref] = i
		for _, n := range s.Needs {
			if p, ok := pos[n]; !ok || p > i {
				t.Errorf("roadmap: %s comes before what it needs, %s", s.Ref, n)
			}
		}
	}
	if a.Roadmap[0].Ref != "4.1" || a.Roadmap[0].Wave != 1 {
		t.Errorf("first step %+v, want 4.1 in wave 1", a.Roadmap[0])
	}
	if _, ok := pos["8.1"]; ok {
		t.Error("8.1 is at target but on the roadmap")
	}
	var md, js, svg bytes.Buffer
	check(t, a.WriteMarkdown(&md))
	check(t, a.WriteJSON(&js))
	check(t, a.WriteSVG(&svg))
	golden(t, "gap.md", md.Bytes())
	golden(t, "gap.json", js.Bytes())
	golden(t, "gap.svg", svg.Bytes())
	var back audit.GapAssessment
	check(t, json.Unmarshal(js.Bytes(), &back))
	if diff := cmp.Diff(a, &back); diff != "" {
		t.Errorf("JSON round trip (-want +got):\n%s", diff)
	}
	again := must[*audit.GapAssessment](t)(g.Assess(ctx, &audit.GapOptions{Risk: map[string]int{"6.1.2": 5, "4.1": 1}, Proposers: []audit.Proposer{soa}}))
	var svg2 bytes.Buffer
	check(t, again.WriteSVG(&svg2))
	if !bytes.Equal(svg.Bytes(), svg2.Bytes()) {
		t.Error("SVG is not deterministic")
	}
	_, err := g.Assess(ctx, &audit.GapOptions{Target: 7})
	wantErr(t, err, aims.ErrInvalid)
}

func TestRoadmapOrder(t *testing.T) {
	t.Parallel()
	ws, _ := newWS(t)
	g := audit.NewGap(ws, nil)
	a := must[*audit.GapAssessment](t)(g.Assess(t.Context(), &audit.GapOptions{Target: 1,
		Risk: map[string]int{"4.2": 3, "5.2": 9}, Effort: map[string]int{"4.1": 5, "7.3": 0}}))
	waves := map[int][]audit.RoadmapStep{}
	for i, s := range a.Roadmap {
		waves[s.Wave] = append(waves[s.Wave], s)
		if i == 0 {
			continue
		}
		p := a.Roadmap[i-1]
		if p.Wave > s.Wave || (p.Wave == s.Wave && (p.Risk < s.Risk || (p.Risk == s.Risk && p.Effort > s.Effort))) {
			t.Errorf("roadmap out of order at %d: %+v before %+v", i, p, s)
		}
	}
	// 5.2 needs 4.3, which needs 4.1 and 4.2 (4.2 needs 4.1): wave 4,
	// and its risk puts it first there.
	if w := waves[4]; len(w) == 0 || w[0].Ref != "5.2" {
		t.Errorf("wave 4 = %+v, want 5.2 first", w)
	}
	// 4.1's effort of 5 puts it last in wave 1.
	if w := waves[1]; w[len(w)-1].Ref != "4.1" {
		t.Errorf("wave 1 ends with %s, want 4.1", w[len(w)-1].Ref)
	}
}
