package impact

import (
	"context"
	"fmt"
	"iter"

	"github.com/aimsgo/iso42001/soa"
)

// Requirements returns the Statement of Applicability requirements of one
// assessment: one per control of each mitigation, with a source of kind
// "impact" that names the assessment, the impact and its band, so that
// the SoA's justification can cite the impact assessment.
func Requirements(a *Assessment) []soa.Requirement {
	var out []soa.Requirement
	for _, im := range a.Impacts {
		level := ""
		if im.Score != nil {
			level = im.Score.Band
		}
		for _, m := range im.Mitigations {
			for _, c := range m.Controls {
				out = append(out, soa.Requirement{Control: c, Source: soa.Source{
					Kind:   soa.SourceImpact,
					ID:     a.ID,
					Title:  im.Title,
					Level:  level,
					Detail: fmt.Sprintf("impact %s (%s) in the impact assessment of %s", im.ID, im.Dimension, a.System),
				}})
			}
		}
	}
	return out
}

// Requirements yields the SoA requirements of every approved assessment
// (superseded ones no longer count), so that a [Service] is a
// soa.Requirer. It stops after yielding an error.
func (s *Service) Requirements(ctx context.Context) iter.Seq2[soa.Requirement, error] {
	return func(yield func(soa.Requirement, error) bool) {
		for a, err := range s.assessments.List(ctx, map[string]string{"state": string(StateApproved)}) {
			if err != nil {
				yield(soa.Requirement{}, err)
				return
			}
			for _, r := range Requirements(a) {
				if !yield(r, nil) {
					return
				}
			}
		}
	}
}

var _ soa.Requirer = (*Service)(nil)
