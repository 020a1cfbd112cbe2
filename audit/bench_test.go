package audit_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/audit"
)

// seed fills a workspace with about n records: a tenth nonconformities,
// the rest measurements of ten metrics, plus a completed audit and a held
// review.
func seed(b *testing.B, n int) *aims.Workspace {
	b.Helper()
	ws, _ := newWS(b)
	ctx := context.Background()
	check(b, aims.Objectives(ws).Create(ctx, "mgr", &aims.Objective{Meta: aims.Meta{ID: "obj"}, Title: "o", Responsible: "mgr"}))
	ms := audit.NewMetrics(ws)
	for i := range 10 {
		check(b, ms.Add(ctx, "mgr", &audit.Metric{Meta: aims.Meta{ID: fmt.Sprintf("m-%d", i)}, Title: "m", Objective: "obj", Method: "x",
			FrequencyDays: 30, Target: 1, Direction: aims.AtLeast, MeasuredBy: "dev", EvaluatedBy: "mgr"}))
	}
	ncs := audit.NewNonconformities(ws)
	for i := range n / 10 {
		check(b, ncs.Open(ctx, "aud1", &audit.Nonconformity{Type: audit.TypeNonconformity, Severity: audit.SeverityMinor, Title: "t", Source: audit.SourceMonitoring, Owner: "dev"}))
		_ = i
	}
	for i := range n - n/10 {
		check(b, ms.Record(ctx, "dev", &audit.Measurement{Metric: fmt.Sprintf("m-%d", i%10), Value: float64(i), At: t0.Add(time.Duration(i) * time.Minute), Evidence: "e"}))
	}
	return ws
}

func BenchmarkBaselineScan(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			ws := seed(b, n)
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				for _, kind := range []string{audit.KindMeasurement, audit.KindNonconformity} {
					q := aims.Query{Kind: kind, Limit: aims.MaxPageSize}
					for {
						p, err := ws.Store().List(ctx, ws.Tenant(), q)
						if err != nil {
							b.Fatal(err)
						}
						if p.Next == "" {
							break
						}
						q.After = p.Next
					}
				}
			}
		})
	}
}

func BenchmarkReadiness(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			ws := seed(b, n)
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := audit.Readiness(ctx, ws, audit.Stage2); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkGap(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			ws := seed(b, n)
			ctx := context.Background()
			g := audit.NewGap(ws, nil)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := g.Assess(ctx, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
