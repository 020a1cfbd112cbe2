// Package firstfew keeps the first few items of a list too long to build,
// and counts them all, so that a check failing a million records names
// five and says how many more.
package firstfew

import (
	"fmt"
	"strings"
)

// Shown is how many items a detail names before counting the rest.
const Shown = 5

// List counts every item and keeps the first [Shown]. The zero value is
// an empty list.
type List struct {
	Items []string
	N     int
}

// Keep counts one more item and reports whether the caller should append
// it to l.Items (it is one of the first [Shown]); the caller builds the
// item's text only then.
func (l *List) Keep() bool {
	l.N++
	return len(l.Items) < Shown
}

// Add counts item and keeps it when it is one of the first [Shown].
func (l *List) Add(item string) {
	if l.Keep() {
		l.Items = append(l.Items, item)
	}
}

// Join joins the kept items with sep and adds " and N more" for the
// items counted but not kept.
func (l *List) Join(sep string) string {
	if l.N <= len(l.Items) {
		return strings.Join(l.Items, sep)
	}
	return fmt.Sprintf("%s and %d more", strings.Join(l.Items, sep), l.N-len(l.Items))
}

// Count returns "1 noun" or "n nouns" (a plain s plural: the nouns the
// checks and reports count, change, control, review, take it).
func Count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
