package parsers

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"atalaya/internal/event"
	"atalaya/internal/stix"
	"atalaya/internal/valid"
)

// stixParser reads a STIX 2.1 bundle, or the envelope a TAXII 2.1
// collection's objects endpoint answers ({"objects": [...], "more": ...}),
// or one STIX object on its own. Each indicator whose pattern compares an IP
// address or network, a domain name or a URL (ipv4-addr, ipv6-addr,
// domain-name, url, network-traffic's dst_ref and src_ref) gives one event
// per such value; other objects and other observables (file hashes, e-mail
// subjects) give none: an event needs something to route on. The "line"
// of an event is its indicator's number in the objects list, from 1.
//
// Only the latest version of an indicator in the input counts (a TAXII
// answer may hold several), revoked ones and those of indicator type
// "benign" give nothing. A pattern that does not parse refuses its
// indicator.
type stixParser struct{ kit feedKit }

func newSTIXParser(cfg Config) (Parser, error) {
	k, err := newFeedKit(cfg)
	return &stixParser{kit: k}, err
}

// kitMaxDocument bounds what the JSON formats read: a bundle is read whole,
// since its relationships and markings may come after the indicators.
const kitMaxDocument = 256 << 20

// stixIndicator is what the parser reads of an indicator.
type stixIndicator struct {
	Type              string   `json:"type"`
	ID                string   `json:"id"`
	Created           string   `json:"created"`
	Modified          string   `json:"modified"`
	Revoked           bool     `json:"revoked"`
	Name              string   `json:"name"`
	IndicatorTypes    []string `json:"indicator_types"`
	Pattern           string   `json:"pattern"`
	PatternType       string   `json:"pattern_type"`
	ValidFrom         string   `json:"valid_from"`
	Confidence        *int     `json:"confidence"`
	ObjectMarkingRefs []string `json:"object_marking_refs"`
	KillChainPhases   []struct {
		PhaseName string `json:"phase_name"`
	} `json:"kill_chain_phases"`
	// Relationships and marking definitions, read in the first pass.
	RelationshipType string          `json:"relationship_type"`
	SourceRef        string          `json:"source_ref"`
	TargetRef        string          `json:"target_ref"`
	DefinitionType   string          `json:"definition_type"`
	Definition       json.RawMessage `json:"definition"`
	Extensions       map[string]struct {
		TLP20 string `json:"tlp_2_0"`
	} `json:"extensions"`
}

// stixInput is what the first pass learns of the whole input.
type stixInput struct {
	objects  []json.RawMessage
	read     []stixIndicator   // each object, as far as it was read
	bad      []error           // why an object could not be read, nil if it could
	latest   map[string]int    // indicator id -> index of its latest version
	names    map[string]string // malware id -> name
	indicate map[string]string // indicator id -> name of the malware it indicates
	tlp      map[string]string // marking-definition id -> TLP level, for those the bundle defines
}

func (p *stixParser) Parse(r io.Reader, emit Emit, reject Reject) error {
	data, err := io.ReadAll(io.LimitReader(r, kitMaxDocument+1))
	if err != nil {
		return err
	}
	objects, err := stixObjects(data)
	if err != nil {
		kitRefuse(reject, 1, string(data[:min(len(data), 4096)]), err)
		return nil
	}
	in := readSTIX(objects)
	var e event.Event
	for i, obj := range objects {
		n := i + 1
		if in.bad[i] != nil {
			kitRefuse(reject, n, string(obj), in.bad[i])
			continue
		}
		ind := &in.read[i]
		if ind.Type != "indicator" || in.latest[ind.ID] != i || ind.Revoked || kitHas(ind.IndicatorTypes, "benign") {
			continue
		}
		if err := p.indicator(&e, in, ind, n, obj, emit, reject); err != nil {
			return err
		}
	}
	return nil
}

// stixObjects finds the objects of a bundle, an envelope or a bare
// indicator.
func stixObjects(data []byte) ([]json.RawMessage, error) {
	if len(data) > kitMaxDocument {
		return nil, kitLineError(kitCodeDocument, "the STIX document is larger than 256 MiB", nil)
	}
	var top struct {
		Type    string            `json:"type"`
		ID      string            `json:"id"`
		Objects []json.RawMessage `json:"objects"`
	}
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, kitLineError(kitCodeJSON, "not a STIX bundle or TAXII envelope: "+err.Error(), map[string]any{"Detail": err.Error()})
	}
	switch {
	case top.Type == "" || top.Type == "bundle":
		return top.Objects, nil
	case top.ID != "":
		// One object on its own (a TAXII object endpoint's answer is an
		// envelope, but files of a single object exist): read it as a
		// list of one.
		return []json.RawMessage{bytes.TrimSpace(data)}, nil
	}
	return nil, kitLineError(kitCodeDocument, "a STIX "+top.Type+" without an id is not a bundle, an envelope or an object",
		map[string]any{"Value": top.Type})
}

// readSTIX reads every object once: versions, relationships, malware names
// and marking definitions.
func readSTIX(objects []json.RawMessage) *stixInput {
	in := &stixInput{
		objects: objects, read: make([]stixIndicator, len(objects)), bad: make([]error, len(objects)),
		latest: map[string]int{}, names: map[string]string{}, indicate: map[string]string{}, tlp: map[string]string{},
	}
	var rels []int
	for i, obj := range objects {
		o := &in.read[i]
		if err := json.Unmarshal(obj, o); err != nil {
			in.bad[i] = kitLineError(kitCodeJSON, "not a STIX object: "+err.Error(), map[string]any{"Detail": err.Error()})
			continue
		}
		switch o.Type {
		case "indicator":
			if j, seen := in.latest[o.ID]; !seen || stixNewer(o, &in.read[j]) {
				in.latest[o.ID] = i
			}
		case "malware":
			var m struct {
				Name string `json:"name"`
			}
			_ = json.Unmarshal(obj, &m)
			in.names[o.ID] = m.Name
		case "relationship":
			rels = append(rels, i)
		case "marking-definition":
			if level := stixMarkingTLP(o); level != "" {
				in.tlp[o.ID] = level
			}
		}
	}
	for _, i := range rels {
		rel := &in.read[i]
		if rel.RelationshipType == "indicates" && in.names[rel.TargetRef] != "" && in.indicate[rel.SourceRef] == "" {
			in.indicate[rel.SourceRef] = in.names[rel.TargetRef]
		}
	}
	return in
}

// stixNewer reports whether a is a later version than b (by modified,
// then created).
func stixNewer(a, b *stixIndicator) bool {
	return stixTime(a.Modified, a.Created).After(stixTime(b.Modified, b.Created))
}

// stixTime returns the first of the timestamps that reads; zero if none.
func stixTime(texts ...string) time.Time {
	for _, s := range texts {
		if s == "" {
			continue
		}
		if t, err := stix.ParseTimestamp(s); err == nil {
			return t.Time
		}
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			return t
		}
	}
	return time.Time{}
}

// stixMarkingTLP returns the TLP level a marking definition of the bundle
// stands for: TLP 1.0 (definition_type "tlp") or TLP 2.0 (its extension).
func stixMarkingTLP(o *stixIndicator) string {
	if level, ok := stix.TLPLevel(o.ID); ok {
		return level
	}
	if o.DefinitionType == "tlp" {
		var d struct {
			TLP string `json:"tlp"`
		}
		if json.Unmarshal(o.Definition, &d) == nil {
			level := strings.ToLower(d.TLP)
			if level == "white" {
				level = stix.TLPClear
			}
			if stix.TLPRank(level) >= 0 {
				return level
			}
		}
	}
	for _, ext := range o.Extensions {
		if stix.TLPRank(ext.TLP20) >= 0 {
			return ext.TLP20
		}
	}
	return ""
}

// tlpOf returns the strictest TLP among refs, known ones or those the
// bundle defines.
func (in *stixInput) tlpOf(refs []string) string {
	best := ""
	for _, ref := range refs {
		level, ok := stix.TLPLevel(ref)
		if !ok {
			level = in.tlp[ref]
		}
		if level != "" && stix.TLPRank(level) > stix.TLPRank(best) {
			best = level
		}
	}
	return best
}

// indicator emits one event per routable value of the indicator's pattern.
func (p *stixParser) indicator(e *event.Event, in *stixInput, ind *stixIndicator, n int, raw []byte,
	emit Emit, reject Reject) error {
	if ind.PatternType != "" && ind.PatternType != "stix" {
		return nil // sigma, yara, snort ...: nothing this parser can read
	}
	pat, err := stix.ParsePattern(ind.Pattern)
	if err != nil {
		kitRefuse(reject, n, string(raw), stixPatternError(err))
		return nil
	}
	for _, o := range pat.Observables() {
		field := stixField(o)
		if field == "" {
			continue
		}
		p.stixEvent(e, in, ind, raw)
		if err := stixSetValue(e, field, o); err != nil {
			kitRefuse(reject, n, string(raw), err)
			continue
		}
		if err := emit(n, e); err != nil {
			return err
		}
	}
	return nil
}

// stixEvent starts the event of one value of ind with what the indicator
// says around it.
func (p *stixParser) stixEvent(e *event.Event, in *stixInput, ind *stixIndicator, raw []byte) {
	p.kit.start(e, nil)
	if t := stixTime(ind.ValidFrom, ind.Modified, ind.Created); !t.IsZero() {
		_ = kitSetTime(e, t)
	}
	kitSetLoose(e, "event_description.text", ind.Name)
	kitSetLoose(e, "malware.name", in.indicate[ind.ID])
	kitSetLoose(e, "tlp", in.tlpOf(ind.ObjectMarkingRefs))
	if ind.Confidence != nil {
		// Kept aside: feed.* is the pipeline's (the feed's accuracy).
		kitPutExtra(e, "stix.confidence", strconv.Itoa(*ind.Confidence))
	}
	kitPutExtra(e, "stix.indicator_id", ind.ID)
	stixClassify(e, ind, in.indicate[ind.ID] != "")
	_ = kitSetRaw(e, string(bytes.TrimSpace(raw)))
}

// stixField names the event field an observable fills, "" for one that
// cannot be routed on.
func stixField(o stix.Observable) string {
	if o.Path != "value" {
		return ""
	}
	switch o.Object {
	case "ipv4-addr", "ipv6-addr":
		return "source.ip"
	case "domain-name":
		return "source.fqdn"
	case "url":
		return "source.url"
	}
	return ""
}

// stixSetValue sets the observable's value; an address value may be a
// network in CIDR notation.
func stixSetValue(e *event.Event, field string, o stix.Observable) error {
	switch field {
	case "source.ip":
		if pfx, err := netip.ParsePrefix(o.Value); err == nil && pfx.IsSingleIP() {
			return e.Set(field, pfx.Addr().String())
		}
		if strings.Contains(o.Value, "/") {
			return kitSetNetwork(e, o.Value)
		}
	case "source.url":
		if err := e.Set(field, o.Value); err != nil {
			return err
		}
		kitSetHostOf(e, o.Value)
		return nil
	}
	return e.Set(field, o.Value)
}

// stixClassify classifies by the indicator's kill chain and types (the
// STIX indicator-type vocabulary): a command-and-control phase is a C2;
// "compromised" a compromised system; "malicious-activity" is malware's
// (C2 for an address or domain, distribution for a URL) when the bundle
// says which malware it indicates, and other otherwise, as are
// anonymization, anomalous-activity and attribution. Without indicator
// types the event keeps the feed's constants, or is undetermined.
func stixClassify(e *event.Event, ind *stixIndicator, indicatesMalware bool) {
	set := func(taxonomy, typ string) {
		_ = e.Set("classification.taxonomy", taxonomy)
		_ = e.Set("classification.type", typ)
	}
	if len(ind.IndicatorTypes) > 0 {
		kitSetLoose(e, "classification.identifier", ind.IndicatorTypes[0])
	}
	for _, k := range ind.KillChainPhases {
		if k.PhaseName == "command-and-control" {
			set("malicious-code", "c2-server")
			return
		}
	}
	switch {
	case kitHas(ind.IndicatorTypes, "compromised"):
		set("intrusions", "system-compromise")
	case kitHas(ind.IndicatorTypes, "malicious-activity") && indicatesMalware:
		if strings.Contains(ind.Pattern, "url:") {
			set("malicious-code", "malware-distribution")
		} else {
			set("malicious-code", "c2-server")
		}
	case len(ind.IndicatorTypes) > 0 && !kitHas(ind.IndicatorTypes, "unknown"):
		set("other", "other")
	case e.Taxonomy == "" && e.Type == "":
		set("other", "undetermined")
	}
}

// stixPatternError is the refusal of an indicator whose pattern does not
// parse, with the stix package's code and arguments (its catalogs say it).
func stixPatternError(err error) error {
	var pe *stix.PatternError
	if errors.As(err, &pe) {
		return valid.New("pattern", stix.CodePattern, "the pattern does not parse: "+pe.Error(),
			map[string]any{"Column": pe.Column, "Detail": pe.Message})
	}
	return valid.New("pattern", stix.CodePattern, "the pattern does not parse: "+err.Error(),
		map[string]any{"Column": 0, "Detail": err.Error()})
}

func kitHas(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
