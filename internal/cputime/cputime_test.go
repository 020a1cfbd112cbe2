package cputime

import (
	"runtime"
	"testing"
)

// Work done shows in Now on the systems that can tell.
func TestNowCountsWork(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" || runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		t.Skip("no process CPU time here")
	}
	start := Now()
	x := 0
	for i := 0; i < 50_000_000; i++ {
		x ^= i * 31
	}
	if Now() <= start {
		t.Errorf("CPU time did not move over a busy loop (%d)", x)
	}
}
