package impact

import (
	"context"
	"fmt"
	"strings"

	"github.com/aimsgo/iso42001/aims"
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
			inv, err := s.InventoryIndex(ctx)
			if err != nil {
				return false, "", err
			}
			var missing []string
			n := 0
			for _, it := range inv {
				if !it.InScope {
					continue
				}
				n++
				if it.Current == "" {
					missing = append(missing, it.System)
				}
			}
			switch {
			case n == 0:
				return false, "no AI system is in scope yet", nil
			case len(missing) > 0:
				return false, fmt.Sprintf("no approved impact assessment for %s", strings.Join(missing, ", ")), nil
			}
			return true, fmt.Sprintf("%d in-scope systems assessed", n), nil
		},
	}}
}
