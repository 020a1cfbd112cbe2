package risk

import (
	"bytes"
	"fmt"
	"github.com/aimsgo/iso42001/internal/mdtext"
	"io"
	"strings"
)

// Heatmap counts risks per likelihood x consequence cell, before
// (inherent) and after (residual) treatment. A rating is placed by the
// likelihood and consequence levels of its score, else of its
// assessment. A rating with neither (a weighted, quantitative or a
// caller's own score, such as a FAIR-like one) is not on the matrix: it
// is counted apart, per band, and the renderings list it on a line of
// its own under the matrix, so every assessed risk is counted once.
type Heatmap struct {
	// Likelihood and Consequence are the scales' labels, lowest first.
	Likelihood  []string
	Consequence []string
	// Bands names the band of each cell: Bands[l-1][c-1].
	Bands [][]string
	// BandNames are the criteria's band names, lowest first.
	BandNames []string
	// Colors is each band's color, by band name.
	Colors map[string]string
	// Inherent and Residual count risks per cell: [l-1][c-1].
	Inherent [][]int
	Residual [][]int
	// UnplacedInherent and UnplacedResidual count ratings that have no
	// likelihood and consequence levels.
	UnplacedInherent int
	UnplacedResidual int
	// UnplacedInherentBands and UnplacedResidualBands split those counts
	// by the rating's band: [level-1], one element per band of the
	// criteria. A rating whose band the criteria no longer have is in
	// the total only.
	UnplacedInherentBands []int
	UnplacedResidualBands []int
}

// defaultColors are the heatmap colors of bands without one, lowest first;
// the last repeats for further bands.
var defaultColors = [...]string{"#2e7d32", "#9e9d24", "#f9a825", "#ef6c00", "#c62828", "#6a1b9a"}

// Heatmap counts the report's risks per cell. Closed risks are left out.
func (rep *Report) Heatmap() (Heatmap, error) {
	c, err := rep.criteria()
	if err != nil {
		return Heatmap{}, err
	}
	h := Heatmap{Colors: map[string]string{}}
	for l := 1; l <= c.n; l++ {
		h.Likelihood = append(h.Likelihood, c.LikelihoodLabel(l))
	}
	for k := 1; k <= c.m; k++ {
		h.Consequence = append(h.Consequence, c.ConsequenceLabel(k))
	}
	for i, b := range c.spec.Bands {
		col := b.Color
		if col == "" {
			col = defaultColors[min(i, len(defaultColors)-1)]
		}
		h.Colors[b.Name] = col
		h.BandNames = append(h.BandNames, b.Name)
	}
	h.Bands, h.Inherent, h.Residual = make([][]string, c.n), grid(c.n, c.m), grid(c.n, c.m)
	for l := range c.n {
		h.Bands[l] = make([]string, c.m)
		for k := range c.m {
			h.Bands[l][k] = c.Band(c.Cell(l+1, k+1)).Name
		}
	}
	h.UnplacedInherentBands, h.UnplacedResidualBands = make([]int, c.Bands()), make([]int, c.Bands())
	place := func(g *Rating, counts [][]int, unplaced *int, bands []int) {
		if g == nil {
			return
		}
		l, k := g.Score.levels()
		if l == 0 && k == 0 {
			l, k = g.Assessment.Likelihood, g.Assessment.Consequence
		}
		if l < 1 || l > c.n || k < 1 || k > c.m {
			*unplaced++
			if lvl := c.Level(g.Score.Band); lvl > 0 {
				bands[lvl-1]++
			}
			return
		}
		counts[l-1][k-1]++
	}
	for _, rr := range rep.Risks {
		if State(rr.State) == StateClosed {
			continue
		}
		place(rr.Inherent, h.Inherent, &h.UnplacedInherent, h.UnplacedInherentBands)
		place(rr.Residual, h.Residual, &h.UnplacedResidual, h.UnplacedResidualBands)
	}
	return h, nil
}

// bandCounts lists the non-zero counts by band, lowest band first, such
// as "medium 1, critical 2"; "unknown band" when none is known.
func (h *Heatmap) bandCounts(counts []int) string {
	var parts []string
	for i, n := range counts {
		if n > 0 && i < len(h.BandNames) {
			parts = append(parts, fmt.Sprintf("%s %d", h.BandNames[i], n))
		}
	}
	if len(parts) == 0 {
		return "unknown band"
	}
	return strings.Join(parts, ", ")
}

func grid(n, m int) [][]int {
	g := make([][]int, n)
	for i := range g {
		g[i] = make([]int, m)
	}
	return g
}

// WriteHeatmapMarkdown writes the heatmap as two Markdown tables (inherent,
// residual), likelihood rows from highest to lowest, each cell "band: n".
func (rep *Report) WriteHeatmapMarkdown(w io.Writer) error {
	h, err := rep.Heatmap()
	if err != nil {
		return err
	}
	var b bytes.Buffer
	b.WriteString("# AI risk heatmap\n")
	for _, panel := range []struct {
		title    string
		counts   [][]int
		unplaced int
		bands    []int
	}{{"Inherent risk", h.Inherent, h.UnplacedInherent, h.UnplacedInherentBands}, {"Residual risk", h.Residual, h.UnplacedResidual, h.UnplacedResidualBands}} {
		fmt.Fprintf(&b, "\n## %s\n\n| likelihood \\ consequence |", panel.title)
		for _, c := range h.Consequence {
			fmt.Fprintf(&b, " %s |", mdtext.Escape(c))
		}
		b.WriteString("\n|---|")
		b.WriteString(strings.Repeat("---|", len(h.Consequence)))
		b.WriteByte('\n')
		for l := len(h.Likelihood) - 1; l >= 0; l-- {
			fmt.Fprintf(&b, "| %s |", mdtext.Escape(h.Likelihood[l]))
			for k := range h.Consequence {
				fmt.Fprintf(&b, " %s: %d |", mdtext.Escape(h.Bands[l][k]), panel.counts[l][k])
			}
			b.WriteByte('\n')
		}
		if panel.unplaced > 0 {
			fmt.Fprintf(&b, "\nNot on the matrix: %d rated without likelihood and consequence levels (%s).\n", panel.unplaced, mdtext.Escape(h.bandCounts(panel.bands)))
		}
	}
	_, err = w.Write(b.Bytes())
	return err
}

// SVG layout, in pixels.
const (
	svgCell   = 56
	svgLeft   = 150 // room for likelihood labels
	svgTop    = 56  // room for the panel title
	svgBottom = 70  // room for consequence labels
	svgGap    = 40
)

// WriteHeatmapSVG writes the heatmap as a self-contained SVG image: two
// panels (inherent, residual), cells colored by band and labelled with
// their count. The output has no external references, escapes every
// label and is byte-identical for the same report.
func (rep *Report) WriteHeatmapSVG(w io.Writer) error {
	h, err := rep.Heatmap()
	if err != nil {
		return err
	}
	n, m := len(h.Likelihood), len(h.Consequence)
	panelW := svgLeft + m*svgCell
	width := 2*panelW + svgGap + 20
	height := svgTop + n*svgCell + svgBottom
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n", width, height, width, height)
	b.WriteString("<title>AI risk heatmap</title>\n")
	fmt.Fprintf(&b, `<rect x="0" y="0" width="%d" height="%d" fill="#ffffff"/>`+"\n", width, height)
	for p, panel := range []struct {
		title    string
		counts   [][]int
		unplaced int
		bands    []int
	}{{"Inherent risk", h.Inherent, h.UnplacedInherent, h.UnplacedInherentBands}, {"Residual risk", h.Residual, h.UnplacedResidual, h.UnplacedResidualBands}} {
		x0 := 10 + p*(panelW+svgGap)
		fmt.Fprintf(&b, `<g id="%s">`+"\n", strings.ToLower(strings.Fields(panel.title)[0]))
		fmt.Fprintf(&b, `<text x="%d" y="24" font-size="16" font-weight="bold">%s</text>`+"\n", x0, xmlEscape(panel.title))
		for row := range n {
			l := n - 1 - row // highest likelihood on top
			y := svgTop + row*svgCell
			fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" dominant-baseline="middle">%s</text>`+"\n",
				x0+svgLeft-8, y+svgCell/2, xmlEscape(h.Likelihood[l]))
			for k := range m {
				x := x0 + svgLeft + k*svgCell
				band := h.Bands[l][k]
				count := panel.counts[l][k]
				fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s" stroke="#ffffff" stroke-width="2"><title>%s x %s: %s, %d</title></rect>`+"\n",
					x, y, svgCell, svgCell, h.Colors[band], xmlEscape(h.Likelihood[l]), xmlEscape(h.Consequence[k]), xmlEscape(band), count)
				if count > 0 {
					fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" dominant-baseline="middle" font-size="16" font-weight="bold" fill="#ffffff">%d</text>`+"\n",
						x+svgCell/2, y+svgCell/2, count)
				}
			}
		}
		yb := svgTop + n*svgCell
		for k := range m {
			x := x0 + svgLeft + k*svgCell + svgCell/2
			fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" transform="rotate(-35 %d %d)">%s</text>`+"\n",
				x, yb+14, x, yb+14, xmlEscape(h.Consequence[k]))
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="11" fill="#555555">likelihood (rows) x consequence (columns)`, x0, height-8)
		if panel.unplaced > 0 {
			fmt.Fprintf(&b, "; not on the matrix: %d (%s)", panel.unplaced, xmlEscape(h.bandCounts(panel.bands)))
		}
		b.WriteString("</text>\n</g>\n")
	}
	b.WriteString("</svg>\n")
	_, err = w.Write(b.Bytes())
	return err
}

// xmlEscape escapes text for SVG element content and attribute values.
func xmlEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&quot;")
		case '\'':
			b.WriteString("&apos;")
		default:
			if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0xfffe || r == 0xffff {
				b.WriteRune('\uFFFD')
				continue
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}
