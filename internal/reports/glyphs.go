package reports

import (
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/image/font/sfnt"
)

// glyphSet tells the characters every one of the PDF's fonts can draw.
// fpdf keeps widths for the Basic Multilingual Plane only and fails (or,
// in SplitText, panics) on a character past it, and prints nothing
// useful for one the font lacks: text from the data goes through printable
// before it reaches fpdf, so an emoji in a result reads as a replacement
// character instead of breaking the report. A glyphSet belongs to one rendering; it is not safe
// for concurrent use.
type glyphSet struct {
	fonts []*sfnt.Font
	buf   sfnt.Buffer
	known map[rune]bool
}

func newGlyphSet(ttfs ...[]byte) (*glyphSet, error) {
	g := &glyphSet{known: map[rune]bool{}}
	for i, ttf := range ttfs {
		f, err := sfnt.Parse(ttf)
		if err != nil {
			return nil, fmt.Errorf("parsing font %d: %w", i, err)
		}
		g.fonts = append(g.fonts, f)
	}
	return g, nil
}

// has reports whether every font has a glyph for r.
func (g *glyphSet) has(r rune) bool {
	if r <= 0 || r > 0xFFFF {
		return false
	}
	if ok, seen := g.known[r]; seen {
		return ok
	}
	ok := true
	for _, f := range g.fonts {
		if i, err := f.GlyphIndex(&g.buf, r); err != nil || i == 0 {
			ok = false
			break
		}
	}
	g.known[r] = ok
	return ok
}

// printable returns s with only characters the fonts draw: line breaks
// stay, tabs become spaces, other control and invisible format characters
// (soft hyphens, zero-width joiners, byte order marks) go, a space the
// fonts lack becomes a plain or a no-break space (CLDR writes French digit
// groups with the narrow no-break space U+202F, which the Go fonts do not
// have), and any other missing character becomes U+FFFD, which they have.
func (g *glyphSet) printable(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteRune(r)
		case r == '\t':
			b.WriteByte(' ')
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			// dropped: \r, NUL, escapes, invisible formatting
		case g.has(r):
			b.WriteRune(r)
		case r == '\u202F' || r == '\u2007':
			b.WriteRune('\u00A0')
		case unicode.IsSpace(r):
			b.WriteByte(' ')
		default:
			b.WriteRune('\uFFFD')
		}
	}
	return b.String()
}
