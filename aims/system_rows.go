package aims

import (
	"context"

	"github.com/aimsgo/iso42001/internal/natsort"
)

// SystemRow is an AI system as whole-inventory reads need it, read from
// its indexed attributes ([AISystem.Attributes]) without decoding it.
type SystemRow struct {
	ID      string
	InScope bool
	// Stage is the recorded life cycle stage; "" when none is.
	Stage LifecycleStage
	// Sources are the names of its data sources. Indexed is false for a
	// system written before the index held them: decode it to know.
	Sources []string
	Indexed bool
}

// systemRowsKey is the workspace key of the inventory's projection.
type systemRowsKey struct{}

// SystemRows returns every AI system of the inventory in natural order of
// id, from the workspace's projection of their indexed attributes (see
// [Project]): the inventory check (4.3), the impact checks and the life
// cycle checks read it, and a read after a few writes re-reads only the
// systems they changed. The slice is shared: callers must not modify it.
func SystemRows(ctx context.Context, ws *Workspace) ([]SystemRow, error) {
	return Project(ctx, ws, systemRowsKey{}, Projection[SystemRow]{
		Kind:    KindAISystem,
		Attrs:   []string{"inScope", "stage", AttrSystemSources, AttrSystemIndex},
		Compare: natsort.Compare,
		Row: func(_ context.Context, row Row) (SystemRow, bool, error) {
			s := SystemRow{ID: row.ID, InScope: row.Values[0] == "true", Stage: LifecycleStage(row.Values[1]),
				Indexed: row.Values[3] == SystemIndexVersion}
			var err error
			if s.Sources, err = SplitAttr(row.Values[2]); err != nil {
				s.Sources, s.Indexed = nil, false // not what this build writes: decode it
			}
			return s, true, nil
		},
	})
}
