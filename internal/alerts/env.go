package alerts

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/cost"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/interpreter"

	"atalaya/internal/event"
	"atalaya/internal/feeds"
	"atalaya/internal/valid"
)

// A rule sees every harmonisation field of the event as a variable of that
// name (source.ip, classification.type ...), the extra fields as the map
// extra, and how the delivery was decided as delivery.by, delivery.key and
// delivery.repeats. Unset fields have the zero value of their type ("" for
// text, 0 for numbers, the zero timestamp), as in event.Event, so
// `source.fqdn.endsWith(".gov.uy")` is simply false for an event without a
// domain. An evaluation error (a key missing from extra, a bad conversion)
// counts as no match.
const (
	varExtra   = "extra"
	varBy      = "delivery.by"
	varKey     = "delivery.key"
	varRepeats = "delivery.repeats"
)

// fieldTypes gives the CEL type of the fields that are not text.
var fieldTypes = map[string]*cel.Type{
	"time.source":      cel.TimestampType,
	"time.observation": cel.TimestampType,
	"feed.accuracy":    cel.DoubleType,
	"source.port":      cel.IntType,
	"source.asn":       cel.IntType,
	"destination.port": cel.IntType,
	"destination.asn":  cel.IntType,
}

const (
	// maxExprLen bounds a rule's text; rules are conditions, not programs.
	maxExprLen = 4096
	// costLimit bounds a rule's worst case in CEL's cost units (about one
	// per operation, more for string scans), estimated when the rule is
	// saved over the largest event (see sizes): a rule that could stall
	// delivery for every team is refused then. Checking at save time
	// rather than tracking cost at each evaluation keeps Deliver four times
	// cheaper (the runtime tracker allocates on every evaluation).
	costLimit = 100_000
	// The sizes the estimate assumes: event text is at most 4096 bytes and
	// raw 65536 (event.Set enforces both); extra is taken to have at most
	// 256 fields.
	maxTextSize  = 4096
	maxRawSize   = 65536
	maxExtraSize = 256
)

// newEnv declares the variables rules may use. The environment is
// immutable and shared by every compilation.
func newEnv() (*cel.Env, error) {
	opts := make([]cel.EnvOption, 0, len(event.Fields())+4)
	for _, name := range event.Fields() {
		t, ok := fieldTypes[name]
		if !ok {
			t = cel.StringType
		}
		opts = append(opts, cel.Variable(name, t))
	}
	opts = append(opts,
		cel.Variable(varExtra, cel.MapType(cel.StringType, cel.StringType)),
		cel.Variable(varBy, cel.StringType),
		cel.Variable(varKey, cel.StringType),
		cel.Variable(varRepeats, cel.IntType),
	)
	env, err := cel.NewEnv(opts...)
	if err != nil {
		return nil, fmt.Errorf("alerts: building the rule environment: %w", err)
	}
	return env, nil
}

// compile turns a rule's text into a program, or a *valid.Error on field
// "expr" saying what is wrong and where.
func compile(env *cel.Env, expr string) (cel.Program, error) {
	if strings.TrimSpace(expr) == "" {
		return nil, valid.New("expr", "alert_rule_expr_required", "A rule needs a condition.", nil)
	}
	if len(expr) > maxExprLen || !utf8.ValidString(expr) {
		return nil, valid.New("expr", "alert_rule_expr_long",
			fmt.Sprintf("A condition must be UTF-8 text of at most %d bytes.", maxExprLen),
			map[string]any{"Max": maxExprLen})
	}
	ast, iss := env.Compile(expr)
	if iss.Err() != nil {
		first := iss.Errors()[0]
		line, col := first.Location.Line(), first.Location.Column()+1
		return nil, valid.New("expr", "alert_rule_expr",
			fmt.Sprintf("line %d, column %d: %s", line, col, first.Message),
			map[string]any{"Line": line, "Column": col, "Message": first.Message})
	}
	if !ast.OutputType().IsExactType(cel.BoolType) {
		return nil, valid.New("expr", "alert_rule_not_bool",
			fmt.Sprintf("A condition must be true or false; this one gives a %s.", cel.FormatCELType(ast.OutputType())),
			map[string]any{"Type": cel.FormatCELType(ast.OutputType())})
	}
	est, err := env.EstimateCost(ast, sizes{})
	if err != nil || est.Max > costLimit {
		return nil, valid.New("expr", "alert_rule_cost",
			fmt.Sprintf("This condition could take too long on a large event (cost up to %d, at most %d): simplify it.", est.Max, costLimit),
			map[string]any{"Cost": est.Max, "Max": costLimit})
	}
	prg, err := env.Program(ast, cel.EvalOptions(cel.OptOptimize))
	if err != nil {
		// Optimisation evaluates constant parts: a bad constant regular
		// expression fails here.
		return nil, valid.New("expr", "alert_rule_expr",
			"line 1, column 1: "+err.Error(),
			map[string]any{"Line": 1, "Column": 1, "Message": err.Error()})
	}
	return prg, nil
}

// sizes tells CEL's cost estimator how large the variables can be.
type sizes struct{}

func (sizes) EstimateCallCost(string, string, *cost.AstNode, []cost.AstNode) *cost.CallEstimate {
	return nil
}

func (sizes) EstimateSize(n cost.AstNode) *cost.SizeEstimate {
	p := n.Path()
	if len(p) == 0 {
		return nil
	}
	size := cost.FixedSizeEstimate(maxTextSize)
	switch {
	case p[0] == "raw":
		size = cost.FixedSizeEstimate(maxRawSize)
	case p[0] == varExtra && len(p) == 1:
		size = cost.FixedSizeEstimate(maxExtraSize)
	}
	return &size
}

// errNotBool is an evaluation that gave something else than a boolean
// (cannot happen for a checked rule, kept as a guard).
var errNotBool = errors.New("rule did not give a boolean")

// match evaluates prg over one delivery.
func match(prg cel.Program, act *activation) (bool, error) {
	out, _, err := prg.Eval(act)
	if err != nil {
		return false, err
	}
	b, ok := out.(types.Bool)
	if !ok {
		return false, errNotBool
	}
	return bool(b), nil
}

// activation resolves a rule's variables straight from the delivery,
// without building a map first. Deliver evaluates every rule of a team on
// one delivery: each value is made once and kept for the next rules, in a
// small array (a rule set names a dozen variables; comparing names that
// CEL passes as the same strings is cheaper than hashing them).
type activation struct {
	d    *feeds.StoredEvent
	n    int
	memo [16]struct {
		name string
		val  ref.Val
	}
}

var _ interpreter.Activation = (*activation)(nil)

// newActivation returns an activation over d; reset moves it to another.
func newActivation(d *feeds.StoredEvent) *activation { return &activation{d: d} }

func (a *activation) reset(d *feeds.StoredEvent) {
	a.d = d
	clear(a.memo[:a.n])
	a.n = 0
}

func (a *activation) Parent() interpreter.Activation { return nil }

func (a *activation) ResolveName(name string) (any, bool) {
	for i := range a.memo[:a.n] {
		if a.memo[i].name == name {
			return a.memo[i].val, true
		}
	}
	v := a.resolve(name)
	if v == nil {
		return nil, false
	}
	if a.n < len(a.memo) {
		a.memo[a.n].name, a.memo[a.n].val = name, v
		a.n++
	}
	return v, true
}

func (a *activation) resolve(name string) ref.Val {
	e := &a.d.Event
	switch name {
	case "time.source":
		return types.Timestamp{Time: e.TimeSource}
	case "time.observation":
		return types.Timestamp{Time: e.TimeObservation}
	case "feed.accuracy":
		return types.Double(e.FeedAccuracy)
	case "source.port":
		return types.Int(e.SourcePort)
	case "source.asn":
		return types.Int(e.SourceASN)
	case "destination.port":
		return types.Int(e.DestinationPort)
	case "destination.asn":
		return types.Int(e.DestinationASN)
	case "source.ip":
		if e.SourceIP.IsValid() {
			return types.String(e.SourceIP.String())
		}
		return types.String("")
	case "source.fqdn":
		return types.String(e.SourceFQDN)
	case "source.url":
		return types.String(e.SourceURL)
	case "source.geolocation.cc":
		return types.String(e.SourceCountry)
	case "source.as_name":
		return types.String(e.SourceASName)
	case "classification.taxonomy":
		return types.String(e.Taxonomy)
	case "classification.type":
		return types.String(e.Type)
	case "classification.identifier":
		return types.String(e.Identifier)
	case "malware.name":
		return types.String(e.MalwareName)
	case "feed.name":
		return types.String(e.FeedName)
	case "feed.provider":
		return types.String(e.FeedProvider)
	case "tlp":
		return types.String(e.TLP)
	case varExtra:
		return types.NewStringStringMap(types.DefaultTypeAdapter, e.Extra)
	case varBy:
		return types.String(a.d.By)
	case varKey:
		return types.String(a.d.Key)
	case varRepeats:
		return types.Int(a.d.Repeats)
	}
	// The remaining text fields, in the form Set accepts. Rules are
	// type-checked, so only declared names are ever asked for.
	v, _ := e.Get(name)
	return types.String(v)
}
