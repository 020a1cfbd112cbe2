// Package natsort compares identifiers in natural order, so that A.2.2 sorts
// before A.10.2 and 9.3.3 before 10.1: runs of digits compare by numeric
// value, everything else byte by byte.
package natsort

// Compare returns -1, 0 or +1 as a sorts before, equal to or after b in
// natural order. It does not allocate. Digit runs compare by value (leading
// zeros are ignored, then the shorter run of equal value sorts first, so the
// order is total and consistent with equality).
func Compare(a, b string) int {
	// Skip the common prefix (ids of one register share most of it),
	// backing up to the start of a digit run it ends in: what comes
	// before compares equal, byte for byte and run for run.
	p, n := 0, min(len(a), len(b))
	for p < n && a[p] == b[p] {
		p++
	}
	if p == len(a) && p == len(b) {
		return 0
	}
	for p > 0 && isDigit(a[p-1]) {
		p--
	}
	i, j := p, p
	for i < len(a) && j < len(b) {
		ca, cb := a[i], b[j]
		if isDigit(ca) && isDigit(cb) {
			si, sj := i, j
			for i < len(a) && isDigit(a[i]) {
				i++
			}
			for j < len(b) && isDigit(b[j]) {
				j++
			}
			if c := compareDigits(a[si:i], b[sj:j]); c != 0 {
				return c
			}
			continue
		}
		if ca != cb {
			if ca < cb {
				return -1
			}
			return 1
		}
		i++
		j++
	}
	switch {
	case len(a)-i < len(b)-j:
		return -1
	case len(a)-i > len(b)-j:
		return 1
	}
	return 0
}

// Less reports whether a sorts before b in natural order.
func Less(a, b string) bool { return Compare(a, b) < 0 }

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func compareDigits(x, y string) int {
	tx, ty := trimZeros(x), trimZeros(y)
	if len(tx) != len(ty) {
		if len(tx) < len(ty) {
			return -1
		}
		return 1
	}
	for k := 0; k < len(tx); k++ {
		if tx[k] != ty[k] {
			if tx[k] < ty[k] {
				return -1
			}
			return 1
		}
	}
	// Equal value: fewer leading zeros first, so Compare is 0 only for equal strings.
	switch {
	case len(x) < len(y):
		return -1
	case len(x) > len(y):
		return 1
	}
	return 0
}

func trimZeros(s string) string {
	for len(s) > 1 && s[0] == '0' {
		s = s[1:]
	}
	return s
}
