//go:build !unix

package iso42001_test

import "time"

// cpuTime is unknown here; cpu-ns/op then reads 0.
func cpuTime() time.Duration { return 0 }
