//go:build !unix

package lifecycle_test

import "time"

// cpuTime is not measured here; benchmarks report 0 cpu-ns/card.
func cpuTime() time.Duration { return 0 }
