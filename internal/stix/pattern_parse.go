package stix

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// PatternError says where a pattern stops making sense and what was
// expected there. Offset is a byte offset into the pattern; Error reports it
// as a 1-based column counted in characters.
type PatternError struct {
	Offset  int
	Column  int
	Message string
}

// Error says where and what: "column 9: expected …".
func (e *PatternError) Error() string {
	return fmt.Sprintf("column %d: %s", e.Column, e.Message)
}

// maxPatternDepth bounds the nesting of parentheses and brackets so that a
// hostile pattern cannot exhaust the stack.
const maxPatternDepth = 100

// patternParser is a recursive-descent parser over the pattern text. It
// reads characters directly rather than a token stream because the
// language's tokens depend on context ("." in a path, a float after an
// operator).
type patternParser struct {
	src   string
	pos   int
	depth int
}

// ParsePattern parses a STIX 2.1 pattern. The error is a *PatternError
// saying what was expected and at which column.
func ParsePattern(s string) (*Pattern, error) {
	p := &patternParser{src: s}
	p.skipSpace()
	if p.pos == len(p.src) {
		return nil, p.errorf("the pattern is empty: expected an observation such as [ipv4-addr:value = '198.51.100.1']")
	}
	root, err := p.observationExprs()
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.pos < len(p.src) {
		return nil, p.errorf("expected AND, OR, FOLLOWEDBY, a qualifier or the end of the pattern, found %s", p.found())
	}
	return &Pattern{Root: root}, nil
}

// errorf builds a *PatternError at the current position.
func (p *patternParser) errorf(format string, args ...any) *PatternError {
	return p.errorAt(p.pos, format, args...)
}

func (p *patternParser) errorAt(pos int, format string, args ...any) *PatternError {
	return &PatternError{
		Offset:  pos,
		Column:  utf8.RuneCountInString(p.src[:pos]) + 1,
		Message: fmt.Sprintf(format, args...),
	}
}

// found describes what is at the current position, for messages: the next
// word, cut at 20 characters.
func (p *patternParser) found() string {
	if p.pos >= len(p.src) {
		return "the end of the pattern"
	}
	rest := p.src[p.pos:]
	end, n := 0, 0
	for end < len(rest) && n < 20 {
		r, size := utf8.DecodeRuneInString(rest[end:])
		if unicode.IsSpace(r) && end > 0 {
			return fmt.Sprintf("%q", rest[:end])
		}
		end += size
		n++
	}
	if end < len(rest) {
		return fmt.Sprintf("%q…", rest[:end])
	}
	return fmt.Sprintf("%q", rest[:end])
}

// enter and leave track nesting depth.
func (p *patternParser) enter() error {
	p.depth++
	if p.depth > maxPatternDepth {
		return p.errorf("nested more than %d levels deep", maxPatternDepth)
	}
	return nil
}

func (p *patternParser) leave() { p.depth-- }

// skipSpace skips white space (the grammar's set, Unicode spaces included)
// and /* */ and // comments.
func (p *patternParser) skipSpace() {
	for p.pos < len(p.src) {
		r, size := utf8.DecodeRuneInString(p.src[p.pos:])
		switch {
		case unicode.IsSpace(r) || r == '\u00a0' || r == '\u200b':
			p.pos += size
		case strings.HasPrefix(p.src[p.pos:], "/*"):
			end := strings.Index(p.src[p.pos+2:], "*/")
			if end < 0 {
				p.pos = len(p.src)
				return
			}
			p.pos += end + 4
		case strings.HasPrefix(p.src[p.pos:], "//"):
			end := strings.IndexAny(p.src[p.pos:], "\r\n")
			if end < 0 {
				p.pos = len(p.src)
				return
			}
			p.pos += end
		default:
			return
		}
	}
}

// keyword consumes kw when it is the next word (after white space).
func (p *patternParser) keyword(kw string) bool {
	p.skipSpace()
	if !strings.HasPrefix(p.src[p.pos:], kw) {
		return false
	}
	end := p.pos + len(kw)
	if end < len(p.src) && isIdentChar(p.src[end]) {
		return false
	}
	p.pos = end
	return true
}

// punct consumes the punctuation s when it comes next.
func (p *patternParser) punct(s string) bool {
	p.skipSpace()
	if strings.HasPrefix(p.src[p.pos:], s) {
		p.pos += len(s)
		return true
	}
	return false
}

func isIdentChar(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// observationExprs: obsOr (FOLLOWEDBY obsOr)*, left-associative.
func (p *patternParser) observationExprs() (ObservationExpr, error) {
	return p.observationChain("FOLLOWEDBY", p.observationOr)
}

func (p *patternParser) observationOr() (ObservationExpr, error) {
	return p.observationChain("OR", p.observationAnd)
}

func (p *patternParser) observationAnd() (ObservationExpr, error) {
	return p.observationChain("AND", p.qualifiedObservation)
}

// observationChain parses next (op next)* into a left-leaning tree.
func (p *patternParser) observationChain(op string, next func() (ObservationExpr, error)) (ObservationExpr, error) {
	return chain(p, op, next, func(l, r ObservationExpr) ObservationExpr { return &ObservationOp{Op: op, Left: l, Right: r} })
}

// chain parses next (op next)* and joins the operands left to right, for
// both levels of the grammar (observations and comparisons).
func chain[E any](p *patternParser, op string, next func() (E, error), join func(l, r E) E) (E, error) {
	var zero E
	left, err := next()
	if err != nil {
		return zero, err
	}
	for p.keyword(op) {
		right, err := next()
		if err != nil {
			return zero, err
		}
		left = join(left, right)
	}
	return left, nil
}

// qualifiedObservation: ( "[" comparison "]" | "(" observationExprs ")" )
// followed by any number of qualifiers.
func (p *patternParser) qualifiedObservation() (ObservationExpr, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	var expr ObservationExpr
	start := p.pos
	switch {
	case p.punct("["):
		cmp, err := p.comparisonOr()
		if err != nil {
			return nil, err
		}
		if !p.punct("]") {
			return nil, p.errorf("expected AND, OR or \"]\" to close the observation opened at column %d, found %s",
				utf8.RuneCountInString(p.src[:start])+1, p.found())
		}
		expr = &Observation{Expr: cmp}
	case p.punct("("):
		inner, err := p.observationExprs()
		if err != nil {
			return nil, err
		}
		if !p.punct(")") {
			return nil, p.errorf("expected AND, OR, FOLLOWEDBY, a qualifier or \")\", found %s", p.found())
		}
		expr = inner
	default:
		return nil, p.errorf("expected \"[\" to start an observation or \"(\", found %s", p.found())
	}
	for {
		q, ok, err := p.qualifier()
		if err != nil {
			return nil, err
		}
		if !ok {
			return expr, nil
		}
		expr = &Qualified{Expr: expr, Qualifier: q}
	}
}

// qualifier parses WITHIN, REPEATS or START…STOP when one comes next.
func (p *patternParser) qualifier() (Qualifier, bool, error) {
	switch {
	case p.keyword("WITHIN"):
		p.skipSpace()
		at := p.pos
		n, err := p.number()
		if err != nil {
			return Qualifier{}, false, err
		}
		if n.Kind == LitInt && n.Int <= 0 || n.Kind == LitFloat && !(n.Float > 0) {
			return Qualifier{}, false, p.errorAt(at, "WITHIN needs a positive number of seconds, found %s", n.Text)
		}
		if !p.keyword("SECONDS") {
			return Qualifier{}, false, p.errorf("expected SECONDS after WITHIN %s, found %s", n.Text, p.found())
		}
		return Qualifier{Kind: QualifierWithin, Seconds: n}, true, nil
	case p.keyword("REPEATS"):
		p.skipSpace()
		at := p.pos
		n, err := p.number()
		if err != nil {
			return Qualifier{}, false, err
		}
		if n.Kind != LitInt || n.Int <= 0 {
			return Qualifier{}, false, p.errorAt(at, "REPEATS needs a positive whole number, found %s", n.Text)
		}
		if !p.keyword("TIMES") {
			return Qualifier{}, false, p.errorf("expected TIMES after REPEATS %s, found %s", n.Text, p.found())
		}
		return Qualifier{Kind: QualifierRepeats, Times: n.Int}, true, nil
	case p.keyword("START"):
		return p.startStop()
	}
	return Qualifier{}, false, nil
}

// startStop parses the rest of START t'…' STOP t'…'.
func (p *patternParser) startStop() (Qualifier, bool, error) {
	start, err := p.timestampOperand("START")
	if err != nil {
		return Qualifier{}, false, err
	}
	if !p.keyword("STOP") {
		return Qualifier{}, false, p.errorf("expected STOP after START %s, found %s", start.Text, p.found())
	}
	p.skipSpace()
	stopAt := p.pos
	stop, err := p.timestampOperand("STOP")
	if err != nil {
		return Qualifier{}, false, err
	}
	if !start.Time.Time.Before(stop.Time.Time) {
		return Qualifier{}, false, p.errorAt(stopAt, "STOP %s must be later than START %s", stop.Text, start.Text)
	}
	return Qualifier{Kind: QualifierStart, Start: start, Stop: stop}, true, nil
}

func (p *patternParser) timestampOperand(after string) (Literal, error) {
	p.skipSpace()
	if !strings.HasPrefix(p.src[p.pos:], "t'") {
		return Literal{}, p.errorf("expected a timestamp t'YYYY-MM-DDTHH:MM:SSZ' after %s, found %s", after, p.found())
	}
	return p.literal()
}

// comparisonOr: comparisonAnd (OR comparisonAnd)*.
func (p *patternParser) comparisonOr() (ComparisonExpr, error) {
	return p.comparisonChain("OR", p.comparisonAnd)
}

func (p *patternParser) comparisonAnd() (ComparisonExpr, error) {
	return p.comparisonChain("AND", p.propTest)
}

func (p *patternParser) comparisonChain(op string, next func() (ComparisonExpr, error)) (ComparisonExpr, error) {
	return chain(p, op, next, func(l, r ComparisonExpr) ComparisonExpr { return &ComparisonOp{Op: op, Left: l, Right: r} })
}

// propTest: "(" comparisonOr ")" | EXISTS path | path [NOT] op literal.
func (p *patternParser) propTest() (ComparisonExpr, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	if p.punct("(") {
		inner, err := p.comparisonOr()
		if err != nil {
			return nil, err
		}
		if !p.punct(")") {
			return nil, p.errorf("expected AND, OR or \")\", found %s", p.found())
		}
		return inner, nil
	}
	if p.keyword("EXISTS") {
		path, err := p.objectPath()
		if err != nil {
			return nil, err
		}
		return &Exists{Path: path}, nil
	}
	path, err := p.objectPath()
	if err != nil {
		return nil, err
	}
	c := &Comparison{Path: path, Negated: p.keyword("NOT")}
	c.Op = p.operator()
	if c.Op == "" {
		return nil, p.errorf("expected a comparison operator (=, !=, <, >, <=, >=, IN, LIKE, MATCHES, ISSUBSET, ISSUPERSET) after %s, found %s",
			path.String(), p.found())
	}
	c.Values, err = p.operands(c.Op)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// operator consumes a comparison operator and returns it in canonical form.
func (p *patternParser) operator() string {
	p.skipSpace()
	for _, op := range [...]struct{ text, canon string }{
		{"==", OpEqual}, {"!=", OpNotEqual}, {"<>", OpNotEqual}, {"<=", OpLessEq}, {">=", OpGreaterEq},
		{"=", OpEqual}, {"<", OpLess}, {">", OpGreater},
	} {
		if p.punct(op.text) {
			return op.canon
		}
	}
	for _, kw := range [...]string{OpIn, OpLike, OpMatches, OpIsSubset, OpIsSuperset} {
		if p.keyword(kw) {
			return kw
		}
	}
	return ""
}

// operands reads what an operator compares with: a set for IN, a string for
// LIKE, MATCHES, ISSUBSET and ISSUPERSET, an orderable literal for < > <= >=,
// any literal for = and !=.
func (p *patternParser) operands(op string) ([]Literal, error) {
	if op == OpIn {
		return p.set()
	}
	p.skipSpace()
	at := p.pos
	lit, err := p.literal()
	if err != nil {
		return nil, err
	}
	switch op {
	case OpLike, OpMatches, OpIsSubset, OpIsSuperset:
		if lit.Kind != LitString {
			return nil, p.errorAt(at, "%s compares with a string in single quotes, found %s", op, lit.Text)
		}
	case OpLess, OpGreater, OpLessEq, OpGreaterEq:
		if lit.Kind == LitBool {
			return nil, p.errorAt(at, "%s cannot compare with a boolean", op)
		}
	}
	return []Literal{lit}, nil
}

// set parses "(" [literal ("," literal)*] ")".
func (p *patternParser) set() ([]Literal, error) {
	if !p.punct("(") {
		return nil, p.errorf("expected \"(\" to start the set after IN, found %s", p.found())
	}
	var out []Literal
	if p.punct(")") {
		return out, nil
	}
	for {
		p.skipSpace()
		lit, err := p.literal()
		if err != nil {
			return nil, err
		}
		out = append(out, lit)
		if p.punct(")") {
			return out, nil
		}
		if !p.punct(",") {
			return nil, p.errorf("expected \",\" or \")\" in the set, found %s", p.found())
		}
	}
}
