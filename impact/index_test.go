package impact

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/aimsgo/iso42001/aims"
)

// indexed projects Inventory's items onto what InventoryIndex fills.
func indexed(inv []InventoryItem) []InventoryItem {
	out := make([]InventoryItem, len(inv))
	for i, it := range inv {
		out[i] = InventoryItem{System: it.System, InScope: it.InScope, Current: it.Current, Tier: it.Tier,
			ApprovedAt: it.ApprovedAt, Pending: it.Pending, PendingState: it.PendingState}
	}
	return out
}

func unnamed(due []DueItem) []DueItem {
	out := make([]DueItem, len(due))
	for i, d := range due {
		d.Name = ""
		out[i] = d
	}
	return out
}

var instants = cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })

// compareIndexReads checks InventoryIndex and DueIndex against Inventory
// and Due at each of the times.
func compareIndexReads(t *testing.T, f *fixture, times ...time.Time) {
	t.Helper()
	ctx := t.Context()
	inv := must[[]InventoryItem](t)(f.svc.Inventory(ctx))
	got := must[[]InventoryItem](t)(f.svc.InventoryIndex(ctx))
	if d := cmp.Diff(indexed(inv), got, instants); d != "" {
		t.Errorf("InventoryIndex differs from Inventory (-inventory +index):\n%s", d)
	}
	for _, now := range times {
		due := must[[]DueItem](t)(f.svc.Due(ctx, now))
		gotDue := must[[]DueItem](t)(f.svc.DueIndex(ctx, now))
		if d := cmp.Diff(unnamed(due), gotDue, cmpopts.EquateEmpty()); d != "" {
			t.Errorf("DueIndex(%s) differs from Due (-due +index):\n%s", now, d)
		}
	}
}

func TestIndexReads(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	systems := aims.AISystems(f.ws)
	for _, s := range []*aims.AISystem{
		{Meta: aims.Meta{ID: "chatbot"}, Name: "Support chatbot", InScope: true},
		{Meta: aims.Meta{ID: "lab-toy"}, Name: "Lab experiment"},
		{Meta: aims.Meta{ID: "sys-10"}, Name: "Ten", InScope: true},
		{Meta: aims.Meta{ID: "sys-9"}, Name: "Nine", InScope: true},
	} {
		if err := systems.Create(ctx, admin, s); err != nil {
			t.Fatal(err)
		}
	}
	a := f.draft(t)
	must[*Assessment](t)(f.svc.Submit(ctx, alice, a.ID))
	must[[]RiskLink](t)(f.svc.Link(ctx, alice, a.ID))
	a = must[*Assessment](t)(f.svc.Approve(ctx, bob, a.ID))
	// A second draft of the same system, pending beside the approved one.
	b := f.draft(t)
	compareIndexReads(t, f, t0.Add(24*time.Hour), t0.AddDate(1, 0, 1))

	inv := must[[]InventoryItem](t)(f.svc.InventoryIndex(ctx))
	var ids []string
	for _, it := range inv {
		ids = append(ids, it.System)
	}
	if d := cmp.Diff([]string{"chatbot", "credit-model", "lab-toy", "sys-9", "sys-10"}, ids); d != "" {
		t.Errorf("InventoryIndex order (-want +got):\n%s", d)
	}
	if it := inv[1]; it.Current != a.ID || it.Pending != b.ID || it.PendingState != StateDraft {
		t.Errorf("credit-model item = %+v; want current %s, pending %s (draft)", it, a.ID, b.ID)
	}

	// Assessments written before the attribute set existed: only
	// "system", "tier" and "state". They are decoded, with the same reads.
	for _, id := range []string{a.ID, b.ID} {
		rec, err := f.ws.Store().Get(ctx, f.ws.Tenant(), KindAssessment, id)
		if err != nil {
			t.Fatal(err)
		}
		if rec.Attrs[AttrIndex] != IndexVersion || rec.Attrs[AttrCreated] == "" {
			t.Fatalf("assessment %s written with attributes %v; want %s and %s", id, rec.Attrs, AttrIndex, AttrCreated)
		}
		old := map[string]string{}
		for _, k := range []string{"system", "tier", "state"} {
			if v, ok := rec.Attrs[k]; ok {
				old[k] = v
			}
		}
		rec.Attrs = old
		if _, err := f.ws.Store().Put(ctx, f.ws.Tenant(), rec, rec.Version); err != nil {
			t.Fatal(err)
		}
	}
	compareIndexReads(t, f, t0.Add(24*time.Hour), t0.AddDate(1, 0, 1))
}
