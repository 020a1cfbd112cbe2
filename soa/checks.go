package soa

import (
	"context"
	"errors"
	"fmt"

	"github.com/aimsgo/iso42001/aims"
)

// Checks returns the SoA's readiness check for the PDCA gate from Plan to
// Do: an approved Statement of Applicability (6.1.3 d). Register it in the
// [aims.Checks] the [aims.PDCA] uses.
func (s *Service) Checks() []aims.Check {
	return []aims.Check{{
		ID:     "soa-approved",
		Clause: "6.1.3",
		Title:  "Statement of Applicability approved",
		Gate:   aims.GatePlanToDo,
		Run: func(ctx context.Context, _ *aims.Workspace) (bool, string, error) {
			doc, err := s.Approved(ctx)
			if errors.Is(err, aims.ErrNotFound) {
				return false, "no SoA version is approved yet", nil
			}
			if err != nil {
				return false, "", err
			}
			return true, fmt.Sprintf("version %d approved by %s", doc.Number, doc.ApprovedBy), nil
		},
	}}
}
