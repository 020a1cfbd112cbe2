package aims_test

import (
	"context"
	"testing"

	"github.com/aimsgo/iso42001/aims"
)

func TestCached(t *testing.T) {
	t.Parallel()
	type key struct{ n int }
	loads := 0
	load := func() (int, error) { loads++; return loads, nil }
	ctx := aims.WithRunCache(t.Context())
	for range 3 {
		if v, err := aims.Cached(ctx, key{1}, load); err != nil || v != 1 {
			t.Fatalf("Cached = %d, %v; want the first load's 1", v, err)
		}
	}
	if v, _ := aims.Cached(ctx, key{2}, load); v != 2 {
		t.Errorf("another key shares the first one's value: %d", v)
	}
	if aims.WithRunCache(ctx) != ctx {
		t.Error("a nested WithRunCache starts a second cache")
	}
	before := loads
	for range 2 {
		if _, err := aims.Cached(context.Background(), key{1}, load); err != nil {
			t.Fatal(err)
		}
	}
	if loads != before+2 {
		t.Errorf("without a run cache, load ran %d times for 2 calls", loads-before)
	}
}
