package audit

import (
	"testing"
	"time"

	"github.com/aimsgo/iso42001/aims"
)

// TestEvidenceSince: a new cycle's Plan and Do still see the last complete
// cycle's evidence; its Check and Act ask for its own.
func TestEvidenceSince(t *testing.T) {
	t.Parallel()
	prev := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	cur := time.Date(2027, 1, 5, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		phase aims.Phase
		prev  time.Time
		want  time.Time
	}{
		{aims.PhasePlan, prev, prev},
		{aims.PhaseDo, prev, prev},
		{aims.PhaseCheck, prev, cur},
		{aims.PhaseAct, prev, cur},
		{aims.PhasePlan, time.Time{}, cur}, // cycle 1
	} {
		c := &aims.Cycle{Meta: aims.Meta{State: string(tc.phase)}, Started: cur, PreviousStarted: tc.prev}
		if got := evidenceSince(c); !got.Equal(tc.want) {
			t.Errorf("phase %s, previous %v: evidence since %v, want %v", tc.phase, tc.prev, got, tc.want)
		}
	}
}
