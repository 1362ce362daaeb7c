package stix

import (
	"encoding/base64"
	"encoding/hex"
	"math"
	"strconv"
	"strings"
)

// objectPath: type ":" first-key ( "." key | "[" index "]" )*.
func (p *patternParser) objectPath() (ObjectPath, error) {
	p.skipSpace()
	start := p.pos
	for p.pos < len(p.src) && (isIdentChar(p.src[p.pos]) || p.src[p.pos] == '-') {
		p.pos++
	}
	typ := p.src[start:p.pos]
	if typ == "" || typ[0] >= '0' && typ[0] <= '9' || typ[0] == '-' {
		p.pos = start
		return ObjectPath{}, p.errorf("expected an object path such as ipv4-addr:value, found %s", p.found())
	}
	if !p.punct(":") {
		return ObjectPath{}, p.errorf("expected \":\" after the object type %q, found %s", typ, p.found())
	}
	first, err := p.pathKey("a property name after \"" + typ + ":\"")
	if err != nil {
		return ObjectPath{}, err
	}
	path := ObjectPath{ObjectType: typ, Steps: []PathStep{{Key: first}}}
	for {
		p.skipSpace()
		switch {
		case p.punct("."):
			key, err := p.pathKey("a property name after \".\"")
			if err != nil {
				return ObjectPath{}, err
			}
			path.Steps = append(path.Steps, PathStep{Key: key})
		case p.punct("["):
			step, err := p.indexStep()
			if err != nil {
				return ObjectPath{}, err
			}
			path.Steps = append(path.Steps, step)
		default:
			return path, nil
		}
	}
}

// pathKey reads an identifier without hyphen or a quoted key.
func (p *patternParser) pathKey(what string) (string, error) {
	p.skipSpace()
	if p.pos < len(p.src) && p.src[p.pos] == '\'' {
		return p.quoted()
	}
	start := p.pos
	for p.pos < len(p.src) && isIdentChar(p.src[p.pos]) {
		p.pos++
	}
	key := p.src[start:p.pos]
	if key == "" || key[0] >= '0' && key[0] <= '9' {
		p.pos = start
		return "", p.errorf("expected %s (quote it, as 'SHA-256', if it holds other characters than letters, digits and _), found %s", what, p.found())
	}
	if p.pos < len(p.src) && p.src[p.pos] == '-' {
		return "", p.errorf("a property name with a hyphen must be quoted: '%s-…'", key)
	}
	return key, nil
}

// indexStep reads the rest of "[n]" or "[*]".
func (p *patternParser) indexStep() (PathStep, error) {
	if p.punct("*") {
		if !p.punct("]") {
			return PathStep{}, p.errorf("expected \"]\" after [*, found %s", p.found())
		}
		return PathStep{IsIndex: true, Any: true}, nil
	}
	p.skipSpace()
	at := p.pos
	n, err := p.number()
	if err != nil || n.Kind != LitInt {
		return PathStep{}, p.errorAt(at, "expected a list index (a whole number) or * inside [ ]")
	}
	if !p.punct("]") {
		return PathStep{}, p.errorf("expected \"]\" after the list index, found %s", p.found())
	}
	return PathStep{IsIndex: true, Index: n.Int}, nil
}

// literal reads one literal at the current position (white space already
// skipped): 'string', t'timestamp', h'hex', b'base64', true, false or a
// number.
func (p *patternParser) literal() (Literal, error) {
	start := p.pos
	rest := p.src[p.pos:]
	switch {
	case strings.HasPrefix(rest, "'"):
		s, err := p.quoted()
		if err != nil {
			return Literal{}, err
		}
		return Literal{Kind: LitString, Text: p.src[start:p.pos], Str: s}, nil
	case strings.HasPrefix(rest, "t'"):
		return p.timestampLiteral()
	case strings.HasPrefix(rest, "h'"):
		return p.hexLiteral()
	case strings.HasPrefix(rest, "b'"):
		return p.binaryLiteral()
	case p.keyword("true"):
		return Literal{Kind: LitBool, Text: "true", Bool: true}, nil
	case p.keyword("false"):
		return Literal{Kind: LitBool, Text: "false"}, nil
	case rest != "" && strings.IndexByte("+-.0123456789", rest[0]) >= 0:
		return p.number()
	}
	return Literal{}, p.errorf("expected a value ('string', a number, true, false, t'…', h'…' or b'…'), found %s", p.found())
}

// quoted reads a single-quoted string whose only escapes are \' and \\.
func (p *patternParser) quoted() (string, error) {
	open := p.pos
	p.pos++ // the opening quote
	var b strings.Builder
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch c {
		case '\'':
			p.pos++
			return b.String(), nil
		case '\\':
			if p.pos+1 >= len(p.src) || (p.src[p.pos+1] != '\'' && p.src[p.pos+1] != '\\') {
				return "", p.errorf("in a string only \\' and \\\\ are escapes; write a backslash as \\\\")
			}
			b.WriteByte(p.src[p.pos+1])
			p.pos += 2
		default:
			b.WriteByte(c)
			p.pos++
		}
	}
	return "", p.errorAt(open, "the string opened here has no closing quote")
}

// prefixed reads X'…' (the prefix letter already identified) and returns the
// content between the quotes, which holds no escapes.
func (p *patternParser) prefixed() (string, int, error) {
	open := p.pos
	end := strings.IndexByte(p.src[p.pos+2:], '\'')
	if end < 0 {
		return "", open, p.errorAt(open, "the literal opened here has no closing quote")
	}
	body := p.src[p.pos+2 : p.pos+2+end]
	p.pos += 2 + end + 1
	return body, open, nil
}

func (p *patternParser) timestampLiteral() (Literal, error) {
	body, open, err := p.prefixed()
	if err != nil {
		return Literal{}, err
	}
	ts, err := ParseTimestamp(body)
	if err != nil {
		return Literal{}, p.errorAt(open, "%v", err)
	}
	return Literal{Kind: LitTimestamp, Text: p.src[open:p.pos], Time: ts}, nil
}

func (p *patternParser) hexLiteral() (Literal, error) {
	body, open, err := p.prefixed()
	if err != nil {
		return Literal{}, err
	}
	b, err := hex.DecodeString(body)
	if err != nil {
		return Literal{}, p.errorAt(open, "h'…' holds pairs of hexadecimal digits")
	}
	return Literal{Kind: LitHex, Text: p.src[open:p.pos], Bytes: b}, nil
}

func (p *patternParser) binaryLiteral() (Literal, error) {
	body, open, err := p.prefixed()
	if err != nil {
		return Literal{}, err
	}
	b, err := base64.StdEncoding.Strict().DecodeString(body)
	if err != nil || body == "" {
		return Literal{}, p.errorAt(open, "b'…' holds base64 with its = padding")
	}
	return Literal{Kind: LitBinary, Text: p.src[open:p.pos], Bytes: b}, nil
}

// number reads an integer ('+'? or '-' then 0 or a digit string without
// leading zero) or a float ([+-]? digits* "." digits+).
func (p *patternParser) number() (Literal, error) {
	start := p.pos
	if p.pos < len(p.src) && (p.src[p.pos] == '+' || p.src[p.pos] == '-') {
		p.pos++
	}
	digits := p.pos
	for p.pos < len(p.src) && p.src[p.pos] >= '0' && p.src[p.pos] <= '9' {
		p.pos++
	}
	intPart := p.src[digits:p.pos]
	if p.pos < len(p.src) && p.src[p.pos] == '.' {
		p.pos++
		frac := p.pos
		for p.pos < len(p.src) && p.src[p.pos] >= '0' && p.src[p.pos] <= '9' {
			p.pos++
		}
		if p.pos == frac {
			return Literal{}, p.errorAt(start, "a number needs digits after its \".\"")
		}
		text := p.src[start:p.pos]
		f, err := strconv.ParseFloat(strings.TrimPrefix(text, "+"), 64)
		if err != nil || math.IsInf(f, 0) {
			return Literal{}, p.errorAt(start, "%s is not a usable number", text)
		}
		return Literal{Kind: LitFloat, Text: text, Float: f}, nil
	}
	text := p.src[start:p.pos]
	if intPart == "" {
		p.pos = start
		return Literal{}, p.errorf("expected a number, found %s", p.found())
	}
	if len(intPart) > 1 && intPart[0] == '0' {
		return Literal{}, p.errorAt(start, "%s: a whole number has no leading zero", text)
	}
	n, err := strconv.ParseInt(strings.TrimPrefix(text, "+"), 10, 64)
	if err != nil {
		return Literal{}, p.errorAt(start, "%s is too large a whole number", text)
	}
	return Literal{Kind: LitInt, Text: text, Int: n}, nil
}
