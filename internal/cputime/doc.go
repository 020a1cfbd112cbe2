// Package cputime reads the process's CPU time, so that benchmarks on a
// shared, busy machine can report the work they did (user plus system
// CPU) beside the wall time that other processes' load distorts.
package cputime
