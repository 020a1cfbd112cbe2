package firstfew

import (
	"fmt"
	"testing"
)

func TestList(t *testing.T) {
	var l List
	if got := l.Join(", "); got != "" || l.N != 0 {
		t.Errorf("empty list joins to %q with N %d", got, l.N)
	}
	for i := range 5 {
		l.Add(fmt.Sprint(i))
	}
	if got := l.Join(", "); got != "0, 1, 2, 3, 4" {
		t.Errorf("five items join to %q", got)
	}
	for i := range 7 {
		if l.Keep() {
			t.Errorf("item %d kept past the first five", 5+i)
		}
	}
	if got := l.Join("; "); got != "0; 1; 2; 3; 4 and 7 more" || l.N != 12 {
		t.Errorf("twelve items join to %q with N %d", got, l.N)
	}
}

func TestCount(t *testing.T) {
	for n, want := range map[int]string{0: "0 changes", 1: "1 change", 2: "2 changes"} {
		if got := Count(n, "change"); got != want {
			t.Errorf("Count(%d) = %q, want %q", n, got, want)
		}
	}
}
