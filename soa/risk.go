package soa

import (
	"context"
	"iter"

	"github.com/aimsgo/iso42001/risk"
)

// Risks adapts a risk register to a [Requirer]: every control chosen in the
// treatment plan of a risk that is not closed becomes a requirement whose
// source is the risk, with its inherent band as the level (the level that
// called for treatment; the current band when no inherent rating exists).
// Risks come in the register's natural id order.
func Risks(reg *risk.Register) Requirer {
	return RequirerFunc(func(ctx context.Context) iter.Seq2[Requirement, error] {
		return func(yield func(Requirement, error) bool) {
			for rk, err := range reg.List(ctx, risk.Filter{}) {
				if err != nil {
					yield(Requirement{}, err)
					return
				}
				if rk.Treatment == nil || risk.State(rk.State) == risk.StateClosed {
					continue
				}
				src := Source{Kind: SourceRisk, ID: rk.ID, Title: rk.Title, Level: riskLevel(rk)}
				for _, c := range rk.Treatment.Controls {
					if !yield(Requirement{Control: c.ID, Source: src}, nil) {
						return
					}
				}
			}
		}
	})
}

func riskLevel(rk *risk.Risk) string {
	if rk.Inherent != nil {
		return rk.Inherent.Score.Band
	}
	if cur, _ := rk.Current(); cur != nil {
		return cur.Score.Band
	}
	return ""
}
