package stix

import (
	"strconv"
	"strings"
)

// Pattern is a parsed STIX pattern (STIX 2.1 section 9). Root is the
// observation expression; String writes the pattern back in a canonical form.
type Pattern struct {
	Root ObservationExpr
}

// ObservationExpr is one node of the observation level: an *Observation
// ([…]), an *ObservationOp (AND, OR, FOLLOWEDBY) or a *Qualified expression.
type ObservationExpr interface {
	observationExpr()
	writeTo(b *strings.Builder)
}

// Observation is "[ comparison-expression ]": what must hold of one
// observed object.
type Observation struct {
	Expr ComparisonExpr
}

// ObservationOp joins two observation expressions with "AND", "OR" or
// "FOLLOWEDBY".
type ObservationOp struct {
	Op          string
	Left, Right ObservationExpr
}

// Qualified is an observation expression followed by one qualifier.
type Qualified struct {
	Expr      ObservationExpr
	Qualifier Qualifier
}

// Qualifier kinds.
const (
	QualifierWithin  = "WITHIN"
	QualifierRepeats = "REPEATS"
	QualifierStart   = "START"
)

// Qualifier is WITHIN n SECONDS, REPEATS n TIMES or START t'…' STOP t'…'.
type Qualifier struct {
	Kind        string  // QualifierWithin, QualifierRepeats or QualifierStart
	Seconds     Literal // WITHIN: a positive int or float literal
	Times       int64   // REPEATS
	Start, Stop Literal // START/STOP: timestamp literals
}

// ComparisonExpr is one node inside "[ ]": a *Comparison, an *Exists or a
// *ComparisonOp.
type ComparisonExpr interface {
	comparisonExpr()
	writeTo(b *strings.Builder)
}

// ComparisonOp joins two comparison expressions with "AND" or "OR".
type ComparisonOp struct {
	Op          string
	Left, Right ComparisonExpr
}

// Comparison operators, as Comparison.Op holds them ("==" is read as "=",
// "<>" as "!=").
const (
	OpEqual      = "="
	OpNotEqual   = "!="
	OpGreater    = ">"
	OpLess       = "<"
	OpGreaterEq  = ">="
	OpLessEq     = "<="
	OpIn         = "IN"
	OpLike       = "LIKE"
	OpMatches    = "MATCHES"
	OpIsSubset   = "ISSUBSET"
	OpIsSuperset = "ISSUPERSET"
)

// Comparison is "path [NOT] op value": Values holds the one literal, or the
// set of an IN comparison.
type Comparison struct {
	Path    ObjectPath
	Negated bool
	Op      string
	Values  []Literal
}

// Exists is "EXISTS path".
type Exists struct {
	Path ObjectPath
}

// ObjectPath is "type:property.sub[0].'quoted key'".
type ObjectPath struct {
	ObjectType string
	Steps      []PathStep // the first step is always a key
}

// PathStep is one step of an object path: a key, a list index, or "[*]".
type PathStep struct {
	Key     string // the property name, unquoted, when IsIndex is false
	IsIndex bool   // a list step: [Index] or [*]
	Index   int64  // the list index when IsIndex and not Any
	Any     bool   // [*]
}

// LiteralKind says which kind of literal a Literal is.
type LiteralKind int

// Literal kinds of the patterning language.
const (
	LitString LiteralKind = iota + 1
	LitInt
	LitFloat
	LitBool
	LitTimestamp
	LitHex
	LitBinary
)

// Literal is one constant of a pattern. Text is the literal as written
// (with quotes and prefix); Str the decoded string for LitString; Int, Float,
// Bool, Time and Bytes the decoded value of the other kinds.
type Literal struct {
	Kind  LiteralKind
	Text  string
	Str   string
	Int   int64
	Float float64
	Bool  bool
	Time  Timestamp
	Bytes []byte
}

func (*Observation) observationExpr()   {}
func (*ObservationOp) observationExpr() {}
func (*Qualified) observationExpr()     {}
func (*Comparison) comparisonExpr()     {}
func (*Exists) comparisonExpr()         {}
func (*ComparisonOp) comparisonExpr()   {}

// String writes the pattern in a canonical form: single spaces, "=" and "!="
// for the equality operators, parentheses where precedence needs them and
// wherever the source grouped operations, literals as written.
func (p *Pattern) String() string {
	var b strings.Builder
	p.Root.writeTo(&b)
	return b.String()
}

func (o *Observation) writeTo(b *strings.Builder) {
	b.WriteByte('[')
	o.Expr.writeTo(b)
	b.WriteByte(']')
}

func (o *ObservationOp) writeTo(b *strings.Builder) {
	writeObservationOperand(b, o.Left, o.Op)
	b.WriteString(" " + o.Op + " ")
	writeObservationOperand(b, o.Right, "")
}

// writeObservationOperand parenthesises a nested operation so that the
// written pattern keeps the tree's grouping whatever the operators; a left
// operand with the same operator needs none, the operators being
// left-associative.
func writeObservationOperand(b *strings.Builder, e ObservationExpr, parentOp string) {
	if op, ok := e.(*ObservationOp); ok && op.Op != parentOp {
		b.WriteByte('(')
		e.writeTo(b)
		b.WriteByte(')')
		return
	}
	e.writeTo(b)
}

func (q *Qualified) writeTo(b *strings.Builder) {
	writeObservationOperand(b, q.Expr, "")
	b.WriteByte(' ')
	switch q.Qualifier.Kind {
	case QualifierWithin:
		b.WriteString("WITHIN " + q.Qualifier.Seconds.Text + " SECONDS")
	case QualifierRepeats:
		b.WriteString("REPEATS " + strconv.FormatInt(q.Qualifier.Times, 10) + " TIMES")
	case QualifierStart:
		b.WriteString("START " + q.Qualifier.Start.Text + " STOP " + q.Qualifier.Stop.Text)
	}
}

func (c *ComparisonOp) writeTo(b *strings.Builder) {
	writeComparisonOperand(b, c.Left, c.Op)
	b.WriteString(" " + c.Op + " ")
	writeComparisonOperand(b, c.Right, "")
}

func writeComparisonOperand(b *strings.Builder, e ComparisonExpr, parentOp string) {
	if op, ok := e.(*ComparisonOp); ok && op.Op != parentOp {
		b.WriteByte('(')
		e.writeTo(b)
		b.WriteByte(')')
		return
	}
	e.writeTo(b)
}

func (c *Comparison) writeTo(b *strings.Builder) {
	b.WriteString(c.Path.String())
	if c.Negated {
		b.WriteString(" NOT")
	}
	b.WriteString(" " + c.Op + " ")
	if c.Op == OpIn {
		b.WriteByte('(')
		for i, v := range c.Values {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(v.Text)
		}
		b.WriteByte(')')
		return
	}
	if len(c.Values) > 0 {
		b.WriteString(c.Values[0].Text)
	}
}

func (e *Exists) writeTo(b *strings.Builder) {
	b.WriteString("EXISTS " + e.Path.String())
}

// String writes the path as a pattern does: "file:hashes.'SHA-256'".
func (p ObjectPath) String() string {
	return p.ObjectType + ":" + p.Property()
}

// Property writes the path without its object type: "hashes.'SHA-256'",
// "extensions.'windows-pebinary-ext'.sections[*].entropy". Keys that are not
// plain identifiers are quoted.
func (p ObjectPath) Property() string {
	var b strings.Builder
	for i, s := range p.Steps {
		switch {
		case !s.IsIndex:
			if i > 0 {
				b.WriteByte('.')
			}
			b.WriteString(pathKey(s.Key))
		case s.Any:
			b.WriteString("[*]")
		default:
			b.WriteString("[" + strconv.FormatInt(s.Index, 10) + "]")
		}
	}
	return b.String()
}

// pathKey writes one key of an object path: bare when it is an identifier
// without hyphen, else quoted as a string literal.
func pathKey(k string) string {
	if isPlainIdentifier(k) {
		return k
	}
	return QuoteString(k)
}

// isPlainIdentifier reports whether s matches [a-zA-Z_][a-zA-Z0-9_]*.
func isPlainIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// QuoteString writes s as a pattern string literal: single quotes, with
// "\" and "'" escaped by a backslash (the only escapes the language has).
func QuoteString(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('\'')
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' || s[i] == '\'' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	b.WriteByte('\'')
	return b.String()
}

// StringLiteral returns a string Literal for s, as a constructor of
// patterns needs it.
func StringLiteral(s string) Literal {
	return Literal{Kind: LitString, Text: QuoteString(s), Str: s}
}
