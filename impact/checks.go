package impact

import (
	"context"
	"fmt"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/internal/firstfew"
)

// Checks returns the impact assessment's readiness check for the PDCA gate
// from Plan to Do: every AI system in scope has an approved impact
// assessment (6.1.4, 8.4). Register it in the [aims.Checks] the
// [aims.PDCA] uses.
func (s *Service) Checks() []aims.Check {
	return []aims.Check{{
		ID:     "impact-assessed",
		Clause: "6.1.4",
		Title:  "AI system impact assessments approved",
		Gate:   aims.GatePlanToDo,
		Run: func(ctx context.Context, _ *aims.Workspace) (bool, string, error) {
			systems, err := s.readSystems(ctx)
			if err != nil {
				return false, "", err
			}
			rows, err := s.readIndex(ctx)
			if err != nil {
				return false, "", err
			}
			approved := map[string]bool{}
			for i := range rows {
				if rows[i].state == StateApproved {
					approved[rows[i].system] = true
				}
			}
			var missing firstfew.List
			n := 0
			for _, sys := range systems {
				if !sys.InScope {
					continue
				}
				n++
				if !approved[sys.ID] {
					missing.Add(sys.ID)
				}
			}
			switch {
			case n == 0:
				return false, "no AI system is in scope yet", nil
			case missing.N > 0:
				return false, "no approved impact assessment for " + missing.Join(", "), nil
			}
			return true, fmt.Sprintf("%d in-scope systems assessed", n), nil
		},
	}}
}
