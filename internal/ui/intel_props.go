package ui

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// propKind is how a property's value is shown.
type propKind int

const (
	propText   propKind = iota // words
	propCode                   // a pattern, a value: monospace
	propTime                   // a STIX timestamp, localised
	propRefs                   // one id or a list of ids, linked
	propList                   // a list of vocabulary words
	propScalar                 // a number or a boolean
)

// shownProps are the properties the object page shows above the raw JSON,
// in this order, for whatever type has them. Everything else is in the raw
// JSON below.
var shownProps = []struct {
	name string
	kind propKind
}{
	{"description", propText}, {"value", propCode}, {"pattern", propCode}, {"pattern_type", propCode},
	{"indicator_types", propList}, {"valid_from", propTime}, {"valid_until", propTime},
	{"report_types", propList}, {"published", propTime}, {"relationship_type", propCode},
	{"source_ref", propRefs}, {"target_ref", propRefs}, {"sighting_of_ref", propRefs},
	{"count", propScalar}, {"first_seen", propTime}, {"last_seen", propTime},
	{"first_observed", propTime}, {"last_observed", propTime}, {"number_observed", propScalar},
	{"where_sighted_refs", propRefs}, {"observed_data_refs", propRefs},
	{"malware_types", propList}, {"is_family", propScalar}, {"threat_actor_types", propList},
	{"infrastructure_types", propList}, {"tool_types", propList}, {"aliases", propList},
	{"roles", propList}, {"goals", propList}, {"sophistication", propCode}, {"resource_level", propCode},
	{"primary_motivation", propCode}, {"identity_class", propCode}, {"sectors", propList},
	{"objective", propText}, {"content", propText}, {"opinion", propCode}, {"context", propCode},
	{"object_refs", propRefs}, {"labels", propList}, {"confidence", propScalar}, {"lang", propCode},
}

// objProp is one property as the page shows it.
type objProp struct {
	Name  string // STIX property name; its label is "intel.prop.<name>"
	Kind  propKind
	Text  string
	Time  time.Time
	Items []string // refs or list words
	Vocab bool     // words of a STIX vocabulary the catalogs translate
}

// LabelKey is the catalog key of the property's label.
func (p objProp) LabelKey() string { return "intel.prop." + p.Name }

// IsText and the others tell the template how to show the value.
func (p objProp) IsText() bool { return p.Kind == propText }

// IsCode reports a value shown in monospace.
func (p objProp) IsCode() bool { return p.Kind == propCode || p.Kind == propScalar }

// IsTime reports a timestamp.
func (p objProp) IsTime() bool { return p.Kind == propTime }

// IsRefs reports ids to link.
func (p objProp) IsRefs() bool { return p.Kind == propRefs }

// IsList reports vocabulary words.
func (p objProp) IsList() bool { return p.Kind == propList }

// objectProps reads the shown properties out of an object's JSON. A value
// of an unexpected JSON type is shown as its JSON text.
func objectProps(raw json.RawMessage) []objProp {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return nil
	}
	var out []objProp
	for _, sp := range shownProps {
		v, ok := m[sp.name]
		if !ok {
			continue
		}
		p := objProp{Name: sp.name, Kind: sp.kind, Vocab: sp.name == "indicator_types" || sp.name == "report_types"}
		switch sp.kind {
		case propTime:
			var s string
			if json.Unmarshal(v, &s) == nil {
				if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
					p.Time = t.UTC()
					break
				}
			}
			p.Kind, p.Text = propCode, string(v)
		case propRefs, propList:
			p.Items = stringList(v)
			if p.Items == nil {
				p.Kind, p.Text = propCode, string(v)
			}
		case propScalar:
			p.Text = scalarText(v)
		default:
			var s string
			if json.Unmarshal(v, &s) != nil {
				s = string(v)
			}
			p.Text = s
		}
		out = append(out, p)
	}
	return out
}

// stringList reads a string or a list of strings; nil for anything else.
func stringList(v json.RawMessage) []string {
	var one string
	if json.Unmarshal(v, &one) == nil {
		return []string{one}
	}
	var list []string
	if json.Unmarshal(v, &list) == nil {
		return list
	}
	return nil
}

// scalarText writes a number or boolean as JSON does.
func scalarText(v json.RawMessage) string {
	var n json.Number
	if json.Unmarshal(v, &n) == nil {
		if i, err := strconv.ParseInt(string(n), 10, 64); err == nil {
			return strconv.FormatInt(i, 10)
		}
		return n.String()
	}
	return strings.TrimSpace(string(v))
}
